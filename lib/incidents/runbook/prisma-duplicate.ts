import { lineDiff } from "./line-diff";
import type { Engine, IncidentRunbook, RunbookFact } from "./runbook-types";

export type PrismaUnique = { fields: string[] | null; constraint: string | null; model: string | null; operation: string | null };

/**
 * Prisma's P2002: `Unique constraint failed on the fields: (`a`,`b`)` or `… on the constraint: `name``,
 * with `Invalid `prisma.user.create()` invocation` and `meta: { target, modelName }` when logged.
 */
export function parsePrismaUnique(text: string | null | undefined): PrismaUnique | null {
  if (!text || !/Unique constraint failed|P2002/.test(text)) return null;
  const onFields = /Unique constraint failed on the fields: \(((?:`[^`]+`,?\s*)+)\)/.exec(text)?.[1];
  const onConstraint = /Unique constraint failed on the constraint: `([^`]+)`/.exec(text)?.[1] ?? null;
  const target = /"target"\s*:\s*\[([^\]]*)\]/.exec(text)?.[1];
  const fields = onFields
    ? onFields
        .split(",")
        .map((f) => f.replace(/[`\s]/g, ""))
        .filter(Boolean)
    : target
      ? [...target.matchAll(/"([^"]+)"/g)].map((m) => m[1]!)
      : null;
  const call = /prisma\.(\w+)\.(create|createMany|update|upsert|updateMany)\(/.exec(text);
  const model = call?.[1] ?? /"modelName"\s*:\s*"(\w+)"/.exec(text)?.[1] ?? null;
  if (!fields && !onConstraint) return null;
  return { fields, constraint: onConstraint, model: model ? model[0]!.toLowerCase() + model.slice(1) : null, operation: call?.[2] ?? null };
}

export function buildPrismaDuplicateRunbook(input: { source: string; engine: Engine | null; unique: PrismaUnique }): IncidentRunbook {
  const { unique } = input;
  const facts: RunbookFact[] = [];
  if (unique.model) facts.push({ label: "Model", value: unique.model, from: "the Prisma error" });
  if (unique.fields)
    facts.push({
      label: unique.fields.length > 1 ? "Unique fields" : "Unique field",
      value: unique.fields.join(", "),
      from: "P2002: Unique constraint failed on the fields",
    });
  if (unique.constraint) facts.push({ label: "Constraint", value: unique.constraint, from: "P2002: Unique constraint failed on the constraint" });
  if (unique.operation) facts.push({ label: "Failing call", value: `prisma.${unique.model ?? "<model>"}.${unique.operation}()`, from: "the Prisma error" });
  const model = unique.model ?? "<model>";
  const f = unique.fields ?? ["<unique field>"];
  const where = f.length > 1 ? `{ ${f.join("_")}: { ${f.map((x) => `${x}: data.${x}`).join(", ")} } }` : `{ ${f[0]}: data.${f[0]} }`;
  const before = `await prisma.${model}.${unique.operation === "createMany" ? "createMany({ data: rows })" : "create({ data })"};`;
  const after =
    unique.operation === "createMany"
      ? `await prisma.${model}.createMany({ data: rows, skipDuplicates: true });`
      : `await prisma.${model}.upsert({\n  where: ${where},\n  create: data,\n  update: {}, // or the fields the latest write should set\n});`;
  return {
    title: `Unique constraint failed on ${unique.fields?.join(", ") ?? unique.constraint ?? "a unique key"}${unique.model ? ` (${unique.model})` : ""}`,
    summary: `Prisma refused a second ${unique.model ?? "record"} with the same ${f.join(", ")} (P2002).`,
    engine: input.engine,
    facts,
    steps: [
      {
        text:
          unique.operation === "createMany"
            ? "Skip the rows that already exist (ON CONFLICT DO NOTHING underneath; not on SQLite or MongoDB):"
            : `Make the write idempotent: an upsert on the unique ${f.length > 1 ? "fields" : "field"} finds the record the first request made.`,
        blocks: [{ type: "diff", title: "In the application (Prisma Client)", lines: lineDiff(before, after) }],
      },
      { text: "Two upserts racing on a new key can still both try to insert and one gets P2002: retry it once; the second try finds the record." },
    ],
    gaps: unique.fields ? [] : ["The error names a constraint, not its fields: the schema's @@unique / @unique on that model says which."],
  };
}
