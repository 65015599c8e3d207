import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { dropTable, provokeUniqueViolation, waitForLogLine } from "@/e2e/support/pg-provoke";
import { LOCAL_PG_URL, serverVersion } from "@/e2e/support/test-servers";
import { closeMonitorPools } from "../postgres/monitor-pool";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { pgLogTailJob } from "./pg-log-tail-job";
import { tailServerLog } from "./pg-log-tailer";

const unique = `tail_${Date.now().toString(36)}`;
const table = `visit_${unique}`;
const role = `lb_noread_${unique}`;

afterAll(async () => {
  await dropTable(inject("embeddedUrl"), table);
  const c = new pg.Client({ connectionString: inject("embeddedUrl") });
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS ${role}`).finally(() => c.end());
  await closeMonitorPools();
  await disconnectPrisma();
});

describe("reading a monitored server's log through pg_read_binary_file()", () => {
  it("turns the embedded server's log into events once, resumes from its offset, and picks up what comes next", async () => {
    const prisma = getPrisma();
    const url = inject("embeddedUrl");
    const source = await upsertSource(prisma, { name: `${unique}-pg`, kind: "postgres", url });
    // A second source for the same server (another name, as an operator may register it twice).
    const twin = await upsertSource(prisma, { name: `${unique}-pg-twin`, kind: "postgres", url });
    const uuid = await provokeUniqueViolation(url, table);
    await waitForLogLine(inject("embeddedLogDir"), uuid);

    const signal = new AbortController().signal;
    // The job reads every postgres source; other tests' sources may be unreachable, ours must not fail.
    await pgLogTailJob.run({ prisma, signal }).catch((err: Error) => expect(err.message).not.toContain(source.name));
    // Other tests' sources may reach this server too: the line is stored once, under the oldest.
    const found = (raw: string) => prisma.event.findMany({ where: { kind: "duplicate_key", raw: { contains: raw } }, include: { incident: true } });
    const first = await found(uuid);
    expect(first).toHaveLength(1);
    expect(first[0].sourceId).not.toBe(twin.id);
    expect(first[0].incident?.title).toBe(`Duplicate key on ${table}_session_uuid_key`);
    expect(first[0].eventKey).toContain(":pg:");
    const reader = await prisma.source.findUniqueOrThrow({ where: { id: first[0].sourceId } });
    expect(reader.id).toBeLessThanOrEqual(source.id);

    // Read again from its offset: nothing already stored comes back (the job's own connection
    // attempts for other tests' sources may have logged a few new lines since, none of them ours).
    const again = await tailServerLog(prisma, reader, url);
    expect(again.ok && again.summary.duplicates).toBe(0);
    expect(again.ok && (again.summary.byKind.duplicate_key ?? 0)).toBe(0);
    expect(await found(uuid)).toHaveLength(1);

    const uuid2 = await provokeUniqueViolation(url, table);
    await waitForLogLine(inject("embeddedLogDir"), uuid2);
    const third = await tailServerLog(prisma, reader, url);
    expect(third.ok && third.summary.byKind.duplicate_key).toBe(1);
    expect(await found(uuid2)).toHaveLength(1);
    await pgLogTailJob.run({ prisma, signal }).catch((err: Error) => expect(err.message).not.toContain(source.name));
    expect(await found(uuid2)).toHaveLength(1);
    expect(await prisma.event.count({ where: { sourceId: twin.id } })).toBe(0);
  });

  it("says why when the role may not read the log, or the server writes none", async () => {
    const prisma = getPrisma();
    const admin = new pg.Client({ connectionString: inject("embeddedUrl") });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'x'`);
    await admin.end();
    const u = new URL(inject("embeddedUrl"));
    u.username = role;
    u.password = "x";
    const noRead = await upsertSource(prisma, { name: `${unique}-noread`, kind: "postgres", url: u.toString() });
    const r = await tailServerLog(prisma, noRead, u.toString());
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/permission denied|may not read/) });

    if ((await serverVersion(LOCAL_PG_URL)) !== null) {
      const local = await upsertSource(prisma, { name: `${unique}-local`, kind: "postgres", url: LOCAL_PG_URL });
      const l = await tailServerLog(prisma, local, LOCAL_PG_URL);
      // Debian's cluster logs through its own stderr redirect, not the logging collector.
      expect(l.ok ? "read" : l.reason).toMatch(/logging_collector is off|read/);
    }
  });
});
