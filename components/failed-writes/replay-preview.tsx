"use client";

import type { PreviewOutcome, ReplayPreview } from "@/lib/replay/preview-replay";

const OUTCOMES: { key: PreviewOutcome; label: string; cls: string; hint: string }[] = [
  {
    key: "would_apply",
    label: "would apply",
    cls: "text-emerald-700 dark:text-emerald-300",
    hint: "the key is missing (or an upsert/update would set its fields)",
  },
  { key: "already_present", label: "already present", cls: "text-slate-700 dark:text-slate-300", hint: "the target holds exactly this write" },
  {
    key: "conflict",
    label: "conflict",
    cls: "text-amber-700 dark:text-amber-300",
    hint: "the target holds a different record under this key; it is left as is",
  },
  { key: "would_fail", label: "would fail", cls: "text-red-700 dark:text-red-300", hint: "an update with no record, or a target the source no longer accepts" },
  { key: "unreachable", label: "could not be checked", cls: "text-red-700 dark:text-red-300", hint: "the target did not answer; the replay would retry these" },
];

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** The dry run's answer: counts by outcome, how much was checked, and a sample of the conflicts. */
export function ReplayPreviewView({ preview }: { preview: ReplayPreview }) {
  const shown = OUTCOMES.filter((o) => o.key !== "unreachable" || preview.counts.unreachable > 0);
  return (
    <div className="rounded border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" data-testid="replay-preview">
      <p className="mb-2 text-xs text-slate-500">
        Dry run at {new Date(preview.checkedAt).toLocaleTimeString()}: read from the targets without writing (PostgreSQL in a read-only transaction).{" "}
        {preview.capped ? (
          <strong data-testid="preview-capped">
            Checked the first {preview.checked} of {preview.selected} writes (the limit is {preview.limit}); the rest were not read.
          </strong>
        ) : (
          <>Checked all {preview.checked} writes the replay would take up.</>
        )}
      </p>
      <dl className="flex flex-wrap gap-x-6 gap-y-1">
        {shown.map((o) => (
          <div key={o.key} title={o.hint}>
            <dt className="text-xs text-slate-500">{o.label}</dt>
            <dd className={`text-lg font-semibold ${o.cls}`} data-testid={`preview-${o.key}`}>
              {preview.counts[o.key]}
            </dd>
          </div>
        ))}
      </dl>
      {preview.conflicts.length > 0 && (
        <div className="mt-3 overflow-x-auto">
          <h4 className="text-xs font-medium uppercase tracking-wide text-slate-500">
            Conflicts{preview.counts.conflict > preview.conflicts.length ? ` (first ${preview.conflicts.length} of ${preview.counts.conflict})` : ""}: stored
            write against the target
          </h4>
          <table className="mt-1 w-full text-left text-xs" data-testid="preview-conflicts">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-3">Write</th>
                <th className="py-1 pr-3">Key</th>
                <th className="py-1 pr-3">Field</th>
                <th className="py-1 pr-3">Stored write</th>
                <th className="py-1">Target now</th>
              </tr>
            </thead>
            <tbody>
              {preview.conflicts.flatMap((c) =>
                c.diff.map((d, i) => (
                  <tr key={`${c.id}-${d.field}`} className="border-t border-slate-100 align-top dark:border-slate-800">
                    <td className="py-1 pr-3">
                      {i === 0 ? (
                        <a className="underline" href={`/failed-writes?id=${c.id}`}>
                          #{c.id}
                        </a>
                      ) : null}
                    </td>
                    <td className="py-1 pr-3 font-mono">{i === 0 ? show(c.key) : null}</td>
                    <td className="py-1 pr-3 font-mono">{d.field}</td>
                    <td className="max-w-64 break-all py-1 pr-3 font-mono text-emerald-700 dark:text-emerald-300">{show(d.expected)}</td>
                    <td className="max-w-64 break-all py-1 font-mono text-amber-700 dark:text-amber-300">
                      {show(d.actual)}
                      {i === c.diff.length - 1 && c.more ? ` (+${c.more} more fields)` : ""}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
      {preview.failures.length > 0 && (
        <ul className="mt-3 list-disc pl-5 text-xs text-red-700 dark:text-red-300" data-testid="preview-failures">
          {preview.failures.map((f) => (
            <li key={f.id}>
              <a className="underline" href={`/failed-writes?id=${f.id}`}>
                #{f.id}
              </a>{" "}
              {show(f.key)}: {f.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
