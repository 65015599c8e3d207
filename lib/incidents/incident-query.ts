import { z } from "zod";
import { decodeCursor } from "./cursor";

export const INCIDENT_STATUSES = ["open", "acknowledged", "resolved", "muted"] as const;
export const IncidentStatusSchema = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatusSchema>;

export const INCIDENT_SORTS = ["lastSeen", "count", "rate"] as const;
export const INCIDENT_RANGES = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type IncidentRange = keyof typeof INCIDENT_RANGES;

const CursorSchema = z.string().max(200).refine((c) => decodeCursor(c) !== null, "not a cursor this API returned");

/** The filters of the list, its export and the overview's links: all of them live in the page's URL. */
export const IncidentFiltersSchema = z.object({
  kind: z.string().trim().min(1).max(64).regex(/^[\w.:-]+$/, "letters, digits, _ . : - only").optional(),
  source: z.string().trim().min(1).max(120).optional(),
  status: IncidentStatusSchema.optional(),
  /** Free text: title, kind or fingerprint (case-insensitive substring). */
  q: z.string().trim().min(1).max(200).optional(),
  /** Incidents seen within the last … (lastSeen), or an explicit window with from/to. */
  range: z.enum(Object.keys(INCIDENT_RANGES) as [IncidentRange, ...IncidentRange[]]).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type IncidentFilters = z.infer<typeof IncidentFiltersSchema>;

export const ListIncidentsQuerySchema = IncidentFiltersSchema.extend({
  sort: z.enum(INCIDENT_SORTS).default("lastSeen"),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})
  .strict()
  .refine(
    (q) => {
      const v = q.cursor ? decodeCursor(q.cursor)?.value : undefined;
      return v === undefined || (q.sort === "lastSeen" ? typeof v === "string" && !Number.isNaN(Date.parse(v)) : typeof v === "number");
    },
    { message: "this cursor belongs to another sort order: start again without it", path: ["cursor"] },
  );
export type ListIncidentsQuery = z.infer<typeof ListIncidentsQuerySchema>;

export const ExportIncidentsQuerySchema = IncidentFiltersSchema.extend({
  sort: z.enum(INCIDENT_SORTS).default("lastSeen"),
  format: z.enum(["csv", "json"]).default("csv"),
  limit: z.coerce.number().int().min(1).max(50_000).default(10_000),
}).strict();

export const IncidentEventsQuerySchema = z.object({
  cursor: CursorSchema.refine((c) => !Number.isNaN(Date.parse(String(decodeCursor(c)?.value))), "not a cursor this API returned").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
}).strict();
export type IncidentEventsQuery = z.infer<typeof IncidentEventsQuerySchema>;

export const DETAIL_RANGES = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000, "7d": 7 * 86_400_000, all: 0 } as const;
export type DetailRange = keyof typeof DETAIL_RANGES;
export const IncidentDetailQuerySchema = z.object({
  range: z.enum(Object.keys(DETAIL_RANGES) as [DetailRange, ...DetailRange[]]).default("24h"),
}).strict();

export const IncidentIdSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);

export const ChangeStatusBodySchema = z.object({
  ids: z.array(IncidentIdSchema).min(1).max(1000),
  status: IncidentStatusSchema,
  reason: z.string().trim().max(500).optional(),
});
