import "server-only";

/**
 * The incident catalog: data, not a chain of ifs. Each entry matches a SQLSTATE, an error code
 * or a pattern; the first match wins.
 */
export type CatalogEntry = {
  kind: string;
  title: string;
  sqlstate?: string[];
  pattern?: RegExp;
};

export const CATALOG: CatalogEntry[] = [
  {
    kind: "duplicate_key",
    title: "Duplicate key",
    sqlstate: ["23505"],
    pattern: /duplicate key value violates unique constraint|E11000 duplicate key error/,
  },
];

export function classify(message: string, sqlstate?: string): CatalogEntry | null {
  for (const entry of CATALOG) {
    if (sqlstate && entry.sqlstate?.includes(sqlstate)) return entry;
    if (entry.pattern?.test(message)) return entry;
  }
  return null;
}
