import { expect, request as newRequest, test } from "@playwright/test";
import { storageStateFor } from "./support/e2e-state";

// /api/health is public (load balancers, the e2e server's readiness wait): only its status is.
test("without a session /api/health answers only its status; signed in, the details", async ({ request, baseURL }) => {
  const anonymous = await newRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  try {
    const res = await anonymous.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  } finally {
    await anonymous.dispose();
  }
  const signedIn = await request.get("/api/health");
  expect(signedIn.status()).toBe(200);
  expect(await signedIn.json()).toMatchObject({
    status: "ok",
    version: expect.any(String),
    store: { reachable: true, serverVersion: expect.any(String) },
    migrations: { applied: true, pending: [] },
  });
  // The e2e user is an admin: the store's size and how far back its events go.
  const { storage } = await signedIn.json();
  expect(storage.databaseBytes).toBeGreaterThan(storage.eventBytes);
  expect(storage.events).toBeGreaterThan(0);
  expect(storage.bytesPerEvent).toBeGreaterThan(0);
  expect(storage.classes.map((c: { class: string; retentionDays: number }) => [c.class, c.retentionDays])).toEqual([
    ["signal", 14],
    ["noise", 3],
  ]);
  expect(storage.classes[0].dayPartitions).toBeGreaterThanOrEqual(4);
});

test("a burst of 300 concurrent health checks, anonymous and signed in, gets no 5xx", async ({ request, baseURL }) => {
  test.setTimeout(120_000);
  const anonymous = await newRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  try {
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? request : anonymous).get("/api/health", { timeout: 60_000 }).then((r) => r.status())),
    );
    const counts: Record<number, number> = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    expect(counts).toEqual({ 200: 300 });
  } finally {
    await anonymous.dispose();
  }
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateFor("viewer") });
  test("the details, but not the store's size (that is for admins)", async ({ request }) => {
    const body = await (await request.get("/api/health")).json();
    expect(body).toMatchObject({ status: "ok", store: { reachable: true } });
    expect(body.storage).toBeUndefined();
  });
});
