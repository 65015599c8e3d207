import "server-only";

/**
 * Stamps of untidy application lines that carry no full date: `[01:27:21]`, `11:25:21 (28080)`,
 * `5 Mar 12:32:06`, `Mar  5 12:32:06`, ctime's `Wed Mar  5 12:32:06 [2025]`. The missing part
 * comes from the file's context (DateContext), and the record says where it came from.
 */
export type PartialStamp = { tod: number; month?: number; day?: number; year?: number; rest: string };

const MON = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = String.raw`(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?`;
const AFTER = String.raw`\]?(?:[\s|:-]+|$)(.*)$`;
const TIME_ONLY = new RegExp(String.raw`^\[?${TIME}${AFTER}`);
const DAY_MON = new RegExp(String.raw`^\[?(\d{1,2}) ${MON} ${TIME}(?: (\d{4}))?${AFTER}`);
const MON_DAY = new RegExp(String.raw`^\[?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?${MON} ([ \d]?\d) ${TIME}(?: (\d{4}))?${AFTER}`);
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const DAY = 86_400_000;

const tod = (h: string, m: string, s: string, f?: string) => {
  const hh = Number(h);
  const mm = Number(m);
  const ss = Number(s);
  if (hh > 23 || mm > 59 || ss > 60) return -1;
  return ((hh * 60 + mm) * 60 + ss) * 1000 + (f ? Math.round(Number(`0.${f}`) * 1000) : 0);
};

export function readPartialStamp(text: string): PartialStamp | null {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    let m = TIME_ONLY.exec(text);
    if (m) {
      const t = tod(m[1], m[2], m[3], m[4]);
      return t < 0 ? null : { tod: t, rest: m[5] };
    }
    m = DAY_MON.exec(text);
    if (m) {
      const t = tod(m[3], m[4], m[5], m[6]);
      return t < 0 ? null : { tod: t, day: Number(m[1]), month: MONTHS[m[2]], year: m[7] ? Number(m[7]) : undefined, rest: m[8] };
    }
    return null;
  }
  if (c === 91) {
    const m = TIME_ONLY.exec(text) ?? null;
    if (m) {
      const t = tod(m[1], m[2], m[3], m[4]);
      return t < 0 ? null : { tod: t, rest: m[5] };
    }
  }
  if (c === 91 || (c >= 65 && c <= 90)) {
    const m = MON_DAY.exec(text);
    if (m) {
      const t = tod(m[3], m[4], m[5], m[6]);
      return t < 0 ? null : { tod: t, month: MONTHS[m[1]], day: Number(m[2]), year: m[7] ? Number(m[7]) : undefined, rest: m[8] };
    }
  }
  return null;
}

/**
 * Completes partial stamps from what came before: the last full stamp (or completed one) of the
 * file, else the file's modification time, else the ingest time; a time of day that goes back by
 * more than an hour has crossed midnight.
 */
export class DateContext {
  private last: number | null = null;
  private lastFrom: "line" | "file" | "ingest" = "line";

  constructor(private readonly ref: Date | undefined) {}

  /** A full stamp seen: later partial ones count from it. */
  saw(t: Date | null): void {
    if (t) {
      this.last = t.getTime();
      this.lastFrom = "line";
    }
  }

  resolve(p: PartialStamp): { time: Date; inferred?: string } {
    if (p.year !== undefined && p.month !== undefined) {
      const t = Date.UTC(p.year, p.month, p.day!) + p.tod;
      this.saw(new Date(t));
      return { time: new Date(t) };
    }
    const from = this.last !== null ? this.lastFrom : this.ref ? "file" : "ingest";
    const base = this.last ?? (this.ref ?? new Date()).getTime();
    const what = p.month !== undefined ? "year" : "date";
    const inferred = `${what} from ${from === "line" ? "an earlier line" : from === "file" ? "the file's modification time" : "the ingest time"}`;
    let t: number;
    if (p.month !== undefined) {
      let year = new Date(base).getUTCFullYear();
      t = Date.UTC(year, p.month, p.day!) + p.tod;
      if (t - base > 31 * DAY) t = Date.UTC(--year, p.month, p.day!) + p.tod;
    } else {
      const day = base - (base % DAY);
      t = day + p.tod;
      // After an earlier line: a clock that went back an hour or more rolled over midnight.
      // From the file's time (its last write): a time later than it belongs to the day before.
      if (this.last !== null) {
        if (t < base - 3_600_000) t += DAY;
      } else if (t > base + 300_000) t -= DAY;
    }
    this.last = t;
    this.lastFrom = from;
    return { time: new Date(t), inferred };
  }
}
