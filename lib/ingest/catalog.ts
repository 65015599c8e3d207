import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { BUILTIN_CATALOG, type CatalogEntrySpec } from "./catalog-data";
import type { Severity } from "./log-record";

const ALERT_LEVELS: Severity[] = ["warning", "error", "critical"];

export type CatalogEntry = CatalogEntrySpec & { opensIncident: boolean; re: RegExp | null };

/** What a pattern is tested against: the record's format family and severity. */
export type ClassifyScope = { format?: string; severity?: Severity };

export type Catalog = {
  entries: CatalogEntry[];
  /** A code (SQLSTATE, MongoDB code name, Prisma code, errno) wins; then patterns in catalog order. */
  classify: (text: string, code?: string, scope?: ClassifyScope) => CatalogEntry | null;
};

export const CatalogEntrySpecSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "kind must be snake_case, 2-64 characters"),
  title: z.string().min(1).max(120),
  family: z.enum(["duplicate", "lock", "exhaustion", "fallout", "other"]).default("other"),
  codes: z.array(z.string().min(1)).optional(),
  pattern: z.string().min(1).optional(),
  flags: z.string().regex(/^[imsu]*$/, "flags may only use i, m, s, u").optional(),
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

/** The top-level alternatives of a pattern (outside groups, classes and escapes). */
export function splitTopLevel(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  out.push(pattern.slice(start));
  return out;
}

/** A combined expression, and for an anchored one whose every alternative opens with a plain character, those characters. */
type Prefilter = { re: RegExp; firsts: number[] | null };

/**
 * The first characters an anchored, case-sensitive, single-line alternation can match, when each
 * alternative opens with a letter, digit or space that is not quantified; else null. A line that
 * opens with none of them is rejected without running the expression (most informational lines).
 */
export function literalFirsts(alts: string[], flags: string): number[] | null {
  if (/[im]/.test(flags)) return null;
  const out: number[] = [];
  for (const a of alts) {
    if (!/^[A-Za-z0-9 ]/.test(a) || /^.[?*+{]/.test(a)) return null;
    if (!out.includes(a.charCodeAt(0))) out.push(a.charCodeAt(0));
  }
  return out;
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
  for (const e of entries) for (const c of e.codes ?? []) if (!byCode.has(c)) byCode.set(c, e);
  // Per scope (format family × severity), one combined expression per flag set rejects the
  // common case (no kind matches) in a single scan; only a hit tests entries one by one, in order.
  const scopes = new Map<string, { entries: CatalogEntry[]; prefilters: Prefilter[] }>();
  const scopeFor = (family: string, severity: Severity) => {
    const key = `${family}|${severity}`;
    let sc = scopes.get(key);
    if (!sc) {
      const inScope = entries.filter((e) => e.re && (e.levels ?? ALERT_LEVELS).includes(severity) && (!e.formats || e.formats.includes(family)));
      // Alternatives anchored at the start go in a `^(?:…)` expression that fails at once on other
      // lines; an unanchored alternation would try every position of the line.
      const groups = new Map<string, string[]>();
      for (const e of inScope) {
        for (const alt of splitTopLevel(e.pattern!)) {
          const key = `${alt.startsWith("^") ? "^" : ""}/${e.flags ?? ""}`;
          groups.set(key, [...(groups.get(key) ?? []), alt.startsWith("^") ? alt.slice(1) : alt]);
        }
      }
      const prefilters = [...groups].map(([key, alts]): Prefilter => {
        const [anchor, flags] = key.split("/");
        return { re: new RegExp(`${anchor}(?:${alts.join("|")})`, flags), firsts: anchor ? literalFirsts(alts, flags) : null };
      });
      sc = { entries: inScope, prefilters };
      scopes.set(key, sc);
    }
    return sc;
  };
  const byFormat = new Map<string, Map<Severity, ReturnType<typeof scopeFor>>>();
  // A parser's records share one format and mostly one severity: the last scope skips two lookups.
  let lastFmt = "";
  let lastSev = "";
  let lastSc: ReturnType<typeof scopeFor> | undefined;
  return {
    entries,
    classify(text, code, scope = {}) {
      if (code) {
        const hit = byCode.get(code);
        if (hit) return hit;
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
      for (const p of sc.prefilters) if ((p.firsts === null || p.firsts.includes(text.charCodeAt(0))) && p.re.test(text)) any = true;
      if (!any) return null;
      for (const e of sc.entries) if (e.re!.test(text)) return e;
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
