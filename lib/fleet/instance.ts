import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { LOCKBOARD_VERSION } from "../health/get-health";
import type { PrismaClient } from "../store/generated/client";
import type { FleetLoads } from "./fair-share";

/** How often at most a running instance says it is alive (more often with short job intervals, see heartbeatPeriodMs). */
export const HEARTBEAT_MS = 5_000;
/** The Settings page counts an instance silent after three missed beats of the longest period. */
export const ALIVE_WITHIN_MS = 3 * HEARTBEAT_MS;
/** Rows of instances gone longer than this are deleted (a restart is a new instance). */
const FORGET_AFTER_MS = 24 * 3_600_000;

export type InstanceIdentity = { id: string; host: string; pid: number; address: string | null; version: string };

// On globalThis: Next may load this module more than once in one process; the process is one instance.
const g = globalThis as unknown as { lockboardInstance?: InstanceIdentity };

/** This process as the fleet knows it: a new id per start, so a restarted process never inherits leases by name. */
export function getInstanceIdentity(env: Record<string, string | undefined> = process.env): InstanceIdentity {
  return (g.lockboardInstance ??= {
    id: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    host: hostname(),
    pid: process.pid,
    // Where it listens first: behind a load balancer every instance shares one public URL.
    address: env.LOCKBOARD_LISTEN_ADDRESS ?? (env.PORT ? `${env.HOSTNAME ?? "127.0.0.1"}:${env.PORT}` : (env.LOCKBOARD_PUBLIC_URL ?? null)),
    version: LOCKBOARD_VERSION,
  });
}

/** Writes or refreshes this instance's row (the heartbeat); the first call also drops instances long gone. */
export async function beatInstance(prisma: PrismaClient, me: InstanceIdentity, jobs: boolean): Promise<void> {
  const existing = await prisma.$executeRaw`
    UPDATE "Instance" SET "heartbeatAt" = now(), jobs = ${jobs}, "stoppedAt" = NULL WHERE id = ${me.id}`;
  if (existing > 0) return;
  await prisma.$executeRaw`
    INSERT INTO "Instance" (id, host, pid, address, version, jobs, "startedAt", "heartbeatAt")
    VALUES (${me.id}, ${me.host}, ${me.pid}, ${me.address}, ${me.version}, ${jobs}, now(), now())
    ON CONFLICT (id) DO UPDATE SET "heartbeatAt" = now(), "stoppedAt" = NULL`;
  await prisma.$executeRaw`
    DELETE FROM "Instance" WHERE "heartbeatAt" < now() - (${FORGET_AFTER_MS}::int * interval '1 millisecond')`;
}

/** A clean stop: the row says so at once, instead of waiting for the heartbeat to age. */
export async function markInstanceStopped(prisma: PrismaClient, me: InstanceIdentity): Promise<void> {
  await prisma.$executeRaw`UPDATE "Instance" SET "stoppedAt" = now() WHERE id = ${me.id}`;
}

/** Instances running jobs whose heartbeat is fresh (within `withinMs`), and their live leases per job. */
export async function listFleetLoads(prisma: PrismaClient, withinMs: number): Promise<FleetLoads> {
  const rows = await prisma.$queryRaw<{ id: string; job: string | null; n: number }[]>`
    SELECT i.id, l.job, count(l.name)::int AS n
    FROM "Instance" i LEFT JOIN "JobLease" l ON l.owner = i.id AND l."expiresAt" > now()
    WHERE i.jobs AND i."stoppedAt" IS NULL AND i."heartbeatAt" > now() - (${Math.round(withinMs)}::int * interval '1 millisecond')
    GROUP BY i.id, l.job`;
  const held = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (!held.has(r.id)) held.set(r.id, new Map());
    if (r.job) held.get(r.id)!.set(r.job, r.n);
  }
  return { alive: [...held.keys()], held };
}
