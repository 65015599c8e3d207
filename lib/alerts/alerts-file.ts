import "server-only";
import { readFileSync } from "node:fs";
import type { PrismaClient } from "../store/generated/client";
import { AlertsFileSchema } from "./alert-schemas";
import { writeDestination } from "./destinations";
import { writeRule } from "./rules";

/** Who the audit names for a change that came from the file. */
export const ALERTS_FILE_ACTOR = "lockboard (LOCKBOARD_ALERTS_FILE)";

/**
 * LOCKBOARD_ALERTS_FILE: destinations and rules as code, upserted by name at start-up in one
 * transaction (all or nothing), each change audited; an entry that did not change writes nothing.
 * Entries made on the Settings page and absent from the file are left alone.
 */
export async function loadAlertsFile(
  prisma: PrismaClient,
  env: Record<string, string | undefined> = process.env,
): Promise<{ destinations: number; rules: number } | null> {
  const file = env.LOCKBOARD_ALERTS_FILE;
  if (!file) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`LOCKBOARD_ALERTS_FILE ${file} is not readable JSON: ${(err as Error).message}`);
  }
  const parsed = AlertsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`LOCKBOARD_ALERTS_FILE ${file}: ${issue.path.join(".") || "(top)"}: ${issue.message}`);
  }
  const { destinations, rules } = parsed.data;
  await prisma.$transaction(
    async (tx) => {
      for (const d of destinations) await writeDestination(tx, ALERTS_FILE_ACTOR, d, undefined, "file");
      for (const r of rules) await writeRule(tx, ALERTS_FILE_ACTOR, r, undefined, "file");
    },
    { timeout: 30_000 },
  );
  return { destinations: destinations.length, rules: rules.length };
}
