"use client";

import type { ReactNode } from "react";

/** loading → error → empty → content, so every panel degrades the same way. */
export function LoadingPanel({
  isLoading,
  error,
  isEmpty,
  empty,
  children,
}: {
  isLoading: boolean;
  error: Error | null;
  isEmpty?: boolean;
  empty?: ReactNode;
  children: ReactNode;
}) {
  if (isLoading) return <p className="py-8 text-center text-sm text-slate-500" role="status">Loading…</p>;
  if (error)
    return (
      <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        {error.message}
      </p>
    );
  if (isEmpty) return <div className="py-8 text-center text-sm text-slate-500">{empty ?? "Nothing here yet."}</div>;
  return <>{children}</>;
}
