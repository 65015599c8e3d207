"use client";

import { useState, type FormEvent } from "react";
import { useAddSource } from "@/components/data/sources-query";
import type { SourceKind } from "@/lib/sources/source-registry";
import { CARD } from "@/components/ui/panel";

const KINDS: { kind: SourceKind; label: string; placeholder: string }[] = [
  { kind: "postgres", label: "PostgreSQL", placeholder: "postgresql://monitor:password@db.internal:5432/app" },
  { kind: "mongodb", label: "MongoDB", placeholder: "mongodb://monitor:password@mongo.internal:27017/app" },
  { kind: "prometheus", label: "Prometheus", placeholder: "http://prometheus.internal:9090" },
  { kind: "log", label: "Log stream", placeholder: "(no URL)" },
];

/** Adds or updates a source; the URL goes to the server once and is never shown back. */
export function SourceForm() {
  const add = useAddSource();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<SourceKind>("postgres");
  const [url, setUrl] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    add.mutate(
      { name: name.trim(), kind, url: url.trim() || undefined },
      {
        onSuccess: (s) => {
          setSaved(`Saved ${s.name}${s.maskedUrl ? ` (${s.maskedUrl})` : ""}. The URL is stored encrypted.`);
          setUrl("");
          setName("");
        },
      },
    );
  };
  const k = KINDS.find((x) => x.kind === kind)!;
  return (
    <form onSubmit={submit} aria-label="Add a source" className={`${CARD} grid gap-3 p-4 text-sm sm:grid-cols-[1fr_10rem_2fr_auto] sm:items-end`}>
      <label className="grid gap-1">
        <span className="font-medium">Name</span>
        <input
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="app-db"
          className="rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950"
        />
      </label>
      <label className="grid gap-1">
        <span className="font-medium">Kind</span>
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value as SourceKind)}
          className="rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950"
        >
          {KINDS.map((x) => (
            <option key={x.kind} value={x.kind}>
              {x.label}
            </option>
          ))}
        </select>
      </label>
      <label className="grid gap-1">
        <span className="font-medium">Connection URL</span>
        <input
          type="password"
          autoComplete="off"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder={k.placeholder}
          disabled={kind === "log"}
          className="rounded border border-slate-300 px-2 py-1.5 font-mono dark:border-slate-700 dark:bg-slate-950"
        />
      </label>
      <button
        type="submit"
        disabled={add.isPending}
        className="rounded bg-slate-900 px-3 py-1.5 font-medium text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900"
      >
        {add.isPending ? "Saving…" : "Save source"}
      </button>
      {add.error && (
        <p role="alert" className="text-red-700 sm:col-span-4 dark:text-red-300">
          {add.error.message}
        </p>
      )}
      {saved && (
        <p role="status" className="text-emerald-700 sm:col-span-4 dark:text-emerald-300">
          {saved}
        </p>
      )}
      <p className="text-xs text-slate-500 sm:col-span-4">
        A PostgreSQL monitoring role needs <code>pg_monitor</code> to see other sessions&apos; queries and <code>pg_signal_backend</code> to release locks.
      </p>
    </form>
  );
}
