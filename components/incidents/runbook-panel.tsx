"use client";

import Link from "next/link";
import { useState } from "react";
import { useIncidentRunbook, type IncidentRunbook } from "@/components/data/runbook-query";
import { LoadingPanel } from "@/components/ui/loading-panel";

type Block = NonNullable<IncidentRunbook["steps"][number]["blocks"]>[number];

const ENGINE_LABEL = { postgres: "PostgreSQL", mongodb: "MongoDB" } as const;
const PRE = "overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs leading-5 dark:bg-slate-800";

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="rounded border border-slate-300 px-1.5 text-xs text-slate-600 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800"
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(
          () => setDone(true),
          () => setDone(false),
        )
      }
    >
      {done ? "Copied" : "Copy"}
    </button>
  );
}

function BlockView({ block }: { block: Block }) {
  if (block.type === "diff") {
    const after = block.lines
      .filter((l) => l.op !== "-")
      .map((l) => l.text)
      .join("\n");
    return (
      <figure className="mt-1" data-testid="runbook-diff">
        <figcaption className="mb-0.5 flex items-center justify-between text-xs text-slate-500">
          {block.title}
          <CopyButton text={after} />
        </figcaption>
        <pre className={PRE}>
          {block.lines.map((l, i) => (
            <div
              key={i}
              data-op={l.op === "+" ? "added" : l.op === "-" ? "removed" : "same"}
              className={
                l.op === "+"
                  ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"
                  : l.op === "-"
                    ? "bg-red-100 text-red-900 line-through decoration-red-400/60 dark:bg-red-950 dark:text-red-200"
                    : ""
              }
            >
              <span aria-hidden className="select-none pr-2 text-slate-400">
                {l.op}
              </span>
              <span className="sr-only">{l.op === "+" ? "added: " : l.op === "-" ? "removed: " : ""}</span>
              {l.text}
            </div>
          ))}
        </pre>
      </figure>
    );
  }
  return (
    <figure className="mt-1" data-testid="runbook-code" data-lang={block.lang}>
      <figcaption className="mb-0.5 flex items-center justify-between text-xs text-slate-500">
        {block.title ?? ""}
        <CopyButton text={block.text} />
      </figcaption>
      <pre className={PRE}>{block.text}</pre>
    </figure>
  );
}

/** The incident's own runbook: what was read (with where from), what is missing, then the steps with their rewrites. */
export function RunbookPanel({ id }: { id: number }) {
  const { data, isLoading, error } = useIncidentRunbook(id);
  return (
    <LoadingPanel isLoading={isLoading} error={error}>
      {data && (
        <div className="space-y-3 text-sm" data-testid="runbook" data-engine={data.engine ?? "none"}>
          <div>
            <h3 className="font-medium" data-testid="runbook-title">
              {data.title}
              {data.engine && (
                <span className="ml-2 rounded bg-slate-100 px-1.5 text-xs font-normal text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                  {ENGINE_LABEL[data.engine]}
                </span>
              )}
            </h3>
            <p className="text-slate-600 dark:text-slate-400">{data.summary}</p>
          </div>
          {data.facts.length > 0 && (
            <dl className="grid grid-cols-[minmax(7rem,max-content)_1fr] gap-x-3 gap-y-1 text-xs" data-testid="runbook-facts">
              {data.facts.map((f, i) => (
                <div key={i} className="contents" data-testid="runbook-fact" data-label={f.label}>
                  <dt className="text-slate-500">{f.label}</dt>
                  <dd className="min-w-0">
                    <code className="break-all font-mono text-slate-900 dark:text-slate-100">{f.value}</code>
                    <span className="ml-2 text-slate-400">from {f.from}</span>
                  </dd>
                </div>
              ))}
            </dl>
          )}
          {data.gaps.map((g) => (
            <p
              key={g}
              data-testid="runbook-gap"
              className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
            >
              {g}
            </p>
          ))}
          <ol className="list-decimal space-y-2 pl-5">
            {data.steps.map((s, i) => (
              <li key={i} data-testid="runbook-step">
                {s.text}
                {s.link && (
                  <>
                    {" "}
                    <Link className="underline" href={s.link.href}>
                      {s.link.label}
                    </Link>
                  </>
                )}
                {s.blocks?.map((b, j) => (
                  <BlockView key={j} block={b} />
                ))}
              </li>
            ))}
          </ol>
        </div>
      )}
    </LoadingPanel>
  );
}
