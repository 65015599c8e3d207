import "server-only";
import { PG_DETAIL_MSGIDS, PG_KIND_MSGIDS, PG_LOCKTAG_MSGIDS, type PgKindMsgid } from "./pg-l10n-msgids";
import { LOCALIZED_SEVERITY, PG_L10N_LANGUAGES } from "./pg-l10n-words";
import { printfToRegexSource, renderPrintf } from "./printf-pattern";

/**
 * Messages of a PostgreSQL running with a localized `lc_messages`, read with the server's own
 * translations: a primary message to its catalog kind and its English text (rendered from the
 * msgid with the captured arguments), so entities, labels and fingerprints are the same as for
 * an English server. English lines never get here unless no English pattern matched, and then a
 * first-character check rejects almost all of them without running an expression.
 */

type Compiled = { re: RegExp; argOrder: number[]; msgid: string; lang: string; kind?: string };
type Scope = { all: Compiled[]; prefilter: RegExp | null; firsts: Set<number> | null };

export type LocalizedMatch = { kind: string; english: string; lang: string };

function compile(msgid: string, translation: string, lang: string, kind?: string): Compiled | null {
  const r = printfToRegexSource(translation);
  return r ? { re: new RegExp(`^${r.source}`), argOrder: r.argOrder, msgid, lang, kind } : null;
}

/** The characters a compiled pattern can start with; null when it opens with a free-text capture. */
function firstChars(source: string): number[] | null {
  if (source.startsWith("(-?\\d")) return [45, ..."0123456789"].map((c) => (typeof c === "number" ? c : c.charCodeAt(0)));
  if (source.startsWith("(\\d")) return [..."0123456789"].map((c) => c.charCodeAt(0));
  if (source.startsWith("(")) return null;
  const c = source.charCodeAt(0) === 92 ? source.charCodeAt(1) : source.charCodeAt(0);
  return [c];
}

const literalLength = (source: string) => source.replace(/\((?:[^()\\]|\\.|\([^()]*\))*\)/g, "").length;

const scopes = new Map<string, Scope | null>();
// Most records of a log share a level word: the last one's scope skips the lookup.
let lastLevel = "";
let lastScope: Scope | null = null;

/** The patterns a record at this level word may match: every language that writes the word, messages reported at its severity. */
function scopeOf(level: string): Scope | null {
  if (level === lastLevel) return lastScope;
  let sc = scopes.get(level);
  if (sc === undefined) sc = buildScope(level);
  lastLevel = level;
  lastScope = sc;
  return sc;
}

function buildScope(level: string): Scope | null {
  let sc: Scope | null;
  const en = LOCALIZED_SEVERITY.get(level) ?? level;
  const langs = Object.entries(PG_L10N_LANGUAGES).filter(([, d]) => d.severity[en] === level || d.ascii.severity[en] === level || level === en);
  const ids: PgKindMsgid[] = PG_KIND_MSGIDS.filter((m) => (m.at as string[]).includes(en));
  const all: Compiled[] = [];
  for (const [lang, d] of langs) {
    for (const m of ids) {
      // The message as translated, and as a backend not yet connected writes it (in ASCII).
      for (const t of [d.messages[m.msgid], d.ascii.messages[m.msgid]]) {
        // An untranslated message prints in English, which the English catalog already read.
        if (typeof t !== "string" || t === m.msgid) continue;
        const c = compile(m.msgid, t, lang, m.kind);
        if (c) all.push(c);
      }
    }
  }
  // More literal text first: `relation "%s.%s"` before `relation "%s"`, which would also read it.
  all.sort((a, b) => literalLength(b.re.source) - literalLength(a.re.source));
  if (all.length === 0) sc = null;
  else {
    const sources = all.map((c) => c.re.source.slice(1));
    const firsts = sources.map(firstChars);
    sc = { all, prefilter: new RegExp(`^(?:${sources.join("|")})`), firsts: firsts.includes(null) ? null : new Set(firsts.flat() as number[]) };
  }
  if (scopes.size < 1000) scopes.set(level, sc);
  return sc;
}

/** The msgid written with the captured arguments; with `lang`, each argument that is itself a known phrase (a lock's target) too. */
function english(c: Compiled, m: RegExpExecArray, lang?: string): string {
  const args: string[] = [];
  c.argOrder.forEach((arg, i) => (args[arg - 1] = lang ? wholeLine(m[i + 1], lockTagsOf(lang)) : m[i + 1]));
  return renderPrintf(c.msgid, args);
}

/** Compiled formats by the character they must open with; `any` holds those that open with a capture. */
type Indexed = { byFirst: Map<number, Compiled[]>; any: Compiled[] };

function indexed(list: Compiled[]): Indexed {
  const out: Indexed = { byFirst: new Map(), any: [] };
  for (const c of list) {
    const f = firstChars(c.re.source.slice(1));
    if (!f) out.any.push(c);
    else for (const ch of f) out.byFirst.set(ch, [...(out.byFirst.get(ch) ?? []), c]);
  }
  return out;
}

function wholeLine(line: string, list: Indexed): string {
  for (const group of [list.byFirst.get(line.charCodeAt(0)), list.any]) {
    for (const c of group ?? []) {
      const m = c.re.exec(line);
      if (m && m[0].length === line.length) return english(c, m);
    }
  }
  return line;
}

/** A localized primary message (at its level word) → its kind and English text; null when it is none of the catalog's. */
export function matchLocalized(message: string, level: string): LocalizedMatch | null {
  const sc = scopeOf(level);
  if (!sc || (sc.firsts && !sc.firsts.has(message.charCodeAt(0))) || !sc.prefilter!.test(message)) return null;
  for (const c of sc.all) {
    const m = c.re.exec(message);
    if (m) return { kind: c.kind!, english: english(c, m, c.lang), lang: c.lang };
  }
  return null;
}

function compileList(lang: string, msgids: string[][]): Compiled[] {
  const list: Compiled[] = [];
  const d = PG_L10N_LANGUAGES[lang];
  for (const forms of msgids) {
    const t = d?.messages[forms[0]];
    for (const [i, tr] of (Array.isArray(t) ? t : t ? [t] : []).entries()) {
      // A plural translation's forms each read back to the msgid form of the same number.
      const c = compile(forms[Math.min(i, forms.length - 1)], tr, lang);
      if (c) list.push(c);
    }
  }
  // Longer formats first: `Process %d waits for …` before `Process %d: %s`.
  return list.sort((a, b) => b.re.source.length - a.re.source.length);
}

const secondary = new Map<string, Indexed>();
const lockTags = new Map<string, Indexed>();
const memo = (m: Map<string, Indexed>, lang: string, ids: string[][]) => m.get(lang) ?? m.set(lang, indexed(compileList(lang, ids))).get(lang)!;
const secondaryOf = (lang: string) => memo(secondary, lang, PG_DETAIL_MSGIDS);
const lockTagsOf = (lang: string) => memo(lockTags, lang, PG_LOCKTAG_MSGIDS);

/** A DETAIL, HINT or CONTEXT text of that language with each line PostgreSQL's catalog knows put back into English. */
export function englishSecondary(text: string | undefined, lang: string): string | undefined {
  if (!text) return text;
  const list = secondaryOf(lang);
  return text
    .split("\n")
    .map((line) => wholeLine(line, list))
    .join("\n");
}
