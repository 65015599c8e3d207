import "server-only";
import { entityKey } from "./event-sql";
import { RowBuffer } from "./copy-binary";
import type { NormalizedEvent } from "../classify/normalized-event";
import { isNoise, opensIncident } from "../classify/normalized-event";
import { pgText } from "./batch-sql";
import { DAY_MS, dayClassKey } from "../../store/event-partitions";

/** A growing list of numbers in a typed array: no per-element cost to the garbage collector. */
class NumberList<A extends Int32Array | Float64Array> {
  n = 0;
  constructor(public a: A) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const grown = new (this.a.constructor as new (n: number) => A)(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = v;
  }
}
const ints = () => new NumberList(new Int32Array(1024));

/**
 * The times a batch stores as they are (event-days.ts): up to a few days ahead, and any day before
 * (a log of last month is stored in its days, dropped by the next retention pass when they are past
 * retention). Each day is a partition made for it, so a batch may bring at most OUT_OF_WINDOW_DAYS
 * days outside [minMs, maxMs]; a line on another such day, like a time further ahead (a broken
 * clock), is stored at `nowMs` with the time it gave in `fields.timeOutOfRange`.
 */
export type EventWindow = { minMs: number; maxMs: number; nowMs: number };
export const OUT_OF_WINDOW_DAYS = 64;

export const EVENT_COLUMNS = `"id","eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw","fields","incidentId","noise"`;

/**
 * A batch of events for the event writer, encoded into COPY rows for "Event" as each event is
 * added, so the event objects die young (a batch of objects waiting for a connection was a third
 * of the ingest's garbage collection). Kept beside the rows, in typed arrays: where each row's id
 * and incident id sit (filled in once the transaction has them), its time, its incident and its
 * entity links, which is all the writer needs for counts, spans and links.
 */
export class EncodedBatch {
  readonly rows: RowBuffer;
  length = 0;
  /** Keys strictly increase (a file read in order): then first and last bound them all. */
  ascending = true;
  firstKey = "";
  lastKey = "";
  /** The (UTC day, class) of its rows (dayClassKey): the partitions the batch needs. */
  readonly days = new Set<number>();
  private readonly outOfWindow = new Set<number>();
  /** Set by the writer once written: its row buffer may then serve another batch. */
  written = false;
  /** Every key, when the writer cannot find stored keys by range. */
  readonly keys: string[] | null;
  readonly idAt = ints();
  readonly incidentAt = ints();
  readonly time = new NumberList(new Float64Array(1024));
  /** 1 where the row is noise (its partition key with the time, repeated in its links). */
  readonly noise = ints();
  /** Index into `incidents` of each row, -1 when it opens none. */
  readonly incidentOf = ints();
  readonly incidents: { fingerprint: string; kind: string; title: string; subject: string | null }[] = [];
  private readonly incidentIndex = new Map<string, number>();
  readonly entities: { type: string; value: string }[] = [];
  private readonly entityIndex = new Map<string, number>();
  /** Links: row, entity index, role (undefined when none); one per (row, entity). */
  readonly linkRow = ints();
  readonly linkEntity = ints();
  readonly linkRole: (string | undefined)[] = [];

  constructor(
    readonly sourceId: number,
    keepKeys: boolean,
    buffer?: Buffer,
    private readonly window?: EventWindow,
  ) {
    this.keys = keepKeys ? [] : null;
    this.rows = new RowBuffer(buffer);
  }

  add(e: NormalizedEvent): void {
    let t = e.occurredAt.getTime();
    if (this.window && (t < this.window.minMs || t > this.window.maxMs)) {
      const day = Math.floor(t / DAY_MS);
      if (t < this.window.minMs && (this.outOfWindow.has(day) || this.outOfWindow.size < OUT_OF_WINDOW_DAYS)) this.outOfWindow.add(day);
      else {
        e = { ...e, fields: { ...e.fields, timeOutOfRange: e.occurredAt.toISOString() } };
        t = this.window.nowMs;
      }
    }
    const key = e.eventKey;
    if (this.length === 0) this.firstKey = key;
    else if (!(this.lastKey < key)) this.ascending = false;
    this.lastKey = key;
    this.keys?.push(key);
    const r = this.rows;
    r.row(12);
    this.idAt.push(r.int8(0));
    r.text(key);
    r.int4(this.sourceId);
    r.time(t);
    r.text(e.kind);
    r.text(e.severity);
    r.text(e.message);
    r.text(e.fingerprint);
    r.text(e.raw);
    r.json(e.fields);
    this.time.push(t);
    if (opensIncident(e)) {
      this.incidentAt.push(r.int4(0));
      let idx = this.incidentIndex.get(e.fingerprint);
      if (idx === undefined) {
        this.incidentIndex.set(e.fingerprint, (idx = this.incidents.length));
        this.incidents.push({ fingerprint: e.fingerprint, kind: e.kind, title: e.title, subject: e.subject ?? null });
      }
      this.incidentOf.push(idx);
    } else {
      r.nul();
      this.incidentAt.push(-1);
      this.incidentOf.push(-1);
    }
    const noise = isNoise(e);
    r.bool(noise);
    this.noise.push(noise ? 1 : 0);
    this.days.add(dayClassKey(t, noise));
    if (e.entities.length > 0) this.link(this.length, e);
    this.length++;
  }

  /** The event id written into row `i` (the writer sets it once its transaction has the ids). */
  idOf(i: number): number {
    const at = this.idAt.a[i];
    return this.rows.buf.readInt32BE(at) * 4294967296 + this.rows.buf.readUInt32BE(at + 4);
  }

  /** The key of row `i`, read back from its COPY row (the id's 12 bytes, then the key's length and UTF-8). */
  keyAt(i: number): string {
    const at = this.idAt.a[i] + 8;
    const len = this.rows.buf.readInt32BE(at);
    return this.rows.buf.toString("utf8", at + 4, at + 4 + len);
  }

  /** One link per distinct entity of the row (keyed by the stored text); the first role named wins. */
  private link(row: number, e: NormalizedEvent): void {
    const first = this.linkRow.n;
    for (const en of e.entities) {
      const type = pgText(en.type);
      const value = pgText(en.value);
      const k = entityKey(type, value);
      let idx = this.entityIndex.get(k);
      if (idx === undefined) {
        this.entityIndex.set(k, (idx = this.entities.length));
        this.entities.push({ type, value });
      }
      let seen = false;
      for (let j = first; j < this.linkRow.n; j++) if (this.linkEntity.a[j] === idx) seen = true;
      if (seen) continue;
      this.linkRow.push(row);
      this.linkEntity.push(idx);
      this.linkRole.push(en.role || undefined);
    }
  }
}
