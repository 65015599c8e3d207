import pg from "pg";

/** The machine's own PostgreSQL (trust auth), used as a second monitored server when it answers. */
export const LOCAL_PG_URL = process.env.LOCKBOARD_LOCAL_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type MonitoredServer = { name: string; url: string; version: number };

export async function serverVersion(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("SHOW server_version_num");
    return Math.floor(Number(r.rows[0].v) / 10000);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Embedded server always; the machine's server too when it answers, so two majors are covered. */
export async function listMonitoredServers(embeddedUrl: string): Promise<MonitoredServer[]> {
  const out: MonitoredServer[] = [];
  const v = await serverVersion(embeddedUrl);
  if (v === null) throw new Error(`embedded PostgreSQL at ${embeddedUrl} does not answer`);
  out.push({ name: `embedded-pg${v}`, url: embeddedUrl, version: v });
  const local = await serverVersion(LOCAL_PG_URL);
  if (local !== null) out.push({ name: `local-pg${local}`, url: LOCAL_PG_URL, version: local });
  return out;
}
