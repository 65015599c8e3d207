import "server-only";
import type pg from "pg";
import { maskSecretsIn } from "../sources/secret-box";

/**
 * A store restart (or an operator's pg_terminate_backend) ends pooled connections from the
 * server's side. pg emits that as an 'error' on the pool for an idle client, but on the client
 * itself while it is checked out or being closed, and an 'error' nobody listens to ends the
 * process: the dashboard would go down with its store instead of answering 503 until it is
 * back. The query in flight still fails, and the pool replaces the connection.
 */
export function keepPoolAlive<P extends pg.Pool>(pool: P, label: string): P {
  const log = (err: Error) => console.error(maskSecretsIn(`[lockboard] ${label} connection ended: ${err.message}`));
  pool.on("error", log);
  pool.on("connect", (client) => void client.on("error", log));
  return pool;
}
