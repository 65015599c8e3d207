import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { listSources, saveSource, SourceInputSchema } from "@/lib/sources/source-registry";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  return NextResponse.json({ items: await listSources(getPrisma()) });
});

export const POST = withErrors(async (req: NextRequest) => {
  const actor = await requireActor(req, "admin");
  const input = await readJsonBody(req, SourceInputSchema, 64_000);
  return NextResponse.json({ source: await saveSource(getPrisma(), actor.name, input) }, { status: 201 });
});
