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

/** Epoch milliseconds (pino), epoch seconds (zap, structlog), or a date string. */
export function timeOf(v: unknown): Date | null {
  if (typeof v === "number") return new Date(v > 1e11 ? v : v * 1000);
  if (typeof v === "string") {
    const d = new Date(/^\d{4}-\d{2}-\d{2} \d/.test(v) ? v.replace(" ", "T").replace(",", ".") : v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  if (isObj(v) && "$date" in v) return timeOf(isObj(v.$date) ? Number(v.$date.$numberLong) : v.$date);
  return null;
}

/** PostgreSQL's jsonlog (15+): the same keys as csvlog, named. */
function fromPgJson(o: Json, base: Base): LogRecord {
  const level = String(o.error_severity);
  const fields: Json = { pid: Number(o.pid) || 0 };
  if (o.user) fields.user = o.user;
  if (o.dbname) fields.db = o.dbname;
  if (o.application_name) fields.app = o.application_name;
  if (o.backend_type) fields.backendType = o.backend_type;
  if (o.session_id) fields.session = o.session_id;
  if (o.txid) fields.xid = String(o.txid);
  const rec: LogRecord = { ...base, format: "pg-json", time: parsePgTimestampFast(String(o.timestamp)), level, severity: severityOf(level), message: str(o.message) ?? "", fields };
  if (o.state_code && o.state_code !== "00000") rec.code = String(o.state_code);
  if (o.detail) rec.detail = String(o.detail);
  if (o.hint) rec.hint = String(o.hint);
  if (o.context) rec.context = String(o.context);
  if (o.statement) rec.statement = String(o.statement);
  return rec;
}

/** MongoDB 4.4+ structured log: {t:{$date}, s, c, id, ctx, msg, attr}. */
function fromMongo(o: Json, base: Base): LogRecord {
  const attr = isObj(o.attr) ? o.attr : {};
  const err = isObj(attr.error) ? attr.error : {};
  const errText = [str(attr.errMsg), str(err.errmsg), str(attr.error), str(err.codeName), str(attr.errName)].filter(Boolean).join(" ");
  const level = String(o.s);
  const fields: Json = { component: o.c, id: o.id, ctx: o.ctx };
  if (attr.ns) fields.ns = attr.ns;
  const rec: LogRecord = { ...base, format: "mongodb", time: timeOf(o.t), level, severity: severityOf(level), message: str(o.msg) ?? "", fields, json: attr };
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
  const message = str(o.msg) ?? str(o.message) ?? str(o.event) ?? (typeof o.body === "string" ? o.body : "") ?? "";
  const level = levelName(o.level ?? o.levelname ?? o.severity ?? o["log.level"] ?? o.lvl);
  const err = errorOf(o);
  const status = [isObj(o.res) ? o.res.statusCode : undefined, o.statusCode, o.status, o.status_code].find((v) => typeof v === "number");
  const text = [err.text, status !== undefined ? `status=${status}` : ""].filter(Boolean).join(" ");
  const fields: Json = {};
  for (const k of ["name", "logger", "hostname", "pid", "service"]) if (o[k] !== undefined && typeof o[k] !== "object") fields[k] = o[k];
  if (err.json && err.json.constraint) fields.constraint = err.json.constraint;
  const rec: LogRecord = {
    ...base,
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
