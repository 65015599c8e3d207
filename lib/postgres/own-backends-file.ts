import "server-only";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/*
 * Lockboard runs as two processes (serve.ts with the background jobs, `next start` with the
 * routes), and each holds pools: a lock action in one must know the other's connections. Each
 * process writes the pids it holds to a file of its own in a directory only this OS user can
 * write; a reader takes every live process's file. A directory someone else owns (or others can
 * write) is ignored, so nobody can plant pids to make their sessions immune.
 */

// turbopackIgnore: these paths are found at run time; without it the build traces the whole project (e2e code included) into every route.
/** LOCKBOARD_RUN_DIR: where the processes share their connection pids (default: a per-user folder in the temp dir). */
const dir = () => process.env.LOCKBOARD_RUN_DIR ?? path.join(/*turbopackIgnore: true*/ tmpdir(), `lockboard-own-backends-${process.getuid?.() ?? "user"}`);
const mine = () => path.join(/*turbopackIgnore: true*/ dir(), `${process.pid}.json`);

export type PidsByServer = Record<string, number[]>;

function usableDir(create: boolean): string | null {
  const d = dir();
  try {
    if (create) mkdirSync(d, { recursive: true, mode: 0o700 });
    const st = statSync(/*turbopackIgnore: true*/ d);
    if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return null;
    return d;
  } catch {
    return null;
  }
}

let cleanupHooked = false;

/** Publishes this process's pids (replacing what it published before). */
export function publishOwnPids(byServer: PidsByServer): void {
  const d = usableDir(true);
  if (!d) return;
  try {
    const tmp = `${mine()}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, started: startTicks("self"), byServer }), { mode: 0o600 });
    renameSync(tmp, mine());
    if (!cleanupHooked) {
      cleanupHooked = true;
      process.once("exit", () => rmSync(mine(), { force: true }));
    }
  } catch {
    // Sharing is best effort: this process's own registry still guards its own pools.
  }
}

/** A process's start time in clock ticks since boot (Linux /proc), so a reused pid is not taken for the writer. */
function startTicks(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(/*turbopackIgnore: true*/ `/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

const alive = (pid: number, started: string | null | undefined) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !started || startTicks(pid) === null || startTicks(pid) === started;
};

/** Pids the other live Lockboard processes of this user published for `serverKey`. */
export function readOtherProcessesPids(serverKey: (key: string) => boolean): number[] {
  const d = usableDir(false);
  if (!d) return [];
  const out: number[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(/*turbopackIgnore: true*/ d).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  for (const name of names) {
    const pid = Number(name.slice(0, -5));
    if (pid === process.pid) continue;
    const file = path.join(/*turbopackIgnore: true*/ d, name);
    try {
      const data = JSON.parse(readFileSync(/*turbopackIgnore: true*/ file, "utf8")) as { started?: string | null; byServer?: PidsByServer };
      if (!alive(pid, data.started)) {
        rmSync(file, { force: true });
        continue;
      }
      for (const [key, pids] of Object.entries(data.byServer ?? {})) if (serverKey(key)) out.push(...pids.filter(Number.isInteger));
    } catch {
      // A file being replaced right now: its writer publishes again on its next change.
    }
  }
  return out;
}
