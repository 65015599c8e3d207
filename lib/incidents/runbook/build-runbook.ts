import { RUNBOOKS, runbookFor } from "../runbooks";
import { buildConnectionsRunbook, buildFdRunbook, type ConnectionsReading, type FdReading } from "./capacity-runbooks";
import { advisoryCallOf, buildLockRunbook, lockedRelationOf, type LockedObject } from "./lock-wait";
import { buildMongoDuplicateRunbook, keyFromDriverError, parseE11000, type MongoIndexInfo } from "./mongo-duplicate";
import { buildPgDuplicateRunbook, type PgConstraintInfo } from "./pg-duplicate";
import { buildPrismaDuplicateRunbook, parsePrismaUnique } from "./prisma-duplicate";
import { parsePgKeyDetail, pgConstraintOf } from "./pg-key-detail";
import { engineOf, fieldOf, jsonOf, keyStatsOf, mostFrequent, statementKey, type RunbookEvent } from "./read-events";
import type { Engine, IncidentRunbook } from "./runbook-types";

export type RunbookContext = {
  kind: string;
  source: { name: string; kind: string } | null;
  /** The incident's latest events, newest first. */
  events: RunbookEvent[];
  catalog: { info: PgConstraintInfo | null; note: string | null };
  locked: LockedObject[];
  samplesNote: string | null;
  fd: FdReading | null;
  connections: ConnectionsReading | null;
  failedWrites: { count: number; document: Record<string, unknown> | null };
  upstreamBefore: boolean;
  mongoIndex?: { info: MongoIndexInfo | null; from: string | null; note: string | null };
};

export const LOCK_KINDS = new Set(["lock_timeout", "lock_wait", "advisory_lock_stuck"]);

/** What a PostgreSQL duplicate-key incident's events say (the catalog lookup needs the constraint first). */
export function pgDuplicateFacts(events: RunbookEvent[]) {
  // The server log's message, else an app's logged error (its text or the driver's `constraint` field).
  const constraintOf = (e: RunbookEvent) =>
    pgConstraintOf(e.message) ??
    pgConstraintOf(e.raw) ??
    fieldOf(e, ["constraint"]) ??
    (typeof e.fields.label === "string" && !e.fields.label.includes(" ") ? e.fields.label : null);
  const constraint = mostFrequent(events, constraintOf);
  const mine = events.filter((e) => !constraint.value || constraintOf(e) === constraint.value);
  const detail = mine.map((e) => fieldOf(e, ["detail"])).find((d) => d?.includes("Key (")) ?? null;
  const statement = mostFrequent(mine, (e) => fieldOf(e, ["statement", "query", "sql"]), statementKey);
  const code = mine.map((e) => fieldOf(e, ["code", "sqlState", "sqlstate"])).find(Boolean) ?? null;
  const keyStats = keyStatsOf(mine.map((e) => parsePgKeyDetail(fieldOf(e, ["detail"]))?.rawValues ?? null));
  // node-postgres and most drivers put the table and schema on the error object an app logs.
  const withTable = mine.find((e) => fieldOf(e, ["table"]));
  const driverTable = withTable ? { schema: fieldOf(withTable, ["schema"]), name: fieldOf(withTable, ["table"])! } : null;
  return { constraint: constraint.value, detail, statement: statement.value, statementVariants: statement.variants, code, keyStats, driverTable };
}

/** Advisory keys the events name: a decoded `advisory lock [db,classid,objid,1]`, or the app's lock_key field. */
export function advisoryKeysOf(events: RunbookEvent[]): string[] {
  const keys = new Set<string>();
  for (const e of events.slice(0, 50)) {
    const tag = /advisory lock \[(\d+),(\d+),(\d+),(\d+)\]/.exec(e.message);
    if (tag) {
      const [, , classid, objid, sub] = tag;
      keys.add(
        sub === "1"
          ? BigInt.asIntN(64, (BigInt(classid!) << 32n) | BigInt(objid!)).toString()
          : `${BigInt.asIntN(32, BigInt(classid!))},${BigInt.asIntN(32, BigInt(objid!))}`,
      );
    }
    const f = fieldOf(e, ["lock_key", "lockKey", "advisory_key", "advisoryKey", "advisory_lock"]);
    if (f) keys.add(f);
  }
  return [...keys];
}

export function pidsOf(events: RunbookEvent[]): number[] {
  return [...new Set(events.map((e) => Number(e.fields.pid)).filter((p) => Number.isInteger(p) && p > 0))];
}

const errorLineOf = (events: RunbookEvent[], re: RegExp) => {
  for (const e of events) for (const line of `${e.message}\n${e.raw}`.split("\n")) if (re.test(line)) return line.trim().slice(0, 300);
  return null;
};

export function buildIncidentRunbook(ctx: RunbookContext): IncidentRunbook {
  const engine = engineOf(ctx.source?.kind ?? null, ctx.events);
  const source = ctx.source?.name ?? "this source";
  const e11000 = ctx.events.map((e) => parseE11000(`${e.message}\n${e.raw}`)).find(Boolean) ?? null;

  if (ctx.kind === "duplicate_key" && e11000) {
    const fromDriver = keyFromDriverError(ctx.events.map(jsonOf).find((j) => j && keyFromDriverError(j)) ?? null);
    const dup = !e11000.fields && fromDriver ? { ...e11000, fields: fromDriver.fields } : e11000;
    const keyStats = keyStatsOf(ctx.events.map((e) => parseE11000(`${e.message}\n${e.raw}`)?.values.join(", ") || null));
    return buildMongoDuplicateRunbook({
      source,
      dup,
      index: ctx.mongoIndex,
      document: ctx.failedWrites.document,
      keyStats,
      upstreamBefore: ctx.upstreamBefore,
      failedWrites: ctx.failedWrites.count,
    });
  }
  const prisma = ctx.kind === "duplicate_key" ? ctx.events.map((e) => parsePrismaUnique(`${e.message}\n${e.raw}`)).find(Boolean) : null;
  if (prisma && !ctx.events.some((e) => e.fields.detail)) return buildPrismaDuplicateRunbook({ source, engine, unique: prisma });
  if (ctx.kind === "duplicate_key" && engine === "postgres") {
    const f = pgDuplicateFacts(ctx.events);
    if (f.constraint || f.detail)
      return buildPgDuplicateRunbook({ source, ...f, catalog: ctx.catalog.info, catalogNote: ctx.catalog.note, failedWrites: ctx.failedWrites.count });
  }
  if (LOCK_KINDS.has(ctx.kind) && engine !== "mongodb") {
    const statement = mostFrequent(ctx.events, (e) => fieldOf(e, ["statement", "query"]), statementKey).value;
    const call = advisoryCallOf(statement);
    const relation =
      mostFrequent(ctx.events, (e) => /\brelation "([^"]+)"/.exec(`${fieldOf(e, ["context"]) ?? ""} ${e.message}`)?.[1] ?? null).value ??
      lockedRelationOf(statement);
    const holders = [
      ...new Set(
        ctx.events.flatMap(
          (e) =>
            /Process(?:es)? holding the lock: ([\d, ]+)\./
              .exec(fieldOf(e, ["detail"]) ?? "")?.[1]
              ?.split(/,\s*/)
              .map(Number) ?? [],
        ),
      ),
    ];
    const waited = mostFrequent(ctx.events, (e) => /waited (\d+)\s*ms/.exec(e.message)?.[1] ?? /after ([\d.]+) ms/.exec(e.message)?.[1] ?? null).value;
    return buildLockRunbook({
      kind: ctx.kind,
      source,
      statement,
      lockCall: call?.call ?? null,
      advisoryKey: advisoryKeysOf(ctx.events)[0] ?? ctx.locked[0]?.advisoryKey ?? null,
      relation: call ? null : relation,
      loggedHolders: holders,
      waitedMs: waited === null ? null : Math.round(Number(waited)),
      locked: ctx.locked,
      samplesNote: ctx.samplesNote,
    });
  }
  if (ctx.kind === "fd_exhaustion") {
    const text = ctx.events
      .slice(0, 5)
      .map((e) => e.raw)
      .join("\n");
    const runtime = /Traceback \(most recent call last\)|OSError: \[Errno 24\]/.test(text)
      ? "python"
      : /Error: EMFILE|at .+\.js:\d+/.test(text)
        ? "node"
        : /java\.|Exception in thread/.test(text)
          ? "java"
          : /goroutine \d+/.test(text)
            ? "go"
            : null;
    return buildFdRunbook({ source, reading: ctx.fd, errorLine: errorLineOf(ctx.events, /EMFILE|Too many open files|Errno 24/i), runtime });
  }
  if (ctx.kind === "too_many_connections" || ctx.kind === "pool_timeout") {
    return buildConnectionsRunbook({
      source,
      engine,
      reading: ctx.connections,
      errorLine: errorLineOf(ctx.events, /too many|connection slots|timeout|exhaust|pool/i),
      pool: ctx.kind === "pool_timeout",
    });
  }
  return genericRunbook(ctx.kind, engine);
}

const ENGINE_PREFIX: Record<Engine, RegExp> = { postgres: /^MongoDB:|updateOne|E11000/, mongodb: /^PostgreSQL:|ON CONFLICT|pg_|idle_in_transaction/ };

/** The catalog's text for a kind, without the other engine's steps. */
export function genericRunbook(kind: string, engine: Engine | null): IncidentRunbook {
  const r = runbookFor(kind);
  const other = engine ? ENGINE_PREFIX[engine] : null;
  const steps = r.steps.filter((s) => !other || !other.test(s)).map((text) => ({ text: text.replace(/^(PostgreSQL|MongoDB): /, "") }));
  const code = r.code && !(other && other.test(r.code)) && !(kind === "duplicate_key") ? r.code : null;
  return {
    title: r.title,
    summary: r.summary,
    engine,
    facts: [],
    steps: code ? [...steps.slice(0, -1), { ...steps[steps.length - 1]!, blocks: [{ type: "code", lang: "text", text: code }] }] : steps,
    gaps: kind in RUNBOOKS ? [] : ["No runbook knows this kind yet: the steps are the general ones."],
  };
}
