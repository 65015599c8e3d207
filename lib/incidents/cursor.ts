/**
 * Opaque keyset cursors: the last row's sort value and id, base64url JSON. A cursor that does not
 * decode is a 400 naming "cursor" (the route's zod schema refines with `decodeCursor`).
 */
export type CursorValue = string | number;

export function encodeCursor(value: CursorValue, id: string | number): string {
  return Buffer.from(JSON.stringify([value, String(id)])).toString("base64url");
}

export function decodeCursor(cursor: string): { value: CursorValue; id: string } | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [value, id] = v;
    if ((typeof value !== "string" && typeof value !== "number") || typeof id !== "string" || !/^\d{1,19}$/.test(id)) return null;
    return { value, id };
  } catch {
    return null;
  }
}
