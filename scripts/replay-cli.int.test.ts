// `npm run replay` starting a run from the command line (issue 19): the reason is required, a
// dry run previews without writing, and the run records who started it and that it was the CLI.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { message, postgresTarget, type ReplayTarget } from "@/e2e/support/replay-targets";
import { describeAction } from "@/lib/audit/describe-action";
import { captureFailedWrites } from "@/lib/replay/capture-failed-writes";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

const prisma = getPrisma();
const actor = `cli:${userInfo().username}`;
let target: ReplayTarget;

function replayCli(...args: string[]) {
  const r = spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/replay.ts", ...args], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

vi.setConfig({ testTimeout: 300_000 });

beforeAll(async () => {
  target = await postgresTarget(prisma, "replay-cli", inject("embeddedUrl"));
});
afterAll(async () => {
  await target?.teardown();
  await disconnectPrisma();
});

describe("npm run replay -- --ids … --reason …", () => {
  it("refuses to start without a reason, previews with --dry-run, and records a run from the command line", async () => {
    const p = `cli${randomBytes(3).toString("hex")}`;
    const [fresh, same, edited] = [1, 2, 3].map((i) => message(i, p));
    await target.insertDirect(same);
    await target.insertDirect({ ...edited, text: "changed by the app" });
    const sub = (m: typeof fresh) => ({
      source: target.sourceId,
      namespace: target.namespace,
      operation: "insert" as const,
      key: { messageId: m.messageId },
      document: m,
      error: "E11000",
      occurredAt: new Date().toISOString(),
    });
    const { ids } = await captureFailedWrites(prisma, [sub(fresh), sub(same), sub(edited)], "api");
    const runsBefore = await prisma.replayRun.count();

    const refused = replayCli("--ids", ids.join(","));
    expect(refused.status).toBe(2);
    expect(refused.out).toContain("--reason is required");

    const dry = replayCli("--ids", ids.join(","), "--dry-run");
    expect(dry).toMatchObject({ status: 0 });
    expect(dry.out).toContain("would apply 1 · already present 1 · conflict 1 · would fail 0");
    expect(dry.out).toContain(`conflict #${ids[2]}`);
    expect(await prisma.replayRun.count()).toBe(runsBefore);
    expect(await target.count(p)).toBe(2);

    const done = replayCli("--ids", ids.join(","), "--reason", "cli: replay after the outage");
    expect(done.status, done.out).toBe(0);
    expect(done.out).toContain("from the command line");
    const run = await prisma.replayRun.findFirstOrThrow({ where: { reason: "cli: replay after the outage" }, orderBy: { id: "desc" } });
    expect(run).toMatchObject({ actor, origin: "cli", total: 3, status: "done" });
    expect(await target.count(p)).toBe(3);
    const start = await prisma.actionLog.findFirstOrThrow({
      where: { action: "replay.start", target: { path: ["replayRunId"], equals: run.id } },
      include: { source: true },
    });
    expect(start.reason).toBe("cli: replay after the outage");
    expect(describeAction({ ...start, source: null })).toContain(`started replay run #${run.id} of 3 failed writes`);
    expect(describeAction({ ...start, source: null })).toContain("from the command line");
  });
});
