// `npm test`: install what is missing, then type-check, unit, integration (real PostgreSQL) and
// Playwright end-to-end tests against a production build; prints the counts of each.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureSetup, quietEnv, ROOT, run } from "./setup.mjs";

const bin = (name) => path.join(ROOT, "node_modules/.bin", name);
const reports = path.join(ROOT, ".lockboard/reports");
const counts = [];

function vitestCounts(name, file) {
  const r = JSON.parse(readFileSync(file, "utf8"));
  counts.push({ name, passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests });
}

function e2eCounts(file) {
  const s = JSON.parse(readFileSync(file, "utf8")).stats;
  counts.push({ name: "e2e", passed: s.expected, failed: s.unexpected + s.flaky, skipped: s.skipped });
}

function summary() {
  console.log("\n== Lockboard test summary ==");
  for (const c of counts) console.log(`${c.name}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}`);
  const p = counts.reduce((a, c) => a + c.passed, 0);
  const f = counts.reduce((a, c) => a + c.failed, 0);
  console.log(`${p} passed, ${f} failed`);
}

// Tests always run on their own embedded store; DATABASE_URL is the user's, not ours to touch.
const { DATABASE_URL: _ignored, ...baseEnv } = quietEnv;
const dataDir = mkdtempSync(path.join(tmpdir(), "lockboard-e2e-"));
const env = { ...baseEnv, LOCKBOARD_DATA_DIR: dataDir, LOCKBOARD_E2E_STATE: path.join(dataDir, "..", `${path.basename(dataDir)}.json`) };

let code = 0;
try {
  ensureSetup({ browser: true });
  rmSync(reports, { recursive: true, force: true });

  console.log("\n== lint (ESLint: Next's rules and TypeScript's) ==");
  run(bin("eslint"), ["--max-warnings", "0", "."], { env });
  console.log("\n== format (Prettier) ==");
  run(bin("prettier"), ["--check", "."], { env });

  console.log("\n== type-check ==");
  run(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"], { env });

  for (const project of ["unit", "integration"]) {
    console.log(`\n== ${project} tests ==`);
    const out = path.join(reports, `${project}.json`);
    try {
      run(bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`], { env });
    } finally {
      if (existsSync(out)) vitestCounts(project, out);
    }
  }

  console.log("\n== production build ==");
  run(bin("next"), ["build"], { env });
  // No test-only code (the test MongoDB server, mingo, seeded users) in what the build ships.
  run(process.execPath, [path.join(ROOT, "scripts/check-build.mjs")], { env });

  console.log("\n== end-to-end tests (Playwright, Debian Chromium) ==");
  try {
    run(bin("playwright"), ["test"], { env });
  } finally {
    const out = path.join(reports, "e2e.json");
    if (existsSync(out)) e2eCounts(out);
  }
} catch (err) {
  console.error(`\n[test] ${err.message}`);
  code = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(env.LOCKBOARD_E2E_STATE, { force: true });
  // The e2e run's sibling files: signed-in browser states, the server log and the scenarios' app logs.
  const stem = path.basename(env.LOCKBOARD_E2E_STATE).replace(/\.json$/, "-");
  for (const f of readdirSync(path.dirname(env.LOCKBOARD_E2E_STATE)))
    if (f.startsWith(stem)) rmSync(path.join(path.dirname(env.LOCKBOARD_E2E_STATE), f), { recursive: true, force: true });
  summary();
}
process.exit(code);
