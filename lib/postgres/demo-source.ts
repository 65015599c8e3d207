import "server-only";
import { listSources, upsertSource, type PublicSource } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import type { EmbeddedServer } from "../store/embedded-server";
import { ensureDatabase } from "../store/start-store";

export const DEMO_PG_SOURCE = "demo-pg";
export const DEMO_PG_DATABASE = "lockboard_demo_app";

/**
 * With no monitored PostgreSQL configured, the embedded server itself becomes one: a separate
 * database the demo (and the e2e tests) can hold advisory locks in, scoped to that database so
 * the store's own sessions stay out of the picture. Re-registered at each start because the
 * embedded server's port changes.
 */
export async function registerDemoPgSource(prisma: PrismaClient, embedded: EmbeddedServer | null): Promise<PublicSource | null> {
  if (!embedded) return null;
  const postgres = await listSources(prisma, { kind: "postgres" });
  // Once there, it follows the embedded server's port across restarts; it is only not created when real servers are configured.
  if (!postgres.some((s) => s.name === DEMO_PG_SOURCE) && postgres.some((s) => !s.demo)) return null;
  await ensureDatabase(embedded.url(), DEMO_PG_DATABASE);
  return upsertSource(prisma, {
    name: DEMO_PG_SOURCE,
    kind: "postgres",
    url: embedded.url(DEMO_PG_DATABASE),
    demo: true,
    config: { scope: "database", replay: { namespaces: ["public.session"] } },
  });
}
