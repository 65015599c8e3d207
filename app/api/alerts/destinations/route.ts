import { NextResponse, type NextRequest } from "next/server";
import { AlertDestinationInputSchema } from "@/lib/alerts/alert-schemas";
import { saveDestination } from "@/lib/alerts/destinations";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

/** The answer shows the URL cut to its origin and the secret only as "set", never either itself. */
export const POST = withErrors(async (req: NextRequest) => {
  const actor = await requireActor(req, "admin");
  const body = await readJsonBody(req, AlertDestinationInputSchema, 10_000);
  return NextResponse.json(await saveDestination(getPrisma(), actor.name, body), { status: 201 });
});
