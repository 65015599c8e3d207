import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { trackOwnBackends } from "../postgres/own-backends";
import { keepPoolAlive } from "./pool-errors";
import { PrismaClient } from "./generated/client";

const globalForPrisma = globalThis as unknown as { lockboardPrisma?: PrismaClient };

/**
 * Store connections this process may hold (LOCKBOARD_STORE_CONNECTIONS, default 10: the embedded
 * store allows 200, and every process of the dashboard has its own pool). A request past them
 * waits in the pool's queue, for at most STORE_QUEUE_TIMEOUT_MS, rather than opening another.
 */
export function storeConnections(): number {
  const v = Number(process.env.LOCKBOARD_STORE_CONNECTIONS);
  return Number.isInteger(v) && v >= 1 && v <= 1000 ? v : 10;
}
const STORE_QUEUE_TIMEOUT_MS = 10_000;

/**
 * Interactive transactions may hold their connection for seconds (a lock action waits for the
 * backend to let go inside one; an ingest batch writes for a while): they share at most
 * `slots` connections, so the rest always serve reads. Past that they queue here, within the
 * transaction's own maxWait (Prisma's default 2 s). A transaction's callback must use its `tx`,
 * never open another transaction through the client (it would wait for a slot it may hold).
 */
function gateTransactions(client: PrismaClient, slots: number): PrismaClient {
  let busy = 0;
  const queue: (() => void)[] = [];
  const acquire = (maxWait: number) =>
    new Promise<void>((resolve, reject) => {
      if (busy < slots) return void (busy++, resolve());
      const grant = () => (clearTimeout(timer), busy++, resolve());
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(grant), 1);
        reject(new Error(`the store is busy: no transaction slot within ${maxWait} ms (LOCKBOARD_STORE_CONNECTIONS)`));
      }, maxWait);
      queue.push(grant);
    });
  const release = () => {
    busy--;
    queue.shift()?.();
  };
  const transaction = client.$transaction.bind(client) as (arg: unknown, opts?: { maxWait?: number }) => Promise<unknown>;
  const gated = async (arg: unknown, opts?: { maxWait?: number }) => {
    if (typeof arg !== "function") return transaction(arg, opts);
    const t0 = Date.now();
    const maxWait = opts?.maxWait ?? 2_000;
    await acquire(maxWait);
    try {
      return await transaction(arg, { ...opts, maxWait: Math.max(1, maxWait - (Date.now() - t0)) });
    } finally {
      release();
    }
  };
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "$transaction") return gated;
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** The one Prisma client of this process (cached on globalThis so dev reloads reuse it). */
export function getPrisma(): PrismaClient {
  if (!globalForPrisma.lockboardPrisma) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set: start Lockboard with `npm run demo`");
    const max = storeConnections();
    // Its connections' pids are recorded so a lock action never ends one (lib/postgres/own-backends.ts).
    const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: STORE_QUEUE_TIMEOUT_MS, application_name: "lockboard-store" });
    const adapter = new PrismaPg(trackOwnBackends(keepPoolAlive(pool, "store"), "store"));
    globalForPrisma.lockboardPrisma = gateTransactions(new PrismaClient({ adapter }), max >= 3 ? max - Math.ceil(max / 3) : max);
  }
  return globalForPrisma.lockboardPrisma;
}

export async function disconnectPrisma(): Promise<void> {
  await globalForPrisma.lockboardPrisma?.$disconnect();
  globalForPrisma.lockboardPrisma = undefined;
}
