import "server-only";
import { isAscii, isUtf8 } from "node:buffer";
import type { LogLine } from "./log-record";

/** Longest line parsed as text; longer lines keep their first bytes and are stored unparsed. */
export const DEFAULT_MAX_LINE_BYTES = Number(process.env.LOCKBOARD_INGEST_MAX_LINE_BYTES ?? 65_536);
const PIECE = 64 * 1024;

/**
 * Splits a byte stream into lines with their byte offsets, holding at most one partial line of
 * at most `maxLine` bytes (a 1 GB line without a newline costs 64 KB, not 1 GB).
 */
export class LineSplitter {
  /** Offset of the first byte not yet returned as part of a line. */
  lineStart: number;
  private held: Buffer[] = [];
  private heldLen = 0;
  private dropped = 0;

  constructor(
    startOffset = 0,
    private readonly maxLine = DEFAULT_MAX_LINE_BYTES,
  ) {
    this.lineStart = startOffset;
  }

  push(chunk: Buffer, out: LogLine[]): void {
    let start = 0;
    if (this.heldLen !== 0 || this.dropped !== 0) {
      const nl = chunk.indexOf(10);
      if (nl === -1) return this.hold(chunk, 0, chunk.length);
      this.completeHeld(chunk, 0, nl, out);
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= start && this.pushAscii(chunk, start, last, out)) start = last + 1;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      if (this.heldLen === 0 && this.dropped === 0) {
        out.push(this.decode(chunk, start, nl, nl - start, nl + 1 - start));
      } else {
        this.completeHeld(chunk, start, nl, out);
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.hold(chunk, start, chunk.length);
  }

  /** The line held from earlier chunks ends at `nl` in this one: emit it whole and start afresh. */
  private completeHeld(chunk: Buffer, from: number, nl: number, out: LogLine[]): void {
    this.hold(chunk, from, nl);
    const buf = Buffer.concat(this.held, this.heldLen);
    const total = this.heldLen + this.dropped;
    out.push(this.decode(buf, 0, buf.length, total, total + 1));
    this.held = [];
    this.heldLen = 0;
    this.dropped = 0;
  }

  /**
   * The common case, a run of complete ASCII lines without NUL: one decode per piece of the run
   * and lines as slices of it, instead of a decode and three scans per line. Pieces of about 64 KB
   * (ending at a newline) decode onto the young heap; a 1 MB decode became an external string,
   * an mmap and its page faults per chunk.
   */
  private pushAscii(chunk: Buffer, start: number, last: number, out: LogLine[]): boolean {
    const z = chunk.indexOf(0, start);
    if ((z !== -1 && z < last) || !isAscii(chunk.subarray(start, last))) return false;
    let offset = this.lineStart;
    for (let s = start; s <= last;) {
      let e = s + PIECE >= last ? last : chunk.indexOf(10, s + PIECE);
      if (e === -1 || e > last) e = last;
      offset = this.splitRun(chunk.toString("latin1", s, e + 1), offset, out);
      s = e + 1;
    }
    this.lineStart = offset;
    return true;
  }

  /** Lines of a decoded run that ends with a newline; returns the offset after it. */
  private splitRun(run: string, offset: number, out: LogLine[]): number {
    const max = this.maxLine;
    for (let pos = 0, nl = run.indexOf("\n"); nl !== -1; pos = nl + 1, nl = run.indexOf("\n", pos)) {
      const lineBytes = nl - pos;
      const end = lineBytes > 0 && run.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (lineBytes > max) out.push({ text: run.slice(pos, Math.min(end, pos + max)), offset, bad: "too_long", byteLength: lineBytes });
      else out.push({ text: run.slice(pos, end), offset });
      offset += lineBytes + 1;
    }
    return offset;
  }

  /** End of input: the last line, if it has no newline. */
  end(out: LogLine[]): void {
    if (this.heldLen === 0 && this.dropped === 0) return;
    const buf = Buffer.concat(this.held, this.heldLen);
    const total = this.heldLen + this.dropped;
    out.push(this.decode(buf, 0, buf.length, total, total));
    this.held = [];
    this.heldLen = 0;
    this.dropped = 0;
  }

  /** Bytes of an unterminated line currently held (a follower waits for its newline). */
  get partialBytes(): number {
    return this.heldLen + this.dropped;
  }

  private hold(buf: Buffer, from: number, to: number) {
    const room = this.maxLine + 1 - this.heldLen;
    const take = Math.min(room, to - from);
    if (take > 0) {
      // Copy: the caller may reuse its chunk buffer.
      this.held.push(Buffer.from(buf.subarray(from, from + take)));
      this.heldLen += take;
    }
    this.dropped += to - from - Math.max(take, 0);
  }

  private decode(buf: Buffer, s: number, e: number, lineBytes: number, consumed: number): LogLine {
    const offset = this.lineStart;
    this.lineStart += consumed;
    let end = e;
    if (end > s && buf[end - 1] === 13) end -= 1;
    if (lineBytes > this.maxLine) {
      return { text: buf.toString("utf8", s, Math.min(end, s + this.maxLine)), offset, bad: "too_long", byteLength: lineBytes };
    }
    const text = buf.toString("utf8", s, end);
    if (text.includes("\u0000")) return { text, offset, bad: "binary" };
    if (text.includes("\uFFFD") && !isUtf8(buf.subarray(s, end))) return { text, offset, invalidUtf8: true };
    return { text, offset };
  }
}

/** Splits a whole buffer (an HTTP body, a pg_read_file chunk) at once. */
export function splitLines(buf: Buffer, startOffset = 0, final = true, maxLine = DEFAULT_MAX_LINE_BYTES): { lines: LogLine[]; consumed: number } {
  const s = new LineSplitter(startOffset, maxLine);
  const lines: LogLine[] = [];
  s.push(buf, lines);
  if (final) s.end(lines);
  return { lines, consumed: s.lineStart - startOffset };
}
