// No "server-only": the Failed writes page and the audit sentences name where a replay came from.

/**
 * Where a replay was started: the Failed writes page (or its API, with a signed-in session), the
 * command line (`npm run replay`), or the retry job that takes up writes due again.
 */
export const REPLAY_ORIGINS = ["dashboard", "cli", "retry"] as const;
export type ReplayOrigin = (typeof REPLAY_ORIGINS)[number];

/** The retry job's name as the audit log and the run list show it. */
export const RETRY_ACTOR = "lockboard (retry)";

/** The reason the retry job's work records (it has no person to ask). */
export const RETRY_REASON = "scheduled retry after a transient error or an expired lease";

const WORDS: Record<ReplayOrigin, string> = {
  dashboard: "from the dashboard",
  cli: "from the command line",
  retry: "by the retry job",
};

export function originWords(origin: unknown): string {
  return typeof origin === "string" && origin in WORDS ? WORDS[origin as ReplayOrigin] : "from an unrecorded place";
}

/** Who started a run and from where, apart: ana@… / from the dashboard, ana / from the command line, the retry job. */
export function starterParts(actor: string, origin: unknown): { who: string; where: string } {
  if (origin === "retry") return { who: "the retry job", where: "" };
  return { who: origin === "cli" && actor.startsWith("cli:") ? actor.slice(4) : actor, where: originWords(origin) };
}

/** "ana@example.com from the dashboard", "ana from the command line" (not "cli:ana … from the command line"). */
export function starterWords(actor: string, origin: unknown): string {
  const { who, where } = starterParts(actor, origin);
  return where ? `${who} ${where}` : who;
}

/**
 * A replayer's technical id (`host:pid:hex`, `retry:host:pid:hex`) in words, with the run that
 * used it when there is one; the id itself stays for a tooltip.
 */
export function replayerWords(worker: string, run?: { id: number; actor: string; origin: string } | null): string {
  if (worker.startsWith("retry:")) return run ? `the retry job (run #${run.id})` : "the retry job";
  if (!run) return "a replay with no run recorded";
  return `run #${run.id} by ${starterWords(run.actor, run.origin)}`;
}
