import "server-only";
import { getPrisma } from "../store/prisma";
import { writeActionLog } from "./write-action-log";

/**
 * The `user.create` row for an account Better Auth made at a first single sign-on. Better Auth
 * runs `user.create.after` once its own transaction (on its own pool) has committed, so this row
 * cannot share it: it is written right after, and a failure is logged with the account named.
 */
export async function auditSsoUserCreated(user: { id: string; email: string; role?: unknown }, providerId: string): Promise<void> {
  try {
    await writeActionLog(getPrisma(), {
      actor: `sso:${providerId}`,
      action: "user.create",
      target: { userId: user.id, email: user.email, role: typeof user.role === "string" ? user.role : null },
      detail: { signIn: providerId },
      outcome: "created",
    });
  } catch (err) {
    console.error(`[lockboard] audit row for the account ${user.email} created by single sign-on (${providerId}) was not written:`, err);
  }
}
