// The replay's dry run (issue 19) on both kinds of target: it counts would-apply, already present,
// conflict and would-fail the way the replay then ends, and writes nothing anywhere.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getTestMongoUrl, stopTestMongoServer } from "@/e2e/support/mongo-server/test-mongo-url";
import { message, mongoTarget, postgresTarget, type Message, type ReplayTarget } from "@/e2e/support/replay-targets";
import { closeMongoClients } from "../mongo/mongo-client";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { captureFailedWrites } from "./capture-failed-writes";
import { closeTargetPools } from "./pg-target-pool";
import { previewReplay } from "./preview-replay";
import { createReplayRun, runReplay } from "./replay-run";

const prisma = getPrisma();

afterAll(async () => {
  await closeTargetPools();
  await closeMongoClients();
  await stopTestMongoServer();
  await disconnectPrisma();
});

const submit = (t: ReplayTarget, m: Message, operation: "insert" | "upsert" | "update", fields: Partial<Message> = m) => ({
  source: t.sourceId,
  namespace: t.namespace,
  operation,
  key: { messageId: m.messageId },
  ...(operation === "update" ? { update: { $set: fields } } : { document: { ...m, ...fields } }),
  error: "E11000 duplicate key error",
  occurredAt: new Date().toISOString(),
});

/** Everything a replay would change in the store: the writes, their attempts, runs and audit rows. */
const storeState = async (ids: number[]) => ({
  writes: await prisma.failedWrite.findMany({
    where: { id: { in: ids } },
    orderBy: { id: "asc" },
    select: { status: true, attempts: true, updatedAt: true, leaseOwner: true },
  }),
  attempts: await prisma.failedWriteAttempt.count({ where: { failedWriteId: { in: ids } } }),
  runs: await prisma.replayRun.count(),
  audit: await prisma.actionLog.count(),
});

function previewScenario(getTarget: () => ReplayTarget, snapshot: (prefix: string) => Promise<unknown>) {
  it("counts every outcome as the replay then ends, with the conflicts' diffs, and writes nothing", async () => {
    const t = getTarget();
    const p = `pv${randomBytes(3).toString("hex")}`;
    const [fresh, same, edited, upserted, missing] = [1, 2, 3, 4, 5].map((i) => message(i, p));
    await t.insertDirect(same);
    await t.insertDirect({ ...edited, text: "edited by the app" });
    await t.insertDirect({ ...upserted, text: "older text" });
    const { ids } = await captureFailedWrites(
      prisma,
      [
        submit(t, fresh, "insert"),
        submit(t, same, "insert"),
        submit(t, edited, "insert"),
        submit(t, upserted, "upsert"),
        submit(t, missing, "update", { text: "for nobody" }),
      ],
      "api",
    );
    expect(ids).toHaveLength(5);

    const beforeStore = await storeState(ids);
    const beforeTarget = await snapshot(p);
    const preview = await previewReplay(prisma, { ids });
    expect(preview).toMatchObject({ selected: 5, checked: 5, capped: false });
    expect(preview.counts).toEqual({ would_apply: 2, already_present: 1, conflict: 1, would_fail: 1, unreachable: 0 });
    expect(preview.conflicts).toEqual([
      expect.objectContaining({
        id: ids[2],
        key: { messageId: edited.messageId },
        diff: [{ field: "text", expected: edited.text, actual: "edited by the app" }],
      }),
    ]);
    expect(preview.failures).toEqual([expect.objectContaining({ id: ids[4], error: expect.stringContaining("to update") })]);
    // Read-only: the target, the writes, their attempts, the runs and the audit log are as they were.
    expect(await snapshot(p)).toEqual(beforeTarget);
    expect(await storeState(ids)).toEqual(beforeStore);

    // A cap says so: two read, five selected.
    expect(await previewReplay(prisma, { ids }, { limit: 2 })).toMatchObject({ selected: 5, checked: 2, capped: true, limit: 2 });

    const run = await createReplayRun(prisma, { actor: "preview-test", origin: "dashboard", reason: "check the preview", selection: { ids } });
    const done = await runReplay(prisma, run.id);
    expect(done.counts).toEqual({
      applied: preview.counts.would_apply,
      already_present: preview.counts.already_present,
      conflict: preview.counts.conflict,
      failed: preview.counts.would_fail,
    });
    // After the replay the same selection has nothing left to take up but the conflict and the failure.
    expect((await previewReplay(prisma, { ids })).selected).toBe(2);
  });
}

describe("replay preview on PostgreSQL", () => {
  let target: ReplayTarget;
  let admin: pg.Client;
  beforeAll(async () => {
    target = await postgresTarget(prisma, "preview-pg", inject("embeddedUrl"));
    admin = new pg.Client({ connectionString: inject("embeddedUrl") });
    await admin.connect();
  });
  afterAll(async () => {
    await target?.teardown();
    await admin?.end();
  });
  // xmin changes with any UPDATE; an INSERT or DELETE changes the rows themselves.
  previewScenario(
    () => target,
    async (prefix) =>
      (await admin.query(`SELECT *, xmin::text AS xmin FROM ${target.namespace} WHERE "messageId" LIKE $1 ORDER BY "messageId"`, [`${prefix}-%`])).rows,
  );
});

describe("replay preview on MongoDB (MONGO_URL or the test wire server)", () => {
  let target: ReplayTarget;
  beforeAll(async () => {
    target = await mongoTarget(prisma, await getTestMongoUrl());
  });
  afterAll(() => target?.teardown());
  previewScenario(
    () => target,
    async (prefix) => ({ count: await target.count(prefix), docs: await Promise.all([1, 2, 3, 4, 5].map((i) => target.get(`${prefix}-${i}`))) }),
  );
});
