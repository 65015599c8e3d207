import "server-only";

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
  raw: string;
};

// log_line_prefix = '%m [%p] ' (PostgreSQL's default): "2026-11-23 04:17:40.123 UTC [1234] "
const DEFAULT_PREFIX = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)(?: ([A-Z]{2,5}|[+-]\d{2}(?::?\d{2})?))? \[(\d+)\] ([A-Z]+\d?):  (.*)$/;
const ATTACHED = new Set(["DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"]);

function parseTime(stamp: string, zone: string | undefined): Date {
  const iso = stamp.replace(" ", "T");
  if (!zone || zone === "UTC" || zone === "GMT") return new Date(`${iso}Z`);
  if (/^[+-]/.test(zone)) return new Date(`${iso}${zone.length === 3 ? `${zone}:00` : zone}`);
  return new Date(`${iso}Z`);
}

/**
 * Stitches lines into records. Lines that are neither a prefixed line nor a continuation are
 * returned as `unparsed` so nothing read is lost.
 */
export function parsePgStderr(
  lines: Iterable<{ text: string; offset: number }>,
): { records: PgLogRecord[]; unparsed: { text: string; offset: number }[] } {
  const records: PgLogRecord[] = [];
  const unparsed: { text: string; offset: number }[] = [];
  let current: PgLogRecord | null = null;
  for (const { text, offset } of lines) {
    const m = DEFAULT_PREFIX.exec(text);
    if (m) {
      const [, stamp, zone, pid, level, body] = m;
      if (current && ATTACHED.has(level) && current.pid === Number(pid)) {
        const key = level.toLowerCase() as "detail" | "hint" | "context" | "statement";
        if (key in { detail: 1, hint: 1, context: 1, statement: 1 }) current[key] = body;
        current.raw += `\n${text}`;
        continue;
      }
      current = { offset, time: parseTime(stamp, zone), pid: Number(pid), level, message: body, raw: text };
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
