import type { MetricPanel } from "@/lib/capacity/get-capacity-overview";

type PgData = {
  byState?: Record<string, number>;
  byOrigin?: { database: string | null; user: string | null; application: string; n: number }[];
  oldestIdleInTransaction?: { application: string; user: string | null; age_s: number }[];
};
type MongoData = { available?: number; totalCreated?: number; active?: number | null; ops?: { count: number; longestMs: number; waitingForLock: number } };
type FdData = { sockets?: number; files?: number; pipes?: number; pid?: number; command?: string; hardLimit?: number | null };

const Row = ({ k, v }: { k: string; v: React.ReactNode }) => (
  <div className="flex justify-between gap-3">
    <dt className="min-w-0 break-all text-slate-500">{k}</dt>
    <dd className="tabular-nums">{v}</dd>
  </div>
);

/** The breakdown an operator needs to act: who holds the connections, what kind of fds. */
export function MetricDetail({ metric }: { metric: MetricPanel }) {
  const d = metric.data;
  if (metric.metric === "pg_connections") {
    const p = d as PgData;
    return (
      <dl className="w-full shrink-0 space-y-0.5 text-xs md:w-64">
        {Object.entries(p.byState ?? {}).map(([k, v]) => (
          <Row key={k} k={k.replace(/([A-Z])/g, " $1").toLowerCase()} v={v} />
        ))}
        {p.oldestIdleInTransaction?.[0] && (
          <Row k="oldest idle in tx" v={`${p.oldestIdleInTransaction[0].age_s}s (${p.oldestIdleInTransaction[0].application || "?"})`} />
        )}
        {(p.byOrigin ?? []).slice(0, 4).map((o) => (
          <Row key={`${o.database}-${o.user}-${o.application}`} k={`${o.user ?? "?"}@${o.database ?? "?"} ${o.application || ""}`} v={o.n} />
        ))}
      </dl>
    );
  }
  if (metric.metric === "mongo_connections") {
    const m = d as MongoData;
    return (
      <dl className="w-full shrink-0 space-y-0.5 text-xs md:w-64">
        <Row k="available" v={m.available} />
        <Row k="total created" v={m.totalCreated} />
        {m.active !== null && m.active !== undefined && <Row k="active" v={m.active} />}
        <Row k="operations in flight" v={m.ops?.count ?? 0} />
        <Row k="longest running" v={`${Math.round(m.ops?.longestMs ?? 0)} ms`} />
        <Row k="waiting for a lock" v={m.ops?.waitingForLock ?? 0} />
      </dl>
    );
  }
  const f = d as FdData;
  return (
    <dl className="w-full shrink-0 space-y-0.5 text-xs md:w-64">
      {f.pid !== undefined && <Row k="process" v={`${f.command ?? ""} (${f.pid})`} />}
      {f.sockets !== undefined && <Row k="sockets" v={f.sockets} />}
      {f.files !== undefined && <Row k="files" v={f.files} />}
      {f.pipes !== undefined && <Row k="pipes" v={f.pipes} />}
      {f.hardLimit ? <Row k="hard limit" v={f.hardLimit} /> : null}
    </dl>
  );
}
