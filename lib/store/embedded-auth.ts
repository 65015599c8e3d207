import "server-only";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { chown, chmod, link, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** The bootstrap superuser initdb creates; Lockboard itself connects as APP_ROLE. */
export const SUPERUSER = "postgres";
/** The role the dashboard, the CLIs and the migrations use: owns Lockboard's database, nothing more. */
export const APP_ROLE = "lockboard_app";

/*
 * The passwords live inside the data directory (0600 files beside PostgreSQL's own, in a folder
 * PostgreSQL keeps at 0700): they go wherever the data goes, a new data directory never meets an
 * old directory's password, and deleting the data deletes them.
 */
export const superuserPasswordFile = (dataDir: string) => path.join(dataDir, "lockboard-superuser.password");
export const appPasswordFile = (dataDir: string) => path.join(dataDir, "lockboard-app.password");

// 32 bytes of base64url: safe in a connection URL without escaping.
export const randomPassword = () => randomBytes(32).toString("base64url");

export function readPasswordFile(file: string): string {
  // Tightened at every start, whatever an older version or a copy left behind.
  chmodSync(file, 0o600);
  const pw = readFileSync(file, "utf8").trim();
  if (!pw) throw new Error(`${file} is empty: delete it to have the password rotated at the next start`);
  return pw;
}

/** Written whole (a temp file renamed over) so a crash never leaves half a password. */
export async function writePasswordFile(file: string, password: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  await writeFile(tmp, `${password}\n`, { mode: 0o600, flag: "wx" });
  await rename(tmp, file);
}

/**
 * The password in `file`, made once: two processes starting on the same data directory (the demo
 * and a CLI) agree on it, because the whole file is linked into place only if none is there yet.
 */
export async function ensurePasswordFile(file: string): Promise<string> {
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, `${randomPassword()}\n`, { mode: 0o600, flag: "wx" });
    try {
      await link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      await rm(tmp, { force: true });
    }
  }
  return readPasswordFile(file);
}

/** A password file initdb (run as the `postgres` user when we are root) can read: 0600, owned by that user. */
export async function writeInitdbPasswordFile(dir: string, password: string, ids: { uid?: number; gid?: number }): Promise<string> {
  const file = path.join(dir, `.lockboard-initdb-pw-${process.pid}-${randomBytes(6).toString("hex")}`);
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: "wx" });
  if (ids.uid !== undefined) await chown(file, ids.uid, ids.gid!);
  return file;
}

const SCRAM_HBA = `# Written by Lockboard at every start (lib/store/embedded-auth.ts): edits here are replaced.
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
host  all all ::1/128 scram-sha-256
`;

// Only while rotating a password inherited from an older Lockboard: the server then listens on a
// socket in a private folder and on no TCP port.
const TRUST_SOCKET_HBA = `# Lockboard is rotating the superuser password (socket in a private folder only).
local all all trust
`;

/** pg_hba.conf rewritten in place (keeping its owner: the `postgres` user reads it). */
export async function writeHba(dataDir: string, mode: "scram" | "rotate"): Promise<void> {
  const file = path.join(dataDir, "pg_hba.conf");
  await writeFile(file, mode === "scram" ? SCRAM_HBA : TRUST_SOCKET_HBA);
  await chmod(file, 0o600);
}

/** Whether a data directory predates per-directory passwords (made with the fixed one). */
export const isLegacyDataDir = (dataDir: string) => existsSync(path.join(dataDir, "PG_VERSION")) && !existsSync(superuserPasswordFile(dataDir));

const ident = (c: pg.Client, name: string) => c.escapeIdentifier(name);

/**
 * APP_ROLE (created, or its password reset from its file) and `database` owned by it. A database
 * an older Lockboard created as the superuser is handed over with everything in its public schema,
 * so the migrations, run as APP_ROLE, can alter what they made before.
 */
export async function ensureAppDatabase(superUrl: string, database: string, password: string): Promise<void> {
  await ensureRoleAndDatabase(superUrl, database, password);
  await handOverObjects(superUrl.replace(/\/[^/?]*(\?|$)/, `/${encodeURIComponent(database)}$1`));
}

// Arbitrary constant: two processes starting on one server (the demo and a CLI) set the role up in turn.
const SETUP_LOCK_KEY = 72707371;

async function ensureRoleAndDatabase(superUrl: string, database: string, password: string): Promise<void> {
  const c = new pg.Client({ connectionString: superUrl });
  await c.connect();
  try {
    await c.query("SELECT pg_advisory_lock($1)", [SETUP_LOCK_KEY]);
    await c.query("SET password_encryption = 'scram-sha-256'");
    const role = await c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    const verb = role.rowCount === 0 ? "CREATE" : "ALTER";
    await c.query(
      `${verb} ROLE ${ident(c, APP_ROLE)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD ${c.escapeLiteral(password)}`,
    );
    const db = await c.query<{ owner: string }>("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1", [database]);
    if (db.rowCount === 0) {
      await c.query(`CREATE DATABASE ${ident(c, database)} OWNER ${ident(c, APP_ROLE)}`);
      return;
    }
    if (db.rows[0].owner !== APP_ROLE) await c.query(`ALTER DATABASE ${ident(c, database)} OWNER TO ${ident(c, APP_ROLE)}`);
  } finally {
    await c.end();
  }
}

// Tables first: their sequences, indexes and row types follow them; then what is left.
const HAND_OVER = `DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS obj, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner <> '${APP_ROLE}'::regrole LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${APP_ROLE}',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.obj);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> '${APP_ROLE}'::regrole LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO ${APP_ROLE}', r.obj);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proowner <> '${APP_ROLE}'::regrole AND p.prokind IN ('f', 'p') LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO ${APP_ROLE}', r.obj);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS obj, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r') AND t.typowner <> '${APP_ROLE}'::regrole LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${APP_ROLE}', CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.obj);
  END LOOP;
END $$`;

async function handOverObjects(databaseSuperUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseSuperUrl });
  await c.connect();
  try {
    await c.query(HAND_OVER);
  } finally {
    await c.end();
  }
}
