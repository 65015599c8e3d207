import "server-only";
import { randomUUID } from "node:crypto";
import { writeActionLog } from "../audit/write-action-log";
import { HttpError } from "../http/errors";
import { maskSecretsIn } from "../sources/secret-box";
import type { AlertDelivery, Prisma, PrismaClient } from "../store/generated/client";
import type { DestinationType } from "./alert-schemas";
import { GIVE_UP_AFTER_MS, retryDelayMs } from "./backoff";
import { openDestination } from "./destinations";
import { renderBody, type AlertMessage } from "./payloads";
import { postJson, type PostResult } from "./post-json";
import { signBody, SIGNATURE_HEADER } from "./signature";

export type DeliverOptions = {
  now?: () => Date;
  random?: () => number;
  timeoutMs?: number;
  maxResponseBytes?: number;
  batch?: number;
};

const DEFAULTS = { timeoutMs: 10_000, maxResponseBytes: 16_384, batch: 20 };
const RESPONSE_KEPT = 2_000;

/**
 * Claims due messages and sends them. The claim is one UPDATE over rows picked `FOR UPDATE SKIP
 * LOCKED`, so any number of instances can run this at once and never send a row twice at the
 * same time; a claim is a lease: a sender that dies mid-request leaves the row to be claimed
 * again once the lease ends, and the receiver sees the same idempotency key. A message waits for
 * the earlier ones of its subject to the same destination (a resolve never overtakes its trigger).
 */
export async function deliverDue(prisma: PrismaClient, o: DeliverOptions = {}, onlyId?: number): Promise<{ sent: number; failed: number }> {
  const now = (o.now ?? (() => new Date()))();
  const timeoutMs = o.timeoutMs ?? DEFAULTS.timeoutMs;
  const leaseUntil = new Date(now.getTime() + timeoutMs + 30_000);
  const only = onlyId ?? null;
  const claimed = await prisma.$queryRaw<AlertDelivery[]>`
    UPDATE "AlertDelivery" d SET status = 'sending', attempts = d.attempts + 1, "leaseUntil" = ${leaseUntil}
    WHERE d.id IN (
      SELECT x.id FROM "AlertDelivery" x
      WHERE ((x.status = 'pending' AND x."nextAttemptAt" <= ${now}) OR (x.status = 'sending' AND x."leaseUntil" < ${now}))
        AND (${only}::int IS NULL OR x.id = ${only}::int)
        AND NOT EXISTS (
          SELECT 1 FROM "AlertDelivery" y
          WHERE y."destinationId" = x."destinationId" AND y.subject = x.subject AND y.id < x.id AND y.status IN ('pending', 'sending'))
      ORDER BY x.id LIMIT ${o.batch ?? DEFAULTS.batch}
      FOR UPDATE SKIP LOCKED)
    RETURNING d.*`;
  let sent = 0;
  let failed = 0;
  await Promise.all(
    claimed.map(async (row) => {
      const ok = await sendOne(prisma, row, now, o);
      if (ok) sent++;
      else failed++;
    }),
  );
  return { sent, failed };
}

async function sendOne(prisma: PrismaClient, row: AlertDelivery, now: Date, o: DeliverOptions): Promise<boolean> {
  const dest = row.destinationId ? await prisma.alertDestination.findUnique({ where: { id: row.destinationId } }) : null;
  let result: PostResult;
  if (!dest) {
    result = { ok: false, status: null, response: null, error: "the destination was deleted", retryable: false };
  } else {
    try {
      const { url, secret } = openDestination(dest);
      const body = dest.type === "pagerduty" ? JSON.stringify({ routing_key: secret, ...(row.body as object) }) : JSON.stringify(row.body);
      const headers: Record<string, string> = {
        "idempotency-key": row.idempotencyKey,
        "x-lockboard-idempotency-key": row.idempotencyKey,
        "x-lockboard-event": row.event,
        "x-lockboard-delivery": String(row.id),
        "x-lockboard-attempt": String(row.attempts),
      };
      // Signed at send time: the timestamp is this attempt's, so a receiver can refuse an old copy.
      if (dest.type === "webhook" && secret) headers[SIGNATURE_HEADER] = signBody(secret, body, (o.now ?? (() => new Date()))().getTime());
      result = await postJson(url, body, {
        timeoutMs: o.timeoutMs ?? DEFAULTS.timeoutMs,
        maxResponseBytes: o.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
        headers,
      });
    } catch (err) {
      result = { ok: false, status: null, response: null, error: maskSecretsIn((err as Error).message), retryable: false };
    }
  }
  const response = result.response === null ? null : result.response.slice(0, RESPONSE_KEPT);
  const common = { lastStatus: result.status, response, leaseUntil: null };
  let data: Prisma.AlertDeliveryUpdateManyMutationInput;
  if (result.ok) data = { ...common, status: "delivered", sentAt: now, lastError: null };
  else {
    const giveUp = !result.retryable || now.getTime() - row.createdAt.getTime() >= GIVE_UP_AFTER_MS;
    data = giveUp
      ? { ...common, status: "failed", lastError: result.retryable ? `${result.error}; given up after ${row.attempts} attempts` : result.error }
      : { ...common, status: "pending", lastError: result.error, nextAttemptAt: new Date(now.getTime() + retryDelayMs(row.attempts, o.random)) };
  }
  // Only the holder of this claim records its outcome (a lease taken over later wins).
  await prisma.alertDelivery.updateMany({ where: { id: row.id, status: "sending", attempts: row.attempts }, data });
  return result.ok;
}

/**
 * The Settings page's "send test": a test message written to the outbox with its audit row, then
 * sent at once through the same path as any alert (signature, timeout, no redirects).
 */
export async function sendTestMessage(prisma: PrismaClient, actor: string, destinationId: number, o: DeliverOptions = {}): Promise<AlertDelivery> {
  const now = (o.now ?? (() => new Date()))();
  const row = await prisma.$transaction(async (tx) => {
    const dest = await tx.alertDestination.findUnique({ where: { id: destinationId } });
    if (!dest) throw new HttpError(404, "not_found", `no alert destination ${destinationId}`);
    const idempotencyKey = `lb-test-${dest.id}-${randomUUID()}`;
    const message: AlertMessage = {
      event: "test",
      idempotencyKey,
      rule: null,
      at: now.toISOString(),
      reason: `sent by ${actor} from Settings`,
      condition: {
        subject: `test:${dest.id}`,
        title: `Test message for ${dest.name}`,
        kind: "test",
        source: "lockboard",
        severity: "info",
        count: 1,
        firstSeen: now.toISOString(),
        lastSeen: now.toISOString(),
        url: null,
      },
    };
    const subject = `test:${dest.id}:${idempotencyKey}`;
    const created = await tx.alertDelivery.create({
      data: {
        destinationId: dest.id,
        destinationName: dest.name,
        subject,
        event: "test",
        idempotencyKey,
        body: renderBody(dest.type as DestinationType, message) as Prisma.InputJsonValue,
        nextAttemptAt: now,
        createdAt: now,
      },
    });
    // PagerDuty opens an incident for a test trigger: its resolve follows (the job sends it next, in order).
    if (dest.type === "pagerduty") {
      const key = `${idempotencyKey}-resolve`;
      const body = renderBody("pagerduty", { ...message, event: "resolve", idempotencyKey: key }) as Prisma.InputJsonValue;
      await tx.alertDelivery.create({
        data: { destinationId: dest.id, destinationName: dest.name, subject, event: "resolve", idempotencyKey: key, body, nextAttemptAt: now, createdAt: now },
      });
    }
    await writeActionLog(tx, {
      actor,
      action: "alert_destination.test",
      target: { destinationId: dest.id, name: dest.name, deliveryId: created.id },
      outcome: "queued",
    });
    return created;
  });
  await deliverDue(prisma, o, row.id);
  return (await prisma.alertDelivery.findUnique({ where: { id: row.id } }))!;
}

export type DeliveryRow = {
  id: number;
  createdAt: string;
  sentAt: string | null;
  ruleName: string | null;
  destinationName: string;
  subject: string;
  event: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  idempotencyKey: string;
  body: unknown;
  response: string | null;
};

export async function listDeliveries(prisma: PrismaClient, q: { limit?: number; destinationId?: number; ruleId?: number } = {}): Promise<DeliveryRow[]> {
  const rows = await prisma.alertDelivery.findMany({
    where: { destinationId: q.destinationId, ruleId: q.ruleId },
    orderBy: { id: "desc" },
    take: q.limit ?? 100,
  });
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
    ruleName: r.ruleName,
    destinationName: r.destinationName,
    subject: r.subject,
    event: r.event,
    status: r.status === "pending" && r.attempts > 0 ? "retrying" : r.status,
    attempts: r.attempts,
    lastStatus: r.lastStatus,
    lastError: r.lastError,
    nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
    idempotencyKey: r.idempotencyKey,
    body: r.body,
    response: r.response,
  }));
}
