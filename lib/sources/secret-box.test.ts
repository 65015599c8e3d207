import { describe, expect, it } from "vitest";
import { maskUrl, openSecret, sealSecret } from "./secret-box";

process.env.LOCKBOARD_SECRET_KEY ??= "unit-test-key";

describe("secret box", () => {
  it("round-trips and never stores the plain text", () => {
    const url = "postgresql://app:s3cret-pw@127.0.0.1:5432/app";
    const sealed = sealSecret(url);
    expect(sealed).not.toContain("s3cret");
    expect(sealSecret(url)).not.toBe(sealed);
    expect(openSecret(sealed)).toBe(url);
  });

  it("refuses a tampered secret", () => {
    const sealed = sealSecret("mongodb://u:p@127.0.0.1/x");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => openSecret(parts.join("."))).toThrow(/cannot be decrypted/);
  });

  it("masks passwords and token-like parameters", () => {
    expect(maskUrl("postgresql://app:pw@db:5432/app")).toBe("postgresql://app:***@db:5432/app");
    expect(maskUrl("mongodb://127.0.0.1:27017/?authSource=admin&password=x")).toContain("password=***");
    expect(maskUrl("postgresql://app:pw@db:99999/x")).toBe("postgresql://app:***@db:99999/x");
  });
});
