// Fails when a production build (`next build` output) carries test-only code: the test MongoDB
// server and its `mingo` dependency, e2e support modules, seeded users, the e2e state file.
// `node scripts/check-build.mjs [dir…]` (default .next/server and .next/static); run after the build.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Literal strings only test code contains; a bundled module keeps its path in chunks and traces.
export const TEST_ONLY_MARKERS = ["mongo-server", "mingo", "e2e/support/", "LOCKBOARD_SEED_USERS", "state-file"];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else if (entry.isFile()) yield p;
  }
}

/** Every (file, marker) pair found under `dirs`; throws when a directory is missing (no build to check). */
export function findTestOnlyCode(dirs) {
  const found = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} does not exist: run \`next build\` first`);
    for (const file of files(dir)) {
      const text = readFileSync(file, "latin1");
      for (const marker of TEST_ONLY_MARKERS) if (file.includes(marker) || text.includes(marker)) found.push({ file: path.relative(ROOT, file), marker });
    }
  }
  return found;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dirs = args.length ? args.map((d) => path.resolve(d)) : [path.join(ROOT, ".next/server"), path.join(ROOT, ".next/static")];
  try {
    const found = findTestOnlyCode(dirs);
    if (found.length) {
      for (const f of found.slice(0, 20)) console.error(`[check-build] ${f.file}: contains "${f.marker}"`);
      console.error(`[check-build] the production build contains test-only code (${found.length} finding(s))`);
      console.error("[check-build] follow the imports from instrumentation.ts, app/ and proxy.ts to the file that pulls it in");
      process.exit(1);
    }
    console.log(`[check-build] no test-only code in ${dirs.map((d) => path.relative(ROOT, d)).join(", ")}`);
  } catch (err) {
    console.error(`[check-build] ${err.message}`);
    process.exit(2);
  }
}
