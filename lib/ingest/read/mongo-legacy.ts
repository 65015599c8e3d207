import "server-only";
import type { LogLine, LogRecord } from "./log-record";
import { severityOf } from "./log-record";

/**
 * mongod's plain-text log before 4.4 (docs, "Log Messages", 3.0-4.2):
 * `<timestamp> <severity> <component> [<context>] <message>` (4.x pads the severity: `I  COMMAND`), the stamp iso8601-local
 * (`2019-03-01T10:00:00.123+0000`, the default), iso8601-utc (`…Z`) or ctime
 * (`Fri Mar  1 10:00:00.123`), the severity F/E/W/I or D1-D5, the component padded (`-` for none).
 * A failed write is an `I`-level line whose text ends with `exception: E11000 … code:11000`.
 */
const LEGACY =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d{3})?) ([FEWI]|D\d?) +([A-Z_]+|-) *\[([^\]]*)\] (.*)$/;
// `code:11000`, `errCode:11000`, `errName:DuplicateKey`, `codeName:"WriteConflict"` in the line's summary.
const CODE = /\b(?:errCode|code):(\d+)\b/;
const CODE_NAME = /\b(?:errName|codeName):"?([A-Z][A-Za-z]+)"?/;
const EXCEPTION = /\bexception: (.*?)(?: code:\d+| numYields:|$)/;
// 4.0-4.2 end a failed operation with `ok:0 errMsg:"…" errName:DuplicateKey errCode:11000`, quotes escaped.
const ERR_MSG = /\berrMsg:"((?:[^"\\]|\\.)*)"/;

function legacyTime(stamp: string): Date | null {
  // ctime has no year or zone: leave the time to the ingest's fallback rather than guess a year.
  if (!/^\d/.test(stamp)) return null;
  const iso = stamp.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A legacy mongod line as a record, or null when the line is not one. */
export function readMongoLegacy(line: LogLine): LogRecord | null {
  const m = LEGACY.exec(line.text);
  if (!m) return null;
  const [, stamp, level, component, ctx, message] = m;
  const fields: Record<string, unknown> = { component, ctx, legacy: true };
  if (stamp.charCodeAt(0) > 57) fields.ctime = stamp;
  if (line.invalidUtf8) fields.invalidUtf8 = true;
  const ns = /^(?:insert|update|remove|query|getmore|command|killcursors) (\S+\.\S+) /.exec(message)?.[1];
  if (ns) fields.ns = ns;
  const rec: LogRecord = {
    offset: line.offset,
    lines: 1,
    raw: line.text,
    format: "mongodb",
    time: legacyTime(stamp),
    level,
    severity: severityOf(level),
    message,
    fields,
  };
  const code = CODE.exec(message)?.[1] ?? CODE_NAME.exec(message)?.[1];
  if (code) rec.code = code;
  const errMsg = ERR_MSG.exec(message)?.[1];
  const ex = errMsg !== undefined ? errMsg.replace(/\\(.)/g, "$1") : EXCEPTION.exec(message)?.[1];
  if (ex) rec.text = ex;
  return rec;
}
