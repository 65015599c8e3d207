import { z } from "zod";
import { isoDateTimeParam, textParam } from "../http/params";
import { cursorSchema } from "../incidents/cursor";

export const ENTITY_ITEM_KINDS = ["event", "lock", "failed_write", "replay", "action"] as const;
export type EntityItemKind = (typeof ENTITY_ITEM_KINDS)[number];

export const EntityTypeSchema = textParam(64);
export const EntityKeySchema = textParam(200, { trim: false });

export const EntityTimelineQuerySchema = z
  .object({
    cursor: cursorSchema("timeRank", "int8").optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    from: isoDateTimeParam.optional(),
    to: isoDateTimeParam.optional(),
    /** Comma-separated subset of event,lock,failed_write,replay,action. */
    include: z
      .string()
      .regex(/^[a-z_]+(,[a-z_]+)*$/, "comma-separated kinds")
      .refine((s) => s.split(",").every((k) => (ENTITY_ITEM_KINDS as readonly string[]).includes(k)), `kinds are ${ENTITY_ITEM_KINDS.join(", ")}`)
      .optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be later than from" });
export type EntityTimelineQuery = z.infer<typeof EntityTimelineQuerySchema>;

export const EntitySearchQuerySchema = z
  .object({
    q: textParam(200, { trim: false }),
    type: EntityTypeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type EntitySearchQuery = z.infer<typeof EntitySearchQuerySchema>;
