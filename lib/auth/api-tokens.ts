import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { writeActionLog } from "../audit/write-action-log";
import type { PrismaClient } from "../store/generated/client";
import { HttpError } from "../http/errors";
import { enforceRateLimit } from "../http/rate-limit";
import { TokenSourcesSchema } from "./token-sources";

const PUSH_RATE_PER_MINUTE = () => Number(process.env.LOCKBOARD_PUSH_RATE_PER_MINUTE) || 1200;

export const TOKEN_SCOPES = ["ingest", "failed-writes"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const ENV_TOKENS: Record<TokenScope, string> = {
  ingest: "LOCKBOARD_INGEST_TOKEN",
  "failed-writes": "LOCKBOARD_FAILED_WRITES_TOKEN",
};

// Tokens are 32 random bytes, so a plain SHA-256 is enough (no password stretching needed).
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The token and its `token.create` audit row in one transaction; the token is shown once, only its hash is kept. */
export async function createApiToken(
  prisma: PrismaClient,
  actor: string,
  input: { name: string; scope: TokenScope; sources?: string[] },
): Promise<{ id: number; token: string; sources: string[]; auditId: number }> {
  const token = `lbt_${input.scope === "ingest" ? "in" : "fw"}_${randomBytes(32).toString("base64url")}`;
  const sources = TokenSourcesSchema.parse(input.sources ?? []);
  return prisma.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: { name: input.name, scope: input.scope, sources, tokenHash: hashToken(token), prefix: token.slice(0, 12), createdBy: actor },
    });
    const log = await writeActionLog(tx, {
      actor,
      action: "token.create",
      target: { tokenId: row.id, name: row.name, scope: row.scope, sources: row.sources, prefix: row.prefix },
      outcome: "created",
    });
    return { id: row.id, token, sources: row.sources, auditId: log.id };
  });
}

/** Revokes a live token; the `token.revoke` row is written in the same transaction, also when there was nothing to revoke. */
export async function revokeApiToken(prisma: PrismaClient, actor: string, id: number): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const res = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    await writeActionLog(tx, { actor, action: "token.revoke", target: { tokenId: id }, outcome: res.count === 1 ? "revoked" : "already_revoked" });
    return res.count === 1;
  });
}

export async function listApiTokens(prisma: PrismaClient) {
  const rows = await prisma.apiToken.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map(({ tokenHash: _hash, ...rest }) => rest);
}

/** `sources`: the names the token is bound to; empty when unbound (assertTokenMaySources says what that allows). */
export type TokenIdentity = { tokenId: number | null; name: string; scope: TokenScope; sources: string[] };

/**
 * The caller of a push endpoint: a live token of this scope, or the scope's env token (always
 * unbound); else 401. The route then checks each source it writes to with assertTokenMaySources.
 */
export async function verifyApiToken(prisma: PrismaClient, req: Request, scope: TokenScope): Promise<TokenIdentity> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const unauthorized = (why: string) => new HttpError(401, "unauthorized", why, { "www-authenticate": `Bearer realm="lockboard", scope="${scope}"` });
  if (!match) throw unauthorized(`send "Authorization: Bearer <token>" with a ${scope} token`);
  const token = match[1]!;
  const hash = hashToken(token);

  const envToken = process.env[ENV_TOKENS[scope]];
  if (envToken && timingSafeEqual(Buffer.from(hashToken(envToken), "hex"), Buffer.from(hash, "hex"))) {
    await enforceRateLimit(prisma, `push:${scope}:env`, PUSH_RATE_PER_MINUTE());
    return { tokenId: null, name: ENV_TOKENS[scope], scope, sources: [] };
  }
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: hash } });
  if (!row || row.revokedAt || row.scope !== scope) throw unauthorized(`the token is unknown, revoked or not a ${scope} token`);
  await enforceRateLimit(prisma, `push:${scope}:${row.id}`, PUSH_RATE_PER_MINUTE());
  // Best effort: a busy store must not fail the push over a bookkeeping write.
  void prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  return { tokenId: row.id, name: row.name, scope, sources: row.sources };
}
