import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * A throwaway server from the machine's own PostgreSQL packages (Debian's postgresql-NN, whose
 * gettext catalogs make `lc_messages` in another language work), on a data directory and port of
 * its own, run as the `postgres` user when the tests run as root. Trust auth on 127.0.0.1 only.
 */

export type SystemPostgres = { url: string; port: number; dataDir: string; logDir: string; stop: () => Promise<void> };

const BIN = (version: string) => `/usr/lib/postgresql/${version}/bin`;

function idsOf(user: string): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  return { uid: Number(execFileSync("id", ["-u", user]).toString()), gid: Number(execFileSync("id", ["-g", user]).toString()) };
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** `preferred` when nothing listens there, else a port the system picks. */
async function choosePort(preferred: number): Promise<number> {
  if (await portFree(preferred)) return preferred;
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/**
 * The directory of compiled locales (LOCPATH) holding `locales` (e.g. `ru_RU.UTF-8`), compiled
 * with localedef from the machine's locale sources when missing: no root, no locale-gen, nothing
 * downloaded. PostgreSQL's setlocale() honours LOCPATH, so lc_messages accepts them.
 */
export async function ensureLocales(locales: string[], dir = "/var/tmp/lockboard-locales"): Promise<string> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  for (const name of locales) {
    const target = path.join(dir, name);
    if (existsSync(path.join(target, "LC_MESSAGES"))) continue;
    const [input, charmap = "UTF-8"] = name.split(".");
    if (!existsSync(`/usr/share/i18n/locales/${input}`)) {
      throw new Error(`locale source /usr/share/i18n/locales/${input} is missing: install Debian's "locales" package (apt-get install locales)`);
    }
    // localedef exits 1 on mere warnings; what counts is the compiled locale.
    const r = spawnSync("localedef", ["-i", input, "-f", charmap, target], { encoding: "utf8" });
    if (!existsSync(path.join(target, "LC_MESSAGES"))) throw new Error(`localedef ${name} failed: ${r.stderr || r.error}`);
  }
  spawnSync("chmod", ["-R", "a+rX", dir]);
  return dir;
}

/**
 * Ready by postmaster.pid's status line (`ready`, or `standby` for a hot standby) before the first connection: an attempt during
 * startup would log `FATAL: the database system is starting up` into the log under test.
 */
async function waitReady(url: string, dataDir: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${output()}`);
    const status = await readFile(path.join(dataDir, "postmaster.pid"), "utf8").then(
      (t) => t.split("\n")[7]?.trim(),
      () => undefined,
    );
    if (status !== "ready" && status !== "standby") {
      if (Date.now() > deadline) throw new Error(`postgres did not become ready: ${output()}`);
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.end();
      return;
    } catch {
      await c.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not become ready: ${output()}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

export type StartSystemOptions = {
  version?: string;
  port: number;
  settings?: Record<string, string>;
  env?: Record<string, string>;
  /** A hot standby of the server on this port (pg_basebackup -R) instead of a fresh cluster. */
  standbyOf?: number;
};

export async function startSystemPostgres(opts: StartSystemOptions): Promise<SystemPostgres> {
  const version = opts.version ?? "15";
  const bin = BIN(version);
  if (!existsSync(path.join(bin, "postgres"))) throw new Error(`${bin}/postgres is missing: install Debian's postgresql-${version}`);
  const root = await mkdtemp(path.join(tmpdir(), `lockboard-pg${version}-`));
  await chmod(root, 0o755);
  const dataDir = path.join(root, "data");
  const logDir = path.join(root, "log");
  const ids = idsOf("postgres");
  if (ids.uid !== undefined) await chown(root, ids.uid, ids.gid!);
  const init = opts.standbyOf
    ? spawnSync(path.join(bin, "pg_basebackup"), ["-h", "127.0.0.1", "-p", String(opts.standbyOf), "-U", "postgres", "-D", dataDir, "-R", "-X", "stream"], {
        ...ids,
        env: { ...process.env, LC_ALL: "C" },
        encoding: "utf8",
      })
    : spawnSync(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"], {
        ...ids,
        env: { ...process.env, LC_ALL: "C" },
        encoding: "utf8",
      });
  if (init.status !== 0) throw new Error(`${opts.standbyOf ? "pg_basebackup" : "initdb"} failed: ${init.stderr || init.error}`);
  const port = await choosePort(opts.port);
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    logging_collector: "on",
    log_directory: logDir,
    log_filename: "postgresql.log",
    ...opts.settings,
  };
  const args = ["-D", dataDir, "-p", String(port)];
  for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
  let out = "";
  // LANGUAGE would override lc_messages in gettext, and LC_ALL the server's own locale settings.
  const { LANGUAGE: _l, LC_ALL: _a, ...env } = process.env;
  const child = spawn(path.join(bin, "postgres"), args, { ...ids, stdio: ["ignore", "pipe", "pipe"], env: { ...env, LANG: "C", ...opts.env } });
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const kill = () => child.exitCode === null && child.kill("SIGINT");
  process.once("exit", kill);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    process.removeListener("exit", kill);
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    await waitReady(url, dataDir, child, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, dataDir, logDir, stop };
}

/** The server's log files by extension (`.log`, `.csv`, `.json`) once each contains `marker`. */
export async function logFilesWith(logDir: string, exts: string[], marker: string, timeoutMs = 15_000): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = await readdir(logDir).catch(() => [] as string[]);
    const found: Record<string, string> = {};
    for (const ext of exts) {
      const f = files.find((x) => x.endsWith(ext));
      if (f && (await readFile(path.join(logDir, f), "utf8")).includes(marker)) found[ext] = path.join(logDir, f);
    }
    if (Object.keys(found).length === exts.length) return found;
    if (Date.now() > deadline) throw new Error(`marker ${marker} did not reach every log file (${exts.join(", ")}) in ${logDir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
