import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { kindCounts, kindsByKey, titlesAndEntitiesByKey, type ReadEvent } from "@/e2e/support/log-kinds";
import { EXPECTED_CODES } from "@/e2e/support/pg-concurrency";
import { EXACT_KINDS, provokeAndReadLogs, type ProvokedLogs } from "@/e2e/support/provoked-logs";
import { ensureLocales } from "@/e2e/support/system-postgres";

// Real PostgreSQL 15 servers (the machine's packages, whose catalogs hold the translations) with
// lc_messages in Russian, German and French, and one in English to compare with. The locales are
// compiled with localedef into a LOCPATH folder when the machine has none. Each server logs to
// stderr, csvlog (severity words translated there too) and jsonlog (severity words in English).
// German and French also log_error_verbosity = verbose (a translated LOCATION line per report);
// Russian writes that word with one space (`ПОЛОЖЕНИЕ: `), which the stderr reader cannot attach.
const LANGS = [
  { lang: "en", locale: "C", port: 5592, word: "ERROR", verbose: true },
  { lang: "ru", locale: "ru_RU.UTF-8", port: 5593, word: "ОШИБКА", verbose: false },
  { lang: "de", locale: "de_DE.UTF-8", port: 5594, word: "FEHLER", verbose: true },
  { lang: "fr", locale: "fr_FR.UTF-8", port: 5595, word: "ERREUR", verbose: true },
] as const;

const runs: Record<string, ProvokedLogs> = {};

beforeAll(async () => {
  const locpath = await ensureLocales(LANGS.filter((l) => l.locale !== "C").map((l) => l.locale));
  for (const { lang, locale, port, verbose } of LANGS) {
    runs[lang] = await provokeAndReadLogs(
      { port, settings: { lc_messages: locale, log_error_verbosity: verbose ? "verbose" : "default" }, env: { LOCPATH: locpath } },
      `l10n${lang}${Date.now()}`,
    );
  }
}, 240_000);

describe("the committed translations", () => {
  it("are exactly what the machine's postgres-15.mo catalogs give (not edited by hand)", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/l10n/extract-pg-messages.ts", "--check"], { encoding: "utf8" });
    expect(r.stdout).toContain("is up to date");
    expect(r.status).toBe(0);
  });
});

/** The kinds whose count does not depend on timing: lock waits may log once more or less, and so may startup chatter. */
const exactKinds = (events: ReadEvent[]) => {
  const { lock_wait: _w, lock_acquired: _a, unclassified: _u, ...rest } = kindCounts(events);
  return rest;
};

describe("the English reference server (log_error_verbosity = verbose: `ERROR:  23505: …`)", () => {
  it.each([".log", ".csv", ".json"])("its %s file has every kind, lock waits included", (ext) => {
    const { events, unparsed } = runs.en.files[ext];
    expect(unparsed).toEqual([]);
    expect(exactKinds(events)).toMatchObject(EXACT_KINDS);
    expect(kindCounts(events).lock_wait).toBeGreaterThanOrEqual(4);
  });
});

describe.each(LANGS.filter((l) => l.lang !== "en"))("a PostgreSQL 15 with lc_messages = $locale", ({ lang, word }) => {
  it("really wrote its log in that language", () => {
    expect(runs[lang].codes).toEqual(EXPECTED_CODES);
    expect(runs[lang].stderrText).toContain(` ${word}:  `);
    expect(runs.en.stderrText).not.toContain(` ${word}:  `);
  });

  it.each([".log", ".csv", ".json"])("its %s file reads whole, with the kinds the English server's got", (ext) => {
    const { events, unparsed } = runs[lang].files[ext];
    expect(unparsed).toEqual([]);
    expect(exactKinds(events)).toEqual(exactKinds(runs.en.files[ext].events));
    expect(exactKinds(events)).toMatchObject(EXACT_KINDS);
    const counts = kindCounts(events);
    // Nothing at warning or above went without a kind, but for the marker.
    const loose = events.filter((e) => e.event.kind === "unclassified" && e.event.opensIncident && !e.record.message.includes("lockboard marker"));
    expect(loose.map((e) => `${e.record.level}: ${e.record.message}`)).toEqual([]);
    expect(counts.lock_wait).toBeGreaterThanOrEqual(4);
    expect(counts.lock_acquired).toBeGreaterThanOrEqual(1);
  });

  it("gives every event the same kind in stderr, csvlog and jsonlog", () => {
    const f = runs[lang].files;
    expect(kindsByKey(f[".csv"].events)).toEqual(kindsByKey(f[".log"].events));
    expect(kindsByKey(f[".json"].events)).toEqual(kindsByKey(f[".log"].events));
  });

  it("names incidents and extracts entities alike in stderr, csvlog and jsonlog", () => {
    const f = runs[lang].files;
    const named = (ext: string) => titlesAndEntitiesByKey(f[ext].events);
    expect(named(".csv")).toEqual(named(".log"));
    expect(named(".json")).toEqual(named(".log"));
  });

  it("names incidents and entities as the English server does", () => {
    const pick = (l: string, kind: string) => runs[l].files[".log"].events.filter((e) => e.event.kind === kind).map((e) => e.event);
    const [dup] = pick(lang, "duplicate_key");
    expect(dup.title).toBe("Duplicate key on visit_session_session_uuid_key");
    expect(dup.entities.map((e) => e.type)).toEqual(["session_uuid"]);
    expect(dup.fingerprint).toBe(pick("en", "duplicate_key")[0].fingerprint);
    const [deadlock] = pick(lang, "deadlock");
    expect(deadlock.title).toBe(pick("en", "deadlock")[0].title);
    expect(deadlock.entities.filter((e) => e.type === "pid")).toHaveLength(2);
    const waits = pick(lang, "lock_wait");
    expect(waits.some((w) => w.entities.some((e) => e.type === "relation" && e.value === "account") && w.entities.some((e) => e.role === "holder"))).toBe(true);
    expect(waits.flatMap((w) => w.entities.filter((e) => e.type === "advisory_lock").map((e) => e.value))).toContain("4242");
    expect(new Set(waits.map((w) => w.fields.lang))).toEqual(new Set([lang]));
  });
});
