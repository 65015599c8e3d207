import "server-only";
import type { BackgroundJob } from "../jobs/background-job";
import { Prisma, type PrismaClient } from "../store/generated/client";

/*
 * An incident's rate is its events in the last hour: the minutes m ≥ now − 1 h of IncidentMinute.
 * Summing those per request for every incident made the rate sort cost ~60 rows per active
 * incident (79 / 101 ms at 10 M events). Instead the event writer keeps, per incident, a running
 * count of its minutes from `since` on (IncidentLastHour, in the batch's transaction, from the
 * newly inserted events only), and a job moves `since` up to the hour's first minute every few
 * seconds, taking away the minutes that left the hour.
 *
 * Why not a count the job recomputes (a materialized ranking): between refreshes it is stale, and
 * at an hour boundary a burst that just started would not show for a whole refresh. Why not
 * coarser buckets plus the edge minutes: still a sum over every active incident per request.
 * Here the answer is exact at any moment, whatever the job did: a reader corrects each row by the
 * minutes between its `since` and its own hour's first minute, which is zero or one minute when
 * the job keeps up (one index probe for the incidents active across the boundary), and only a
 * sum when it has not (after a restart, or an "as of" reading in the past). The invariant
 * `count = Σ minutes ≥ since` holds because both writers change a row only while holding its
 * lock, and the job reads the minutes to take away in a statement that starts after it has
 * locked the rows (see slideLastHour).
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The first minute counted in the hour before `now` (IncidentMinute rows start on whole minutes). */
export const lastHourStart = (now: Date) => new Date(Math.ceil((now.getTime() - HOUR) / MINUTE) * MINUTE);

/**
 * The events in the hour before `now` of the incident whose id is `id`, given its IncidentLastHour
 * row joined as `h` (LEFT JOIN: an incident without one, never counted since the table existed or
 * written by other means, is summed from its minutes).
 */
export function lastHourRate(id: Prisma.Sql, h: Prisma.Sql, now: Date): Prisma.Sql {
  const ws = lastHourStart(now);
  const minutes = (from: Prisma.Sql, to: Prisma.Sql | null) =>
    Prisma.sql`(SELECT coalesce(sum(m.count), 0) FROM "IncidentMinute" m WHERE m."incidentId" = ${id} AND m.minute >= ${from} ${to ? Prisma.sql`AND m.minute < ${to}` : Prisma.empty})`;
  return Prisma.sql`(CASE
    WHEN ${h}."incidentId" IS NULL THEN ${minutes(Prisma.sql`${ws}`, null)}
    WHEN ${h}.since = ${ws} OR (${h}.count = 0 AND ${h}.since < ${ws}) THEN ${h}.count
    WHEN ${h}.since < ${ws} THEN ${h}.count - ${minutes(Prisma.sql`${h}.since`, Prisma.sql`${ws}::timestamptz`)}
    ELSE ${h}.count + ${minutes(Prisma.sql`${ws}::timestamptz`, Prisma.sql`${h}.since`)}
  END)::int`;
}

/**
 * For a query over many incidents (the rate sort): joins `h` (IncidentLastHour) and `r.n` (the
 * rate) to `"Incident" i`. The corrections of every row come from one range scan of the minutes
 * between the rows' oldest and newest `since` and the hour's start (by the minute index), grouped
 * by incident, instead of one probe per row: just after a minute boundary, before the job has run,
 * that is one minute of the active incidents. Rows counting nothing before the hour's start need
 * no correction and do not widen the range.
 */
export function lastHourJoin(now: Date): Prisma.Sql {
  const ws = lastHourStart(now);
  const counting = Prisma.sql`FROM "IncidentLastHour" x WHERE x.count > 0 OR x.since > ${ws}::timestamptz`;
  return Prisma.sql`
    LEFT JOIN "IncidentLastHour" h ON h."incidentId" = i.id
    LEFT JOIN (
      -- Materialized: the planner would otherwise probe every row's minutes by incident.
      WITH span AS MATERIALIZED (
        SELECT m."incidentId", m.minute, m.count FROM "IncidentMinute" m
        WHERE m.minute >= (SELECT LEAST(min(x.since), ${ws}::timestamptz) ${counting})
          AND m.minute < (SELECT GREATEST(max(x.since), ${ws}::timestamptz) ${counting}))
      SELECT m."incidentId", sum(CASE WHEN m.minute < ${ws}::timestamptz THEN -m.count ELSE m.count END) AS d
      FROM span m JOIN "IncidentLastHour" c ON c."incidentId" = m."incidentId"
      WHERE m.minute >= LEAST(c.since, ${ws}::timestamptz) AND m.minute < GREATEST(c.since, ${ws}::timestamptz)
      GROUP BY 1) d ON d."incidentId" = i.id
    CROSS JOIN LATERAL (SELECT (CASE
      WHEN h."incidentId" IS NULL THEN (SELECT coalesce(sum(m.count), 0) FROM "IncidentMinute" m WHERE m."incidentId" = i.id AND m.minute >= ${ws}::timestamptz)
      ELSE h.count + coalesce(d.d, 0)
    END)::int AS n) r`;
}

/**
 * Moves every counting row's `since` up to the hour's first minute, taking away the minutes that
 * left. First the rows are locked (in id order, as the writer takes them); then, in a statement
 * whose snapshot starts after that, the minutes are read: a batch that counted into a row before
 * the lock has committed and its minutes are seen; one that waits on the lock counts, once it
 * goes on, only the minutes from the new `since` (its ON CONFLICT reads the row's latest version).
 * Rows counting nothing keep their `since`: a reader needs no correction for them.
 */
export async function slideLastHour(prisma: PrismaClient, now = new Date()): Promise<number> {
  const ws = lastHourStart(now);
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: number }[]>`
      SELECT "incidentId" AS id FROM "IncidentLastHour" WHERE since < ${ws} AND count > 0 ORDER BY "incidentId" FOR UPDATE`;
    if (locked.length === 0) return 0;
    return tx.$executeRaw`
      UPDATE "IncidentLastHour" h SET since = ${ws}, count = h.count - coalesce((
        SELECT sum(m.count) FROM "IncidentMinute" m WHERE m."incidentId" = h."incidentId" AND m.minute >= h.since AND m.minute < ${ws}), 0)::int
      WHERE h."incidentId" = ANY(${locked.map((r) => r.id)}::int[])`;
  });
}

/** Every 10 s: a reader then corrects at most the minute that just left, for the incidents active in it. */
export const lastHourJob: BackgroundJob = {
  name: "incident-last-hour",
  intervalMs: () => 10_000,
  run: async ({ prisma }) => {
    await slideLastHour(prisma);
  },
};
