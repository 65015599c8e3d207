import { afterAll, describe, expect, it } from "vitest";
import { storeEvents } from "../ingest/store/shared-writer";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getCapacityOverview } from "./get-capacity-overview";

const run = `${process.pid}-${Date.now()}`;
afterAll(() => disconnectPrisma());

// The window ends at T (an hour ago, whole seconds): `at` centres a 15-minute window, so at = T - 7.5 min.
const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const at = new Date(T - 7.5 * 60_000).toISOString();
/** One sample every 5 s from T - 600 s to T (x = seconds before T, 121 samples). */
const every5s = (f: (x: number) => number) => Array.from({ length: 121 }, (_, i) => -600 + i * 5).map((x) => ({ x, v: f(x) }));

async function seed(name: string, points: { x: number; v: number }[], limit: number, config: Record<string, unknown> = {}) {
  const prisma = getPrisma();
  const s = await upsertSource(prisma, { name, kind: "process", config: { pid: 1, ...config } });
  await prisma.capacitySample.createMany({
    data: points.map((p) => ({ sourceId: s.id, sampledAt: new Date(T + p.x * 1000), metric: "open_fds", value: p.v, limit, data: {} })),
  });
  return s;
}

describe("capacity overview SQL (peaks, time at the limit, ordering, markers)", () => {
  it("computes each metric's peak, time at the limit, current run, forecast and markers from samples at known times", async () => {
    const prisma = getPrisma();
    const log = `app-log-${run}`;
    // At 65 of 64 from -600 to -545 s (12 samples, 60 s) and again from -25 s to the end (25 s), 6 in between.
    await seed(
      `a-sat-${run}`,
      every5s((x) => (x <= -545 || x >= -25 ? 65 : 6)),
      64,
      { eventSources: [log] },
    );
    // Hits the limit for one sample in six and reads 6 the rest of the time (ends low).
    await seed(
      `e-flap-${run}`,
      every5s((x) => (x % 30 === 0 && x !== 0 ? 65 : 6)),
      64,
    );
    // 10 → 70 of 200 in a straight line: full in (200 - 70) / 0.1 = 1300 s.
    await seed(
      `b-rise-${run}`,
      every5s((x) => 70 + x * 0.1),
      200,
    );
    // 3 or 4 of 100: no trend.
    await seed(
      `c-idle-${run}`,
      every5s((x) => (x % 15 === 0 ? 4 : 3)),
      100,
    );
    // At the limit at -600 s, then nothing sampled for five minutes: the gap is not "at the limit".
    await seed(
      `d-gap-${run}`,
      [
        { x: -600, v: 64 },
        { x: -300, v: 10 },
        { x: -295, v: 10 },
      ],
      64,
    );
    // Samples after T never count.
    await seed(
      `f-after-${run}`,
      [
        { x: -10, v: 1 },
        { x: 5, v: 64 },
        { x: 60, v: 64 },
      ],
      64,
    );

    const logSource = await prisma.source.create({ data: { name: log, kind: "log" } });
    const other = await prisma.source.create({ data: { name: `unrelated-${run}`, kind: "log" } });
    // Stored the way ingestion stores them (each classified event counts toward an incident).
    const ev = (sourceId: number, x: number, kind = "fd_exhaustion") => ({
      eventKey: `cap-${run}-${sourceId}-${x}-${kind}`,
      occurredAt: new Date(T + x * 1000),
      kind,
      severity: "error",
      message: "OSError: [Errno 24] Too many open files",
      title: "Too many open files",
      fingerprint: `${kind}-${sourceId}-${run}`,
      raw: "x",
      fields: {},
      entities: [],
    });
    await storeEvents(prisma, logSource.id, [
      ev(logSource.id, -590),
      ev(logSource.id, -588),
      ev(logSource.id, -580),
      ev(logSource.id, -20),
      ev(logSource.id, -300, "duplicate_key"),
      ev(logSource.id, 30),
    ]);
    await storeEvents(prisma, other.id, [ev(other.id, -400)]);

    const overview = await getCapacityOverview(prisma, { range: "15m", at });
    expect(overview.to).toBe(new Date(T).toISOString());
    const mine = overview.sources.filter((p) => p.source.name.endsWith(run));
    // Fullest peak first; a and e tie on their peak (65 of 64) and go by name.
    expect(mine.map((p) => p.source.name.split("-")[0])).toEqual(["a", "e", "d", "b", "c", "f"]);
    const get = (prefix: string) => mine.find((p) => p.source.name.startsWith(`${prefix}-`))!.metrics[0]!;

    const a = get("a");
    expect(a).toMatchObject({
      value: 65,
      limit: 64,
      level: "critical",
      saturated: true,
      atLimitSince: new Date(T - 25_000).toISOString(),
      atLimitSinceBeforeWindow: false,
      secondsToExhaustion: null,
    });
    expect(a.peak).toMatchObject({ value: 65, limit: 64, level: "critical", at: new Date(T).toISOString() });
    expect(a.atLimitSeconds).toBeCloseTo(85, 6);
    expect(a.windowSeconds).toBe(900);
    // The three EMFILEs 2 s apart are one band; the one at -20 s another; the other log's and the duplicate key are not here.
    expect(a.markers.map((b) => [b.from <= T - 590_000 && b.to >= T - 580_000, b.count])).toEqual([
      [true, 3],
      [expect.any(Boolean), 1],
    ]);
    expect(a.markers.flatMap((b) => Object.keys(b.kinds))).toEqual(["fd_exhaustion", "fd_exhaustion"]);

    const e = get("e");
    expect(e).toMatchObject({ value: 6, level: "ok", saturated: true, atLimitSince: null, secondsToExhaustion: null });
    expect(e.peak).toMatchObject({ value: 65, level: "critical" });
    expect(e.atLimitSeconds).toBeCloseTo(20 * 5, 6); // x = -600, -570, … , -30: 20 samples of 5 s
    expect(e.markers).toEqual([]);

    const b = get("b");
    expect(b).toMatchObject({ value: 70, saturated: false, atLimitSeconds: 0, atLimitSince: null });
    expect(b.secondsToExhaustion!).toBeCloseTo(1300, 3);
    expect(b.peak).toMatchObject({ value: 70, ratio: 0.35 });

    expect(get("c")).toMatchObject({ secondsToExhaustion: null, saturated: false });
    expect(get("d").atLimitSeconds).toBe(15); // capped at three sampling intervals (LOCKBOARD_CAPACITY_INTERVAL_SECONDS 5)
    const f = get("f");
    expect(f).toMatchObject({ value: 1, saturated: false, atLimitSeconds: 0 });
    expect(f.peak?.value).toBe(1);
    expect(mine.every((p) => p.source.name.startsWith("a-") || p.metrics[0]!.markers.length === 0)).toBe(true);
  });

  it("says the run at the limit began before the window when every sample in it is at the limit", async () => {
    const prisma = getPrisma();
    await seed(
      `g-full-${run}`,
      every5s(() => 70),
      64,
    );
    const g = (await getCapacityOverview(prisma, { range: "15m", at })).sources.find((p) => p.source.name === `g-full-${run}`)!.metrics[0]!;
    expect(g).toMatchObject({ saturated: true, atLimitSince: new Date(T - 600_000).toISOString(), atLimitSinceBeforeWindow: true });
    expect(g.atLimitSeconds).toBeCloseTo(600, 6);
  });
});
