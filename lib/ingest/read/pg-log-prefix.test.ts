import { describe, expect, it } from "vitest";
import { readText } from "./fixture-harness";
import { parsePgTimestamp, parsePgTimestampFast } from "./pg-log-prefix";

describe("a stamp's zone, as log_timezone writes it", () => {
  it.each([
    ["2026-11-30 10:00:00.123 UTC", "2026-11-30T10:00:00.123Z"],
    ["2026-11-30 10:00:00.123 CET", "2026-11-30T09:00:00.123Z"],
    ["2026-07-30 10:00:00.123 CEST", "2026-07-30T08:00:00.123Z"],
    ["2026-11-30 10:00:00.123 EST", "2026-11-30T15:00:00.123Z"],
    ["2026-07-30 10:00:00 PDT", "2026-07-30T17:00:00.000Z"],
    ["2026-11-30 10:00:00.123 JST", "2026-11-30T01:00:00.123Z"],
    ["2026-11-30 10:00:00.123 ACST", "2026-11-30T00:30:00.123Z"],
    ["2026-11-30 10:00:00.123 +03", "2026-11-30T07:00:00.123Z"],
    ["2026-11-30 10:00:00.123 -0330", "2026-11-30T13:30:00.123Z"],
    // Two zones go by CST: read as UTC rather than guess (the raw line keeps what was written).
    ["2026-11-30 10:00:00.123 CST", "2026-11-30T10:00:00.123Z"],
  ])("%s is %s", (stamp, iso) => {
    expect(parsePgTimestampFast(stamp).toISOString()).toBe(iso);
    expect(parsePgTimestamp(stamp).toISOString()).toBe(iso);
  });

  it("a server logging in CET: its events land at the instant they happened, in stderr and csvlog alike", () => {
    const stderr = readText('2026-11-30 10:00:00.250 CET [42] ERROR:  duplicate key value violates unique constraint "t_pkey"\n');
    expect(stderr.records[0].time?.toISOString()).toBe("2026-11-30T09:00:00.250Z");
    const csv = readText(
      '2026-11-30 10:00:00.250 CET,"app","shop",42,"[local]",6571a2b0.2a,1,"INSERT",2026-11-30 09:59:00 CET,3/14,0,ERROR,23505,"duplicate key value violates unique constraint ""t_pkey""",,,,,,,,,"psql","client backend",,0\n',
      { fileName: "postgresql.csv" },
    );
    expect(csv.records[0].time?.toISOString()).toBe("2026-11-30T09:00:00.250Z");
  });
});
