import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { listActionLogs, ListActionLogsQuerySchema } from "./list-action-logs";
import { listAuditFacets } from "./list-audit-facets";
import { writeActionLog } from "./write-action-log";

afterAll(disconnectPrisma);

describe("action log", () => {
  it("keeps what was done, pages newest first and filters by action or by noun", async () => {
    const prisma = getPrisma();
    const action = "token.create";
    const actor = `alice-${Date.now()}`;
    for (let i = 0; i < 5; i++) {
      await writeActionLog(prisma, { actor, action, target: { pid: 100 + i, key: 2n ** 40n }, reason: "stuck", outcome: i % 2 ? "released" : "refused" });
    }
    const q = (extra: Record<string, string>) => ListActionLogsQuerySchema.parse({ action, actor, limit: "2", ...extra });
    const first = await listActionLogs(prisma, q({}));
    expect(first.items.map((r) => (r.target as { pid: number }).pid)).toEqual([104, 103]);
    expect((first.items[0]!.target as { key: string }).key).toBe(String(2n ** 40n));
    const second = await listActionLogs(prisma, q({ cursor: String(first.nextCursor) }));
    expect(second.items.map((r) => (r.target as { pid: number }).pid)).toEqual([102, 101]);
    const third = await listActionLogs(prisma, q({ cursor: String(second.nextCursor) }));
    expect(third.items).toHaveLength(1);
    expect(third.nextCursor).toBeNull();
    const refused = await listActionLogs(prisma, q({ outcome: "refused", limit: "10" }));
    expect(refused.items).toHaveLength(3);
    // A noun alone lists every action on it.
    await writeActionLog(prisma, { actor, action: "token.revoke", target: {}, outcome: "revoked" });
    await writeActionLog(prisma, { actor, action: "user.role", target: {}, outcome: "changed" });
    const tokens = await listActionLogs(prisma, q({ action: "token", limit: "10" }));
    expect(tokens.items.map((r) => r.action)).toEqual(["token.revoke", "token.create", "token.create", "token.create", "token.create", "token.create"]);
  });

  it("offers the store's distinct values as filters, a relative range, and a sentence per row", async () => {
    const prisma = getPrisma();
    const actor = `facet-${Date.now()}@lockboard.test`;
    const old = await writeActionLog(prisma, { actor, action: "token.revoke", target: { tokenId: 1 }, outcome: "already_revoked" });
    // The app never updates audit rows; the test backdates one to place it outside the last hour.
    await prisma.actionLog.update({ where: { id: old.id }, data: { at: new Date(Date.now() - 3 * 3_600_000) } });
    await writeActionLog(prisma, { actor, action: "token.create", target: { tokenId: 2, name: "ci", scope: "ingest", sources: [] }, outcome: "created" });
    const facets = await listAuditFacets(prisma);
    expect(facets.actor).toContainEqual({ value: actor, count: 2 });
    expect(facets.action.map((a) => a.value)).toEqual(expect.arrayContaining(["token.create", "token.revoke"]));
    expect(facets.outcome.map((a) => a.value)).toEqual(expect.arrayContaining(["created", "already_revoked"]));
    const recent = await listAuditFacets(prisma, { from: new Date(Date.now() - 60_000).toISOString() });
    expect(recent.actor.find((a) => a.value === actor)?.count).toBe(1);

    const lastHour = await listActionLogs(prisma, ListActionLogsQuerySchema.parse({ actor, range: "1h" }));
    const all = await listActionLogs(prisma, ListActionLogsQuerySchema.parse({ actor }));
    expect(all.items).toHaveLength(2);
    expect(lastHour.items.map((r) => r.action)).toEqual(["token.create"]);
    expect(all.items[0]!.sentence).toBe(`${actor} created the ingest API token “ci”`);
    expect(all.items[1]!.sentence).toBe(`${actor} revoked API token #1: it already was`);
    expect(() => ListActionLogsQuerySchema.parse({ range: "2h" })).toThrow();
  });
});
