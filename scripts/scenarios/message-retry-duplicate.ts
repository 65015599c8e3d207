// Chat app (LibreChat-style): saving a reply calls an upstream model API; when that call fails
// after the message was saved, the retry path saves the same messageId again and MongoDB answers
// E11000 on the unique messageId index. The app logs it (winston JSON lines) and hands the failed
// save to Lockboard so it is not lost: in turn through its log line (the log source maps it,
// CHAT_LOG_FAILED_WRITE_MAPPING) and through the failed-writes API, so both ways are exercised.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { MongoClient, MongoServerError } from "mongodb";
import { appLog } from "./app-log";
import { assertLocal, sleep, type Scenario } from "./types";

/** A model API that fails every other call with a 502, the way an overloaded provider does. */
async function startUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    if (calls % 2 === 0) {
      res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "upstream model overloaded", type: "server_error" } }));
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ choices: [{ message: { content: `reply ${calls}` } }] }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/v1/chat/completions`, close: () => new Promise((r) => server.close(() => r())) };
}

/** config.failedWriteMapping of the chat app's log source: the E11000 line carries the failed save in `failedWrite`. */
export const CHAT_LOG_FAILED_WRITE_MAPPING = {
  when: "failedWrite",
  source: "failedWrite.source",
  namespace: "failedWrite.namespace",
  operation: "failedWrite.operation",
  key: { messageId: "failedWrite.key.messageId" },
  document: "failedWrite.document",
  error: "failedWrite.error",
  occurredAt: "failedWrite.occurredAt",
};

export const messageRetryDuplicate: Scenario = {
  name: "message-retry-duplicate",
  summary: "a reply is saved, the upstream model call fails, the retry saves the same messageId again (MongoDB E11000)",
  async run(ctx, opts) {
    assertLocal(ctx.mongoUrl);
    const dbName = String(opts.db ?? "LibreChat");
    const source = String(opts.source ?? "demo-mongo");
    const log = appLog(ctx.logDir, "message-retry-duplicate");
    const client = await new MongoClient(ctx.mongoUrl, { appName: "librechat-api", serverSelectionTimeoutMS: 3_000 }).connect();
    const existed = (await client.db(dbName).listCollections({ name: "messages" }).toArray()).length > 0;
    const messages = client.db(dbName).collection("messages");
    await messages.createIndex({ messageId: 1 }, { unique: true, name: "messageId_1" });
    const upstream = await startUpstream();
    const ids: string[] = [];
    let duplicates = 0;
    let handedOver = 0;
    let loggedForLockboard = 0;
    let replies = 0;
    try {
      while (!ctx.signal.aborted) {
        const messageId = randomUUID();
        const conversationId = randomUUID();
        const user = `student-${100 + (replies % 7)}`;
        ids.push(messageId);
        replies++;
        const reply = { messageId, conversationId, user, sender: "assistant", text: `Answer to question ${replies}`, createdAt: new Date().toISOString() };
        await messages.insertOne({ ...reply });
        const answer = await fetch(upstream.url, { method: "POST", body: "{}" });
        if (answer.ok) {
          await sleep(ctx.pace * 1000, ctx.signal);
          continue;
        }
        log.json("error", `upstream model API failed with ${answer.status}; retrying the reply`, { messageId, conversationId, user, status: answer.status });
        // The retry path regenerates every third reply, so its text differs from what was saved.
        const retried = replies % 3 === 0 ? { ...reply, text: `${reply.text} (regenerated)` } : reply;
        try {
          await messages.insertOne({ ...retried });
        } catch (err) {
          if (!(err instanceof MongoServerError) || err.code !== 11000) throw err;
          duplicates++;
          const error = { message: err.message, code: err.code, codeName: err.codeName };
          const write = {
            source,
            namespace: `${dbName}.messages`,
            operation: "insert",
            key: { messageId },
            document: retried,
            error,
            occurredAt: new Date().toISOString(),
          };
          // Odd failures travel in the log line (read by Lockboard's follower), even ones by the API.
          const byLog = duplicates % 2 === 1;
          if (byLog) loggedForLockboard++;
          log.json("error", err.message, {
            messageId,
            conversationId,
            user,
            code: err.code,
            stack: err.stack?.split("\n").slice(0, 3).join("\n"),
            ...(byLog ? { failedWrite: write } : {}),
          });
          if (ctx.lockboard && !byLog) {
            const res = await fetch(`${ctx.lockboard.url}/api/failed-writes`, {
              method: "POST",
              headers: { authorization: `Bearer ${ctx.lockboard.failedWritesToken}`, "content-type": "application/json" },
              body: JSON.stringify({ ...write, context: { conversationId, user, app: "librechat-api" } }),
            }).catch((e: Error) => ({ ok: false, status: 0, text: async () => e.message }));
            if (res.ok) handedOver++;
            else log.json("warn", `could not hand the failed save to Lockboard: ${res.status} ${await res.text()}`, { messageId });
          }
        }
        await sleep(ctx.pace * 1000, ctx.signal);
      }
    } finally {
      await upstream.close();
      await (existed ? messages.deleteMany({ messageId: { $in: ids } }) : messages.drop()).catch(() => {});
      await client.close();
    }
    ctx.log(
      `message-retry-duplicate: ${replies} replies, ${duplicates} E11000 on retry, ${handedOver} handed to Lockboard's API, ${loggedForLockboard} in its log`,
    );
    return { replies, duplicates, handedOver, loggedForLockboard };
  },
};
