"use client";

import { useSources } from "@/components/data/sources-query";
import { DataTable } from "@/components/ui/data-table";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";

const STATUS_STYLE: Record<string, string> = { up: "text-emerald-700 dark:text-emerald-300", down: "text-red-700 dark:text-red-300" };

type Remembered = { summary?: unknown; fellBack?: unknown; at?: unknown };

/** A log source's lines as last read: the sniffer's summary (lib/ingest/store/remember-format.ts). */
function DetectedFormat({ config }: { config: Record<string, unknown> }) {
  const d = config.detectedFormat as Remembered | undefined;
  if (!d || typeof d.summary !== "string") return null;
  return (
    <div data-testid="source-format" className={`text-xs ${d.fellBack ? "text-amber-700 dark:text-amber-300" : "text-slate-500 dark:text-slate-400"}`}>
      read as {d.summary}
      {d.fellBack === true && " — nothing better recognised (see npm run ingest for a --prefix to try)"}
    </div>
  );
}

export function SourcesTable() {
  const { data, isLoading, error } = useSources();
  const items = data ?? [];
  return (
    <LoadingPanel isLoading={isLoading} error={error} isEmpty={items.length === 0} empty="No sources yet.">
      <DataTable columns={["Name", "Kind", "URL (masked)", "Health", "Checked"]}>
        {items.map((s) => (
          <tr key={s.id} data-testid="source-row" className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800">
            <td className="px-3 py-2 font-medium">
              {s.name}
              {s.demo && <span className="ml-1 rounded bg-slate-200 px-1 text-xs dark:bg-slate-700">demo</span>}
            </td>
            <td className="px-3 py-2">
              {s.kind}
              <DetectedFormat config={s.config} />
            </td>
            <td className="px-3 py-2 font-mono text-xs">{s.maskedUrl ?? "—"}</td>
            <td className={`px-3 py-2 ${STATUS_STYLE[s.healthStatus] ?? ""}`}>
              {s.healthStatus}
              {s.healthError && <div className="text-xs">{s.healthError}</div>}
            </td>
            <td className="px-3 py-2">{s.lastCheckedAt ? <TimeAgo iso={s.lastCheckedAt} /> : "—"}</td>
          </tr>
        ))}
      </DataTable>
    </LoadingPanel>
  );
}
