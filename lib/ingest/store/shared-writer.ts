import "server-only";
import type { PrismaClient } from "../../store/generated/client";
import { EventWriter } from "./event-writer";
import type { NormalizedEvent } from "../classify/normalized-event";
import type { StoreResult } from "./batch-sql";

/**
 * The process's long-lived writer for the push endpoints, the server-log tailer and the samplers:
 * opening one per request would cost a connection setup, the own-backend registration and the
 * temp table for every push. Two connections, so two sources' pushes are written side by side
 * while a third queues (a push is small; its batch is one transaction). Commits are synchronous:
 * a push's 200 means its events are stored. Opened on first use (DATABASE_URL then), and again
 * if DATABASE_URL changed; a connection the store ended (a restart) is reopened by the writer
 * before its next batch.
 */
const CONNECTIONS = 2;
const g = globalThis as unknown as { lockboardEventWriter?: Promise<EventWriter> };

export async function getEventWriter(): Promise<EventWriter> {
  const current = g.lockboardEventWriter;
  if (current) {
    const w = await current.catch(() => null);
    if (w && w.databaseUrl === process.env.DATABASE_URL) return w;
    if (g.lockboardEventWriter === current) {
      g.lockboardEventWriter = undefined;
      w?.close().catch(() => {});
    }
    return getEventWriter();
  }
  const opening = EventWriter.open({ commit: "synchronous", connections: CONNECTIONS, label: "ingest-push" });
  g.lockboardEventWriter = opening;
  // A failed open is not kept: the next call tries again.
  opening.catch(() => {
    if (g.lockboardEventWriter === opening) g.lockboardEventWriter = undefined;
  });
  return opening;
}

/** Closes the shared writer (tests, shutdown); the next getEventWriter opens a new one. */
export async function closeEventWriter(): Promise<void> {
  const current = g.lockboardEventWriter;
  g.lockboardEventWriter = undefined;
  const w = await current?.catch(() => null);
  await w?.close().catch(() => {});
}

/**
 * A few events from code that builds them itself (the capacity sampler): the shared writer, so
 * they follow the same incident, entity and link rules as every ingested line. `_prisma` names
 * the store the caller works in; the writer reaches the same one through DATABASE_URL.
 */
export async function storeEvents(_prisma: PrismaClient, sourceId: number, events: NormalizedEvent[]): Promise<StoreResult> {
  return (await getEventWriter()).write(sourceId, events);
}
