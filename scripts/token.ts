// `npm run token -- create --scope ingest|failed-writes --name N [--source S]…`, `list`, `revoke --id N`.
import { parseArgs } from "node:util";
import { cliActor } from "@/lib/audit/cli-actor";
import { createApiToken, listApiTokens, revokeApiToken, TOKEN_SCOPES, type TokenScope } from "@/lib/auth/api-tokens";
import { isSourceName, SOURCE_NAME_RULE } from "@/lib/sources/source-name";
import { withStore } from "./cli/with-store";

const usage = `usage: npm run token -- create --scope ${TOKEN_SCOPES.join("|")} --name N [--source NAME]… | list | revoke --id N`;

/** Bad arguments: one line saying what is wrong, exit 2 (before the store is started). */
function fail(message: string): never {
  console.error(`npm run token: ${message} (${usage})`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { scope: { type: "string" }, name: { type: "string" }, id: { type: "string" }, source: { type: "string", multiple: true } },
  });
}
try {
  parsed = parse();
} catch (err) {
  fail((err as Error).message.split(/\. |\n/)[0]!);
}
const { values, positionals } = parsed;
const command = positionals[0];
if (positionals.length > 1) fail(`unexpected argument "${positionals[1]}"`);
if (command === "create") {
  if (!TOKEN_SCOPES.includes(values.scope as TokenScope)) fail(`--scope must be one of ${TOKEN_SCOPES.join(", ")}`);
  if (!values.name?.trim()) fail("--name is required");
  for (const s of values.source ?? []) if (!isSourceName(s.trim())) fail(`--source "${s}" is not a source name (${SOURCE_NAME_RULE})`);
} else if (command === "revoke") {
  if (!/^[1-9]\d*$/.test(values.id ?? "")) fail("--id must be a token id (a positive number, see `list`)");
} else if (command !== "list") {
  fail(command ? `unknown command "${command}"` : "a command is required");
}

await withStore(async (prisma) => {
  switch (command) {
    case "create": {
      const scope = values.scope as TokenScope;
      const { id, token, sources } = await createApiToken(prisma, cliActor(), { name: values.name!.trim(), scope, sources: values.source ?? [] });
      const reach = sources.length ? `sources ${sources.join(", ")}` : "unbound";
      console.log(`token ${id} (${scope}, ${values.name!.trim()}, ${reach}): ${token}  (shown once; only a hash is stored)`);
      return;
    }
    case "list":
      for (const t of await listApiTokens(prisma)) {
        console.log(
          `${t.id}\t${t.scope}\t${t.name}\t${t.sources.length ? t.sources.join(",") : "(unbound)"}\t${t.prefix}…\t${t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : "live"}`,
        );
      }
      return;
    case "revoke":
      console.log(
        (await revokeApiToken(prisma, cliActor(), Number(values.id))) ? `token ${values.id} revoked` : `token ${values.id} is unknown or already revoked`,
      );
      return;
  }
});
