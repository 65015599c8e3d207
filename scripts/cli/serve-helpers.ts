import { DEMO_PG_DATABASE } from "@/lib/postgres/demo-source";
import { ensureDatabase } from "@/lib/store/start-store";

/** The scenarios' app database, beside the store on the same server (the one demo-pg monitors). */
export async function demoAppDatabaseUrl(storeUrl: string): Promise<string> {
  const u = new URL(storeUrl);
  u.pathname = "/postgres";
  await ensureDatabase(u.toString(), DEMO_PG_DATABASE);
  u.pathname = `/${DEMO_PG_DATABASE}`;
  return u.toString();
}

export async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}
