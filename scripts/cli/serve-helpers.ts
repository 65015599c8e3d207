import { ensureAppRole } from "@/lib/postgres/app-role";
import { DEMO_PG_DATABASE } from "@/lib/postgres/demo-source";
import { ensureDatabase } from "@/lib/store/start-store";

/** The role the demo's scenario apps log in as: an ordinary one, so Release needs no superuser opt-in. */
export const DEMO_APP_ROLE = "lockboard_demo_app";

/**
 * The scenarios' app database on the server demo-pg monitors, as a URL of the ordinary
 * application role that owns it. `serverUrl` must be able to create roles (the embedded
 * server's superuser URL, not the store's app-role URL); when it cannot, the apps connect
 * with `serverUrl`'s own role, as before.
 */
export async function demoAppDatabaseUrl(serverUrl: string, log: (line: string) => void = console.log): Promise<string> {
  const u = new URL(serverUrl);
  u.pathname = "/postgres";
  try {
    return await ensureAppRole(u.toString(), DEMO_APP_ROLE, { database: DEMO_PG_DATABASE, ownsDatabase: true });
  } catch (err) {
    if ((err as { code?: string }).code !== "42501") throw err;
    log(
      `[lockboard] cannot create the demo app role ${DEMO_APP_ROLE} (${(err as Error).message}): the scenario apps connect as ${decodeURIComponent(u.username)}`,
    );
  }
  await ensureDatabase(u.toString(), DEMO_PG_DATABASE);
  u.pathname = `/${DEMO_PG_DATABASE}`;
  return u.toString();
}

export async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}
