// Every action path writes its audit row in the transaction of its change (issue 17): when the
// store refuses the audit row (a trigger on the test database), the change is gone too; when it
// accepts it, the change comes with exactly one row named noun.verb.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { ensureInitialUsers, SEED_ACTOR } from "../auth/seed-users";
import { addToken, addUser, changeUserRole, removeToken } from "../auth/settings-actions";
import { changeIncidentStatus } from "../incidents/change-status";
import { importFailedWritesNdjson } from "../replay/capture-failed-writes";
import { createReplayRun, runReplay } from "../replay/replay-run";
import { saveSource } from "../sources/source-registry";
import type { ActionLog } from "../store/generated/client";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import type { AuditAction } from "./action-names";
import { refuseAuditRows } from "./refuse-audit.test-support";

const prisma = getPrisma();
const tag = () => randomBytes(4).toString("hex");
const admin = (name: string) => ({ name, role: "admin" as const });
const rowsAbout = (key: string, value: string | number) => prisma.actionLog.findMany({ where: { target: { path: [key], equals: value } } });

afterAll(disconnectPrisma);

type Path = {
  name: string;
  action: AuditAction;
  /** Runs the action as `actor`; `mark` is a word the audit row's target carries. */
  act: (actor: string, mark: string) => Promise<unknown>;
  /** Whether the change is in the store. */
  landed: (mark: string) => Promise<boolean>;
  rows: (mark: string) => Promise<ActionLog[]>;
};

const userEmail = (mark: string) => `${mark}@audit.test`;
const newUser = async (mark: string) => (await addUser(prisma, admin("setup"), { email: userEmail(mark), name: mark, role: "viewer" })).user;
const newToken = (mark: string) => addToken(prisma, admin("setup"), { name: mark, scope: "ingest", sources: [] });
const newIncident = (mark: string) =>
  prisma.incident.create({ data: { fingerprint: `audit:${mark}`, kind: "deadlock", title: mark, firstSeen: new Date(), lastSeen: new Date() } });

const paths: Path[] = [
  {
    name: "Settings: add a user",
    action: "user.create",
    act: (actor, mark) => addUser(prisma, admin(actor), { email: userEmail(mark), name: mark, role: "operator" }),
    landed: async (mark) =>
      (await prisma.authUser.count({ where: { email: userEmail(mark) } })) + (await prisma.authAccount.count({ where: { user: { email: userEmail(mark) } } })) >
      0,
    rows: (mark) => rowsAbout("email", userEmail(mark)),
  },
  {
    name: "first start: a seeded account",
    action: "user.create",
    act: (_actor, mark) =>
      ensureInitialUsers(prisma, { LOCKBOARD_SEED_USERS: JSON.stringify([{ email: userEmail(mark), password: `pw-${mark}-long`, role: "viewer" }]) }),
    landed: async (mark) => (await prisma.authUser.count({ where: { email: userEmail(mark) } })) > 0,
    rows: (mark) => rowsAbout("email", userEmail(mark)),
  },
  {
    name: "Settings: change a role",
    action: "user.role",
    act: async (actor, mark) => {
      const u = (await prisma.authUser.findUnique({ where: { email: userEmail(mark) } })) ?? (await newUser(mark));
      return changeUserRole(prisma, admin(actor), u.id, "admin");
    },
    landed: async (mark) => (await prisma.authUser.findUniqueOrThrow({ where: { email: userEmail(mark) } })).role === "admin",
    rows: (mark) => rowsAbout("email", userEmail(mark)).then((r) => r.filter((x) => x.action === "user.role")),
  },
  {
    name: "Settings: create a token",
    action: "token.create",
    act: (actor, mark) => addToken(prisma, admin(actor), { name: mark, scope: "failed-writes", sources: [] }),
    landed: async (mark) => (await prisma.apiToken.count({ where: { name: mark } })) > 0,
    rows: (mark) => rowsAbout("name", mark),
  },
  {
    name: "Settings: revoke a token",
    action: "token.revoke",
    act: async (actor, mark) => {
      const t = (await prisma.apiToken.findFirst({ where: { name: mark } })) ?? (await newToken(mark));
      return removeToken(prisma, admin(actor), t.id);
    },
    landed: async (mark) => !!(await prisma.apiToken.findFirstOrThrow({ where: { name: mark } })).revokedAt,
    rows: async (mark) =>
      rowsAbout("tokenId", (await prisma.apiToken.findFirstOrThrow({ where: { name: mark } })).id).then((r) => r.filter((x) => x.action === "token.revoke")),
  },
  {
    name: "Incidents: set a status",
    action: "incident.status",
    act: async (actor, mark) => {
      const inc = (await prisma.incident.findUnique({ where: { fingerprint: `audit:${mark}` } })) ?? (await newIncident(mark));
      return changeIncidentStatus(prisma, { name: actor }, { ids: [inc.id], status: "acknowledged", reason: "audit test" });
    },
    landed: async (mark) => (await prisma.incident.findUniqueOrThrow({ where: { fingerprint: `audit:${mark}` } })).status === "acknowledged",
    rows: (mark) => rowsAbout("title", mark),
  },
  {
    name: "Sources: add one through the API",
    action: "source.create",
    act: (actor, mark) => saveSource(prisma, actor, { name: `src-${mark}`, kind: "log" }),
    landed: async (mark) => (await prisma.source.count({ where: { name: `src-${mark}` } })) > 0,
    rows: (mark) => rowsAbout("name", `src-${mark}`),
  },
  {
    name: "Sources: change one through the API",
    action: "source.update",
    act: async (actor, mark) => {
      if (!(await prisma.source.findUnique({ where: { name: `upd-${mark}` } }))) await prisma.source.create({ data: { name: `upd-${mark}`, kind: "log" } });
      return saveSource(prisma, actor, { name: `upd-${mark}`, kind: "log", config: { note: "changed" } });
    },
    landed: async (mark) => ((await prisma.source.findUniqueOrThrow({ where: { name: `upd-${mark}` } })).config as { note?: string }).note === "changed",
    rows: (mark) => rowsAbout("name", `upd-${mark}`),
  },
  {
    name: "Failed writes: start a replay run",
    action: "replay.start",
    act: (actor, mark) => createReplayRun(prisma, { actor, origin: "dashboard", reason: mark, selection: { ids: [2_000_000_000] } }),
    landed: async (mark) => (await prisma.replayRun.count({ where: { reason: mark } })) > 0,
    rows: (mark) => prisma.actionLog.findMany({ where: { action: "replay.start", reason: mark } }),
  },
  {
    name: "Failed writes: import NDJSON",
    action: "failed_write.import",
    act: async (actor, mark) => {
      const ns = `app.w_${mark}`;
      await prisma.source.upsert({
        where: { name: `fw-${mark}` },
        update: {},
        create: { name: `fw-${mark}`, kind: "mongodb", config: { replay: { namespaces: [ns] } } },
      });
      const good = {
        source: `fw-${mark}`,
        namespace: ns,
        operation: "insert",
        key: { id: mark },
        document: { id: mark },
        error: "E11000",
        occurredAt: "2026-12-01T10:00:00Z",
      };
      return importFailedWritesNdjson(prisma, actor, `${JSON.stringify(good)}\n{"not json ${mark}\n`);
    },
    landed: async (mark) =>
      (await prisma.failedWrite.count({ where: { namespace: `app.w_${mark}` } })) +
        (await prisma.unparsedFailedWrite.count({ where: { raw: { contains: mark } } })) >
      0,
    rows: (mark) => prisma.actionLog.findMany({ where: { action: "failed_write.import", actor: `actor-${mark}` } }),
  },
];

describe("every action path audits in the transaction of its change", () => {
  for (const p of paths) {
    it(`${p.name}: a refused audit row takes the change with it`, async () => {
      const mark = `a${tag()}`;
      const refusal = await refuseAuditRows(prisma, { marker: p.name.startsWith("first start") ? mark : `actor-${mark}`, action: p.action });
      try {
        await expect(p.act(`actor-${mark}`, mark)).rejects.toThrow(/audit row refused by test trigger/);
      } finally {
        await refusal.restore();
      }
      expect(await p.landed(mark)).toBe(false);
      expect(await p.rows(mark)).toEqual([]);
    });

    it(`${p.name}: the change and exactly one ${p.action} row`, async () => {
      const mark = `a${tag()}`;
      await p.act(`actor-${mark}`, mark);
      expect(await p.landed(mark)).toBe(true);
      const rows = await p.rows(mark);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: p.action, actor: p.name.startsWith("first start") ? SEED_ACTOR : `actor-${mark}` });
    });
  }

  it("a replay run is marked done only together with its replay.run row", async () => {
    const mark = `a${tag()}`;
    const refused = await createReplayRun(prisma, { origin: "dashboard", actor: `actor-${mark}`, reason: mark, selection: { ids: [2_000_000_001] } });
    const refusal = await refuseAuditRows(prisma, { marker: `actor-${mark}`, action: "replay.run" });
    try {
      await expect(runReplay(prisma, refused.id)).rejects.toThrow(/audit row refused/);
    } finally {
      await refusal.restore();
    }
    expect((await prisma.replayRun.findUniqueOrThrow({ where: { id: refused.id } })).status).not.toBe("done");
    expect(await rowsAbout("replayRunId", refused.id).then((r) => r.filter((x) => x.action === "replay.run"))).toEqual([]);

    const run = await createReplayRun(prisma, { origin: "dashboard", actor: `actor-${mark}`, reason: mark, selection: { ids: [2_000_000_002] } });
    await runReplay(prisma, run.id);
    expect((await prisma.replayRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("done");
    const rows = await rowsAbout("replayRunId", run.id);
    expect(rows.map((r) => r.action).sort()).toEqual(["replay.run", "replay.start"]);
  });
});
