import "server-only";
import type { LogRecord } from "./log-record";
import { severityOf } from "./log-record";
import { parsePgTimestampFast } from "./pg-log-prefix";

type Json = Record<string, unknown>;
type Base = { offset: number; lines: number; raw: string };

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);

/** pino and bunyan write numeric levels (trace 10 … fatal 60). */
function levelName(v: unknown): string {
  if (typeof v === "number") return v >= 60 ? "FATAL" : v >= 50 ? "ERROR" : v >= 40 ? "WARN" : v >= 30 ? "INFO" : v >= 20 ? "DEBUG" : "TRACE";
  return typeof v === "string" ? v.toUpperCase() : "INFO";
}

// PostgreSQL's timestamptz spans 4713 BC to 294276 AD and JavaScript's Date ±275760 years; a log
// line's time outside years 1 to 9999 is a corrupt value, not a time.
const MIN_TIME_MS = Date.parse("0001-01-01T00:00:00.000Z");
const MAX_TIME_MS = Date.parse("9999-12-31T23:59:59.999Z");

/** The one gate every parsed time passes: a Date the store and toISOString accept, or null (no time). */
export function validTime(d: Date | null | undefined): Date | null {
  if (!d) return null;
  const ms = d.getTime();
  return ms >= MIN_TIME_MS && ms <= MAX_TIME_MS ? d : null;
}

/** Epoch milliseconds (pino), epoch seconds (zap, structlog), or a date string. */
export function timeOf(v: unknown): Date | null {
  if (typeof v === "number") return Number.isFinite(v) ? validTime(new Date(v > 1e11 ? v : v * 1000)) : null;
  if (typeof v === "string") {
    return validTime(new Date(/^\d{4}-\d{2}-\d{2} \d/.test(v) ? v.replace(" ", "T").replace(",", ".") : v));
  }
  if (isObj(v) && "$date" in v) return timeOf(isObj(v.$date) ? Number(v.$date.$numberLong) : v.$date);
  return null;
}

/** Deepest nesting a pushed record may have; deeper ones are kept raw (recursive code would overflow the stack). */
export const MAX_JSON_DEPTH = 100;

/** Whether a parsed JSON value nests deeper than `max`, walked without recursion. */
export function jsonDepthExceeds(v: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== "object" || x === null) continue;
    if (d > max) return true;
    for (const k in x) {
      const c = (x as Json)[k];
      if (typeof c === "object" && c !== null) stack.push([c, d + 1]);
    }
  }
  return false;
}

/** JSON text of a value of any depth: levels past `max` are written as a marker string. */
export function stringifyBounded(v: unknown, max = MAX_JSON_DEPTH): string {
  const cut = (x: unknown, d: number): unknown => {
    if (typeof x !== "object" || x === null) return x;
    if (d > max) return `[nested deeper than ${max} levels]`;
    if (Array.isArray(x)) return x.map((c) => cut(c, d + 1));
    const o: Json = {};
    for (const k in x) o[k] = cut((x as Json)[k], d + 1);
    return o;
  };
  return JSON.stringify(cut(v, 1));
}

/** The session columns csvlog, jsonlog and CloudNativePG share, under each format's own key names. */
function pgSessionFields(pid: unknown, user: unknown, db: unknown, app: unknown, backendType: unknown, session: unknown, xid: unknown): Json {
  const fields: Json = { pid: Number(pid) || 0 };
  if (user) fields.user = user;
  if (db) fields.db = db;
  if (app) fields.app = app;
  if (backendType) fields.backendType = backendType;
  if (session) fields.session = session;
  if (xid && xid !== "0") fields.xid = String(xid);
  return fields;
}

type PgParts = {
  format: string;
  time: Date | null;
  level: string;
  message: unknown;
  fields: Json;
  code: unknown;
  detail: unknown;
  hint: unknown;
  context: unknown;
  statement: unknown;
};

/** A PostgreSQL record from named columns: SQLSTATE 00000 is no error code, and empty parts are left out. */
function pgRecord(base: Base, p: PgParts): LogRecord {
  const rec: LogRecord = {
    offset: base.offset,
    lines: base.lines,
    raw: base.raw,
    format: p.format,
    time: p.time,
    level: p.level,
    severity: severityOf(p.level),
    message: str(p.message) ?? "",
    fields: p.fields,
  };
  if (p.code && p.code !== "00000") rec.code = String(p.code);
  if (p.detail) rec.detail = String(p.detail);
  if (p.hint) rec.hint = String(p.hint);
  if (p.context) rec.context = String(p.context);
  if (p.statement) rec.statement = String(p.statement);
  return rec;
}

/** PostgreSQL's jsonlog (15+): the same keys as csvlog, named. */
function fromPgJson(o: Json, base: Base): LogRecord {
  return pgRecord(base, {
    format: "pg-json",
    time: validTime(parsePgTimestampFast(String(o.timestamp))),
    level: String(o.error_severity),
    message: o.message,
    fields: pgSessionFields(o.pid, o.user, o.dbname, o.application_name, o.backend_type, o.session_id, o.txid),
    code: o.state_code,
    detail: o.detail,
    hint: o.hint,
    context: o.context,
    statement: o.statement,
  });
}

/** CloudNativePG: `{level, ts, logger: "postgres", msg: "record", record: {csvlog's columns, named}}`; the record is the event. */
function fromCnpg(o: Json, r: Json, base: Base): LogRecord {
  const fields = pgSessionFields(r.process_id, r.user_name, r.database_name, r.application_name, r.backend_type, r.session_id, r.transaction_id);
  if (typeof o.logging_pod === "string") fields.pod = o.logging_pod;
  return pgRecord(base, {
    format: "pg-cnpg",
    time: typeof r.log_time === "string" ? validTime(parsePgTimestampFast(r.log_time)) : timeOf(o.ts),
    level: String(r.error_severity),
    message: r.message,
    fields,
    code: r.sql_state_code,
    detail: r.detail,
    hint: r.hint,
    context: r.context,
    statement: r.query,
  });
}

/** MongoDB 4.4+ structured log: {t:{$date}, s, c, id, ctx, msg, attr}. */
function fromMongo(o: Json, base: Base): LogRecord {
  const attr = isObj(o.attr) ? o.attr : {};
  const err = isObj(attr.error) ? attr.error : {};
  const errText = [str(attr.errMsg), str(err.errmsg), str(attr.error), str(err.codeName), str(attr.errName)].filter(Boolean).join(" ");
  const level = String(o.s);
  const fields: Json = { component: o.c, id: o.id, ctx: o.ctx };
  if (attr.ns) fields.ns = attr.ns;
  const rec: LogRecord = {
    offset: base.offset,
    lines: base.lines,
    raw: base.raw,
    format: "mongodb",
    time: timeOf(o.t),
    level,
    severity: severityOf(level),
    message: str(o.msg) ?? "",
    fields,
    json: attr,
  };
  if (errText) rec.text = errText;
  const code = str(attr.errCode) ?? str(err.code) ?? str(attr.errName) ?? str(err.codeName);
  if (code) rec.code = code;
  return rec;
}

/** The error of an app log line, whatever the logger called it. */
function errorOf(o: Json): { text: string; code?: string; json?: Json } {
  const e = o.err ?? o.error ?? o.exception ?? o.exc_info ?? o.stack;
  if (typeof e === "string") return { text: e };
  if (!isObj(e)) return { text: "" };
  const parts = [str(e.type), str(e.name), str(e.message), str(e.errmsg), str(e.detail), str(e.stack)?.split("\n", 1)[0]];
  return { text: parts.filter(Boolean).join(" "), code: str(e.code) ?? str(e.codeName), json: e };
}

/** Application JSON lines: pino, winston, bunyan, python-json-logger, structlog, zap. */
function fromApp(o: Json, base: Base): LogRecord {
  // `event_message`: Supabase's log export; `log`: Fluent Bit's and other shippers' line.
  const message = str(o.msg) ?? str(o.message) ?? str(o.event) ?? str(o.event_message) ?? str(o.log) ?? (typeof o.body === "string" ? o.body : "") ?? "";
  const level = levelName(o.level ?? o.levelname ?? o.severity ?? o["log.level"] ?? o.lvl);
  const err = errorOf(o);
  const status = [isObj(o.res) ? o.res.statusCode : undefined, o.statusCode, o.status, o.status_code].find((v) => typeof v === "number");
  const text = [err.text, status !== undefined ? `status=${status}` : ""].filter(Boolean).join(" ");
  const fields: Json = {};
  for (const k of ["name", "logger", "hostname", "pid", "service"]) if (o[k] !== undefined && typeof o[k] !== "object") fields[k] = o[k];
  if (err.json && err.json.constraint) fields.constraint = err.json.constraint;
  // Named, not spread: `{ ...base, … }` took the runtime's slow path (25 µs a record, measured).
  const rec: LogRecord = {
    offset: base.offset,
    lines: base.lines,
    raw: base.raw,
    format: "app-json",
    time: timeOf(o.time ?? o.timestamp ?? o["@timestamp"] ?? o.asctime ?? o.ts),
    level,
    severity: severityOf(level),
    message,
    fields,
    json: o,
  };
  if (text) rec.text = text;
  const code = err.code ?? str(o.code);
  if (code) rec.code = code;
  if (err.json && typeof err.json.detail === "string") rec.detail = err.json.detail;
  return rec;
}

/** One parsed JSON object → a record, by shape: PostgreSQL jsonlog, MongoDB, or an application logger. */
export function recordFromJson(o: Json, base: Base): LogRecord {
  if (typeof o.error_severity === "string" && typeof o.timestamp === "string" && "message" in o) return fromPgJson(o, base);
  if (isObj(o.record) && typeof o.record.error_severity === "string" && "message" in o.record) return fromCnpg(o, o.record, base);
  if (isObj(o.t) && "$date" in o.t && typeof o.s === "string" && "msg" in o) return fromMongo(o, base);
  return fromApp(o, base);
}

export function parseJsonObject(text: string): Json | null {
  try {
    const v: unknown = JSON.parse(text);
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}
