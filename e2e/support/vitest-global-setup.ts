import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/store/embedded-server";
import { applyMigrations } from "@/lib/store/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** The store, as the app role (lockboard_app, not a superuser). */
    databaseUrl: string;
    /** The embedded server's bootstrap superuser, database postgres: for tests that monitor the server. */
    embeddedUrl: string;
    embeddedLogDir: string;
  }
}

/**
 * One real PostgreSQL for the integration run: the embedded server on a fresh data directory.
 * It is both the dashboard's store (database lockboard_test) and a monitored server (postgres).
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "lockboard-it-"));
  const server = await startEmbeddedPostgres({
    dataDir,
    settings: { log_lock_waits: "on", deadlock_timeout: "100ms" },
  });
  // The tests' store is reached as Lockboard reaches its own: as the app role, not the superuser.
  const databaseUrl = process.env.LOCKBOARD_TEST_DATABASE_URL ?? (await server.ensureAppDatabase("lockboard_test"));
  await applyMigrations(databaseUrl);
  process.env.DATABASE_URL = databaseUrl;
  project.provide("databaseUrl", databaseUrl);
  project.provide("embeddedUrl", server.url());
  project.provide("embeddedLogDir", server.logDir);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
