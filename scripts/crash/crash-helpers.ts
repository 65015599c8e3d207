// What the crash test (lib/store/crash.int.test.ts) does to processes: kill -9 the embedded
// PostgreSQL with all its processes at once, start it again on the same data and port, and run
// the project's entry points in child processes it can kill.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { type EmbeddedServer, startEmbeddedPostgres } from "@/lib/store/embedded-server";

const alive = (pid: number) => {
  try {
    // A zombie has exited: its state field says Z.
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
};

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

/**
 * SIGKILL to the postmaster and every process it forked, at the same instant: no backend gets to
 * flush WAL still in shared memory, as in a crash (the OS page cache survives, unlike a power cut).
 */
export async function killServerHard(server: EmbeddedServer): Promise<void> {
  const postmaster = Number(readFileSync(`${server.dataDir}/postmaster.pid`, "utf8").split("\n")[0]);
  const all = [postmaster, ...childrenOf(postmaster)];
  for (const pid of all) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err; // exited meanwhile
    }
  }
  await until("the killed PostgreSQL processes to exit", () => all.every((p) => !alive(p)));
}

/** The server again on the same data directory and port (crash recovery runs as it starts). */
export async function restartServer(dataDir: string, port: number): Promise<EmbeddedServer> {
  let server: EmbeddedServer | null = null;
  let last: unknown;
  await until(
    "the embedded PostgreSQL to start again",
    async () => {
      try {
        server = await startEmbeddedPostgres({ dataDir, port });
        return true;
      } catch (err) {
        last = err;
        return false;
      }
    },
    60_000,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}: ${(last as Error)?.message}`);
  });
  return server!;
}

export type Child = { child: ChildProcess; lines: string[]; stderr: () => string; exited: Promise<number | null> };

/** `node --import tsx` itself running the script, so SIGKILL hits the process doing the work. */
export function runScript(script: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  let partial = "";
  child.stdout!.on("data", (d) => {
    const parts = (partial + d).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, lines, stderr: () => stderr, exited };
}

/** Kills the child if it has not exited within `ms` (a client of a dead store may wait on it). */
export async function exitOrKill(c: Child, ms: number): Promise<void> {
  const timer = setTimeout(() => c.child.kill("SIGKILL"), ms);
  await c.exited;
  clearTimeout(timer);
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/**
 * The store after recovery: every B-tree index agrees with its table (amcheck, heap included) and
 * every table reads through to its end.
 */
export async function checkStoreConsistent(superUrl: string): Promise<{ indexes: number; tables: number }> {
  const c = new pg.Client({ connectionString: superUrl });
  await c.connect();
  try {
    await c.query("CREATE EXTENSION IF NOT EXISTS amcheck");
    const idx = await c.query<{ oid: number }>(
      `SELECT i.indexrelid::int AS oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = 'public' AND a.amname = 'btree' AND c.relpersistence = 'p' AND c.relkind = 'i'`,
    );
    for (const { oid } of idx.rows) await c.query("SELECT bt_index_check($1::regclass, true)", [oid]);
    const tables = await c.query<{ t: string }>(`SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname = 'public'`);
    for (const { t } of tables.rows) await c.query(`SELECT count(*) FROM ${t}`);
    return { indexes: idx.rowCount ?? 0, tables: tables.rowCount ?? 0 };
  } finally {
    await c.end();
  }
}
