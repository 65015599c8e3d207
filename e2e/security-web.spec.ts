// The web edges, against the real server: the proxy's bearer exemption, sign-in limits on real
// sockets, the post-sign-in redirect, security headers, tokens bound to sources from Settings.
import http from "node:http";
import net from "node:net";
import { expect, test } from "@playwright/test";
import { E2E_TOKENS, E2E_USERS } from "./support/e2e-state";

const port = Number(process.env.LOCKBOARD_E2E_PORT ?? 3100);

/** One request from a chosen loopback address (Linux routes all of 127/8 to lo), so the server's socket sees it. */
function send(opts: { method: string; path: string; headers?: Record<string, string>; body?: string; from?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: opts.method, path: opts.path, headers: opts.headers, localAddress: opts.from, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A request line exactly as written (a lower-case method, say), which Node's client would not send. */
function sendRaw(requestLine: string, headers: string[]) {
  return new Promise<string>((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.end(`${requestLine}\r\nHost: 127.0.0.1:${port}\r\n${headers.join("\r\n")}\r\nConnection: close\r\n\r\n`));
    let out = "";
    s.on("data", (d) => (out += d));
    s.on("end", () => resolve(out));
    s.on("error", reject);
  });
}

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a junk bearer token opens no read route, whatever the method or path shape", async () => {
    const junk = { authorization: "Bearer junk-token" };
    expect((await send({ method: "HEAD", path: "/api/failed-writes", headers: junk })).status).toBe(401);
    for (const method of ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]) {
      for (const path of [
        "/api/failed-writes",
        "/api/failed-writes/",
        "/api/failed-writes?q=x",
        "/api/%66ailed-writes",
        "/api/failed-writes/import",
        "/api/ingest",
        "/api/ingest/v1/logs",
        "/api/failed-writes/1",
        "/api/auth/%2e%2e/failed-writes",
      ]) {
        const res = await send({ method, path, headers: junk });
        expect({ method, path, opened: res.status < 300 || res.body.includes('"items"') }).toEqual({ method, path, opened: false });
      }
    }
    for (const line of [
      "head /api/failed-writes HTTP/1.1",
      "Head /api/failed-writes HTTP/1.1",
      "GET //api/failed-writes HTTP/1.1",
      "HEAD /api/failed-writes/. HTTP/1.1",
    ]) {
      const out = await sendRaw(line, ["Authorization: Bearer junk-token"]);
      expect({ line, opened: /^HTTP\/1\.1 2/.test(out) || out.includes('"items"') }).toEqual({ line, opened: false });
    }
    // The push endpoints themselves: the route checks the token.
    const push = await send({ method: "POST", path: "/api/failed-writes", headers: { ...junk, "content-type": "application/json" }, body: "{}" });
    expect(push.status).toBe(401);
    const ok = await send({
      method: "POST",
      path: "/api/ingest?source=security-web-e2e",
      headers: { authorization: `Bearer ${E2E_TOKENS.ingest}`, "content-type": "application/x-ndjson" },
      body: '{"level":"info","message":"hello"}\n',
    });
    expect(ok.status).toBe(200);
  });

  test("sign-in is limited per socket address: a new X-Forwarded-For per attempt does not help; 429 says when to retry", async () => {
    const attempt = (from: string, i: number) =>
      send({
        method: "POST",
        path: "/api/auth/sign-in/email",
        from,
        headers: {
          "content-type": "application/json",
          origin: `http://127.0.0.1:${port}`,
          "x-forwarded-for": `198.51.100.${i + 1}`,
          "x-real-ip": `198.51.100.${i + 1}`,
        },
        body: JSON.stringify({ email: `nobody-${i}@security-web.test`, password: "wrong-password-x" }),
      });
    const from = `127.0.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 200) + 20}`;
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof attempt>> | null = null;
    for (let i = 0; i < 11; i++) {
      const res = await attempt(from, i);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect(Number(limited!.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers["retry-after"])).toBeLessThanOrEqual(60);
    // Another machine (another socket address) is not held back.
    expect((await attempt(`127.0.${Math.floor(Math.random() * 200) + 20}.9`, 0)).status).toBe(401);
  });

  for (const next of ["/\\evil.example", "/%09/evil.example"]) {
    test(`signing in with ?next=${next} lands on the dashboard`, async ({ page, baseURL }) => {
      const violations: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`/sign-in?next=${next}`);
      await page.getByLabel("E-mail").fill(E2E_USERS.admin.email);
      await page.getByLabel("Password").fill(E2E_USERS.admin.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page.getByTestId("user-role")).toHaveText("admin");
      expect(new URL(page.url()).origin).toBe(baseURL);
      expect(new URL(page.url()).pathname).toBe("/");
      expect(violations).toEqual([]);
    });
  }
});

test("every response carries the framing, content-type and referrer headers; the pages work under the policy", async ({ page, request }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const check = (what: string, h: Record<string, string>) => {
    expect({ what, xfo: h["x-frame-options"], nosniff: h["x-content-type-options"], referrer: h["referrer-policy"] }).toEqual({
      what,
      xfo: "DENY",
      nosniff: "nosniff",
      referrer: "same-origin",
    });
    expect(h["content-security-policy"], what).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], what).toContain("default-src 'self'");
  };
  check("page", (await request.get("/")).headers());
  check("api", (await request.get("/api/incidents")).headers());
  check("sign-in page", (await request.get("/sign-in", { headers: { cookie: "" } })).headers());
  check("signed-out api 401", (await send({ method: "GET", path: "/api/incidents" })).headers as Record<string, string>);
  check("signed-out page redirect", (await send({ method: "GET", path: "/locks" })).headers as Record<string, string>);
  check("not found", (await request.get("/no-such-page")).headers());

  // The built pages render and hydrate under the policy: client-side data arrives, links route.
  for (const path of ["/", "/locks", "/incidents", "/failed-writes", "/capacity", "/audit", "/settings"]) {
    const res = await page.goto(path);
    check(path, res!.headers());
    await expect(page.getByTestId("user-role")).toHaveText("admin");
  }
  await page.getByRole("link", { name: "Locks" }).first().click();
  await expect(page).toHaveURL(/\/locks$/);
  expect(violations).toEqual([]);
});

test("a token bound to a source in Settings pushes there and is refused elsewhere with 403", async ({ page }) => {
  const source = `bound-e2e-${Date.now()}`;
  await page.goto("/settings");
  await page.getByLabel("Token name").fill(`bound ${source}`);
  await page.getByLabel("Token scope").selectOption("ingest");
  await page.getByLabel("Token sources").fill(source);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").locator("code").textContent())!;
  await expect(
    page
      .getByTestId("token-row")
      .filter({ hasText: `bound ${source}` })
      .getByTestId("token-sources"),
  ).toHaveText(source);

  const push = (to: string) =>
    send({
      method: "POST",
      path: `/api/ingest?source=${to}`,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
      body: '{"level":"info","message":"hi"}\n',
    });
  expect((await push(source)).status).toBe(200);
  const refused = await push(`${source}-other`);
  expect(refused.status).toBe(403);
  expect(JSON.parse(refused.body).error.message).toContain(`"${source}-other"`);
  // The unbound env token may not write as the demo's PostgreSQL source.
  const demo = await send({
    method: "GET",
    path: "/api/sources",
    headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
  });
  const pgSource = (JSON.parse(demo.body).items as { name: string; kind: string }[]).find((s) => s.kind === "postgres");
  expect(pgSource).toBeTruthy();
  const forged = await send({
    method: "POST",
    path: `/api/ingest?source=${pgSource!.name}`,
    headers: { authorization: `Bearer ${E2E_TOKENS.ingest}`, "content-type": "application/x-ndjson" },
    body: '{"level":"error","message":"forged"}\n',
  });
  expect(forged.status).toBe(403);
});
