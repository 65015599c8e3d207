import { describe, expect, it } from "vitest";
import { CapacityQuerySchema } from "@/lib/capacity/get-capacity-overview";
import { IncidentDetailQuerySchema } from "@/lib/incidents/incident-query";
import { OverviewQuerySchema } from "@/lib/overview/overview-window";
import { LockHistoryQuerySchema } from "@/lib/postgres/list-lock-history";
import { parseSearchParams } from "./errors";

const message = async (schema: Parameters<typeof parseSearchParams>[0], q: string) => {
  const r = parseSearchParams(schema, new URLSearchParams(q));
  if (r.ok) return null;
  expect(r.response.status).toBe(400);
  return ((await r.response.json()) as { error: { message: string } }).error.message;
};

describe("custom from/to windows at the edge", () => {
  const schemas = { overview: OverviewQuerySchema, incident: IncidentDetailQuerySchema, capacity: CapacityQuerySchema, lockHistory: LockHistoryQuerySchema };
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: a window is both ends, from before to, bounded, ISO; each refusal names the parameter`, async () => {
      expect(await message(schema, "from=2026-12-01T10:00:00Z&to=2026-12-01T10:05:00Z")).toBeNull();
      expect(await message(schema, "from=2026-12-01T10:00:00Z")).toMatch(/"to".*both from and to/);
      expect(await message(schema, "to=2026-12-01T10:00:00Z")).toMatch(/"from"/);
      expect(await message(schema, "from=2026-12-01T10:05:00Z&to=2026-12-01T10:00:00Z")).toMatch(/"to".*later than from/);
      expect(await message(schema, "from=2026-12-01T10:00:00Z&to=2026-12-01T10:00:00Z")).toMatch(/"to"/);
      expect(await message(schema, "from=2025-01-01T00:00:00Z&to=2026-12-01T10:00:00Z")).toMatch(/"from".*at most/);
      expect(await message(schema, "from=yesterday&to=2026-12-01T10:00:00Z")).toMatch(/"from"/);
      expect(await message(schema, "from=2026-12-01T10:00:00Z&to=0999-12-31T00:00:00Z")).toMatch(/"to"/);
    });
  }
  it("with neither end, the preset (or the fitted default) is used", () => {
    expect(OverviewQuerySchema.parse({})).toEqual({});
    expect(IncidentDetailQuerySchema.parse({ range: "6h" })).toEqual({ range: "6h" });
  });
});
