import type { ImpactWindow } from "@/lib/postgres/list-holder-impact";
import { formatMs } from "./format";

const pair = (ws: ImpactWindow[], f: (w: ImpactWindow) => number) => ws.map(f).join(" / ");

/**
 * What the samples and the logs saw over the last minutes, not just this instant: waiters come
 * and go between two snapshots (a 200 ms retry storm), so "blocks nobody right now" can hide one.
 */
export function ImpactNote({ windows, testId = "lock-impact" }: { windows: ImpactWindow[] | undefined; testId?: string }) {
  if (!windows?.length) return null;
  const longest = Math.max(0, ...windows.map((w) => w.longestWaitMs ?? 0));
  const quiet = windows.every((w) => w.waits === 0 && w.events === 0);
  const mins = windows.map((w) => w.minutes).join(" / ");
  return (
    <div data-testid={testId} className={`text-xs ${quiet ? "text-slate-500" : "text-amber-800 dark:text-amber-300"}`}>
      {quiet ? (
        `no waiter seen in the last ${windows.at(-1)!.minutes} min`
      ) : (
        <>
          last {mins} min: blocked {pair(windows, (w) => w.waiters)} session{windows.at(-1)!.waiters === 1 ? "" : "s"} ({pair(windows, (w) => w.waits)} waits
          sampled)
          {windows.some((w) => w.events > 0) && ` · ${pair(windows, (w) => w.events)} lock timeouts/waits logged`}
          {longest > 0 && ` · longest wait ${formatMs(longest)}`}
        </>
      )}
    </div>
  );
}
