import "server-only";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { jsonbText, pgText } from "./batch-sql";

/**
 * Rows in COPY's binary format (PostgreSQL docs, "COPY", Binary Format), written straight into a
 * growing buffer: no escaping scan and no row strings on our side, and the server reads integers
 * and timestamps as they are instead of parsing their text. Ids not known yet when a row is
 * written are patched in place later (`setInt4`, `setInt8`).
 */
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]); // flags 0, no header extension
const TRAILER = Buffer.from([0xff, 0xff]);
const CHUNK = 1 << 20;
// 2000-01-01T00:00:00Z, PostgreSQL's epoch for binary timestamps (microseconds since then).
const PG_EPOCH_MS = 946_684_800_000;

/** Node's own UTF-8 writer (what `write(s, offset, "utf8")` calls), without its argument checks. */
type Utf8Writer = { utf8Write(s: string, offset: number): number };
const utf8Write = (b: Buffer, s: string, offset: number): number => (b as unknown as Utf8Writer).utf8Write(s, offset);

export class RowBuffer {
  buf: Buffer;
  len = 0;
  /** Starts in `reuse` when given (a buffer whose rows were sent), so a batch's megabytes are allocated once. */
  constructor(reuse?: Buffer) {
    this.buf = reuse ?? Buffer.allocUnsafe(1 << 16);
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  row(columns: number): void {
    this.room(2);
    this.buf.writeInt16BE(columns, this.len);
    this.len += 2;
  }

  nul(): void {
    this.room(4);
    this.buf.writeInt32BE(-1, this.len);
    this.len += 4;
  }

  /** An int4; returns where its value sits, for `setInt4`. */
  int4(v: number): number {
    this.room(8);
    this.buf.writeInt32BE(4, this.len);
    this.buf.writeInt32BE(v, this.len + 4);
    this.len += 8;
    return this.len - 4;
  }

  /** An int8 from a safe integer (ids come from a sequence far below 2^53); returns where its value sits. */
  int8(v: number): number {
    this.room(12);
    this.buf.writeInt32BE(8, this.len);
    this.setInt8(this.len + 4, v);
    this.len += 12;
    return this.len - 8;
  }

  setInt4(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }

  setInt8(at: number, v: number): void {
    const hi = Math.floor(v / 4294967296);
    this.buf.writeInt32BE(hi, at);
    this.buf.writeUInt32BE(v - hi * 4294967296, at + 4);
  }

  /** timestamptz from epoch milliseconds: microseconds since 2000-01-01 UTC. */
  time(ms: number): void {
    const us = (ms - PG_EPOCH_MS) * 1000;
    if (Number.isSafeInteger(us)) {
      this.int8(us);
      return;
    }
    // Beyond ±285 years from 2000 a float loses microseconds: exact integer arithmetic there.
    this.room(12);
    this.buf.writeInt32BE(8, this.len);
    this.buf.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1000n, this.len + 4);
    this.len += 12;
  }

  bool(v: boolean): void {
    this.room(5);
    this.buf.writeInt32BE(1, this.len);
    this.buf[this.len + 4] = v ? 1 : 0;
    this.len += 5;
  }

  /** text: UTF-8 bytes. NUL cannot be stored and is replaced; Node writes lone surrogates as U+FFFD. */
  text(s: string): void {
    if (s.includes("\u0000")) s = pgText(s);
    this.room(4 + s.length * 3);
    const n = utf8Write(this.buf, s, this.len + 4);
    this.buf.writeInt32BE(n, this.len);
    this.len += 4 + n;
  }

  /** json: the JSON text (jsonb's rules, so the value could move to jsonb: no \u0000, no lone surrogates). */
  json(v: unknown): void {
    this.text(jsonbText(v));
  }
}

/**
 * Sends rows into `COPY … FROM STDIN (FORMAT binary)` in 1 MB pieces, so the server starts on the
 * first while the socket takes the rest. The rows are bounded (one batch), so no back-pressure wait.
 */
export async function copyBinary(client: pg.Client, sql: string, rows: RowBuffer): Promise<void> {
  const stream = client.query(copyFrom(`${sql} (FORMAT binary)`));
  const done = finished(stream);
  done.catch(() => {}); // awaited below; a failure before then must not be an unhandled rejection
  stream.write(HEADER);
  for (let at = 0; at < rows.len; at += CHUNK) stream.write(rows.buf.subarray(at, Math.min(rows.len, at + CHUNK)));
  stream.end(TRAILER);
  await done;
}
