import "server-only";
import { getSourceConnection, listSources, type PublicSource } from "../../sources/source-registry";
import type { PrismaClient } from "../../store/generated/client";
import { advisoryKeysOf, buildIncidentRunbook, LOCK_KINDS, pgDuplicateFacts, pidsOf, type RunbookContext } from "./build-runbook";
import type { ConnectionsReading, FdReading } from "./capacity-runbooks";
import { listLockedObjects } from "./list-locked-objects";
import { parseE11000 } from "./mongo-duplicate";
import { lookupMongoIndex } from "./mongo-catalog";
import { lookupPgConstraint } from "./pg-catalog";
import { engineOf, type RunbookEvent } from "./read-events";
import type { IncidentRunbook } from "./runbook-types";
import { readStatement } from "./sql-insert";

/** The runbook reads the incident's latest events, not all of them. */
const EVENT_SAMPLE = 50;
const AROUND_MS = 10 * 60_000;

const linked = (s: PublicSource, name: string) => Array.isArray(s.config.eventSources) && (s.config.eventSources as unknown[]).includes(name);

/** The runbook of one incident, built from its events and what Lockboard sampled around them; null when there is no such incident. */
export async function getIncidentRunbook(prisma: PrismaClient, id: number): Promise<IncidentRunbook | null> {
  const [inc] = await prisma.$queryRaw<{ kind: string; title: string; subject: string | null; sourceId: number | null; firstSeen: Date; lastSeen: Date }[]>`
    SELECT kind, title, subject, "sourceId", "firstSeen", "lastSeen" FROM "Incident" WHERE id = ${id}`;
  if (!inc) return null;
  const [rows, sources] = await Promise.all([
    prisma.$queryRaw<{ message: string; raw: string; fields: Record<string, unknown>; occurredAt: Date }[]>`
      SELECT message, raw, fields, "occurredAt" FROM "Event" WHERE "incidentId" = ${id} ORDER BY "occurredAt" DESC LIMIT ${EVENT_SAMPLE}`,
    listSources(prisma),
  ]);
  const events: RunbookEvent[] = rows.map((r) => ({ message: r.message, raw: r.raw, fields: r.fields ?? {}, occurredAt: r.occurredAt.toISOString() }));
  const source = sources.find((s) => s.id === inc.sourceId) ?? null;
  const newest = events[0] ? new Date(events[0].occurredAt) : inc.lastSeen;
  const oldest = events.length ? new Date(events[events.length - 1]!.occurredAt) : inc.firstSeen;
  const window = { from: new Date(Math.max(oldest.getTime(), newest.getTime() - AROUND_MS) - 30_000), to: new Date(newest.getTime() + 30_000) };
  const engine = engineOf(source?.kind ?? null, events);
  // Databases this incident is about: its own source, or ones configured as where its events come from.
  const pgSources = sources.filter((s) => s.kind === "postgres" && (s.id === source?.id || (source && linked(s, source.name))));

  const ctx: RunbookContext = {
    kind: inc.kind,
    source: source ? { name: source.name, kind: source.kind } : null,
    events,
    catalog: { info: null, note: null },
    locked: [],
    samplesNote: null,
    fd: null,
    connections: null,
    failedWrites: { count: 0, document: null },
    upstreamBefore: false,
  };

  if (inc.kind === "duplicate_key") {
    const e11000 = events.map((e) => parseE11000(`${e.message}\n${e.raw}`)).find(Boolean) ?? null;
    if (e11000) {
      const ns = e11000.database ? `${e11000.database}.${e11000.collection}` : e11000.collection;
      ctx.failedWrites = await failedWritesOn(prisma, [ns], window);
      const [up] = await prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "Incident" WHERE kind = 'upstream_failure' AND "sourceId" = ${inc.sourceId} AND "lastSeen" >= ${window.from} AND "firstSeen" <= ${window.to}`;
      ctx.upstreamBefore = (up?.n ?? 0) > 0;
      if (e11000.database) {
        // The MongoDB it is about: the incident's own source, one that lists it in config.eventSources, or one replaying this namespace.
        const replays = (s: PublicSource) =>
          Array.isArray((s.config.replay as { namespaces?: unknown } | undefined)?.namespaces) &&
          (s.config.replay as { namespaces: unknown[] }).namespaces.includes(ns);
        const mongo = sources.find((s) => s.kind === "mongodb" && (s.id === source?.id || (source && linked(s, source.name)) || replays(s)));
        ctx.mongoIndex = await mongoIndexOf(prisma, mongo ?? null, e11000.database, e11000.collection, e11000.index);
      }
    } else if (engine === "postgres") {
      const f = pgDuplicateFacts(events);
      const shape = f.statement ? readStatement(f.statement) : null;
      if (f.constraint) ctx.catalog = await catalogOf(prisma, pgSources, f.constraint, f.driverTable ?? shape?.table ?? null, source?.name ?? "this source");
      const table = ctx.catalog.info
        ? `${ctx.catalog.info.schema}.${ctx.catalog.info.table}`
        : shape?.table
          ? `${shape.table.schema ?? "public"}.${shape.table.name}`
          : null;
      if (table) ctx.failedWrites = await failedWritesOn(prisma, [table, table.replace(/^public\./, "")], window);
    }
  } else if (LOCK_KINDS.has(inc.kind)) {
    // A stuck-lock incident is counted from lock samples, not events: its key is in its title.
    const named = /^advisory lock (\S+)$/.exec(inc.subject ?? "")?.[1] ?? /^Advisory lock (\S+) .*stuck/.exec(inc.title)?.[1];
    const keys = [...new Set([...advisoryKeysOf(events), ...(named ? [named] : [])])];
    const lockSources = pgSources.length ? pgSources : keys.length ? sources.filter((s) => s.kind === "postgres") : [];
    if (lockSources.length === 0)
      ctx.samplesNote = `${source?.name ?? "This source"} is not a monitored PostgreSQL and its events name no advisory key, so no lock sample can be tied to them.`;
    else
      ctx.locked = await listLockedObjects(
        prisma,
        lockSources.map((s) => s.id),
        window,
        keys,
        pidsOf(events),
        pgSources.length > 0,
      );
  } else if (inc.kind === "fd_exhaustion") {
    const capIds = sources.filter((s) => s.kind !== "log" && (s.id === source?.id || (source && linked(s, source.name)))).map((s) => s.id);
    ctx.fd = await fdReading(prisma, capIds, window);
  } else if (inc.kind === "too_many_connections" || inc.kind === "pool_timeout") {
    const dbIds = sources
      .filter((s) => (s.kind === "postgres" || s.kind === "mongodb") && (s.id === source?.id || (source && linked(s, source.name))))
      .map((s) => s.id);
    ctx.connections = await connectionsReading(prisma, dbIds, window);
  }
  return buildIncidentRunbook(ctx);
}

async function catalogOf(
  prisma: PrismaClient,
  pgSources: PublicSource[],
  constraint: string,
  table: { schema: string | null; name: string } | null,
  name: string,
): Promise<RunbookContext["catalog"]> {
  const target = pgSources[0];
  if (!target)
    return {
      info: null,
      note: `${name} has no database connection (and no PostgreSQL source lists it in config.eventSources), so the table and columns come from the log alone.`,
    };
  const conn = await getSourceConnection(prisma, target.id);
  if (!conn?.url) return { info: null, note: `${target.name} has no connection URL, so the catalog was not read.` };
  try {
    const info = await lookupPgConstraint(conn.url, constraint, { table: table?.name ?? null, schema: table?.schema ?? null });
    return {
      info,
      note: info ? null : `${target.name}'s catalog has no constraint or unique index named ${constraint} (dropped or renamed since, or another database).`,
    };
  } catch (err) {
    return {
      info: null,
      note: `${target.name}'s catalog could not be read (${(err as Error).message.slice(0, 160)}): the table and columns come from the log alone.`,
    };
  }
}

async function mongoIndexOf(
  prisma: PrismaClient,
  target: PublicSource | null,
  db: string,
  collection: string,
  index: string,
): Promise<NonNullable<RunbookContext["mongoIndex"]>> {
  if (!target) return { info: null, from: null, note: null };
  const conn = await getSourceConnection(prisma, target.id);
  if (!conn?.url) return { info: null, from: null, note: null };
  try {
    const info = await lookupMongoIndex(conn.url, db, collection, index);
    return { info, from: target.name, note: info ? null : `${target.name} has no index ${index} on ${db}.${collection} (dropped or renamed since).` };
  } catch (err) {
    return {
      info: null,
      from: null,
      note: `${target.name}'s indexes could not be listed (${(err as Error).message.slice(0, 160)}): the key comes from the message alone.`,
    };
  }
}

async function failedWritesOn(prisma: PrismaClient, namespaces: string[], w: { from: Date; to: Date }): Promise<RunbookContext["failedWrites"]> {
  const [row] = await prisma.$queryRaw<{ n: number; payload: Record<string, unknown> | null }[]>`
    SELECT count(*)::int AS n, (array_agg(payload ORDER BY "occurredAt" DESC))[1] AS payload FROM "FailedWrite"
    WHERE namespace = ANY(${namespaces}::text[]) AND "occurredAt" BETWEEN ${new Date(w.from.getTime() - AROUND_MS)} AND ${new Date(w.to.getTime() + AROUND_MS)}`;
  const p = row?.payload;
  const doc = p && typeof p === "object" && !Array.isArray(p) ? ((p.document ?? null) as Record<string, unknown> | null) : null;
  return { count: row?.n ?? 0, document: doc && typeof doc === "object" ? doc : null };
}

async function fdReading(prisma: PrismaClient, ids: number[], w: { from: Date; to: Date }): Promise<FdReading | null> {
  if (ids.length === 0) return null;
  const [r] = await prisma.$queryRaw<
    { source: string; pattern: string | null; value: number; limit: number | null; data: Record<string, unknown>; sampledAt: Date }[]
  >`
    SELECT s.name AS source, s.config->>'pattern' AS pattern, c.value, c."limit", c.data, c."sampledAt" FROM "CapacitySample" c JOIN "Source" s ON s.id = c."sourceId"
    WHERE c."sourceId" = ANY(${ids}::int[]) AND c.metric = 'open_fds' AND c."sampledAt" BETWEEN ${w.from} AND ${w.to}
    ORDER BY c.value / NULLIF(c."limit", 0) DESC NULLS LAST, c."sampledAt" DESC LIMIT 1`;
  if (!r) return null;
  const d = r.data;
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    capacitySource: r.source,
    pid: num(d.pid),
    command: typeof d.command === "string" ? d.command : null,
    pattern: r.pattern,
    open: r.value,
    softLimit: r.limit ?? num(d.softLimit),
    hardLimit: num(d.hardLimit),
    sockets: num(d.sockets),
    files: num(d.files),
    pipes: num(d.pipes),
    at: r.sampledAt.toISOString(),
  };
}

async function connectionsReading(prisma: PrismaClient, ids: number[], w: { from: Date; to: Date }): Promise<ConnectionsReading | null> {
  if (ids.length === 0) return null;
  const [r] = await prisma.$queryRaw<{ source: string; value: number; limit: number | null; data: Record<string, unknown>; sampledAt: Date }[]>`
    SELECT s.name AS source, c.value, c."limit", c.data, c."sampledAt" FROM "CapacitySample" c JOIN "Source" s ON s.id = c."sourceId"
    WHERE c."sourceId" = ANY(${ids}::int[]) AND c.metric IN ('pg_connections', 'mongo_connections') AND c."sampledAt" BETWEEN ${w.from} AND ${w.to}
    ORDER BY c.value DESC LIMIT 1`;
  if (!r) return null;
  const byOrigin = Array.isArray(r.data.byOrigin) ? (r.data.byOrigin as { application: string; n: number }[]) : [];
  const byState = (r.data.byState ?? {}) as { idleInTransaction?: number };
  return {
    capacitySource: r.source,
    value: r.value,
    limit: r.limit,
    byOrigin,
    idleInTransaction: byState.idleInTransaction ?? null,
    at: r.sampledAt.toISOString(),
  };
}
