import { readFile } from "node:fs/promises";
import pg from "pg";

/** CPU seconds the writer's server processes have used (Linux /proc; the embedded server runs here). */
export async function backendCpuSeconds(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'lockboard-ingest' AND datname = current_database()`,
    );
    let ticks = 0;
    for (const { pid } of rows) {
      const fields = (await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")).split(") ")[1]?.split(" ") ?? [];
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
    }
    return ticks / 100; // USER_HZ
  } finally {
    await c.end();
  }
}
