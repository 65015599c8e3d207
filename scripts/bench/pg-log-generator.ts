import { createWriteStream } from "node:fs";
import { once } from "node:events";

/**
 * A PostgreSQL stderr log (prefix '%m [%p] ') with the mix a busy app server writes: mostly
 * durations, connections and checkpoints, and a few percent of concurrency failures with their
 * DETAIL/HINT/CONTEXT/STATEMENT lines, as PostgreSQL 15-18 words them.
 */
export type GeneratorOptions = {
  /** Time of the first record (default 2026-11-23 04:00 UTC). */
  startMs?: number;
  /** Mean gap between records (default 6 ms: 3-9 ms in turn); the soak bench spreads a file over a day. */
  meanStepMs?: number;
  /** Counter of the first record, so that a later file names new sessions; a multiple of 100 keeps the mix. */
  firstIndex?: number;
  /** One line no parser reads (an archive command's stderr) before every Nth record; none by default. */
  unparsedEvery?: number;
};

export async function writeGeneratedPgLog(file: string, lines: number, opts: GeneratorOptions = {}): Promise<{ lines: number; bytes: number }> {
  const out = createWriteStream(file);
  let written = 0;
  let bytes = 0;
  let i = opts.firstIndex ?? 0;
  let t = opts.startMs ?? Date.parse("2026-11-23T04:00:00Z");
  const scale = opts.meanStepMs === undefined ? 1 : opts.meanStepMs / 6;
  const stamp = () => new Date(t).toISOString().replace("T", " ").replace("Z", " UTC");
  let buf = "";
  const emit = (pid: number, level: string, body: string, more: string[] = []) => {
    const s = stamp();
    buf += `${s} [${pid}] ${level}:  ${body}\n`;
    for (const m of more) buf += m.startsWith("\t") ? `${m}\n` : `${s} [${pid}] ${m}\n`;
    written += 1 + more.length;
  };
  while (written < lines) {
    i++;
    t += scale === 1 ? 3 + (i % 7) : Math.round((3 + (i % 7)) * scale);
    const pid = 20_000 + (i % 97);
    if (opts.unparsedEvery && i % opts.unparsedEvery === 0) {
      buf += `rsync: write failed on "/var/lib/postgresql/archive/${i.toString(16).padStart(24, "0")}": No space left on device (28)\n`;
      written++;
    }
    const r = i % 100;
    if (r < 55)
      emit(
        pid,
        "LOG",
        `duration: ${(i % 977) / 10} ms  statement: SELECT id, session_uuid, created_at FROM session WHERE website_id = '${(i * 7919) % 100_000}' ORDER BY created_at DESC LIMIT 50`,
      );
    else if (r < 62) emit(pid, "LOG", `connection received: host=10.0.${i % 255}.${(i * 3) % 255} port=${40_000 + (i % 20_000)}`);
    else if (r < 69) emit(pid, "LOG", `connection authorized: user=app database=analytics application_name=umami`);
    else if (r < 74)
      emit(
        pid,
        "LOG",
        `disconnection: session time: 0:00:0${i % 10}.${i % 1000} user=app database=analytics host=10.0.0.${i % 255} port=${40_000 + (i % 20_000)}`,
      );
    else if (r < 76)
      emit(
        pid,
        "LOG",
        `checkpoint complete: wrote ${i % 5000} buffers (${(i % 300) / 10}%); 0 WAL file(s) added, 0 removed, 1 recycled; write=${i % 30}.${i % 1000} s, sync=0.${i % 100} s, total=${i % 31}.${i % 1000} s`,
      );
    else if (r < 84)
      emit(pid, "ERROR", `duplicate key value violates unique constraint "session_session_uuid_key"`, [
        `DETAIL:  Key (session_uuid)=(${hexUuid(i)}) already exists.`,
        `STATEMENT:  INSERT INTO session (session_uuid, website_id, hostname) VALUES ($1, $2, $3)`,
      ]);
    else if (r < 88)
      emit(pid, "LOG", `process ${pid} still waiting for ShareLock on transaction ${700_000 + i} after 1000.${i % 1000} ms`, [
        `DETAIL:  Process holding the lock: ${pid + 1}. Wait queue: ${pid}.`,
        `CONTEXT:  while updating tuple (${i % 500},${i % 30}) in relation "website_event"`,
        `STATEMENT:  UPDATE website_event SET visit_id = $1 WHERE event_id = $2`,
      ]);
    else if (r < 90)
      emit(pid, "LOG", `process ${pid} still waiting for ExclusiveLock on advisory lock [16384,0,${1000 + (i % 50)},1] after 1000.${i % 1000} ms`, [
        `DETAIL:  Process holding the lock: ${pid + 2}. Wait queue: ${pid}.`,
        `STATEMENT:  SELECT pg_advisory_xact_lock($1)`,
      ]);
    else if (r < 91)
      emit(pid, "ERROR", "deadlock detected", [
        `DETAIL:  Process ${pid} waits for ShareLock on transaction ${800_000 + i}; blocked by process ${pid + 3}.`,
        `\tProcess ${pid + 3} waits for ShareLock on transaction ${800_001 + i}; blocked by process ${pid}.`,
        `\tProcess ${pid}: UPDATE account SET balance = balance - 1 WHERE id = 1`,
        `\tProcess ${pid + 3}: UPDATE account SET balance = balance + 1 WHERE id = 2`,
        "HINT:  See server log for query details.",
        `CONTEXT:  while updating tuple (0,${i % 40}) in relation "account"`,
        "STATEMENT:  UPDATE account SET balance = balance - 1 WHERE id = 1",
      ]);
    else if (r < 93) emit(pid, "ERROR", "could not serialize access due to concurrent update", ["STATEMENT:  UPDATE counter SET n = n + 1 WHERE id = 1"]);
    else if (r < 95) emit(pid, "ERROR", "canceling statement due to lock timeout", ["STATEMENT:  ALTER TABLE website_event ADD COLUMN tag text"]);
    else if (r < 97)
      emit(pid, "ERROR", "canceling statement due to statement timeout", [
        `STATEMENT:  SELECT count(*) FROM website_event WHERE created_at > now() - interval '${i % 90} days'`,
      ]);
    else if (r < 98) emit(pid, "FATAL", "sorry, too many clients already");
    else
      emit(pid, "LOG", `automatic vacuum of table "analytics.public.website_event": index scans: 1`, [
        `\tpages: 0 removed, ${i % 9000} remain, ${i % 300} scanned (${i % 100}.00% of total)`,
      ]);
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, "finish");
  return { lines: written, bytes };
}

function hexUuid(i: number): string {
  const h = (n: number, len: number) => ((n * 2654435761) >>> 0).toString(16).padStart(8, "0").slice(0, len);
  return `${h(i, 8)}-${h(i + 1, 4)}-4${h(i + 2, 3)}-8${h(i + 3, 3)}-${h(i + 4, 8)}${h(i + 5, 4)}`;
}
