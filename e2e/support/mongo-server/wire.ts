// MongoDB wire protocol framing: OP_MSG (sections kind 0 and kind 1) and the legacy
// OP_QUERY/OP_REPLY pair that drivers still use for the first hello.
import { deserialize, serialize } from "bson";
import type { Doc } from "./values";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;
export const MORE_TO_COME = 2;

export type Header = { length: number; requestId: number; responseTo: number; opCode: number };
export type Request =
  | { kind: "msg"; header: Header; flags: number; body: Doc }
  | { kind: "query"; header: Header; collection: string; body: Doc }
  | { kind: "unsupported"; header: Header };

/** Splits complete messages off the front of `buf`; returns them and what is left. */
export function takeMessages(buf: Buffer): [Buffer[], Buffer] {
  const out: Buffer[] = [];
  let off = 0;
  while (buf.length - off >= 4) {
    const len = buf.readInt32LE(off);
    if (len < 16 || buf.length - off < len) break;
    out.push(buf.subarray(off, off + len));
    off += len;
  }
  return [out, buf.subarray(off)];
}

function readCString(buf: Buffer, off: number): [string, number] {
  const end = buf.indexOf(0, off);
  return [buf.toString("utf8", off, end), end + 1];
}

export function parseMessage(buf: Buffer): Request {
  const header: Header = { length: buf.readInt32LE(0), requestId: buf.readInt32LE(4), responseTo: buf.readInt32LE(8), opCode: buf.readInt32LE(12) };
  if (header.opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16);
    const end = flags & CHECKSUM_PRESENT ? buf.length - 4 : buf.length;
    let off = 20;
    let body: Doc = {};
    const sequences: [string, Doc[]][] = [];
    while (off < end) {
      const kind = buf[off++];
      if (kind === 0) {
        const size = buf.readInt32LE(off);
        body = deserialize(new Uint8Array(buf.buffer, buf.byteOffset + off, size));
        off += size;
      } else {
        // Kind 1: a document sequence (insert's `documents`, update's `updates`, …).
        const size = buf.readInt32LE(off);
        const stop = off + size;
        const [id, next] = readCString(buf, off + 4);
        const docs: Doc[] = [];
        for (let p = next; p < stop;) {
          const n = buf.readInt32LE(p);
          docs.push(deserialize(buf.subarray(p, p + n)));
          p += n;
        }
        sequences.push([id, docs]);
        off = stop;
      }
    }
    for (const [id, docs] of sequences) body[id] = docs;
    return { kind: "msg", header, flags, body };
  }
  if (header.opCode === OP_QUERY) {
    const [collection, off] = readCString(buf, 20);
    const qStart = off + 8; // numberToSkip, numberToReturn
    const size = buf.readInt32LE(qStart);
    return { kind: "query", header, collection, body: deserialize(buf.subarray(qStart, qStart + size)) };
  }
  return { kind: "unsupported", header };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeMsg(requestId: number, responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const flags = Buffer.alloc(5); // flagBits 0, then section kind 0
  return Buffer.concat([header(16 + flags.length + body.length, requestId, responseTo, OP_MSG), flags, body]);
}

export function encodeReply(requestId: number, responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const fields = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + fields.length + body.length, requestId, responseTo, OP_REPLY), fields, body]);
}
