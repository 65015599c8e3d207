import "server-only";
import { HttpError } from "../http/errors";
import { getAuth } from "./auth";
import { roleAllows, type Actor, type Role } from "./roles";

/**
 * Refuses a state-changing request sent by another site: browsers send Origin (and
 * Sec-Fetch-Site) on cross-site POSTs, so either one pointing elsewhere is enough to refuse.
 */
export function assertSameOrigin(req: Request): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const site = req.headers.get("sec-fetch-site");
  if (site === "cross-site") throw new HttpError(403, "cross_site", "cross-site requests may not change anything");
  const origin = req.headers.get("origin");
  if (!origin) return;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new HttpError(403, "cross_site", "the request's Origin header is not a URL");
  }
  if (originHost !== host) throw new HttpError(403, "cross_site", `requests from ${origin} may not change anything here`);
}

/** The signed-in person, read fresh from the store on every call (so a role change or sign-out applies at once). */
export async function getActor(headers: Headers): Promise<Actor | null> {
  const session = await getAuth().api.getSession({ headers });
  if (!session) return null;
  const user = session.user as typeof session.user & { role?: string };
  return { name: user.email, role: (user.role as Role) ?? "viewer", userId: user.id };
}

/** Every route that reads or changes anything calls this first: 401 without a session, 403 without the role. */
export async function requireActor(req: Request, role: Role): Promise<Actor> {
  assertSameOrigin(req);
  const actor = await getActor(req.headers);
  if (!actor) throw new HttpError(401, "unauthenticated", "sign in first");
  if (!roleAllows(actor.role, role)) throw new HttpError(403, "forbidden", `this needs the ${role} role; ${actor.name} is a ${actor.role}`);
  return actor;
}
