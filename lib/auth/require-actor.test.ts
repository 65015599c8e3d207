import { describe, expect, it } from "vitest";
import { assertSameOrigin } from "./require-actor";

const post = (headers: Record<string, string>) =>
  new Request("http://127.0.0.1:3000/api/x", { method: "POST", headers: { host: "127.0.0.1:3000", ...headers } });

describe("cross-site protection", () => {
  it("lets same-origin and non-browser POSTs through", () => {
    expect(() => assertSameOrigin(post({ origin: "http://127.0.0.1:3000" }))).not.toThrow();
    expect(() => assertSameOrigin(post({}))).not.toThrow();
  });
  it("refuses a POST from another origin or marked cross-site", () => {
    expect(() => assertSameOrigin(post({ origin: "https://evil.example" }))).toThrow(/evil\.example/);
    expect(() => assertSameOrigin(post({ "sec-fetch-site": "cross-site" }))).toThrow(/cross-site/);
    expect(() => assertSameOrigin(post({ origin: "null" }))).toThrow();
  });
});
