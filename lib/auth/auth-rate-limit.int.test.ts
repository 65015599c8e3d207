// Better Auth's own coarse request limit is counted in the store (rateLimit.storage "database"),
// so every instance counts against one limit, like the sign-in limits.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { CLIENT_ADDRESS_HEADER, getAuth } from "./auth";

afterAll(disconnectPrisma);

describe("Better Auth's request limit", () => {
  it("counts each client's requests in auth_rate_limit", async () => {
    const address = `198.51.100.${(process.pid % 200) + 20}`;
    for (let i = 0; i < 3; i++) {
      const res = await getAuth().handler(
        new Request("http://127.0.0.1:3000/api/auth/get-session", { headers: { host: "127.0.0.1:3000", [CLIENT_ADDRESS_HEADER]: address } }),
      );
      expect(res.status).toBe(200);
    }
    const rows = await getPrisma().authRateLimit.findMany({ where: { key: `${address}|/get-session` } });
    expect(rows.map((r) => r.count)).toEqual([3]);
  });
});
