import { describe, expect, it } from "vitest";
import { readText } from "./fixture-harness";
import { describeDetection } from "./format-detect";

// Shapes from the runtimes' documentation: Docker's json-file logging driver (one JSON object per
// write, `log` ending in "\n" unless the driver split a line at 16 KiB) and the CRI log format
// kubelet writes under /var/log/pods (`<RFC 3339 nano> <stream> <P|F> <content>`, P a partial line).

const pgStderr = [
  `2026-12-01 10:00:00.123 UTC [42] ERROR:  duplicate key value violates unique constraint "visit_session_uuid_key"`,
  `2026-12-01 10:00:00.123 UTC [42] DETAIL:  Key (session_uuid)=(9f1c) already exists.`,
  `2026-12-01 10:00:00.123 UTC [42] STATEMENT:  INSERT INTO visit (session_uuid) VALUES ('9f1c')`,
  `2026-12-01 10:00:01.500 UTC [43] LOG:  process 43 still waiting for ShareLock on transaction 1234 after 1000.123 ms`,
  `2026-12-01 10:00:01.500 UTC [43] DETAIL:  Process holding the lock: 44. Wait queue: 43.`,
  `2026-12-01 10:00:02.000 UTC [43] ERROR:  deadlock detected`,
  `2026-12-01 10:00:02.000 UTC [43] DETAIL:  Process 43 waits for ShareLock on transaction 1234; blocked by process 44.`,
];
const docker = (line: string, i: number, stream = "stderr") => JSON.stringify({ log: `${line}\n`, stream, time: `2026-12-01T10:00:0${i % 10}.123456789Z` });
const cri = (line: string, i: number, tag = "F", stream = "stderr") => `2026-12-01T10:00:0${i % 10}.123456789Z ${stream} ${tag} ${line}`;

const summary = (r: ReturnType<typeof readText>) => r.records.map((x, i) => [r.kinds[i], x.lines, x.message]);

describe("container runtime envelopes", () => {
  it("a PostgreSQL stderr log in Docker's json-file reads as the plain log does: same events, kinds and stitched lines", () => {
    const plain = readText(pgStderr.join("\n"));
    const wrapped = readText(pgStderr.map((l, i) => docker(l, i)).join("\n"));
    expect(wrapped.detection).toMatchObject({ envelope: "Docker json-file", format: "pg-stderr" });
    // What the CLI prints and the source remembers.
    expect(describeDetection(wrapped.detection!)).toMatch(
      /^Docker json-file, the lines inside read as postgres stderr, prefix '%m \[%p\] %q%u@%d ' \(\d+ of \d+ sampled lines\)$/,
    );
    expect(wrapped.unparsed).toEqual([]);
    expect(summary(wrapped)).toEqual(summary(plain));
    expect(wrapped.kinds).toEqual(["duplicate_key", "lock_wait", "deadlock"]);
    expect(wrapped.records[0]).toMatchObject({
      detail: "Key (session_uuid)=(9f1c) already exists.",
      fields: { stream: "stderr", envelope: "Docker json-file" },
    });
    // The record's own stamp wins over the runtime's.
    expect(wrapped.records[0].time?.toISOString()).toBe("2026-12-01T10:00:00.123Z");
  });

  it("the same log under Kubernetes' CRI format, one line split by the runtime (P then F) joined again", () => {
    const lines = pgStderr.map((l, i) => cri(l, i));
    // The ERROR line written in two pieces.
    const error = pgStderr[0];
    lines.splice(0, 1, cri(error.slice(0, 60), 0, "P"), cri(error.slice(60), 0, "F"));
    const r = readText(lines.join("\n"));
    expect(r.detection).toMatchObject({ envelope: "Kubernetes CRI", format: "pg-stderr" });
    expect(r.unparsed).toEqual([]);
    expect(summary(r)).toEqual([
      // Four file lines: the split ERROR line counts both of its pieces.
      ["duplicate_key", 4, pgStderr[0].split("ERROR:  ")[1]],
      ["lock_wait", 2, expect.stringContaining("still waiting for ShareLock")],
      ["deadlock", 2, "deadlock detected"],
    ]);
    expect(r.records[0].statement).toBe("INSERT INTO visit (session_uuid) VALUES ('9f1c')");
  });

  it("an application's traceback in CRI stays one event; a line with no stamp of its own takes the runtime's time", () => {
    const app = [
      "ERROR:uvicorn.error:Exception in ASGI application",
      "Traceback (most recent call last):",
      '  File "/app/server.py", line 12, in handle',
      "    fh = open(path)",
      "OSError: [Errno 24] Too many open files: '/models/weights.bin'",
      'INFO:     127.0.0.1:5000 - "POST /predict HTTP/1.1" 200 OK',
    ];
    const r = readText(app.map((l, i) => cri(l, i, "F", i === 5 ? "stdout" : "stderr")).join("\n"));
    expect(r.detection).toMatchObject({ envelope: "Kubernetes CRI", format: "app" });
    expect(r.unparsed).toEqual([]);
    expect(r.kinds[0]).toBe("fd_exhaustion");
    expect(r.records[0]).toMatchObject({ lines: 5, fields: { stream: "stderr", timeFromEnvelope: true } });
    expect(r.records[0].time?.toISOString()).toBe("2026-12-01T10:00:00.123Z");
  });

  it("Docker splits a line over 16 KiB into pieces without a newline: read as one line", () => {
    const long = `2026-12-01 10:00:00.123 UTC [42] ERROR:  duplicate key value violates unique constraint "doc_pkey" ${"x".repeat(40_000)}`;
    const pieces = [long.slice(0, 16_384), long.slice(16_384, 32_768), long.slice(32_768)];
    const objects = pieces.map((p, i) => JSON.stringify({ log: i === pieces.length - 1 ? `${p}\n` : p, stream: "stderr", time: "2026-12-01T10:00:00.2Z" }));
    const r = readText([...objects, docker(pgStderr[5], 5)].join("\n"));
    expect(r.unparsed).toEqual([]);
    expect(r.records.map((x) => x.lines)).toEqual([3, 1]);
    expect(r.records[0].raw).toBe(long);
    expect(r.kinds).toEqual(["duplicate_key", "deadlock"]);
  });

  it("a line without the envelope among wrapped ones is read as it is; plain JSON logs are no envelope", () => {
    const r = readText([docker(pgStderr[5], 0), "2026-12-01 10:00:05.000 UTC [45] ERROR:  deadlock detected", docker(pgStderr[5], 1)].join("\n"));
    expect(r.detection?.envelope).toBe("Docker json-file");
    expect(r.kinds).toEqual(["deadlock", "deadlock", "deadlock"]);
    expect(r.records.map((x) => x.fields.envelope ?? null)).toEqual(["Docker json-file", null, "Docker json-file"]);
    const pino = readText(
      JSON.stringify({
        level: 50,
        time: 1796148000000,
        msg: 'E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "m1" }',
      }),
    );
    expect(pino.detection?.envelope).toBeUndefined();
    expect(pino.kinds).toEqual(["duplicate_key"]);
  });
});
