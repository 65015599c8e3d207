import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pickFilters, toLocalInput } from "./filter-form";

describe("filter forms", () => {
  const tz = process.env.TZ;
  // An operator away from UTC: what the input shows is read back as local time.
  beforeAll(() => void (process.env.TZ = "America/New_York"));
  afterAll(() => void (process.env.TZ = tz));

  it("shows a from/to time in local time, so applying the form again keeps it", () => {
    const iso = "2026-11-23T04:57:00.000Z";
    expect(toLocalInput(iso)).toBe("2026-11-22T23:57");
    // What the browser does with the input's value on submit (formFilters): local time → ISO.
    expect(new Date(toLocalInput(iso)).toISOString()).toBe(iso);
    expect(toLocalInput(undefined)).toBe("");
    expect(toLocalInput("not a time")).toBe("");
  });

  it("picks the page's own keys from its URL, nothing else", () => {
    expect(pickFilters({ status: "open", q: "", id: "7", kind: ["a", "b"] }, ["status", "q", "kind"] as const)).toEqual({ status: "open" });
  });
});
