import { describe, expect, it } from "vitest";
import { secureCookiesFor } from "./cookie-policy";

describe("Secure cookies", () => {
  it("are on exactly when the public URL is https", () => {
    expect(secureCookiesFor("https://lockboard.example.com")).toBe(true);
    expect(secureCookiesFor(" HTTPS://lockboard.example.com:8443/base ")).toBe(true);
    expect(secureCookiesFor("http://127.0.0.1:3000")).toBe(false);
    expect(secureCookiesFor("http://https.example")).toBe(false);
    expect(secureCookiesFor("not a url")).toBe(false);
    expect(secureCookiesFor(undefined)).toBe(false);
  });
});
