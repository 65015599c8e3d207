// Replay targets for the integration tests: a uniquely named PostgreSQL table or MongoDB
// collection with a unique key on messageId, registered as a Lockboard source.
import { randomBytes } from "node:crypto";
import { MongoClient } from "mongodb";
import pg from "pg";
import { upsertSource } from "@/lib/sources/source-registry";
import type { PrismaClient } from "@/lib/store/generated/client";

export type Message = { messageId: string; conversationId: string; text: string; sender: string };

export type ReplayTarget = {
  name: string;
  kind: "postgres" | "mongodb";
  namespace: string;
  sourceId: number;
  /** Records whose messageId starts with `prefix-`. */
  count(prefix: string): Promise<number>;
  distinctKeys(prefix: string): Promise<number>;
  get(messageId: string): Promise<Message | null>;
  insertDirect(m: Message): Promise<void>;
  teardown(): Promise<void>;
};

const suffix = () => `issue6_${randomBytes(4).toString("hex")}`;

export async function postgresTarget(prisma: PrismaClient, name: string, url: string): Promise<ReplayTarget> {
  const table = `replay_${suffix()}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query(
    `CREATE TABLE public.${table} (id bigserial PRIMARY KEY, "messageId" text NOT NULL UNIQUE, "conversationId" text, text text, sender text, "createdAt" timestamptz DEFAULT now())`,
  );
  const source = await upsertSource(prisma, { name: `${name}-${table}`, kind: "postgres", url, config: { replay: { namespaces: [`public.${table}`] } } });
  return {
    name,
    kind: "postgres",
    namespace: `public.${table}`,
    sourceId: source.id,
    count: async (p) => Number((await pool.query(`SELECT count(*) AS n FROM public.${table} WHERE "messageId" LIKE $1`, [`${p}-%`])).rows[0].n),
    distinctKeys: async (p) =>
      Number((await pool.query(`SELECT count(DISTINCT "messageId") AS n FROM public.${table} WHERE "messageId" LIKE $1`, [`${p}-%`])).rows[0].n),
    get: async (id) =>
      (await pool.query(`SELECT "messageId", "conversationId", text, sender FROM public.${table} WHERE "messageId" = $1`, [id])).rows[0] ?? null,
    insertDirect: async (m) => {
      await pool.query(`INSERT INTO public.${table} ("messageId", "conversationId", text, sender) VALUES ($1, $2, $3, $4)`, [
        m.messageId,
        m.conversationId,
        m.text,
        m.sender,
      ]);
    },
    teardown: async () => {
      await pool.query(`DROP TABLE IF EXISTS public.${table}`);
      await pool.end();
      await prisma.source.delete({ where: { id: source.id } });
    },
  };
}

export async function mongoTarget(prisma: PrismaClient, url: string): Promise<ReplayTarget> {
  const client = await new MongoClient(url).connect();
  const dbName = `lb_${suffix()}`;
  const coll = client.db(dbName).collection<Message>("messages");
  await coll.createIndex({ messageId: 1 }, { unique: true });
  const source = await upsertSource(prisma, { name: `mongo-${dbName}`, kind: "mongodb", url, config: { replay: { namespaces: [`${dbName}.messages`] } } });
  return {
    name: "mongo",
    kind: "mongodb",
    namespace: `${dbName}.messages`,
    sourceId: source.id,
    count: (p) => coll.countDocuments({ messageId: { $regex: `^${p}-` } }),
    distinctKeys: async (p) => (await coll.distinct("messageId", { messageId: { $regex: `^${p}-` } })).length,
    get: (id) => coll.findOne({ messageId: id }, { projection: { _id: 0, messageId: 1, conversationId: 1, text: 1, sender: 1 } }),
    insertDirect: async (m) => {
      await coll.insertOne({ ...m });
    },
    teardown: async () => {
      await client.db(dbName).dropDatabase();
      await client.close();
      await prisma.source.delete({ where: { id: source.id } });
    },
  };
}

export const message = (i: number, prefix = "m"): Message => ({ messageId: `${prefix}-${i}`, conversationId: "c-1", text: `hello ${i}`, sender: "user" });

/** A failed insert of `m` as an app would submit it (E11000 after a retry). */
export function failedInsert(t: ReplayTarget, m: Message, occurredAt = new Date()) {
  return {
    source: t.sourceId,
    namespace: t.namespace,
    operation: "insert" as const,
    key: { messageId: m.messageId },
    document: m,
    error: { message: `E11000 duplicate key error collection: ${t.namespace} index: messageId_1 dup key: { messageId: "${m.messageId}" }`, code: 11000 },
    occurredAt: occurredAt.toISOString(),
  };
}
