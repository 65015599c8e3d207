import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";
import type { EntitySearchQuery } from "./entity-query";

export type EntityHit = { type: string; value: string; firstSeen: string; lastSeen: string };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Entities whose key starts with `q` (any type, or one). `value LIKE 'q%'` uses Entity(value) /
 * Entity(type, value) on a C-collated store (the embedded one is initdb --locale=C).
 * `type:prefix` (e.g. `messageId:abc`) narrows to a type.
 */
export async function searchEntities(prisma: PrismaClient, q: EntitySearchQuery): Promise<EntityHit[]> {
  let type = q.type;
  let prefix = q.q;
  const typed = !type ? /^([\w.$-]{1,64})[:=](.+)$/.exec(q.q) : null;
  if (typed) {
    const known = await prisma.entity.findFirst({ where: { type: typed[1] }, select: { id: true } });
    if (known) [type, prefix] = [typed[1], typed[2]];
  }
  const rows = await prisma.$queryRaw<{ type: string; value: string; firstSeen: Date; lastSeen: Date }[]>`
    SELECT type, value, "firstSeen", "lastSeen" FROM "Entity"
    WHERE value LIKE ${`${escapeLike(prefix)}%`} ${type ? Prisma.sql`AND type = ${type}` : Prisma.empty}
    ORDER BY value, type
    LIMIT ${q.limit}`;
  return rows.map((r) => ({ type: r.type, value: r.value, firstSeen: r.firstSeen.toISOString(), lastSeen: r.lastSeen.toISOString() }));
}
