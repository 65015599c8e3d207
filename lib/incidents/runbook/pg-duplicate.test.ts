import { describe, expect, it } from "vitest";
import type { DiffLine } from "./line-diff";
import { buildPgDuplicateRunbook, type PgDuplicateInput, type PgConstraintInfo } from "./pg-duplicate";
import { parsePgKeyDetail, pgConstraintOf, tableFromConstraintName } from "./pg-key-detail";
import { readStatement } from "./sql-insert";
import type { IncidentRunbook } from "./runbook-types";

const base: PgDuplicateInput = {
  source: "demo-pg",
  constraint: "session_session_uuid_key",
  detail: "Key (session_uuid)=(ddc0d499-9ed0-4e9c-9d4e-330536fa990a) already exists.",
  statement: "INSERT INTO session (session_uuid, website_id) VALUES ($1, $2)",
  statementVariants: 1,
  code: "23505",
  catalog: null,
  catalogNote: null,
  keyStats: null,
  failedWrites: 0,
};
const build = (over: Partial<PgDuplicateInput>) => buildPgDuplicateRunbook({ ...base, ...over });
const diffs = (r: IncidentRunbook) => r.steps.flatMap((s) => s.blocks ?? []).filter((b) => b.type === "diff") as { title: string; lines: DiffLine[] }[];
const added = (lines: DiffLine[]) => lines.filter((l) => l.op === "+").map((l) => l.text);
const removed = (lines: DiffLine[]) => lines.filter((l) => l.op === "-").map((l) => l.text);
const fact = (r: IncidentRunbook, label: string) => r.facts.find((f) => f.label === label)?.value;
const allText = (r: IncidentRunbook) => JSON.stringify(r);

describe("PostgreSQL key DETAIL", () => {
  it("reads single, multi-column, quoted and expression keys", () => {
    expect(parsePgKeyDetail("Key (session_uuid)=(ddc0d499-9ed0-4e9c-9d4e-330536fa990a) already exists.")).toMatchObject({
      parts: [{ text: "session_uuid", column: "session_uuid" }],
      values: ["ddc0d499-9ed0-4e9c-9d4e-330536fa990a"],
    });
    expect(parsePgKeyDetail("Key (a, b)=(1, 2) already exists.")).toMatchObject({ parts: [{ column: "a" }, { column: "b" }], values: ["1", "2"] });
    expect(parsePgKeyDetail('Key ("tenantId", "Email Address")=(7, x@y.z) already exists.')).toMatchObject({
      parts: [
        { text: '"tenantId"', column: "tenantId" },
        { text: '"Email Address"', column: "Email Address" },
      ],
      values: ["7", "x@y.z"],
    });
    expect(parsePgKeyDetail("Key (lower(email::text))=(a@b.c) already exists.")).toMatchObject({
      parts: [{ text: "lower(email::text)", column: null }],
      values: ["a@b.c"],
    });
    // A value with ", " in a two-column key cannot be split for sure.
    expect(parsePgKeyDetail("Key (a, b)=(x, y, z) already exists.")).toMatchObject({ values: null, rawValues: "x, y, z" });
    expect(parsePgKeyDetail("Key (title)=(Hello, world) already exists.")?.values).toEqual(["Hello, world"]);
    expect(
      parsePgKeyDetail(
        'Key (room, during)=(1, ["2026-01-01 10:00:00+00","2026-01-01 11:00:00+00")) conflicts with existing key (room, during)=(1, ["2026-01-01 09:30:00+00","2026-01-01 10:30:00+00")).',
      ),
    ).toMatchObject({ exclusion: true, parts: [{ column: "room" }, { column: "during" }] });
    expect(parsePgKeyDetail("Failing row contains (1, null).")).toBeNull();
  });
  it("names the constraint, quoted names too, and guesses the table from default naming", () => {
    expect(pgConstraintOf('duplicate key value violates unique constraint "session_session_uuid_key"')).toBe("session_session_uuid_key");
    expect(pgConstraintOf('duplicate key value violates unique constraint "Users_email_key"')).toBe("Users_email_key");
    expect(pgConstraintOf('conflicting key value violates exclusion constraint "booking_room_during_excl"')).toBe("booking_room_during_excl");
    expect(tableFromConstraintName("session_session_uuid_key", ["session_uuid"])).toBe("session");
    expect(tableFromConstraintName("order_items_order_id_sku_key", ["order_id", "sku"])).toBe("order_items");
    expect(tableFromConstraintName("accounts_pkey", ["id"])).toBe("accounts");
    expect(tableFromConstraintName("uniq_email", ["email"])).toBeNull();
  });
});

describe("statement reading", () => {
  it("finds target, columns, rows, ON CONFLICT and RETURNING at the top level only", () => {
    expect(readStatement('INSERT INTO "analytics"."Session" AS s ("sessionUuid", website_id) VALUES ($1, $2), ($3, $4) RETURNING s.session_id')).toMatchObject({
      verb: "insert",
      table: { schema: "analytics", name: "Session" },
      columns: ["sessionUuid", "website_id"],
      source: "values",
      rows: 2,
      returning: "RETURNING s.session_id",
    });
    expect(readStatement("INSERT INTO t (a) SELECT a FROM u WHERE note = 'on conflict do nothing' ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a")).toMatchObject(
      {
        source: "select",
        onConflict: { target: ["a"], action: "update" },
      },
    );
    expect(readStatement("WITH x AS (INSERT INTO log (m) VALUES (1) RETURNING id) INSERT INTO t (id) SELECT id FROM x").table).toEqual({
      schema: null,
      name: "t",
    });
    expect(readStatement("INSERT INTO t VALUES ($$it's (odd$$, 2)").columns).toBeNull();
    expect(readStatement("INSERT INTO t (a, b) VALUES ('unterminated").truncated).toBe(true);
    expect(readStatement("INSERT INTO t (a, b) VALUES ($1, $2")).toMatchObject({ truncated: true, columns: ["a", "b"] });
    expect(readStatement("UPDATE public.users SET email = $1, updated_at = now() WHERE id = $2")).toMatchObject({
      verb: "update",
      table: { schema: "public", name: "users" },
      columns: ["email", "updated_at"],
    });
    expect(readStatement("INSERT INTO t (a) VALUES (1) ON CONFLICT ON CONSTRAINT t_a_key DO NOTHING").onConflict).toMatchObject({
      constraint: "t_a_key",
      action: "nothing",
    });
    // Several statements in one simple query: the INSERT is the one rewritten.
    const multi = "BEGIN; INSERT INTO session (session_uuid) VALUES ('x'); SELECT 1; COMMIT;";
    expect(readStatement(multi)).toMatchObject({ table: { name: "session" }, insertAt: multi.indexOf("); SELECT") + 1 });
    expect(readStatement("INSERT INTO t(a,b) VALUES(1,2)")).toMatchObject({ columns: ["a", "b"], rows: 1 });
  });
});

describe("PostgreSQL duplicate-key runbook", () => {
  it("names constraint, table, key and rewrites the demo's session insert both ways", () => {
    const r = build({});
    expect(r.engine).toBe("postgres");
    expect(fact(r, "Constraint")).toBe("session_session_uuid_key");
    expect(fact(r, "Table")).toBe("session");
    expect(fact(r, "Key column")).toBe("session_uuid");
    const [nothing, upsert] = diffs(r);
    expect(nothing!.lines).toEqual([
      { op: " ", text: "INSERT INTO session (session_uuid, website_id) VALUES ($1, $2)" },
      { op: "+", text: "ON CONFLICT (session_uuid) DO NOTHING" },
    ]);
    expect(added(upsert!.lines)).toEqual(["ON CONFLICT (session_uuid) DO UPDATE SET website_id = EXCLUDED.website_id"]);
    expect(allText(r)).not.toMatch(/mongo|updateOne|messages/i);
  });

  it("multi-column keys keep their order; the upsert sets only the other columns", () => {
    const r = build({
      constraint: "order_items_order_id_sku_key",
      detail: "Key (order_id, sku)=(1042, AB-7) already exists.",
      statement: "INSERT INTO order_items (order_id, sku, qty, price) VALUES ($1, $2, $3, $4)",
    });
    expect(fact(r, "Key columns")).toBe("order_id, sku");
    expect(added(diffs(r)[1]!.lines)).toEqual(["ON CONFLICT (order_id, sku) DO UPDATE SET qty = EXCLUDED.qty, price = EXCLUDED.price"]);
    expect(
      r.steps.some((s) => s.blocks?.some((b) => b.type === "code" && b.text === "SELECT * FROM order_items WHERE order_id = '1042' AND sku = 'AB-7';")),
    ).toBe(true);
  });

  it("quotes identifiers that need it and keeps a schema-qualified target", () => {
    const r = build({
      constraint: "Users_email_key",
      detail: 'Key ("Email")=(a@b.c) already exists.',
      statement: 'INSERT INTO "auth"."Users" ("Email", "displayName", "order") VALUES ($1, $2, $3)',
    });
    expect(fact(r, "Table")).toBe("auth.Users");
    expect(added(diffs(r)[0]!.lines)).toEqual(['ON CONFLICT ("Email") DO NOTHING']);
    expect(added(diffs(r)[1]!.lines)).toEqual(['ON CONFLICT ("Email") DO UPDATE SET "displayName" = EXCLUDED."displayName", "order" = EXCLUDED."order"']);
  });

  it("puts the clause before RETURNING and says what RETURNING then misses", () => {
    const r = build({ statement: "INSERT INTO session (session_uuid, website_id) VALUES ($1, $2) RETURNING session_id;" });
    const d = diffs(r)[0]!.lines;
    expect(removed(d)).toEqual(["INSERT INTO session (session_uuid, website_id) VALUES ($1, $2) RETURNING session_id;"]);
    expect(added(d)).toEqual([
      "INSERT INTO session (session_uuid, website_id) VALUES ($1, $2)",
      "ON CONFLICT (session_uuid) DO NOTHING",
      "RETURNING session_id;",
    ]);
    expect(allText(r)).toContain("a duplicate returns no row");
  });

  it("a statement among several gets the clause inside it", () => {
    const r = build({ statement: "BEGIN; INSERT INTO session (session_uuid, website_id) VALUES ($1, $2); COMMIT;" });
    expect(added(diffs(r)[0]!.lines)).toEqual([
      "BEGIN; INSERT INTO session (session_uuid, website_id) VALUES ($1, $2)",
      "ON CONFLICT (session_uuid) DO NOTHING;",
      "COMMIT;",
    ]);
  });

  it("INSERT … SELECT and multi-row VALUES warn about one statement hitting a key twice", () => {
    const sel = build({ statement: "INSERT INTO session (session_uuid, website_id)\nSELECT u, w FROM staging_sessions" });
    expect(diffs(sel)[0]!.lines).toEqual([
      { op: " ", text: "INSERT INTO session (session_uuid, website_id)" },
      { op: " ", text: "SELECT u, w FROM staging_sessions" },
      { op: "+", text: "ON CONFLICT (session_uuid) DO NOTHING" },
    ]);
    expect(allText(sel)).toContain("cannot affect row a second time");
    expect(allText(build({ statement: "INSERT INTO session (session_uuid, website_id) VALUES ($1, $2), ($3, $4), ($5, $6)" }))).toContain("3 rows at once");
  });

  it("an existing ON CONFLICT on another arbiter is pointed at this key", () => {
    const r = build({ statement: "INSERT INTO session (session_id, session_uuid, website_id) VALUES ($1, $2, $3) ON CONFLICT (session_id) DO NOTHING" });
    const d = diffs(r);
    expect(d).toHaveLength(1);
    expect(removed(d[0]!.lines)).toEqual([
      "INSERT INTO session (session_id, session_uuid, website_id) VALUES ($1, $2, $3) ON CONFLICT (session_id) DO NOTHING",
    ]);
    expect(added(d[0]!.lines)).toContain("ON CONFLICT (session_uuid) DO NOTHING");
    expect(allText(r)).toContain("not covered");
    const same = build({ statement: "INSERT INTO session (session_uuid) VALUES ($1) ON CONFLICT (session_uuid) DO NOTHING" });
    expect(diffs(same)).toHaveLength(0);
    expect(allText(same)).toContain("already has");
  });

  it("a cut statement gets the clause at its end and a warning", () => {
    const r = build({ statement: "INSERT INTO session (session_uuid, website_id, referrer) VALUES ($1, $2, 'https://example.com/a-very-long…" });
    expect(r.gaps.join(" ")).toContain("cut short");
    expect(added(diffs(r)[0]!.lines)).toEqual(["ON CONFLICT (session_uuid) DO NOTHING"]);
  });

  it("without STATEMENT it says what to enable and still writes the clause from the key", () => {
    const r = build({ statement: null });
    expect(r.gaps.join(" ")).toContain("log_min_error_statement");
    expect(allText(r)).toContain("INSERT INTO session (session_uuid)\\nVALUES ($1)\\nON CONFLICT (session_uuid) DO NOTHING;");
  });

  it("uses the catalog for the table, a partial index's predicate and a statement without columns", () => {
    const catalog: PgConstraintInfo = {
      name: "uniq_active_email",
      schema: "crm",
      table: "contacts",
      type: "i",
      keys: ["email"],
      deferrable: false,
      predicate: "(deleted_at IS NULL)",
      definition: "CREATE UNIQUE INDEX uniq_active_email ON crm.contacts USING btree (email) WHERE (deleted_at IS NULL)",
      tableColumns: ["id", "email", "name", "deleted_at"],
    };
    const r = build({
      constraint: "uniq_active_email",
      detail: "Key (email)=(a@b.c) already exists.",
      statement: "INSERT INTO crm.contacts VALUES ($1, $2, $3, NULL)",
      catalog,
    });
    expect(fact(r, "Table")).toBe("crm.contacts");
    expect(r.facts.find((f) => f.label === "Table")?.from).toContain("pg_constraint");
    expect(added(diffs(r)[0]!.lines)).toEqual(["ON CONFLICT (email) WHERE (deleted_at IS NULL) DO NOTHING"]);
    expect(added(diffs(r)[1]!.lines)).toEqual([
      "ON CONFLICT (email) WHERE (deleted_at IS NULL) DO UPDATE SET id = EXCLUDED.id, name = EXCLUDED.name, deleted_at = EXCLUDED.deleted_at",
    ]);
  });

  it("an expression key becomes a parenthesized arbiter; an exclusion constraint is named with DO NOTHING only", () => {
    const e = build({
      constraint: "users_lower_email_idx",
      detail: "Key (lower(email::text))=(a@b.c) already exists.",
      statement: "INSERT INTO users (email, name) VALUES ($1, $2)",
    });
    expect(added(diffs(e)[0]!.lines)).toEqual(["ON CONFLICT ((lower(email::text))) DO NOTHING"]);
    expect(added(diffs(e)[1]!.lines)).toEqual(["ON CONFLICT ((lower(email::text))) DO UPDATE SET name = EXCLUDED.name"]);
    const x = build({
      code: "23P01",
      constraint: "booking_room_during_excl",
      detail:
        'Key (room, during)=(1, ["2026-01-01 10:00","2026-01-01 11:00")) conflicts with existing key (room, during)=(1, ["2026-01-01 09:30","2026-01-01 10:30")).',
      statement: "INSERT INTO booking (room, during, guest) VALUES ($1, $2, $3)",
    });
    expect(x.title).toContain("Exclusion");
    expect(diffs(x)).toHaveLength(1);
    expect(added(diffs(x)[0]!.lines)).toEqual(["ON CONFLICT ON CONSTRAINT booking_room_during_excl DO NOTHING"]);
  });

  it("an UPDATE onto a taken key gets guidance, not an ON CONFLICT", () => {
    const r = build({ constraint: "users_email_key", detail: "Key (email)=(a@b.c) already exists.", statement: "UPDATE users SET email = $1 WHERE id = $2" });
    expect(diffs(r)).toHaveLength(0);
    expect(allText(r)).toContain("no ON CONFLICT for UPDATE");
    expect(fact(r, "Table")).toBe("users");
  });
});
