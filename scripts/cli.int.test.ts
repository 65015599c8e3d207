import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureDatabase } from "@/lib/store/start-store";

// Each CLI run as a user would: a child process, its exit status and what it prints.
type Run = { code: number; stdout: string; stderr: string };
function cli(script: string, args: string[], env: Record<string, string>, asUser?: string): Promise<Run> {
  const cmd = ["node_modules/.bin/tsx", "--conditions=react-server", `scripts/${script}.ts`, ...args];
  const [file, argv] = asUser ? ["runuser", ["-u", asUser, "--", "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...cmd]] : [cmd[0], cmd.slice(1)];
  return new Promise((resolve) => {
    execFile(file, argv, { env: { ...process.env, ...env }, encoding: "utf8", timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const lines = (s: string) => s.split("\n").filter((l) => l.trim());

let dir: string;
let freshUrl: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lockboard-cli-"));
  await chmod(dir, 0o755);
  // A fresh, empty database: no tables at all.
  const name = `cli_fresh_${Date.now().toString(36)}`;
  await ensureDatabase(inject("embeddedUrl"), name);
  const u = new URL(inject("embeddedUrl"));
  u.pathname = `/${name}`;
  freshUrl = u.toString();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function eventCount(url: string, source: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Event" e JOIN "Source" s ON s.id = e."sourceId" WHERE s.name = $1`, [source])).rows[0]
      .n;
  } finally {
    await c.end();
  }
}

describe("npm run ingest", { timeout: 240_000 }, () => {
  it("migrates a fresh, empty store first, as the dashboard does", async () => {
    const log = path.join(dir, "ok.log");
    await writeFile(log, "2026-11-23 05:00:00.000 UTC [7] ERROR:  deadlock detected\n2026-11-23 05:00:01.000 UTC [7] LOG:  checkpoint starting: time\n");
    const r = await cli("ingest", ["--source", "cli-fresh", "--quiet", log], { DATABASE_URL: freshUrl });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await eventCount(freshUrl, "cli-fresh")).toBe(2);
  });

  it("a missing file, a directory, a binary file, an unreadable file: one line each, exit 2, nothing stored", async () => {
    const good = path.join(dir, "good.log");
    await writeFile(good, "2026-11-23 05:00:00.000 UTC [8] LOG:  a good line\n");
    const binary = path.join(dir, "core.bin");
    await writeFile(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
    await mkdir(path.join(dir, "a-dir"));
    const cases: [string, RegExp][] = [
      [path.join(dir, "missing.log"), /missing\.log: no such file$/],
      [path.join(dir, "a-dir"), /a-dir: is a directory/],
      [binary, /core\.bin: a binary file/],
    ];
    for (const [file, message] of cases) {
      const r = await cli("ingest", ["--source", "cli-bad", "--quiet", good, file], { DATABASE_URL: freshUrl });
      expect(r.code, file).toBe(2);
      expect(lines(r.stderr), file).toEqual([expect.stringMatching(message)]);
      expect(r.stdout).toBe("");
    }
    // Read permission: root reads any file whatever its mode, so the check runs as an ordinary user.
    const secret = path.join(dir, "secret.log");
    await writeFile(secret, "2026-11-23 05:00:00.000 UTC [9] LOG:  private\n");
    await chmod(secret, 0o600);
    await chmod(good, 0o644);
    const asRoot = process.getuid?.() === 0;
    const r = await cli("ingest", ["--source", "cli-bad", "--quiet", good, secret], { DATABASE_URL: freshUrl }, asRoot ? "nobody" : undefined);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/secret\.log: permission denied/)]);
    expect(await eventCount(freshUrl, "cli-bad")).toBe(0);
  });
});

describe("npm run ingest says what it detected", { timeout: 240_000 }, () => {
  it("prints the format and prefix with how many sampled lines read; the source remembers it; a changed format is noted", async () => {
    const syslog = path.join(dir, "postgresql-syslog.log");
    await writeFile(syslog, await readFile("lib/ingest/read/fixtures/real-syslog-seq-traditional.log"));
    const r = await cli("ingest", ["--source", "cli-detect", "--quiet", syslog], { DATABASE_URL: freshUrl });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("read as: postgres via syslog, RFC 3164 (rsyslog traditional), prefix inside '%m [%p] %q%u@%d ' (43 of 43 sampled lines)");
    expect(await eventCount(freshUrl, "cli-detect")).toBe(19);
    const stderrLog = path.join(dir, "postgresql.log");
    await writeFile(stderrLog, await readFile("lib/ingest/read/fixtures/real-syslog-seq-stderr.log"));
    const again = await cli("ingest", ["--source", "cli-detect", "--quiet", stderrLog], { DATABASE_URL: freshUrl });
    expect(again.stdout).toContain("read as: postgres stderr, prefix '%m [%p] %q%u@%d ' (35 of 39 sampled lines)");
    expect(lines(again.stderr)).toEqual([expect.stringMatching(/^\[ingest\] note: this source's previous file read as postgres via syslog/)]);
    const c = new pg.Client({ connectionString: freshUrl });
    await c.connect();
    const { rows } = await c.query<{ f: { format: string; summary: string } }>(`SELECT config->'detectedFormat' AS f FROM "Source" WHERE name = 'cli-detect'`);
    await c.end();
    expect(rows[0].f).toMatchObject({ format: "pg-stderr", summary: expect.stringContaining("postgres stderr") });
  });

  it("reads a prefix none of the known ones is from the lines' heads, the DETAIL and its continuation joined", async () => {
    const odd = path.join(dir, "odd-prefix.log");
    await writeFile(
      odd,
      [
        "2026-11-23 05:00:00.000 UTC [7] app=web,db=shop ERROR:  deadlock detected",
        "2026-11-23 05:00:00.000 UTC [7] app=web,db=shop DETAIL:  Process 7 waits for ShareLock on transaction 1; blocked by process 8.",
        "\tProcess 8 waits for ShareLock on transaction 2; blocked by process 7.",
      ].join("\n") + "\n",
    );
    const r = await cli("ingest", ["--source", "cli-odd", "--quiet", odd], { DATABASE_URL: freshUrl });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("read as: postgres stderr, prefix '%m [%p] app=%a,db=%d ' inferred from the lines");
    expect(r.stdout).toMatch(/\b1 events? \(1 new/);
    expect(r.stdout).toContain("deadlock 1");
    expect(lines(r.stderr)).toEqual([]);
  });

  it("warns when an unknown prefix made it fall back to application text, and suggests the --prefix it saw most", async () => {
    const odd = path.join(dir, "odd-hosts.log");
    await writeFile(
      odd,
      [
        "2026-11-23 05:00:00.000 UTC [7] node-a ERROR:  deadlock detected",
        "2026-11-23 05:00:00.000 UTC [7] node-a DETAIL:  Process 7 waits for ShareLock on transaction 1; blocked by process 8.",
        "2026-11-23 05:00:01.000 UTC [9] node-b LOG:  checkpoint starting: time",
        "2026-11-23 05:00:02.000 UTC [3] node-c LOG:  checkpoint complete",
      ].join("\n") + "\n",
    );
    const r = await cli("ingest", ["--source", "cli-odd-hosts", "--quiet", odd], { DATABASE_URL: freshUrl });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("read as: application text");
    expect(lines(r.stderr)).toEqual([expect.stringContaining("try --prefix '%m [%p] node-a '")]);
  });
});

describe("npm run user", { timeout: 240_000 }, () => {
  const env = () => ({ DATABASE_URL: freshUrl });
  it("bad arguments: one line, exit 2", async () => {
    for (const args of [
      [],
      ["frob"],
      ["add"],
      ["add", "--email", "not-an-address", "--role", "viewer"],
      ["add", "--email", "a@b.test", "--role", "king"],
      ["list", "--bogus"],
    ]) {
      const r = await cli("user", args, env());
      expect(r.code, args.join(" ")).toBe(2);
      expect(lines(r.stderr), args.join(" ")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
  });

  it("a good call prints no library warning; adding the same account twice is one line, exit 2", async () => {
    const email = `cli-${Date.now().toString(36)}@cli.lockboard.test`;
    const ok = await cli("user", ["add", "--email", email, "--role", "viewer"], env());
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    expect(lines(ok.stdout)).toEqual([expect.stringContaining(`created ${email} (viewer)`)]);
    const again = await cli("user", ["add", "--email", email, "--role", "viewer"], env());
    expect(again.code).toBe(2);
    expect(lines(again.stderr)).toEqual([`an account for ${email} already exists`]);
  });
});
