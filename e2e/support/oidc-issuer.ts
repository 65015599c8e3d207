// A real OpenID Connect issuer for the sign-in tests (panva's oidc-provider, certified), on
// 127.0.0.1 only. Its development login page accepts any login; the e-mail is `<login>` when it
// contains an @, else `<login>@sso.lockboard.test`.
import { parseArgs } from "node:util";
import Provider from "oidc-provider";

const { values } = parseArgs({ options: { port: { type: "string" }, "redirect-uri": { type: "string", multiple: true } } });
const port = Number(values.port);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "lockboard-e2e",
      client_secret: "lockboard-e2e-secret-value",
      redirect_uris: values["redirect-uri"] ?? [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => {
      const email = id.includes("@") ? id : `${id}@sso.lockboard.test`;
      return { sub: id, email, email_verified: true, name: id.split("@")[0] };
    },
  }),
  // Skip the consent screen: the test client is first-party.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["email", "email_verified", "name"]);
    await grant.save();
    return grant;
  },
  pkce: { required: () => false },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1");
console.log(`[oidc] issuer ${issuer}`);
