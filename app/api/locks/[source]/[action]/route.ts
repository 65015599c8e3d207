import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { HttpError, readJsonBody, withErrors } from "@/lib/http/errors";
import { readPathParams, sourceNameParam } from "@/lib/http/path-params";
import { LOCK_ACTIONS, LockActionInputSchema, performLockAction, type LockAction } from "@/lib/postgres/lock-action";
import { getLockSource } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const STATUS = { released: 200, already_released: 200, refused: 409, failed: 502 } as const;

/** POST /api/locks/:source/release | cancel | terminate — guarded, audited, reason required. */
export const POST = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string; action: string }> }) => {
  const actor = await requireActor(req, "operator");
  const params = await readPathParams(ctx.params, { source: sourceNameParam, action: z.string() });
  if (!(LOCK_ACTIONS as readonly string[]).includes(params.action)) {
    throw new HttpError(404, "not_found", `unknown lock action "${params.action}": use ${LOCK_ACTIONS.join(", ")}`);
  }
  const action = params.action as LockAction;
  const input = await readJsonBody(req, LockActionInputSchema, 16_000);
  if (action === "release" && !input.lock) throw new HttpError(400, "bad_request", 'invalid field "lock": release needs the advisory lock to release');
  const prisma = getPrisma();
  const { source, url } = await getLockSource(prisma, params.source);
  const result = await performLockAction(prisma, { actor, source, url, action, input });
  const status = result.code === "insufficient_rights" ? 403 : STATUS[result.outcome];
  const error = status >= 400 ? { error: { code: result.code ?? result.outcome, message: result.message } } : {};
  return NextResponse.json({ ...error, result }, { status });
});
