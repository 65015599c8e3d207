import "server-only";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { failedWriteCaptureFor } from "../replay/from-log-event";
import type { PrismaClient } from "../store/generated/client";
import type { EventWriter } from "./store/event-writer";
import { IngestPipeline, type IngestSummary, type PipelineOptions } from "./ingest-pipeline";
import { ensureIngestSource } from "./log-source";
import type { Detection } from "./read/format-detect";
import { rememberDetectedFormat } from "./store/remember-format";
import { getEventWriter } from "./store/shared-writer";

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
  /** Default the process's shared writer (synchronous commits); the CLI passes its own, relaxed one. */
  writer?: EventWriter;
  startOffset?: number;
  onProgress?: (s: IngestSummary) => void;
};

/** Reads a log file (any supported format) into events and incidents; safe to run twice on the same file. */
export async function ingestLogFile(
  prisma: PrismaClient,
  sourceName: string,
  file: string,
  opts: IngestFileOptions = {},
): Promise<IngestSummary & { fileId: string; endOffset: number; detection: Detection | null; formatChanged: { previous: string | null } | null }> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  const source = await ensureIngestSource(prisma, sourceName);
  const id = (await fileIdentity(file))!;
  const start = opts.startOffset ?? 0;
  const pipeline = new IngestPipeline(opts.writer ?? (await getEventWriter()), source, id.fileId, start, {
    fileName: path.basename(file),
    refTime: st.mtime,
    failedWrites: failedWriteCaptureFor(prisma, source),
    ...opts,
  });
  for await (const chunk of createReadStream(file, { start, highWaterMark: 1 << 20 })) {
    await pipeline.push(chunk as Buffer);
    opts.onProgress?.(pipeline.summary);
  }
  const summary = await pipeline.end();
  const detection = pipeline.detection;
  // The source remembers what its lines were read as; a file that reads differently from the last one is said so.
  const remembered = detection && !detection.given ? await rememberDetectedFormat(prisma, source.id, detection) : null;
  return {
    ...summary,
    fileId: id.fileId,
    endOffset: start + summary.bytes,
    detection,
    formatChanged: remembered?.changed ? { previous: remembered.previous } : null,
  };
}
