import { execFile } from "node:child_process";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { closeMonitorPools } from "../postgres/monitor-pool";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { tailServerLog } from "./pg-log-tailer";
import { ingestNdjson } from "./push-ingest";
import { closeEventWriter } from "./store/shared-writer";

/*
 * One contract for the three ways events come in: the same log lines pushed over HTTP (as a
 * shipper's envelopes), tailed from a monitored server's log, and read from a file by the CLI
 * yield the same Event, Incident, IncidentMinute, Entity and EventEntity rows, fixed below.
 * Entities are shared by the whole store, so each entry point gets its own pids and names
 * (`p` and `t`); everything else is the same input.
 */
const tag = `c${Date.now().toString(36)}`;
const dir = await mkdtemp(path.join(tmpdir(), "lockboard-contract-"));

afterAll(async () => {
  await closeEventWriter();
  await closeMonitorPools();
  await disconnectPrisma();
  await rm(dir, { recursive: true, force: true });
});

/** PostgreSQL stderr lines (`%m [%p] `); `p` offsets every pid, `t` names the tables. */
const input = (p: number, t: string) => [
  `2026-11-23 05:00:01.100 UTC [${p + 1}] ERROR:  duplicate key value violates unique constraint "${t}_pkey"`,
  `2026-11-23 05:00:01.100 UTC [${p + 1}] DETAIL:  Key (id)=(${t}-1) already exists.`,
  `2026-11-23 05:00:01.100 UTC [${p + 1}] STATEMENT:  INSERT INTO ${t} (id) VALUES ('${t}-1')`,
  `2026-11-23 05:00:02.200 UTC [${p + 2}] LOG:  process ${p + 2} still waiting for ShareLock on transaction 7001 after 1000.123 ms`,
  `2026-11-23 05:00:02.200 UTC [${p + 2}] DETAIL:  Process holding the lock: ${p + 3}. Wait queue: ${p + 2}.`,
  `2026-11-23 05:00:02.200 UTC [${p + 2}] CONTEXT:  while updating tuple (0,1) in relation "${t}"`,
  `2026-11-23 05:00:03.300 UTC [${p + 3}] ERROR:  deadlock detected`,
  `2026-11-23 05:00:03.300 UTC [${p + 3}] DETAIL:  Process ${p + 3} waits for ShareLock on transaction 7002; blocked by process ${p + 2}.`,
  `\tProcess ${p + 2} waits for ShareLock on transaction 7003; blocked by process ${p + 3}.`,
  `2026-11-23 05:00:03.300 UTC [${p + 3}] HINT:  See server log for query details.`,
  `2026-11-23 05:00:03.300 UTC [${p + 3}] CONTEXT:  while updating tuple (0,2) in relation "${t}"`,
  `2026-11-23 05:00:04.400 UTC [${p + 4}] LOG:  checkpoint starting: time ${t}`,
  `2026-11-23 05:01:05.500 UTC [${p + 5}] ERROR:  duplicate key value violates unique constraint "${t}_pkey"`,
  `2026-11-23 05:01:05.500 UTC [${p + 5}] DETAIL:  Key (id)=(${t}-2) already exists.`,
];

/** A source's rows with ids, keys and the source's own name and pids written as placeholders. */
async function rowsOf(sourceId: number, sourceName: string, p: number, t: string) {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  // The tailer's source also holds whatever else its server logged: only this input's hour counts.
  const q = async (sql: string) => (await c.query(sql, [sourceId, "2026-11-23T05:00:00Z", "2026-11-23T06:00:00Z"])).rows;
  try {
    const events = await q(
      `SELECT e."occurredAt", e.kind, e.severity, e.message, e.fingerprint, e.fields, i.fingerprint AS incident
       FROM "Event" e LEFT JOIN "Incident" i ON i.id = e."incidentId" WHERE e."sourceId" = $1 AND e."occurredAt" >= $2 AND e."occurredAt" < $3 ORDER BY e."occurredAt", e.id`,
    );
    const incidents = await q(
      `SELECT fingerprint, kind, title, status, regression, count, "firstSeen", "lastSeen",
              (SELECT json_agg(json_build_object('minute', m.minute, 'count', m.count) ORDER BY m.minute) FROM "IncidentMinute" m WHERE m."incidentId" = i.id) AS minutes
       FROM "Incident" i WHERE i."sourceId" = $1 AND i."firstSeen" >= $2 AND i."lastSeen" < $3 ORDER BY fingerprint`,
    );
    const links = await q(
      `SELECT e."occurredAt", n.type, n.value, l.role, n."firstSeen", n."lastSeen"
       FROM "EventEntity" l JOIN "Event" e ON e.id = l."eventId" JOIN "Entity" n ON n.id = l."entityId"
       WHERE e."sourceId" = $1 AND e."occurredAt" >= $2 AND e."occurredAt" < $3 ORDER BY e."occurredAt", n.type, n.value`,
    );
    // Placeholders: the fingerprint hashes the source name, so it is compared by what it groups.
    const fps = new Map(incidents.map((r, i) => [r.fingerprint as string, `fp${i}`]));
    const pid = (n: number) => (n > p && n < p + 100 ? `<p+${n - p}>` : n);
    const text = (v: unknown): unknown =>
      typeof v === "string"
        ? v
            .replaceAll(sourceName, "<source>")
            .replaceAll(t, "<t>")
            .replace(/\b\d{8}\b/g, (m) => String(pid(Number(m))))
        : typeof v === "number"
          ? pid(v)
          : v instanceof Date
            ? v.toISOString()
            : Array.isArray(v)
              ? v.map(text)
              : v && typeof v === "object"
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, text(x)]))
                : v;
    return text({
      events: events.map((e) => ({ ...e, fingerprint: fps.get(e.fingerprint) ?? e.fingerprint, incident: e.incident && fps.get(e.incident) })),
      incidents: incidents.map((i) => ({ ...i, fingerprint: fps.get(i.fingerprint) })),
      links,
    });
  } finally {
    await c.end();
  }
}

/** Each entry point stores the lines, then sends the same again (a retried push, a second CLI run, the next tailer tick): nothing new. */
const viaPush = async (name: string, lines: string[]) => {
  const body = lines.map((message) => JSON.stringify({ message, source_type: "file" })).join("\n");
  const res = await ingestNdjson(getPrisma(), name, Buffer.from(body));
  expect(await ingestNdjson(getPrisma(), name, Buffer.from(body))).toMatchObject({ inserted: 0, duplicates: 5, incidents: 0 });
  expect(res).toMatchObject({ accepted: lines.length, rejected: 0, unparsed: 0, inserted: 5, duplicates: 0, incidents: 3 });
  return (await getPrisma().source.findUniqueOrThrow({ where: { name } })).id;
};

const viaCli = async (name: string, lines: string[]) => {
  const file = path.join(dir, "postgresql.log");
  await writeFile(file, `${lines.join("\n")}\n`);
  const cli = () =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/ingest.ts", "--source", name, "--quiet", file], {
      env: process.env,
    });
  expect((await cli()).stdout).toContain("5 events (5 new, 0 already stored)");
  expect((await cli()).stdout).toContain("5 events (0 new, 5 already stored)");
  return (await getPrisma().source.findUniqueOrThrow({ where: { name } })).id;
};

/** Appends the lines to the embedded server's current log (the logger appends whole lines too), then tails it. */
const viaTailer = async (name: string, lines: string[]) => {
  const url = inject("embeddedUrl");
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const logFile = (await admin.query<{ f: string }>(`SELECT pg_current_logfile('stderr') AS f`).finally(() => admin.end())).rows[0].f;
  await appendFile(path.isAbsolute(logFile) ? logFile : path.join(inject("embeddedLogDir"), path.basename(logFile)), `${lines.join("\n")}\n`);
  const source = await upsertSource(getPrisma(), { name, kind: "postgres", url });
  // The file holds the whole test run's log: read until its end (a run reads at most 16 MB).
  let runs = 0;
  for (; runs < 10; runs++) {
    const r = await tailServerLog(getPrisma(), source, url);
    if (!r.ok) throw new Error(r.reason);
    if (r.summary.bytes === 0) break;
    expect(r.summary.duplicates).toBe(0);
  }
  expect(runs).toBeGreaterThan(0);
  return source.id;
};

const ENTRY_POINTS = { push: viaPush, tailer: viaTailer, cli: viaCli };

describe("one writer for every entry point: the same lines give the same rows", () => {
  it.each(Object.keys(ENTRY_POINTS) as (keyof typeof ENTRY_POINTS)[])("%s", async (via) => {
    const p = { push: 71_000_000, tailer: 72_000_000, cli: 73_000_000 }[via];
    const t = `${tag}_${via}`;
    const name = `${tag}-${via}`;
    const sourceId = await ENTRY_POINTS[via](name, input(p, t));
    const rows = await rowsOf(sourceId, name, p, t);
    expect(rows).toEqual(EXPECTED);
  });
});

const EXPECTED = {
  events: [
    {
      occurredAt: "2026-11-23T05:00:01.100Z",
      kind: "duplicate_key",
      severity: "error",
      message: 'duplicate key value violates unique constraint "<t>_pkey"',
      fingerprint: "fp1",
      fields: {
        pid: "<p+1>",
        format: "pg-stderr",
        level: "ERROR",
        detail: "Key (id)=(<t>-1) already exists.",
        statement: "INSERT INTO <t> (id) VALUES ('<t>-1')",
        label: "<t>_pkey",
      },
      incident: "fp1",
    },
    {
      occurredAt: "2026-11-23T05:00:02.200Z",
      kind: "lock_wait",
      severity: "info",
      message: "process <p+2> still waiting for ShareLock on transaction 7001 after 1000.123 ms",
      fingerprint: "fp2",
      fields: {
        pid: "<p+2>",
        format: "pg-stderr",
        level: "LOG",
        detail: "Process holding the lock: <p+3>. Wait queue: <p+2>.",
        context: 'while updating tuple (0,1) in relation "<t>"',
        label: "relation <t>",
      },
      incident: "fp2",
    },
    {
      occurredAt: "2026-11-23T05:00:03.300Z",
      kind: "deadlock",
      severity: "error",
      message: "deadlock detected",
      fingerprint: "fp0",
      fields: {
        pid: "<p+3>",
        format: "pg-stderr",
        level: "ERROR",
        detail:
          "Process <p+3> waits for ShareLock on transaction 7002; blocked by process <p+2>.\nProcess <p+2> waits for ShareLock on transaction 7003; blocked by process <p+3>.",
        hint: "See server log for query details.",
        context: 'while updating tuple (0,2) in relation "<t>"',
        label: "relation <t>",
      },
      incident: "fp0",
    },
    {
      occurredAt: "2026-11-23T05:00:04.400Z",
      kind: "unclassified",
      severity: "info",
      message: "checkpoint starting: time <t>",
      fingerprint: "",
      fields: { pid: "<p+4>", format: "pg-stderr", level: "LOG" },
      incident: null,
    },
    {
      occurredAt: "2026-11-23T05:01:05.500Z",
      kind: "duplicate_key",
      severity: "error",
      message: 'duplicate key value violates unique constraint "<t>_pkey"',
      fingerprint: "fp1",
      fields: { pid: "<p+5>", format: "pg-stderr", level: "ERROR", detail: "Key (id)=(<t>-2) already exists.", label: "<t>_pkey" },
      incident: "fp1",
    },
  ],
  incidents: [
    {
      fingerprint: "fp0",
      kind: "deadlock",
      title: "Deadlock on relation <t>",
      status: "open",
      regression: false,
      count: 1,
      firstSeen: "2026-11-23T05:00:03.300Z",
      lastSeen: "2026-11-23T05:00:03.300Z",
      minutes: [{ minute: "2026-11-23T05:00:00+00:00", count: 1 }],
    },
    {
      fingerprint: "fp1",
      kind: "duplicate_key",
      title: "Duplicate key on <t>_pkey",
      status: "open",
      regression: false,
      count: 2,
      firstSeen: "2026-11-23T05:00:01.100Z",
      lastSeen: "2026-11-23T05:01:05.500Z",
      minutes: [
        { minute: "2026-11-23T05:00:00+00:00", count: 1 },
        { minute: "2026-11-23T05:01:00+00:00", count: 1 },
      ],
    },
    {
      fingerprint: "fp2",
      kind: "lock_wait",
      title: "Lock wait on relation <t>",
      status: "open",
      regression: false,
      count: 1,
      firstSeen: "2026-11-23T05:00:02.200Z",
      lastSeen: "2026-11-23T05:00:02.200Z",
      minutes: [{ minute: "2026-11-23T05:00:00+00:00", count: 1 }],
    },
  ],
  links: [
    {
      occurredAt: "2026-11-23T05:00:01.100Z",
      type: "id",
      value: "<t>-1",
      role: null,
      firstSeen: "2026-11-23T05:00:01.100Z",
      lastSeen: "2026-11-23T05:00:01.100Z",
    },
    {
      occurredAt: "2026-11-23T05:00:02.200Z",
      type: "pid",
      value: "<p+2>",
      role: "waiter",
      firstSeen: "2026-11-23T05:00:02.200Z",
      lastSeen: "2026-11-23T05:00:03.300Z",
    },
    {
      occurredAt: "2026-11-23T05:00:02.200Z",
      type: "pid",
      value: "<p+3>",
      role: "holder",
      firstSeen: "2026-11-23T05:00:02.200Z",
      lastSeen: "2026-11-23T05:00:03.300Z",
    },
    {
      occurredAt: "2026-11-23T05:00:02.200Z",
      type: "relation",
      value: "<t>",
      role: null,
      firstSeen: "2026-11-23T05:00:02.200Z",
      lastSeen: "2026-11-23T05:00:03.300Z",
    },
    {
      occurredAt: "2026-11-23T05:00:03.300Z",
      type: "pid",
      value: "<p+2>",
      role: "deadlock",
      firstSeen: "2026-11-23T05:00:02.200Z",
      lastSeen: "2026-11-23T05:00:03.300Z",
    },
    {
      occurredAt: "2026-11-23T05:00:03.300Z",
      type: "pid",
      value: "<p+3>",
      role: "deadlock",
      firstSeen: "2026-11-23T05:00:02.200Z",
      lastSeen: "2026-11-23T05:00:03.300Z",
    },
    {
      occurredAt: "2026-11-23T05:00:03.300Z",
      type: "relation",
      value: "<t>",
      role: null,
      firstSeen: "2026-11-23T05:00:02.200Z",
      lastSeen: "2026-11-23T05:00:03.300Z",
    },
    {
      occurredAt: "2026-11-23T05:01:05.500Z",
      type: "id",
      value: "<t>-2",
      role: null,
      firstSeen: "2026-11-23T05:01:05.500Z",
      lastSeen: "2026-11-23T05:01:05.500Z",
    },
  ],
};
