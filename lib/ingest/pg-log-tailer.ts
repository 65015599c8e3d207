import "server-only";
import { createHash } from "node:crypto";
import type { PoolClient } from "pg";
import { withMonitorClient } from "../postgres/monitor-pool";
import type { PrismaClient } from "../store/generated/client";
import { getCheckpoint, listCheckpoints } from "./store/checkpoints";
import { addSummary, emptySummary, IngestPipeline, type IngestSummary } from "./ingest-pipeline";
import type { LogFormat } from "./read/parsers";
import { getEventWriter } from "./store/shared-writer";
import { fencedWriter, type LeaseFence } from "./fenced-checkpoints";

const CHUNK = 1 << 20;
const MAX_PER_RUN = 16 << 20;

export type TailResult = { ok: true; files: { file: string; from: number; to: number }[]; summary: IngestSummary } | { ok: false; reason: string };

type LogFiles = { file: string | null; format: LogFormat; prefix: string };

// Functions per the PostgreSQL docs (functions-info "pg_current_logfile", functions-admin
// "pg_read_binary_file", "pg_stat_file"). Structured formats first: they need no prefix guessing.
async function currentLogFile(c: PoolClient): Promise<LogFiles> {
  const r = await c.query<{ j: string | null; c: string | null; s: string | null; prefix: string; v: number }>(
    `SELECT CASE WHEN current_setting('server_version_num')::int >= 150000 THEN pg_current_logfile('jsonlog') END AS j,
            pg_current_logfile('csvlog') AS c, pg_current_logfile('stderr') AS s,
            current_setting('log_line_prefix') AS prefix`,
  );
  const row = r.rows[0];
  if (row.j) return { file: row.j, format: "pg-json", prefix: row.prefix };
  if (row.c) return { file: row.c, format: "pg-csv", prefix: row.prefix };
  return { file: row.s, format: "pg-stderr", prefix: row.prefix };
}

async function fileSize(c: PoolClient, file: string): Promise<number | null> {
  const r = await c.query<{ size: string | null }>(`SELECT (pg_stat_file($1, true)).size AS size`, [file]);
  return r.rows[0]?.size == null ? null : Number(r.rows[0].size);
}

async function read(c: PoolClient, file: string, offset: number, length: number): Promise<Buffer> {
  const r = await c.query<{ b: Buffer | null }>(`SELECT pg_read_binary_file($1, $2, $3, true) AS b`, [file, offset, length]);
  return r.rows[0]?.b ?? Buffer.alloc(0);
}

/** `pg:<file>.<hash of its first line>`: a log file reused by name after truncation gets new event keys. */
async function identity(c: PoolClient, file: string): Promise<string | null> {
  const head = await read(c, file, 0, 1024);
  const nl = head.indexOf(10);
  if (nl === -1) return null;
  return `pg:${file}.${createHash("sha1").update(head.subarray(0, nl)).digest("hex").slice(0, 10)}`;
}

/**
 * Which running server a connection reaches, whatever address or role it came in by: two sources
 * for one server must not both read its log (each would count every line). The start time tells
 * a replica, which has the same data directory path on another host, from its primary.
 */
export async function getServerIdentity(url: string): Promise<string | null> {
  return withMonitorClient(url, async (c) => {
    const r = await c.query<{ started: string; port: number | null; dir: string | null }>(
      `SELECT pg_postmaster_start_time()::text AS started, inet_server_port() AS port,
              (SELECT setting FROM pg_settings WHERE name = 'data_directory') AS dir`,
    );
    const row = r.rows[0];
    return row ? `${row.started}|${row.port ?? ""}|${row.dir ?? ""}` : null;
  });
}

const formatOf = (file: string, fallback: LogFormat): LogFormat => (file.endsWith(".json") ? "pg-json" : file.endsWith(".csv") ? "pg-csv" : fallback);

/**
 * Reads a monitored server's own log through SQL, so no agent runs on its host: the file from
 * pg_current_logfile(), from the saved offset on, in chunks. Finishes the previous file first when
 * the server rotated. Needs a role allowed to call these functions (superuser, or pg_monitor +
 * pg_read_server_files, or EXECUTE granted on them). With a `fence` (the tail's lease), every
 * checkpoint is saved only while that lease is still this instance's (fenced-checkpoints.ts).
 */
export async function tailServerLog(
  prisma: PrismaClient,
  source: { id: number; name: string },
  url: string,
  signal?: AbortSignal,
  fence?: LeaseFence,
): Promise<TailResult> {
  return withMonitorClient(
    url,
    async (c) => {
      let current: LogFiles;
      try {
        current = await currentLogFile(c);
      } catch (err) {
        return { ok: false as const, reason: `cannot locate the server log: ${(err as Error).message}` };
      }
      if (!current.file) return { ok: false as const, reason: "the server writes no log file (logging_collector is off)" };
      const summary = emptySummary();
      const files: { file: string; from: number; to: number }[] = [];
      const previous = (await listCheckpoints(prisma, source.id)).filter((cp) => cp.stream.startsWith("pg:") && cp.stream !== `pg:${current.file}`).slice(0, 3);
      const todo = [...previous.map((p) => p.stream.slice(3)).reverse(), current.file];
      let budget = MAX_PER_RUN;
      for (const file of todo) {
        if (signal?.aborted || budget <= 0) break;
        const size = await fileSize(c, file);
        const fileId = size ? await identity(c, file) : null;
        if (size === null || !fileId) continue;
        const saved = await getCheckpoint(prisma, source.id, `pg:${file}`);
        let pos = saved && saved.fileId === fileId && saved.offset <= size ? saved.offset : 0;
        if (pos >= size) continue;
        const from = pos;
        const writer = await getEventWriter();
        const pipeline = new IngestPipeline(fence ? fencedWriter(writer, prisma, fence) : writer, source, fileId, pos, {
          format: formatOf(file, current.format),
          logLinePrefix: current.prefix,
          checkpointStream: `pg:${file}`,
          batchSize: 5_000,
        });
        while (pos < size && budget > 0 && !signal?.aborted) {
          const chunk = await read(c, file, pos, Math.min(CHUNK, size - pos));
          if (chunk.length === 0) break;
          pos += chunk.length;
          budget -= chunk.length;
          await pipeline.push(chunk);
        }
        await pipeline.settle();
        addSummary(summary, pipeline.summary);
        files.push({ file, from, to: pipeline.safeOffset });
      }
      return { ok: true as const, files, summary };
    },
    { statementTimeoutMs: 15_000 },
  ).catch((err: Error & { code?: string }) =>
    err.code === "42501" ? { ok: false as const, reason: `the role may not read the server log: ${err.message}` } : Promise.reject(err),
  );
}
