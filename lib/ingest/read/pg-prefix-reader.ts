import "server-only";
import { compileLogLinePrefixIndexed, type IndexedPrefix, parsePgTimestamp, parsePgTimestampFast } from "./pg-log-prefix";
import { isDigit, isUpper, levelNamed, nameEnd, sameAt, zoneEnd } from "./pg-prefix-scan";
import { LOCALIZED_LEVEL_WORDS } from "../classify/pg-l10n-words";

/** Prefixes read by hand: PostgreSQL's default and Debian's, which cover most stderr logs. */
const FAST_PREFIXES = new Map([
  ["%m [%p] ", false],
  ["%m [%p] %q%u@%d ", true],
]);

/** A flat copy, so a cached piece of a line does not pin the chunk it was sliced from. */
const flat = (s: string) => (" " + s).slice(1);

/**
 * Reads a line's `log_line_prefix` and `LEVEL:  `. For the common prefixes a hand-written reader
 * takes the path the compiled expression would take, without its match array and capture
 * strings, and checks the second and zone of the stamp against the previous line's in one
 * comparison each; whenever it is not sure (an odd zone, a non-ASCII name, no match) the
 * expression decides.
 */
export class PgPrefixReader {
  level = "";
  pid = 0;
  /** Where the message starts. */
  body = 0;
  private readonly p: IndexedPrefix;
  /** 0: no hand reader for this prefix; 1: `%m [%p] `; 2: with the optional `%u@%d `. */
  private readonly fast: 0 | 1 | 2;
  private m: RegExpExecArray | null = null;
  // The last `YYYY-MM-DD HH:MM:SS` (as character codes: startsWith on a sliced string, which
  // every line is, calls into the runtime) and zone read by hand, both validated, and their epoch ms.
  private readonly headCodes = new Int32Array(19).fill(-1);
  private zone = "\n";
  private base = 0;
  private ms = 0;
  private userStart = 0;
  private userEnd = 0;
  private dbEnd = 0;

  /** `handRead` false: the compiled expression reads every line (the reference the hand reader is tested against). */
  constructor(prefix: string, handRead = true) {
    this.p = compileLogLinePrefixIndexed(prefix);
    const f = handRead ? FAST_PREFIXES.get(prefix) : undefined;
    this.fast = f === undefined ? 0 : f ? 2 : 1;
  }

  read(text: string): boolean {
    if (this.fast !== 0 && this.readFast(text)) {
      this.m = null;
      return true;
    }
    const p = this.p;
    p.re.lastIndex = 0;
    const m = p.re.exec(text);
    if (!m) return false;
    this.m = m;
    this.level = m[p.level];
    this.pid = p.pid ? Number(m[p.pid]) : 0;
    this.body = p.re.lastIndex;
    return true;
  }

  /** The line's time, as parsePgTimestampFast reads the stamp. */
  time(): Date | null {
    const m = this.m;
    // Same arithmetic as parsePgTimestampFast: the second's epoch plus the rounded fraction.
    if (!m) return new Date(this.base + Math.round(this.ms));
    const p = this.p;
    const stamp = p.time ? m[p.time] : undefined;
    return stamp ? parsePgTimestampFast(stamp) : p.epoch && m[p.epoch] ? new Date(Number(m[p.epoch]) * 1000) : null;
  }

  user(text: string): string | undefined {
    if (this.m) return (this.p.user && this.m[this.p.user]) || undefined;
    return this.userEnd > this.userStart ? text.slice(this.userStart, this.userEnd) : undefined;
  }

  db(text: string): string | undefined {
    if (this.m) return (this.p.db && this.m[this.p.db]) || undefined;
    return this.dbEnd > this.userEnd + 1 ? text.slice(this.userEnd + 1, this.dbEnd) : undefined;
  }

  app(): string | undefined {
    return (this.m && this.p.app && this.m[this.p.app]) || undefined;
  }

  sqlstate(): string | undefined {
    return (this.m && this.p.sqlstate && this.m[this.p.sqlstate]) || undefined;
  }

  private sameHead(t: string): boolean {
    const h = this.headCodes;
    for (let k = 18; k >= 0; k--) if (t.charCodeAt(k) !== h[k]) return false;
    return true;
  }

  /** True only when the line certainly matches, with the same fields the expression would capture. */
  private readFast(t: string): boolean {
    if (t.length < 27) return false;
    const sameHead = this.sameHead(t);
    if (!sameHead) {
      if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 32 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return false;
      for (let i = 0; i < 19; i++) if (i !== 4 && i !== 7 && i !== 10 && i !== 13 && i !== 16 && !isDigit(t.charCodeAt(i))) return false;
    }
    if (t.charCodeAt(19) !== 46) return false;
    // The fraction, every digit (as the expression's `\.\d+`), summed as parsePgTimestampFast does.
    let i = 20;
    let ms = 0;
    let scale = 100;
    for (let c = t.charCodeAt(i); isDigit(c); c = t.charCodeAt(++i)) {
      ms += (c - 48) * scale;
      scale /= 10;
    }
    if (i === 20) return false;
    const fracEnd = i;
    const zone = this.zone;
    const sameZone = sameAt(t, i, zone) && t.charCodeAt(i + zone.length) === 32 && t.charCodeAt(i + zone.length + 1) === 91;
    if (sameZone) i += zone.length;
    else if ((i = zoneEnd(t, i)) < 0) return false;
    if (!sameHead || !sameZone) {
      const head = flat(t.slice(0, 19));
      const z = flat(t.slice(fracEnd, i));
      this.base = parsePgTimestamp(head + z).getTime();
      for (let k = 0; k < 19; k++) this.headCodes[k] = head.charCodeAt(k);
      this.zone = z;
    }
    this.ms = ms;
    // ` [pid] `
    i += 2;
    const pidStart = i;
    let pid = 0;
    let c = t.charCodeAt(i);
    for (; isDigit(c); c = t.charCodeAt(++i)) pid = pid * 10 + (c - 48);
    // Past 15 digits a running sum could round differently from Number().
    if (i === pidStart || i - pidStart > 15 || c !== 93 || t.charCodeAt(i + 1) !== 32) return false;
    i += 2;
    this.pid = pid;
    this.userStart = this.userEnd = this.dbEnd = i;
    if (this.fast === 2) {
      // `%q%u@%d `: present for sessions; when it does not read, the level must follow the pid.
      const at = nameEnd(t, i);
      // A localized level word is no name: the %q part is absent and the level follows the pid.
      if (at < 0) return this.localizedLevel(t, i);
      if (t.charCodeAt(at) === 64) {
        const sp = nameEnd(t, at + 1);
        if (sp < 0) return false;
        if (t.charCodeAt(sp) === 32) {
          this.userEnd = at;
          this.dbEnd = sp;
          i = sp + 1;
        }
      }
    }
    // `LEVEL:  `: capitals, at most one digit, a colon and two spaces.
    const levelStart = i;
    let code = 0;
    for (c = t.charCodeAt(i); isUpper(c); c = t.charCodeAt(++i)) code = code * 37 + (c - 64);
    if (isDigit(c) && i > levelStart) {
      code = code * 37 + (c - 21);
      c = t.charCodeAt(++i);
    }
    if (i === levelStart || c !== 58 || t.charCodeAt(i + 1) !== 32 || t.charCodeAt(i + 2) !== 32) return this.localizedLevel(t, levelStart);
    this.level = i - levelStart <= 10 ? levelNamed(code, t, levelStart, i) : t.slice(levelStart, i);
    this.body = i + 3;
    return true;
  }

  /** A localized server's level word (`ОШИБКА`, `DÉTAIL`, `INSTRUCTION `) before `:  `; only words PostgreSQL writes. */
  private localizedLevel(t: string, start: number): boolean {
    const words = LOCALIZED_LEVEL_WORDS.get(t.charCodeAt(start));
    if (!words) return false;
    for (const w of words) {
      const end = start + w.length;
      if (t.charCodeAt(end) === 58 && t.charCodeAt(end + 1) === 32 && t.charCodeAt(end + 2) === 32 && sameAt(t, start, w)) {
        this.level = w;
        this.body = end + 3;
        return true;
      }
    }
    return false;
  }
}
