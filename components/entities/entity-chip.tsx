import Link from "next/link";
import { entityHref } from "./entity-href";

/** A typed key (messageId=…, session_uuid=…); click to open everything that happened to it. */
export function EntityChip({ type, value, count, role }: { type: string; value: string | number; count?: number; role?: string | null }) {
  const v = String(value);
  return (
    <Link
      href={entityHref(type, v)}
      data-testid="entity-chip"
      title={`Timeline of ${type}=${v}`}
      className="inline-flex max-w-full items-center gap-1 rounded border border-sky-200 bg-sky-50 px-1.5 py-0.5 font-mono text-xs text-sky-900 hover:border-sky-400 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100"
    >
      <span className="text-sky-600 dark:text-sky-300">{type}</span>
      <span className="truncate">{v}</span>
      {role && <span className="text-slate-500">({role})</span>}
      {count !== undefined && <span className="rounded bg-sky-200 px-1 text-[10px] dark:bg-sky-800">{count}</span>}
    </Link>
  );
}

/** Each field of an idempotency key as a chip. */
export function KeyChips({ value }: { value: Record<string, unknown> }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      {Object.entries(value).map(([k, v]) =>
        typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? (
          <EntityChip key={k} type={k} value={String(v)} />
        ) : (
          <span key={k} className="font-mono text-xs">
            {k}={JSON.stringify(v)}
          </span>
        ),
      )}
    </span>
  );
}
