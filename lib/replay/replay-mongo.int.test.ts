import { afterAll, beforeAll, describe, inject } from "vitest";
import { getTestMongoUrl, stopTestMongoServer } from "@/e2e/support/mongo-server/test-mongo-url";
import { mongoTarget, type ReplayTarget } from "@/e2e/support/replay-targets";
import { replayScenarios } from "@/e2e/support/replay-scenarios";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { closeMongoClients } from "../mongo/mongo-client";

let target: ReplayTarget;

beforeAll(async () => {
  target = await mongoTarget(getPrisma(), await getTestMongoUrl());
});

afterAll(async () => {
  await target?.teardown();
  await closeMongoClients();
  await stopTestMongoServer();
  await disconnectPrisma();
});

describe("replay into MongoDB (MONGO_URL or the test wire server)", () => {
  replayScenarios(getPrisma(), () => target, { databaseUrl: inject("databaseUrl") });
});
