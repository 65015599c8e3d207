import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { Prisma } from "../store/generated/client";
import { errorResponse, HttpError, readJsonBody, withErrors } from "./errors";

const logged: string[] = [];
const spy = () => vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(" ")));
afterEach(() => {
  vi.restoreAllMocks();
  logged.length = 0;
});

const req = (body?: string) => new Request("http://127.0.0.1/api/x?token=abc", { method: body === undefined ? "GET" : "POST", body });

describe("the error map", () => {
  it("answers a bug with a 500 carrying an error id, and logs that id with the stack, secrets masked", async () => {
    spy();
    const handler = withErrors(async (_r: Request) => {
      throw new Error("boom at postgresql://lockboard:hunter2-secret@db:5432/lb");
    });
    const res = await handler(req());
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text) as { error: { code: string; id: string; message: string } };
    expect(body.error.code).toBe("internal_error");
    expect(body.error.id).toMatch(/^[\w-]{8}$/);
    expect(res.headers.get("x-lockboard-error-id")).toBe(body.error.id);
    // Nothing of the failure reaches the client: no message, no stack, no secret.
    expect(text).not.toMatch(/boom|hunter2|errors\.test|at /);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`error ${body.error.id} in GET /api/x`);
    expect(logged[0]).toContain("errors.test.ts");
    expect(logged[0]).toContain("postgresql://lockboard:***@db");
    expect(logged[0]).not.toContain("hunter2");
  });

  it("gives each 500 its own id", async () => {
    spy();
    const ids = await Promise.all([1, 2, 3].map(async () => ((await errorResponse(new TypeError("x")).json()) as { error: { id: string } }).error.id));
    expect(new Set(ids).size).toBe(3);
  });

  it("answers the store not answering with a 503 and Retry-After, never a 500", async () => {
    spy();
    const err = new Prisma.PrismaClientKnownRequestError("Can't reach database server at 127.0.0.1:1", { code: "P1001", clientVersion: "7" });
    const res = errorResponse(err, req());
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("store_unavailable");
  });

  it("keeps a deliberate HttpError's status and headers, and turns a thrown ZodError into a 400 naming the field", async () => {
    const r = errorResponse(new HttpError(429, "slow_down", "wait", { "retry-after": "9" }));
    expect([r.status, r.headers.get("retry-after")]).toEqual([429, "9"]);
    const zerr = z.object({ limit: z.number() }).safeParse({ limit: "x" }).error!;
    const res = errorResponse(zerr);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^invalid input "limit"/);
  });
});

describe("readJsonBody", () => {
  const Schema = z.object({ reason: z.string(), nested: z.object({ list: z.array(z.string()) }).optional() });
  const status = (body: string) =>
    readJsonBody(req(body), Schema).then(
      () => 200,
      (e: HttpError) => `${e.status} ${e.message}`,
    );

  it("refuses a NUL or a lone surrogate in any string, naming the field's path", async () => {
    expect(await status(JSON.stringify({ reason: "a\u0000b" }))).toMatch(/^400 invalid field "reason": must not contain NUL/);
    expect(await status(JSON.stringify({ reason: "ok", nested: { list: ["x", "\u0000"] } }))).toMatch(/^400 invalid field "nested\.list\[1\]"/);
    expect(await status('{"reason":"ok","extra":{"\\u0000":1}}')).toBe(
      '400 invalid field "extra.\\u0000": (a field name) must not contain NUL (\\u0000) characters',
    );
    expect(await status('{"reason":"\\ud800"}')).toMatch(/^400 invalid field "reason": must be valid Unicode/);
    expect(await status(JSON.stringify({ reason: "fine \ud83d\ude00" }))).toBe(200);
  });

  it("walks a deeply nested body without overflowing the stack", async () => {
    const deep = `{"reason":"ok","x":${"[".repeat(100_000)}"\\u0000"${"]".repeat(100_000)}}`;
    expect(await status(deep)).toMatch(/^400 invalid field "x\[0\]/);
  });
});
