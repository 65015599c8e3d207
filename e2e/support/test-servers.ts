import { access } from "node:fs/promises";
import pg from "pg";

/** The machine's own PostgreSQL (trust auth), used as a second monitored server when it answers. */
export const LOCAL_PG_URL = process.env.LOCKBOARD_LOCAL_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type MonitoredServer = { name: string; url: string; version: number };

export async function serverVersion(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
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

export type ServerWithLog = MonitoredServer & { log: string; logLinePrefix: string };

/**
 * Monitored servers whose server log the tests can read: the embedded one (logging collector in
 * `logDir`) and the machine's (Debian writes it to /var/log/postgresql) when it answers and its
 * log is readable.
 */
export async function listServersWithLogs(embeddedUrl: string, embeddedLogDir: string): Promise<ServerWithLog[]> {
  const out: ServerWithLog[] = [];
  for (const s of await listMonitoredServers(embeddedUrl)) {
    const client = new pg.Client({ connectionString: s.url });
    await client.connect();
    const prefix = (await client.query<{ p: string }>("SELECT current_setting('log_line_prefix') AS p")).rows[0].p;
    await client.end();
    if (s.url === embeddedUrl) {
      out.push({ ...s, log: embeddedLogDir, logLinePrefix: prefix });
      continue;
    }
    const log = process.env.LOCKBOARD_LOCAL_PG_LOG ?? `/var/log/postgresql/postgresql-${s.version}-main.log`;
    if (
      await access(log).then(
        () => true,
        () => false,
      )
    )
      out.push({ ...s, log, logLinePrefix: prefix });
  }
  return out;
}
