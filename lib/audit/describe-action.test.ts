import { describe, expect, it } from "vitest";
import { encodeBigintKey, encodeInt4PairKey } from "../postgres/advisory-key";
import { AUDIT_ACTION_NAMES } from "./action-names";
import { AUDIT_SENTENCE_ACTIONS, describeAction } from "./describe-action";
import type { AuditRowLike } from "./audit-values";

const row = (action: string, extra: Partial<AuditRowLike> = {}): AuditRowLike => ({
  actor: "operator@lockboard.test",
  action,
  source: null,
  target: {},
  reason: null,
  before: null,
  outcome: "done",
  detail: {},
  ...extra,
});

// A row of every action as its code writes it today (see the writeActionLog call sites).
const TYPICAL: Record<string, Partial<AuditRowLike>> = {
  "incident.status": { source: "demo-pg", target: { incidentId: 12, title: "Lock timeout" }, before: { status: "open" }, outcome: "acknowledged" },
  "lock.release": {
    source: "demo-pg",
    target: { pid: 18145, lock: { locktype: "advisory", database: 5, ...encodeBigintKey(42n), objsubid: 1 } },
    outcome: "released",
    detail: { signals: ["terminate"], waitersAcquired: true, newHolders: [18150] },
  },
  "lock.cancel": { source: "demo-pg", target: { pid: 7, lock: null }, outcome: "released", detail: { signals: ["cancel"], waitersAcquired: null } },
  "lock.terminate": {
    source: "demo-pg",
    target: { pid: 8, lock: null },
    outcome: "refused",
    detail: { message: "backend 8 is one of Lockboard's own connections" },
  },
  "user.create": { target: { userId: "u1", email: "new@lockboard.test", role: "viewer" }, outcome: "created" },
  "user.role": {
    target: { userId: "u1", email: "new@lockboard.test", role: "admin" },
    before: { email: "new@lockboard.test", role: "viewer" },
    outcome: "changed",
  },
  "token.create": { target: { tokenId: 3, name: "ci", scope: "ingest", sources: ["demo-pg"] }, outcome: "created" },
  "token.revoke": { target: { tokenId: 3 }, outcome: "revoked" },
  "source.create": { target: { sourceId: 4, name: "orders-pg", kind: "postgres" }, outcome: "created" },
  "source.update": {
    target: { sourceId: 4, name: "orders-pg", kind: "postgres", config: { a: 1 } },
    before: { kind: "postgres", config: {} },
    outcome: "updated",
  },
  "replay.start": {
    target: { replayRunId: 9, total: 3, selection: { ids: [1, 2, 3] } },
    reason: "after the outage",
    outcome: "started",
    detail: { origin: "dashboard" },
  },
  "replay.run": {
    target: { replayRunId: 9, total: 3 },
    outcome: "2 applied, 1 conflict",
    detail: { origin: "dashboard", workedFrom: "cli", counts: { applied: 2, conflict: 1 } },
  },
  "replay.retry": { actor: "lockboard (retry)", target: { failedWriteIds: [1, 2] }, outcome: "2 applied", detail: { counts: { applied: 2 } } },
  "alert_rule.create": { actor: "admin@lockboard.test", target: { ruleId: 3, name: "page on deadlocks", trigger: "new_incident" }, outcome: "created" },
  "alert_rule.update": {
    actor: "admin@lockboard.test",
    target: { ruleId: 3, name: "page on deadlocks", paused: true },
    before: { name: "page on deadlocks", paused: false },
    outcome: "paused",
  },
  "alert_rule.delete": { actor: "admin@lockboard.test", target: { ruleId: 3, name: "page on deadlocks" }, outcome: "deleted" },
  "alert_destination.create": {
    actor: "admin@lockboard.test",
    target: { destinationId: 2, name: "oncall", type: "slack", maskedUrl: "https://hooks.slack.com/••••", hasSecret: false },
    outcome: "created",
  },
  "alert_destination.update": {
    actor: "admin@lockboard.test",
    target: { destinationId: 2, name: "oncall", type: "webhook", urlChanged: false, secretChanged: true },
    outcome: "updated",
  },
  "alert_destination.delete": { actor: "admin@lockboard.test", target: { destinationId: 2, name: "oncall", type: "webhook" }, outcome: "deleted" },
  "alert_destination.test": { actor: "admin@lockboard.test", target: { destinationId: 2, name: "oncall", deliveryId: 40 }, outcome: "queued" },
  "failed_write.import": {
    actor: "cli:ana",
    target: { origin: "ndjson", lines: 10, sources: ["demo-mongo"] },
    outcome: "9 stored, 0 already stored, 1 malformed",
  },
};

const unreadable = /undefined|null|\[object|NaN|\{|"/;

describe("one audit sentence per action", () => {
  it("every action name has a sentence builder, and no builder names an unknown action", () => {
    expect([...AUDIT_SENTENCE_ACTIONS].sort()).toEqual([...AUDIT_ACTION_NAMES].sort());
  });

  for (const action of AUDIT_ACTION_NAMES) {
    it(`${action}: a typical row and an empty one both read as words`, () => {
      const typical = describeAction(row(action, TYPICAL[action]));
      expect(TYPICAL[action], `add a typical ${action} row to this test`).toBeDefined();
      expect(typical).not.toMatch(unreadable);
      expect(typical.length).toBeGreaterThan(15);
      // Rows outlive code: an old row missing every field still makes a sentence, not a crash.
      expect(describeAction(row(action))).not.toMatch(unreadable);
    });
  }

  it("a lock release names the decoded key, the entity, the holder, the source and how it ended", () => {
    const key = -6705227458462718373n;
    const s = describeAction(
      row("lock.release", {
        source: "demo-pg",
        target: { pid: 18145, lock: { locktype: "advisory", database: 16384, ...encodeBigintKey(key) }, entities: [{ type: "userId", value: "user-4217" }] },
        before: { pid: 18145, application_name: "memory-worker", usename: "app" },
        outcome: "released",
        detail: { signals: ["terminate"], waitersAcquired: true, newHolders: [18150] },
      }),
    );
    expect(s).toBe(
      "operator@lockboard.test released advisory lock -6705227458462718373 (user-4217) held by pid 18145 (memory-worker, role app) on demo-pg: terminated; waiter 18150 got the lock",
    );
  });

  it("an alert rule paused and a destination's secret changed say so, by name", () => {
    expect(describeAction(row("alert_rule.update", TYPICAL["alert_rule.update"]))).toBe("admin@lockboard.test paused the alert rule “page on deadlocks” (#3)");
    expect(describeAction(row("alert_destination.update", TYPICAL["alert_destination.update"]))).toBe(
      "admin@lockboard.test changed the webhook alert destination “oncall” (#2) (its secret)",
    );
  });

  it("a two-int4 advisory key reads as the pair the application passed", () => {
    const s = describeAction(
      row("lock.release", {
        target: { pid: 1, lock: { ...encodeInt4PairKey(7, -3), database: 1 } },
        outcome: "already_released",
        detail: { message: "backend 1 is gone" },
      }),
    );
    expect(s).toContain("advisory lock (7, -3) held by pid 1: already released (backend 1 is gone)");
  });

  it("a cancel escalated to terminate and no waiter yet; a replay's origin and a CLI actor in words", () => {
    expect(
      describeAction(
        row("lock.release", {
          target: { pid: 2, lock: { ...encodeBigintKey(5n), database: 1 } },
          outcome: "released",
          detail: { signals: ["cancel", "terminate"], waitersAcquired: false },
        }),
      ),
    ).toContain("cancelled, then terminated; no waiter has the lock yet");
    expect(
      describeAction(
        row("replay.start", {
          actor: "cli:ana",
          target: { replayRunId: 4, total: 1, selection: { filter: { status: "conflict" } } },
          detail: { origin: "cli" },
        }),
      ),
    ).toBe("ana (command line) started replay run #4 of 1 failed write (the writes matching status conflict) from the command line");
  });

  it("a replay run names where it was started and, when taken over, where it was worked", () => {
    expect(describeAction(row("replay.run", TYPICAL["replay.run"]))).toBe(
      "replay run #9 started by operator@lockboard.test from the dashboard, worked from the command line, finished 3 writes: 2 applied, 1 conflict",
    );
  });
});
