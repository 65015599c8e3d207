import { headers } from "next/headers";
import Link from "next/link";
import { CapacityPanels } from "@/components/capacity/capacity-panels";
import { PageHeader } from "@/components/ui/page-header";
import { RangePicker } from "@/components/ui/range-picker";
import { getActor } from "@/lib/auth/require-actor";
import { CapacityQuerySchema, getCapacityOverview, type CapacityOverview } from "@/lib/capacity/get-capacity-overview";
import { getPrisma } from "@/lib/store/prisma";
import { CAPACITY_RANGES, DEFAULT_CAPACITY_RANGE, rangeOr } from "@/lib/vocabulary/time-ranges";

export default async function CapacityPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const range = rangeOr(CAPACITY_RANGES, sp.range, DEFAULT_CAPACITY_RANGE);
  // Rendered with the first answer in the HTML: no wait for the scripts, hydration and a fetch
  // before anything shows (the client then refreshes it every 5 s). Any failure falls back to the
  // client's fetch, which shows the error as the API gives it.
  // The session check and the query run side by side; the answer is used only for a signed-in
  // reader (any role may read Capacity; the proxy already turned away anyone without a session).
  const custom = sp.from && sp.to ? { from: sp.from, to: sp.to } : {};
  const parsed = CapacityQuerySchema.safeParse({ range, at: sp.at, ...custom });
  const [actor, overview] = parsed.success
    ? await Promise.all([getActor(await headers()).catch(() => null), getCapacityOverview(getPrisma(), parsed.data).catch(() => undefined)])
    : [null, undefined];
  const initial: CapacityOverview | undefined = actor ? overview : undefined;
  return (
    <>
      <PageHeader
        title="Capacity"
        description="How close each source is to its connection and file-descriptor limits, how that changed, and when it runs out at the current rate."
      >
        <RangePicker
          label="Time range"
          className="text-sm"
          ranges={CAPACITY_RANGES}
          current={custom.from ? null : range}
          hrefOf={(r) => ({ query: { ...(sp.at ? { at: sp.at } : {}), range: r } })}
        />
      </PageHeader>
      {sp.at && !custom.from && (
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Showing the window around {new Date(sp.at).toLocaleString()}.{" "}
          <Link className="underline" href={{ query: { range } }}>
            Back to live
          </Link>
        </p>
      )}
      {custom.from && (
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400" data-testid="zoom-window">
          Zoomed to {new Date(custom.from).toLocaleString()} – {new Date(custom.to).toLocaleString()}.{" "}
          <Link className="underline" href={{ query: { ...(sp.at ? { at: sp.at } : {}), range } }}>
            Zoom out
          </Link>
        </p>
      )}
      <CapacityPanels filters={{ range, at: sp.at, ...custom }} initial={initial} />
    </>
  );
}
