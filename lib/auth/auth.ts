import "server-only";
import { createHmac } from "node:crypto";
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { genericOAuth } from "better-auth/plugins";
import pg from "pg";
import { auditSsoUserCreated } from "../audit/audit-sso-user";
import { trackOwnBackends } from "../postgres/own-backends";
import { keepPoolAlive } from "../store/pool-errors";
import { secretKeyMaterial } from "../sources/secret-box";
import { secureCookiesFor } from "./cookie-policy";
import { oidcConfigFromEnv, roleForOidcProfile } from "./oidc-config";
import { admitSignIn, signInSucceeded } from "./sign-in-limit";

/** Set by app/api/auth from the resolved client address (lib/http/client-address), replacing any the client sent. */
export const CLIENT_ADDRESS_HEADER = "x-lockboard-client-address";

function createAuth() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start Lockboard with `npm run demo`");
  const oidc = oidcConfigFromEnv();
  return betterAuth({
    appName: "Lockboard",
    baseURL: process.env.LOCKBOARD_PUBLIC_URL,
    // Separate from the at-rest key, but derived from it so one secret configures the install.
    secret: process.env.LOCKBOARD_AUTH_SECRET ?? createHmac("sha256", secretKeyMaterial()).update("lockboard-auth").digest("base64url"),
    database: trackOwnBackends(keepPoolAlive(new pg.Pool({ connectionString, max: 5, application_name: "lockboard-auth" }), "auth"), "auth"),
    user: {
      modelName: "auth_user",
      additionalFields: { role: { type: "string", required: false, defaultValue: "viewer", input: false } },
    },
    session: { modelName: "auth_session", expiresIn: 60 * 60 * 12, updateAge: 60 * 60 },
    account: { modelName: "auth_account" },
    verification: { modelName: "auth_verification" },
    // Local accounts are created by an admin (or the demo), never by self-service sign-up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10 },
    // Same-site only: the dashboard's own origin, whatever host name the operator used to reach it.
    trustedOrigins: async (request) => {
      const host = request?.headers.get("x-forwarded-host") ?? request?.headers.get("host");
      const proto = request?.headers.get("x-forwarded-proto") ?? "http";
      return [host ? `${proto}://${host}` : undefined, process.env.LOCKBOARD_PUBLIC_URL];
    },
    // Password sign-in has its own sliding-window limits (hooks below); this coarse limit covers the
    // rest, keyed on the address app/api/auth resolved (never on a header the client wrote). In the
    // store, with Better Auth's atomic increments, so every instance counts against one limit.
    rateLimit: {
      enabled: true,
      window: 60,
      max: 200,
      storage: "database",
      modelName: "auth_rate_limit",
      customRules: { "/sign-in/email": false, "/sign-in/social": { window: 60, max: 20 } },
    },
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] }, useSecureCookies: secureCookiesFor(process.env.LOCKBOARD_PUBLIC_URL) },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        // In-process calls (seeding, tests) have no request and no client to limit.
        if (ctx.path !== "/sign-in/email" || !ctx.request) return;
        const verdict = await admitSignIn(ctx.request.headers, (ctx.body as { email?: unknown } | undefined)?.email);
        if (verdict.ok) return;
        throw new APIError(
          "TOO_MANY_REQUESTS",
          { code: "RATE_LIMITED", message: `too many sign-in attempts; retry in ${verdict.retryAfterSeconds} s` },
          { "retry-after": String(verdict.retryAfterSeconds) },
        );
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-in/email" && ctx.context.newSession) await signInSucceeded((ctx.body as { email?: unknown } | undefined)?.email);
      }),
    },
    databaseHooks: oidc
      ? {
          user: {
            create: {
              // Only people arriving through the issuer get a mapped role; local accounts carry their own.
              before: async (user, ctx) => (ctx?.path?.startsWith("/callback/") ? { data: { ...user, role: roleForOidcProfile(user.email) } } : undefined),
              after: async (user, ctx) => {
                if (ctx?.path?.startsWith("/callback/")) await auditSsoUserCreated(user, oidc.providerId);
              },
            },
          },
        }
      : undefined,
    plugins: [...(oidc ? [genericOAuth({ config: [oidc] })] : []), nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { lockboardAuth?: Auth };

/** The one Better Auth instance of this process (created on first use, when DATABASE_URL is known). */
export function getAuth(): Auth {
  return (globalForAuth.lockboardAuth ??= createAuth());
}
