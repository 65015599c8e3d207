import pg from "pg";

/**
 * Makes a real PostgreSQL raise each concurrency failure Lockboard classifies, the way apps hit
 * them. The server should run with log_lock_waits = on and a short deadlock_timeout so lock waits
 * are logged too. Every helper cleans up its sessions.
 */

export async function connect(url: string, settings: Record<string, string> = {}): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  await c.connect();
  for (const [k, v] of Object.entries(settings)) await c.query(`SELECT set_config($1, $2, false)`, [k, v]);
  return c;
}

export const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code?: string }) => e.code ?? "unknown",
  );

async function withClients<T>(url: string, n: number, fn: (cs: pg.Client[]) => Promise<T>): Promise<T> {
  const cs = await Promise.all(Array.from({ length: n }, () => connect(url)));
  try {
    return await fn(cs);
  } finally {
    await Promise.all(cs.map((c) => c.end().catch(() => {})));
  }
}

export async function createAccounts(url: string, table: string): Promise<void> {
  await withClients(url, 1, async ([c]) => {
    await c.query(`CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY, balance int NOT NULL)`);
    await c.query(`INSERT INTO ${table} VALUES (1, 100), (2, 100) ON CONFLICT (id) DO NOTHING`);
  });
}

/** 40P01: two transactions update rows 1 and 2 in opposite orders. Returns the victim's SQLSTATE. */
export async function provokeDeadlock(url: string, table: string): Promise<string | null> {
  return withClients(url, 2, async ([a, b]) => {
    await a.query("BEGIN");
    await b.query("BEGIN");
    await a.query(`UPDATE ${table} SET balance = balance - 1 WHERE id = 1`);
    await b.query(`UPDATE ${table} SET balance = balance - 1 WHERE id = 2`);
    const [ra, rb] = await Promise.all([
      codeOf(a.query(`UPDATE ${table} SET balance = balance + 1 WHERE id = 2`)),
      codeOf(b.query(`UPDATE ${table} SET balance = balance + 1 WHERE id = 1`)),
    ]);
    await a.query("ROLLBACK");
    await b.query("ROLLBACK");
    return ra ?? rb;
  });
}

/** 40001: a repeatable-read transaction updates a row another one changed after its snapshot. */
export async function provokeSerializationFailure(url: string, table: string): Promise<string | null> {
  return withClients(url, 2, async ([a, b]) => {
    await a.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await a.query(`SELECT balance FROM ${table} WHERE id = 1`);
    await b.query(`UPDATE ${table} SET balance = balance + 1 WHERE id = 1`);
    const code = await codeOf(a.query(`UPDATE ${table} SET balance = balance + 1 WHERE id = 1`));
    await a.query("ROLLBACK");
    return code;
  });
}

/** 55P03 after a logged lock wait: a row lock held by another transaction, lock_timeout 400ms. */
export async function provokeRowLockTimeout(url: string, table: string): Promise<string | null> {
  return withClients(url, 2, async ([a, b]) => {
    await a.query("BEGIN");
    await a.query(`UPDATE ${table} SET balance = balance WHERE id = 2`);
    await b.query("SET lock_timeout = '400ms'");
    const code = await codeOf(b.query(`UPDATE ${table} SET balance = balance + 1 WHERE id = 2`));
    await a.query("ROLLBACK");
    return code;
  });
}

/** 55P03 after a logged advisory-lock wait, for a bigint key or an (int, int) key. */
export async function provokeAdvisoryWait(url: string, key: number | [number, number]): Promise<string | null> {
  const args = Array.isArray(key) ? key : [key];
  const call = Array.isArray(key) ? "pg_advisory_lock($1::int, $2::int)" : "pg_advisory_lock($1::bigint)";
  return withClients(url, 2, async ([a, b]) => {
    await a.query(`SELECT ${call}`, args);
    await b.query("SET lock_timeout = '400ms'");
    const code = await codeOf(b.query(`SELECT ${call}`, args));
    await a.query("SELECT pg_advisory_unlock_all()");
    return code;
  });
}

/** 57014: a statement runs past statement_timeout. */
export async function provokeStatementTimeout(url: string): Promise<string | null> {
  return withClients(url, 1, async ([c]) => {
    await c.query("SET statement_timeout = '150ms'");
    return codeOf(c.query("SELECT pg_sleep(2)"));
  });
}

/**
 * 53300 three ways (`too many connections for role`, `remaining connection slots are reserved…`,
 * `sorry, too many clients already`) on a server with `maxConnections` slots, `reserved` of them reserved. The session that counts
 * the slots is the one that keeps the role admin: a backend frees its slot a moment after its
 * client hangs up, so it first waits until no other session of earlier steps is left.
 */
export async function provokeConnectionExhaustion(url: string, maxConnections: number, reserved: number): Promise<string[]> {
  const admin = await connect(url);
  const role = `lb_app_${Date.now().toString(36)}`;
  const roleUrl = (r: string) => Object.assign(new URL(url), { username: r, password: "app-pass" }).toString();
  const held: pg.Client[] = [];
  const codes: string[] = [];
  // Until only the sessions held here remain (a refused one also takes a moment to leave).
  const settle = async () => {
    for (let i = 0; i < 200; i++) {
      const r = await admin.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      );
      if (Number(r.rows[0].n) === held.length) return;
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  try {
    await settle();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app-pass'`);
    await admin.query(`CREATE ROLE ${role}_one LOGIN PASSWORD 'app-pass' CONNECTION LIMIT 1`);
    held.push(await connect(roleUrl(`${role}_one`)));
    codes.push((await codeOf(connect(roleUrl(`${role}_one`)).then((c) => c.end()))) ?? "none");
    await settle();
    while (held.length < maxConnections - reserved - 1) held.push(await connect(url));
    codes.push((await codeOf(connect(roleUrl(role)).then((c) => c.end()))) ?? "none");
    await settle();
    while (held.length < maxConnections - 1) held.push(await connect(url));
    codes.push((await codeOf(connect(url).then((c) => c.end()))) ?? "none");
  } finally {
    await Promise.all(held.map((c) => c.end().catch(() => {})));
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
    await admin.query(`DROP ROLE IF EXISTS ${role}_one`).catch(() => {});
    await admin.end();
  }
  return codes;
}

/** An ERROR carrying `marker`, to wait for in every log file before reading them. */
export async function logMarker(url: string, marker: string): Promise<void> {
  await withClients(url, 1, async ([c]) => {
    await codeOf(c.query(`DO $$ BEGIN RAISE EXCEPTION 'lockboard marker %', '${marker.replace(/'/g, "")}'; END $$`));
  });
}
