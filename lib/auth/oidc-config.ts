import "server-only";
import type { Role } from "./roles";

export const OIDC_PROVIDER_ID = "oidc";

/**
 * OpenID Connect from the environment: any issuer with a discovery document.
 * LOCKBOARD_OIDC_ISSUER, LOCKBOARD_OIDC_CLIENT_ID, LOCKBOARD_OIDC_CLIENT_SECRET (and optionally
 * LOCKBOARD_OIDC_NAME for the button).
 */
export function oidcConfigFromEnv(env: Record<string, string | undefined> = process.env) {
  const issuer = env.LOCKBOARD_OIDC_ISSUER;
  const clientId = env.LOCKBOARD_OIDC_CLIENT_ID;
  if (!issuer || !clientId) return null;
  return {
    providerId: OIDC_PROVIDER_ID,
    name: env.LOCKBOARD_OIDC_NAME ?? "Single sign-on",
    discoveryUrl: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId,
    clientSecret: env.LOCKBOARD_OIDC_CLIENT_SECRET,
    scopes: ["openid", "email", "profile"],
    pkce: true,
  };
}

const list = (v?: string) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * People who sign in through the organisation's issuer read by default; LOCKBOARD_OIDC_ADMINS and
 * LOCKBOARD_OIDC_OPERATORS (comma-separated e-mails or @domain suffixes) grant more. An admin can
 * change a role later on the Settings page.
 */
export function roleForOidcProfile(email: string, env: Record<string, string | undefined> = process.env): Role {
  const e = email.toLowerCase();
  const matches = (entries: string[]) => entries.some((x) => (x.startsWith("@") ? e.endsWith(x) : e === x));
  if (matches(list(env.LOCKBOARD_OIDC_ADMINS))) return "admin";
  if (matches(list(env.LOCKBOARD_OIDC_OPERATORS))) return "operator";
  return "viewer";
}
