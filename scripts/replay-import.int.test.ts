// `npm run replay -- --import FILE` on bad arguments, run as a user would (issue 16): one clear
// line each, exit status 2, nothing stored.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { upsertSource } from "@/lib/sources/source-registry";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

const prisma = getPrisma();
const dir = mkdtempSync(path.join(tmpdir(), "replay-import-"));
const name = `cli-${randomBytes(4).toString("hex")}`;
const ns = `app_${name.replace("-", "_")}.messages`;

function runImport(file: string, opts: SpawnSyncOptions = {}) {
  const r = spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/replay.ts", "--import", file], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
    encoding: "utf8",
    timeout: 60_000,
    ...opts,
  });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const storeCounts = async () => ({ writes: await prisma.failedWrite.count(), unparsed: await prisma.unparsedFailedWrite.count() });

beforeAll(async () => {
  await upsertSource(prisma, { name, kind: "mongodb", url: "mongodb://127.0.0.1:1", config: { replay: { namespaces: [ns] } } });
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await prisma.failedWrite.deleteMany({ where: { namespace: ns } });
  await prisma.source.deleteMany({ where: { name } });
  await disconnectPrisma();
});

describe("replay --import on bad arguments", () => {
  const line = (i: number, extra: object = {}) =>
    JSON.stringify({
      source: name,
      namespace: ns,
      operation: "insert",
      key: { messageId: `cli-${i}` },
      document: { messageId: `cli-${i}`, ...extra },
      error: "E11000",
      occurredAt: "2026-11-23T01:00:00Z",
    });

  const cases: [string, () => { file: string; opts?: SpawnSyncOptions }, RegExp][] = [
    ["a missing file", () => ({ file: path.join(dir, "nope.ndjson") }), /nope\.ndjson: no such file$/],
    ["a directory", () => ({ file: dir }), /is a directory; give an NDJSON file/],
    [
      "a file without read permission",
      () => {
        const file = path.join(dir, "locked.ndjson");
        writeFileSync(file, `${line(1)}\n`);
        chmodSync(file, 0o000);
        // root reads any file: run the CLI as an ordinary user then, as a user would hit it.
        return { file, opts: process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {} };
      },
      /locked\.ndjson: permission denied/,
    ],
    [
      "a binary file",
      () => {
        const file = path.join(dir, "dump.ndjson.gz");
        writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), randomBytes(4096)]));
        return { file };
      },
      /dump\.ndjson\.gz is a binary file, not NDJSON text/,
    ],
  ];

  for (const [what, make, message] of cases) {
    it(`${what}: one clear line, exit status 2, nothing stored`, async () => {
      const { file, opts } = make();
      const before = await storeCounts();
      const r = runImport(file, opts);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(/^replay --import: /);
      expect(r.stderr.trim()).toMatch(message);
      expect(await storeCounts()).toEqual(before);
    });
  }

  it("a good file with a poison line: the rest stored, the bad line reported and kept, no warnings", async () => {
    const file = path.join(dir, "good.ndjson");
    writeFileSync(file, [line(1), line(2, { t: "a\u0000b" }), line(3)].join("\n"));
    const r = runImport(file);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("3 lines, 2 stored, 0 already stored, 1 malformed");
    expect(r.stdout).toContain('line 2: invalid field "document.t": contains a NUL character');
  });
});
