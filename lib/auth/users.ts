import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { writeActionLog } from "../audit/write-action-log";
import type { PrismaClient } from "../store/generated/client";
import { getAuth } from "./auth";
import { ROLES, type Role } from "./roles";

export const LocalUserInputSchema = z.object({
  email: z
    .email()
    .max(200)
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(120),
  password: z.string().min(10, "at least 10 characters").max(200),
  role: z.enum(ROLES),
});
export type LocalUserInput = z.input<typeof LocalUserInputSchema>;

/**
 * A local (e-mail + password) account and its `user.create` audit row, in one transaction: the
 * rows Better Auth's adapter would write, with its own id generator and password hash (scrypt).
 */
export async function createLocalUser(
  prisma: PrismaClient,
  actor: string,
  input: LocalUserInput,
): Promise<{ id: string; email: string; role: Role; auditId: number }> {
  const u = LocalUserInputSchema.parse(input);
  const ctx = await getAuth().$context;
  const hash = await ctx.password.hash(u.password);
  const newId = (model: "user" | "account") => ctx.generateId({ model }) || randomUUID();
  return prisma.$transaction(async (tx) => {
    if (await tx.authUser.findUnique({ where: { email: u.email }, select: { id: true } })) throw new Error(`an account for ${u.email} already exists`);
    const now = new Date();
    const user = await tx.authUser.create({
      data: { id: newId("user"), email: u.email, name: u.name, emailVerified: true, role: u.role, createdAt: now, updatedAt: now },
    });
    await tx.authAccount.create({
      data: { id: newId("account"), userId: user.id, providerId: "credential", accountId: user.id, password: hash, createdAt: now, updatedAt: now },
    });
    const log = await writeActionLog(tx, {
      actor,
      action: "user.create",
      target: { userId: user.id, email: u.email, role: u.role },
      detail: { signIn: "password" },
      outcome: "created",
    });
    return { id: user.id, email: u.email, role: u.role, auditId: log.id };
  });
}

export type UserRow = { id: string; name: string; email: string; role: string; createdAt: string; sessions: number; signIn: string[] };

export async function listUsers(prisma: PrismaClient): Promise<UserRow[]> {
  const rows = await prisma.authUser.findMany({
    orderBy: { createdAt: "asc" },
    include: { accounts: { select: { providerId: true } }, _count: { select: { sessions: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    createdAt: r.createdAt.toISOString(),
    sessions: r._count.sessions,
    signIn: r.accounts.map((a) => (a.providerId === "credential" ? "password" : a.providerId)),
  }));
}

/**
 * Applies at the user's next request: every route reads the role from the store, not from the
 * cookie. The `user.role` row (with the role before) is written in the same transaction, also
 * when no account has this id.
 */
export async function setUserRole(prisma: PrismaClient, actor: string, userId: string, role: Role): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ email: string; role: string }[]>`SELECT email, role FROM auth_user WHERE id = ${userId} FOR UPDATE`;
    if (before && before.role !== role) await tx.authUser.update({ where: { id: userId }, data: { role, updatedAt: new Date() } });
    const outcome = !before ? "not_found" : before.role === role ? "unchanged" : "changed";
    await writeActionLog(tx, { actor, action: "user.role", target: { userId, email: before?.email ?? null, role }, before: before ?? null, outcome });
    return !!before;
  });
}

export const countUsers = (prisma: PrismaClient) => prisma.authUser.count();
