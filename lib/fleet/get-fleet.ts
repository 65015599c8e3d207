import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { ALIVE_WITHIN_MS, getInstanceIdentity } from "./instance";

export const GetFleetQuerySchema = z
  .object({
    /** Also list instances that stopped or went silent within this many minutes (default 60). */
    goneWithinMinutes: z.coerce.number().int().min(0).max(10_080).default(60),
  })
  .strict();
export type GetFleetQuery = z.infer<typeof GetFleetQuerySchema>;

export type FleetInstance = {
  id: string;
  host: string;
  pid: number;
  address: string | null;
  version: string;
  jobs: boolean;
  startedAt: string;
  heartbeatAt: string;
  stoppedAt: string | null;
  /** alive: heartbeat fresh; stopped: stopped cleanly; silent: heartbeat aged (killed, hung, cut off). */
  state: "alive" | "stopped" | "silent";
  /** The instance that answered this request. */
  self: boolean;
  leases: number;
};

export type FleetLease = {
  job: string;
  subject: string;
  sourceId: number | null;
  owner: string;
  /** held: unexpired; lapsed: its holder stopped renewing and nobody took it yet. */
  state: "held" | "lapsed";
  token: string;
  acquiredAt: string;
  renewedAt: string;
  expiresAt: string;
  lastRunAt: string | null;
};

type InstanceRow = {
  id: string;
  host: string;
  pid: number;
  address: string | null;
  version: string;
  jobs: boolean;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
  alive: boolean;
};
type LeaseRow = {
  job: string;
  subject: string;
  sourceId: number | null;
  owner: string;
  token: bigint;
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
  lastRunAt: Date | null;
  held: boolean;
};

/** The dashboard instances on this store and who works what now (the Settings page). Ages are by the store's clock. */
export async function getFleet(prisma: PrismaClient, q: GetFleetQuery): Promise<{ instances: FleetInstance[]; leases: FleetLease[]; checkedAt: string }> {
  const [instances, leases, [{ now }]] = await Promise.all([
    prisma.$queryRaw<InstanceRow[]>`
      SELECT id, host, pid, address, version, jobs, "startedAt", "heartbeatAt", "stoppedAt",
             ("stoppedAt" IS NULL AND "heartbeatAt" > now() - (${ALIVE_WITHIN_MS}::int * interval '1 millisecond')) AS alive
      FROM "Instance"
      WHERE ("stoppedAt" IS NULL AND "heartbeatAt" > now() - (${ALIVE_WITHIN_MS}::int * interval '1 millisecond'))
         OR coalesce("stoppedAt", "heartbeatAt") > now() - (${q.goneWithinMinutes}::int * interval '1 minute')
      ORDER BY "startedAt", id`,
    prisma.$queryRaw<LeaseRow[]>`
      SELECT job, subject, "sourceId", owner, token, "acquiredAt", "renewedAt", "expiresAt", "lastRunAt", "expiresAt" > now() AS held
      FROM "JobLease" WHERE "expiresAt" > now() - interval '1 hour'
      ORDER BY job, subject`,
    prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`,
  ]);
  const me = getInstanceIdentity().id;
  const heldBy = new Map<string, number>();
  for (const l of leases) if (l.held) heldBy.set(l.owner, (heldBy.get(l.owner) ?? 0) + 1);
  return {
    instances: instances.map((i) => ({
      id: i.id,
      host: i.host,
      pid: i.pid,
      address: i.address,
      version: i.version,
      jobs: i.jobs,
      startedAt: i.startedAt.toISOString(),
      heartbeatAt: i.heartbeatAt.toISOString(),
      stoppedAt: i.stoppedAt?.toISOString() ?? null,
      state: i.alive ? "alive" : i.stoppedAt ? "stopped" : "silent",
      self: i.id === me,
      leases: heldBy.get(i.id) ?? 0,
    })),
    leases: leases.map((l) => ({
      job: l.job,
      subject: l.subject,
      sourceId: l.sourceId,
      owner: l.owner,
      state: l.held ? "held" : "lapsed",
      token: l.token.toString(),
      acquiredAt: l.acquiredAt.toISOString(),
      renewedAt: l.renewedAt.toISOString(),
      expiresAt: l.expiresAt.toISOString(),
      lastRunAt: l.lastRunAt?.toISOString() ?? null,
    })),
    checkedAt: new Date(now).toISOString(),
  };
}
