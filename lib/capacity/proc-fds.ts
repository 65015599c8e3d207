import "server-only";
import { readdir, readFile, readlink } from "node:fs/promises";
import { assertProcessPattern } from "./process-pattern";

export type ProcessFds = {
  pid: number;
  command: string;
  open: number;
  sockets: number;
  files: number;
  pipes: number;
  other: number;
  softLimit: number | null;
  hardLimit: number | null;
};

/** Soft and hard "Max open files" from /proc/<pid>/limits ("unlimited" → null). */
export function parseLimits(text: string): { soft: number | null; hard: number | null } {
  const line = text.split("\n").find((l) => l.startsWith("Max open files"));
  if (!line) return { soft: null, hard: null };
  const [soft, hard] = line.slice("Max open files".length).trim().split(/\s+/);
  const num = (v?: string) => (v && /^\d+$/.test(v) ? Number(v) : null);
  return { soft: num(soft), hard: num(hard) };
}

/**
 * Counts a process's descriptors by what they point at. A descriptor closed between readdir
 * and readlink is simply not counted.
 */
export async function getProcessFds(pid: number, procRoot = "/proc"): Promise<ProcessFds> {
  const dir = `${procRoot}/${pid}`;
  const [names, limits, comm] = await Promise.all([
    readdir(/*turbopackIgnore: true*/ `${dir}/fd`),
    readFile(/*turbopackIgnore: true*/ `${dir}/limits`, "utf8"),
    readFile(/*turbopackIgnore: true*/ `${dir}/comm`, "utf8").catch(() => ""),
  ]);
  const counts = { sockets: 0, files: 0, pipes: 0, other: 0 };
  const targets = await Promise.all(names.map((n) => readlink(/*turbopackIgnore: true*/ `${dir}/fd/${n}`).catch(() => null)));
  for (const t of targets) {
    if (t === null) continue;
    if (t.startsWith("socket:")) counts.sockets++;
    else if (t.startsWith("pipe:")) counts.pipes++;
    else if (t.startsWith("/")) counts.files++;
    else counts.other++;
  }
  const { soft, hard } = parseLimits(limits);
  return {
    pid,
    command: comm.trim(),
    open: counts.sockets + counts.files + counts.pipes + counts.other,
    ...counts,
    softLimit: soft,
    hardLimit: hard,
  };
}

/** Pids whose command line contains `pattern` (a literal substring, see process-pattern.ts), oldest first. */
export async function findPids(pattern: string, procRoot = "/proc"): Promise<number[]> {
  const needle = assertProcessPattern(pattern);
  const pids = (await readdir(/*turbopackIgnore: true*/ procRoot)).filter((n) => /^\d+$/.test(n)).map(Number);
  const found: number[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      if (pid === process.pid) return;
      const cmdline = await readFile(/*turbopackIgnore: true*/ `${procRoot}/${pid}/cmdline`, "utf8").catch(() => "");
      if (cmdline && cmdline.replace(/\0/g, " ").includes(needle)) found.push(pid);
    }),
  );
  return found.sort((a, b) => a - b);
}
