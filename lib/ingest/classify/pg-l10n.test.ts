import { describe, expect, it } from "vitest";
import { normalizeRecord } from "./normalize-record";
import { PG_KIND_MSGIDS } from "./pg-l10n-msgids";
import { PG_L10N_LANGUAGES } from "./pg-l10n-words";
import { parsePrintf, renderPrintf } from "./printf-pattern";
import type { LogRecord } from "../read/log-record";
import { PgStderrParser, parsePgStderr } from "../read/pg-stderr-parser";

const now = new Date("2026-12-01T00:00:00Z");
const lines = (text: string) => text.split("\n").map((t, i) => ({ text: t, offset: i * 200 }));
const events = (text: string, prefix?: string) => {
  const { records, unparsed } = parsePgStderr(lines(text), prefix);
  return { events: records.map((r) => normalizeRecord(r, `k${r.offset}`, "l10n", now)), unparsed, records };
};

/** Sample arguments by the msgid's conversions: `%03d` a three-digit fraction, other numbers 4242, strings a word. */
function sampleArgs(msgid: string): string[] {
  const out: string[] = [];
  for (const p of parsePrintf(msgid)!) if ("arg" in p) out[p.arg - 1] = p.conv === "s" ? `obj${p.arg}` : p.width ? "051" : String(4240 + p.arg);
  return out;
}

describe("PostgreSQL's own translations", () => {
  it("cover the twelve languages Debian's postgresql-15 ships, severity words included", () => {
    expect(Object.keys(PG_L10N_LANGUAGES).sort()).toEqual(["de", "es", "fr", "it", "ja", "ka", "ko", "ru", "sv", "uk", "zh_CN", "zh_TW"]);
    for (const d of Object.values(PG_L10N_LANGUAGES)) {
      expect(Object.keys(d.severity).sort()).toEqual(["DEBUG", "ERROR", "FATAL", "INFO", "LOG", "NOTICE", "PANIC", "WARNING"]);
      expect(Object.keys(d.attached)).toEqual(expect.arrayContaining(["DETAIL", "HINT", "CONTEXT", "STATEMENT"]));
    }
    expect(PG_L10N_LANGUAGES.ru.messages["deadlock detected"]).toBe("обнаружена взаимоблокировка");
  });

  // Every translated catalog message, written as that server writes it, reads as the English one.
  const cases = Object.entries(PG_L10N_LANGUAGES).flatMap(([lang, d]) =>
    PG_KIND_MSGIDS.filter((m) => typeof d.messages[m.msgid] === "string").map((m) => ({
      lang,
      level: d.severity[m.at[0]],
      msgid: m.msgid,
      kind: m.kind,
      t: d.messages[m.msgid] as string,
    })),
  );

  it.each(cases)("$lang: $msgid → $kind", ({ lang, level, msgid, kind, t }) => {
    const args = sampleArgs(msgid);
    // The server indents a message's own line breaks with a tab.
    const {
      events: [e],
      unparsed,
      records,
    } = events(`2026-12-01 10:00:00.123 UTC [4242] ${level}:  ${renderPrintf(t, args).replace(/\n/g, "\n\t")}`);
    expect(unparsed).toEqual([]);
    expect(records).toHaveLength(1);
    expect(e.kind).toBe(kind);
    expect(e.fields.lang).toBe(lang);
    // A language may word two msgids alike (Korean: a row lock and a table lock); either reading is the same kind.
    const alike = cases.filter((c) => c.lang === lang && c.t === t && c.level === level).map((c) => renderPrintf(c.msgid, args));
    expect(alike).toContain(e.fields.englishMessage);
  });

  it("has enough cases to mean something", () => {
    expect(cases.length).toBeGreaterThan(200);
  });
});

describe("a localized server's stderr log", () => {
  const ru = [
    '2026-12-01 10:00:00.100 UTC [501] ОШИБКА:  повторяющееся значение ключа нарушает ограничение уникальности "visit_session_uuid_key"',
    '2026-12-01 10:00:00.100 UTC [501] ПОДРОБНОСТИ:  Ключ "(session_uuid)=(5f0c)" уже существует.',
    "2026-12-01 10:00:00.100 UTC [501] ОПЕРАТОР:  INSERT INTO visit_session VALUES ($1)",
    '2026-12-01 10:00:01.200 UTC [502] СООБЩЕНИЕ:  процесс 502 продолжает ожидать в режиме ShareLock блокировку "транзакция 731" в течение 1000.172 мс',
    // errdetail_log_plural: not in the catalog, so English on every server.
    "2026-12-01 10:00:01.200 UTC [502] ПОДРОБНОСТИ:  Process holding the lock: 503. Wait queue: 502.",
    '2026-12-01 10:00:01.200 UTC [502] КОНТЕКСТ:  при изменении кортежа (0,1) в отношении "account"',
    "2026-12-01 10:00:01.200 UTC [502] ОПЕРАТОР:  UPDATE account SET balance = 0 WHERE id = 1",
    "2026-12-01 10:00:02.300 UTC [502] ОШИБКА:  обнаружена взаимоблокировка",
    '2026-12-01 10:00:02.300 UTC [502] ПОДРОБНОСТИ:  Процесс 502 ожидает в режиме ShareLock блокировку "транзакция 731"; заблокирован процессом 503.',
    '\tПроцесс 503 ожидает в режиме ShareLock блокировку "транзакция 732"; заблокирован процессом 502.',
    "\tПроцесс 502: UPDATE account SET balance = 0 WHERE id = 1",
    "\tПроцесс 503: UPDATE account SET balance = 0 WHERE id = 2",
    "2026-12-01 10:00:02.300 UTC [502] ПОДСКАЗКА:  Подробности запроса смотрите в протоколе сервера.",
    '2026-12-01 10:00:02.300 UTC [502] КОНТЕКСТ:  при изменении кортежа (0,2) в отношении "account"',
    "2026-12-01 10:00:03.000 UTC [600] СООБЩЕНИЕ:  продолжительность: 0.511 мс  оператор: SELECT 'обнаружена взаимоблокировка'",
  ].join("\n");

  it("reads Russian records whole and gives them the English kinds, labels and entities", () => {
    const { events: evs, unparsed, records } = events(ru);
    expect(unparsed).toEqual([]);
    expect(records.map((r) => [r.severity, r.lines])).toEqual([
      ["error", 3],
      ["info", 4],
      ["error", 7],
      ["info", 1],
    ]);
    expect(evs.map((e) => e.kind)).toEqual(["duplicate_key", "lock_wait", "deadlock", "unclassified"]);
    const [dup, wait, deadlock] = evs;
    expect(dup.title).toBe("Duplicate key on visit_session_uuid_key");
    expect(dup.entities).toEqual([{ type: "session_uuid", value: "5f0c" }]);
    expect(wait.fields.englishMessage).toBe("process 502 still waiting for ShareLock on transaction 731 after 1000.172 ms");
    expect(wait.entities).toEqual(
      expect.arrayContaining([
        { type: "pid", value: "502", role: "waiter" },
        { type: "pid", value: "503", role: "holder" },
        { type: "relation", value: "account" },
      ]),
    );
    expect(deadlock.title).toBe("Deadlock on relation account");
    expect(
      deadlock.entities
        .filter((e) => e.type === "pid")
        .map((e) => e.value)
        .sort(),
    ).toEqual(["502", "503"]);
    // The stored message stays the server's own words.
    expect(deadlock.message).toBe("обнаружена взаимоблокировка");
  });

  it("classifies by the SQLSTATE a `%e` prefix carries, whatever the language", () => {
    const { events: evs, unparsed } = events(
      [
        '2026-12-01 10:00:00.100 UTC [501] 23505 ОШИБКА:  повторяющееся значение ключа нарушает ограничение уникальности "u"',
        "2026-12-01 10:00:00.200 UTC [502] 40P01 ОШИБКА:  текст, которого нет в каталоге",
        '2026-12-01 10:00:00.300 UTC [503] 55P03 СООБЩЕНИЕ:  очистка "account" пропускается --- блокировка недоступна',
        // A LOG line's 00000 is no code: its quoted statement stays unclassified.
        "2026-12-01 10:00:00.400 UTC [504] 00000 LOG:  duration: 0.5 ms  statement: SELECT 'duplicate key value violates unique constraint'",
      ].join("\n"),
      "%m [%p] %e ",
    );
    expect(unparsed).toEqual([]);
    expect(evs.map((e) => [e.kind, e.fields.code])).toEqual([
      ["duplicate_key", "23505"],
      ["deadlock", "40P01"],
      ["lock_not_available", "55P03"],
      ["unclassified", undefined],
    ]);
  });

  it("reads log_error_verbosity = verbose: the SQLSTATE before the message, the LOCATION line attached", () => {
    const {
      events: evs,
      records,
      unparsed,
    } = events(
      [
        "2026-12-01 14:12:48.578 UTC [4130] LOG:  00000: Prozess 4130 wartet immer noch auf ShareLock-Sperre auf Transaktion 9 nach 1000,100 ms",
        "2026-12-01 14:12:48.578 UTC [4130] ORT:  ProcSleep, proc.c:1529",
        "2026-12-01 14:12:48.686 UTC [4139] FEHLER:  23505: doppelter Schlüsselwert verletzt Unique-Constraint »v_session_uuid_key«",
        "2026-12-01 14:12:48.686 UTC [4139] DETAIL:  Schlüssel »(session_uuid)=(47b7)« existiert bereits.",
        "2026-12-01 14:12:48.686 UTC [4139] ORT:  _bt_check_unique, nbtinsert.c:664",
        "2026-12-01 14:12:49.000 UTC [4140] LOG:  00000: process 4140 still waiting for ShareLock on transaction 9 after 1000.100 ms",
        // Not a SQLSTATE: no such class.
        "2026-12-01 14:12:49.100 UTC [4141] NOTICE:  HTTP2: upgrade refused",
      ].join("\n"),
    );
    expect(unparsed).toEqual([]);
    expect(records.map((r) => [r.lines, r.code, r.message.slice(0, 7)])).toEqual([
      [2, undefined, "Prozess"],
      [3, "23505", "doppelt"],
      [1, undefined, "process"],
      [1, undefined, "HTTP2: "],
    ]);
    expect(evs.map((e) => e.kind)).toEqual(["lock_wait", "duplicate_key", "lock_wait", "unclassified"]);
    expect(evs[1].entities).toEqual([{ type: "session_uuid", value: "47b7" }]);
  });

  it("fingerprints a localized incident like the English one", () => {
    const en = events('2026-12-01 10:00:00.100 UTC [501] ERROR:  duplicate key value violates unique constraint "visit_session_uuid_key"').events[0];
    const local = events(ru).events[0];
    expect(local.fingerprint).toBe(en.fingerprint);
  });

  it("reads what a not-yet-connected backend writes: the translation transliterated to ASCII", () => {
    // As a PostgreSQL 15 with lc_messages = 'ru_RU.UTF-8' (or de_DE) refuses connections.
    const {
      events: evs,
      records,
      unparsed,
    } = events(
      [
        '2026-12-01 13:33:53.031 UTC [8183] VAZHNO:  slishkom mnogo podklyuchenij dlya roli "lb_app_one"',
        "2026-12-01 13:33:53.045 UTC [8188] VAZHNO:  ostavshiesya sloty` podklyuchenij zarezervirovany` dlya podklyuchenij superpol`zovatelya (ne dlya replikaczii)",
        "2026-12-01 13:33:53.052 UTC [8191] VAZHNO:  izvinite, uzhe slishkom mnogo klientov",
        "2026-12-01 13:33:53.060 UTC [8192] FATAL:  die verbleibenden Verbindungen sind f?r Superuser auf Nicht-Replikationsverbindungen reserviert",
        '2026-12-01 13:33:55.140 UTC [8336] ??:  ???? IPv4 ?? "127.0.0.1", ?? 5596',
      ].join("\n"),
    );
    expect(unparsed).toEqual([]);
    expect(records.map((r) => r.severity)).toEqual(["critical", "critical", "critical", "critical", "info"]);
    expect(evs.map((e) => e.kind)).toEqual(["too_many_connections", "too_many_connections", "too_many_connections", "too_many_connections", "unclassified"]);
    expect(evs[0].fields.englishMessage).toBe('too many connections for role "lb_app_one"');
    expect(evs[4].opensIncident).toBe(false);
  });

  it("reads a level word two languages share with English (LOG) and French secondary words with their space", () => {
    const {
      events: evs,
      records,
      unparsed,
    } = events(
      [
        "2026-12-01 10:00:00.100 UTC [77] LOG:  le processus 77 est toujours en attente de ShareLock sur transaction 9 après 1000.100 ms",
        "2026-12-01 10:00:00.100 UTC [77] DÉTAIL:  Process holding the lock: 78. Wait queue: 77.",
        "2026-12-01 10:00:00.100 UTC [77] INSTRUCTION :  UPDATE t SET x = 1",
        "2026-12-01 10:00:01.100 UTC [79] LOG:  Prozess 79 wartet immer noch auf ShareLock-Sperre auf Transaktion 9 nach 1000,100 ms",
        // log_error_verbosity = verbose
        "2026-12-01 10:00:01.100 UTC [79] ORT:  ProcSleep, proc.c:1529",
        "2026-12-01 10:00:02.100 UTC [80] LOG:  duration: 1.0 ms  statement: SELECT 'Prozess 1 wartet immer noch'",
      ].join("\n"),
    );
    expect(unparsed).toEqual([]);
    expect(records.map((r) => r.lines)).toEqual([3, 2, 1]);
    expect(records[0].statement).toBe("UPDATE t SET x = 1");
    expect(evs.map((e) => [e.kind, e.fields.lang])).toEqual([
      ["lock_wait", "fr"],
      ["lock_wait", "de"],
      ["unclassified", undefined],
    ]);
  });
});

describe("the hand-written prefix reader on localized level words", () => {
  it("reads exactly what the compiled expression reads", () => {
    const bodies = [
      "ОШИБКА:  обнаружена взаимоблокировка",
      'ПОДРОБНОСТИ:  Ключ "(id)=(1)" уже существует.',
      "INSTRUCTION :  UPDATE t SET x = 1",
      "DÉTAIL:  x",
      "VAZHNO:  izvinite, uzhe slishkom mnogo klientov",
      "FATAL`NO:  x",
      "??:  ????",
      "명령 구문:  SELECT 1",
      "LOGG:  process 1",
      "ОШИБКА:x",
      "ОШИБКА :  x",
      "НЕТ:  x",
      "ОШИБКА:  ",
      "错误:  检测到死锁",
    ];
    const lines = bodies.flatMap((b, i) => [
      `2026-12-01 10:00:00.${100 + i} UTC [${500 + i}] ${b}`,
      `2026-12-01 10:00:00.${100 + i} UTC [${500 + i}] app@db ${b}`,
      `2026-12-01 10:00:00.${100 + i} UTC [${500 + i}] пользователь@db ${b}`,
    ]);
    for (const prefix of ["%m [%p] ", "%m [%p] %q%u@%d "]) {
      const hand = parsePgStderr(
        lines.map((text, i) => ({ text, offset: i })),
        prefix,
      );
      const { records: reRecords, unparsed: reUnparsed } = (() => {
        const records: LogRecord[] = [];
        const unparsed: unknown[] = [];
        const p = new PgStderrParser({ record: (r) => records.push(r), unparsed: (u) => unparsed.push(u), blank: () => {} }, prefix, false);
        lines.forEach((text, i) => p.push({ text, offset: i }));
        p.flush();
        return { records, unparsed };
      })();
      expect(hand.unparsed).toStrictEqual(reUnparsed);
      expect(hand.records.map((r) => ({ ...r, time: r.time?.getTime() }))).toStrictEqual(reRecords.map((r) => ({ ...r, time: r.time?.getTime() })));
      expect(hand.records.length).toBeGreaterThanOrEqual(10);
    }
  });
});
