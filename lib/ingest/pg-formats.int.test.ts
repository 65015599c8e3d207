import { chmod, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provokeUniqueViolation } from "@/e2e/support/pg-provoke";
import {
  createAccounts,
  logMarker,
  provokeAdvisoryWait,
  provokeConnectionExhaustion,
  provokeDeadlock,
  provokeRowLockTimeout,
  provokeSerializationFailure,
  provokeStatementTimeout,
} from "@/e2e/support/pg-failures";
import { type EmbeddedServer, startEmbeddedPostgres } from "../store/embedded-server";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { EventWriter } from "./store/event-writer";
import { ingestLogFile } from "./ingest-file";

// A dedicated PostgreSQL 18 writing all three log formats at once, with few connection slots so
// exhaustion can be provoked; every failure happens once and must read the same in each format.
const MAX_CONNECTIONS = 8;
const RESERVED = 2;
let server: EmbeddedServer;
let dir: string;
let uuid: string;
const marker = `m${Date.now()}`;
const codes: Record<string, unknown> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lockboard-formats-"));
  await chmod(dir, 0o755);
  server = await startEmbeddedPostgres({
    dataDir: path.join(dir, "pg"),
    settings: {
      log_destination: "stderr,csvlog,jsonlog",
      log_lock_waits: "on",
      deadlock_timeout: "100ms",
      max_connections: String(MAX_CONNECTIONS),
      superuser_reserved_connections: String(RESERVED),
      log_line_prefix: "%m [%p] %q%u@%d ",
    },
  });
  const url = server.url();
  uuid = await provokeUniqueViolation(url, "visit_session");
  await createAccounts(url, "account");
  codes.deadlock = await provokeDeadlock(url, "account");
  codes.serialization = await provokeSerializationFailure(url, "account");
  codes.rowLock = await provokeRowLockTimeout(url, "account");
  codes.advisoryBig = await provokeAdvisoryWait(url, 4242);
  codes.advisoryPair = await provokeAdvisoryWait(url, [7, 9]);
  codes.statement = await provokeStatementTimeout(url);
  codes.connections = await provokeConnectionExhaustion(url, MAX_CONNECTIONS, RESERVED);
  await logMarker(url, marker);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const files = await readdir(server.logDir);
    const texts = await Promise.all(
      [".log", ".csv", ".json"].map(async (ext) => {
        const f = files.find((x) => x.endsWith(ext));
        return f ? readFile(path.join(server.logDir, f), "utf8") : "";
      }),
    );
    if (texts.every((t) => t.includes(marker))) break;
    if (Date.now() > deadline) throw new Error("the marker did not reach every log file");
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const FORMATS = [
  { name: "stderr", ext: ".log", format: "pg-stderr" },
  { name: "csvlog", ext: ".csv", format: "pg-csv" },
  { name: "jsonlog", ext: ".json", format: "pg-json" },
] as const;

async function logFile(ext: string) {
  return path.join(
    server.logDir,
    (await readdir(server.logDir)).find((f) => f.endsWith(ext))!,
  );
}

describe("each failure is provoked on a real PostgreSQL 18", () => {
  it("answers with the expected SQLSTATEs", () => {
    expect(codes).toEqual({
      deadlock: "40P01",
      serialization: "40001",
      rowLock: "55P03",
      advisoryBig: "55P03",
      advisoryPair: "55P03",
      statement: "57014",
      connections: ["53300", "53300", "53300"],
    });
  });
});

describe.each(FORMATS)("the $name log", ({ name, ext, format }) => {
  const sourceName = `formats-${name}`;

  it("is read by auto-detection into the same kinds, entities and counts", async () => {
    const prisma = getPrisma();
    const writer = name === "csvlog" ? await EventWriter.open({ commit: "relaxed" }) : null;
    const s = await ingestLogFile(prisma, sourceName, await logFile(ext), writer ? { writer } : {});
    await writer?.close();
    expect(s.unparsed).toBe(0);
    expect(s.byKind).toMatchObject({ duplicate_key: 1, deadlock: 1, serialization_failure: 1, lock_timeout: 3, statement_timeout: 1, too_many_connections: 3 });
    expect(s.byKind.lock_wait).toBeGreaterThanOrEqual(3);

    const source = await prisma.source.findUniqueOrThrow({ where: { name: sourceName } });
    const events = await prisma.event.findMany({ where: { sourceId: source.id }, include: { incident: true, entities: { include: { entity: true } } } });
    expect(events.every((e) => (e.fields as { format: string }).format === format)).toBe(true);
    const ents = (e: (typeof events)[number]) => e.entities.map((l) => [l.entity.type, l.entity.value, l.role]);

    const dup = events.find((e) => e.kind === "duplicate_key")!;
    expect(dup.raw).toContain(uuid);
    expect(ents(dup)).toEqual([["session_uuid", uuid, null]]);
    expect(dup.incident?.title).toBe("Duplicate key on visit_session_session_uuid_key");

    const deadlock = events.find((e) => e.kind === "deadlock")!;
    expect(deadlock.incident?.title).toBe("Deadlock on relation account");
    expect(ents(deadlock).filter(([t]) => t === "pid")).toHaveLength(2);
    expect((deadlock.fields as { detail: string }).detail).toMatch(
      /Process \d+ waits for ShareLock on transaction \d+; blocked by process \d+\.\nProcess \d+ waits/,
    );

    const waits = events.filter((e) => e.kind === "lock_wait");
    const advisory = waits.flatMap((e) => ents(e).filter(([t]) => t === "advisory_lock"));
    expect(advisory).toEqual(
      expect.arrayContaining([
        ["advisory_lock", "4242", "bigint"],
        ["advisory_lock", "7,9", "int4pair"],
      ]),
    );
    const rowWait = waits.find((e) => ents(e).some(([t, v]) => t === "relation" && v === "account"))!;
    expect(
      ents(rowWait)
        .map(([, , role]) => role)
        .sort(),
    ).toEqual(["holder", "waiter", null].sort());
    expect(rowWait.incidentId).not.toBeNull();

    const conn = events.filter((e) => e.kind === "too_many_connections").map((e) => e.message);
    expect(conn).toEqual(
      expect.arrayContaining([
        "sorry, too many clients already",
        expect.stringMatching(/^remaining connection slots are reserved/),
        expect.stringMatching(/^too many connections for role "lb_app_\w+_one"/),
      ]),
    );
    expect(events.find((e) => e.kind === "statement_timeout")?.message).toBe("canceling statement due to statement timeout");
    expect(events.find((e) => e.kind === "serialization_failure")?.message).toBe("could not serialize access due to concurrent update");

    // Informational lines stay events without incidents; every incident counts its events.
    expect(events.filter((e) => e.kind === "unclassified" && e.severity === "info").every((e) => e.incidentId === null)).toBe(true);
    const incidents = await prisma.incident.findMany({ where: { sourceId: source.id }, include: { _count: { select: { events: true } }, minutes: true } });
    for (const i of incidents) {
      expect(i.count).toBe(i._count.events);
      expect(i.minutes.reduce((a, m) => a + m.count, 0)).toBe(i.count);
    }
  });

  it("adds nothing when the same file is read again", async () => {
    const prisma = getPrisma();
    const before = await prisma.event.count();
    const incidentCounts = await prisma.incident.findMany({ select: { id: true, count: true }, orderBy: { id: "asc" } });
    const again = await ingestLogFile(prisma, sourceName, await logFile(ext));
    expect(again.inserted).toBe(0);
    expect(again.duplicates).toBe(again.events + again.unparsed);
    expect(await prisma.event.count()).toBe(before);
    expect(await prisma.incident.findMany({ select: { id: true, count: true }, orderBy: { id: "asc" } })).toEqual(incidentCounts);
  });
});
