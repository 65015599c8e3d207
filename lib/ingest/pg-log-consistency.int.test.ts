import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindCounts, kindsByKey, readLogFile, titlesAndEntitiesByKey, type ReadEvent } from "@/e2e/support/log-kinds";
import { CONCURRENCY_SETTINGS, type ConcurrencyCodes, EXPECTED_CODES, provokeConcurrencySet } from "@/e2e/support/pg-concurrency";
import { logFilesWith, startSystemPostgres, type SystemPostgres } from "@/e2e/support/system-postgres";

// ONE PostgreSQL 15 (the machine's packages) writing stderr, csvlog and jsonlog at once: every
// concurrency event it logs must get one kind, whichever file carried it. The stderr prefix has
// no %e, so there the kind comes from the text alone; csvlog and jsonlog carry the SQLSTATE.
let server: SystemPostgres;
let codes: ConcurrencyCodes;
const read: Record<string, { events: ReadEvent[]; unparsed: unknown[] }> = {};
const marker = `consistency${Date.now()}`;

beforeAll(async () => {
  server = await startSystemPostgres({
    port: 5591,
    settings: { ...CONCURRENCY_SETTINGS, log_destination: "stderr,csvlog,jsonlog", log_line_prefix: "%m [%p] %q%u@%d " },
  });
  codes = await provokeConcurrencySet(server.url, marker);
  const files = await logFilesWith(server.logDir, [".log", ".csv", ".json"], marker);
  for (const [ext, file] of Object.entries(files)) read[ext] = await readLogFile(file);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("one PostgreSQL 15 server's stderr, csvlog and jsonlog", () => {
  it("saw each provoked failure with its SQLSTATE", () => {
    expect(codes).toEqual(EXPECTED_CODES);
  });

  it("read whole: no unparsed line, the same number of events in each", () => {
    for (const ext of [".log", ".csv", ".json"]) expect([ext, read[ext].unparsed]).toEqual([ext, []]);
    expect(read[".csv"].events).toHaveLength(read[".log"].events.length);
    expect(read[".json"].events).toHaveLength(read[".log"].events.length);
  });

  it("gives every event the same kind in every format, line by line", () => {
    const stderr = kindsByKey(read[".log"].events);
    expect(kindsByKey(read[".csv"].events)).toEqual(stderr);
    expect(kindsByKey(read[".json"].events)).toEqual(stderr);
    expect(kindCounts(read[".csv"].events)).toEqual(kindCounts(read[".log"].events));
    expect(kindCounts(read[".json"].events)).toEqual(kindCounts(read[".log"].events));
  });

  it("classifies every concurrency event it logged", () => {
    const counts = kindCounts(read[".log"].events);
    expect(counts).toMatchObject({
      duplicate_key: 1,
      deadlock: 1,
      serialization_failure: 1,
      lock_timeout: 3,
      statement_timeout: 1,
      too_many_connections: 3,
      lock_not_available: 1,
    });
    // The deadlock's waits (one ends in `detected deadlock while waiting`), the row lock's, the advisory lock's, the granted one's.
    expect(counts.lock_wait).toBeGreaterThanOrEqual(4);
    expect(counts.lock_acquired).toBeGreaterThanOrEqual(1);
    const messages = read[".log"].events.map((e) => [e.event.kind, e.record.message.split("\n", 1)[0]]);
    expect(messages).toEqual(
      expect.arrayContaining([
        ["lock_wait", expect.stringMatching(/^process \d+ detected deadlock while waiting for ShareLock on transaction \d+ after [\d.]+ ms$/)],
        ["lock_timeout", 'could not obtain lock on row in relation "account"'],
        ["lock_not_available", 'skipping vacuum of "account" --- lock not available'],
      ]),
    );
    // Nothing else at warning or above was left without a kind, but for the marker.
    const loose = read[".log"].events.filter((e) => e.event.kind === "unclassified" && e.event.opensIncident).map((e) => e.record.message);
    expect(loose.filter((m) => !m.includes(marker))).toEqual([]);
  });

  it("names the incident and extracts the same entities from each format", () => {
    const entities = (ext: string) => titlesAndEntitiesByKey(read[ext].events);
    expect(entities(".csv")).toEqual(entities(".log"));
    expect(entities(".json")).toEqual(entities(".log"));
  });
});
