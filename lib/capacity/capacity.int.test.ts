import { afterAll, describe, expect, inject, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { listMonitoredServers } from "@/e2e/support/test-servers";
import { closeMonitorPools } from "../postgres/monitor-pool";
import { storeEvents } from "../ingest/store/shared-writer";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getCapacityOverview } from "./get-capacity-overview";
import { getProcessFds } from "./proc-fds";
import { closeMongoClients } from "../mongo/mongo-client";
import { sampleCapacity } from "./sample-capacity";

const run = `${process.pid}-${Date.now()}`;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await closeMongoClients();
  await closeMonitorPools();
  await disconnectPrisma();
});

/** Starts a node child and resolves with its first stdout line matching `re`. */
function startChild(args: string[], re: RegExp, shell?: string): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = shell
    ? spawn("sh", ["-c", shell], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      const m = re.exec(buf);
      if (m) resolve({ child, match: m });
    });
    child.once("exit", (code) => reject(new Error(`child exited with ${code} before printing ${re}: ${buf}`)));
  });
}

describe.each(await listMonitoredServers(inject("embeddedUrl")))("PostgreSQL connections on $name", (server) => {
  it("counts idle and idle-in-transaction clients against the usable limit", async () => {
    const prisma = getPrisma();
    const name = `cap-${server.name}-${run}`;
    await upsertSource(prisma, { name, kind: "postgres", url: server.url });
    const before = (await sampleCapacity(prisma, { only: [name] }))[0]!;
    expect(before.ok).toBe(true);
    const b = before.readings[0]!;

    const clients = await Promise.all(Array.from({ length: 6 }, () => new pg.Client({ connectionString: server.url, application_name: `cap-test-${run}` })));
    await Promise.all(clients.map((c) => c.connect()));
    try {
      await Promise.all(clients.slice(0, 3).map((c) => c.query("BEGIN; SELECT 1")));
      const after = (await sampleCapacity(prisma, { only: [name] }))[0]!.readings[0]!;
      const data = after.data as {
        byState: { idle: number; idleInTransaction: number };
        byOrigin: { application: string; n: number }[];
        oldestIdleInTransaction: { application: string }[];
        settings: { maxConnections: number; superuserReserved: number; reserved: number };
      };
      expect(after.value - b.value).toBeGreaterThanOrEqual(6);
      expect(data.byState.idleInTransaction).toBeGreaterThanOrEqual(3);
      expect(data.byOrigin.find((o) => o.application === `cap-test-${run}`)?.n).toBe(6);
      expect(data.oldestIdleInTransaction.some((o) => o.application === `cap-test-${run}`)).toBe(true);
      expect(after.limit).toBe(data.settings.maxConnections - data.settings.superuserReserved - data.settings.reserved);

      const overview = await getCapacityOverview(prisma, { range: "15m" });
      const panel = overview.sources.find((s) => s.source.name === name)!;
      const m = panel.metrics.find((x) => x.metric === "pg_connections")!;
      expect(m.value).toBe(after.value);
      expect(m.saturation).toBeCloseTo(after.value / after.limit!, 5);
      expect(m.series.length).toBeGreaterThanOrEqual(1);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});

describe("file descriptors", () => {
  it("reports a process that hit EMFILE at its soft RLIMIT_NOFILE, sockets apart, and opens an incident", async () => {
    const { child, match } = await startChild([], /(EMFILE|ENFILE) (\d+)/, `ulimit -n 64 && exec "${process.execPath}" e2e/support/fd-hog.mjs`);
    expect(match[1]).toBe("EMFILE");
    const fds = await getProcessFds(child.pid!);
    expect(fds.softLimit).toBe(64);
    expect(fds.open).toBeGreaterThanOrEqual(62);
    expect(fds.sockets).toBeGreaterThan(fds.files);

    const prisma = getPrisma();
    const name = `fd-hog-${run}`;
    await upsertSource(prisma, { name, kind: "process", config: { pid: child.pid, eventSources: [`${name}-log`] } });
    const out = (await sampleCapacity(prisma, { only: [name] }))[0]!;
    expect(out.readings[0]).toMatchObject({ metric: "open_fds", limit: 64 });
    expect(out.crossed).toEqual(["open_fds:critical"]);
    const incident = await prisma.incident.findFirst({ where: { kind: "capacity_threshold", source: { name } } });
    expect(incident?.title).toContain("Open file descriptors");
    // Staying at the limit is not a new crossing.
    expect((await sampleCapacity(prisma, { only: [name] }))[0]!.crossed).toEqual([]);

    // An EMFILE the ingestion recognised (from the process's own log, named in config.eventSources) is drawn over its fd chart only.
    const other = `fd-other-${run}`;
    await upsertSource(prisma, { name: other, kind: "process", config: { pid: process.pid } });
    await sampleCapacity(prisma, { only: [other] });
    const log = await prisma.source.upsert({ where: { name: `${name}-log` }, update: {}, create: { name: `${name}-log`, kind: "log" } });
    await storeEvents(prisma, log.id, [
      {
        eventKey: `emfile-${run}`,
        occurredAt: new Date(),
        kind: "fd_exhaustion",
        severity: "error",
        message: "OSError: [Errno 24] Too many open files",
        title: "Too many open files",
        fingerprint: `fd-${run}`,
        raw: "x",
        fields: {},
        entities: [],
      },
    ]);
    const panel = (await getCapacityOverview(prisma, { range: "15m" })).sources.find((s) => s.source.name === name)!;
    expect(panel.metrics[0]!.level).toBe("critical");
    expect(panel.metrics[0]!.markers.reduce((n, b) => n + (b.kinds.fd_exhaustion ?? 0), 0)).toBeGreaterThanOrEqual(1);
    // Saturated even when both samples fell just after a refusal freed a descriptor (62 of 64): the EMFILE says it hit the limit.
    expect(panel.metrics[0]!.saturated).toBe(true);
    expect(panel.metrics[0]!.refusals).toBeGreaterThanOrEqual(1);
    expect(panel.metrics[0]!.secondsToExhaustion).toBeNull();
    const otherPanel = (await getCapacityOverview(prisma, { range: "15m" })).sources.find((s) => s.source.name === other)!;
    expect(otherPanel.metrics[0]!.markers).toEqual([]);
  });

  it("finds processes by command-line pattern", async () => {
    const marker = `fdpattern${Date.now()}`;
    await startChild(["e2e/support/prom-exporter.mjs", "0", "0", marker], /PORT (\d+)/);
    const prisma = getPrisma();
    const name = `pattern-${run}`;
    await upsertSource(prisma, { name, kind: "process", config: { pattern: marker } });
    const out = (await sampleCapacity(prisma, { only: [name] }))[0]!;
    expect(out.ok).toBe(true);
    expect(out.readings[0]!.value).toBeGreaterThan(0);
  });

  it("scrapes prom-client's process_open_fds / process_max_fds and flips to unreachable and back", async () => {
    const first = await startChild(["e2e/support/prom-exporter.mjs", "0", "5"], /PORT (\d+)/);
    const port = first.match[1]!;
    const prisma = getPrisma();
    const name = `prom-${run}`;
    await upsertSource(prisma, { name, kind: "prometheus", url: `http://127.0.0.1:${port}/metrics` });
    const up = (await sampleCapacity(prisma, { only: [name] }))[0]!;
    const own = await getProcessFds(first.child.pid!);
    expect(up.readings[0]!.limit).toBe(own.softLimit);
    expect(Math.abs(up.readings[0]!.value - own.open)).toBeLessThanOrEqual(3);

    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    const down = (await sampleCapacity(prisma, { only: [name], timeoutMs: 1_000 }))[0]!;
    expect(down.ok).toBe(false);
    let panel = (await getCapacityOverview(prisma, { range: "15m" })).sources.find((s) => s.source.name === name)!;
    expect(panel.source.healthStatus).toBe("down");
    expect(panel.source.downSince).not.toBeNull();
    expect(panel.metrics[0]!.value).toBe(up.readings[0]!.value);

    await startChild(["e2e/support/prom-exporter.mjs", port], /PORT (\d+)/);
    expect((await sampleCapacity(prisma, { only: [name] }))[0]!.ok).toBe(true);
    panel = (await getCapacityOverview(prisma, { range: "15m" })).sources.find((s) => s.source.name === name)!;
    expect(panel.source).toMatchObject({ healthStatus: "up", downSince: null });
  });

  it("times out a source that accepts but never answers without delaying the others", async () => {
    const net = await import("node:net");
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const prisma = getPrisma();
    const slow = `silent-${run}`;
    const fast = `self-${run}`;
    await upsertSource(prisma, { name: slow, kind: "prometheus", url: `http://127.0.0.1:${(silent.address() as { port: number }).port}/metrics` });
    await upsertSource(prisma, { name: fast, kind: "process", config: { pid: process.pid } });
    const started = Date.now();
    const outs = await sampleCapacity(prisma, { only: [slow, fast], timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(outs.find((o) => o.source === slow)).toMatchObject({ ok: false });
    expect(outs.find((o) => o.source === slow)!.error).toMatch(/500 ms|abort|timeout/i);
    expect(outs.find((o) => o.source === fast)).toMatchObject({ ok: true });
    silent.close();
  });
});
