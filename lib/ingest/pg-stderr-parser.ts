import "server-only";
import { compileLogLinePrefix, DEFAULT_LOG_LINE_PREFIX, parsePgTimestamp } from "./pg-log-prefix";

/** One PostgreSQL server log event with its DETAIL/HINT/CONTEXT/STATEMENT lines stitched in. */
export type PgLogRecord = {
  offset: number;
  time: Date;
  pid: number;
  level: string;
  message: string;
  detail?: string;
  hint?: string;
  context?: string;
  statement?: string;
  sqlstate?: string;
  user?: string;
  db?: string;
  raw: string;
};

const ATTACHED = new Set(["DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"]);

/**
 * Stitches lines into records. Lines that are neither a prefixed line nor a continuation are
 * returned as `unparsed` so nothing read is lost.
 */
export function parsePgStderr(
  lines: Iterable<{ text: string; offset: number }>,
  logLinePrefix = DEFAULT_LOG_LINE_PREFIX,
): { records: PgLogRecord[]; unparsed: { text: string; offset: number }[] } {
  const records: PgLogRecord[] = [];
  const unparsed: { text: string; offset: number }[] = [];
  let current: PgLogRecord | null = null;
  const prefix = compileLogLinePrefix(logLinePrefix);
  for (const { text, offset } of lines) {
    const g = prefix.exec(text)?.groups;
    if (g) {
      const { level, body } = g;
      const pid = Number(g.pid ?? 0);
      const time = g.time ? parsePgTimestamp(g.time) : g.epoch ? new Date(Number(g.epoch) * 1000) : new Date(Number.NaN);
      if (current && ATTACHED.has(level) && current.pid === pid) {
        const key = level.toLowerCase() as "detail" | "hint" | "context" | "statement";
        if (key in { detail: 1, hint: 1, context: 1, statement: 1 }) current[key] = body;
        current.raw += `\n${text}`;
        continue;
      }
      current = { offset, time, pid, level, message: body, raw: text, ...(g.sqlstate ? { sqlstate: g.sqlstate } : {}), ...(g.user ? { user: g.user } : {}), ...(g.db ? { db: g.db } : {}) };
      records.push(current);
    } else if (current && /^\s/.test(text)) {
      current.raw += `\n${text}`;
      if (current.statement !== undefined) current.statement += `\n${text.trim()}`;
      else current.message += `\n${text.trim()}`;
    } else if (text.length > 0) {
      unparsed.push({ text, offset });
    }
  }
  return { records, unparsed };
}
