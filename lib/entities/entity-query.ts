import { z } from "zod";
import { decodeCursor } from "../incidents/cursor";

export const ENTITY_ITEM_KINDS = ["event", "lock", "failed_write", "replay", "action"] as const;
export type EntityItemKind = (typeof ENTITY_ITEM_KINDS)[number];

export const EntityTypeSchema = z.string().trim().min(1).max(64);
export const EntityKeySchema = z.string().min(1).max(200);

export const EntityTimelineQuerySchema = z.object({
  cursor: z
    .string()
    .max(300)
    .refine((c) => /^\d{4}-\d\d-\d\dT[\d:.]+Z\|[0-4]$/.test(String(decodeCursor(c)?.value)), "not a cursor this API returned")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Comma-separated subset of event,lock,failed_write,replay,action. */
  include: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "comma-separated kinds")
    .refine((s) => s.split(",").every((k) => (ENTITY_ITEM_KINDS as readonly string[]).includes(k)), `kinds are ${ENTITY_ITEM_KINDS.join(", ")}`)
    .optional(),
}).strict();
export type EntityTimelineQuery = z.infer<typeof EntityTimelineQuerySchema>;

export const EntitySearchQuerySchema = z.object({
  q: z.string().min(1).max(200),
  type: EntityTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
}).strict();
export type EntitySearchQuery = z.infer<typeof EntitySearchQuerySchema>;
