import { z } from "zod";
import { INT4_MAX, INT8_MAX, isIsoTime } from "../http/params";

/**
 * Opaque keyset cursors: the last row's sort value and id, base64url JSON. A cursor that does not
 * decode, or whose parts do not fit the columns they are compared with, is a 400 naming "cursor"
 * (the route's zod schema is `cursorSchema`), never a value the store refuses.
 */
export type CursorValue = string | number;

export function encodeCursor(value: CursorValue, id: string | number): string {
  return Buffer.from(JSON.stringify([value, String(id)])).toString("base64url");
}

/** The cursor's parts, or null; the id is a non-negative integer that fits int8. */
export function decodeCursor(cursor: string): { value: CursorValue; id: string } | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [value, id] = v;
    if ((typeof value !== "string" && !Number.isFinite(value)) || typeof id !== "string" || !/^\d{1,19}$/.test(id) || BigInt(id) > INT8_MAX) return null;
    return { value, id };
  } catch {
    return null;
  }
}

/** What a cursor's sort value is: a row's time, a count that fits int4, or a timeline's "time|rank". */
export type CursorKind = "time" | "int4" | "timeRank";
const VALUE_CHECKS: Record<CursorKind, (v: CursorValue) => boolean> = {
  time: isIsoTime,
  int4: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= INT4_MAX,
  timeRank: (v) => typeof v === "string" && /^[^|]+\|[0-4]$/.test(v) && isIsoTime(v.split("|")[0]),
};

/** True when `cursor` decodes to a value of `kind` and an id within `idMax` (the id column's type). */
export function isCursorOf(cursor: string, kind: CursorKind, idMax: bigint = INT8_MAX): boolean {
  const c = decodeCursor(cursor);
  return !!c && VALUE_CHECKS[kind](c.value) && BigInt(c.id) <= idMax;
}

const NOT_OURS = "not a cursor this API returned";

/** The `cursor` query parameter of a list sorted by `kind`, with ids of an int4 or int8 column. */
export const cursorSchema = (kind: CursorKind, idColumn: "int4" | "int8") =>
  z
    .string()
    .max(300)
    .refine((c) => isCursorOf(c, kind, idColumn === "int4" ? BigInt(INT4_MAX) : INT8_MAX), NOT_OURS);
