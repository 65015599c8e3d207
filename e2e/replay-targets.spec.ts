// Replay targets over HTTP, against the demo's sources (issue 15), and the failed-writes push's
// partial acceptance (issue 16).
import { expect, test } from "@playwright/test";
import { E2E_TOKENS } from "./support/e2e-state";

const auth = { authorization: `Bearer ${E2E_TOKENS.failedWrites}` };
const write = (extra: Record<string, unknown>) => ({
  source: "demo-mongo",
  namespace: "LibreChat.messages",
  operation: "insert",
  key: { messageId: `rt-${Date.now()}` },
  document: { text: "x" },
  error: "E11000 duplicate key error",
  occurredAt: new Date().toISOString(),
  ...extra,
});

test("a failed-writes token cannot aim at pg_authid, an undeclared table or a $where key", async ({ request }) => {
  const authid = await request.post("/api/failed-writes", {
    headers: auth,
    data: write({ source: "demo-pg", namespace: "pg_catalog.pg_authid", key: { rolname: "postgres" }, document: {} }),
  });
  expect(authid.status()).toBe(400);
  expect((await authid.json()).error.message).toContain('"pg_catalog.pg_authid" is in the system schema pg_catalog');
  const undeclared = await request.post("/api/failed-writes", {
    headers: auth,
    data: write({ source: "demo-pg", namespace: "public.auth_user", key: { id: "1" }, document: {} }),
  });
  expect(undeclared.status()).toBe(400);
  expect((await undeclared.json()).error.message).toContain('does not accept failed writes into "public.auth_user"');
  const where = await request.post("/api/failed-writes", { headers: auth, data: write({ key: { $where: "sleep(5000) || true" } }) });
  expect(where.status()).toBe(400);
  expect((await where.json()).error.message).toContain('"key.$where"');
});

test("a batch with a NUL inside one document stores the rest and counts the bad one", async ({ request }) => {
  const s = Date.now().toString(36);
  const res = await request.post("/api/failed-writes", {
    headers: auth,
    data: {
      writes: [
        write({ key: { messageId: `rt-a-${s}` } }),
        write({ key: { messageId: `rt-b-${s}` }, document: { text: "a\u0000b" } }),
        write({ key: { messageId: `rt-c-${s}` } }),
      ],
    },
  });
  expect(res.status()).toBe(201);
  const body = await res.json();
  expect(body).toMatchObject({ created: 2, rejected: 1 });
  expect(body.errors).toEqual([{ index: 1, error: expect.stringContaining('writes[1]: invalid field "document.text": contains a NUL character') }]);
  // Replayed here (the demo's Replay still works), so no other spec finds them pending.
  for (const id of body.ids) {
    const replay = await request.post(`/api/failed-writes/${id}/replay`, { data: { reason: "e2e: the rest of a partially accepted batch" } });
    expect(replay.status()).toBe(200);
    expect((await replay.json()).status).toBe("applied");
  }
});
