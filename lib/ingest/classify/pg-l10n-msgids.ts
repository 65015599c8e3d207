/**
 * The PostgreSQL message ids (msgids, exactly as in the server's source and its gettext catalogs)
 * whose translations Lockboard reads, and what each one means to the catalog. Data only: shared by
 * scripts/l10n/extract-pg-messages.ts, which writes their translations to pg-messages-l10n.json,
 * and pg-l10n.ts, which turns those into patterns. Sources: utils/error/elog.c (severity words),
 * storage/lmgr/proc.c and deadlock.c, access/nbtree/nbtinsert.c, executor/execMain.c and
 * tcop/postgres.c (cancel and recovery conflicts), utils/init/postinit.c, commands/vacuum.c.
 */

/** elog.c's error_severity() words, translated with _() on the stderr and csvlog lines. */
export const PG_SEVERITY_MSGIDS = ["DEBUG", "LOG", "INFO", "NOTICE", "WARNING", "ERROR", "FATAL", "PANIC"] as const;

/** The words elog.c prints before a report's secondary lines, colon and two spaces included. */
export const PG_ATTACHED_MSGIDS = ["DETAIL:  ", "HINT:  ", "QUERY:  ", "CONTEXT:  ", "LOCATION:  ", "STATEMENT:  "] as const;

export type PgLevelWord = (typeof PG_SEVERITY_MSGIDS)[number];

/** A primary message that identifies a catalog kind, and the severities PostgreSQL reports it at. */
export type PgKindMsgid = { msgid: string; kind: string; at: PgLevelWord[] };

export const PG_KIND_MSGIDS: PgKindMsgid[] = [
  { msgid: "deadlock detected", kind: "deadlock", at: ["ERROR"] },
  { msgid: "process %d still waiting for %s on %s after %ld.%03d ms", kind: "lock_wait", at: ["LOG"] },
  { msgid: "process %d detected deadlock while waiting for %s on %s after %ld.%03d ms", kind: "lock_wait", at: ["LOG"] },
  { msgid: "process %d avoided deadlock for %s on %s by rearranging queue order after %ld.%03d ms", kind: "lock_wait", at: ["LOG"] },
  { msgid: "process %d acquired %s on %s after %ld.%03d ms", kind: "lock_acquired", at: ["LOG"] },
  { msgid: 'duplicate key value violates unique constraint "%s"', kind: "duplicate_key", at: ["ERROR"] },
  { msgid: 'could not create unique index "%s"', kind: "duplicate_key", at: ["ERROR"] },
  { msgid: "canceling statement due to lock timeout", kind: "lock_timeout", at: ["ERROR"] },
  { msgid: 'could not obtain lock on row in relation "%s"', kind: "lock_timeout", at: ["ERROR"] },
  { msgid: 'could not obtain lock on relation "%s"', kind: "lock_timeout", at: ["ERROR"] },
  { msgid: 'could not obtain lock on relation "%s.%s"', kind: "lock_timeout", at: ["ERROR"] },
  { msgid: "canceling statement due to statement timeout", kind: "statement_timeout", at: ["ERROR"] },
  { msgid: "could not serialize access due to concurrent update", kind: "serialization_failure", at: ["ERROR"] },
  { msgid: "could not serialize access due to concurrent delete", kind: "serialization_failure", at: ["ERROR"] },
  { msgid: "could not serialize access due to read/write dependencies among transactions", kind: "serialization_failure", at: ["ERROR"] },
  { msgid: "sorry, too many clients already", kind: "too_many_connections", at: ["FATAL"] },
  { msgid: "remaining connection slots are reserved for non-replication superuser connections", kind: "too_many_connections", at: ["FATAL"] },
  { msgid: 'too many connections for role "%s"', kind: "too_many_connections", at: ["FATAL"] },
  { msgid: 'too many connections for database "%s"', kind: "too_many_connections", at: ["FATAL"] },
  { msgid: 'skipping vacuum of "%s" --- lock not available', kind: "lock_not_available", at: ["LOG", "WARNING"] },
  { msgid: 'skipping analyze of "%s" --- lock not available', kind: "lock_not_available", at: ["LOG", "WARNING"] },
  { msgid: "canceling statement due to conflict with recovery", kind: "recovery_conflict", at: ["ERROR"] },
  { msgid: "terminating connection due to conflict with recovery", kind: "recovery_conflict", at: ["FATAL"] },
];

/**
 * Secondary lines (DETAIL, HINT, CONTEXT) read back into English so the entity extractors, which
 * know PostgreSQL's English wording, find the same keys, pids and relations in any language.
 * A plural message lists its singular and plural msgid.
 */
export const PG_DETAIL_MSGIDS: string[][] = [
  ["Key %s already exists."],
  ["Key %s is duplicated."],
  ["Process %d waits for %s on %s; blocked by process %d."],
  ["Process %d: %s"],
  ["Process holding the lock: %s. Wait queue: %s.", "Processes holding the lock: %s. Wait queue: %s."],
  ["See server log for query details."],
  ['while updating tuple (%u,%u) in relation "%s"'],
  ['while locking tuple (%u,%u) in relation "%s"'],
  ['while deleting tuple (%u,%u) in relation "%s"'],
  ['while inserting index tuple (%u,%u) in relation "%s"'],
  ['while checking uniqueness of tuple (%u,%u) in relation "%s"'],
  ['while locking updated version (%u,%u) of tuple in relation "%s"'],
  ["User was holding a relation lock for too long."],
  ["User was holding shared buffer pin for too long."],
  ["User query might have needed to see row versions that must be removed."],
  ["User transaction caused buffer deadlock with recovery."],
  ["User was connected to a database that must be dropped."],
  ["User was or might have been using tablespace that must be dropped."],
];

/** storage/lmgr/lmgr.c DescribeLockTag(): what a lock wait names as its target (`transaction 7`, `advisory lock [...]`). */
export const PG_LOCKTAG_MSGIDS: string[][] = [
  ["relation %u of database %u"],
  ["extension of relation %u of database %u"],
  ["pg_database.datfrozenxid of database %u"],
  ["page %u of relation %u of database %u"],
  ["tuple (%u,%u) of relation %u of database %u"],
  ["transaction %u"],
  ["virtual transaction %d/%u"],
  ["speculative token %u of transaction %u"],
  ["object %u of class %u of database %u"],
  ["user lock [%u,%u,%u]"],
  ["advisory lock [%u,%u,%u,%u]"],
];
