import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { ingestNdjson } from "../ingest/push-ingest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { listIncidents } from "./list-incidents";

const tag = `subj${randomBytes(4).toString("hex")}`;
const line = (o: Record<string, unknown>) => JSON.stringify({ time: new Date().toISOString(), level: "error", ...o });

afterAll(() => disconnectPrisma());

describe("incident subject", () => {
  it("is stored at ingest and listed, so two lock timeouts on different sources tell themselves apart", async () => {
    const prisma = getPrisma();
    await ingestNdjson(
      prisma,
      `${tag}-memory`,
      Buffer.from(line({ msg: "failed to update user metadata: canceling statement due to lock timeout", code: "55P03", lock_key: "6705818939836648035" })),
    );
    await ingestNdjson(
      prisma,
      `${tag}-billing`,
      Buffer.from(line({ msg: "canceling statement due to lock timeout", code: "55P03", statement: "UPDATE invoices SET paid = true WHERE id = 9" })),
    );
    const items = [];
    for (const source of [`${tag}-memory`, `${tag}-billing`])
      items.push(...(await listIncidents(prisma, { source, sort: "lastSeen", limit: 10 } as never)).items);
    const bySource = Object.fromEntries(items.map((i) => [i.source, i]));
    expect(bySource[`${tag}-memory`]).toMatchObject({ kind: "lock_timeout", subject: "advisory lock 6705818939836648035" });
    expect(bySource[`${tag}-billing`]!.kind).toBe("lock_timeout");
    // The first event's subject stays; an incident without one gets it from a later event.
    await prisma.incident.update({ where: { id: bySource[`${tag}-billing`]!.id }, data: { subject: null } });
    await ingestNdjson(prisma, `${tag}-billing`, Buffer.from(line({ msg: "canceling statement due to lock timeout", code: "55P03", lock_key: "42" })));
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: bySource[`${tag}-billing`]!.id } })).subject).toBe("advisory lock 42");
    await ingestNdjson(prisma, `${tag}-memory`, Buffer.from(line({ msg: "canceling statement due to lock timeout", code: "55P03", lock_key: "7" })));
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: bySource[`${tag}-memory`]!.id } })).subject).toBe("advisory lock 6705818939836648035");
  });
});
