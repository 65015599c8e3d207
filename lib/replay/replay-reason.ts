// No "server-only": the Failed writes page checks the same rule before it asks.
import { z } from "zod";
import { textParam } from "../http/params";

/** Every replay says why, as a lock action does: kept on the run and in its audit rows. */
export const REPLAY_REASON_MIN = 3;

export const ReplayReasonSchema = z
  .string({ error: "say why you replay (at least 3 characters); it is kept on the run and in the audit log" })
  .pipe(textParam(500, { min: REPLAY_REASON_MIN }).refine((s) => s.length >= REPLAY_REASON_MIN, "say why (at least 3 characters)"));
