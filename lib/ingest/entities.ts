import "server-only";

export type ExtractedEntity = { type: string; value: string };

/** `Key (a, b)=(x, y) already exists.` → a=x, b=y. Values containing ", " stay whole when there is one column. */
export function entitiesFromPgKeyDetail(detail: string | undefined): ExtractedEntity[] {
  const m = detail && /Key \((.+?)\)=\((.*)\) already exists/.exec(detail);
  if (!m) return [];
  const cols = m[1].split(/,\s*/);
  const vals = cols.length === 1 ? [m[2]] : m[2].split(/,\s*/);
  return cols.map((c, i) => ({ type: c.replace(/^"|"$/g, ""), value: vals[i] ?? "" }));
}

export function constraintFromMessage(message: string): string | null {
  return /unique constraint "([^"]+)"/.exec(message)?.[1] ?? null;
}
