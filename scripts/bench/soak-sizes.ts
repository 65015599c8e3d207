// What the soak bench measures besides getEventStorage: the tables around the events, and each class alone.
import pg from "pg";

/** The largest tables that are not event partitions: what grows when events do not. */
export async function otherTables(databaseUrl: string, limit = 6): Promise<{ name: string; bytes: number }[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm') AND n.nspname = 'public' AND c.relname !~ '^(Event|EventEntity)_(signal|noise)'
       ORDER BY pg_total_relation_size(c.oid) DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
  } finally {
    await c.end();
  }
}

/** Bytes and rows of each class's partitions (both tables, indexes included): signal rows carry the links. */
export async function classSizes(databaseUrl: string): Promise<{ class: string; bytes: number; rows: number }[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const out = [];
    for (const cls of ["signal", "noise"]) {
      const { rows } = await c.query<{ bytes: string }>(
        `SELECT sum(pg_total_relation_size(relid))::text AS bytes FROM (
           SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf UNION ALL SELECT relid FROM pg_partition_tree($2::regclass) WHERE isleaf) t`,
        [`"Event_${cls}"`, `"EventEntity_${cls}"`],
      );
      const n = (await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Event_${cls}"`)).rows[0].n;
      out.push({ class: cls, bytes: Number(rows[0].bytes), rows: Number(n) });
    }
    return out;
  } finally {
    await c.end();
  }
}
