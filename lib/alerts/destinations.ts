import "server-only";
import { writeActionLog } from "../audit/write-action-log";
import { HttpError } from "../http/errors";
import { openSecret, sealSecret } from "../sources/secret-box";
import type { AlertDestination, Prisma, PrismaClient } from "../store/generated/client";
import { AlertDestinationInputSchema, PAGERDUTY_EVENTS_URL, type AlertDestinationInput, type DestinationType } from "./alert-schemas";

/** What may leave the server: the URL cut to its origin, the secret only as "set". */
export type PublicDestination = {
  id: number;
  name: string;
  type: DestinationType;
  maskedUrl: string;
  hasSecret: boolean;
  maskedSecret: string | null;
  origin: string;
  createdAt: string;
  updatedAt: string;
};

/**
 * A destination URL safe to show: scheme, host and port only. Unlike a database URL, the path is
 * the secret for Slack (hooks.slack.com/services/T…/B…/<token>) and often for webhooks.
 */
export function maskDestinationUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 || u.search ? "/•••" : "/"}`;
  } catch {
    return "•••";
  }
}

const openOrNote = (sealed: string) => {
  try {
    return openSecret(sealed);
  } catch (err) {
    return `(${(err as Error).message})`;
  }
};

export function toPublicDestination(d: AlertDestination): PublicDestination {
  return {
    id: d.id,
    name: d.name,
    type: d.type as DestinationType,
    maskedUrl: maskDestinationUrl(openOrNote(d.urlEncrypted)),
    hasSecret: d.secretEncrypted !== null,
    maskedSecret: d.secretEncrypted ? "••••••••" : null,
    origin: d.origin,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** The decrypted URL and secret, for the sender only. */
export function openDestination(d: AlertDestination): { url: string; secret: string | null } {
  return { url: openSecret(d.urlEncrypted), secret: d.secretEncrypted ? openSecret(d.secretEncrypted) : null };
}

const auditView = (p: PublicDestination) => ({ name: p.name, type: p.type, maskedUrl: p.maskedUrl, hasSecret: p.hasSecret });

type Tx = Prisma.TransactionClient;

/**
 * Creates (`id` absent) or changes a destination with its audit row in one transaction. On a
 * change, a URL or secret left out keeps the stored one; a secret of "" is not accepted (delete
 * and re-create to drop it), so a form that shows "••••" can never blank it by accident.
 */
export async function saveDestination(
  prisma: PrismaClient,
  actor: string,
  raw: AlertDestinationInput,
  id?: number,
  origin = "settings",
): Promise<PublicDestination> {
  const input = AlertDestinationInputSchema.parse(raw);
  return prisma.$transaction((tx) => writeDestination(tx, actor, input, id, origin));
}

export async function writeDestination(
  tx: Tx,
  actor: string,
  input: ReturnType<typeof AlertDestinationInputSchema.parse>,
  id: number | undefined,
  origin: string,
): Promise<PublicDestination> {
  const old =
    id !== undefined ? await tx.alertDestination.findUnique({ where: { id } }) : await tx.alertDestination.findUnique({ where: { name: input.name } });
  if (id !== undefined && !old) throw new HttpError(404, "not_found", `no alert destination ${id}`);
  if (id === undefined && old && origin === "settings") throw new HttpError(409, "conflict", `an alert destination named "${input.name}" exists already`);
  if (old && old.name !== input.name && (await tx.alertDestination.findUnique({ where: { name: input.name } })))
    throw new HttpError(409, "conflict", `an alert destination named "${input.name}" exists already`);
  const url = input.url ?? (old ? undefined : input.type === "pagerduty" ? PAGERDUTY_EVENTS_URL : undefined);
  if (!old && !url) throw new HttpError(400, "bad_request", `invalid field "url": a ${input.type} destination needs a url`);
  if (!old && input.type === "pagerduty" && !input.secret)
    throw new HttpError(400, "bad_request", 'invalid field "secret": a pagerduty destination needs its routing key');
  const data = {
    name: input.name,
    type: input.type,
    origin,
    ...(url ? { urlEncrypted: sealSecret(url) } : {}),
    ...(input.secret ? { secretEncrypted: sealSecret(input.secret) } : {}),
  };
  const before = old ? toPublicDestination(old) : null;
  if (old && before && origin !== "settings" && sameDestination(old, input)) return before;
  const row = old
    ? await tx.alertDestination.update({ where: { id: old.id }, data })
    : await tx.alertDestination.create({ data: { ...data, urlEncrypted: data.urlEncrypted! } });
  const saved = toPublicDestination(row);
  await writeActionLog(tx, {
    actor,
    action: old ? "alert_destination.update" : "alert_destination.create",
    target: { destinationId: row.id, ...auditView(saved), urlChanged: Boolean(old && input.url), secretChanged: Boolean(old && input.secret) },
    before: before ? auditView(before) : undefined,
    outcome: old ? "updated" : "created",
  });
  return saved;
}

// The file is read at every start: an unchanged entry writes nothing and audits nothing.
function sameDestination(old: AlertDestination, input: ReturnType<typeof AlertDestinationInputSchema.parse>): boolean {
  const open = openDestination(old);
  return old.type === input.type && (input.url === undefined || open.url === input.url) && (input.secret === undefined || open.secret === input.secret);
}

export async function deleteDestination(prisma: PrismaClient, actor: string, id: number): Promise<{ deleted: boolean }> {
  return prisma.$transaction(async (tx) => {
    const old = await tx.alertDestination.findUnique({ where: { id } });
    if (!old) throw new HttpError(404, "not_found", `no alert destination ${id}`);
    // Messages still waiting for it can no longer go: they end as failed, and say why.
    await tx.alertDelivery.updateMany({
      where: { destinationId: id, status: { in: ["pending", "sending"] } },
      data: { status: "failed", lastError: "the destination was deleted" },
    });
    await tx.alertDestination.delete({ where: { id } });
    await writeActionLog(tx, {
      actor,
      action: "alert_destination.delete",
      target: { destinationId: id, ...auditView(toPublicDestination(old)) },
      outcome: "deleted",
    });
    return { deleted: true };
  });
}

export async function listDestinations(prisma: PrismaClient): Promise<PublicDestination[]> {
  return (await prisma.alertDestination.findMany({ orderBy: { name: "asc" } })).map(toPublicDestination);
}
