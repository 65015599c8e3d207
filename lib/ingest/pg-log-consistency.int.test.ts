import { beforeAll, describe, expect, it } from "vitest";
import { kindCounts, kindsByKey, titlesAndEntitiesByKey } from "@/e2e/support/log-kinds";
import { EXPECTED_CODES } from "@/e2e/support/pg-concurrency";
import { EXACT_KINDS, provokeAndReadLogs, type ProvokedLogs } from "@/e2e/support/provoked-logs";

// ONE PostgreSQL 15 (the machine's packages) writing stderr, csvlog and jsonlog at once: every
// concurrency event it logs must get one kind, whichever file carried it. The stderr prefix has
// no %e, so there the kind comes from the text alone; csvlog and jsonlog carry the SQLSTATE.
let logs: ProvokedLogs;
const marker = `consistency${Date.now()}`;

beforeAll(async () => {
  logs = await provokeAndReadLogs({ port: 5591 }, marker);
}, 120_000);

describe("one PostgreSQL 15 server's stderr, csvlog and jsonlog", () => {
  it("saw each provoked failure with its SQLSTATE", () => {
    expect(logs.codes).toEqual(EXPECTED_CODES);
  });

  it("read whole: no unparsed line, the same number of events in each", () => {
    for (const ext of [".log", ".csv", ".json"]) expect([ext, logs.files[ext].unparsed]).toEqual([ext, []]);
    expect(logs.files[".csv"].events).toHaveLength(logs.files[".log"].events.length);
    expect(logs.files[".json"].events).toHaveLength(logs.files[".log"].events.length);
  });

  it("gives every event the same kind in every format, line by line", () => {
    const stderr = kindsByKey(logs.files[".log"].events);
    expect(kindsByKey(logs.files[".csv"].events)).toEqual(stderr);
    expect(kindsByKey(logs.files[".json"].events)).toEqual(stderr);
    expect(kindCounts(logs.files[".csv"].events)).toEqual(kindCounts(logs.files[".log"].events));
    expect(kindCounts(logs.files[".json"].events)).toEqual(kindCounts(logs.files[".log"].events));
  });

  it("classifies every concurrency event it logged", () => {
    const counts = kindCounts(logs.files[".log"].events);
    expect(counts).toMatchObject(EXACT_KINDS);
    // The deadlock's waits (one ends in `detected deadlock while waiting`), the row lock's, the advisory lock's, the granted one's.
    expect(counts.lock_wait).toBeGreaterThanOrEqual(4);
    expect(counts.lock_acquired).toBeGreaterThanOrEqual(1);
    const messages = logs.files[".log"].events.map((e) => [e.event.kind, e.record.message.split("\n", 1)[0]]);
    expect(messages).toEqual(
      expect.arrayContaining([
        ["lock_wait", expect.stringMatching(/^process \d+ detected deadlock while waiting for ShareLock on transaction \d+ after [\d.]+ ms$/)],
        ["lock_timeout", 'could not obtain lock on row in relation "account"'],
        ["lock_not_available", 'skipping vacuum of "account" --- lock not available'],
      ]),
    );
    // Nothing else at warning or above was left without a kind, but for the marker.
    const loose = logs.files[".log"].events.filter((e) => e.event.kind === "unclassified" && e.event.opensIncident).map((e) => e.record.message);
    expect(loose.filter((m) => !m.includes(marker))).toEqual([]);
  });

  it("names the incident and extracts the same entities from each format", () => {
    const entities = (ext: string) => titlesAndEntitiesByKey(logs.files[ext].events);
    expect(entities(".csv")).toEqual(entities(".log"));
    expect(entities(".json")).toEqual(entities(".log"));
  });
});
