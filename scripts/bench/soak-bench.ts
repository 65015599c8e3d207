// `npm run bench -- soak`: ingests day after simulated day with a short retention and shows
// whether the store stays the same size once the retention window is full. Retention is by UTC
// day, so each cycle is one day: its log's times lie on that day and the retention pass runs with
// the clock at the day's end. No VACUUM: expired days go as whole partitions.
import { DAY_MS, utcDay, type RetentionDays } from "@/lib/store/event-partitions";
import { prepareDays, runCycle, type CycleRow } from "./soak-cycle";
import { classSizes, otherTables } from "./soak-sizes";
import { percentile, round, type Bench, type Figure } from "./types";

const CYCLES = Number(process.env.LOCKBOARD_BENCH_SOAK_CYCLES ?? 10);
const EVENTS = Number(process.env.LOCKBOARD_BENCH_SOAK_EVENTS ?? 200_000);
const RETENTION: RetentionDays = { signal: 3, noise: 1 };
// LOCKBOARD_BENCH_SOAK_CONCURRENT=1: each day's retention pass runs while that day is ingested, as
// the job meets a busy writer, instead of after it.
const CONCURRENT = process.env.LOCKBOARD_BENCH_SOAK_CONCURRENT === "1";
/** ±15 % of the size when the window first filled. */
const FLAT = 0.15;

const mb = (b: number) => round(b / (1 << 20), 1);
const median = (xs: number[]) => percentile(xs, 50);

function table(rows: CycleRow[]): string {
  const head =
    "| cycle | day | ingested | events/s | CPU µs/event (Node + store) | kept events | kept day partitions | database MB | events MB | rest MB | bytes/kept event | pass ms | dropped | max drop ms |\n" +
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
  const body = rows.map(
    (r, k) =>
      `| ${k} | ${r.day} | ${r.ingested} | ${round(r.eventsPerSecond, 0)} | ${round(r.nodeCpuUs, 1)} + ${round(r.storeCpuUs, 1)} | ${r.keptEvents} | ${r.keptDays} | ${mb(r.databaseBytes)} | ${mb(r.eventBytes)} | ${mb(
        r.databaseBytes - r.eventBytes,
      )} | ${Math.round(r.eventBytes / Math.max(1, r.keptEvents))} | ${round(r.passMs, 1)} | ${r.dropped} | ${round(r.maxDropMs, 1)} |`,
  );
  return [head, ...body].join("\n");
}

export const soakBench: Bench = {
  name: "soak",
  async run(ctx) {
    const window = Math.max(RETENTION.signal, RETENTION.noise);
    if (CYCLES < window + 1) throw new Error(`LOCKBOARD_BENCH_SOAK_CYCLES must be at least ${window + 1} (the retention window and one day past it)`);
    // Days in the past, ending a week before today: the partitions the migration made for the
    // real days stay apart from the simulated ones.
    const firstDay = utcDay(Date.now()) - (CYCLES + 7) * DAY_MS;
    await prepareDays(ctx.databaseUrl, firstDay, RETENTION);
    const rows: CycleRow[] = [];
    let full: { name: string; bytes: number }[] = [];
    for (let k = 0; k < CYCLES; k++) {
      const row = await runCycle({
        databaseUrl: ctx.databaseUrl,
        tmpDir: ctx.tmpDir,
        k,
        dayMs: firstDay + k * DAY_MS,
        events: EVENTS,
        retention: RETENTION,
        concurrent: CONCURRENT,
      });
      rows.push(row);
      console.error(
        `[bench] soak: day ${row.day}: ${row.ingested} events at ${round(row.eventsPerSecond, 0)}/s, ${row.keptEvents} kept, database ${mb(row.databaseBytes)} MB (events ${mb(row.eventBytes)} MB), pass ${round(row.passMs, 0)} ms${row.passError ? ` FAILED: ${row.passError}` : ""}`,
      );
      if (k === window - 1) full = await otherTables(ctx.databaseUrl);
    }
    const end = await otherTables(ctx.databaseUrl);
    const classes = await classSizes(ctx.databaseUrl);
    console.error(`\n[bench] soak: size over time (retention signal ${RETENTION.signal} days, noise ${RETENTION.noise} day)\n${table(rows)}\n`);
    console.error(
      `[bench] soak: largest tables outside the event partitions, after cycle ${window - 1} → the end:\n${end
        .map((t) => `  ${t.name}: ${mb(full.find((f) => f.name === t.name)?.bytes ?? 0)} → ${mb(t.bytes)} MB`)
        .join("\n")}\n`,
    );

    const first = rows[window - 1];
    const last = rows[rows.length - 1];
    const after = rows.slice(window);
    const flatDb = after.every((r) => Math.abs(r.databaseBytes / first.databaseBytes - 1) <= FLAT);
    const flatEvents = after.every((r) => Math.abs(r.eventBytes / first.eventBytes - 1) <= FLAT);
    const steady = rows.slice(window - 1);
    const bytesPerEvent = percentile(
      steady.map((r) => r.eventBytes / r.keptEvents),
      50,
    );
    const restGrowth = (last.databaseBytes - last.eventBytes - (first.databaseBytes - first.eventBytes)) / Math.max(1, rows.length - window);
    const ingested = rows.reduce((n, r) => n + r.ingested, 0);
    const label = `${CYCLES} simulated days of ${EVENTS.toLocaleString("en-US")} events, retention signal ${RETENTION.signal} d / noise ${RETENTION.noise} d${CONCURRENT ? ", pass during the ingest" : ""}`;
    const figures: Figure[] = [
      {
        figure: `ingest rate, median of ${CYCLES} cycles (${label})`,
        value: round(
          percentile(
            rows.map((r) => r.eventsPerSecond),
            50,
          ),
          0,
        ),
        unit: "events/s",
        comparedWith: `min ${round(Math.min(...rows.map((r) => r.eventsPerSecond)), 0).toLocaleString("en-US")}, max ${round(Math.max(...rows.map((r) => r.eventsPerSecond)), 0).toLocaleString("en-US")}; ${ingested.toLocaleString("en-US")} events in all`,
      },
      {
        figure: "CPU per stored event, median of cycles: Node + the store's writer backends",
        value: round(median(rows.map((r) => r.nodeCpuUs + r.storeCpuUs)), 1),
        unit: "µs",
        comparedWith: `Node ${round(median(rows.map((r) => r.nodeCpuUs)), 1)} µs, store ${round(median(rows.map((r) => r.storeCpuUs)), 1)} µs; ${round(1e6 / median(rows.map((r) => r.nodeCpuUs + r.storeCpuUs)), 0).toLocaleString("en-US")} events per CPU-second`,
      },
      ...classes.map((c) => ({
        figure: `bytes per kept ${c.class} event at the end (its Event + EventEntity partitions, indexes included)`,
        value: round(c.bytes / Math.max(1, c.rows), 0),
        unit: "bytes",
        comparedWith: `${c.rows.toLocaleString("en-US")} rows, ${mb(c.bytes)} MB`,
      })),
      {
        figure: "bytes per kept event (Event + EventEntity partitions with their indexes; median once the window is full)",
        value: round(bytesPerEvent, 0),
        unit: "bytes",
        comparedWith: `about ${round((100 * rows[window - 1].keptEvents) / EVENTS, 0)} % of a day's events kept at ${RETENTION.signal} d / ${RETENTION.noise} d`,
      },
      {
        figure: `store size (pg_database_size) after the first full window (cycle ${window - 1})`,
        value: mb(first.databaseBytes),
        unit: "MB",
        comparedWith: `event partitions ${mb(first.eventBytes)} MB, the rest ${mb(first.databaseBytes - first.eventBytes)} MB`,
      },
      {
        figure: `store size at the end (cycle ${CYCLES - 1})`,
        value: mb(last.databaseBytes),
        unit: "MB",
        comparedWith: `event partitions ${mb(last.eventBytes)} MB, the rest ${mb(last.databaseBytes - last.eventBytes)} MB`,
      },
      {
        figure: "store size end / first full window",
        value: round(last.databaseBytes / first.databaseBytes, 3),
        unit: "ratio",
        comparedWith: `event partitions alone ${round(last.eventBytes / first.eventBytes, 3)}; the rest grows ${mb(restGrowth)} MB a day (entities, incidents, minutes)`,
      },
      {
        figure: `size flat after the window fills: every later cycle within ±${FLAT * 100} % of cycle ${window - 1} (1 = yes)`,
        value: flatDb ? 1 : 0,
        unit: flatDb ? "yes" : "no",
        comparedWith: `event partitions alone: ${flatEvents ? "yes" : "no"}`,
      },
      {
        figure: `partition drop, longest DROP TABLE of a detached day (its DETACH … CONCURRENTLY before it, which blocks no one: longest ${round(
          Math.max(...rows.map((r) => r.maxDetachMs)),
          0,
        )} ms)`,
        value: round(Math.max(...rows.map((r) => r.maxDropMs)), 1),
        unit: "ms",
        comparedWith: `${rows.reduce((n, r) => n + r.dropped, 0)} partitions dropped; whole retention pass (make days ahead + drop) max ${round(Math.max(...rows.map((r) => r.passMs)), 0)} ms${
          CONCURRENT ? ", each run during its day's ingest" : ", each run after its day's ingest"
        }; passes that failed on a lock: ${rows.filter((r) => r.passError).length}`,
      },
      {
        figure: "rows outside the simulated days (unparsed lines take the wall clock)",
        value: last.aheadRows,
        unit: "rows",
        comparedWith: `${rows.reduce((n, r) => n + r.unparsed, 0).toLocaleString("en-US")} unparsed lines read`,
      },
    ];
    return figures;
  },
};
