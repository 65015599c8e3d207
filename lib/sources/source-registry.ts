import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { writeActionLog } from "../audit/write-action-log";
import type { PrismaClient, Source } from "../store/generated/client";
import { processPatternProblem } from "../capacity/process-pattern";
import { maskSecretsIn, maskUrl, openSecret, sealSecret } from "./secret-box";
import { SourceNameSchema } from "./source-name";

export const SOURCE_KINDS = ["postgres", "mongodb", "log", "process", "prometheus"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const URL_SCHEMES: Partial<Record<SourceKind, RegExp>> = {
  postgres: /^postgres(ql)?:\/\//,
  mongodb: /^mongodb(\+srv)?:\/\//,
  prometheus: /^https?:\/\//,
};

export const SourceInputSchema = z
  .object({
    name: SourceNameSchema,
    kind: z.enum(SOURCE_KINDS),
    url: z.string().trim().min(1).max(2000).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
    demo: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    const scheme = URL_SCHEMES[s.kind];
    if (scheme && !s.url) ctx.addIssue({ code: "custom", path: ["url"], message: `a ${s.kind} source needs a url` });
    else if (scheme && s.url && !scheme.test(s.url))
      ctx.addIssue({ code: "custom", path: ["url"], message: `a ${s.kind} url must start with ${scheme.source.replace(/\\|\^|\(|\)|\?|\+/g, "")}` });
    const problem = s.kind === "process" && s.config.pattern !== undefined ? processPatternProblem(s.config.pattern) : null;
    if (problem) ctx.addIssue({ code: "custom", path: ["config", "pattern"], message: problem });
    // A misspelt guard setting must not silently leave the guard off (or on).
    if (s.config.scope !== undefined && s.config.scope !== "database" && s.config.scope !== "server")
      ctx.addIssue({ code: "custom", path: ["config", "scope"], message: 'must be "database" or "server"' });
    if (s.config.allowSuperuserTargets !== undefined && typeof s.config.allowSuperuserTargets !== "boolean")
      ctx.addIssue({ code: "custom", path: ["config", "allowSuperuserTargets"], message: "must be true or false" });
  });
export type SourceInput = z.input<typeof SourceInputSchema>;

/** What may leave the server: never the URL itself. */
export type PublicSource = {
  id: number;
  name: string;
  kind: SourceKind;
  maskedUrl: string | null;
  config: Record<string, unknown>;
  demo: boolean;
  healthStatus: string;
  healthError: string | null;
  lastCheckedAt: string | null;
  downSince: string | null;
};

export function toPublicSource(s: Source): PublicSource {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind as SourceKind,
    maskedUrl: s.urlEncrypted ? maskUrl(openSecretOrNote(s.urlEncrypted)) : null,
    config: (s.config ?? {}) as Record<string, unknown>,
    demo: s.demo,
    healthStatus: s.kind === "log" ? "up" : s.healthStatus,
    healthError: s.healthError,
    lastCheckedAt: s.lastCheckedAt?.toISOString() ?? null,
    downSince: s.downSince?.toISOString() ?? null,
  };
}

function openSecretOrNote(sealed: string): string {
  try {
    return openSecret(sealed);
  } catch (err) {
    return `(${(err as Error).message})`;
  }
}

const sourceData = (s: z.output<typeof SourceInputSchema>) => ({
  kind: s.kind,
  config: s.config as object,
  demo: s.demo,
  ...(s.url ? { urlEncrypted: sealSecret(s.url) } : {}),
});

/** Registration by configuration (start-up, demo, tests): no person acted, so no audit row. */
export async function upsertSource(prisma: PrismaClient, input: SourceInput): Promise<PublicSource> {
  const s = SourceInputSchema.parse(input);
  const data = sourceData(s);
  const row = await prisma.source.upsert({ where: { name: s.name }, update: data, create: { name: s.name, ...data } });
  return toPublicSource(row);
}

// What the audit keeps of a source: what the Sources page shows, never the URL itself.
const auditView = (p: PublicSource) => ({ kind: p.kind, maskedUrl: p.maskedUrl, config: p.config, demo: p.demo });

/**
 * A person adds or changes a source (POST /api/sources): the row and its `source.create` or
 * `source.update` audit row (before and after, URLs masked) in one transaction.
 */
export async function saveSource(prisma: PrismaClient, actor: string, input: SourceInput): Promise<PublicSource> {
  const s = SourceInputSchema.parse(input);
  const data = sourceData(s);
  return prisma.$transaction(async (tx) => {
    const old = await tx.source.findUnique({ where: { name: s.name } });
    const row = await tx.source.upsert({ where: { name: s.name }, update: data, create: { name: s.name, ...data } });
    const saved = toPublicSource(row);
    await writeActionLog(tx, {
      actor,
      action: old ? "source.update" : "source.create",
      sourceId: row.id,
      target: { sourceId: row.id, name: row.name, ...auditView(saved) },
      before: old ? auditView(toPublicSource(old)) : undefined,
      outcome: old ? "updated" : "created",
    });
    return saved;
  });
}

export async function listSources(prisma: PrismaClient, where: { kind?: SourceKind } = {}): Promise<PublicSource[]> {
  const rows = await prisma.source.findMany({ where: { kind: where.kind }, orderBy: { name: "asc" } });
  return rows.map(toPublicSource);
}

/** The decrypted URL, for server-side connections only. */
export async function getSourceConnection(prisma: PrismaClient, idOrName: number | string): Promise<{ source: PublicSource; url: string | null } | null> {
  const row = await prisma.source.findUnique({ where: typeof idOrName === "number" ? { id: idOrName } : { name: idOrName } });
  if (!row) return null;
  return { source: toPublicSource(row), url: row.urlEncrypted ? openSecret(row.urlEncrypted) : null };
}

export async function ensureLogSource(prisma: PrismaClient, name: string): Promise<Source> {
  return prisma.source.upsert({ where: { name }, update: {}, create: { name, kind: "log" } });
}

/** Keeps `downSince` at the first failure of a run of failures, so panels can say "unreachable since". */
export async function recordSourceHealth(prisma: PrismaClient, sourceId: number, result: { ok: true } | { ok: false; error: string }): Promise<void> {
  const now = new Date();
  if (result.ok) {
    await prisma.source.update({ where: { id: sourceId }, data: { healthStatus: "up", healthError: null, lastCheckedAt: now, downSince: null } });
    return;
  }
  const error = maskSecretsIn(result.error).slice(0, 500);
  await prisma.$executeRaw`
    UPDATE "Source" SET "healthStatus" = 'down', "healthError" = ${error}, "lastCheckedAt" = ${now},
      "downSince" = COALESCE("downSince", ${now}), "updatedAt" = ${now}
    WHERE id = ${sourceId}`;
}

const ConfiguredSourcesSchema = z.array(SourceInputSchema);

/**
 * Sources from the environment: LOCKBOARD_SOURCES (a JSON array) and/or LOCKBOARD_SOURCES_FILE
 * (a JSON file with the same array), e.g. `[{"name":"app-db","kind":"postgres","url":"postgresql://…"}]`.
 */
export async function loadConfiguredSources(prisma: PrismaClient, env: Record<string, string | undefined> = process.env): Promise<PublicSource[]> {
  const batches: { from: string; text: string }[] = [];
  if (env.LOCKBOARD_SOURCES) batches.push({ from: "LOCKBOARD_SOURCES", text: env.LOCKBOARD_SOURCES });
  if (env.LOCKBOARD_SOURCES_FILE) batches.push({ from: env.LOCKBOARD_SOURCES_FILE, text: readFileSync(env.LOCKBOARD_SOURCES_FILE, "utf8") });
  const out: PublicSource[] = [];
  for (const { from, text } of batches) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${from} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = ConfiguredSourcesSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${from}: source ${issue.path.join(".")}: ${issue.message}`);
    }
    for (const s of parsed.data) out.push(await upsertSource(prisma, s));
  }
  return out;
}
