import { NextResponse, type NextRequest } from "next/server";
import { getActor } from "@/lib/auth/require-actor";

const PUBLIC = [/^\/sign-in$/, /^\/api\/auth\//, /^\/api\/health$/];
// Push endpoints authenticate with their own bearer tokens (verifyApiToken in the route).
const PUSH = [/^\/api\/ingest(\/|$)/, /^\/api\/failed-writes(\/import)?$/];

/**
 * Nothing is readable without a session: pages redirect to sign-in, API calls get a 401. Routes
 * that act check the role again themselves (requireActor), at the moment they act.
 */
export async function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  if (PUBLIC.some((r) => r.test(path))) return NextResponse.next();
  if (req.method !== "GET" && PUSH.some((r) => r.test(path)) && /^Bearer\s/i.test(req.headers.get("authorization") ?? "")) return NextResponse.next();
  const actor = await getActor(req.headers).catch(() => null);
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
