import "server-only";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { PrismaClient } from "../store/generated/client";
import { normalizePgRecord } from "./normalize-pg";
import { parsePgStderr } from "./pg-stderr-parser";
import { storeEvents } from "./store-events";

export type IngestSummary = { lines: number; events: number; inserted: number; duplicates: number; unparsed: number };

async function* linesWithOffsets(file: string): AsyncGenerator<{ text: string; offset: number }> {
  let offset = 0;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file)) {
    let buf: Buffer = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      yield { text: buf.toString("utf8", start, nl).replace(/\r$/, ""), offset: offset + start };
      start = nl + 1;
    }
    offset += start;
    rest = buf.subarray(start);
    buf = rest;
  }
  if (rest.length) yield { text: rest.toString("utf8"), offset };
}

export async function ensureLogSource(prisma: PrismaClient, name: string) {
  return prisma.source.upsert({ where: { name }, update: {}, create: { name, kind: "log" } });
}

/** Reads a PostgreSQL stderr log into events and incidents; safe to run twice on the same file. */
export async function ingestPgLogFile(
  prisma: PrismaClient,
  sourceName: string,
  file: string,
  opts: { logLinePrefix?: string } = {},
): Promise<IngestSummary> {
  const source = await ensureLogSource(prisma, sourceName);
  const { ino, dev } = await stat(file);
  const lines: { text: string; offset: number }[] = [];
  for await (const line of linesWithOffsets(file)) lines.push(line);
  const { records, unparsed } = parsePgStderr(lines, opts.logLinePrefix);
  const events = records.map((r) => normalizePgRecord(r, `${source.id}:${dev}.${ino}:${r.offset}`, sourceName));
  const res = await storeEvents(prisma, source.id, events);
  return { lines: lines.length, events: events.length, inserted: res.inserted, duplicates: res.duplicates, unparsed: unparsed.length };
}
