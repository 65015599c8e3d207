import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { BUILTIN_CATALOG, type CatalogEntrySpec } from "./catalog-data";
import type { Severity } from "../read/log-record";
import { anchored, headsByFirst, literalHeads, opensWithHead, type Prefilter, splitTopLevel } from "./catalog-prefilter";

const ALL_LEVELS: Severity[] = ["debug", "info", "warning", "error", "critical"];

export type CatalogEntry = CatalogEntrySpec & { opensIncident: boolean; re: RegExp | null };

/** What a pattern is tested against: the record's format family and severity. */
export type ClassifyScope = { format?: string; severity?: Severity };

export type Catalog = {
  entries: CatalogEntry[];
  /**
   * A code (SQLSTATE, MongoDB code name, Prisma code, errno) wins, except that a code several kinds
   * list (55P03, 40001, 40P01) goes to the first whose pattern the text matches; then patterns in
   * catalog order.
   */
  classify: (text: string, code?: string, scope?: ClassifyScope) => CatalogEntry | null;
  /** The entry of a kind (a configured one replacing the built-in), or null when the catalog has none. */
  byKind: (kind: string) => CatalogEntry | null;
  /** Whether several kinds list this code, so the text decides between them. */
  sharedCode: (code: string) => boolean;
};

export const CatalogEntrySpecSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "kind must be snake_case, 2-64 characters"),
  title: z.string().min(1).max(120),
  family: z.enum(["duplicate", "lock", "exhaustion", "fallout", "other"]).default("other"),
  codes: z.array(z.string().min(1)).optional(),
  pattern: z.string().min(1).optional(),
  flags: z
    .string()
    .regex(/^[imsu]*$/, "flags may only use i, m, s, u")
    .optional(),
  opensIncident: z.boolean().optional(),
  levels: z.array(z.enum(["debug", "info", "warning", "error", "critical"])).optional(),
  formats: z.array(z.string().min(1)).optional(),
});
const CatalogFileSchema = z.union([z.array(CatalogEntrySpecSchema), z.object({ entries: z.array(CatalogEntrySpecSchema) })]);

/** Configured kinds replace built-in ones of the same `kind` in place; new kinds go first so they can refine a built-in. */
export function mergeCatalog(base: CatalogEntrySpec[], extra: CatalogEntrySpec[]): CatalogEntrySpec[] {
  const byKind = new Map(extra.map((e) => [e.kind, e]));
  const replaced = base.map((b) => byKind.get(b.kind) ?? b);
  const added = extra.filter((e) => !base.some((b) => b.kind === e.kind));
  return [...added, ...replaced];
}

export function compileCatalog(specs: CatalogEntrySpec[]): Catalog {
  const entries: CatalogEntry[] = specs.map((s) => {
    let re: RegExp | null = null;
    if (s.pattern) {
      try {
        re = new RegExp(s.pattern, s.flags ?? "");
      } catch (err) {
        throw new Error(`catalog kind "${s.kind}": invalid pattern: ${(err as Error).message}`);
      }
    }
    return { ...s, opensIncident: s.opensIncident ?? true, re };
  });
  const byCode = new Map<string, CatalogEntry>();
  // A code's later kinds, each with the pattern that claims the event for it.
  const refiners = new Map<string, CatalogEntry[]>();
  for (const e of entries) {
    for (const c of e.codes ?? []) {
      if (!byCode.has(c)) byCode.set(c, e);
      else if (e.re) refiners.set(c, [...(refiners.get(c) ?? []), e]);
    }
  }
  // Per scope (format family × severity), one combined expression per flag set rejects the
  // common case (no kind matches) in a single scan; only a hit tests entries one by one, in order.
  const scopes = new Map<string, { entries: CatalogEntry[]; tests: RegExp[]; prefilters: Prefilter[] }>();
  const scopeFor = (family: string, severity: Severity) => {
    const key = `${family}|${severity}`;
    let sc = scopes.get(key);
    if (!sc) {
      const inScope = entries.filter((e) => e.re && (e.levels ?? ALL_LEVELS).includes(severity) && (!e.formats || e.formats.includes(family)));
      const atStart = family === "pg" && (severity === "info" || severity === "debug");
      const altsOf = (e: CatalogEntry) => (atStart ? splitTopLevel(e.pattern!).map(anchored) : splitTopLevel(e.pattern!));
      const tests = inScope.map((e) => (atStart ? new RegExp(altsOf(e).join("|"), e.flags ?? "") : e.re!));
      // Alternatives anchored at the start go in a `^(?:…)` expression that fails at once on other
      // lines; an unanchored alternation would try every position of the line.
      const groups = new Map<string, string[]>();
      for (const e of inScope) {
        for (const alt of altsOf(e)) {
          const key = `${alt.startsWith("^") ? "^" : ""}/${e.flags ?? ""}`;
          groups.set(key, [...(groups.get(key) ?? []), alt.startsWith("^") ? alt.slice(1) : alt]);
        }
      }
      const prefilters = [...groups].map(([key, alts]): Prefilter => {
        const [anchor, flags] = key.split("/");
        return { re: new RegExp(`${anchor}(?:${alts.join("|")})`, flags), heads: anchor ? headsByFirst(literalHeads(alts, flags)) : null };
      });
      sc = { entries: inScope, tests, prefilters };
      scopes.set(key, sc);
    }
    return sc;
  };
  const byFormat = new Map<string, Map<Severity, ReturnType<typeof scopeFor>>>();
  // A parser's records share one format and mostly one severity: the last scope skips two lookups.
  let lastFmt = "";
  let lastSev = "";
  let lastSc: ReturnType<typeof scopeFor> | undefined;
  const kinds = new Map(entries.map((e) => [e.kind, e]));
  return {
    entries,
    byKind: (kind) => kinds.get(kind) ?? null,
    sharedCode: (code) => refiners.has(code),
    classify(text, code, scope = {}) {
      if (code) {
        const hit = byCode.get(code);
        if (hit) {
          const more = refiners.get(code);
          if (more) for (const e of more) if (e.re!.test(text)) return e;
          return hit;
        }
      }
      // Memoized per (format, severity) without building a key: this runs once per log line.
      const fmt = scope.format ?? "app";
      const sev = scope.severity ?? "error";
      let sc = lastSc;
      if (fmt !== lastFmt || sev !== lastSev || !sc) {
        let bySev = byFormat.get(fmt);
        if (!bySev) byFormat.set(fmt, (bySev = new Map()));
        sc = bySev.get(sev);
        if (!sc) {
          const dash = fmt.indexOf("-");
          bySev.set(sev, (sc = scopeFor(dash === -1 ? fmt : fmt.slice(0, dash), sev)));
        }
        lastFmt = fmt;
        lastSev = sev;
        lastSc = sc;
      }
      let any = false;
      for (const p of sc.prefilters) if ((p.heads === null || opensWithHead(text, p.heads)) && p.re.test(text)) any = true;
      if (!any) return null;
      for (let i = 0; i < sc.entries.length; i++) if (sc.tests[i].test(text)) return sc.entries[i];
      return null;
    },
  };
}

export function loadCatalogFile(file: string): CatalogEntrySpec[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`LOCKBOARD_CATALOG_FILE ${file}: ${(err as Error).message}`);
  }
  const parsed = CatalogFileSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`LOCKBOARD_CATALOG_FILE ${file}: ${i.path.join(".") || "root"}: ${i.message}`);
  }
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.entries;
}

let cached: Catalog | null = null;

/** The built-in catalog merged with LOCKBOARD_CATALOG_FILE (a JSON array of entries) when set. */
export function getCatalog(): Catalog {
  if (!cached) {
    const file = process.env.LOCKBOARD_CATALOG_FILE;
    cached = compileCatalog(file ? mergeCatalog(BUILTIN_CATALOG, loadCatalogFile(file)) : BUILTIN_CATALOG);
  }
  return cached;
}

export function classify(text: string, code?: string, scope?: ClassifyScope): CatalogEntry | null {
  return getCatalog().classify(text, code, scope);
}
