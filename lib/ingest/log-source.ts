import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { ensureLogSource } from "../sources/source-registry";

/** ensureLogSource, safe when two pushes create the same new source at once (Prisma's upsert is find-then-create). */
export async function ensureIngestSource(prisma: PrismaClient, name: string): Promise<{ id: number; name: string; config: unknown }> {
  try {
    return await ensureLogSource(prisma, name);
  } catch (err) {
    if ((err as { code?: string }).code !== "P2002") throw err;
    return ensureLogSource(prisma, name);
  }
}
