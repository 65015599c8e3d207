import Link from "next/link";
import { CapacityPanels } from "@/components/capacity/capacity-panels";
import { PageHeader } from "@/components/ui/page-header";

const RANGES = ["15m", "1h", "6h", "24h"] as const;

export default async function CapacityPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const range = RANGES.find((r) => r === sp.range) ?? "1h";
  return (
    <>
      <PageHeader
        title="Capacity"
        description="How close each source is to its connection and file-descriptor limits, how that changed, and when it runs out at the current rate."
      >
        <nav aria-label="Time range" className="flex gap-1 text-sm">
          {RANGES.map((r) => (
            <Link
              key={r}
              href={{ query: { ...(sp.at ? { at: sp.at } : {}), range: r } }}
              aria-current={r === range ? "true" : undefined}
              className={`rounded px-2 py-1 ${r === range ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
            >
              {r}
            </Link>
          ))}
        </nav>
      </PageHeader>
      {sp.at && <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">Showing the window around {new Date(sp.at).toLocaleString()}. <Link className="underline" href={{ query: { range } }}>Back to live</Link></p>}
      <CapacityPanels filters={{ range, at: sp.at }} />
    </>
  );
}
