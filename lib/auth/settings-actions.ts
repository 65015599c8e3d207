import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { writeActionLog } from "../audit/write-action-log";
import type { PrismaClient } from "../store/generated/client";
import { createApiToken, revokeApiToken, TOKEN_SCOPES } from "./api-tokens";
import { ROLES, type Actor } from "./roles";
import { createLocalUser, setUserRole } from "./users";

export const CreateUserBodySchema = z.object({ email: z.email().max(200), name: z.string().trim().min(1).max(120), role: z.enum(ROLES) });
export const SetRoleBodySchema = z.object({ role: z.enum(ROLES) });
export const CreateTokenBodySchema = z.object({ name: z.string().trim().min(1).max(80), scope: z.enum(TOKEN_SCOPES) });

/** The password is generated and returned once; only Better Auth's hash is kept. */
export async function addUser(prisma: PrismaClient, actor: Actor, body: z.infer<typeof CreateUserBodySchema>) {
  const password = randomBytes(12).toString("base64url");
  const user = await createLocalUser({ ...body, password });
  await writeActionLog(prisma, { actor: actor.name, action: "create_user", target: { email: user.email, role: user.role }, outcome: "created" });
  return { user, password };
}

export async function changeUserRole(prisma: PrismaClient, actor: Actor, userId: string, role: z.infer<typeof SetRoleBodySchema>["role"]) {
  const before = await prisma.authUser.findUnique({ where: { id: userId }, select: { email: true, role: true } });
  const ok = before ? await setUserRole(prisma, userId, role) : false;
  await writeActionLog(prisma, { actor: actor.name, action: "set_role", target: { userId, email: before?.email ?? null, role }, before, outcome: ok ? "changed" : "not_found" });
  return ok;
}

export async function addToken(prisma: PrismaClient, actor: Actor, body: z.infer<typeof CreateTokenBodySchema>) {
  const created = await createApiToken(prisma, { ...body, createdBy: actor.name });
  await writeActionLog(prisma, { actor: actor.name, action: "create_token", target: { tokenId: created.id, name: body.name, scope: body.scope }, outcome: "created" });
  return created;
}

export async function removeToken(prisma: PrismaClient, actor: Actor, id: number) {
  const ok = await revokeApiToken(prisma, id);
  await writeActionLog(prisma, { actor: actor.name, action: "revoke_token", target: { tokenId: id }, outcome: ok ? "revoked" : "already_revoked" });
  return ok;
}
