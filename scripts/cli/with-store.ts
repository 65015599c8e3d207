import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { startStore } from "@/lib/store/start-store";
import type { PrismaClient } from "@/lib/store/generated/client";

/** Runs a command against the store the demo uses (DATABASE_URL, or the embedded one, started if needed). */
export async function withStore(fn: (prisma: PrismaClient) => Promise<void>): Promise<never> {
  let code = 0;
  const store = await startStore();
  process.env.DATABASE_URL = store.databaseUrl;
  try {
    await fn(getPrisma());
  } catch (err) {
    console.error((err as Error).message);
    code = 1;
  } finally {
    await disconnectPrisma();
    await store.embedded?.stop();
  }
  process.exit(code);
}
