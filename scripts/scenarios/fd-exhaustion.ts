// Model-serving API: a burst of slow concurrent requests against a process with a low
// RLIMIT_NOFILE until accept() fails with EMFILE.
import http from "node:http";
import { appLog } from "./app-log";
import { startPythonApp, stopChild } from "./python-child";
import { sleep, type Scenario } from "./types";

export const fdExhaustion: Scenario = {
  name: "fd-exhaustion",
  summary: "a burst of slow requests against a model server with RLIMIT_NOFILE 64 until accept() fails with EMFILE",
  async run(ctx, opts) {
    const { file } = appLog(ctx.logDir, "fd-exhaustion");
    const tag = opts.tag ? ["--tag", String(opts.tag)] : [];
    const app = await startPythonApp("fd_exhaustion.py", [file, "--nofile", String(opts.nofile ?? 64), "--port", String(opts.port ?? 0), ...tag]);
    const port = Number(app.ready.ready);
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    let bursts = 0;
    let failed = 0;
    let served = 0;
    try {
      while (!ctx.signal.aborted) {
        bursts++;
        const n = Number(opts.burst ?? 120);
        const results = await Promise.allSettled(
          Array.from(
            { length: n },
            () =>
              new Promise<number>((resolve, reject) => {
                const req = http.get({ host: "127.0.0.1", port, path: "/invoke", agent, timeout: 6_000 }, (res) => {
                  res.resume();
                  res.on("end", () => resolve(res.statusCode ?? 0));
                });
                req.on("timeout", () => req.destroy(new Error("timeout")));
                req.on("error", reject);
              }),
          ),
        );
        for (const r of results) {
          if (r.status === "fulfilled") served++;
          else failed++;
        }
        await sleep(ctx.pace * 1000, ctx.signal);
      }
    } finally {
      agent.destroy();
      await stopChild(app.child);
    }
    ctx.log(`fd-exhaustion: ${bursts} bursts, ${served} served, ${failed} failed or timed out`);
    return { bursts, served, failed, pid: Number(app.ready.pid), port };
  },
};
