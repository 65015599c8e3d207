import { describe, expect, it } from "vitest";
import { parseMo } from "./mo-file";

/** A .mo file as msgfmt lays it out: header, two (length, offset) tables, then the NUL-terminated strings. */
function buildMo(pairs: [string, string][], bigEndian = false): Buffer {
  const n = pairs.length;
  const header = 28;
  const tables = header + n * 16;
  const strings: Buffer[] = [];
  let at = tables;
  const orig: [number, number][] = [];
  const trans: [number, number][] = [];
  for (const [k] of pairs) {
    const b = Buffer.from(k, "utf8");
    orig.push([b.length, at]);
    strings.push(b, Buffer.from([0]));
    at += b.length + 1;
  }
  for (const [, v] of pairs) {
    const b = Buffer.from(v, "utf8");
    trans.push([b.length, at]);
    strings.push(b, Buffer.from([0]));
    at += b.length + 1;
  }
  const head = Buffer.alloc(tables);
  const w = (v: number, o: number) => (bigEndian ? head.writeUInt32BE(v, o) : head.writeUInt32LE(v, o));
  w(0x950412de, 0);
  w(0, 4);
  w(n, 8);
  w(header, 12);
  w(header + n * 8, 16);
  orig.forEach(([l, o], i) => (w(l, header + i * 8), w(o, header + i * 8 + 4)));
  trans.forEach(([l, o], i) => (w(l, header + n * 8 + i * 8), w(o, header + n * 8 + i * 8 + 4)));
  return Buffer.concat([head, ...strings]);
}

describe("the .mo reader", () => {
  const pairs: [string, string][] = [
    ["", "Content-Type: text/plain; charset=UTF-8\n"],
    ["deadlock detected", "обнаружена взаимоблокировка"],
    [
      "Process holding the lock: %s. Wait queue: %s.\0Processes holding the lock: %s. Wait queue: %s.",
      "Процесс, удерживающий блокировку: %s. Ожидающие процессы: %s.\0Процессы, удерживающие блокировку: %s. Ожидающие процессы: %s.\0Процессы, удерживающие блокировку: %s. Ожидающие процессы: %s.",
    ],
    ["ctx\u0004LOG", "ЖУРНАЛ"],
  ];

  it.each([false, true])("reads ids, plural forms and contexts (big-endian: %s)", (be) => {
    const entries = parseMo(buildMo(pairs, be));
    expect(entries).toHaveLength(4);
    expect(entries[1]).toEqual({ msgid: "deadlock detected", msgstr: ["обнаружена взаимоблокировка"] });
    expect(entries[2].plural).toBe("Processes holding the lock: %s. Wait queue: %s.");
    expect(entries[2].msgstr).toHaveLength(3);
    expect(entries[3]).toMatchObject({ msgid: "LOG", context: "ctx", msgstr: ["ЖУРНАЛ"] });
  });

  it("refuses what is not a .mo file, or one cut short", () => {
    expect(() => parseMo(Buffer.from("not a catalog at all, no"))).toThrow(/too short/);
    expect(() => parseMo(Buffer.alloc(40, 1))).toThrow(/magic/);
    const mo = buildMo(pairs);
    expect(() => parseMo(mo.subarray(0, mo.length - 30))).toThrow(/past the end/);
  });
});
