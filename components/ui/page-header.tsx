import type { ReactNode } from "react";

export function PageHeader({ title, description, children }: { title: string; description?: string; children?: ReactNode }) {
  return (
    <div className="mb-6 flex items-start justify-between gap-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">{description}</p>}
      </div>
      {children}
    </div>
  );
}

/** What a page not built yet will show, in words an operator can use now. */
export function PlannedPanel({ items }: { items: string[] }) {
  return (
    <section className="rounded-lg border border-dashed border-slate-300 p-5 text-sm dark:border-slate-700">
      <h2 className="mb-2 font-medium">This page will show</h2>
      <ul className="list-disc space-y-1 pl-5 text-slate-600 dark:text-slate-400">
        {items.map((i) => (
          <li key={i}>{i}</li>
        ))}
      </ul>
    </section>
  );
}
