import "server-only";
import { runEverySubject, type LeasedJob } from "../fleet/leased-job";
import { secondsFromEnv } from "../jobs/background-job";
import { maskSecretsIn } from "../sources/secret-box";
import { getSourceConnection, listSources, recordSourceHealth } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { getLockSnapshot } from "./get-lock-snapshot";
import { raiseStuckLockIncidents } from "./stuck-incident";
import { deleteOldLockSamples, writeLockSamples } from "./write-lock-samples";

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** LOCKBOARD_LOCK_SAMPLE_SECONDS (5), _MAX_ROWS per sample (500), _RETENTION_HOURS (24). */
export const samplerSettings = () => ({
  intervalMs: secondsFromEnv("LOCKBOARD_LOCK_SAMPLE_SECONDS", 5),
  maxRows: num("LOCKBOARD_LOCK_SAMPLE_MAX_ROWS", 500),
  retentionMs: num("LOCKBOARD_LOCK_SAMPLE_RETENTION_HOURS", 24) * 3_600_000,
});

export type SampleResult = { source: string; ok: boolean; rows: number; stuck: number; error?: string };

/** One pass over every monitored PostgreSQL: snapshot, store, raise incidents, trim history. */
export async function sampleAllLockSources(prisma: PrismaClient, signal?: AbortSignal, only?: string[]): Promise<SampleResult[]> {
  const settings = samplerSettings();
  const sources = (await listSources(prisma, { kind: "postgres" })).filter((s) => !only || only.includes(s.name));
  return Promise.all(
    sources.map(async (s): Promise<SampleResult> => {
      if (signal?.aborted) return { source: s.name, ok: false, rows: 0, stuck: 0, error: "stopped" };
      try {
        const conn = await getSourceConnection(prisma, s.id);
        if (!conn?.url) throw new Error("no connection URL stored");
        const snap = await getLockSnapshot(s, conn.url);
        await recordSourceHealth(prisma, s.id, { ok: true });
        const rows = await writeLockSamples(prisma, s.id, snap, settings.maxRows);
        const stuck = await raiseStuckLockIncidents(prisma, s, snap);
        await deleteOldLockSamples(prisma, s.id, new Date(Date.now() - settings.retentionMs));
        return { source: s.name, ok: true, rows, stuck };
      } catch (err) {
        const error = maskSecretsIn((err as Error).message);
        await recordSourceHealth(prisma, s.id, { ok: false, error }).catch(() => {});
        return { source: s.name, ok: false, rows: 0, stuck: 0, error };
      }
    }),
  );
}

/** One lease per monitored PostgreSQL: with several instances each source is sampled by one of them. */
export const lockSamplerJob: LeasedJob = {
  name: "lock-sampler",
  intervalMs: () => samplerSettings().intervalMs,
  listSubjects: async (prisma) => (await listSources(prisma, { kind: "postgres" })).map((s) => ({ key: `source:${s.id}`, subject: s.name, sourceId: s.id })),
  async runFor({ prisma, signal, leases }) {
    const names = leases.map((l) => l.subject);
    if (names.length === 0) return;
    const failed = (await sampleAllLockSources(prisma, signal, names)).filter((r) => !r.ok && r.error !== "stopped");
    // Every source was tried; the runner logs this failure once per change, not every few seconds.
    if (failed.length > 0) throw new Error(failed.map((f) => `${f.source}: ${f.error}`).join("; "));
  },
  run: (ctx) => runEverySubject(lockSamplerJob)(ctx),
};
