import pg from "pg";
import { dropAppRole, ensureAppRole } from "../../lib/postgres/app-role";

/** A real client session of a monitored server, as an application would hold one. */
export type Session = { client: pg.Client; pid: number; end: () => Promise<void> };

export async function openSession(url: string, applicationName = "lockboard-test-app"): Promise<Session> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  // A session the test terminates on purpose reports the error here; it must not crash the run.
  client.on("error", () => {});
  await client.connect();
  const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  return { client, pid, end: () => client.end().catch(() => {}) };
}

/** Starts a statement that waits (e.g. for an advisory lock); the promise settles when it returns or fails. */
export function startWaiting(s: Session, sql: string, params: unknown[] = []): Promise<"acquired" | "failed"> {
  return s.client.query(sql, params).then(
    () => "acquired" as const,
    () => "failed" as const,
  );
}

/** Polls until `pids` all wait for a lock, as seen from a separate connection. */
export async function waitUntilWaiting(url: string, pids: number[], timeoutMs = 10_000): Promise<void> {
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await probe.query<{ n: number }>("SELECT count(DISTINCT pid)::int AS n FROM pg_locks WHERE NOT granted AND pid = ANY($1::int[])", [pids]);
      if (r.rows[0]!.n === pids.length) return;
      if (Date.now() > deadline) throw new Error(`backends ${pids.join(", ")} did not start waiting`);
      await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    await probe.end();
  }
}

/** A random advisory key above 2^32, so both halves of the bigint are exercised. */
export const randomBigKey = () => (BigInt(Math.floor(Math.random() * 2 ** 20) + 1) << 32n) + BigInt(Math.floor(Math.random() * 2 ** 31));

/**
 * A fresh ordinary login role (no superuser, no replication) on the server `superUrl` names, as
 * an application connects with: Lockboard refuses to end superuser sessions unless a source opts
 * in, so the sessions a test releases are opened with this role's URL.
 */
export async function createTestAppRole(superUrl: string, prefix: string): Promise<{ role: string; url: string; drop: () => Promise<void> }> {
  const role = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e4)}`;
  const url = await ensureAppRole(superUrl, role);
  return { role, url, drop: () => dropAppRole(superUrl, role).catch(() => {}) };
}
