import type { ReactNode } from "react";

/** The dashboard's card: every bordered white (dark: slate) block. */
export const CARD = "rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900";

/** A titled card; `action` sits at the title's right (a link, a small control). */
export function Panel({ title, action, testId, children }: { title: string; action?: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <section className={`${CARD} min-w-0 p-4`} data-testid={testId} aria-label={title}>
      <div className="mb-3 flex items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}
