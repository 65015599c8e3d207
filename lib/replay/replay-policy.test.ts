import { describe, expect, it } from "vitest";
import { getReplayNamespaces, mongoFieldRefusal, namespaceRefusal, systemNamespaceReason } from "./replay-policy";
import { findUnstorable, storableRaw } from "./storable-value";

const pg = (namespaces?: unknown) => ({ name: "app-db", kind: "postgres", config: namespaces === undefined ? {} : { replay: { namespaces } } });

describe("replay policy", () => {
  it("accepts only declared namespaces; a source with none accepts nothing", () => {
    expect(namespaceRefusal(pg(["public.session"]), "public.session")).toBeNull();
    expect(namespaceRefusal(pg(), "public.session")).toBe(
      'source app-db does not accept failed writes into "public.session": add it to the source\'s config.replay.namespaces (it declares none)',
    );
    expect(namespaceRefusal(pg(["public.session"]), "public.users")).toContain('(declared: "public.session")');
    expect(getReplayNamespaces(pg("public.session"))).toMatchObject({ ok: false, error: expect.stringContaining("config.replay.namespaces") });
    expect(namespaceRefusal(pg("public.session"), "public.session")).toContain("invalid config.replay");
  });

  it("always refuses system schemas and databases", () => {
    for (const ns of [
      "pg_catalog.pg_authid",
      "PG_CATALOG.pg_authid",
      "information_schema.tables",
      "pg_toast.x",
      "pg_toast_temp_2.x",
      "pg_temp.x",
      "pg_temp_7.x",
    ]) {
      expect(systemNamespaceReason("postgres", ns), ns).not.toBeNull();
      expect(namespaceRefusal(pg([ns]), ns), ns).toContain("system schema");
    }
    for (const ns of ["admin.users", "config.settings", "local.oplog.rs", "app.system.users"]) expect(systemNamespaceReason("mongodb", ns), ns).not.toBeNull();
    expect(systemNamespaceReason("postgres", "public.pg_things")).toBeNull();
    expect(systemNamespaceReason("mongodb", "LibreChat.messages")).toBeNull();
  });

  it("MongoDB: no $ or dotted names in the key, top-level fields or nested operators; Extended JSON values pass", () => {
    expect(mongoFieldRefusal({ key: { $where: "1" } })).toContain('"key.$where"');
    expect(mongoFieldRefusal({ key: { "a.b": "1" } })).toContain("contains a dot");
    expect(mongoFieldRefusal({ key: { a: { $ne: null } } })).toContain("string, number or boolean");
    expect(mongoFieldRefusal({ key: { a: "x" }, document: { $set: 1 } })).toContain('"document.$set"');
    expect(mongoFieldRefusal({ key: { a: "x" }, document: { p: [{ q: { $gt: 1 } }] } })).toContain('"document.p.0.q.$gt"');
    expect(mongoFieldRefusal({ key: { a: "x" }, update: { $set: { $inc: 1 } } })).toContain('"update.$set.$inc"');
    expect(mongoFieldRefusal({ key: { a: "x" }, document: { at: { $date: { $numberLong: "1" } }, id: { $oid: "65a000000000000000000000" } } })).toBeNull();
  });
});

describe("storable values", () => {
  it("finds NUL, lone surrogates and deep nesting, by path", () => {
    expect(findUnstorable({ document: { text: "a\u0000" } })).toBe(
      'invalid field "document.text": contains a NUL character (\\u0000), which the store cannot hold',
    );
    expect(findUnstorable({ a: ["\ud800"] })).toContain('"a.0": contains a lone UTF-16 surrogate');
    expect(findUnstorable({ a: "\ud83d\ude00" })).toBeNull();
    expect(findUnstorable({ ["k\u0000"]: 1 })).toContain("its name contains a NUL");
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorable(deep)).toContain("nested deeper than 64 levels");
    expect(storableRaw({ t: "a\u0000" })).toBe('{"t":"a\\u0000"}');
    expect(storableRaw("raw \u0000 byte")).toBe("raw \\u0000 byte");
    expect(storableRaw(deep)).toBe(`${"[".repeat(100_000)}1${"]".repeat(100_000)}`);
    expect(storableRaw({ a: [{ b: "\u0000" }, null] })).toBe('{"a":[{"b":"\\u0000"},null]}');
  });
});
