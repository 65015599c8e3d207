// Replay throughput into PostgreSQL and duplicates under contention (8 replayers, overlapping selections).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { captureFailedWrites } from "@/lib/replay/capture-failed-writes";
import { closeTargetPools } from "@/lib/replay/pg-target-pool";
import { createReplayRun, runReplay } from "@/lib/replay/replay-run";
import { upsertSource } from "@/lib/sources/source-registry";
import { getPrisma } from "@/lib/store/prisma";
import { round, type Bench } from "./types";

const N = 10_000;

async function scenario(serverUrl: string, replayers: number) {
  const prisma = getPrisma();
  const table = `bench_replay_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE TABLE public.${table} (id bigserial PRIMARY KEY, "messageId" text NOT NULL UNIQUE, text text, sender text)`);
  const source = await upsertSource(prisma, {
    name: `bench-${table}`,
    kind: "postgres",
    url: serverUrl,
    config: { replay: { namespaces: [`public.${table}`] } },
  });
  try {
    const writes = Array.from({ length: N }, (_, i) => ({
      source: source.id,
      namespace: `public.${table}`,
      operation: "insert" as const,
      key: { messageId: `m-${i}` },
      document: { messageId: `m-${i}`, text: `hello ${i}`, sender: "user" },
      error: "E11000 duplicate key error",
      occurredAt: new Date().toISOString(),
    }));
    const { ids } = await captureFailedWrites(prisma, writes, "api");
    const size = replayers === 1 ? N : Math.ceil((2 * N) / replayers);
    const step = Math.floor(N / replayers);
    const doubled = [...ids, ...ids];
    const runs = await Promise.all(
      Array.from({ length: replayers }, (_, r) =>
        createReplayRun(prisma, {
          origin: "dashboard",
          reason: "bench replay",
          actor: "bench",
          selection: { ids: doubled.slice(r * step, r * step + size) },
          batchSize: 500,
        }),
      ),
    );
    const t0 = performance.now();
    await Promise.all(runs.map((run) => runReplay(prisma, run.id, { concurrency: replayers === 1 ? 8 : 2 })));
    const seconds = (performance.now() - t0) / 1000;
    const r = await admin.query(`SELECT count(*)::int AS n, count(DISTINCT "messageId")::int AS d FROM public.${table}`);
    const twice = await prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (SELECT "failedWriteId" FROM "FailedWriteAttempt" WHERE "failedWriteId" = ANY(${ids}::int[]) GROUP BY 1 HAVING count(*) > 1) x`;
    return { seconds, records: r.rows[0].n as number, distinct: r.rows[0].d as number, processedTwice: twice[0].n };
  } finally {
    await admin.query(`DROP TABLE IF EXISTS public.${table}`);
    await admin.end();
    await prisma.source.delete({ where: { id: source.id } });
  }
}

export const replayBench: Bench = {
  name: "replay",
  async run(ctx) {
    try {
      const one = await scenario(ctx.serverUrl, 1);
      const eight = await scenario(ctx.serverUrl, 8);
      return [
        {
          figure: `replay ${N.toLocaleString("en-US")} failed inserts into PostgreSQL (1 replayer, 8 in flight)`,
          value: round(one.seconds, 2),
          unit: "s",
          comparedWith: "target < 10 s",
        },
        { figure: "replay throughput (1 replayer)", value: Math.round(N / one.seconds), unit: "writes/s", comparedWith: "≥ 1,000 writes/s" },
        {
          figure: `8 concurrent replayers, overlapping selections of ${N.toLocaleString("en-US")}`,
          value: round(eight.seconds, 2),
          unit: "s",
          comparedWith: "—",
        },
        {
          figure: "duplicate records under contention (records − distinct keys)",
          value: eight.records - eight.distinct + (one.records - one.distinct),
          unit: "records",
          comparedWith: "must be 0",
        },
        {
          figure: "records in the target after the contended replay",
          value: eight.records,
          unit: "records",
          comparedWith: `exactly ${N.toLocaleString("en-US")}`,
        },
        { figure: "writes processed more than once (attempt rows > 1)", value: eight.processedTwice, unit: "writes", comparedWith: "must be 0" },
      ];
    } finally {
      await closeTargetPools();
    }
  },
};
