"use client";

import { REPLAY_REASON_MIN } from "@/lib/replay/replay-reason";

/** The reason every replay needs (kept in its run and audit rows), as lock actions ask for one. */
export function ReplayReasonInput({ value, onChange, placeholder }: { value: string; onChange: (v: string) => void; placeholder: string }) {
  return (
    <label className="flex min-w-64 flex-1 flex-col gap-1 text-xs text-slate-600 dark:text-slate-300">
      Reason (kept in the audit log)
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        minLength={REPLAY_REASON_MIN}
        maxLength={500}
        placeholder={placeholder}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      />
    </label>
  );
}
