import L10N from "./pg-messages-l10n.json";

/**
 * PostgreSQL's severity and secondary-line words in the languages it ships (read from its own
 * catalogs, see pg-messages-l10n.json): what a server with a localized `lc_messages` writes where
 * an English one writes `ERROR:  ` or `DETAIL:  `.
 */

type Words = { severity: Record<string, string>; attached: Record<string, string> };
type LangData = Words & { messages: Record<string, string | string[]>; ascii: Words & { messages: Record<string, string> } };
export const PG_L10N_LANGUAGES: Record<string, LangData> = L10N.languages as Record<string, LangData>;

const RANK: Record<string, number> = { DEBUG: 1, LOG: 1, INFO: 1, NOTICE: 1, WARNING: 2, ERROR: 3, FATAL: 4, PANIC: 5 };

/**
 * Localized severity word → English word (`ОШИБКА` → `ERROR`), the ASCII forms a backend writes
 * before it knows its database's encoding included (`VAZHNO`). A word two severities share reads
 * as the higher; one transliterated to question marks only (`??` in Chinese and Korean, where
 * LOG and ERROR both become `??`) as the lower, so postmaster chatter opens no incident.
 */
export const LOCALIZED_SEVERITY = new Map<string, string>();
/** Localized secondary-line word, as it stands before `:  ` (French `INSTRUCTION ` keeps its space) → English word. */
export const LOCALIZED_ATTACHED = new Map<string, string>();

const setSeverity = (word: string, en: string) => {
  const had = LOCALIZED_SEVERITY.get(word);
  const lower = /^\?+$/.test(word);
  if (word !== en && (!had || (lower ? RANK[en] < RANK[had] : RANK[en] > RANK[had]))) LOCALIZED_SEVERITY.set(word, en);
};
for (const lang of Object.values(PG_L10N_LANGUAGES)) {
  for (const words of [lang.severity, lang.ascii.severity]) for (const [en, word] of Object.entries(words)) setSeverity(word, en);
}
for (const lang of Object.values(PG_L10N_LANGUAGES)) {
  for (const words of [lang.attached, lang.ascii.attached]) {
    for (const [en, t] of Object.entries(words)) {
      const word = t.slice(0, t.lastIndexOf(":"));
      if (word !== en && !LOCALIZED_SEVERITY.has(word)) LOCALIZED_ATTACHED.set(word, en);
    }
  }
}

/** Every localized level word by its first character, longest first: a reader compares in place, slicing nothing. */
export const LOCALIZED_LEVEL_WORDS = new Map<number, string[]>();
for (const w of [...LOCALIZED_SEVERITY.keys(), ...LOCALIZED_ATTACHED.keys()].sort((a, b) => b.length - a.length)) {
  const c = w.charCodeAt(0);
  LOCALIZED_LEVEL_WORDS.set(c, [...(LOCALIZED_LEVEL_WORDS.get(c) ?? []), w]);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * An expression source for every localized word, longest first, for a log_line_prefix reader's
 * level position beside `[A-Z]+\d?`: the words PostgreSQL can print, not any non-ASCII run, so a
 * message that happens to contain a colon is never read as a level.
 */
export const LOCALIZED_LEVEL_SOURCE = [...LOCALIZED_SEVERITY.keys(), ...LOCALIZED_ATTACHED.keys()]
  .sort((a, b) => b.length - a.length)
  .map(escapeRe)
  .join("|");
