import "server-only";
import { open, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PrismaClient } from "../store/generated/client";
import { ensureIngestSource } from "./log-source";
import { getCheckpoint } from "./checkpoints";
import { fileIdentity, type FileIdentity } from "./ingest-file";
import { emptySummary, type EventStore, IngestPipeline, type IngestSummary, type PipelineOptions, prismaStore } from "./ingest-pipeline";

export type FollowOptions = PipelineOptions & {
  store?: EventStore;
  signal: AbortSignal;
  pollMs?: number;
  onProgress?: (s: IngestSummary) => void;
  /** Told when the file rotates, is truncated, or a run resumes from a checkpoint. */
  onNote?: (note: string) => void;
};

function add(into: IngestSummary, s: IngestSummary) {
  for (const k of ["lines", "bytes", "events", "inserted", "duplicates", "unparsed", "unclassified", "blank", "incidents"] as const) into[k] += s[k];
  for (const [k, v] of Object.entries(s.byKind)) into.byKind[k] = (into.byKind[k] ?? 0) + v;
}

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
  const store = opts.store ?? prismaStore(prisma);

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
    const pipeline = new IngestPipeline(store, source, id.fileId, pos, { fileName: path.basename(file), ...opts, checkpointStream: stream });
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
