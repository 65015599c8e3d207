import "server-only";
import { z } from "zod";
import { checkWindow, windowFields } from "../http/time-window";
import type { PrismaClient } from "../store/generated/client";
import { fitRange, MAX_WINDOW_MS, OVERVIEW_FIT_RANGES, OVERVIEW_RANGES, RANGE_MS, type OverviewRange } from "../vocabulary/time-ranges";

/** A preset (`range`), a custom window (`from`+`to`, a drag-zoom) or neither: the range that fits the data. */
export const OverviewQuerySchema = z
  .object({ range: z.enum(OVERVIEW_RANGES).optional(), ...windowFields })
  .strict()
  .superRefine(checkWindow(MAX_WINDOW_MS.overview));
export type OverviewQuery = z.infer<typeof OverviewQuerySchema>;

export type OverviewWindow = {
  from: number;
  to: number;
  /** The preset shown (chosen or fitted), null for a custom window. */
  range: OverviewRange | null;
  fitted: boolean;
  /**
   * When the first source was added or the oldest minute with an event (an imported log may be
   * older; one probe of the minute index): before it, "no data yet".
   */
  dataSince: string | null;
};

const FIT_LOOKBACK = RANGE_MS["24h"];

/**
 * The window the Overview draws. With no range asked for it fits the data: the smallest of
 * 15m/1h/6h/24h reaching back to the oldest incident active in the last day (a demo started five
 * minutes ago fills 15 minutes, not a sliver of 6 hours; a long-running install shows a day).
 */
export async function resolveOverviewWindow(prisma: PrismaClient, q: OverviewQuery, now: Date): Promise<OverviewWindow> {
  const [row] = await prisma.$queryRaw<{ since: Date | null; oldest: Date | null }[]>`
    SELECT least((SELECT min("createdAt") FROM "Source"), (SELECT min(minute) FROM "IncidentMinute")) AS since,
           (SELECT min("firstSeen") FROM "Incident" WHERE "lastSeen" >= ${new Date(now.getTime() - FIT_LOOKBACK)}) AS oldest`;
  const dataSince = row?.since?.toISOString() ?? null;
  if (q.from && q.to) return { from: Date.parse(q.from), to: Date.parse(q.to), range: null, fitted: false, dataSince };
  if (q.range) return { from: now.getTime() - RANGE_MS[q.range], to: now.getTime(), range: q.range, fitted: false, dataSince };
  const age = row?.oldest ? now.getTime() - row.oldest.getTime() : 0;
  const range = fitRange(OVERVIEW_FIT_RANGES, age) ?? "24h";
  return { from: now.getTime() - RANGE_MS[range], to: now.getTime(), range, fitted: true, dataSince };
}
