import "server-only";

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs `stop` (for at most `graceMs`) on SIGTERM or SIGINT, before the handlers installed so far.
 * Those are Next's own: they exit the process as soon as in-flight requests are done, which would
 * cut a sampler pass or a replay batch short if they ran side by side with ours.
 */
export function stopBeforeExit(stop: () => Promise<void>, graceMs: number, log: (msg: string) => void): void {
  let stopping: Promise<void> | null = null;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const earlier = process.listeners(signal);
    process.removeAllListeners(signal);
    const onSignal = () => {
      stopping ??= stopWithin(stop, graceMs, log);
      void stopping.then(() => {
        for (const listener of earlier) listener(signal);
        // Nobody else handles the signal (a custom server, NEXT_MANUAL_SIG_HANDLE): keep its default, exiting.
        if (earlier.length === 0 && process.listenerCount(signal) === 1) process.exit(EXIT_CODES[signal]);
      });
    };
    process.on(signal, onSignal);
  }
}

async function stopWithin(stop: () => Promise<void>, graceMs: number, log: (msg: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), graceMs)));
  try {
    const outcome = await Promise.race([stop().then(() => "stopped" as const), late]);
    log(outcome === "stopped" ? "[lockboard] background jobs stopped" : `[lockboard] background jobs still running after ${graceMs} ms; exiting anyway`);
  } catch (err) {
    log(`[lockboard] background jobs stopped with an error: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
