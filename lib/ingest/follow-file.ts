import "server-only";
import { open, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { failedWriteCaptureFor } from "../replay/from-log-event";
import type { PrismaClient } from "../store/generated/client";
import { ensureIngestSource } from "./log-source";
import { getCheckpoint } from "./store/checkpoints";
import { fileIdentity, type FileIdentity } from "./ingest-file";
import type { EventWriter } from "./store/event-writer";
import { describeDetection, fallbackAdvice } from "./read/format-detect";
import { rememberDetectedFormat } from "./store/remember-format";
import { addSummary as add, emptySummary, IngestPipeline, type IngestSummary, type PipelineOptions } from "./ingest-pipeline";
import { getEventWriter } from "./store/shared-writer";

export type FollowOptions = PipelineOptions & {
  /** Default the process's shared writer (synchronous commits); the CLI passes its own, relaxed one. */
  writer?: EventWriter;
  signal: AbortSignal;
  pollMs?: number;
  onProgress?: (s: IngestSummary) => void;
  /** Told when the file rotates, is truncated, or a run resumes from a checkpoint. */
  onNote?: (note: string) => void;
};

async function waitForIdentity(file: string, signal: AbortSignal, pollMs: number): Promise<FileIdentity | null> {
  while (!signal.aborted) {
    const id = await fileIdentity(file, false).catch(() => null);
    if (id) return id;
    await sleep(pollMs, undefined, { signal }).catch(() => {});
  }
  return null;
}

/**
 * `tail -F` into the store: resumes from the saved checkpoint, follows the path across rotation
 * (a new inode) and truncation (a smaller size or a new first line), and saves its offset with
 * every batch. Stops when `signal` aborts, leaving an unfinished last line for the next run.
 */
export async function followLogFile(prisma: PrismaClient, sourceName: string, file: string, opts: FollowOptions): Promise<IngestSummary> {
  const pollMs = opts.pollMs ?? 500;
  const source = await ensureIngestSource(prisma, sourceName);
  const stream = path.resolve(file);
  const total = emptySummary();
  const writer = opts.writer ?? (await getEventWriter());
  // Read when following starts: a changed mapping applies from the next start.
  const failedWrites = failedWriteCaptureFor(prisma, source);

  let id = await waitForIdentity(file, opts.signal, pollMs);
  if (!id) return total;
  const saved = await getCheckpoint(prisma, source.id, stream);
  let pos = 0;
  if (saved && saved.fileId === id.fileId && saved.offset <= id.size) {
    pos = saved.offset;
    opts.onNote?.(`resuming ${file} at byte ${pos}`);
  } else if (saved) opts.onNote?.(`${file} is not the file of the checkpoint (rotated or truncated while stopped): reading it from the start`);

  const buf = Buffer.alloc(1 << 20);
  while (id && !opts.signal.aborted) {
    const fh: FileHandle = await open(file, "r");
    const pipeline = new IngestPipeline(writer, source, id.fileId, pos, { fileName: path.basename(file), failedWrites, ...opts, checkpointStream: stream });
    let noted = false;
    let next: FileIdentity | null = null;
    try {
      while (!opts.signal.aborted) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead > 0) {
          pos += bytesRead;
          await pipeline.push(buf.subarray(0, bytesRead));
          opts.onProgress?.(sum(total, pipeline.summary));
          continue;
        }
        await pipeline.settle();
        opts.onProgress?.(sum(total, pipeline.summary));
        if (!noted && pipeline.detection) {
          noted = true;
          const d = pipeline.detection;
          const r = d.given ? null : await rememberDetectedFormat(prisma, source.id, d);
          opts.onNote?.(
            `${file}: ${describeDetection(d)}${r?.changed ? ` (the source's last file read as: ${r.previous})` : ""}${d.fellBack ? `; ${fallbackAdvice(d)}` : ""}`,
          );
        }
        const now = await stat(file).catch(() => null);
        const head = now ? await fileIdentity(file, false).catch(() => null) : null;
        // The head is read after the stat: a rotation between the two shows in the head's inode.
        const latest = head ?? now;
        if (latest && (latest.ino !== id.ino || latest.dev !== id.dev)) {
          // Rotated: the old handle is at its end; carry on with the file now at the path.
          next = await waitForIdentity(file, opts.signal, pollMs);
          opts.onNote?.(`${file} rotated: reading the new file from the start`);
          break;
        }
        if (now && (now.size < pos || (head && head.fileId !== id.fileId))) {
          next = await waitForIdentity(file, opts.signal, pollMs);
          opts.onNote?.(`${file} truncated: reading it again from the start`);
          break;
        }
        await sleep(pollMs, undefined, { signal: opts.signal }).catch(() => {});
      }
      await pipeline.settle();
    } finally {
      await fh.close();
    }
    add(total, pipeline.summary);
    id = next;
    pos = 0;
  }
  return total;
}

function sum(a: IngestSummary, b: IngestSummary): IngestSummary {
  const out = emptySummary();
  add(out, a);
  add(out, b);
  return out;
}
