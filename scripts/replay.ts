// `npm run replay -- --run ID`: works through (or takes over) a confirmed replay run;
// `npm run replay -- --ids 1,2 --reason TEXT` or `-- --status conflict … --reason TEXT`: starts a
// run from the command line (the reason is required, as on the dashboard), `--dry-run` previews it;
// `npm run replay -- --import FILE.ndjson`: imports failed writes, one JSON object per line.
import { parseArgs } from "node:util";
import { z } from "zod";
import { cliActor } from "@/lib/audit/cli-actor";
import { closeMongoClients } from "@/lib/mongo/mongo-client";
import { importFailedWritesNdjson } from "@/lib/replay/capture-failed-writes";
import { closeTargetPools } from "@/lib/replay/pg-target-pool";
import { ImportFileError, readImportFile } from "@/lib/replay/read-import-file";
import { FailedWriteFiltersSchema } from "@/lib/replay/failed-write-filters";
import { previewReplay } from "@/lib/replay/preview-replay";
import { originWords } from "@/lib/replay/replay-origin";
import { ReplayReasonSchema } from "@/lib/replay/replay-reason";
import { createReplayRun, runReplay, type ReplaySelection } from "@/lib/replay/replay-run";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

const USAGE = `usage: npm run replay -- --run ID [--lease-ms N] [--concurrency N]
       npm run replay -- (--ids 1,2,3 | [--status S] [--source NAME] [--namespace NS] [--error-kind K] [--from ISO] [--to ISO] [--q TEXT]) (--reason TEXT | --dry-run)
       npm run replay -- --import FILE.ndjson
(DATABASE_URL must point at the store)`;
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const FILTER_FLAGS = { status: "status", source: "source", namespace: "namespace", "error-kind": "errorKind", from: "from", to: "to", q: "q" } as const;
type Flags = { run?: string; import?: string; ids?: string; reason?: string; "dry-run"?: boolean; "lease-ms"?: string; concurrency?: string } & Partial<
  Record<keyof typeof FILTER_FLAGS, string>
>;
let values: Flags = {};
try {
  ({ values } = parseArgs({
    options: {
      run: { type: "string" },
      import: { type: "string" },
      ids: { type: "string" },
      reason: { type: "string" },
      "dry-run": { type: "boolean" },
      "lease-ms": { type: "string" },
      concurrency: { type: "string" },
      ...Object.fromEntries(Object.keys(FILTER_FLAGS).map((k) => [k, { type: "string" as const }])),
    },
  }));
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}

const filterGiven = Object.keys(FILTER_FLAGS).some((k) => values[k as keyof typeof FILTER_FLAGS] !== undefined);
const starting = values.ids !== undefined || filterGiven;
if (!process.env.DATABASE_URL || [values.run, values.import, starting || undefined].filter(Boolean).length !== 1) fail(USAGE);
const positive = (name: string, v: string | undefined) => {
  if (v !== undefined && !/^[1-9]\d{0,9}$/.test(v)) fail(`replay: --${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v === undefined ? undefined : Number(v);
};
const runId = positive("run", values.run);
const leaseMs = positive("lease-ms", values["lease-ms"]);
const concurrency = positive("concurrency", values.concurrency);

/** The selection a new run takes, checked before the store is touched (the API's own rules). */
function selectionFromFlags(): ReplaySelection {
  if (values.ids !== undefined) {
    if (filterGiven) fail("replay: give --ids or filter flags, not both");
    const ids = z
      .array(z.coerce.number().int().min(1).max(2_147_483_647))
      .min(1)
      .safeParse(values.ids.split(",").filter((s) => s.trim()));
    if (!ids.success || values.ids.split(",").some((s) => !/^\s*\d+\s*$/.test(s)))
      fail(`replay: --ids must be failed-write ids separated by commas, got ${JSON.stringify(values.ids)}`);
    return { ids: ids.data! };
  }
  const raw = Object.fromEntries(
    Object.entries(FILTER_FLAGS).flatMap(([flag, key]) =>
      values[flag as keyof typeof FILTER_FLAGS] === undefined ? [] : [[key, values[flag as keyof typeof FILTER_FLAGS]]],
    ),
  );
  const filter = FailedWriteFiltersSchema.safeParse(raw);
  if (!filter.success) {
    const issue = filter.error.issues[0]!;
    const flag = Object.entries(FILTER_FLAGS).find(([, key]) => key === issue.path[0])?.[0] ?? String(issue.path[0]);
    fail(`replay: --${flag}: ${issue.message}`);
  }
  return { filter: filter.data! };
}
const selection = starting ? selectionFromFlags() : null;
// Required, as on the dashboard and the API: a run started here says why too (a dry run writes nothing, so needs none).
const reason = starting && !values["dry-run"] ? ReplayReasonSchema.safeParse(values.reason ?? "") : null;
if (reason && !reason.success)
  fail(
    `replay: --reason is required to start a run (at least 3 characters: why you replay); it is kept on the run and in the audit log. Use --dry-run to only preview.`,
  );

// The file is read and checked before the store is touched: a bad argument stores nothing.
let text: string | null = null;
if (values.import) {
  try {
    text = readImportFile(values.import);
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    console.error(`replay --import: ${err.message}`);
    process.exit(2);
  }
}

const prisma = getPrisma();
let code = 0;
try {
  if (values.import && text !== null) {
    const r = await importFailedWritesNdjson(prisma, cliActor(), text);
    console.log(`${values.import}: ${r.lines} lines, ${r.created} stored, ${r.duplicates} already stored, ${r.rejected} malformed`);
    for (const m of r.malformed) console.log(`  line ${m.line}: ${m.error}`);
    if (r.rejected > r.malformed.length) console.log(`  … and ${r.rejected - r.malformed.length} more malformed lines (kept as unparsed)`);
  } else if (selection && values["dry-run"]) {
    const p = await previewReplay(prisma, selection);
    const c = p.counts;
    console.log(`dry run (nothing written): ${p.selected} writes would be taken up${p.capped ? `; the first ${p.checked} were checked` : ""}`);
    console.log(
      `  would apply ${c.would_apply} · already present ${c.already_present} · conflict ${c.conflict} · would fail ${c.would_fail}${c.unreachable ? ` · could not be checked ${c.unreachable}` : ""}`,
    );
    for (const x of p.conflicts)
      console.log(
        `  conflict #${x.id} ${JSON.stringify(x.key)}: ${x.diff.map((d) => `${d.field} ${JSON.stringify(d.expected)} → target ${JSON.stringify(d.actual)}`).join("; ")}`,
      );
    for (const x of p.failures) console.log(`  would fail #${x.id} ${JSON.stringify(x.key)}: ${x.error}`);
  } else if (selection && reason?.success) {
    const run = await createReplayRun(prisma, { actor: cliActor(), origin: "cli", reason: reason.data, selection });
    console.log(`replay run ${run.id}: ${run.total} writes, started by ${run.actor} ${originWords("cli")}`);
    const s = await runReplay(prisma, run.id, { leaseMs, concurrency, workedFrom: "cli" });
    console.log(`replay run ${s.runId}: ${JSON.stringify(s.counts)}`);
  } else {
    const s = await runReplay(prisma, runId!, { leaseMs, concurrency, workedFrom: "cli" });
    console.log(`replay run ${s.runId}: ${JSON.stringify(s.counts)}`);
  }
} catch (err) {
  console.error((err as Error).message);
  code = 1;
}
await closeTargetPools();
await closeMongoClients();
await disconnectPrisma();
process.exit(code);
