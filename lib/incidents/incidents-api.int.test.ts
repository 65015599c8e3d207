import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/incidents/route";
import { GET as exportRoute } from "@/app/api/incidents/export/route";
import { GET as detailRoute } from "@/app/api/incidents/[id]/route";
import { GET as eventsRoute } from "@/app/api/incidents/[id]/events/route";
import { GET as runbookRoute } from "@/app/api/incidents/[id]/runbook/route";
import { GET as overviewRoute } from "@/app/api/overview/route";
import { signInAs } from "@/lib/auth/test-sessions";
import { ingestNdjson } from "@/lib/ingest/push-ingest";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { changeIncidentStatus } from "./change-status";

const tag = `it${randomBytes(4).toString("hex")}`;
const A = `${tag}-app`;
const B = `${tag}-worker`;
// On a minute boundary, so the five events of one incident (5 s apart at most) share one minute.
const base = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
const line = (o: Record<string, unknown>) => JSON.stringify(o);
let viewer: Promise<string>;

async function get(handler: (req: NextRequest, ctx: never) => Promise<Response>, url: string, params?: Record<string, unknown>) {
  const res = await handler(new NextRequest(`http://127.0.0.1${url}`, { headers: { cookie: await viewer } }), {
    params: Promise.resolve(params ?? {}),
  } as never);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

beforeAll(async () => {
  viewer = signInAs("viewer");
  const prisma = getPrisma();
  // Five distinct duplicate-key incidents on A (one collection each), the busiest first; one on B.
  const lines: string[] = [];
  for (let c = 0; c < 5; c++) {
    for (let i = 0; i <= 4 - c; i++) {
      lines.push(
        line({
          time: new Date(base + c * 60_000 + i * 1000).toISOString(),
          level: "error",
          messageId: `${tag}-m${c}`,
          msg: `E11000 duplicate key error collection: chat.c${c}_${tag} index: messageId_1 dup key: { messageId: "${tag}-m${c}" }`,
        }),
      );
    }
  }
  await ingestNdjson(prisma, A, Buffer.from(lines.join("\n")));
  await ingestNdjson(
    prisma,
    B,
    Buffer.from(line({ time: new Date(base + 90_000).toISOString(), level: "error", messageId: `${tag}-m0`, msg: "sorry, too many clients already" })),
  );
});
afterAll(async () => {
  await getPrisma().source.deleteMany({ where: { name: { in: [A, B] } } });
  await disconnectPrisma();
});

describe("GET /api/incidents", () => {
  it("filters by kind, source, free text, status and time range", async () => {
    const all = (await get(listRoute, `/api/incidents?q=${tag}&limit=100`)).json();
    expect(all.items).toHaveLength(5);
    expect(all.items.every((i: { kind: string; source: string }) => i.kind === "duplicate_key" && i.source === A)).toBe(true);

    const bySource = (await get(listRoute, `/api/incidents?source=${B}`)).json();
    expect(bySource.items.map((i: { kind: string }) => i.kind)).toEqual(["too_many_connections"]);
    expect((await get(listRoute, `/api/incidents?source=${B}&kind=duplicate_key`)).json().items).toEqual([]);
    expect((await get(listRoute, `/api/incidents?source=${A}&status=resolved`)).json().items).toEqual([]);
    expect((await get(listRoute, `/api/incidents?source=${A}&to=${new Date(base - 3_600_000).toISOString()}`)).json().items).toEqual([]);
    expect((await get(listRoute, `/api/incidents?source=${A}&range=1h`)).json().items).toHaveLength(5);
  });

  it("pages through every incident exactly once with the cursor, for each sort", async () => {
    for (const sort of ["lastSeen", "count", "rate"]) {
      const seen: { id: number; count: number; lastSeen: string }[] = [];
      let cursor: string | null = null;
      do {
        const page = (await get(listRoute, `/api/incidents?source=${A}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`)).json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(5);
      expect(new Set(seen.map((s) => s.id)).size).toBe(5);
      if (sort === "count") expect(seen.map((s) => s.count)).toEqual([5, 4, 3, 2, 1]);
      if (sort === "lastSeen") expect([...seen.map((s) => s.lastSeen)].sort().reverse()).toEqual(seen.map((s) => s.lastSeen));
    }
  });

  it("gives each incident a sparkline of its last hours", async () => {
    const [top] = (await get(listRoute, `/api/incidents?source=${A}&sort=count&limit=1`)).json().items;
    expect(top.spark).toHaveLength(24);
    expect(top.spark.reduce((a: number, b: number) => a + b, 0)).toBe(5);
    expect(top.rate).toBe(5);
  });

  it("answers a bad parameter with a 400 naming it", async () => {
    for (const [qs, name] of [
      ["limit=0", "limit"],
      ["sort=loudest", "sort"],
      ["status=closed", "status"],
      ["cursor=nonsense", "cursor"],
      ["range=2w", "range"],
      ["from=yesterday", "from"],
      ["colour=red", "colour"],
    ]) {
      const res = await get(listRoute, `/api/incidents?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.json().error.message, qs).toContain(`"${name}"`);
    }
    const countCursor = (await get(listRoute, `/api/incidents?source=${A}&sort=count&limit=1`)).json().nextCursor;
    const mixed = await get(listRoute, `/api/incidents?sort=lastSeen&cursor=${countCursor}`);
    expect(mixed.status).toBe(400);
    expect(mixed.json().error.message).toContain('"cursor"');
  });

  it("exports the filtered list as CSV and JSON", async () => {
    const csv = await get(exportRoute, `/api/incidents/export?source=${A}&sort=count`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = csv.text.trim().split("\r\n");
    expect(rows[0]).toBe("id,kind,title,subject,source,status,regression,count,rate,firstSeen,lastSeen,statusChangedBy,statusChangedAt");
    expect(rows.slice(1).map((r) => r.split(",")[7])).toEqual(["5", "4", "3", "2", "1"]);
    expect(rows[1]!.split(",")[3]).toBe(`chat.c0_${tag} index messageId_1`);
    const json = (await get(exportRoute, `/api/incidents/export?source=${B}&format=json`)).json();
    expect(json.items).toHaveLength(1);
    expect((await get(exportRoute, `/api/incidents/export?format=xml`)).status).toBe(400);
  });
});

describe("incident detail and events", () => {
  it("shows the histogram, spike, entities and runbook; events page by cursor", async () => {
    const [top] = (await get(listRoute, `/api/incidents?source=${A}&sort=count&limit=1`)).json().items;
    const d = (await get(detailRoute, `/api/incidents/${top.id}?range=6h`, { id: String(top.id) })).json();
    expect(d.incident.id).toBe(top.id);
    expect(d.histogram.points.reduce((s: number, p: { count: number }) => s + p.count, 0)).toBe(5);
    expect(d.spike.count).toBe(5);
    expect(d.entities[0]).toMatchObject({ events: 5 });
    expect(d.entities.map((e: { type: string; value: string }) => `${e.type}=${e.value}`)).toContain(`messageId=${tag}-m0`);
    // The runbook is this incident's: its collection, index and key, MongoDB steps only.
    const rb = (await get(runbookRoute, `/api/incidents/${top.id}/runbook`, { id: String(top.id) })).json();
    expect(rb.engine).toBe("mongodb");
    expect(rb.facts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: "Collection", value: `c0_${tag}` }),
        expect.objectContaining({ label: "Index", value: "messageId_1" }),
      ]),
    );
    expect(JSON.stringify(rb.steps)).toContain(`db.c0_${tag}.updateOne(`);
    expect(JSON.stringify(rb.steps)).toContain(`{ messageId: \\"${tag}-m0\\" }`);
    expect(JSON.stringify(rb)).not.toMatch(/ON CONFLICT|INSERT INTO/);
    expect((await get(runbookRoute, `/api/incidents/2147483000/runbook`, { id: "2147483000" })).status).toBe(404);
    expect((await get(runbookRoute, `/api/incidents/x/runbook`, { id: "x" })).json().error.message).toContain('"id"');

    const first = (await get(eventsRoute, `/api/incidents/${top.id}/events?limit=3`, { id: String(top.id) })).json();
    expect(first.items).toHaveLength(3);
    expect(first.items[0].raw).toContain("E11000");
    expect(first.items[0].entities).toContainEqual({ type: "messageId", value: `${tag}-m0`, role: null });
    const second = (await get(eventsRoute, `/api/incidents/${top.id}/events?limit=3&cursor=${first.nextCursor}`, { id: String(top.id) })).json();
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const times = [...first.items, ...second.items].map((e: { occurredAt: string }) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    expect((await get(detailRoute, `/api/incidents/abc`, { id: "abc" })).json().error.message).toContain('"id"');
    expect((await get(detailRoute, `/api/incidents/${top.id}?range=forever`, { id: String(top.id) })).status).toBe(400);

    // No range asked for: the incident is half an hour old, so its histogram covers the last hour.
    const fitted = (await get(detailRoute, `/api/incidents/${top.id}`, { id: String(top.id) })).json().histogram;
    expect(fitted).toMatchObject({ range: "1h", fitted: true });
    expect(Date.parse(fitted.to) - Date.parse(fitted.from)).toBeGreaterThanOrEqual(3_600_000);
    // A drag-zoom's window: only its minutes, one-minute buckets.
    const zoomed = (
      await get(detailRoute, `/api/incidents/${top.id}?from=${new Date(base - 60_000).toISOString()}&to=${new Date(base + 2 * 60_000).toISOString()}`, {
        id: String(top.id),
      })
    ).json().histogram;
    expect(zoomed).toMatchObject({ range: null, fitted: false, bucketMs: 60_000 });
    expect(zoomed.points.length).toBeLessThanOrEqual(4);
    expect(zoomed.points.reduce((s: number, p: { count: number }) => s + p.count, 0)).toBe(5);
    const half = await get(detailRoute, `/api/incidents/${top.id}?from=${new Date(base).toISOString()}`, { id: String(top.id) });
    expect(half.status).toBe(400);
    expect(half.json().error.message).toContain('"to"');
    expect((await get(detailRoute, `/api/incidents/2147483000`, { id: "2147483000" })).status).toBe(404);
    expect((await get(eventsRoute, `/api/incidents/${top.id}/events?limit=1000`, { id: String(top.id) })).json().error.message).toContain('"limit"');
  });
});

describe("status changes", () => {
  it("records who changed what (one audit row per incident) and reopens a resolved incident as a regression", async () => {
    const prisma = getPrisma();
    const [inc] = (await get(listRoute, `/api/incidents?source=${B}`)).json().items;
    await changeIncidentStatus(prisma, { name: "ops@example.test" }, { ids: [inc.id], status: "acknowledged" });
    const res = await changeIncidentStatus(prisma, { name: "lead@example.test" }, { ids: [inc.id, 2147483000], status: "resolved", reason: "pool resized" });
    expect(res.missing).toEqual([2147483000]);
    const after = (await get(listRoute, `/api/incidents?source=${B}&status=resolved`)).json().items[0];
    expect(after).toMatchObject({ status: "resolved", statusChangedBy: "lead@example.test", regression: false });
    const logs = await prisma.actionLog.findMany({
      where: { action: "incident.status", target: { path: ["incidentId"], equals: inc.id } },
      orderBy: { id: "asc" },
    });
    expect(logs.map((l) => [l.actor, l.outcome, (l.before as { status: string }).status])).toEqual([
      ["ops@example.test", "acknowledged", "open"],
      ["lead@example.test", "resolved", "acknowledged"],
    ]);
    await ingestNdjson(prisma, B, Buffer.from(line({ time: new Date().toISOString(), level: "error", msg: "sorry, too many clients already" })));
    const reopened = (await get(listRoute, `/api/incidents?source=${B}`)).json().items[0];
    expect(reopened).toMatchObject({ id: inc.id, status: "open", regression: true });
  });
});

describe("GET /api/overview", () => {
  it("counts incidents per kind over time and lists the top open ones", async () => {
    const o = (await get(overviewRoute, `/api/overview?range=1h`)).json();
    expect(o.kinds).toContain("duplicate_key");
    const dup = o.perKind.reduce((s: number, p: Record<string, number>) => s + (p.duplicate_key ?? 0), 0);
    expect(dup).toBeGreaterThanOrEqual(15);
    expect(o.topOpen.length).toBeGreaterThan(0);
    expect(Date.parse(o.asOf)).toBeGreaterThan(Date.now() - 60_000);
    expect((await get(overviewRoute, `/api/overview?range=5y`)).json().error.message).toContain('"range"');
  });

  it("with no range fits the data, answers a custom window, and refuses a bad one naming it", async () => {
    const fitted = (await get(overviewRoute, `/api/overview`)).json().range;
    // This file's incidents are half an hour old: a fitted range reaches back at least that far.
    expect(fitted.fitted).toBe(true);
    expect(["1h", "6h", "24h"]).toContain(fitted.preset);
    expect(Date.parse(fitted.dataSince)).toBeLessThanOrEqual(base);
    const w = (await get(overviewRoute, `/api/overview?from=${new Date(base - 60_000).toISOString()}&to=${new Date(base + 6 * 60_000).toISOString()}`)).json();
    expect(w.range).toMatchObject({ preset: null, fitted: false, bucketMs: 60_000 });
    expect(w.perKind.reduce((s: number, p: Record<string, number>) => s + (p.duplicate_key ?? 0), 0)).toBeGreaterThanOrEqual(15);
    // The top list's sparklines cover the range shown, in whole minutes: 15 of them for 15 minutes.
    const short = (await get(overviewRoute, `/api/overview?range=15m`)).json();
    for (const i of short.topOpen) expect(i.spark).toHaveLength(15);
    const wide = await get(overviewRoute, `/api/overview?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`);
    expect(wide.status).toBe(400);
    expect(wide.json().error.message).toContain('"from"');
  });
});
