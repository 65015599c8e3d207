import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { ROLES } from "./roles";
import { countUsers, createLocalUser } from "./users";

const SeedUsersSchema = z.array(z.object({ email: z.string(), password: z.string(), role: z.enum(ROLES), name: z.string().optional() }));

/** Who the audit log names for accounts the server creates at start-up. */
export const SEED_ACTOR = "lockboard (seed)";

/**
 * Accounts from LOCKBOARD_SEED_USERS (a JSON array, created when missing, e.g. for tests); and, on
 * a store with no account at all, one operator with a generated password that is shown once.
 */
export async function ensureInitialUsers(
  prisma: PrismaClient,
  env: Record<string, string | undefined> = process.env,
): Promise<{ created: string[]; generated: { email: string; password: string } | null }> {
  const created: string[] = [];
  if (env.LOCKBOARD_SEED_USERS) {
    const seeds = SeedUsersSchema.parse(JSON.parse(env.LOCKBOARD_SEED_USERS));
    for (const s of seeds) {
      const exists = await prisma.authUser.findUnique({ where: { email: s.email.toLowerCase() } });
      if (exists) continue;
      await createLocalUser(prisma, SEED_ACTOR, { email: s.email, password: s.password, role: s.role, name: s.name ?? s.email.split("@")[0]! });
      created.push(s.email);
    }
  }
  if ((await countUsers(prisma)) > 0) return { created, generated: null };
  const email = "operator@lockboard.local";
  const password = randomBytes(12).toString("base64url");
  await createLocalUser(prisma, SEED_ACTOR, { email, password, role: "operator", name: "Operator" });
  return { created: [...created, email], generated: { email, password } };
}
