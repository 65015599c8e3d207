import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { E2E_TOKENS, readE2EState } from "./support/e2e-state";

const auth = { authorization: `Bearer ${E2E_TOKENS.ingest}` };
const tag = `e2e${Date.now().toString(36)}`;

async function eventsOf(source: string) {
  const c = new pg.Client({ connectionString: readE2EState().databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ kind: string; message: string }>(
      `SELECT e.kind, e.message FROM "Event" e JOIN "Source" s ON s.id = e."sourceId" WHERE s.name = $1 ORDER BY e."occurredAt", e.id`,
      [source],
    );
    return r.rows;
  } finally {
    await c.end();
  }
}

const otlpBatch = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: tag } }] },
      scopeLogs: [
        {
          logRecords: [
            {
              timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
              severityNumber: 17,
              body: { stringValue: `E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "${tag}" }` },
              attributes: [{ key: "messageId", value: { stringValue: tag } }],
            },
            { timeUnixNano: String(BigInt(Date.now()) * 1_000_000n + 1n), severityNumber: 9, body: { stringValue: "request served" } },
          ],
        },
      ],
    },
  ],
};

test("an OTLP/HTTP JSON batch from a client shows up as events and as an incident", async ({ request, page }) => {
  const res = await request.post("/api/ingest/v1/logs", {
    headers: { ...auth, "content-type": "application/json", "content-encoding": "gzip" },
    data: gzipSync(JSON.stringify(otlpBatch)),
  });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ accepted: 2, inserted: 2, sources: { [`otel:${tag}`]: 2 } });
  expect(await eventsOf(`otel:${tag}`)).toEqual([
    { kind: "duplicate_key", message: expect.stringContaining(`messageId: "${tag}"`) },
    { kind: "unclassified", message: "request served" },
  ]);
  const retry = await request.post("/api/ingest/v1/logs", { headers: { ...auth, "content-type": "application/json" }, data: JSON.stringify(otlpBatch) });
  expect(await retry.json()).toMatchObject({ inserted: 0, duplicates: 2 });

  await page.goto("/incidents");
  await expect(page.getByTestId("incident-row").filter({ hasText: `otel:${tag}` })).toContainText("Duplicate key on chat.messages index messageId_1");
});

test("bad pushes get a 4xx that says what is wrong; a partly bad batch keeps its good lines", async ({ request }) => {
  const noToken = await request.post("/api/ingest", { data: "{}" });
  expect(noToken.status()).toBe(401);

  const partly = await request.post(`/api/ingest?source=${tag}-ndjson`, {
    headers: { ...auth, "content-type": "application/x-ndjson" },
    data: [
      JSON.stringify({ level: "error", msg: "sorry, too many clients already", time: Date.now() }),
      "{broken",
      JSON.stringify({ level: "info", msg: "ok" }),
    ].join("\n"),
  });
  expect(partly.status()).toBe(200);
  expect(await partly.json()).toMatchObject({ accepted: 2, rejected: 1, inserted: 2, errors: ["line 2: not a JSON object"] });
  expect((await eventsOf(`${tag}-ndjson`)).map((e) => e.kind)).toEqual(["too_many_connections", "unclassified"]);

  const allBad = await request.post("/api/ingest", { headers: { ...auth, "content-type": "application/x-ndjson" }, data: "nope\nstill nope" });
  expect(allBad.status()).toBe(400);
  expect((await allBad.json()).error).toMatchObject({ code: "bad_request", message: "line 1: not a JSON object" });

  const notJson = await request.post("/api/ingest/v1/logs", { headers: { ...auth, "content-type": "application/json" }, data: Buffer.from("{resourceLogs") });
  expect(notJson.status()).toBe(400);
  expect((await notJson.json()).error.message).toMatch(/not valid JSON/);

  const protobuf = await request.post("/api/ingest/v1/logs", { headers: { ...auth, "content-type": "application/x-protobuf" }, data: Buffer.from([10, 0]) });
  expect(protobuf.status()).toBe(415);
  expect((await protobuf.json()).error.message).toMatch(/encoding: json/);

  const tooBig = await request.post("/api/ingest", {
    headers: { ...auth, "content-type": "application/x-ndjson" },
    data: Buffer.alloc(11 * 1024 * 1024, 0x41),
  });
  expect(tooBig.status()).toBe(413);
  expect((await tooBig.json()).error).toMatchObject({ code: "too_large", message: expect.stringContaining("limit") });
});
