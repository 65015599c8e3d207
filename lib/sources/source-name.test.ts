import { describe, expect, it } from "vitest";
import { isSourceName, otlpSourceName, SourceNameSchema } from "./source-name";

describe("the source-name rule", () => {
  it("takes 1 to 80 letters, digits and . _ : @ -", () => {
    for (const ok of ["app-db", "otel:librechat-api", "pg@prod.eu_1", "x".repeat(80)]) expect(isSourceName(ok)).toBe(true);
    for (const bad of ["", "x".repeat(81), "a b", "a/b", "é", "a\nb"]) expect(isSourceName(bad)).toBe(false);
  });
  it("is what the schema applies, after trimming", () => {
    expect(SourceNameSchema.parse("  app-db ")).toBe("app-db");
    expect(SourceNameSchema.safeParse("a b").error?.issues[0].message).toBe("1 to 80 letters, digits and . _ : @ -");
  });
  it("names an OTLP service's source so that the name itself keeps the rule", () => {
    expect(otlpSourceName("librechat-api")).toBe("otel:librechat-api");
    expect(otlpSourceName("x".repeat(75))).toBe(`otel:${"x".repeat(75)}`);
    // 76 characters are a valid service name but `otel:` makes 81: no token could be bound to it.
    expect(otlpSourceName("x".repeat(76))).toBe("otel");
    for (const odd of [undefined, 42, "", "my service", { stringValue: "a" }]) expect(otlpSourceName(odd)).toBe("otel");
  });
});
