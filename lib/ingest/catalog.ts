import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { BUILTIN_CATALOG, type CatalogEntrySpec } from "./catalog-data";

export type CatalogEntry = CatalogEntrySpec & { opensIncident: boolean; re: RegExp | null };

export type Catalog = {
  entries: CatalogEntry[];
  /** Code (SQLSTATE, MongoDB code name, Prisma code, errno) → entry; the first entry listing it wins. */
  classify: (text: string, code?: string) => CatalogEntry | null;
};

export const CatalogEntrySpecSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "kind must be snake_case, 2-64 characters"),
  title: z.string().min(1).max(120),
  family: z.enum(["duplicate", "lock", "exhaustion", "fallout", "other"]).default("other"),
  codes: z.array(z.string().min(1)).optional(),
  pattern: z.string().min(1).optional(),
  flags: z.string().regex(/^[imsu]*$/, "flags may only use i, m, s, u").optional(),
  opensIncident: z.boolean().optional(),
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
  for (const e of entries) for (const c of e.codes ?? []) if (!byCode.has(c)) byCode.set(c, e);
  // One combined expression per flag set rejects the common case (no kind matches) in a single
  // scan; only a hit pays for testing entries one by one, in catalog order.
  const flagSets = new Map<string, string[]>();
  for (const e of entries) {
    if (!e.re) continue;
    const f = e.flags ?? "";
    flagSets.set(f, [...(flagSets.get(f) ?? []), `(?:${e.pattern})`]);
  }
  const prefilters = [...flagSets].map(([f, parts]) => new RegExp(parts.join("|"), f));
  return {
    entries,
    classify(text, code) {
      if (code) {
        const hit = byCode.get(code);
        if (hit) return hit;
      }
      if (!prefilters.some((p) => p.test(text))) return null;
      for (const e of entries) if (e.re?.test(text)) return e;
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

export function classify(text: string, code?: string): CatalogEntry | null {
  return getCatalog().classify(text, code);
}
