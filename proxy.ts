import { NextResponse, type NextRequest } from "next/server";
import { getActor } from "@/lib/auth/require-actor";
import { isBearerPush } from "@/lib/auth/push-exemption";
import { errorResponse } from "@/lib/http/errors";
import { rejectBadPath } from "@/lib/http/path-segments";
import { storeUnavailableReason } from "@/lib/http/store-errors";

const PUBLIC = [/^\/sign-in$/, /^\/api\/auth\//, /^\/api\/health$/];

/**
 * Nothing is readable without a session: pages redirect to sign-in, API calls get a 401. The only
 * exception is a POST to a push endpoint carrying a bearer token (the route verifies the token).
 * Routes check the actor again themselves (requireActor), at the moment they act.
 */
export async function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  // Next's router answers 500 to a segment it cannot decode, before any handler: refuse it here.
  const badPath = rejectBadPath(path);
  if (badPath) return badPath;
  if (PUBLIC.some((r) => r.test(path))) return NextResponse.next();
  if (isBearerPush(req.method, path, req.headers.get("authorization"))) return NextResponse.next();
  let actor;
  try {
    actor = await getActor(req.headers);
  } catch (err) {
    // The store down is an outage (503, Retry-After), not a reason to sign in again.
    if (path.startsWith("/api/") && storeUnavailableReason(err)) return errorResponse(err, req);
    actor = null;
  }
  if (actor) return NextResponse.next();
  if (path.startsWith("/api/")) {
    return NextResponse.json({ error: { code: "unauthenticated", message: "sign in first" } }, { status: 401 });
  }
  const url = new URL("/sign-in", req.url);
  if (path !== "/") url.searchParams.set("next", path + req.nextUrl.search);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|screenshots/).*)"],
};
