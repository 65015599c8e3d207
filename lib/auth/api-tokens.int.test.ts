import { afterAll, describe, expect, it } from "vitest";
import { HttpError } from "../http/errors";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from "./api-tokens";

afterAll(disconnectPrisma);

const req = (token?: string) => new Request("http://127.0.0.1/api/ingest", { method: "POST", headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("API tokens", () => {
  it("accepts a live token of the right scope and refuses others with 401", async () => {
    const prisma = getPrisma();
    const { id, token } = await createApiToken(prisma, "test", { name: "vector", scope: "ingest" });
    expect(await verifyApiToken(prisma, req(token), "ingest")).toMatchObject({ tokenId: id, name: "vector" });

    const status = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: HttpError) => e.status,
      );
    expect(await status(verifyApiToken(prisma, req(token), "failed-writes"))).toBe(401);
    expect(await status(verifyApiToken(prisma, req(), "ingest"))).toBe(401);
    expect(await status(verifyApiToken(prisma, req(`${token}x`), "ingest"))).toBe(401);

    expect(await revokeApiToken(prisma, "test", id)).toBe(true);
    expect(await revokeApiToken(prisma, "test", id)).toBe(false);
    expect(await status(verifyApiToken(prisma, req(token), "ingest"))).toBe(401);
  });

  it("keeps only a hash: the listing never holds the token", async () => {
    const prisma = getPrisma();
    const { token } = await createApiToken(prisma, "test", { name: "otel", scope: "failed-writes" });
    const listed = JSON.stringify(await listApiTokens(prisma));
    expect(listed).not.toContain(token);
    expect(listed).not.toContain("tokenHash");
  });

  it("accepts the scope's environment token", async () => {
    process.env.LOCKBOARD_FAILED_WRITES_TOKEN = "env-token-for-test";
    try {
      expect(await verifyApiToken(getPrisma(), req("env-token-for-test"), "failed-writes")).toMatchObject({ tokenId: null });
    } finally {
      delete process.env.LOCKBOARD_FAILED_WRITES_TOKEN;
    }
  });
});
