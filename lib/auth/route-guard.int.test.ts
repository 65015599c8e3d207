// Every route that changes anything refuses the unauthenticated (401), the cross-site (403) and a
// viewer (403); every route that reads refuses the unauthenticated itself (GET and HEAD: 401),
// not only behind proxy.ts. Routes are discovered from app/api, so a new route is covered the day it lands.
import { NextRequest } from "next/server";
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getAuth } from "./auth";
import { createLocalUser } from "./users";

const ROOT = path.resolve(__dirname, "../../app/api");
const ACTION_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;
// Better Auth's own endpoints; push endpoints take bearer tokens instead of sessions (api-tokens tests).
const EXEMPT = [/^auth\//, /^ingest(\/|$)/, /^failed-writes$/, /^failed-writes\/import$/];
// Reads: only Better Auth's own endpoints and the public health check answer without a session.
const READ_EXEMPT = [/^auth\//, /^health$/];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
const routes: { route: string; method: string; handler: Handler; params: Record<string, string | string[]> }[] = [];
const reads: (typeof routes)[number][] = [];
const cookies: Record<string, string> = {};
const run = `${process.pid}-${Date.now()}`;

beforeAll(async () => {
  for (const file of routeFiles(ROOT)) {
    const route = path.relative(ROOT, path.dirname(file));
    const mod = (await import(file)) as Record<string, Handler | undefined>;
    const params = Object.fromEntries([...route.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)].map((m) => [m[2]!, m[1] ? ["1"] : "1"]));
    // Next answers HEAD with the GET handler (the request's method is HEAD), so both are tried.
    if (mod.GET && !READ_EXEMPT.some((r) => r.test(route))) for (const method of ["GET", "HEAD"]) reads.push({ route, method, handler: mod.GET, params });
    if (EXEMPT.some((r) => r.test(route))) continue;
    for (const method of ACTION_METHODS) if (mod[method]) routes.push({ route, method, handler: mod[method]!, params });
  }
  for (const role of ["viewer", "operator"] as const) {
    const email = `${role}-${run}@guard.test`;
    await createLocalUser(getPrisma(), "test", { email, password: `${role}-password-${run}`, role, name: role });
    const res = await getAuth().api.signInEmail({ body: { email, password: `${role}-password-${run}` }, asResponse: true });
    cookies[role] = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  }
});
afterAll(disconnectPrisma);

const call = (r: (typeof routes)[number], headers: Record<string, string>) =>
  r.handler(
    // Next hands route handlers a NextRequest (req.nextUrl), so the test does too.
    new NextRequest(`http://127.0.0.1:3000/api/${r.route}`, {
      method: r.method,
      headers: { host: "127.0.0.1:3000", "content-type": "application/json", ...headers },
      body: r.method === "GET" || r.method === "HEAD" ? undefined : "{}",
    }),
    { params: Promise.resolve(r.params) },
  );

describe("action routes", () => {
  it("are discovered", () => {
    expect(routes.map((r) => `${r.method} ${r.route}`)).toEqual(expect.arrayContaining(["POST sources", "POST tokens", "POST users"]));
  });

  it("answer 401 without a session", async () => {
    for (const r of routes)
      expect({ route: `${r.method} ${r.route}`, status: (await call(r, {})).status }).toEqual({ route: `${r.method} ${r.route}`, status: 401 });
  });

  it("refuse a cross-site request even with a valid session", async () => {
    for (const r of routes) {
      const res = await call(r, { cookie: cookies.operator!, origin: "https://evil.example", "sec-fetch-site": "cross-site" });
      expect({ route: `${r.method} ${r.route}`, status: res.status }).toEqual({ route: `${r.method} ${r.route}`, status: 403 });
    }
  });

  it("answer 403 to a viewer", async () => {
    for (const r of routes) {
      const res = await call(r, { cookie: cookies.viewer! });
      expect({ route: `${r.method} ${r.route}`, status: res.status }).toEqual({ route: `${r.method} ${r.route}`, status: 403 });
      expect((await res.json()).error.message).toMatch(/needs the (operator|admin) role/);
    }
  });
});

describe("read routes", () => {
  it("are discovered, the push endpoints' list too", () => {
    expect(reads.map((r) => `${r.method} ${r.route}`)).toEqual(
      expect.arrayContaining([
        "GET incidents",
        "HEAD incidents",
        "GET failed-writes",
        "HEAD failed-writes",
        "GET locks/[source]/backends/[pid]",
        "GET sources/health",
      ]),
    );
  });

  it("answer 401 without a session, to GET and to HEAD, a bearer header or not", async () => {
    for (const r of reads) {
      for (const headers of [{}, { authorization: "Bearer not-a-session" }] as Record<string, string>[]) {
        const res = await call(r, headers);
        expect({ route: `${r.method} ${r.route}`, status: res.status }).toEqual({ route: `${r.method} ${r.route}`, status: 401 });
      }
    }
  });

  it("answer a signed-in viewer without a 5xx (no read route needs more, except users, tokens and the fleet's instances)", async () => {
    for (const r of reads.filter((x) => x.method === "GET")) {
      const status = (await call(r, { cookie: cookies.viewer! })).status;
      const refused = status === 401 || (status === 403 && !/^(users|tokens|fleet)$/.test(r.route));
      expect({ route: r.route, refused, serverError: status >= 500 }).toEqual({ route: r.route, refused: false, serverError: false });
    }
  });
});

describe("sign-in", () => {
  const attempt = (email: string, password: string, ip = "203.0.113.7") =>
    getAuth().handler(
      new Request("http://127.0.0.1:3000/api/auth/sign-in/email", {
        method: "POST",
        headers: { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "content-type": "application/json", "x-forwarded-for": ip },
        body: JSON.stringify({ email, password }),
      }),
    );

  it("never reveals whether the account exists", async () => {
    const wrong = await attempt(`operator-${run}@guard.test`, "not-the-password", "203.0.113.1");
    const missing = await attempt(`missing-${run}@guard.test`, "not-the-password", "203.0.113.2");
    expect(wrong.status).toBe(missing.status);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(await missing.json());
  });

  it("is rate limited per client address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt(`missing-${run}@guard.test`, "x-wrong-password", "203.0.113.99")).status);
    expect(statuses).toContain(429);
    expect((await attempt(`missing-${run}@guard.test`, "x-wrong-password", "203.0.113.100")).status).toBe(401);
  });

  it("stores only a hash of the password", async () => {
    const rows = await getPrisma().authAccount.findMany({ where: { user: { email: `operator-${run}@guard.test` } } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.password).not.toContain(`operator-password-${run}`);
    expect(rows[0]!.password!.length).toBeGreaterThan(40);
  });
});
