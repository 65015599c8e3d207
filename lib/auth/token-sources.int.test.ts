// Tokens bound to sources, through the four push route handlers and the real store.
import { spawnSync } from "node:child_process";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as pushFailedWrites } from "../../app/api/failed-writes/route";
import { POST as importFailedWrites } from "../../app/api/failed-writes/import/route";
import { POST as pushNdjson } from "../../app/api/ingest/route";
import { POST as pushOtlp } from "../../app/api/ingest/v1/logs/route";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { createApiToken } from "./api-tokens";

const run = `${process.pid}${Date.now()}`;
const PG = `pg-${run}`;
const MONGO = `mongo-${run}`;
const LOGS = `logs-${run}`;
const tokens: Record<string, string> = {};

const post = (handler: (r: NextRequest) => Promise<Response>, path: string, token: string, body: string, type = "application/json") =>
  handler(new NextRequest(`http://127.0.0.1:3000${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body }));
const line = JSON.stringify({ level: "error", message: "boom", time: new Date().toISOString() });
const otlp = (service: string) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeLogs: [{ logRecords: [{ timeUnixNano: "1764500000000000000", severityText: "ERROR", body: { stringValue: "boom" } }] }],
      },
    ],
  });
const write = (source: string | number, id = 1) => ({
  source,
  namespace: "public.visit",
  operation: "insert",
  key: { id },
  document: { id, n: 1 },
  error: "deadlock detected",
  occurredAt: new Date().toISOString(),
});

beforeAll(async () => {
  const prisma = getPrisma();
  // Failed writes need a declared namespace (lib/replay/replay-policy.ts).
  await prisma.source.create({ data: { name: PG, kind: "postgres", config: { replay: { namespaces: ["public.visit"] } } } });
  await prisma.source.create({ data: { name: MONGO, kind: "mongodb", config: { replay: { namespaces: ["public.visit"] } } } });
  await prisma.source.create({ data: { name: LOGS, kind: "log" } });
  tokens.unboundIngest = (await createApiToken(prisma, "test", { name: "any-ingest", scope: "ingest" })).token;
  tokens.boundIngest = (await createApiToken(prisma, "test", { name: "pg-shipper", scope: "ingest", sources: [PG, `otel:svc-${run}`] })).token;
  tokens.unboundFw = (await createApiToken(prisma, "test", { name: "any-fw", scope: "failed-writes" })).token;
  tokens.boundFw = (await createApiToken(prisma, "test", { name: "pg-app", scope: "failed-writes", sources: [PG] })).token;
});
afterAll(disconnectPrisma);

describe("an ingest token", () => {
  it("unbound: writes new and log sources, never as a postgres source (403 naming it)", async () => {
    expect((await post(pushNdjson, `/api/ingest?source=${LOGS}`, tokens.unboundIngest!, line, "application/x-ndjson")).status).toBe(200);
    expect((await post(pushNdjson, `/api/ingest?source=new-${run}`, tokens.unboundIngest!, line, "application/x-ndjson")).status).toBe(200);
    const res = await post(pushNdjson, `/api/ingest?source=${PG}`, tokens.unboundIngest!, line, "application/x-ndjson");
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain(`postgres source "${PG}"`);
    const otel = await post(pushOtlp, `/api/ingest/v1/logs?source=${MONGO}`, tokens.unboundIngest!, otlp("x"));
    expect(otel.status).toBe(403);
    expect(await getPrisma().event.count({ where: { source: { name: { in: [PG, MONGO] } } } })).toBe(0);
  });

  it("bound: only its sources, by query and by OTLP service name", async () => {
    expect((await post(pushNdjson, `/api/ingest?source=${PG}`, tokens.boundIngest!, line, "application/x-ndjson")).status).toBe(200);
    const other = await post(pushNdjson, `/api/ingest?source=${LOGS}`, tokens.boundIngest!, line, "application/x-ndjson");
    expect(other.status).toBe(403);
    expect((await other.json()).error.message).toContain(`"${LOGS}"`);
    expect((await post(pushOtlp, "/api/ingest/v1/logs", tokens.boundIngest!, otlp(`svc-${run}`))).status).toBe(200);
    expect((await post(pushOtlp, "/api/ingest/v1/logs", tokens.boundIngest!, otlp("someone-else"))).status).toBe(403);
    expect((await post(pushOtlp, "/api/ingest/v1/logs", tokens.boundIngest!, otlp("svc"))).status).toBe(403);
  });
});

describe("a failed-writes token", () => {
  it("bound: refused for another source, by name or id, in a batch and in an import", async () => {
    const prisma = getPrisma();
    const mongoId = (await prisma.source.findUniqueOrThrow({ where: { name: MONGO } })).id;
    const ok = await post(pushFailedWrites, "/api/failed-writes", tokens.boundFw!, JSON.stringify(write(PG, 1)));
    expect(ok.status).toBe(201);
    const mixed = await post(pushFailedWrites, "/api/failed-writes", tokens.boundFw!, JSON.stringify({ writes: [write(PG, 2), write(MONGO, 3)] }));
    expect(mixed.status).toBe(403);
    expect((await mixed.json()).error.message).toContain(`"${MONGO}"`);
    expect((await post(pushFailedWrites, "/api/failed-writes", tokens.boundFw!, JSON.stringify(write(mongoId, 4)))).status).toBe(403);
    const ndjson = [JSON.stringify(write(PG, 5)), "not json", JSON.stringify(write(MONGO, 6))].join("\n");
    expect((await post(importFailedWrites, "/api/failed-writes/import", tokens.boundFw!, ndjson, "application/x-ndjson")).status).toBe(403);
    // A key spelled with an escape is still read as "source".
    const escaped = `{"\\u0073ource":${JSON.stringify(MONGO)},"namespace":"public.visit","operation":"insert","key":{"id":7},"document":{"id":7},"error":"x","occurredAt":"${new Date().toISOString()}"}`;
    expect((await post(importFailedWrites, "/api/failed-writes/import", tokens.boundFw!, escaped, "application/x-ndjson")).status).toBe(403);
    expect((await post(importFailedWrites, "/api/failed-writes/import", tokens.boundFw!, JSON.stringify(write(PG, 8)), "application/x-ndjson")).status).toBe(
      200,
    );
    expect(await prisma.failedWrite.count({ where: { source: { name: MONGO } } })).toBe(0);
  });

  it("unbound: may target any source", async () => {
    expect((await post(pushFailedWrites, "/api/failed-writes", tokens.unboundFw!, JSON.stringify({ writes: [write(PG, 9), write(MONGO, 10)] }))).status).toBe(
      201,
    );
  });
});

describe("npm run token", () => {
  const token = (...args: string[]) =>
    spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/token.ts", ...args], { encoding: "utf8", env: process.env, timeout: 60_000 });

  it("creates a token bound to the --source names given", async () => {
    const res = token("create", "--scope", "ingest", "--name", `cli-${run}`, "--source", PG, "--source", LOGS, "--source", PG);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(`sources ${PG}, ${LOGS}`);
    const row = await getPrisma().apiToken.findFirstOrThrow({ where: { name: `cli-${run}` } });
    expect(row.sources).toEqual([PG, LOGS]);
    const secret = /(lbt_in_\S+)/.exec(res.stdout)![1]!;
    expect((await post(pushNdjson, `/api/ingest?source=${LOGS}`, secret, line, "application/x-ndjson")).status).toBe(200);
    expect((await post(pushNdjson, `/api/ingest?source=new-${run}`, secret, line, "application/x-ndjson")).status).toBe(403);
  });

  it("answers bad arguments with one line and exit 2", () => {
    for (const args of [
      ["create", "--scope", "ingest", "--name", "x", "--source", "bad name"],
      ["create", "--scope", "nope", "--name", "x"],
      ["create", "--scope", "ingest"],
      ["--bogus"],
      ["revoke", "--id", "x"],
      ["frobnicate"],
    ]) {
      const res = token(...args);
      expect({ args, status: res.status }).toEqual({ args, status: 2 });
      expect(res.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
