import type { FieldDiff } from "./compare-record";

export type ReplayOutcome = "applied" | "already_present" | "conflict";

/** What a target-specific apply needs from a stored failed write. */
export type WriteToApply = {
  id: number;
  namespace: string;
  operation: "insert" | "upsert" | "update";
  key: Record<string, string | number | boolean>;
  payload: { document?: Record<string, unknown>; update?: { $set?: Record<string, unknown>; $unset?: Record<string, unknown> } };
};

/** After applying, the target was read back: exactly one record with the key, compared. */
export type ApplyResult = {
  outcome: ReplayOutcome;
  record: Record<string, unknown> | null;
  diff: FieldDiff[];
};

/** An error the write itself causes and retrying will not fix (e.g. no record for an update). */
export class PermanentApplyError extends Error {}

/** What the target holds for a key now, for the detail view. */
export type TargetState =
  | { state: "found"; record: Record<string, unknown>; diff: FieldDiff[]; count: number }
  | { state: "missing" }
  /** Not read: the source does not accept this target (namespace, key or fields), or the table cannot take it. */
  | { state: "refused"; error: string }
  | { state: "error"; error: string };
