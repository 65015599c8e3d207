// Every kind of bad input a client can send reaches a route handler's zod schema and comes back
// as a 400 naming the parameter, never as a 5xx from the store (NUL in text, ids and cursors past
// their column, impossible dates, a malformed backend_start). The real handlers, the real store.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { signInAs } from "@/lib/auth/test-sessions";
import { encodeCursor } from "@/lib/incidents/cursor";
import { upsertSource } from "@/lib/sources/source-registry";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Case = { name: string; route: string; method?: string; url: string; params?: Record<string, string | string[]>; body?: unknown; param: string };

const source = `edge-it-${randomBytes(4).toString("hex")}`;
const cookies: Record<string, string> = {};
const logged: string[] = [];
const INT8_PAST = "9223372036854775808";
const cur = (value: unknown, id: string) => Buffer.from(JSON.stringify([value, id])).toString("base64url");

beforeAll(async () => {
  cookies.admin = await signInAs("admin");
  await upsertSource(getPrisma(), { name: source, kind: "postgres", url: inject("embeddedUrl") });
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(" ")));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await getPrisma().source.deleteMany({ where: { name: source } });
  await disconnectPrisma();
});

const CASES: Case[] = [
  // NUL in a query parameter (PostgreSQL: invalid byte sequence for encoding "UTF8": 0x00)
  { name: "NUL in incidents q", route: "incidents", url: "/api/incidents?q=a%00b", param: "q" },
  { name: "NUL in incidents source", route: "incidents", url: "/api/incidents?source=x%00", param: "source" },
  { name: "NUL in incidents export q", route: "incidents/export", url: "/api/incidents/export?q=%00", param: "q" },
  { name: "NUL in entity search", route: "entities", url: "/api/entities?q=a%00", param: "q" },
  { name: "NUL in audit actor", route: "audit", url: "/api/audit?actor=a%00", param: "actor" },
  { name: "NUL in audit source", route: "audit", url: "/api/audit?source=a%00", param: "source" },
  { name: "NUL in audit export action", route: "audit/export", url: "/api/audit/export?action=a%00", param: "action" },
  { name: "NUL in failed-writes q", route: "failed-writes", url: "/api/failed-writes?q=a%00", param: "q" },
  { name: "NUL in failed-writes namespace", route: "failed-writes", url: "/api/failed-writes?namespace=a%00", param: "namespace" },
  // NUL or a lone surrogate in a path segment (as Next hands it over, decoded)
  { name: "NUL in a lock source", route: "locks/[source]", url: "/api/locks/a%00b", params: { source: "a\u0000b" }, param: "source" },
  { name: "NUL in a lock history source", route: "locks/[source]/history", url: "/api/locks/a%00b/history", params: { source: "a\u0000b" }, param: "source" },
  { name: "lone surrogate in a lock source", route: "locks/[source]", url: "/api/locks/x", params: { source: "a\ud800" }, param: "source" },
  { name: "NUL in an entity type", route: "entities/[type]/[...key]", url: "/api/entities/%00/x", params: { type: "\u0000", key: ["x"] }, param: "type" },
  { name: "NUL in an entity key", route: "entities/[type]/[...key]", url: "/api/entities/a/%00", params: { type: "a", key: ["\u0000"] }, param: "key" },
  { name: "a too long source name", route: "locks/[source]", url: "/api/locks/x", params: { source: ".".repeat(300) }, param: "source" },
  // ids past their int4/int8 column
  { name: "failed-write id past int4", route: "failed-writes/[id]", url: "/api/failed-writes/99999999999", params: { id: "99999999999" }, param: "id" },
  {
    name: "replay of a failed-write id past int4",
    route: "failed-writes/[id]/replay",
    method: "POST",
    url: "/api/failed-writes/99999999999/replay",
    params: { id: "99999999999" },
    body: {},
    param: "id",
  },
  { name: "replay run id past int4", route: "replays/[id]", url: "/api/replays/99999999999", params: { id: "99999999999" }, param: "id" },
  { name: "audit cursor past int4", route: "audit", url: "/api/audit?cursor=99999999999", param: "cursor" },
  { name: "failed-writes source id past int4", route: "failed-writes", url: "/api/failed-writes?source=99999999999", param: "source" },
  {
    name: "backend pid past int4",
    route: "locks/[source]/backends/[pid]",
    url: `/api/locks/${source}/backends/99999999999`,
    params: { source, pid: "99999999999" },
    param: "pid",
  },
  // cursors: ids past int8 or the column, impossible dates, numbers past int4
  {
    name: "events cursor past int8",
    route: "incidents/[id]/events",
    url: `/api/incidents/1/events?cursor=${cur("2026-01-01T00:00:00.000Z", INT8_PAST)}`,
    params: { id: "1" },
    param: "cursor",
  },
  {
    name: "events cursor in year -200000",
    route: "incidents/[id]/events",
    url: `/api/incidents/1/events?cursor=${cur("-200000-01-01T00:00:00Z", "1")}`,
    params: { id: "1" },
    param: "cursor",
  },
  { name: "incidents cursor in year -200000", route: "incidents", url: `/api/incidents?cursor=${cur("-200000-01-01T00:00:00Z", "1")}`, param: "cursor" },
  { name: "incidents cursor in month 99", route: "incidents", url: `/api/incidents?cursor=${cur("2026-99-01T00:00:00Z", "1")}`, param: "cursor" },
  {
    name: "incidents cursor id past int4",
    route: "incidents",
    url: `/api/incidents?cursor=${encodeCursor("2026-01-01T00:00:00.000Z", "99999999999")}`,
    param: "cursor",
  },
  { name: "incidents count cursor of 1e300", route: "incidents", url: `/api/incidents?sort=count&cursor=${cur(1e300, "1")}`, param: "cursor" },
  {
    name: "timeline cursor in month 99",
    route: "entities/[type]/[...key]",
    url: `/api/entities/a/b?cursor=${cur("2026-99-01T00:00:00Z|1", "1")}`,
    params: { type: "a", key: ["b"] },
    param: "cursor",
  },
  { name: "a from in year 0", route: "incidents", url: "/api/incidents?from=0000-01-01T00:00:00Z", param: "from" },
  { name: "a capacity moment in year 0", route: "capacity", url: "/api/capacity?at=0000-01-01T00:00:00Z", param: "at" },
  // a malformed backend_start (was a 502 from the monitored server)
  {
    name: "backendStart in month 99",
    route: "locks/[source]/backends/[pid]",
    url: `/api/locks/${source}/backends/1?backendStart=2026-99-99T99:99:99Z`,
    params: { source, pid: "1" },
    param: "backendStart",
  },
  // bodies: NUL in any string field, ids past int4
  {
    name: "NUL in a status reason",
    route: "incidents/status",
    method: "POST",
    url: "/api/incidents/status",
    body: { ids: [1], status: "acknowledged", reason: "a\u0000b" },
    param: "reason",
  },
  {
    name: "an incident id past int4",
    route: "incidents/status",
    method: "POST",
    url: "/api/incidents/status",
    body: { ids: [99999999999], status: "acknowledged" },
    param: "ids.0",
  },
  { name: "a replay of ids past int4", route: "replays", method: "POST", url: "/api/replays", body: { ids: [99999999999] }, param: "ids.0" },
  { name: "NUL in a replay filter", route: "replays", method: "POST", url: "/api/replays", body: { filter: { q: "\u0000" } }, param: "filter.q" },
  {
    name: "NUL in a source's config",
    route: "sources",
    method: "POST",
    url: "/api/sources",
    body: { name: `${source}-x`, kind: "postgres", config: { note: "\u0000" } },
    param: "config.note",
  },
  {
    name: "NUL in a new user's name",
    route: "users",
    method: "POST",
    url: "/api/users",
    body: { email: `${source}@edge.test`, name: "a\u0000", role: "viewer" },
    param: "name",
  },
  {
    name: "NUL in a lock action's source",
    route: "locks/[source]/[action]",
    method: "POST",
    url: "/api/locks/a%00/release",
    params: { source: "a\u0000", action: "release" },
    body: {},
    param: "source",
  },
  {
    name: "backendStart in month 99 on release",
    route: "locks/[source]/[action]",
    method: "POST",
    url: `/api/locks/${source}/cancel`,
    params: { source, action: "cancel" },
    body: { pid: 1, backendStart: "2026-99-99 99:99:99+00", reason: "edge test" },
    param: "backendStart",
  },
  {
    name: "a pid past int4 on cancel",
    route: "locks/[source]/[action]",
    method: "POST",
    url: `/api/locks/${source}/cancel`,
    params: { source, action: "cancel" },
    body: { pid: 99999999999, backendStart: "2026-12-01 10:00:00+00", reason: "edge test" },
    param: "pid",
  },
  {
    name: "token id past int4",
    route: "tokens/[id]/revoke",
    method: "POST",
    url: "/api/tokens/99999999999/revoke",
    params: { id: "99999999999" },
    body: {},
    param: "id",
  },
  {
    name: "NUL in a user id",
    route: "users/[id]/role",
    method: "POST",
    url: "/api/users/a%00/role",
    params: { id: "a\u0000" },
    body: { role: "viewer" },
    param: "id",
  },
];

async function call(c: Case) {
  const mod = (await import(path.resolve(__dirname, `../../app/api/${c.route}/route.ts`))) as Record<string, Handler>;
  const method = c.method ?? "GET";
  const req = new NextRequest(`http://127.0.0.1:3000${c.url}`, {
    method,
    headers: { host: "127.0.0.1:3000", cookie: cookies.admin!, "content-type": "application/json" },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  const res = await mod[method]!(req, { params: Promise.resolve(c.params ?? {}) });
  return { status: res.status, message: ((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? "" };
}

describe("bad input at the edge", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: 400 naming the parameter", async (_name, c) => {
    const { status, message } = await call(c);
    expect({ status, names: message.includes(`"${c.param}"`) }, message).toEqual({ status: 400, names: true });
  });

  it("never reached the store: nothing was logged as a failure", () => {
    expect(logged.filter((l) => l.includes("[lockboard]"))).toEqual([]);
  });
});
