import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { listActionLogs, ListActionLogsQuerySchema } from "./list-action-logs";
import { writeActionLog } from "./write-action-log";

afterAll(disconnectPrisma);

describe("action log", () => {
  it("keeps what was done, pages newest first and filters by action", async () => {
    const prisma = getPrisma();
    const action = `test_action_${Date.now()}`;
    for (let i = 0; i < 5; i++) {
      await writeActionLog(prisma, { actor: "alice", action, target: { pid: 100 + i, key: 2n ** 40n }, reason: "stuck", outcome: i % 2 ? "released" : "refused" });
    }
    const q = (extra: Record<string, string>) => ListActionLogsQuerySchema.parse({ action, limit: "2", ...extra });
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
  });
});
