/** A statement with its literals replaced, so `… VALUES ('a')` and `… VALUES ('b')` count as one. */
export function normalizeSqlLiterals(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/\$\d+/g, "?")
    .replace(/\b\d+(?:\.\d+)?\b/g, "?")
    .replace(/\s+/g, " ")
    .trim();
}
