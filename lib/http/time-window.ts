import { z } from "zod";
import { isoDateTimeParam } from "./params";

/** A custom window's two ends, as drag-to-zoom writes them into the URL (ISO instants). */
export const windowFields = { from: isoDateTimeParam.optional(), to: isoDateTimeParam.optional() };

const spanWords = (ms: number) =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} hours` : `${Math.round(ms / 60_000)} minutes`;

/**
 * The checks every API with a from/to window makes at its edge, each a 400 naming the parameter:
 * both ends or neither, `from` before `to`, and at most `maxMs` apart (a window too wide to
 * answer quickly is refused rather than slowly summed).
 */
export function checkWindow(maxMs: number) {
  return (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
    if (!q.from && !q.to) return;
    if (!q.from || !q.to) {
      const missing = q.from ? "to" : "from";
      ctx.addIssue({ code: "custom", path: [missing], message: `a custom window needs both from and to (${missing} is missing)` });
      return;
    }
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (from >= to) ctx.addIssue({ code: "custom", path: ["to"], message: "must be later than from" });
    else if (to - from > maxMs) ctx.addIssue({ code: "custom", path: ["from"], message: `the window from–to must span at most ${spanWords(maxMs)}` });
  };
}
