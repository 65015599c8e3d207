import { describe, expect, it } from "vitest";
import { incidentSubject } from "./incident-subject";

describe("incident subject", () => {
  it("is the constraint or index when the event names one", () => {
    expect(incidentSubject("session_session_uuid_key", { fields: {} }, [])).toBe("session_session_uuid_key");
    expect(incidentSubject("LibreChat.messages index messageId_1", { fields: {} }, [])).toBe("LibreChat.messages index messageId_1");
  });
  it("is the lock for lock timeouts and waits: advisory key, lock call, relation", () => {
    expect(incidentSubject(null, { fields: {}, json: { lock_key: "6705818939836648035", userId: "user-4217" } }, [])).toBe("advisory lock 6705818939836648035");
    expect(incidentSubject(null, { fields: {}, statement: "SELECT pg_advisory_xact_lock(hashtextextended('user-metadata:' || $1, 0))" }, [])).toBe(
      "pg_advisory_xact_lock(hashtextextended('user-metadata:' || $1, 0))",
    );
    expect(incidentSubject("advisory lock (ExclusiveLock)", { fields: {} }, [{ type: "advisory_lock", value: "42", role: "bigint" }])).toBe("advisory lock 42");
    expect(incidentSubject(null, { fields: {}, statement: "UPDATE accounts SET balance = 0 WHERE id = 1" }, [])).toBe("relation accounts");
    expect(incidentSubject("transaction (ShareLock)", { fields: {} }, [])).toBe("transaction (ShareLock)");
    expect(incidentSubject(null, { fields: {} }, [])).toBeNull();
  });
});
