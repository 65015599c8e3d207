// The store unreachable (a real closed port) is a 503 with Retry-After from every kind of route:
// a push endpoint, a read behind a session, an action. Never a 500, never a hang.
import { createServer } from "node:net";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { disconnectPrisma } from "@/lib/store/prisma";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
const logged: string[] = [];

beforeAll(async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  // Before anything opens the store: this file's Prisma client and Better Auth pool point at nothing.
  await disconnectPrisma();
  process.env.DATABASE_URL = `postgresql://lockboard:not-this-password@127.0.0.1:${port}/lockboard`;
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(" ")));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await disconnectPrisma();
});

async function call(route: string, method: string, url: string, headers: Record<string, string>, body?: string) {
  const mod = (await import(path.resolve(__dirname, `../../app/api/${route}/route.ts`))) as Record<string, Handler>;
  const req = new NextRequest(`http://127.0.0.1:3000${url}`, { method, headers: { host: "127.0.0.1:3000", ...headers }, body });
  const res = await mod[method]!(req, { params: Promise.resolve({}) });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { error: { code: string; message: string } } };
}

describe("the store unreachable", () => {
  it("is a 503 with Retry-After on a push endpoint (log shippers retry it, and only it)", async () => {
    const res = await call("ingest", "POST", "/api/ingest", { authorization: "Bearer some-token", "content-type": "application/x-ndjson" }, '{"msg":"x"}\n');
    expect(res).toMatchObject({ status: 503, retryAfter: "5", body: { error: { code: "store_unavailable" } } });
    expect(res.body.error.message).toMatch(/refused|cannot be reached/);
    expect(JSON.stringify(res.body)).not.toContain("not-this-password");
  });

  it("is a 503 with Retry-After on a read and an action behind a session", async () => {
    const cookie = "better-auth.session_token=abc.def";
    for (const [route, method, body] of [
      ["incidents", "GET"],
      ["incidents/status", "POST", '{"ids":[1],"status":"acknowledged"}'],
    ] as const) {
      const res = await call(route, method, `/api/${route}`, { cookie, "content-type": "application/json" }, body);
      expect({ route, status: res.status, retryAfter: res.retryAfter }).toEqual({ route, status: 503, retryAfter: "5" });
    }
  });

  it("is logged as an outage, without the password, and not as a bug", () => {
    expect(logged.some((l) => l.includes("store unavailable"))).toBe(true);
    expect(logged.join("\n")).not.toContain("not-this-password");
    expect(logged.some((l) => /\berror [\w-]{8} in\b/.test(l))).toBe(false);
  });
});
