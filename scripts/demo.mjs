// `npm run demo`: install what is missing, build, start the store and serve on :3000.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureSetup, quietEnv, ROOT, run } from "./setup.mjs";

try {
  ensureSetup();
  console.log("[demo] building the dashboard");
  run(path.join(ROOT, "node_modules/.bin/next"), ["build"]);
} catch (err) {
  console.error(`[demo] ${err.message}`);
  process.exit(1);
}
const port = process.env.PORT ?? "3000";
const child = spawn(
  path.join(ROOT, "node_modules/.bin/tsx"),
  [
    "--conditions=react-server",
    "scripts/serve.ts",
    "--port",
    port,
    "--host",
    process.env.HOST ?? "127.0.0.1",
    "--scenarios",
    ...(process.env.MONGO_URL ? [] : ["--demo-mongo"]),
  ],
  { cwd: ROOT, stdio: "inherit", env: quietEnv },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
