import { describe, expect, it } from "vitest";
import { parsePgStderr } from "./pg-stderr-parser";

const lines = (text: string) => {
  let offset = 0;
  return text.split("\n").map((t) => {
    const l = { text: t, offset };
    offset += Buffer.byteLength(t) + 1;
    return l;
  });
};

describe("parsePgStderr", () => {
  it("stitches ERROR with its DETAIL and STATEMENT lines of the same pid", () => {
    const { records, unparsed } = parsePgStderr(
      lines(
        [
          '2026-11-23 04:17:40.123 UTC [812] ERROR:  duplicate key value violates unique constraint "session_session_uuid_key"',
          "2026-11-23 04:17:40.123 UTC [812] DETAIL:  Key (session_uuid)=(5f0c) already exists.",
          "2026-11-23 04:17:40.123 UTC [812] STATEMENT:  INSERT INTO session (session_uuid)",
          "\tVALUES ($1)",
          "2026-11-23 04:17:41.000 UTC [813] LOG:  checkpoint starting: time",
        ].join("\n"),
      ),
    );
    expect(unparsed).toEqual([]);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ fields: { pid: 812 }, level: "ERROR", detail: "Key (session_uuid)=(5f0c) already exists.", offset: 0, lines: 4 });
    expect(records[0].statement).toBe("INSERT INTO session (session_uuid)\nVALUES ($1)");
    expect(records[0].time!.toISOString()).toBe("2026-11-23T04:17:40.123Z");
    expect(records[1].level).toBe("LOG");
  });

  it("does not attach a DETAIL from another backend", () => {
    const { records } = parsePgStderr(
      lines(["2026-11-23 04:17:40.123 UTC [812] ERROR:  boom", "2026-11-23 04:17:40.124 UTC [999] DETAIL:  unrelated"].join("\n")),
    );
    expect(records[0].detail).toBeUndefined();
    expect(records).toHaveLength(2);
  });

  it("keeps lines it cannot read as unparsed, with their offsets", () => {
    const { records, unparsed } = parsePgStderr(lines("garbage line\n2026-11-23 04:17:40.000 UTC [1] LOG:  ok"));
    expect(records).toHaveLength(1);
    expect(unparsed).toEqual([{ raw: "garbage line", offset: 0, lines: 1, reason: "no_prefix_match" }]);
  });
});

describe("log_line_prefix", () => {
  it("reads Debian's '%m [%p] %q%u@%d ' for session and background lines", () => {
    const { records, unparsed } = parsePgStderr(
      lines(
        [
          '2026-11-23 04:24:53.150 UTC [2186] postgres@app ERROR:  duplicate key value violates unique constraint "k"',
          "2026-11-23 04:24:53.150 UTC [2186] postgres@app DETAIL:  Key (id)=(1) already exists.",
          "2026-11-23 04:24:53.151 UTC [2100] LOG:  checkpoint starting: time",
        ].join("\n"),
      ),
      "%m [%p] %q%u@%d ",
    );
    expect(unparsed).toEqual([]);
    expect(records[0]).toMatchObject({ fields: { pid: 2186, user: "postgres", db: "app" }, level: "ERROR", detail: "Key (id)=(1) already exists." });
    expect(records[1]).toMatchObject({ fields: { pid: 2100 }, level: "LOG" });
  });

  it("reads a hosted prefix '%t:%r:%u@%d:[%p]:' and a SQLSTATE from %e", () => {
    const { records } = parsePgStderr(lines("2026-11-23 04:24:53 UTC:10.1.2.3(51234):app@prod:[77]:ERROR:  could not serialize access"), "%t:%r:%u@%d:[%p]:");
    expect(records[0]).toMatchObject({ fields: { pid: 77, user: "app", db: "prod" }, level: "ERROR" });
    expect(records[0].time!.toISOString()).toBe("2026-11-23T04:24:53.000Z");
    const e = parsePgStderr(lines("2026-11-23 04:24:53.5 +02 [9] 40001 ERROR:  x"), "%m [%p] %e ").records[0];
    expect(e).toMatchObject({ code: "40001", fields: { pid: 9 } });
    expect(e.time!.toISOString()).toBe("2026-11-23T02:24:53.500Z");
  });
});
