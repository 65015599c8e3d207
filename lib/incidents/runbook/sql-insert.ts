import { readQualifiedName, scanSql, splitTopLevel, unquoteIdent, type SqlToken } from "./sql-scan";

export type SqlVerb = "insert" | "update" | "delete" | "select" | "merge" | "other";

export type OnConflictClause = {
  start: number;
  end: number;
  text: string;
  /** The arbiter columns or expressions as written, null for `ON CONSTRAINT name` or no target. */
  target: string[] | null;
  constraint: string | null;
  action: "nothing" | "update" | null;
};

/** What one logged statement says about the write that failed. */
export type StatementShape = {
  verb: SqlVerb;
  table: { schema: string | null; name: string } | null;
  /** The INSERT's column list (unquoted), or an UPDATE's SET columns; null when not written. */
  columns: string[] | null;
  source: "values" | "select" | "default" | null;
  /** Rows of a VALUES list. */
  rows: number | null;
  onConflict: OnConflictClause | null;
  returning: string | null;
  truncated: boolean;
  /** Where a new ON CONFLICT clause goes: before RETURNING, else at the end of the statement. */
  insertAt: number;
};

const VERBS: Record<string, SqlVerb> = { INSERT: "insert", UPDATE: "update", DELETE: "delete", SELECT: "select", MERGE: "merge", VALUES: "select" };

const top = (tokens: SqlToken[], from: number, pred: (t: SqlToken, i: number) => boolean): number => {
  for (let i = from; i < tokens.length; i++) if (tokens[i]!.depth === 0 && pred(tokens[i]!, i)) return i;
  return -1;
};

/** The index of the `)` that closes the `(` at `open`. */
const closing = (tokens: SqlToken[], open: number): number => {
  const d = tokens[open]!.depth;
  for (let i = open + 1; i < tokens.length; i++) if (tokens[i]!.text === ")" && tokens[i]!.depth === d) return i;
  return -1;
};

/**
 * A simple-query string may hold several statements (`BEGIN; INSERT …; COMMIT`): the one read is
 * the first INSERT or UPDATE among them (else the first), so a clause lands inside it.
 */
function pickStatement(all: SqlToken[], end: number): { tokens: SqlToken[]; end: number } {
  const parts: SqlToken[][] = [[]];
  for (const t of all) {
    if (t.depth === 0 && t.text === ";") parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  const real = parts.filter((p) => p.length > 0);
  if (real.length <= 1) return { tokens: real[0] ?? [], end };
  const verb = (p: SqlToken[]) => (p[0]?.upper === "WITH" ? p.find((t) => t.depth === 0 && (t.upper === "INSERT" || t.upper === "UPDATE")) : p[0])?.upper;
  const chosen = real.find((p) => verb(p) === "INSERT" || verb(p) === "UPDATE") ?? real[0]!;
  return { tokens: chosen, end: chosen[chosen.length - 1]!.end };
}

export function readStatement(sql: string): StatementShape {
  const scanned = scanSql(sql);
  const { truncated } = scanned;
  const { tokens, end } = pickStatement(scanned.tokens, scanned.end);
  const shape: StatementShape = {
    verb: "other",
    table: null,
    columns: null,
    source: null,
    rows: null,
    onConflict: null,
    returning: null,
    truncated,
    insertAt: end,
  };
  let v = top(tokens, 0, (t) => t.kind === "word");
  if (v >= 0 && tokens[v]!.upper === "WITH") v = top(tokens, v + 1, (t) => t.kind === "word" && t.upper in VERBS && t.upper !== "VALUES");
  if (v < 0) return shape;
  shape.verb = VERBS[tokens[v]!.upper] ?? "other";
  if (shape.verb === "update") return readUpdate(tokens, v, shape);
  if (shape.verb !== "insert" || tokens[v + 1]?.upper !== "INTO") return shape;

  const name = readQualifiedName(tokens, v + 2);
  if (!name) return shape;
  shape.table = { schema: name.parts.length > 1 ? name.parts[name.parts.length - 2]! : null, name: name.parts[name.parts.length - 1]! };
  let i = name.next;
  if (tokens[i]?.upper === "AS") i += 2;
  else if (tokens[i]?.kind === "word" && !["VALUES", "SELECT", "DEFAULT", "OVERRIDING", "WITH", "TABLE"].includes(tokens[i]!.upper)) i++;
  if (tokens[i]?.text === "(" && !["SELECT", "WITH", "VALUES"].includes(tokens[i + 1]?.upper ?? "")) {
    const close = closing(tokens, i);
    const list = sql.slice(tokens[i]!.end, close === -1 ? sql.length : tokens[close]!.start);
    shape.columns = splitTopLevel(list).filter(Boolean).map(unquoteIdent);
    i = close === -1 ? tokens.length : close + 1;
  }
  if (tokens[i]?.upper === "OVERRIDING") i += 3;
  const src = tokens[i]?.upper;
  shape.source = src === "VALUES" ? "values" : src === "DEFAULT" ? "default" : src ? "select" : null;
  if (src === "VALUES") {
    let rows = 0;
    for (let j = i + 1; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t.depth !== 0) continue;
      if (t.text === "(") rows++;
      else if (t.text !== "," && t.text !== ")") break;
    }
    shape.rows = rows;
  }
  const on = top(tokens, i, (t, k) => t.upper === "ON" && tokens[k + 1]?.upper === "CONFLICT");
  const ret = top(tokens, on >= 0 ? on : i, (t) => t.upper === "RETURNING");
  if (ret >= 0) {
    shape.returning = sql.slice(tokens[ret]!.start, end);
    shape.insertAt = tokens[ret]!.start;
  }
  if (on >= 0) shape.onConflict = readOnConflict(sql, tokens, on, ret >= 0 ? tokens[ret]!.start : end);
  return shape;
}

function readOnConflict(sql: string, tokens: SqlToken[], on: number, stop: number): OnConflictClause {
  const clause: OnConflictClause = {
    start: tokens[on]!.start,
    end: stop,
    text: sql.slice(tokens[on]!.start, stop).trim(),
    target: null,
    constraint: null,
    action: null,
  };
  let i = on + 2;
  if (tokens[i]?.text === "(") {
    const close = closing(tokens, i);
    clause.target = splitTopLevel(sql.slice(tokens[i]!.end, close === -1 ? stop : tokens[close]!.start)).filter(Boolean);
    i = close === -1 ? tokens.length : close + 1;
  } else if (tokens[i]?.upper === "ON" && tokens[i + 1]?.upper === "CONSTRAINT") {
    const n = readQualifiedName(tokens, i + 2);
    clause.constraint = n ? n.parts[n.parts.length - 1]! : null;
  }
  const d = top(tokens, i, (t) => t.upper === "DO");
  if (d >= 0) clause.action = tokens[d + 1]?.upper === "NOTHING" ? "nothing" : tokens[d + 1]?.upper === "UPDATE" ? "update" : null;
  return clause;
}

function readUpdate(tokens: SqlToken[], v: number, shape: StatementShape): StatementShape {
  let i = v + 1;
  if (tokens[i]?.upper === "ONLY") i++;
  const name = readQualifiedName(tokens, i);
  if (!name) return shape;
  shape.table = { schema: name.parts.length > 1 ? name.parts[name.parts.length - 2]! : null, name: name.parts[name.parts.length - 1]! };
  const set = top(tokens, name.next, (t) => t.upper === "SET");
  if (set < 0) return shape;
  const cols: string[] = [];
  // `SET a = …, b = …`: a name right before a top-level `=` is a target column.
  for (let j = set + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.depth === 0 && ["WHERE", "FROM", "RETURNING"].includes(t.upper)) break;
    if (t.depth === 0 && t.text === "=" && (tokens[j - 1]?.kind === "word" || tokens[j - 1]?.kind === "quoted")) cols.push(unquoteIdent(tokens[j - 1]!.text));
  }
  shape.columns = cols.length ? cols : null;
  return shape;
}
