// One simulated day of the soak bench: a day's log ingested through the CLI's writer, then the
// retention pass with the clock at the end of that day, then the store measured.
import path from "node:path";
import pg from "pg";
import { EventWriter } from "@/lib/ingest/store/event-writer";
import { ingestLogFile } from "@/lib/ingest/ingest-file";
import { DAY_MS, dropExpiredEvents, ensureEventPartitions, listDayPartitions, pruneEntities, type RetentionDays } from "@/lib/store/event-partitions";
import { getEventStorage } from "@/lib/store/get-event-storage";
import { getPrisma } from "@/lib/store/prisma";
import { backendCpuSeconds } from "./backend-cpu";
import { writeGeneratedPgLog } from "./pg-log-generator";

// The generator's mix repeats every 100 records and writes 147 lines for them.
const LINES_PER_RECORD = 1.47;
/** One unparsed line before every 200th record: 0.5 % of events. */
const UNPARSED_EVERY = 200;

export type CycleRow = {
  day: string;
  ingested: number;
  unparsed: number;
  eventsPerSecond: number;
  /** CPU per stored event: this process (parse, encode, send) and the writer's backends; less load-bound than events/s. */
  nodeCpuUs: number;
  storeCpuUs: number;
  keptEvents: number;
  /** Day partitions of Event on or before the simulated day, both classes. */
  keptDays: number;
  /** Rows in partitions of days after the simulated day: lines stamped with the wall clock, not the log's time. */
  aheadRows: number;
  databaseBytes: number;
  eventBytes: number;
  passMs: number;
  /** Why the pass failed (a lock it could not take in time), null when it ran through. */
  passError: string | null;
  dropped: number;
  /** Per dropped partition: its transaction (BEGIN, DROP, COMMIT), the longest of the pass. */
  maxDropMs: number;
  /** The longest DETACH PARTITION … CONCURRENTLY before a drop (it waits for the queries that may see the day; blocks no one). */
  maxDetachMs: number;
};

type Timed = { sql: string; ms: number };

/** The retention job's own connection, every statement timed: the drop's cost is its transaction. */
async function retentionClient(databaseUrl: string, log: Timed[]): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: databaseUrl, application_name: "lockboard-retention" });
  await c.connect();
  const query = c.query.bind(c) as (...a: unknown[]) => Promise<unknown>;
  c.query = (async (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return await query(...args);
    } finally {
      const first = args[0] as string | { text?: string };
      log.push({ sql: typeof first === "string" ? first : (first.text ?? ""), ms: performance.now() - t0 });
    }
  }) as typeof c.query;
  return c;
}

/** The partitions of the days before the first simulated one, as the job running the day before would have made them. */
export async function prepareDays(databaseUrl: string, firstDayMs: number, retention: RetentionDays): Promise<void> {
  const c = await retentionClient(databaseUrl, []);
  try {
    await ensureEventPartitions(c, firstDayMs, retention);
  } finally {
    await c.end();
  }
}

export async function runCycle(opts: {
  databaseUrl: string;
  tmpDir: string;
  k: number;
  dayMs: number;
  events: number;
  retention: RetentionDays;
  /** Run the retention pass while the day is being ingested instead of after it. */
  concurrent: boolean;
}): Promise<CycleRow> {
  const { databaseUrl, dayMs, events } = opts;
  const file = path.join(opts.tmpDir, `soak-day-${opts.k}.log`);
  const records = Math.round(events / (1 + 1 / UNPARSED_EVERY));
  // Records fill 97 % of the day from 00:01 UTC, so the last stays on it.
  await writeGeneratedPgLog(file, Math.round(records * LINES_PER_RECORD), {
    startMs: dayMs + 60_000,
    meanStepMs: (0.97 * DAY_MS) / records,
    firstIndex: opts.k * Math.ceil(records / 100) * 100,
    unparsedEvery: UNPARSED_EVERY,
  });
  const log: Timed[] = [];
  const c = await retentionClient(databaseUrl, log);
  const nowMs = dayMs + DAY_MS - 1;
  let dropped = 0;
  let passMs = 0;
  let passError: string | null = null;
  const pass = async () => {
    const p0 = performance.now();
    try {
      await ensureEventPartitions(c, nowMs, opts.retention);
      dropped = (await dropExpiredEvents(c, nowMs, opts.retention)).reduce((n, d) => n + d.dropped.length, 0);
      await pruneEntities(c, nowMs, opts.retention);
    } catch (err) {
      // The job's own outcome when writers hold their locks too long: it tries again next run.
      const at = log
        .findLast((t) => !/^(BEGIN|ROLLBACK|COMMIT)/.test(t.sql))
        ?.sql.replace(/\s+/g, " ")
        .slice(0, 60);
      passError = `${(err as Error).message} (at ${at})`;
    }
    passMs = performance.now() - p0;
  };
  // As `npm run ingest` writes: its own writer, relaxed commits on its sessions only.
  const writer = await EventWriter.open({ databaseUrl, commit: "relaxed" });
  const backend0 = await backendCpuSeconds(databaseUrl);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let summary;
  let storeCpu;
  let concurrentPass: Promise<void> | null = null;
  try {
    // Concurrent: the pass starts a second into the ingest, as the job would meet a busy writer.
    if (opts.concurrent) concurrentPass = new Promise((r) => setTimeout(r, 1_000)).then(pass);
    summary = await ingestLogFile(getPrisma(), "soak", file, { writer });
    storeCpu = (await backendCpuSeconds(databaseUrl)) - backend0;
  } finally {
    await writer.close();
  }
  const ingestMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);

  const ahead: string[] = [];
  let keptDays = 0;
  try {
    if (concurrentPass) await concurrentPass;
    else await pass();
    // A simulated day is seconds long: the day's worth of autovacuum, which frees the pruned
    // entities' space for reuse, would not have come round (autovacuum_naptime is a minute).
    await c.query("VACUUM");
    for (const parent of ["Event_signal", "Event_noise"])
      for (const leaf of await listDayPartitions(c, parent)) {
        if (leaf.dayMs <= dayMs) keptDays++;
        else ahead.push(leaf.name);
      }
  } finally {
    await c.end();
  }
  const maxDropMs = Math.max(0, ...dropTransactions(log));
  const maxDetachMs = Math.max(0, ...log.filter((t) => /DETACH PARTITION/.test(t.sql)).map((t) => t.ms));
  const prisma = getPrisma();
  let aheadRows = 0;
  for (const name of ahead) aheadRows += Number((await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}"`))[0].n);
  const storage = await getEventStorage(prisma);
  return {
    day: new Date(dayMs).toISOString().slice(0, 10),
    ingested: summary.inserted,
    unparsed: summary.unparsed,
    eventsPerSecond: summary.inserted / (ingestMs / 1000),
    nodeCpuUs: (cpu.user + cpu.system) / summary.inserted, // process.cpuUsage is in µs
    storeCpuUs: (storeCpu / summary.inserted) * 1e6,
    keptEvents: storage.events,
    keptDays,
    aheadRows,
    databaseBytes: storage.databaseBytes,
    eventBytes: storage.eventBytes,
    passMs,
    passError,
    dropped,
    maxDropMs,
    maxDetachMs,
  };
}

/** Each DROP TABLE's transaction: the BEGIN before it, the statement, and its COMMIT (where the files go). */
function dropTransactions(log: Timed[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.length; i++) {
    if (!log[i].sql.startsWith("DROP TABLE")) continue;
    const begin = i > 0 && log[i - 1].sql.startsWith("BEGIN") ? log[i - 1].ms : 0;
    const commit = log[i + 1]?.sql === "COMMIT" ? log[i + 1].ms : 0;
    out.push(begin + log[i].ms + commit);
  }
  return out;
}
