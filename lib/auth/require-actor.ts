import "server-only";
import { HttpError } from "../http/errors";
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

/**
 * The signed-in person allowed to do `role`'s work; every action route calls this first.
 * Until sign-in lands (issue 9) everyone is the local operator named by LOCKBOARD_OPERATOR.
 */
export async function requireActor(req: Request, role: Role): Promise<Actor> {
  assertSameOrigin(req);
  const actor: Actor = { name: process.env.LOCKBOARD_OPERATOR ?? "local-operator", role: "admin" };
  if (!roleAllows(actor.role, role)) throw new HttpError(403, "forbidden", `this needs the ${role} role; you are ${actor.role}`);
  return actor;
}
