import { spawnSync } from "node:child_process";
import { chmodSync, statSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { appPasswordFile, superuserPasswordFile, writeInitdbPasswordFile } from "./embedded-auth";
import { type EmbeddedServer, startEmbeddedPostgres } from "./embedded-server";
import { applyMigrations } from "./migrate";
import { ensureDatabase, startStore } from "./start-store";

const OLD_FIXED_PASSWORD = "lockboard";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

const withUser = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
};

const mode = (file: string) => statSync(file).mode & 0o777;

let dir: string;
let server: EmbeddedServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lockboard-store-security-"));
  await chmod(dir, 0o755); // the postgres user reaches the data directory inside
  server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the embedded store's credentials", () => {
  it("refuses the old fixed superuser password, and the superuser's own is random", async () => {
    await expect(query(withUser(server.url(), "postgres", OLD_FIXED_PASSWORD), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });
    // The integration run's shared server too: the store every other test uses.
    await expect(query(withUser(inject("embeddedUrl"), "postgres", OLD_FIXED_PASSWORD), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });
    const password = new URL(server.url()).password;
    expect(password.length).toBeGreaterThanOrEqual(40);
    expect(password).toBe((await readFile(superuserPasswordFile(server.dataDir), "utf8")).trim());
  });

  it("authenticates with scram-sha-256 only and stores SCRAM verifiers", async () => {
    await server.ensureAppDatabase("lockboard");
    const rules = await query<{ auth_method: string }>(server.url(), "SELECT auth_method FROM pg_hba_file_rules");
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.auth_method))).toEqual(new Set(["scram-sha-256"]));
    const secrets = await query<{ rolname: string; scram: boolean }>(
      server.url(),
      `SELECT rolname, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname IN ('postgres', 'lockboard_app') ORDER BY 1`,
    );
    expect(secrets).toEqual([
      { rolname: "lockboard_app", scram: true },
      { rolname: "postgres", scram: true },
    ]);
  });

  it("keeps each password in a 0600 file, and initdb's password file is 0600 too", async () => {
    await server.ensureAppDatabase("lockboard");
    expect(mode(superuserPasswordFile(server.dataDir))).toBe(0o600);
    expect(mode(appPasswordFile(server.dataDir))).toBe(0o600);
    // Loosened by hand, tightened again at the next start.
    chmodSync(superuserPasswordFile(server.dataDir), 0o644);
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir: server.dataDir });
    expect(mode(superuserPasswordFile(server.dataDir))).toBe(0o600);
    const initdbFile = await writeInitdbPasswordFile(dir, "x", {});
    try {
      expect(mode(initdbFile)).toBe(0o600);
    } finally {
      await unlink(initdbFile);
    }
  });
});

describe("the store's own role", () => {
  it("is what tests and the dashboard connect as: not a superuser, no server files, no programs", async () => {
    const url = inject("databaseUrl");
    const [me] = await query<{ user: string; superuser: boolean; owner: string }>(
      url,
      `SELECT current_user AS user, r.rolsuper AS superuser, pg_get_userbyid(d.datdba) AS owner
       FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
    );
    expect(me).toEqual({ user: "lockboard_app", superuser: false, owner: "lockboard_app" });
    await expect(query(url, "SELECT rolpassword FROM pg_authid")).rejects.toMatchObject({ code: "42501" });
    await expect(query(url, "CREATE TEMP TABLE lb_copy_probe (x int); COPY lb_copy_probe TO PROGRAM 'id'")).rejects.toMatchObject({ code: "42501" });
    await expect(query(url, "SELECT pg_read_file('postgresql.conf')")).rejects.toMatchObject({ code: "42501" });
    await expect(query(url, "CREATE DATABASE lb_app_cannot")).rejects.toMatchObject({ code: "42501" });
  });

  it("is what startStore hands out, and an older data directory is migrated on start", async () => {
    // Make the server's directory look like one an older Lockboard made: fixed password, clear-text
    // auth, no password files, Lockboard's database and tables owned by the superuser.
    await ensureDatabase(server.url(), "lockboard");
    await query(server.url(), `ALTER DATABASE lockboard OWNER TO postgres`);
    await query(server.url(), `DROP ROLE IF EXISTS lockboard_app`).catch(() => {});
    await applyMigrations(server.url("lockboard"));
    await query(server.url("lockboard"), `INSERT INTO "Source" (name, kind, "updatedAt") VALUES ('legacy-source', 'postgres', now())`);
    await query(server.url(), `ALTER ROLE postgres PASSWORD '${OLD_FIXED_PASSWORD}'`);
    await server.stop();
    await writeFile(path.join(server.dataDir, "pg_hba.conf"), "local all all password\nhost all all 127.0.0.1/32 password\nhost all all ::1/128 password\n");
    await rm(superuserPasswordFile(server.dataDir));
    await rm(appPasswordFile(server.dataDir), { force: true });

    const saved = { url: process.env.DATABASE_URL, key: process.env.LOCKBOARD_SECRET_KEY_FILE };
    delete process.env.DATABASE_URL;
    process.env.LOCKBOARD_SECRET_KEY_FILE = path.join(dir, "secret.key");
    try {
      const store = await startStore({ dataDir: server.dataDir });
      server = store.embedded!;
      expect(new URL(store.databaseUrl).username).toBe("lockboard_app");
      await expect(query(withUser(server.url(), "postgres", OLD_FIXED_PASSWORD), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });
      expect(await query(store.databaseUrl, `SELECT name FROM "Source"`)).toEqual([{ name: "legacy-source" }]);
      const notOwned = await query(server.url("lockboard"), `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'lockboard_app'`);
      expect(notOwned).toEqual([]);
      // Owning its tables, the app role can run a later migration's DDL.
      await query(store.databaseUrl, `ALTER TABLE "Source" ADD COLUMN lb_probe int; ALTER TABLE "Source" DROP COLUMN lb_probe`);
    } finally {
      if (saved.url === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved.url;
      if (saved.key === undefined) delete process.env.LOCKBOARD_SECRET_KEY_FILE;
      else process.env.LOCKBOARD_SECRET_KEY_FILE = saved.key;
    }
  });
});

describe("the secret key file", () => {
  const startWithKeyFile = async (file: string) => {
    const saved = process.env.LOCKBOARD_SECRET_KEY_FILE;
    process.env.LOCKBOARD_SECRET_KEY_FILE = file;
    try {
      // DATABASE_URL is the test store: startStore checks the key, then migrates (nothing pending).
      return await startStore();
    } finally {
      if (saved === undefined) delete process.env.LOCKBOARD_SECRET_KEY_FILE;
      else process.env.LOCKBOARD_SECRET_KEY_FILE = saved;
    }
  };

  it("is made 0600 at start when it was left readable by others", async () => {
    const file = path.join(dir, "loose.key");
    await writeFile(file, "a-key-from-a-restored-backup");
    await chmod(file, 0o644);
    await startWithKeyFile(file);
    expect(mode(file)).toBe(0o600);
  });

  it("stops the start with a clear message when it cannot be made private", async () => {
    if (userInfo().uid === 0) {
      // Another user (the one PostgreSQL runs as) starting on root's world-readable key: chmod is refused.
      const file = path.join(dir, "roots.key");
      await writeFile(file, "roots-key");
      await chmod(file, 0o644);
      const code = `import("./lib/store/start-store.ts").then((m) => m.startStore()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`;
      const r = spawnSync("runuser", ["-u", "postgres", "--", process.execPath, "--import", "tsx", "--conditions=react-server", "-e", code], {
        cwd: process.cwd(),
        env: { ...process.env, LOCKBOARD_SECRET_KEY_FILE: file, LOCKBOARD_SECRET_KEY: "" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.stderr).toMatch(/secret key file .*roots\.key is open to other users \(mode 644\) and could not be made private \(EPERM\)/);
      expect(r.status).toBe(3);
      expect(mode(file)).toBe(0o644);
    } else {
      await expect(startWithKeyFile("/etc/passwd")).rejects.toThrow(/open to other users \(mode 644\) and could not be made private/);
    }
  });
});
