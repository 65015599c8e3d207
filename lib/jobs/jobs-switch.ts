import "server-only";
import { z } from "zod";

const JobsSwitchSchema = z.enum(["on", "off"]);

/**
 * LOCKBOARD_JOBS: `on` (the default) or `off`, e.g. for a read-only instance beside the one that
 * samples. Anything else is refused rather than guessed, and the jobs stay off.
 */
export function getJobsSwitch(env: Record<string, string | undefined> = process.env): { on: boolean; error?: string } {
  const raw = env.LOCKBOARD_JOBS?.trim().toLowerCase();
  if (!raw) return { on: true };
  const parsed = JobsSwitchSchema.safeParse(raw);
  if (!parsed.success) return { on: false, error: `LOCKBOARD_JOBS must be "on" or "off", not ${JSON.stringify(env.LOCKBOARD_JOBS)}` };
  return { on: parsed.data === "on" };
}
