import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { getPrisma } from "../store/prisma";
import { SERVER_IDENTITY_COLUMNS, sameServer, toServerIdentity, type ServerIdentity, type ServerIdentityRow } from "./own-backends";

export type StoreServer = ServerIdentity & { database: string };

const cache = new WeakMap<PrismaClient, Promise<StoreServer>>();

/** The server and database Lockboard's store lives in, asked of the store itself (once per client). */
export function getStoreServer(prisma: PrismaClient = getPrisma()): Promise<StoreServer> {
  let p = cache.get(prisma);
  if (!p) {
    p = prisma
      .$queryRawUnsafe<(ServerIdentityRow & { database: string })[]>(`SELECT current_database() AS database, ${SERVER_IDENTITY_COLUMNS}`)
      .then(([r]) => ({ ...toServerIdentity(r!), database: r!.database }));
    // A failed read (store restarting) is asked again next time.
    p.catch(() => cache.delete(prisma));
    cache.set(prisma, p);
  }
  return p;
}

/**
 * The store's database when the monitored server `here` is the store's own server, by identity
 * (so 127.0.0.1, localhost and any other name for it are the same), else null: its sessions are
 * Lockboard's and never targets.
 */
export async function storeDatabaseOn(here: ServerIdentity, prisma?: PrismaClient): Promise<string | null> {
  const store = await getStoreServer(prisma);
  return sameServer(here, store) ? store.database : null;
}
