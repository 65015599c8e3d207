import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

const globalForPrisma = globalThis as unknown as { lockboardPrisma?: PrismaClient };

/** The one Prisma client of this process (cached on globalThis so dev reloads reuse it). */
export function getPrisma(): PrismaClient {
  if (!globalForPrisma.lockboardPrisma) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set: start Lockboard with `npm run demo`");
    const adapter = new PrismaPg({ connectionString, max: 10, connectionTimeoutMillis: 5_000 });
    globalForPrisma.lockboardPrisma = new PrismaClient({ adapter });
  }
  return globalForPrisma.lockboardPrisma;
}

export async function disconnectPrisma(): Promise<void> {
  await globalForPrisma.lockboardPrisma?.$disconnect();
  globalForPrisma.lockboardPrisma = undefined;
}
