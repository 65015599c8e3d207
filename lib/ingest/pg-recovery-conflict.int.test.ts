import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindsByKey, readLogFile, type ReadEvent } from "@/e2e/support/log-kinds";
import { logFilesWith, startSystemPostgres, type SystemPostgres } from "@/e2e/support/system-postgres";

// A PostgreSQL 15 primary and its hot standby (the machine's packages). A query on the standby
// holds a lock that WAL replay needs (the primary altered the table); with
// max_standby_streaming_delay = 0 the standby cancels it at once: `canceling statement due to
// conflict with recovery`, DETAIL `User was holding a relation lock for too long.`, SQLSTATE 40001.
let primary: SystemPostgres;
let standby: SystemPostgres;
let code: string | null = null;
const read: Record<string, { events: ReadEvent[]; unparsed: unknown[] }> = {};

beforeAll(async () => {
  primary = await startSystemPostgres({ port: 5597, settings: { wal_level: "replica", log_destination: "stderr" } });
  const p = new pg.Client({ connectionString: primary.url });
  await p.connect();
  await p.query("CREATE TABLE replayed (id int PRIMARY KEY)");
  await p.query("INSERT INTO replayed SELECT generate_series(1, 10)");
  standby = await startSystemPostgres({
    port: 5598,
    standbyOf: primary.port,
    settings: { hot_standby: "on", max_standby_streaming_delay: "0", log_destination: "stderr,csvlog,jsonlog", log_line_prefix: "%m [%p] %q%u@%d " },
  });
  const s = new pg.Client({ connectionString: standby.url });
  s.on("error", () => {});
  await s.connect();
  // The table reached the standby.
  for (let i = 0; i < 100 && (await s.query("SELECT to_regclass('replayed') AS t")).rows[0].t === null; i++) await new Promise((r) => setTimeout(r, 100));
  const running = s.query("SELECT pg_sleep(20) FROM replayed LIMIT 1").then(
    () => null,
    (e: { code?: string }) => e.code ?? "unknown",
  );
  await new Promise((r) => setTimeout(r, 300));
  await p.query("ALTER TABLE replayed ADD COLUMN note text");
  code = await running;
  await s.end().catch(() => {});
  await p.end();
  const marker = `replay${Date.now()}`;
  const m = new pg.Client({ connectionString: standby.url });
  await m.connect();
  await m.query(`DO $$ BEGIN RAISE EXCEPTION 'lockboard marker ${marker}'; END $$`).catch(() => {});
  await m.end();
  const files = await logFilesWith(standby.logDir, [".log", ".csv", ".json"], marker);
  for (const [ext, file] of Object.entries(files)) read[ext] = await readLogFile(file);
}, 120_000);

afterAll(async () => {
  await standby?.stop();
  await primary?.stop();
});

describe("a hot standby's recovery conflict", () => {
  it("cancels the standby's query with SQLSTATE 40001", () => {
    expect(code).toBe("40001");
  });

  it.each([".log", ".csv", ".json"])("reads as recovery_conflict in %s, not as a serialization failure", (ext) => {
    const { events, unparsed } = read[ext];
    expect(unparsed).toEqual([]);
    const conflicts = events.filter((e) => e.event.kind === "recovery_conflict");
    expect(conflicts.map((e) => e.record.message)).toEqual(["canceling statement due to conflict with recovery"]);
    expect(conflicts[0].record.detail).toBe("User was holding a relation lock for too long.");
    expect(events.some((e) => e.event.kind === "serialization_failure")).toBe(false);
    expect(conflicts[0].event.opensIncident).toBe(true);
  });

  it("gives each event the same kind in the three formats", () => {
    expect(kindsByKey(read[".csv"].events)).toEqual(kindsByKey(read[".log"].events));
    expect(kindsByKey(read[".json"].events)).toEqual(kindsByKey(read[".log"].events));
  });
});
