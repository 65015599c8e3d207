import { expect, test } from "@playwright/test";

// Path segments only Next's router produces: a segment that is not percent-encoded UTF-8 (a lone
// surrogate's %ED%A0%80, a truncated %F0, the over-long dot %C0%AE) made the router answer 500
// before any handler ran. Each is a 400 naming the route's parameter now.
const BAD_SEGMENTS: [string, string][] = [
  ["/api/locks/%ED%A0%80", "source"],
  ["/api/locks/%F0", "source"],
  ["/api/locks/%C0%AE%C0%AE", "source"],
  ["/api/locks/demo-pg/backends/%ED%A0%80", "pid"],
  ["/api/locks/%C0%AE%C0%AE/history", "source"],
  ["/api/incidents/%ED%A0%80", "id"],
  ["/api/incidents/%F0/events", "id"],
  ["/api/failed-writes/%F0", "id"],
  ["/api/replays/%C0%AE", "id"],
  ["/api/entities/%ED%A0%80/x", "type"],
  ["/api/entities/user/a/%C0%AE%C0%AE/%C0%AE%C0%AE", "key"],
  ["/api/locks/a%00b", "source"],
];

test("a path segment Next cannot decode is a 400 naming the parameter, not a 500", async ({ request }) => {
  for (const [url, param] of BAD_SEGMENTS) {
    const res = await request.get(url);
    const body = await res.text();
    expect({ url, status: res.status(), names: body.includes(`invalid path parameter \\"${param}\\"`) }, body).toEqual({ url, status: 400, names: true });
  }
  const action = await request.post("/api/locks/%F0/release", { data: {} });
  expect(action.status()).toBe(400);
});

test("dot sequences and over-long segments are 4xx, never a 5xx", async ({ request }) => {
  for (const url of [
    "/api/locks/..%2F..",
    "/api/locks/..%2F..%2F..%2Fhealth",
    `/api/locks/${".".repeat(300)}`,
    `/api/entities/x/${"..%2F".repeat(100)}`,
    `/api/locks/${"a".repeat(8000)}`,
  ]) {
    const res = await request.get(url);
    expect({ url: url.slice(0, 60), clientError: res.status() >= 400 && res.status() < 500 }).toEqual({ url: url.slice(0, 60), clientError: true });
  }
  const long = await request.get(`/api/locks/${".".repeat(300)}`);
  expect((await long.json()).error.message).toContain('"source"');
});

test("ids, cursors and backend starts out of range are 400s over HTTP too", async ({ request }) => {
  const cursor = Buffer.from(JSON.stringify(["2026-01-01T00:00:00.000Z", "9223372036854775808"])).toString("base64url");
  for (const [url, param] of [
    ["/api/failed-writes/99999999999", "id"],
    ["/api/replays/99999999999", "id"],
    ["/api/audit?cursor=99999999999", "cursor"],
    ["/api/failed-writes?source=99999999999", "source"],
    [`/api/incidents/1/events?cursor=${cursor}`, "cursor"],
    ["/api/incidents?q=a%00b", "q"],
    ["/api/locks/demo-pg/backends/1?backendStart=2026-99-99T99:99:99Z", "backendStart"],
  ] as const) {
    const res = await request.get(url);
    const body = await res.text();
    expect({ url, status: res.status(), names: body.includes(`\\"${param}\\"`) }, body).toEqual({ url, status: 400, names: true });
  }
});

test("HEAD on a read route without a session is a 401, a bearer header or not", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  for (const headers of [{}, { authorization: "Bearer not-a-token" }] as Record<string, string>[]) {
    const res = await anonymous.head("/api/failed-writes?q=x", { headers });
    expect(res.status()).toBe(401);
  }
  await anonymous.dispose();
});
