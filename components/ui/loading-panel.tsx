"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { ApiError, describeError } from "@/components/data/fetch-json";

/** An error as an operator can act on it: what kind of failure (store down, forbidden, gone…), then the server's words. */
export function ErrorNotice({ error }: { error: Error }) {
  const { title, detail } = describeError(error);
  const status = error instanceof ApiError ? error.status : undefined;
  // A store that is down is expected to come back: amber, not red.
  const tone =
    status === 503 || status === 0
      ? "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
      : "border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200";
  return (
    <div role="alert" data-error-status={status} className={`rounded border p-3 text-sm ${tone}`}>
      <p className="font-medium">{title}</p>
      {detail && detail !== title && <p className="mt-1">{detail}</p>}
      {status === 401 && (
        <Link className="mt-1 inline-block underline" href="/sign-in">
          Sign in
        </Link>
      )}
    </div>
  );
}

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
  if (isLoading)
    return (
      <p className="py-8 text-center text-sm text-slate-500" role="status">
        Loading…
      </p>
    );
  if (error) return <ErrorNotice error={error} />;
  if (isEmpty) return <div className="py-8 text-center text-sm text-slate-500">{empty ?? "Nothing here yet."}</div>;
  return <>{children}</>;
}
