import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { ExtractedEntity } from "./entities";
import { type Checkpoint, CREATE_STAGE, moveStaged, pgJson, pgText, saveCheckpointIn, type SqlRunner, type StoreResult } from "./store-sql";

export type { StoreResult } from "./store-sql";

export type NormalizedEvent = {
  eventKey: string;
  occurredAt: Date;
  kind: string;
  severity: string;
  message: string;
  /** Incident title; empty when the event opens no incident. */
  title: string;
  fingerprint: string;
  /** Set by the ingest pipeline from the catalog; callers that build events themselves may leave it to `opensIncident`. */
  opensIncident?: boolean;
  raw: string;
  fields: Record<string, unknown>;
  entities: ExtractedEntity[];
};

/** Informational lines (checkpoints, startup) and unparsed lines are kept as events but open no incident. */
export function opensIncident(e: Pick<NormalizedEvent, "kind" | "severity" | "opensIncident">): boolean {
  if (e.opensIncident !== undefined) return e.opensIncident;
  if (e.kind === "unparsed") return false;
  return e.kind !== "unclassified" || e.severity === "error" || e.severity === "critical" || e.severity === "warning";
}

/** Keeps the first of events sharing a key (a pushed batch may repeat a line). */
export function uniqueByKey(events: NormalizedEvent[]): NormalizedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.eventKey) && (seen.add(e.eventKey), true));
}

/**
 * Writes a batch in one transaction through Prisma (HTTP pushes, the server-log tailer): events
 * whose key is already stored are skipped, so re-ingesting adds nothing; new ones count into their
 * incident (a resolved incident that recurs reopens as a regression) and link their entities.
 * The bulk CLI path is BulkEventWriter (COPY); both share moveStaged.
 */
export async function storeEvents(
  prisma: PrismaClient,
  sourceId: number,
  events: NormalizedEvent[],
  opts: { checkpoint?: Checkpoint } = {},
): Promise<StoreResult> {
  const batch = uniqueByKey(events);
  if (batch.length === 0 && !opts.checkpoint) return { inserted: 0, duplicates: 0, incidents: 0 };
  return prisma.$transaction(
    async (tx) => {
      const sql: SqlRunner = { exec: (text, params = []) => tx.$executeRawUnsafe(text, ...params) };
      for (const c of CREATE_STAGE) await sql.exec(c);
      await sql.exec(
        `INSERT INTO lockboard_stage_event (k, t, kind, sev, msg, fp, title, opens, raw, f)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[], $10::jsonb[])`,
        [
          batch.map((e) => pgText(e.eventKey)),
          batch.map((e) => e.occurredAt.toISOString()),
          batch.map((e) => e.kind),
          batch.map((e) => e.severity),
          batch.map((e) => pgText(e.message)),
          batch.map((e) => e.fingerprint),
          batch.map((e) => pgText(e.title)),
          batch.map((e) => opensIncident(e)),
          batch.map((e) => pgText(e.raw)),
          batch.map((e) => pgJson(e.fields)),
        ],
      );
      const links = batch.flatMap((e) => e.entities.map((en) => ({ k: e.eventKey, ...en, t: e.occurredAt })));
      if (links.length > 0) {
        await sql.exec(
          `INSERT INTO lockboard_stage_entity (k, typ, val, role, t) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])`,
          [links.map((l) => pgText(l.k)), links.map((l) => pgText(l.type)), links.map((l) => pgText(l.value)), links.map((l) => l.role ?? null), links.map((l) => l.t.toISOString())],
        );
      }
      const res = await moveStaged(sql, sourceId, batch.length, links.length > 0);
      if (opts.checkpoint) await saveCheckpointIn(sql, sourceId, opts.checkpoint);
      return { ...res, duplicates: res.duplicates + events.length - batch.length };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
