import { readFileSync } from "node:fs";

/** One catalog entry: the msgid (singular), its plural msgid if any, and the translated forms. */
export type MoEntry = { msgid: string; plural?: string; context?: string; msgstr: string[] };

/**
 * Reads a GNU gettext `.mo` file (the format msgfmt writes; gettext's manual, "The Format of GNU
 * MO Files"): a magic number that also tells the byte order, then two tables of (length, offset)
 * pairs for the original and translated strings. A plural entry's strings hold their forms
 * separated by NUL; a `msgctxt` is the id's prefix up to an EOT (0x04).
 */
export function readMoFile(file: string): MoEntry[] {
  return parseMo(readFileSync(file));
}

export function parseMo(buf: Buffer): MoEntry[] {
  if (buf.length < 28) throw new Error("not a .mo file: too short");
  const magic = buf.readUInt32LE(0);
  const le = magic === 0x950412de;
  if (!le && magic !== 0xde120495) throw new Error(`not a .mo file: magic ${magic.toString(16)}`);
  const u32 = (at: number) => {
    if (at + 4 > buf.length) throw new Error(`.mo file truncated at ${at}`);
    return le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  };
  const revision = u32(4) >>> 16;
  if (revision > 1) throw new Error(`.mo major revision ${revision} not supported`);
  const count = u32(8);
  const origTable = u32(12);
  const transTable = u32(16);
  const str = (table: number, i: number) => {
    const len = u32(table + i * 8);
    const off = u32(table + i * 8 + 4);
    if (off + len > buf.length) throw new Error(`.mo string ${i} runs past the end`);
    return buf.toString("utf8", off, off + len);
  };
  const out: MoEntry[] = [];
  for (let i = 0; i < count; i++) {
    let id = str(origTable, i);
    let context: string | undefined;
    const eot = id.indexOf("\u0004");
    if (eot >= 0) {
      context = id.slice(0, eot);
      id = id.slice(eot + 1);
    }
    const [msgid, plural] = id.split("\0");
    const msgstr = str(transTable, i).split("\0");
    out.push({ msgid, ...(plural !== undefined ? { plural } : {}), ...(context !== undefined ? { context } : {}), msgstr });
  }
  return out;
}
