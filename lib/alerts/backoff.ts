// Pure: when a failed delivery is tried again.

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** A message still undelivered this long after it was written is given up (and shown as failed). */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/**
 * Exponential with "equal jitter": half the step fixed, half random, so many instances retrying
 * one receiver that came back do not arrive together, and no retry comes sooner than half a step.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
