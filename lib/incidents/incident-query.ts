import { z } from "zod";
import { INT4_MAX, int4IdParam, isoDateTimeParam, textParam } from "../http/params";
import { checkWindow, windowFields } from "../http/time-window";
import { INCIDENT_DETAIL_RANGES, INCIDENT_LIST_RANGES, MAX_WINDOW_MS } from "../vocabulary/time-ranges";
import { cursorSchema, isCursorOf } from "./cursor";

export const INCIDENT_STATUSES = ["open", "acknowledged", "resolved", "muted"] as const;
export const IncidentStatusSchema = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatusSchema>;

export const INCIDENT_SORTS = ["lastSeen", "count", "rate"] as const;

/** The filters of the list, its export and the overview's links: all of them live in the page's URL. */
export const IncidentFiltersSchema = z.object({
  kind: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[\w.:-]+$/, "letters, digits, _ . : - only")
    .optional(),
  source: textParam(120).optional(),
  status: IncidentStatusSchema.optional(),
  /** Free text: title, kind or fingerprint (case-insensitive substring). */
  q: textParam(200).optional(),
  /** Incidents seen within the last … (lastSeen), or an explicit window with from/to. */
  range: z.enum(INCIDENT_LIST_RANGES).optional(),
  from: isoDateTimeParam.optional(),
  to: isoDateTimeParam.optional(),
});
export type IncidentFilters = z.infer<typeof IncidentFiltersSchema>;

export const ListIncidentsQuerySchema = IncidentFiltersSchema.extend({
  sort: z.enum(INCIDENT_SORTS).default("lastSeen"),
  // Either sort's cursor is well formed here; which one this sort needs is checked below.
  cursor: z
    .string()
    .max(300)
    .refine((c) => isCursorOf(c, "time", BigInt(INT4_MAX)) || isCursorOf(c, "int4", BigInt(INT4_MAX)), "not a cursor this API returned")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})
  .strict()
  .refine((q) => !q.cursor || isCursorOf(q.cursor, q.sort === "lastSeen" ? "time" : "int4"), {
    message: "this cursor belongs to another sort order: start again without it",
    path: ["cursor"],
  });
export type ListIncidentsQuery = z.infer<typeof ListIncidentsQuerySchema>;

export const ExportIncidentsQuerySchema = IncidentFiltersSchema.extend({
  sort: z.enum(INCIDENT_SORTS).default("lastSeen"),
  format: z.enum(["csv", "json"]).default("csv"),
  limit: z.coerce.number().int().min(1).max(50_000).default(10_000),
}).strict();

export const IncidentEventsQuerySchema = z
  .object({
    cursor: cursorSchema("time", "int8").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(25),
  })
  .strict();
export type IncidentEventsQuery = z.infer<typeof IncidentEventsQuerySchema>;

/** A preset, a custom window (a drag-zoom) or neither: the range that fits the incident's age. */
export const IncidentDetailQuerySchema = z
  .object({ range: z.enum(INCIDENT_DETAIL_RANGES).optional(), ...windowFields })
  .strict()
  .superRefine(checkWindow(MAX_WINDOW_MS.incident));
export type IncidentDetailQuery = z.infer<typeof IncidentDetailQuerySchema>;

/** An incident id from the path (int4). */
export const IncidentIdSchema = int4IdParam;

export const ChangeStatusBodySchema = z.object({
  ids: z.array(int4IdParam).min(1).max(1000),
  status: IncidentStatusSchema,
  reason: textParam(500, { min: 0 }).optional(),
});
