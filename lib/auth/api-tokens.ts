import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../store/generated/client";
import { HttpError } from "../http/errors";
import { enforceRateLimit } from "../http/rate-limit";

const PUSH_RATE_PER_MINUTE = () => Number(process.env.LOCKBOARD_PUSH_RATE_PER_MINUTE) || 1200;

export const TOKEN_SCOPES = ["ingest", "failed-writes"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const ENV_TOKENS: Record<TokenScope, string> = {
  ingest: "LOCKBOARD_INGEST_TOKEN",
  "failed-writes": "LOCKBOARD_FAILED_WRITES_TOKEN",
};

// Tokens are 32 random bytes, so a plain SHA-256 is enough (no password stretching needed).
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createApiToken(
  prisma: PrismaClient,
  input: { name: string; scope: TokenScope; createdBy?: string },
): Promise<{ id: number; token: string }> {
  const token = `lbt_${input.scope === "ingest" ? "in" : "fw"}_${randomBytes(32).toString("base64url")}`;
  const row = await prisma.apiToken.create({
    data: { name: input.name, scope: input.scope, tokenHash: hashToken(token), prefix: token.slice(0, 12), createdBy: input.createdBy },
  });
  return { id: row.id, token };
}

export async function revokeApiToken(prisma: PrismaClient, id: number): Promise<boolean> {
  const res = await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return res.count === 1;
}

export async function listApiTokens(prisma: PrismaClient) {
  const rows = await prisma.apiToken.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map(({ tokenHash: _hash, ...rest }) => rest);
}

export type TokenIdentity = { tokenId: number | null; name: string; scope: TokenScope };

/** The caller of a push endpoint: a live token of this scope, or the scope's env token; else 401. */
export async function verifyApiToken(prisma: PrismaClient, req: Request, scope: TokenScope): Promise<TokenIdentity> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const unauthorized = (why: string) =>
    new HttpError(401, "unauthorized", why, { "www-authenticate": `Bearer realm="lockboard", scope="${scope}"` });
  if (!match) throw unauthorized(`send "Authorization: Bearer <token>" with a ${scope} token`);
  const token = match[1]!;
  const hash = hashToken(token);

  const envToken = process.env[ENV_TOKENS[scope]];
  if (envToken && timingSafeEqual(Buffer.from(hashToken(envToken), "hex"), Buffer.from(hash, "hex"))) {
    enforceRateLimit(`push:${scope}:env`, PUSH_RATE_PER_MINUTE());
    return { tokenId: null, name: ENV_TOKENS[scope], scope };
  }
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: hash } });
  if (!row || row.revokedAt || row.scope !== scope) throw unauthorized(`the token is unknown, revoked or not a ${scope} token`);
  enforceRateLimit(`push:${scope}:${row.id}`, PUSH_RATE_PER_MINUTE());
  // Best effort: a busy store must not fail the push over a bookkeeping write.
  void prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  return { tokenId: row.id, name: row.name, scope };
}
