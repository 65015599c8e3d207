import { describe, expect, it } from "vitest";
import { toMonitorRights } from "./monitor-rights";
import { sameServer } from "./own-backends";

const row = {
  role: "monitor",
  version_num: 150000,
  database: "app",
  database_oid: "5",
  now: "2026-01-01T00:00:00Z",
  system_identifier: "1",
  port: "5432",
  data_directory: null,
};

describe("monitor rights", () => {
  it("names each missing right with the GRANT that fixes it; a superuser has both", () => {
    const none = toMonitorRights({ ...row, superuser: false, pg_monitor: false, pg_signal_backend: false });
    expect(none).toMatchObject({ pgMonitor: false, pgSignalBackend: false });
    expect(none.messages).toHaveLength(2);
    expect(none.messages[0]).toContain('GRANT pg_monitor TO "monitor"');
    expect(none.messages[1]).toContain('GRANT pg_signal_backend TO "monitor"');
    expect(toMonitorRights({ ...row, superuser: false, pg_monitor: true, pg_signal_backend: false }).messages).toHaveLength(1);
    expect(toMonitorRights({ ...row, superuser: true, pg_monitor: false, pg_signal_backend: false })).toMatchObject({
      pgMonitor: true,
      pgSignalBackend: true,
      messages: [],
    });
  });

  it("knows a server by its identity, not by the name it is reached by", () => {
    const store = { systemIdentifier: "7714279436134094962", port: "5544", dataDirectory: null };
    expect(sameServer({ ...store, dataDirectory: "/var/lib/pg" }, store)).toBe(true);
    expect(sameServer({ ...store, port: "5432" }, store)).toBe(false);
    expect(sameServer({ ...store, systemIdentifier: "1" }, store)).toBe(false);
    expect(sameServer({ ...store, dataDirectory: "/a" }, { ...store, dataDirectory: "/b" })).toBe(false);
    // An identity the role cannot read errs on "the same server": refusing beats ending our own sessions.
    expect(sameServer({ ...store, systemIdentifier: null }, store)).toBe(true);
  });
});
