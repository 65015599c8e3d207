import { afterAll, beforeAll, describe, inject } from "vitest";
import { listMonitoredServers } from "@/e2e/support/test-servers";
import { postgresTarget, type ReplayTarget } from "@/e2e/support/replay-targets";
import { replayScenarios } from "@/e2e/support/replay-scenarios";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { closeTargetPools } from "./pg-target-pool";

const servers = await listMonitoredServers(inject("embeddedUrl"));

afterAll(async () => {
  await closeTargetPools();
  await disconnectPrisma();
});

describe.each(servers)("replay into PostgreSQL ($name)", (server) => {
  let target: ReplayTarget;
  beforeAll(async () => {
    target = await postgresTarget(getPrisma(), server.name, server.url);
  });
  afterAll(() => target?.teardown());
  replayScenarios(getPrisma(), () => target, { databaseUrl: inject("databaseUrl") });
});
