import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

export type DashboardProcess = { proc: ChildProcess; port: number; url: string; output: () => string; stop(): Promise<void>; kill9(): Promise<void> };

/** One built dashboard as `npm start` serves it (scripts/next-server.mjs), on its own port, with the caller's store and settings. */
export async function startDashboard(env: Record<string, string>): Promise<DashboardProcess> {
  const port = await freePort();
  const { DATABASE_URL: _d, LOCKBOARD_SOURCES: _s, LOCKBOARD_SOURCES_FILE: _f, LOCKBOARD_JOBS: _j, LOCKBOARD_SEED_USERS: _u, PORT: _p, ...base } = process.env;
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [path.resolve("scripts/next-server.mjs"), "--port", String(port), "--host", "127.0.0.1"], {
    env: { ...base, NEXT_TELEMETRY_DISABLED: "1", LOCKBOARD_PUBLIC_URL: url, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    port,
    url,
    output: () => out,
    async stop() {
      if (alive()) proc.kill("SIGTERM");
      await exited;
    },
    async kill9() {
      if (alive()) proc.kill("SIGKILL");
      await exited;
    },
  };
}

export async function waitHealthy(d: DashboardProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (d.proc.exitCode !== null) throw new Error(`dashboard on ${d.port} exited: ${d.output()}`);
    const status = await fetch(`${d.url}/api/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`dashboard on ${d.port} not healthy in ${timeoutMs} ms: ${d.output()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
