import { spawn } from "node:child_process";
import { getTestMongoUrl, stopTestMongoServer } from "@/e2e/support/mongo-server/test-mongo-url";
import { sampleSource } from "@/lib/capacity/sample-capacity";
import { closeMongoClients } from "@/lib/mongo/mongo-client";
import { closeMonitorPools } from "@/lib/postgres/monitor-pool";
import { upsertSource } from "@/lib/sources/source-registry";
import { getPrisma } from "@/lib/store/prisma";
import { percentile, round, type Bench, type Figure } from "./types";

const ROUNDS = 100;

/** Wall time of one sample of one source (read + store the sample + health), p50 and p95. */
export const capacityBench: Bench = {
  name: "capacity",
  async run(ctx) {
    const prisma = getPrisma();
    const exporter = spawn(process.execPath, ["e2e/support/prom-exporter.mjs", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve) =>
      exporter.stdout!.on("data", (d) => /PORT (\d+)/.test(String(d)) && resolve(Number(/PORT (\d+)/.exec(String(d))![1]))),
    );
    const sources = [
      await upsertSource(prisma, { name: "bench-pg", kind: "postgres", url: ctx.serverUrl }),
      await upsertSource(prisma, { name: "bench-process", kind: "process", config: { pid: exporter.pid } }),
      await upsertSource(prisma, { name: "bench-prometheus", kind: "prometheus", url: `http://127.0.0.1:${port}/metrics` }),
      // MONGO_URL when set, else the in-repo test MongoDB server (so this figure is mostly the driver's round trips).
      await upsertSource(prisma, { name: "bench-mongodb", kind: "mongodb", url: await getTestMongoUrl() }),
    ];
    const figures: Figure[] = [];
    try {
      for (const s of sources) {
        await sampleSource(prisma, s, 3_000); // warm the pool / connection
        const times: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          const t = performance.now();
          const out = await sampleSource(prisma, s, 3_000);
          times.push(performance.now() - t);
          if (!out.ok) throw new Error(`${s.name}: ${out.error}`);
        }
        figures.push({
          figure: `sampler cost per sample, ${s.kind} source (p50 / p95 ${round(percentile(times, 95), 2)} ms)`,
          value: round(percentile(times, 50), 2),
          unit: "ms",
          comparedWith: "—",
        });
      }
    } finally {
      exporter.kill("SIGKILL");
      await closeMongoClients();
      await closeMonitorPools();
      await stopTestMongoServer();
    }
    return figures;
  },
};
