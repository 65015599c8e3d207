import "server-only";
import type pg from "pg";
import {
  createEventDay,
  cutoffOf,
  DAY_MS,
  dayClassKey,
  DAYS_AHEAD,
  EVENT_CLASSES,
  type EventClass,
  listDayPartitions,
  type RetentionDays,
  utcDay,
} from "../../store/event-partitions";
import type { EncodedBatch, EventWindow } from "./encoded-batch";

/** How far ahead a time is believed (a log shipped from a host whose clock runs a few days fast). */
const AHEAD_DAYS = DAYS_AHEAD + 5;

/** The days a batch encoded now may bring without limit (encoded-batch.ts EventWindow): those retention keeps, and a few ahead. */
export function eventWindow(nowMs: number, retention: RetentionDays): EventWindow {
  return { minMs: cutoffOf(nowMs, Math.max(retention.signal, retention.noise)), maxMs: utcDay(nowMs) + (AHEAD_DAYS + 1) * DAY_MS - 1, nowMs };
}

/** The (day, class) partitions a writer knows exist (dayClassKey, as EncodedBatch.days). */
export type KnownDays = Set<number>;

/**
 * Makes the partitions a batch needs that no one made yet (a line of last month, a day the
 * retention job has not reached), before its transaction opens: the window's days and at most
 * OUT_OF_WINDOW_DAYS others. Each is made by lockboard_create_event_day (ATTACH: readers and
 * writers of the table go on).
 */
export async function ensureBatchDays(c: pg.ClientBase, known: KnownDays, b: EncodedBatch): Promise<void> {
  if ([...b.days].every((k) => known.has(k))) return;
  for (const cls of EVENT_CLASSES) for (const p of await listDayPartitions(c, `Event_${cls}`)) known.add(dayClassKey(p.dayMs, cls === "noise"));
  const byDay = new Map<number, EventClass[]>();
  for (const k of b.days) {
    if (known.has(k)) continue;
    const day = Math.floor(k / 2) * DAY_MS;
    byDay.set(day, [...(byDay.get(day) ?? []), k % 2 === 1 ? "noise" : "signal"]);
  }
  for (const [day, classes] of byDay) {
    await createEventDay(c, day, classes);
    for (const cls of classes) known.add(dayClassKey(day, cls === "noise"));
  }
}
