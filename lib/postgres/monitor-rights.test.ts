import { describe, expect, it } from "vitest";
import { storeDatabaseOn, toMonitorRights } from "./monitor-rights";

const row = { role: "monitor", version_num: 150000, database: "app", database_oid: "5", now: "2026-01-01T00:00:00Z" };

describe("monitor rights", () => {
  it("names each missing right with the GRANT that fixes it; a superuser has both", () => {
    const none = toMonitorRights({ ...row, superuser: false, pg_monitor: false, pg_signal_backend: false });
    expect(none).toMatchObject({ pgMonitor: false, pgSignalBackend: false });
    expect(none.messages).toHaveLength(2);
    expect(none.messages[0]).toContain('GRANT pg_monitor TO "monitor"');
    expect(none.messages[1]).toContain('GRANT pg_signal_backend TO "monitor"');
    expect(toMonitorRights({ ...row, superuser: false, pg_monitor: true, pg_signal_backend: false }).messages).toHaveLength(1);
    expect(toMonitorRights({ ...row, superuser: true, pg_monitor: false, pg_signal_backend: false })).toMatchObject({ pgMonitor: true, pgSignalBackend: true, messages: [] });
  });

  it("recognizes the store's own server, whatever the host spelling, and only that one", () => {
    const store = "postgresql://postgres:pw@127.0.0.1:5544/lockboard";
    expect(storeDatabaseOn("postgresql://mon@localhost:5544/app", store)).toBe("lockboard");
    expect(storeDatabaseOn("postgresql://mon@127.0.0.1:5432/app", store)).toBeNull();
    expect(storeDatabaseOn("postgresql://mon@127.0.0.1:5544/app", undefined)).toBeNull();
  });
});
