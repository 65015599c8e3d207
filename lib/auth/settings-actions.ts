import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { createApiToken, revokeApiToken, TOKEN_SCOPES } from "./api-tokens";
import { ROLES, type Actor } from "./roles";
import { TokenSourcesSchema } from "./token-sources";
import { createLocalUser, setUserRole } from "./users";

export const CreateUserBodySchema = z.object({ email: z.email().max(200), name: z.string().trim().min(1).max(120), role: z.enum(ROLES) });
export const SetRoleBodySchema = z.object({ role: z.enum(ROLES) });
export const CreateTokenBodySchema = z.object({ name: z.string().trim().min(1).max(80), scope: z.enum(TOKEN_SCOPES), sources: TokenSourcesSchema.default([]) });

// Each write below commits its audit row in its own transaction (lib/auth/users.ts, api-tokens.ts).

/** The password is generated and returned once; only Better Auth's hash is kept. */
export async function addUser(prisma: PrismaClient, actor: Actor, body: z.infer<typeof CreateUserBodySchema>) {
  const password = randomBytes(12).toString("base64url");
  const { auditId: _auditId, ...user } = await createLocalUser(prisma, actor.name, { ...body, password });
  return { user, password };
}

export const changeUserRole = (prisma: PrismaClient, actor: Actor, userId: string, role: z.infer<typeof SetRoleBodySchema>["role"]) =>
  setUserRole(prisma, actor.name, userId, role);

export async function addToken(prisma: PrismaClient, actor: Actor, body: z.infer<typeof CreateTokenBodySchema>) {
  const { auditId: _auditId, ...created } = await createApiToken(prisma, actor.name, body);
  return created;
}

export const removeToken = (prisma: PrismaClient, actor: Actor, id: number) => revokeApiToken(prisma, actor.name, id);
