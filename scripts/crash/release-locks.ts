// The crash test's dashboard-side process for lock releases: releases, one after another through
// performLockAction (what POST /api/locks/:source/release runs), the advisory locks named in
// LOCKBOARD_CRASH_RELEASES, printing each result as a JSON line once it has returned. The test
// kills this process, or the store, in the middle of one.
import { performLockAction, type LockActionInput } from "@/lib/postgres/lock-action";
import { closeMonitorPools } from "@/lib/postgres/monitor-pool";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

type Job = { source: { id: number; name: string }; url: string; targets: Omit<LockActionInput, "reason" | "endBlockingBackend">[] };

const job = JSON.parse(process.env.LOCKBOARD_CRASH_RELEASES ?? "null") as Job | null;
if (!job || !process.env.DATABASE_URL) {
  console.error("LOCKBOARD_CRASH_RELEASES and DATABASE_URL must be set");
  process.exit(2);
}
const prisma = getPrisma();
for (const t of job.targets) {
  console.error(`releasing ${t.pid}`);
  const r = await performLockAction(prisma, {
    actor: { name: "crash-operator", role: "operator" },
    source: job.source,
    url: job.url,
    action: "release",
    input: { ...t, reason: "crash test", endBlockingBackend: false },
  });
  console.log(JSON.stringify({ pid: t.pid, outcome: r.outcome, auditId: r.auditId, message: r.message }));
}
await closeMonitorPools();
await disconnectPrisma();
