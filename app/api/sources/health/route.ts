import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { withErrors } from "@/lib/http/errors";
import { listSourceHealth } from "@/lib/sources/list-source-health";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  return NextResponse.json({ items: await listSourceHealth() });
});
