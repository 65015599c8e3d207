import { NextResponse } from "next/server";
import { getActor } from "@/lib/auth/require-actor";
import { roleAllows } from "@/lib/auth/roles";
import { getHealth } from "@/lib/health/get-health";
import { logServerError } from "@/lib/http/errors";
import { getEventStorageCached } from "@/lib/store/get-event-storage";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/**
 * Public, for load balancers and the e2e server's readiness wait: without a session only
 * `{status}` (200 when up, 503 when the store is down); the version, the store's error and the
 * pending migrations are for signed-in users, and the store's size and how far back its events
 * go (`storage`) for admins.
 */
export async function GET(req: Request) {
  const health = await getHealth();
  const code = health.status === "down" ? 503 : 200;
  const headers: Record<string, string> = code === 503 ? { "retry-after": "5" } : {};
  const actor = await getActor(req.headers).catch(() => null);
  if (!actor) return NextResponse.json({ status: health.status }, { status: code, headers });
  if (!roleAllows(actor.role, "admin") || health.status === "down") return NextResponse.json(health, { status: code, headers });
  const storage = await getEventStorageCached(getPrisma()).catch((err: unknown) => ({
    error: `storage figures unavailable (error id ${logServerError(err, "GET /api/health storage")})`,
  }));
  return NextResponse.json({ ...health, storage }, { status: code, headers });
}
