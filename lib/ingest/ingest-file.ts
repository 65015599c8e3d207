import "server-only";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "../store/generated/client";
import { ensureIngestSource } from "./log-source";
import { type EventStore, IngestPipeline, type IngestSummary, type PipelineOptions, prismaStore } from "./ingest-pipeline";

export type { IngestSummary } from "./ingest-pipeline";

const HEAD_BYTES = 1024;

export type FileIdentity = { fileId: string; dev: number; ino: number; size: number };

/**
 * Who a file is: device and inode, plus a hash of its first line, so a file truncated and
 * rewritten in place (copytruncate) or a recycled inode gets a new identity and new event keys.
 * Null while the file has no complete first line yet (unless `partialOk`).
 */
export async function fileIdentity(file: string, partialOk = true): Promise<FileIdentity | null> {
  const fh = await open(file, "r");
  try {
    const st = await fh.stat();
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    if (nl === -1 && bytesRead < HEAD_BYTES && !partialOk) return null;
    if (bytesRead === 0 && !partialOk) return null;
    const head = buf.subarray(0, nl === -1 ? bytesRead : nl);
    const h = createHash("sha1").update(head).digest("hex").slice(0, 10);
    return { fileId: `${st.dev}.${st.ino}.${h}`, dev: st.dev, ino: st.ino, size: st.size };
  } finally {
    await fh.close();
  }
}

export type IngestFileOptions = PipelineOptions & {
  store?: EventStore;
  startOffset?: number;
  onProgress?: (s: IngestSummary) => void;
};

/** Reads a log file (any supported format) into events and incidents; safe to run twice on the same file. */
export async function ingestLogFile(
  prisma: PrismaClient,
  sourceName: string,
  file: string,
  opts: IngestFileOptions = {},
): Promise<IngestSummary & { fileId: string; endOffset: number }> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  const source = await ensureIngestSource(prisma, sourceName);
  const id = (await fileIdentity(file))!;
  const start = opts.startOffset ?? 0;
  const pipeline = new IngestPipeline(opts.store ?? prismaStore(prisma), source, id.fileId, start, { fileName: path.basename(file), ...opts });
  for await (const chunk of createReadStream(file, { start, highWaterMark: 1 << 20 })) {
    await pipeline.push(chunk as Buffer);
    opts.onProgress?.(pipeline.summary);
  }
  const summary = await pipeline.end();
  return { ...summary, fileId: id.fileId, endOffset: start + summary.bytes };
}

/** The first ingest slice's name, kept for callers that read PostgreSQL logs. */
export const ingestPgLogFile = ingestLogFile;
