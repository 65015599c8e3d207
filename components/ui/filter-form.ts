// What the filter bars (incidents, failed writes) and their pages share. No "use client": the
// pages read their filters on the server.

export const FILTER_INPUT = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

const TIME_FIELDS = new Set(["from", "to"]);
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * An ISO instant as a datetime-local input shows it: the operator's local time, to the minute.
 * (A UTC slice of the ISO string would be read back as local time, moving the filter by the
 * time-zone offset at every apply.)
 */
export function toLocalInput(iso?: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A filter form's fields as URL values: empty ones dropped, from/to (local time) as ISO instants. */
export function formFilters(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form).entries()) {
    const s = String(v).trim();
    if (!s) continue;
    const t = TIME_FIELDS.has(k) ? new Date(s) : null;
    out[k] = t ? (Number.isNaN(t.getTime()) ? s : t.toISOString()) : s;
  }
  return out;
}

/** The filters a page's URL holds, of the keys the page knows. */
export function pickFilters<K extends string>(sp: Record<string, string | string[] | undefined>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = sp[k];
    if (typeof v === "string" && v) out[k] = v;
  }
  return out;
}
