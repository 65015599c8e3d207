// Document-embedding workflow: concurrent writers into an embedded engine that refuses them busy.
import { rmSync } from "node:fs";
import path from "node:path";
import { appLog } from "./app-log";
import { startPythonApp, stopChild } from "./python-child";
import type { Scenario } from "./types";

export const storageBusy: Scenario = {
  name: "storage-busy",
  summary: "K workers write snippets through a service into SQLite, which answers SQLITE_BUSY; the service logs Python tracebacks and answers 429",
  async run(ctx, opts) {
    const { file } = appLog(ctx.logDir, "storage-busy");
    const db = path.join(ctx.logDir, `storage-busy-${process.pid}.sqlite`);
    const app = await startPythonApp("storage_busy.py", [file, db, "--workers", String(opts.workers ?? 4), "--pace", String(Math.max(0.2, ctx.pace / 4))]);
    await new Promise<void>((r) => (ctx.signal.aborted ? r() : ctx.signal.addEventListener("abort", () => r(), { once: true })));
    await stopChild(app.child);
    for (const f of [db, `${db}-journal`]) rmSync(f, { force: true });
    const stats = (app.lastLine() ?? {}) as Record<string, number>;
    ctx.log(`storage-busy: ${stats.writes ?? 0} writes, ${stats.busy ?? 0} busy answered 429, ${stats.gave_up ?? 0} gave up`);
    return { writes: stats.writes ?? 0, busy: stats.busy ?? 0, retries: stats.retries ?? 0, gaveUp: stats.gave_up ?? 0 };
  },
};
