import "server-only";
import { HttpError } from "../http/errors";
import { maskSecretsIn } from "../sources/secret-box";
import { getSourceConnection, type PublicSource } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";

/** A monitored PostgreSQL by name, with its decrypted URL (server side only), or a 4xx naming what is wrong. */
export async function getLockSource(prisma: PrismaClient, name: string): Promise<{ source: PublicSource; url: string }> {
  const conn = await getSourceConnection(prisma, name);
  if (!conn) throw new HttpError(404, "not_found", `no source named "${name}"`);
  if (conn.source.kind !== "postgres") throw new HttpError(400, "bad_request", `source "${name}" is a ${conn.source.kind} source, not postgres`);
  if (!conn.url) throw new HttpError(400, "bad_request", `source "${name}" has no connection URL`);
  return { source: conn.source, url: conn.url };
}

/**
 * A monitored server's failure as an API error: timeouts (a lock storm) and missing rights get
 * their own codes and plain words; passwords never leak from driver messages.
 */
export function monitorError(err: unknown, sourceName: string): HttpError {
  if (err instanceof HttpError) return err;
  const code = (err as { code?: string }).code ?? "";
  const msg = maskSecretsIn((err as Error).message ?? String(err));
  if (code === "57014" || code === "55P03") {
    return new HttpError(
      504,
      "snapshot_timeout",
      `${sourceName} did not answer within the monitor's statement/lock timeout (${msg}); the server may be in a lock storm, retry shortly`,
    );
  }
  if (code === "42501") {
    return new HttpError(
      403,
      "insufficient_rights",
      `the monitoring role of ${sourceName} lacks a right it needs (${msg}): grant it pg_monitor to read locks and pg_signal_backend to act`,
    );
  }
  if (code === "28P01" || code === "28000") return new HttpError(502, "source_auth", `${sourceName} refused the monitoring login: ${msg}`);
  if (code.startsWith("3D")) return new HttpError(502, "source_unreachable", `${sourceName}: ${msg}`);
  return new HttpError(502, "source_unreachable", `${sourceName} did not answer: ${msg}`);
}
