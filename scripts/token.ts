// `npm run token -- create --scope ingest|failed-writes --name N`, `list`, `revoke --id N`.
import { parseArgs } from "node:util";
import { createApiToken, listApiTokens, revokeApiToken, TOKEN_SCOPES, type TokenScope } from "@/lib/auth/api-tokens";
import { withStore } from "./cli/with-store";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { scope: { type: "string" }, name: { type: "string" }, id: { type: "string" } },
});
const usage = `usage: npm run token -- create --scope ${TOKEN_SCOPES.join("|")} --name N | list | revoke --id N`;

await withStore(async (prisma) => {
  switch (positionals[0]) {
    case "create": {
      const scope = values.scope as TokenScope;
      if (!TOKEN_SCOPES.includes(scope) || !values.name) throw new Error(usage);
      const { id, token } = await createApiToken(prisma, { name: values.name, scope, createdBy: "cli" });
      console.log(`token ${id} (${scope}, ${values.name}): ${token}  (shown once; only a hash is stored)`);
      return;
    }
    case "list":
      for (const t of await listApiTokens(prisma)) console.log(`${t.id}\t${t.scope}\t${t.name}\t${t.prefix}…\t${t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : "live"}`);
      return;
    case "revoke":
      if (!values.id) throw new Error(usage);
      console.log((await revokeApiToken(prisma, Number(values.id))) ? `token ${values.id} revoked` : `token ${values.id} is unknown or already revoked`);
      return;
    default:
      throw new Error(usage);
  }
});
