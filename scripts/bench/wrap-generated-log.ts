// The generated stderr log re-wrapped the way managed platforms and syslog carry it, for the
// parse bench: rsyslog's RSYSLOG_FileFormat with PostgreSQL's `[N-M]` chunks (tabs as `#011`),
// Cloud SQL's one LogEntry per stderr line, CloudNativePG's one JSON record per report.
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { createParser } from "@/lib/ingest/read/parsers";
import { splitLines } from "@/lib/ingest/read/line-splitter";
import { readFile } from "node:fs/promises";

const HEAD = /^(\S+) (\S+) (\S+) \[(\d+)\] ([A-Z]+\d?):  /;
const ATTACHED = new Set(["DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY"]);

async function write(out: WriteStream, s: string) {
  if (!out.write(s)) await once(out, "drain");
}

async function eachLine(file: string, fn: (line: string) => Promise<void>) {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) await fn(line);
}

export async function writeSyslogWrapped(src: string, dest: string): Promise<number> {
  const out = createWriteStream(dest);
  const seq = new Map<number, number>();
  let pid = 0;
  let chunk = 0;
  let stamp = "";
  let n = 0;
  await eachLine(src, async (line) => {
    const m = HEAD.exec(line);
    if (m && !ATTACHED.has(m[5])) {
      pid = Number(m[4]);
      seq.set(pid, (seq.get(pid) ?? 0) + 1);
      chunk = 0;
      stamp = `${m[1]}T${m[2]}000+00:00`;
    }
    chunk++;
    n++;
    await write(out, `${stamp} db1 postgres[${pid}]: [${seq.get(pid)}-${chunk}] ${line.replace(/\t/g, "#011")}\n`);
  });
  out.end();
  await once(out, "finish");
  return n;
}

export async function writeCloudSqlWrapped(src: string, dest: string): Promise<number> {
  const out = createWriteStream(dest);
  let n = 0;
  let stamp = "2026-11-23T04:00:00.000Z";
  await eachLine(src, async (line) => {
    const m = HEAD.exec(line);
    if (m) stamp = `${m[1]}T${m[2]}Z`;
    n++;
    const entry = {
      insertId: `s=${n.toString(16)}`,
      logName: "projects/bench/logs/cloudsql.googleapis.com%2Fpostgres.log",
      resource: { type: "cloudsql_database", labels: { database_id: "bench:db1" } },
      severity: m?.[5] === "ERROR" ? "ERROR" : "INFO",
      textPayload: line,
      timestamp: stamp,
    };
    await write(out, `${JSON.stringify(entry)}\n`);
  });
  out.end();
  await once(out, "finish");
  return n;
}

/** One CNPG line per report: the stderr parser groups the report, its fields become csvlog's named columns. */
export async function writeCnpgWrapped(src: string, dest: string): Promise<number> {
  const out = createWriteStream(dest);
  let n = 0;
  let pending = "";
  const parser = createParser("pg-stderr", {
    record: (r) => {
      n++;
      const record = {
        log_time: r.time?.toISOString().replace("T", " ").replace("Z", " UTC"),
        process_id: String(r.fields.pid),
        error_severity: r.level,
        sql_state_code: r.code ?? "00000",
        message: r.message,
        detail: r.detail,
        hint: r.hint,
        context: r.context,
        query: r.statement,
        backend_type: "client backend",
      };
      pending += `${JSON.stringify({ level: r.severity === "error" ? "error" : "info", ts: r.time?.toISOString(), logger: "postgres", msg: "record", logging_pod: "bench-1", record })}\n`;
    },
    unparsed: () => {},
    blank: () => {},
  });
  // The generated file is tens of MB: parse it in pieces, writing as records come.
  const buf = await readFile(src);
  const PIECE = 8 << 20;
  let offset = 0;
  while (offset < buf.length) {
    let end = Math.min(buf.length, offset + PIECE);
    if (end < buf.length) end = buf.indexOf(10, end) + 1 || buf.length;
    for (const l of splitLines(buf.subarray(offset, end), offset, end === buf.length).lines) parser.push(l);
    offset = end;
    await write(out, pending);
    pending = "";
  }
  parser.flush();
  await write(out, pending);
  out.end();
  await once(out, "finish");
  return n;
}
