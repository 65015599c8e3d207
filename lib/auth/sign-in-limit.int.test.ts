// Sign-in limits through Better Auth's real handler and store. The X-Forwarded-For values are
// what scripts/next-server.mjs hands the app: the client's header, then the socket's address
// (e2e/security-web.spec.ts shows the same against the real server and its sockets).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getAuth } from "./auth";
import { createLocalUser } from "./users";

const run = `${process.pid}-${Date.now()}`;
const user = { email: `limit-${run}@limits.test`, password: `limit-password-${run}` };
let n = 0;
const fresh = () => `198.18.${Math.floor(++n / 250) % 250}.${(n % 250) + 1}`;

const attempt = (email: string, password: string, xff: string) =>
  getAuth().handler(
    new Request("http://127.0.0.1:3000/api/auth/sign-in/email", {
      method: "POST",
      headers: { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "content-type": "application/json", "x-forwarded-for": xff },
      body: JSON.stringify({ email, password }),
    }),
  );

beforeAll(() => createLocalUser(getPrisma(), "test", { ...user, role: "viewer", name: "limit" }));
afterAll(disconnectPrisma);
afterEach(() => {
  delete process.env.LOCKBOARD_TRUSTED_PROXIES;
});

describe("sign-in limits", () => {
  it("key on the socket address: a new spoofed X-Forwarded-For per attempt still hits the limit, answered 429 with Retry-After", async () => {
    const socket = "203.0.113.201";
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await attempt(`nobody-${run}-${i}@limits.test`, "wrong-password-x", `${fresh()}, ${socket}`);
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Another client is not affected.
    expect((await attempt(`nobody-${run}@limits.test`, "wrong-password-x", "203.0.113.202")).status).toBe(401);
  });

  it("believe the header through LOCKBOARD_TRUSTED_PROXIES only, taking the right-most untrusted address", async () => {
    process.env.LOCKBOARD_TRUSTED_PROXIES = "10.20.0.0/16, 127.0.0.1";
    // Twelve real clients behind the proxy: none is limited by the others' attempts.
    for (let i = 0; i < 12; i++) {
      expect((await attempt(`nobody-${run}-p${i}@limits.test`, "wrong-password-x", `${fresh()}, 10.20.0.5, 127.0.0.1`)).status).toBe(401);
    }
    // One client behind the proxy that writes a new fake address before its own each time.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await attempt(`nobody-${run}-q${i}@limits.test`, "wrong-password-x", `${fresh()}, 192.0.2.77, 10.20.0.5, 127.0.0.1`)).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  });

  it("limit failures per account across addresses, case and spacing included; success is not counted", async () => {
    const target = `victim-${run}@limits.test`;
    await createLocalUser(getPrisma(), "test", { email: target, password: `victim-password-${run}`, role: "viewer", name: "victim" });
    expect((await attempt(target, `victim-password-${run}`, fresh())).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await attempt(i % 2 ? target.toUpperCase() : ` ${target} `, "wrong-password-x", fresh())).status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    const refused = await attempt(target, "wrong-password-x", fresh());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(60);
    // While the account is held, even the right password waits (the answer must not tell).
    expect((await attempt(target, `victim-password-${run}`, fresh())).status).toBe(429);
    // Other accounts are untouched.
    expect((await attempt(user.email, user.password, fresh())).status).toBe(200);
  });
});
