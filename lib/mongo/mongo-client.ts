import "server-only";
import { MongoClient } from "mongodb";

// One client (and so one pool) per target URL per process; globalThis survives dev reloads.
const cache = ((globalThis as unknown as { lockboardMongoClients?: Map<string, Promise<MongoClient>> }).lockboardMongoClients ??= new Map());

/** A connected client for `url`; a failed connect is not cached, so the next call tries again. */
export function getMongoClient(url: string): Promise<MongoClient> {
  let p = cache.get(url);
  if (!p) {
    // Options given in the URL win over these defaults (the driver prefers the options object).
    const fromUrl = (name: string) => new RegExp(`[?&]${name}=`, "i").test(url);
    const client = new MongoClient(url, {
      appName: "lockboard",
      maxPoolSize: 10,
      ...(fromUrl("serverSelectionTimeoutMS") ? {} : { serverSelectionTimeoutMS: 3000 }),
      ...(fromUrl("connectTimeoutMS") ? {} : { connectTimeoutMS: 3000 }),
    });
    p = client.connect();
    cache.set(url, p);
    p.catch(() => {
      if (cache.get(url) === p) cache.delete(url);
      void client.close().catch(() => {});
    });
  }
  return p;
}

/** Splits `db.collection` (the collection name may itself contain dots). */
export function splitMongoNamespace(ns: string): { db: string; collection: string } {
  const dot = ns.indexOf(".");
  if (dot <= 0 || dot === ns.length - 1) throw new Error(`a MongoDB namespace is db.collection, got ${JSON.stringify(ns)}`);
  return { db: ns.slice(0, dot), collection: ns.slice(dot + 1) };
}

export async function closeMongoClients(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map((p) => p.then((c: MongoClient) => c.close()).catch(() => {})));
}
