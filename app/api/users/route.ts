import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { addUser, CreateUserBodySchema } from "@/lib/auth/settings-actions";
import { listUsers } from "@/lib/auth/users";
import { HttpError, readJsonBody, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "admin");
  return NextResponse.json({ items: await listUsers(getPrisma()) });
});

export const POST = withErrors(async (req: NextRequest) => {
  const actor = await requireActor(req, "admin");
  const body = await readJsonBody(req, CreateUserBodySchema, 4_000);
  const prisma = getPrisma();
  if (await prisma.authUser.findUnique({ where: { email: body.email.toLowerCase() } }))
    throw new HttpError(409, "exists", `an account for ${body.email} already exists`);
  return NextResponse.json(await addUser(prisma, actor, body), { status: 201 });
});
