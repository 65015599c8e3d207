import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindCounts, kindsByKey, readLogFile, titlesAndEntitiesByKey, type ReadEvent } from "@/e2e/support/log-kinds";
import { CONCURRENCY_SETTINGS, type ConcurrencyCodes, EXPECTED_CODES, provokeConcurrencySet } from "@/e2e/support/pg-concurrency";
import { ensureLocales, logFilesWith, startSystemPostgres } from "@/e2e/support/system-postgres";

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

type Run = { codes: ConcurrencyCodes; files: Record<string, { events: ReadEvent[]; unparsed: unknown[] }>; stderrText: string };
const runs: Record<string, Run> = {};

beforeAll(async () => {
  const locpath = await ensureLocales(LANGS.filter((l) => l.locale !== "C").map((l) => l.locale));
  for (const { lang, locale, port, verbose } of LANGS) {
    const server = await startSystemPostgres({
      port,
      settings: {
        ...CONCURRENCY_SETTINGS,
        lc_messages: locale,
        log_destination: "stderr,csvlog,jsonlog",
        log_line_prefix: "%m [%p] %q%u@%d ",
        log_error_verbosity: verbose ? "verbose" : "default",
      },
      env: { LOCPATH: locpath },
    });
    try {
      const marker = `l10n${lang}${Date.now()}`;
      const codes = await provokeConcurrencySet(server.url, marker);
      const paths = await logFilesWith(server.logDir, [".log", ".csv", ".json"], marker);
      const files: Run["files"] = {};
      for (const [ext, file] of Object.entries(paths)) files[ext] = await readLogFile(file);
      const { readFile } = await import("node:fs/promises");
      runs[lang] = { codes, files, stderrText: await readFile(paths[".log"], "utf8") };
    } finally {
      await server.stop();
    }
  }
}, 240_000);

afterAll(() => {});

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
    expect(exactKinds(events)).toMatchObject({
      duplicate_key: 1,
      deadlock: 1,
      serialization_failure: 1,
      lock_timeout: 3,
      statement_timeout: 1,
      too_many_connections: 3,
      lock_not_available: 1,
    });
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
    expect(exactKinds(events)).toMatchObject({
      duplicate_key: 1,
      deadlock: 1,
      serialization_failure: 1,
      lock_timeout: 3,
      statement_timeout: 1,
      too_many_connections: 3,
      lock_not_available: 1,
    });
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
