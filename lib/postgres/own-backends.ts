import "server-only";
import type pg from "pg";
import { publishOwnPids, readOtherProcessesPids } from "./own-backends-file";

/*
 * Lockboard's own backends, known by what cannot be spoofed: the pid each of its connections
 * reads with pg_backend_pid() on connect, filed under the server's identity. An application_name
 * or a host name proves nothing: any client can set the one, and a server has many of the other.
 */

/** A server by identity: pg_control_system()'s system_identifier, its port, and its data directory where visible. */
export type ServerIdentity = { systemIdentifier: string | null; port: string; dataDirectory: string | null };

/**
 * Columns naming the server a connection is on. pg_control_system() is executable by PUBLIC by
 * default but a provider may revoke it; data_directory needs pg_read_all_settings.
 */
export const SERVER_IDENTITY_COLUMNS = `
  CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE') THEN (SELECT system_identifier::text FROM pg_control_system()) END AS system_identifier,
  current_setting('port') AS port,
  CASE WHEN pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') THEN current_setting('data_directory') END AS data_directory`;

export type ServerIdentityRow = { system_identifier: string | null; port: string; data_directory: string | null };

export const toServerIdentity = (r: ServerIdentityRow): ServerIdentity => ({
  systemIdentifier: r.system_identifier,
  port: String(r.port),
  dataDirectory: r.data_directory,
});

/**
 * Same server: same system identifier and port, and same data directory when both are visible.
 * An unknown identifier (pg_control_system revoked) counts as the same server, so Lockboard errs
 * on refusing an action rather than on ending its own sessions.
 */
export function sameServer(a: ServerIdentity, b: ServerIdentity): boolean {
  if (a.systemIdentifier === null || b.systemIdentifier === null) return true;
  if (a.systemIdentifier !== b.systemIdentifier || a.port !== b.port) return false;
  return a.dataDirectory === null || b.dataDirectory === null || a.dataDirectory === b.dataDirectory;
}

const serverKey = (id: ServerIdentity) => `${id.systemIdentifier ?? "?"}:${id.port}`;

type Registry = { byServer: Map<string, Map<number, string>>; byClient: WeakMap<object, { key: string; pid: number }> };
const g = globalThis as unknown as { lockboardOwnBackends?: Registry };
const registry = (g.lockboardOwnBackends ??= { byServer: new Map(), byClient: new WeakMap() });

const OWN_BACKEND_SQL = `SELECT pg_backend_pid() AS pid, ${SERVER_IDENTITY_COLUMNS}`;

/** Records `client`'s backend as Lockboard's own (`label` says which pool, for debugging). */
export async function registerOwnBackend(client: pg.ClientBase, label: string): Promise<void> {
  if (registry.byClient.has(client)) return;
  const row = (await client.query<ServerIdentityRow & { pid: number }>(OWN_BACKEND_SQL)).rows[0]!;
  recordOwnBackend(client, serverKey(toServerIdentity(row)), row.pid, label);
}

function recordOwnBackend(client: pg.ClientBase, key: string, pid: number, label: string): void {
  if (registry.byClient.has(client)) return;
  let pids = registry.byServer.get(key);
  if (!pids) registry.byServer.set(key, (pids = new Map()));
  pids.set(pid, label);
  registry.byClient.set(client, { key, pid });
  publish();
  (client as pg.Client).once?.("end", () => forgetOwnBackend(client));
}

export function forgetOwnBackend(client: object): void {
  const entry = registry.byClient.get(client);
  if (!entry) return;
  registry.byClient.delete(client);
  registry.byServer.get(entry.key)?.delete(entry.pid);
  publish();
}

const publish = () => publishOwnPids(Object.fromEntries([...registry.byServer].map(([k, m]) => [k, [...m.keys()]])));

/**
 * Registers every connection `pool` opens. The pid is the one the server announced at start-up
 * (BackendKeyData, `client.processID`), so nothing is queried on a connection the pool is about
 * to hand out (pg warns about, and will refuse, a query sent while another runs); the server's
 * identity is read once per pool, on a connection of its own turn.
 */
export function trackOwnBackends<P extends pg.Pool>(pool: P, label: string): P {
  let identity: Promise<string> | null = null;
  const serverOf = () =>
    (identity ??= pool.query<ServerIdentityRow>(`SELECT ${SERVER_IDENTITY_COLUMNS}`).then(
      (r) => serverKey(toServerIdentity(r.rows[0]!)),
      (err) => {
        identity = null;
        throw err;
      },
    ));
  pool.on("connect", (client) => {
    const pid = (client as unknown as { processID?: number | null }).processID;
    if (pid)
      void serverOf().then(
        (key) => recordOwnBackend(client, key, pid, label),
        () => {},
      );
    else void registerOwnBackend(client, label).catch(() => {});
  });
  pool.on("remove", (client) => forgetOwnBackend(client));
  return pool;
}

/** The pids of Lockboard's own connections (this process's and its sibling processes') to the server `id` names. */
export function ownPidsOn(id: ServerIdentity): number[] {
  const matches = (key: string) => (id.systemIdentifier === null ? key.endsWith(`:${id.port}`) : key === serverKey(id));
  const here = [...registry.byServer].filter(([k]) => matches(k)).flatMap(([, m]) => [...m.keys()]);
  return [...new Set([...here, ...readOtherProcessesPids(matches)])];
}
