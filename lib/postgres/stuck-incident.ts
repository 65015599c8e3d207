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
  let n = 0;
  for (const g of groups) {
    if (!g.stuck) continue;
    const title = `Advisory lock ${g.key.label}${g.database ? ` in ${g.database}` : ""} stuck on ${source.name}`;
    await prisma.$executeRaw`
      INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
      VALUES (${stuckFingerprint(source.id, g.objectKey)}, ${ADVISORY_LOCK_STUCK}, ${title}, ${source.id}, ${at}, ${at}, 1)
      ON CONFLICT ("fingerprint") DO UPDATE SET
        "count" = "Incident"."count" + CASE WHEN "Incident"."lastSeen" < EXCLUDED."lastSeen" - make_interval(secs => ${episodeGapMs / 1000}) THEN 1 ELSE 0 END,
        "lastSeen" = GREATEST("Incident"."lastSeen", EXCLUDED."lastSeen"),
        "regression" = "Incident"."regression" OR "Incident"."status" = 'resolved',
        "status" = CASE WHEN "Incident"."status" = 'resolved' THEN 'open' ELSE "Incident"."status" END`;
    n++;
  }
  return n;
}
