// Every MongoDB test reads MONGO_URL, and only starts the in-repo server when it is unset, so the
// same suite runs against a real mongod.
import { startTestMongoServer, type TestMongoServer } from "./server";

let shared: Promise<TestMongoServer> | null = null;

/** The running test server when this process started one, for tests that need its hooks. */
export async function getStartedTestServer(): Promise<TestMongoServer | null> {
  return shared;
}

export async function getTestMongoUrl(): Promise<string> {
  if (process.env.MONGO_URL) return process.env.MONGO_URL;
  shared ??= startTestMongoServer();
  return (await shared).url;
}

export async function stopTestMongoServer(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await (await s).stop();
}
