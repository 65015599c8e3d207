import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const DIR = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "scripts/scenarios/python");

/** Starts one of the Python apps; resolves with the child and its first JSON line (the "ready" line). */
export function startPythonApp(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; ready: Record<string, unknown>; lastLine: () => Record<string, unknown> | null }> {
  const child = spawn(process.env.LOCKBOARD_PYTHON ?? "python3", [path.join(DIR, script), ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const lines: Record<string, unknown>[] = [];
  let buf = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          lines.push(JSON.parse(line));
        } catch {
          continue;
        }
        if (lines.length === 1) resolve({ child, ready: lines[0]!, lastLine: () => lines.at(-1) ?? null });
      }
    });
    child.once("error", reject);
    child.once("exit", (code) => lines.length === 0 && reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
