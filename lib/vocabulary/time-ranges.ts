// The time ranges each view offers and its API accepts, declared once. No "server-only": the
// client pages import these lists for their range pickers.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How far back each range reaches; `all` (0) has no lower bound. */
export const RANGE_MS = { "15m": 15 * MINUTE, "1h": HOUR, "6h": 6 * HOUR, "24h": DAY, "7d": 7 * DAY, "30d": 30 * DAY, all: 0 } as const;
export type TimeRange = keyof typeof RANGE_MS;

// Each view's choices in the order its picker shows them, and the one it opens on.
export const OVERVIEW_RANGES = ["15m", "1h", "6h", "24h"] as const satisfies readonly TimeRange[];
/** With no range in the URL the Overview fits the data it has (fitRange, capped here): see README "Time ranges". */
export const OVERVIEW_FIT_RANGES = ["15m", "1h", "6h", "24h"] as const satisfies readonly OverviewRange[];
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];

export const CAPACITY_RANGES = ["15m", "1h", "6h", "24h"] as const satisfies readonly TimeRange[];
export const DEFAULT_CAPACITY_RANGE = "1h" satisfies CapacityRange;
export type CapacityRange = (typeof CAPACITY_RANGES)[number];

/** The incident list filters on "seen within the last …"; no range means any time. */
export const INCIDENT_LIST_RANGES = ["1h", "6h", "24h", "7d", "30d"] as const satisfies readonly TimeRange[];
export type IncidentListRange = (typeof INCIDENT_LIST_RANGES)[number];

/** An incident's histogram: the last …, or its whole life. */
export const INCIDENT_DETAIL_RANGES = ["1h", "6h", "24h", "7d", "all"] as const satisfies readonly TimeRange[];
/** With no range in the URL an incident's histogram covers its age, rounded up to one of these (else its whole life). */
export const INCIDENT_FIT_RANGES = ["1h", "6h", "24h", "7d"] as const satisfies readonly IncidentDetailRange[];
export type IncidentDetailRange = (typeof INCIDENT_DETAIL_RANGES)[number];

/** `value` when it is one of `ranges`, else `fallback`: a page's URL may hold anything. */
export function rangeOr<R extends TimeRange>(ranges: readonly R[], value: string | undefined, fallback: R): R {
  return ranges.find((r) => r === value) ?? fallback;
}

/** The smallest of `ranges` (ascending) that reaches back `ageMs`, or null when none does. */
export function fitRange<R extends Exclude<TimeRange, "all">>(ranges: readonly R[], ageMs: number): R | null {
  return ranges.find((r) => RANGE_MS[r] >= ageMs) ?? null;
}

/** The longest custom window (drag-to-zoom, from/to in the URL) each API accepts. */
export const MAX_WINDOW_MS = { overview: RANGE_MS["7d"], incident: 366 * DAY, capacity: RANGE_MS["7d"], lockHistory: RANGE_MS["7d"] } as const;
