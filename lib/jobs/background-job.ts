import type { PrismaClient } from "../store/generated/client";

export type BackgroundJob = {
  name: string;
  intervalMs(): number;
  run(ctx: { prisma: PrismaClient; signal: AbortSignal }): Promise<void>;
};

/** Interval from an env var in seconds, falling back when unset or not a positive number. */
export function secondsFromEnv(name: string, fallbackSeconds: number): number {
  const v = Number(process.env[name]);
  return (Number.isFinite(v) && v > 0 ? v : fallbackSeconds) * 1000;
}
