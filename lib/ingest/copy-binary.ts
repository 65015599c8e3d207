import "server-only";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { jsonbText } from "./copy-encode";
import { pgText } from "./store-sql";

/**
 * Rows in COPY's binary format (PostgreSQL docs, "COPY", Binary Format), written straight into
 * large buffers: no escaping scan and no row strings on our side, and the server reads integers
 * and timestamps as they are instead of parsing their text.
 */
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const CHUNK = 1 << 20;
// 2000-01-01T00:00:00Z, PostgreSQL's epoch for binary timestamps (microseconds since then).
const PG_EPOCH_MS = 946_684_800_000;

/** Node's own UTF-8 writer (what `write(s, offset, "utf8")` calls), without its argument checks. */
type Utf8Writer = { utf8Write(s: string, offset: number): number };
const utf8Write = (b: Buffer, s: string, offset: number): number => (b as unknown as Utf8Writer).utf8Write(s, offset);

export class BinaryRows {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private off = 0;
  /** Takes each chunk as soon as it is full, so the server starts on a batch while the rest is encoded. */
  constructor(private readonly send: (chunk: Buffer) => void) {
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeInt32BE(0, 11); // flags
    this.buf.writeInt32BE(0, 15); // header extension length
    this.off = 19;
  }

  /** Room for `n` more bytes; a full chunk is set aside to be sent. */
  private room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    if (this.off > 0) this.send(this.buf.subarray(0, this.off));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.off = 0;
  }

  row(columns: number): void {
    this.room(2);
    this.buf.writeInt16BE(columns, this.off);
    this.off += 2;
  }

  nul(): void {
    this.room(4);
    this.buf.writeInt32BE(-1, this.off);
    this.off += 4;
  }

  int4(v: number): void {
    this.room(8);
    this.buf.writeInt32BE(4, this.off);
    this.buf.writeInt32BE(v, this.off + 4);
    this.off += 8;
  }

  /** An int8 from a safe integer (event ids come from a sequence far below 2^53). */
  int8(v: number): void {
    this.room(12);
    const b = this.buf;
    b.writeInt32BE(8, this.off);
    const hi = Math.floor(v / 4294967296);
    b.writeInt32BE(hi, this.off + 4);
    b.writeUInt32BE(v - hi * 4294967296, this.off + 8);
    this.off += 12;
  }

  /** timestamptz: microseconds since 2000-01-01 UTC. */
  time(d: Date): void {
    const ms = d.getTime() - PG_EPOCH_MS;
    if (Number.isSafeInteger(ms * 1000)) return this.int8(ms * 1000);
    // Beyond ±285 years from 2000 a float loses microseconds: exact integer arithmetic there.
    this.room(12);
    this.buf.writeInt32BE(8, this.off);
    this.buf.writeBigInt64BE(BigInt(ms) * 1000n, this.off + 4);
    this.off += 12;
  }

  /** text: UTF-8 bytes. NUL cannot be stored and is replaced; Node writes lone surrogates as U+FFFD. */
  text(s: string): void {
    if (s.includes("\u0000")) s = pgText(s);
    this.room(4 + s.length * 3);
    const n = utf8Write(this.buf, s, this.off + 4);
    this.buf.writeInt32BE(n, this.off);
    this.off += 4 + n;
  }

  /** jsonb: version 1, then the JSON text. */
  json(v: unknown): void {
    const s = jsonbText(v);
    this.room(5 + s.length * 3);
    const n = utf8Write(this.buf, s, this.off + 5);
    this.buf.writeInt32BE(n + 1, this.off);
    this.buf[this.off + 4] = 1;
    this.off += 5 + n;
  }

  /** The trailer, and the last chunk sent. */
  end(): void {
    this.room(2);
    this.buf.writeInt16BE(-1, this.off);
    this.off += 2;
    this.send(this.buf.subarray(0, this.off));
  }
}

/**
 * Sends a batch's rows into `COPY … FROM STDIN (FORMAT binary)`, each 1 MB chunk as it fills (the
 * socket takes it at once). A batch is bounded (a few MB), so the chunks queued while the server
 * is behind are too: no back-pressure wait inside a batch.
 */
export async function copyBinary(client: pg.Client, sql: string, fill: (rows: BinaryRows) => void): Promise<void> {
  const stream = client.query(copyFrom(`${sql} (FORMAT binary)`));
  const done = finished(stream);
  done.catch(() => {}); // awaited below; a failure before then must not be an unhandled rejection
  const rows = new BinaryRows((chunk) => stream.write(chunk));
  fill(rows);
  rows.end();
  stream.end();
  await done;
}
