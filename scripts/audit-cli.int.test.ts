// `npm run user` and `npm run token`, run as a user would: each change comes with its audit row
// (actor cli:<os user>), and a refused audit row leaves no change behind (issue 17).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { refuseAuditRows } from "@/lib/audit/refuse-audit.test-support";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

const prisma = getPrisma();
const actor = `cli:${userInfo().username}`;
const run = randomBytes(4).toString("hex");

function cli(script: "user" | "token", ...args: string[]) {
  const r = spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", `scripts/${script}.ts`, ...args], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const rows = (key: string, value: string | number) => prisma.actionLog.findMany({ where: { target: { path: [key], equals: value } }, orderBy: { id: "asc" } });

afterAll(disconnectPrisma);
// Each test starts the CLI two to four times (tsx, the store, Better Auth): slow on a busy machine.
vi.setConfig({ testTimeout: 300_000 });

describe("npm run user", () => {
  const email = `cli-${run}@audit.test`;

  it("add and role each write one audit row naming the shell's user", async () => {
    expect(cli("user", "add", "--email", email, "--role", "viewer")).toMatchObject({ status: 0, out: expect.stringContaining(`created ${email}`) });
    expect(cli("user", "role", "--email", email, "--role", "operator")).toMatchObject({ status: 0 });
    const user = await prisma.authUser.findUniqueOrThrow({ where: { email } });
    expect(user.role).toBe("operator");
    expect(await rows("email", email)).toMatchObject([
      { action: "user.create", actor, outcome: "created", target: { userId: user.id, role: "viewer" } },
      { action: "user.role", actor, outcome: "changed", target: { role: "operator" }, before: { role: "viewer" } },
    ]);
  });

  it("a refused audit row: exit 1 and no account, or the role as it was", async () => {
    const other = `cli-refused-${run}@audit.test`;
    const refusal = await refuseAuditRows(prisma, { marker: `refused-${run}` });
    try {
      expect(cli("user", "add", "--email", other, "--role", "viewer")).toMatchObject({ status: 1, out: expect.stringContaining("audit row refused") });
    } finally {
      await refusal.restore();
    }
    expect(await prisma.authUser.count({ where: { email: other } })).toBe(0);
    expect(await rows("email", other)).toEqual([]);

    const roleRefusal = await refuseAuditRows(prisma, { marker: `cli-${run}`, action: "user.role" });
    try {
      expect(cli("user", "role", "--email", email, "--role", "admin")).toMatchObject({ status: 1 });
    } finally {
      await roleRefusal.restore();
    }
    expect((await prisma.authUser.findUniqueOrThrow({ where: { email } })).role).toBe("operator");
    expect((await rows("email", email)).filter((r) => r.action === "user.role")).toHaveLength(1);
  });
});

describe("npm run token", () => {
  const name = `cli-token-${run}`;

  it("create and revoke each write one audit row naming the shell's user", async () => {
    const created = cli("token", "create", "--scope", "ingest", "--name", name);
    expect(created.status).toBe(0);
    const token = await prisma.apiToken.findFirstOrThrow({ where: { name } });
    expect(token.createdBy).toBe(actor);
    expect(cli("token", "revoke", "--id", String(token.id))).toMatchObject({ status: 0, out: expect.stringContaining("revoked") });
    expect(await rows("tokenId", token.id)).toMatchObject([
      { action: "token.create", actor, outcome: "created", target: { name, scope: "ingest" } },
      { action: "token.revoke", actor, outcome: "revoked" },
    ]);
  });

  it("a refused audit row: exit 1 and no token, or the token still live", async () => {
    const refused = `cli-token-refused-${run}`;
    const refusal = await refuseAuditRows(prisma, { marker: refused });
    try {
      expect(cli("token", "create", "--scope", "failed-writes", "--name", refused)).toMatchObject({ status: 1 });
    } finally {
      await refusal.restore();
    }
    expect(await prisma.apiToken.count({ where: { name: refused } })).toBe(0);
    expect(await rows("name", refused)).toEqual([]);

    expect(cli("token", "create", "--scope", "ingest", "--name", `live-${run}`).status).toBe(0);
    const live = await prisma.apiToken.findFirstOrThrow({ where: { name: `live-${run}` } });
    const revokeRefusal = await refuseAuditRows(prisma, { marker: actor, action: "token.revoke" });
    try {
      expect(cli("token", "revoke", "--id", String(live.id))).toMatchObject({ status: 1 });
    } finally {
      await revokeRefusal.restore();
    }
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: live.id } })).revokedAt).toBeNull();
    expect((await rows("tokenId", live.id)).map((r) => r.action)).toEqual(["token.create"]);
  });
});
