import { readFile } from "node:fs/promises";
import { readLogFile, type ReadEvent } from "./log-kinds";
import { CONCURRENCY_SETTINGS, type ConcurrencyCodes, provokeConcurrencySet } from "./pg-concurrency";
import { logFilesWith, startSystemPostgres, type StartSystemOptions } from "./system-postgres";

export type ProvokedLogs = {
  codes: ConcurrencyCodes;
  /** By extension (.log, .csv, .json): what Lockboard's reader made of that file. */
  files: Record<string, { events: ReadEvent[]; unparsed: unknown[] }>;
  stderrText: string;
};

/** The concurrency events whose count does not depend on timing, as one provokeConcurrencySet logs them. */
export const EXACT_KINDS = {
  duplicate_key: 1,
  deadlock: 1,
  serialization_failure: 1,
  lock_timeout: 3,
  statement_timeout: 1,
  too_many_connections: 3,
  lock_not_available: 1,
};

/**
 * A real PostgreSQL writing stderr, csvlog and jsonlog at once, made to log every concurrency
 * failure once (ending with a marker, so that each file is read only once it is complete); the
 * server is stopped before this returns.
 */
export async function provokeAndReadLogs(opts: StartSystemOptions, marker: string): Promise<ProvokedLogs> {
  const server = await startSystemPostgres({
    ...opts,
    settings: { ...CONCURRENCY_SETTINGS, log_destination: "stderr,csvlog,jsonlog", log_line_prefix: "%m [%p] %q%u@%d ", ...opts.settings },
  });
  try {
    const codes = await provokeConcurrencySet(server.url, marker);
    const paths = await logFilesWith(server.logDir, [".log", ".csv", ".json"], marker);
    const files: ProvokedLogs["files"] = {};
    for (const [ext, file] of Object.entries(paths)) files[ext] = await readLogFile(file);
    return { codes, files, stderrText: await readFile(paths[".log"], "utf8") };
  } finally {
    await server.stop();
  }
}
