import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { EventWriter } from "./store/event-writer";
import { getCheckpoint } from "./store/checkpoints";
import { followLogFile } from "./follow-file";
import { closeEventWriter } from "./store/shared-writer";

afterAll(async () => {
  await closeEventWriter();
  await disconnectPrisma();
});

let n = 0;
const errorLines = (tag: string) => {
  n++;
  return [
    `2026-11-23 05:00:${String(n % 60).padStart(2, "0")}.${String(n).padStart(3, "0")} UTC [${100 + n}] ERROR:  duplicate key value violates unique constraint "t_pkey"`,
    `2026-11-23 05:00:${String(n % 60).padStart(2, "0")}.${String(n).padStart(3, "0")} UTC [${100 + n}] DETAIL:  Key (id)=(${tag}) already exists.`,
    "",
  ].join("\n");
};

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function keysStored(SOURCE: string) {
  const prisma = getPrisma();
  const rows = await prisma.event.findMany({ where: { source: { name: SOURCE } }, select: { raw: true } });
  return rows
    .map((r) => /Key \(id\)=\((\w+)\)/.exec(r.raw)?.[1])
    .filter(Boolean)
    .sort();
}

describe.each(["shared", "cli"] as const)("following a log file (%s writer)", (via) => {
  it("tails, resumes from its checkpoint, and copes with a partial line, rotation and truncation", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lockboard-follow-"));
    const file = path.join(dir, "postgresql.log");
    const SOURCE = `follow-${via}-${Date.now()}`;
    // The CLI follows through its own writer, commits relaxed; checkpoints are saved once a batch has committed.
    const writer = via === "cli" ? await EventWriter.open({ commit: "relaxed" }) : undefined;
    const follow = (notes: string[]) => {
      const stop = new AbortController();
      const done = followLogFile(getPrisma(), SOURCE, file, { signal: stop.signal, pollMs: 40, onNote: (m) => notes.push(m), writer });
      return { stop: () => (stop.abort(), done) };
    };
    const keys = () => keysStored(SOURCE);
    try {
      writeFileSync(file, errorLines("a1"));
      const notes: string[] = [];
      let run = follow(notes);
      await until(async () => (await keys()).includes("a1"), "a1");
      appendFileSync(file, errorLines("a2"));
      // Half a line: the follower must wait for its newline rather than store a fragment.
      appendFileSync(
        file,
        `2026-11-23 05:01:00.000 UTC [9] ERROR:  duplicate key value violates unique constraint "t_pkey"\n2026-11-23 05:01:00.000 UTC [9] DETAIL:  Key (id)=(a3) alrea`,
      );
      await until(async () => (await keys()).includes("a2"), "a2");
      let s = await run.stop();
      expect(await keys()).toEqual(["a1", "a2"]);
      expect(s.unparsed).toBe(0);

      const prisma = getPrisma();
      const source = await prisma.source.findUniqueOrThrow({ where: { name: SOURCE } });
      const cp = await getCheckpoint(prisma, source.id, path.resolve(file));
      expect(cp?.offset).toBeLessThan((await import("node:fs")).statSync(file).size);

      // Stopped: the rest of the half line and more lines arrive; the next run resumes and adds only them.
      appendFileSync(file, `dy exists.\n${errorLines("b1")}`);
      run = follow(notes);
      await until(async () => (await keys()).includes("b1"), "b1");
      expect(notes.some((m) => m.startsWith("resuming"))).toBe(true);
      expect(await keys()).toEqual(["a1", "a2", "a3", "b1"]);

      // Rotation: the file is renamed and a new one created at the path.
      renameSync(file, `${file}.1`);
      writeFileSync(file, errorLines("c1"));
      await until(async () => (await keys()).includes("c1"), "c1 after rotation");
      expect(notes.join("\n")).toMatch(/rotated/);

      // Truncation in place (copytruncate), then new content at offsets already seen.
      truncateSync(file, 0);
      appendFileSync(file, errorLines("d1"));
      await until(async () => (await keys()).includes("d1"), "d1 after truncation");
      expect(notes.join("\n")).toMatch(/truncated/);
      s = await run.stop();
      expect(await keys()).toEqual(["a1", "a2", "a3", "b1", "c1", "d1"]);
      const incident = await prisma.incident.findFirstOrThrow({ where: { sourceId: source.id, kind: "duplicate_key" } });
      expect(incident.count).toBe(6);
    } finally {
      await writer?.close();
    }
  });
});
