import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { startStore } from "@/lib/store/start-store";
import type { PrismaClient } from "@/lib/store/generated/client";

/** A mistake in what the user asked for (exit status 2), as opposed to a failure (1). */
export class CliInputError extends Error {}

/** A failure in one line: Prisma's messages open with the invocation and end with the cause. */
const oneLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err))
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? "failed";

/** Runs a command against the store the demo uses (DATABASE_URL, or the embedded one, started if needed). */
export async function withStore(fn: (prisma: PrismaClient) => Promise<void>): Promise<never> {
  // A CLI serves no request, but Better Auth warns on every call without a base URL.
  process.env.LOCKBOARD_PUBLIC_URL ??= "http://localhost:3000";
  let code = 0;
  let store: Awaited<ReturnType<typeof startStore>> | null = null;
  try {
    store = await startStore();
    process.env.DATABASE_URL = store.databaseUrl;
    await fn(getPrisma());
  } catch (err) {
    console.error(oneLine(err));
    code = err instanceof CliInputError ? 2 : 1;
  } finally {
    await disconnectPrisma();
    await store?.embedded?.stop();
  }
  process.exit(code);
}
