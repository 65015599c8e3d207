import "server-only";
import { changeIncidentStatus } from "../incidents/change-status";
import { rollupCtes } from "../ingest/store/event-sql";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { isLockActionInFlight } from "./lock-action";
import type { LockSnapshot } from "./lock-model";

/** Incident kind for a stuck advisory lock (the ingestion catalog's kinds are snake_case too). */
export const ADVISORY_LOCK_STUCK = "advisory_lock_stuck";

/** Who changes a stuck-lock incident's status when the sampler sees the lock come or go. */
export const SAMPLER_ACTOR = { name: "lockboard (lock sampler)" };

export const stuckFingerprint = (sourceId: number, objectKey: string) => `${ADVISORY_LOCK_STUCK}:${sourceId}:${objectKey}`;
export const objectKeyOfStuckFingerprint = (fingerprint: string) => fingerprint.split(":").slice(2).join(":");

type OpenRow = { id: number; fingerprint: string; lastSeen: Date };
type HolderRow = { pid: number; backendStart: string | null };
type ReleaseRow = { id: number; actor: string; pid: number };

/**
 * One sampler pass over a source: every stuck advisory lock counts one sighting (in the
 * incident's count and its minute, like an ingested event), a resolved incident stuck again
 * reopens as a regression, and an open one whose holder no longer holds the lock resolves
 * itself, saying whether Lockboard released it (with the audit row) or the holder let go.
 * Status changes go through changeIncidentStatus, so they are audited like an operator's.
 */
export async function raiseStuckLockIncidents(
  prisma: PrismaClient,
  source: { id: number; name: string },
  snap: Pick<LockSnapshot, "advisory" | "backends" | "takenAt">,
): Promise<number> {
  const at = new Date(snap.takenAt);
  const stuck = snap.advisory.filter((g) => g.stuck && g.holders.length > 0);
  if (stuck.length > 0) await countSighting(prisma, source, stuck, at);
  await resolveReleased(prisma, source, snap, new Set(stuck.map((g) => g.objectKey)), at);
  return stuck.length;
}

async function countSighting(prisma: PrismaClient, source: { id: number; name: string }, stuck: LockSnapshot["advisory"], at: Date): Promise<void> {
  const fingerprints = stuck.map((g) => stuckFingerprint(source.id, g.objectKey));
  // One statement for all of them: an idle session can sit on thousands of keys.
  const reopened = await prisma.$queryRaw<{ id: number }[]>`
    WITH up AS (
      INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
      SELECT f, ${ADVISORY_LOCK_STUCK}, t, ${source.id}, ${at}, ${at}, 1
      FROM unnest(${fingerprints}::text[], ${stuck.map((g) => `Advisory lock ${g.key.label}${g.database ? ` in ${g.database}` : ""} stuck on ${source.name}`)}::text[]) AS u(f, t)
      ON CONFLICT ("fingerprint") DO UPDATE SET
        "count" = "Incident"."count" + 1,
        "lastSeen" = GREATEST("Incident"."lastSeen", EXCLUDED."lastSeen"),
        "regression" = "Incident"."regression" OR "Incident"."status" = 'resolved'
      RETURNING id, status, kind
    ), fresh AS MATERIALIZED (
      SELECT id, kind, date_trunc('minute', ${at}::timestamptz) AS minute, 1 AS n FROM up
    ), minute AS (
      INSERT INTO "IncidentMinute" ("incidentId", minute, count)
      SELECT id, minute, n FROM fresh ORDER BY id
      ON CONFLICT ("incidentId", minute) DO UPDATE SET count = "IncidentMinute".count + 1
    ),
    -- The Overview's and the rate sort's rollups, as the event writer keeps them.
    ${Prisma.raw(rollupCtes(String(Math.trunc(source.id))))}
    SELECT id FROM up WHERE status = 'resolved'`;
  if (reopened.length > 0) {
    await changeIncidentStatus(prisma, SAMPLER_ACTOR, { ids: reopened.map((r) => r.id), status: "open", reason: "the advisory lock is stuck again" });
  }
}

async function resolveReleased(
  prisma: PrismaClient,
  source: { id: number },
  snap: Pick<LockSnapshot, "advisory" | "backends">,
  stuckNow: Set<string>,
  at: Date,
): Promise<void> {
  const open = await prisma.$queryRaw<OpenRow[]>`
    SELECT id, fingerprint, "lastSeen" FROM "Incident"
    WHERE kind = ${ADVISORY_LOCK_STUCK} AND "sourceId" = ${source.id} AND status IN ('open', 'acknowledged') AND "lastSeen" < ${at}`;
  if (open.length === 0) return;
  const groups = new Map(snap.advisory.map((g) => [g.objectKey, g]));
  const started = new Map(snap.backends.map((b) => [b.pid, b.backendStart]));
  // One session holding many keys ends once: its incidents resolve together, one audit call per reason.
  const byReason = new Map<string, number[]>();
  for (const inc of open) {
    const objectKey = objectKeyOfStuckFingerprint(inc.fingerprint);
    if (stuckNow.has(objectKey)) continue;
    // Who held it when it was last seen stuck: that pass's samples (written with the same time).
    const was = await prisma.$queryRaw<HolderRow[]>`
      SELECT DISTINCT pid, "data"->>'backendStart' AS "backendStart" FROM "LockSample"
      WHERE "objectKey" = ${objectKey} AND "sampledAt" = ${inc.lastSeen} AND "sourceId" = ${source.id} AND granted`;
    const holdersNow = groups.get(objectKey)?.holders ?? [];
    const stillHeld = was.filter(
      (h) => holdersNow.some((n) => n.pid === h.pid) && (h.backendStart === null || started.get(h.pid) == null || started.get(h.pid) === h.backendStart),
    );
    // Held by the same session but no longer stuck (it ran again, or its waiters left): not released.
    if (stillHeld.length > 0 || (was.length === 0 && holdersNow.length > 0)) continue;
    const pids = was.map((h) => h.pid);
    // Being released from Lockboard right now: resolved by a later pass, once the release is audited.
    if (await isLockActionInFlight(prisma, source.id, pids)) continue;
    const [release] = pids.length
      ? await prisma.$queryRaw<ReleaseRow[]>`
          SELECT id, actor, (target->>'pid')::int AS pid FROM "ActionLog"
          WHERE "sourceId" = ${source.id} AND action IN ('lock.release', 'lock.terminate', 'lock.cancel') AND outcome = 'released'
            AND at >= ${new Date(inc.lastSeen.getTime() - 60_000)} AND (target->>'pid')::int = ANY(${pids}::int[])
          ORDER BY at DESC LIMIT 1`
      : [];
    const who = pids.length ? `backend ${pids.join(", ")}` : "its holder";
    const reason = release
      ? `released by ${release.actor} from Lockboard (audit #${release.id}): ${who} ended`
      : `${who} no longer holds the lock (its session ended or it let go)`;
    byReason.set(reason, [...(byReason.get(reason) ?? []), inc.id]);
  }
  for (const [reason, ids] of byReason) await changeIncidentStatus(prisma, SAMPLER_ACTOR, { ids, status: "resolved", reason });
}
