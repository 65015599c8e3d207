import "server-only";
import { createHmac } from "node:crypto";
import { betterAuth } from "better-auth";
import { nextCookies } from "better-auth/next-js";
import { genericOAuth } from "better-auth/plugins";
import pg from "pg";
import { secretKeyMaterial } from "../sources/secret-box";
import { oidcConfigFromEnv, roleForOidcProfile } from "./oidc-config";

function createAuth() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: start Lockboard with `npm run demo`");
  const oidc = oidcConfigFromEnv();
  return betterAuth({
    appName: "Lockboard",
    baseURL: process.env.LOCKBOARD_PUBLIC_URL,
    // Separate from the at-rest key, but derived from it so one secret configures the install.
    secret: process.env.LOCKBOARD_AUTH_SECRET ?? createHmac("sha256", secretKeyMaterial()).update("lockboard-auth").digest("base64url"),
    database: new pg.Pool({ connectionString, max: 5, application_name: "lockboard-auth" }),
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
    rateLimit: {
      enabled: true,
      window: 60,
      max: 200,
      customRules: {
        "/sign-in/email": { window: 60, max: Number(process.env.LOCKBOARD_SIGNIN_RATE_PER_MINUTE) || 10 },
        "/sign-in/social": { window: 60, max: 20 },
      },
    },
    advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for", "x-real-ip"] } },
    databaseHooks: oidc
      ? {
          user: {
            create: {
              // Only people arriving through the issuer get a mapped role; local accounts carry their own.
              before: async (user, ctx) => (ctx?.path?.startsWith("/callback/") ? { data: { ...user, role: roleForOidcProfile(user.email) } } : undefined),
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
