import { createServer, type Server, type Socket } from "node:net";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma, PrismaClient } from "../store/generated/client";
import { storeUnavailableReason } from "./store-errors";

// Real errors where they can be made without a store: a closed port, a server that never answers.
const closedPort = async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
};

let silent: Server;
let silentPort = 0;
const sockets: Socket[] = [];
beforeAll(async () => {
  // Accepts TCP and never speaks PostgreSQL: every connect attempt times out.
  silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(() => {
  for (const s of sockets) s.destroy();
  return new Promise((r) => silent.close(r));
});

const caught = async (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
const known = (code: string, meta: Record<string, unknown> = {}, message = "failed") =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: "7", meta });
const adapterCause = (cause: Record<string, unknown>) => ({ driverAdapterError: { name: "DriverAdapterError", cause } });
const dbError = (code: string) => Object.assign(new pg.DatabaseError("server says no", 1, "error"), { code, severity: "FATAL" });

describe("storeUnavailableReason", () => {
  it("recognises Prisma's P1001 from a real refused connection, model and raw queries alike", async () => {
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: `postgresql://u:secret@127.0.0.1:${await closedPort()}/db`, connectionTimeoutMillis: 2_000 }),
    });
    const model = await caught(prisma.source.findMany());
    const raw = await caught(prisma.$queryRaw`SELECT 1`);
    await prisma.$disconnect();
    expect((model as { code?: string }).code).toBe("P1001");
    expect(storeUnavailableReason(model)).toMatch(/cannot be reached/);
    // $queryRaw reports P2010 with the adapter's cause: the cause decides.
    expect((raw as { code?: string }).code).toBe("P2010");
    expect(storeUnavailableReason(raw)).toMatch(/cannot be reached/);
  });

  it("recognises node-postgres' connect timeout and pg-pool's 'timeout exceeded when trying to connect'", async () => {
    const pool = new pg.Pool({ connectionString: `postgresql://u@127.0.0.1:${silentPort}/db`, max: 1, connectionTimeoutMillis: 300 });
    const first = caught(pool.connect());
    const second = await caught(pool.connect());
    expect(storeUnavailableReason(await first)).toMatch(/timed out/);
    expect((second as Error).message).toBe("timeout exceeded when trying to connect");
    expect(storeUnavailableReason(second)).toMatch(/no store connection became free/);
    await pool.end();
  });

  it("recognises a raw socket refusal (ECONNREFUSED), also inside an AggregateError", async () => {
    const client = new pg.Client({ connectionString: `postgresql://u@127.0.0.1:${await closedPort()}/db` });
    const err = await caught(client.connect());
    expect((err as { code?: string }).code).toBe("ECONNREFUSED");
    expect(storeUnavailableReason(err)).toMatch(/refused/);
    expect(storeUnavailableReason(new AggregateError([err], "connect failed"))).toMatch(/refused/);
    expect(storeUnavailableReason(new Error("wrapped", { cause: err }))).toMatch(/refused/);
  });

  it("recognises the connection codes Prisma and the adapter report", () => {
    for (const code of ["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]) expect(storeUnavailableReason(known(code)), code).not.toBeNull();
    expect(storeUnavailableReason(known("P2028", {}, "Transaction API error: Unable to start a transaction in the given time."))).not.toBeNull();
    for (const kind of ["DatabaseNotReachable", "SocketTimeout", "ConnectionClosed", "TooManyConnections"]) {
      expect(storeUnavailableReason(known("P2010", adapterCause({ kind }))), kind).not.toBeNull();
    }
    for (const originalCode of ["57P01", "57P03", "53300", "08006"]) {
      expect(storeUnavailableReason(known("P2039", adapterCause({ kind: "postgres", originalCode }))), originalCode).not.toBeNull();
      expect(storeUnavailableReason(dbError(originalCode)), originalCode).not.toBeNull();
    }
    for (const code of ["ECONNRESET", "ETIMEDOUT"])
      expect(storeUnavailableReason(Object.assign(new Error(code), { code, syscall: "read", errno: -1 }))).not.toBeNull();
  });

  it("leaves deterministic failures alone: they are bugs (500), not outages", () => {
    expect(storeUnavailableReason(new TypeError("Cannot read properties of undefined"))).toBeNull();
    expect(storeUnavailableReason(new Prisma.PrismaClientValidationError("Argument id is missing", { clientVersion: "7" }))).toBeNull();
    expect(storeUnavailableReason(known("P2002"))).toBeNull();
    expect(storeUnavailableReason(known("P2028", {}, "Transaction already closed: the timeout for this transaction was 5000 ms"))).toBeNull();
    expect(storeUnavailableReason(known("P2010", adapterCause({ kind: "postgres", originalCode: "22021" })))).toBeNull();
    expect(storeUnavailableReason(known("P2010", adapterCause({ kind: "ValueOutOfRange" })))).toBeNull();
    expect(storeUnavailableReason(dbError("22P02"))).toBeNull();
    // A word in a message is not a code: only pg's exact uncoded messages count.
    expect(storeUnavailableReason(new Error("user typed ECONNREFUSED timeout"))).toBeNull();
    expect(storeUnavailableReason({ code: "57P01" })).toBeNull();
    expect(storeUnavailableReason(null)).toBeNull();
  });
});
