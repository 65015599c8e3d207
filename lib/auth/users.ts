import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { getAuth } from "./auth";
import { ROLES, type Role } from "./roles";

export const LocalUserInputSchema = z.object({
  email: z.email().max(200).transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(120),
  password: z.string().min(10, "at least 10 characters").max(200),
  role: z.enum(ROLES),
});
export type LocalUserInput = z.input<typeof LocalUserInputSchema>;

/** A local (e-mail + password) account; Better Auth hashes the password (scrypt). */
export async function createLocalUser(input: LocalUserInput): Promise<{ id: string; email: string; role: Role }> {
  const u = LocalUserInputSchema.parse(input);
  const ctx = await getAuth().$context;
  if (await ctx.internalAdapter.findUserByEmail(u.email)) throw new Error(`an account for ${u.email} already exists`);
  const user = await ctx.internalAdapter.createUser({ email: u.email, name: u.name, emailVerified: true, role: u.role }, { method: "admin" });
  await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: await ctx.password.hash(u.password) });
  return { id: user.id, email: u.email, role: u.role };
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

/** Applies at the user's next request: every route reads the role from the store, not from the cookie. */
export async function setUserRole(prisma: PrismaClient, userId: string, role: Role): Promise<boolean> {
  const res = await prisma.authUser.updateMany({ where: { id: userId }, data: { role, updatedAt: new Date() } });
  return res.count === 1;
}

export const countUsers = (prisma: PrismaClient) => prisma.authUser.count();
