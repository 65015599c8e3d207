/** Where a scenario sends its traffic: only servers on 127.0.0.1 (checked by assertLocal). */
export type ScenarioTargets = {
  /** The app database a PostgreSQL scenario creates its tables in. */
  pgUrl: string;
  /** A MongoDB the chat scenario writes to. */
  mongoUrl: string;
  /** Where the simulated apps write their own logs (JSON lines, tracebacks), one file per scenario. */
  logDir: string;
  /** Lockboard itself, for the apps that hand over failed writes; null when no dashboard runs. */
  lockboard: { url: string; failedWritesToken: string } | null;
};

export type ScenarioContext = ScenarioTargets & {
  signal: AbortSignal;
  /** Seconds between bursts: the demo runs gently, tests faster. */
  pace: number;
  log: (msg: string) => void;
};

export type ScenarioReport = Record<string, number | string | boolean>;

export type Scenario = {
  name: string;
  summary: string;
  /** Runs until the signal aborts, then cleans up what it created and reports what it did. */
  run(ctx: ScenarioContext, opts: Record<string, string | boolean | undefined>): Promise<ScenarioReport>;
};

/** Load and fault traffic never leaves this machine. */
export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) throw new Error(`scenarios only send traffic to 127.0.0.1, not ${host}`);
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
