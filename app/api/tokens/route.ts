import { NextResponse, type NextRequest } from "next/server";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requireActor } from "@/lib/auth/require-actor";
import { addToken, CreateTokenBodySchema } from "@/lib/auth/settings-actions";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "admin");
  return NextResponse.json({ items: await listApiTokens(getPrisma()) });
});

export const POST = withErrors(async (req: NextRequest) => {
  const actor = await requireActor(req, "admin");
  const body = await readJsonBody(req, CreateTokenBodySchema, 2_000);
  return NextResponse.json(await addToken(getPrisma(), actor, body), { status: 201 });
});
