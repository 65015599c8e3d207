import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { AdvisoryLockGroup } from "./lock-model";

/** Incident kind for a stuck advisory lock (the ingestion catalog's kinds are snake_case too). */
export const ADVISORY_LOCK_STUCK = "advisory_lock_stuck";

export const stuckFingerprint = (sourceId: number, objectKey: string) => `${ADVISORY_LOCK_STUCK}:${sourceId}:${objectKey}`;

/**
 * Opens (or touches) one incident per stuck advisory lock object. A sighting more than
 * `episodeGapMs` after the last one counts as a new occurrence; a resolved incident that gets
 * stuck again reopens as a regression, like ingested incidents do.
 */
export async function raiseStuckLockIncidents(
  prisma: PrismaClient,
  source: { id: number; name: string },
  groups: AdvisoryLockGroup[],
  at: Date,
  episodeGapMs: number,
): Promise<number> {
  const stuck = groups.filter((g) => g.stuck);
  if (stuck.length === 0) return 0;
  // One statement for all of them: an idle session can sit on thousands of keys.
  await prisma.$executeRaw`
    INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
    SELECT f, ${ADVISORY_LOCK_STUCK}, t, ${source.id}, ${at}, ${at}, 1
    FROM unnest(${stuck.map((g) => stuckFingerprint(source.id, g.objectKey))}::text[], ${stuck.map((g) => `Advisory lock ${g.key.label}${g.database ? ` in ${g.database}` : ""} stuck on ${source.name}`)}::text[]) AS u(f, t)
    ON CONFLICT ("fingerprint") DO UPDATE SET
      "count" = "Incident"."count" + CASE WHEN "Incident"."lastSeen" < EXCLUDED."lastSeen" - make_interval(secs => ${episodeGapMs / 1000}) THEN 1 ELSE 0 END,
      "lastSeen" = GREATEST("Incident"."lastSeen", EXCLUDED."lastSeen"),
      "regression" = "Incident"."regression" OR "Incident"."status" = 'resolved',
      "status" = CASE WHEN "Incident"."status" = 'resolved' THEN 'open' ELSE "Incident"."status" END`;
  return stuck.length;
}
