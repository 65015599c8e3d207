import { afterAll, describe, expect, it, inject } from "vitest";
import { dropTable, provokeUniqueViolation, waitForLogLine } from "@/e2e/support/pg-provoke";
import { listServersWithLogs } from "@/e2e/support/test-servers";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { ingestLogFile } from "./ingest-file";

const servers = await listServersWithLogs(inject("embeddedUrl"), inject("embeddedLogDir"));
const tableOf = (name: string) => `session_${name.replace(/\W/g, "_")}`;

afterAll(async () => {
  await disconnectPrisma();
  for (const s of servers) await dropTable(s.url, tableOf(s.name));
});

describe.each(servers)("thin slice on $name: a real unique violation becomes an event and an incident", (server) => {
  it("reads the server log into Event, Entity and Incident, and a second read adds nothing", async () => {
    const table = tableOf(server.name);
    const uuid = await provokeUniqueViolation(server.url, table);
    const file = await waitForLogLine(server.log, `(session_uuid)=(${uuid})`);
    const prisma = getPrisma();
    const opts = { logLinePrefix: server.logLinePrefix };

    const first = await ingestLogFile(prisma, server.name, file, opts);
    expect(first.inserted).toBeGreaterThanOrEqual(1);

    const event = await prisma.event.findFirstOrThrow({
      where: { kind: "duplicate_key", raw: { contains: uuid } },
      include: { incident: true, entities: { include: { entity: true } } },
    });
    expect(event.message).toBe(`duplicate key value violates unique constraint "${table}_session_uuid_key"`);
    expect(event.raw).toContain("DETAIL:");
    expect(event.raw).toContain("STATEMENT:");
    expect(event.entities.map((l) => [l.entity.type, l.entity.value])).toEqual([["session_uuid", uuid]]);
    expect(event.incident?.title).toBe(`Duplicate key on ${table}_session_uuid_key`);
    const countBefore = event.incident!.count;

    const second = await ingestLogFile(prisma, server.name, file, opts);
    // A live server log may have grown in between (a checkpoint line, another client): everything
    // read the first time is recognised, only lines written since are new.
    expect(second.duplicates).toBeGreaterThanOrEqual(first.events + first.unparsed);
    expect(second.inserted).toBe(second.events + second.unparsed - second.duplicates);
    expect(await prisma.event.count({ where: { raw: { contains: uuid } } })).toBe(1);
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: event.incidentId! } })).count).toBe(countBefore);

    const again = await provokeUniqueViolation(server.url, table);
    await waitForLogLine(server.log, again);
    const third = await ingestLogFile(prisma, server.name, file, opts);
    expect(third.inserted).toBeGreaterThanOrEqual(1);
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: event.incidentId! } })).count).toBe(countBefore + 1);
  });
});

describe("what opens an incident", () => {
  it("keeps informational server lines as events without opening incidents", async () => {
    const prisma = getPrisma();
    const events = await prisma.event.findMany({ where: { kind: "unclassified", fields: { path: ["level"], equals: "LOG" } } });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.incidentId === null)).toBe(true);
  });
});
