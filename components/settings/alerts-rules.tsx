"use client";

import { useState, type FormEvent } from "react";
import { useAlertsAction } from "@/components/data/alerts-query";
import { ALERT_SEVERITIES, ALERT_TRIGGERS, ALERT_TRIGGER_NAMES, type AlertTrigger } from "@/lib/alerts/alert-schemas";
import type { PublicDestination } from "@/lib/alerts/destinations";
import type { PublicRule } from "@/lib/alerts/rules";
import { button, input, ORIGIN } from "./alerts-destinations";
import { SettingsTable } from "@/components/settings/settings-table";

const PARAM_FIELDS: Record<AlertTrigger, { name: string; label: string; placeholder: string }[]> = {
  new_incident: [],
  regression: [],
  rate: [
    { name: "perMinute", label: "events/min over", placeholder: "e.g. 50" },
    { name: "minutes", label: "for minutes", placeholder: "e.g. 5" },
  ],
  capacity: [],
  stuck_lock: [{ name: "seconds", label: "stuck longer than (s)", placeholder: "e.g. 60" }],
  replay_failed: [],
  source_down: [{ name: "minutes", label: "unreachable for (min)", placeholder: "e.g. 5" }],
};

const words = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/[\s,]+/)
    .filter(Boolean);

function describeParams(r: PublicRule): string {
  const p = r.params as Record<string, unknown>;
  if (r.trigger === "rate") return `> ${p.perMinute}/min for ${p.minutes} min`;
  if (r.trigger === "capacity") return `at ${p.level}`;
  if (r.trigger === "stuck_lock") return `> ${p.seconds} s`;
  if (r.trigger === "source_down") return `≥ ${p.minutes} min`;
  return "";
}

const describeFilter = (r: PublicRule) =>
  [
    r.filter.kinds.length && `kind ${r.filter.kinds.join(", ")}`,
    r.filter.sources.length && `source ${r.filter.sources.join(", ")}`,
    r.filter.severities.length && `severity ${r.filter.severities.join(", ")}`,
  ]
    .filter(Boolean)
    .join("; ") || "everything";

/** The body PUT takes: the rule as the API shows it, minus what only the server sets. */
const editable = (r: PublicRule) => ({
  name: r.name,
  trigger: r.trigger,
  params: r.params,
  filter: r.filter,
  destinations: r.destinations,
  reminderMinutes: r.reminderMinutes,
  paused: r.paused,
});

export function AlertRules({ rules, destinations }: { rules: PublicRule[]; destinations: PublicDestination[] }) {
  const [trigger, setTrigger] = useState<AlertTrigger>("new_incident");
  // A rule being changed: the form fills with it and saves over it.
  const [editing, setEditing] = useState<PublicRule | null>(null);
  const create = useAlertsAction((b: unknown) =>
    editing ? { method: "PUT", url: `/api/alerts/rules/${editing.id}`, body: b } : { method: "POST", url: "/api/alerts/rules", body: b },
  );
  const update = useAlertsAction((r: PublicRule) => ({ method: "PUT", url: `/api/alerts/rules/${r.id}`, body: editable(r) }));
  const remove = useAlertsAction((id: number) => ({ method: "DELETE", url: `/api/alerts/rules/${id}` }));

  const param = (name: string) => (editing && editing.trigger === trigger ? (editing.params[name] as string | number | undefined) : undefined);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const params: Record<string, unknown> = {};
    for (const p of PARAM_FIELDS[trigger]) params[p.name] = Number(f.get(p.name));
    if (trigger === "capacity") params.level = String(f.get("level"));
    create.mutate(
      {
        name: String(f.get("name")),
        trigger,
        params,
        filter: { kinds: words(f.get("kinds")), sources: words(f.get("sources")), severities: f.getAll("severities").map(String) },
        destinations: f.getAll("destinations").map(String),
        reminderMinutes: Number(f.get("reminderMinutes") || 0),
        paused: editing?.paused ?? false,
      },
      { onSuccess: () => (form.reset(), setEditing(null)) },
    );
  };

  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold">Rules</h3>
      {rules.length === 0 ? (
        <p className="mb-3 text-sm text-slate-500">No rules yet.</p>
      ) : (
        <SettingsTable columns={["Name", "When", "Filter", "To", "Reminder", "State", ""]}>
          {rules.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 dark:border-slate-800" data-testid="alert-rule-row">
              <td className="py-1">
                {r.name}
                {r.origin !== "settings" && <span className="ml-1 text-xs text-slate-500">({ORIGIN[r.origin] ?? r.origin})</span>}
              </td>
              <td title={ALERT_TRIGGERS[r.trigger]}>
                {r.trigger} {describeParams(r)}
              </td>
              <td>{describeFilter(r)}</td>
              <td>{r.destinations.join(", ")}</td>
              <td>{r.reminderMinutes ? `every ${r.reminderMinutes} min` : "none"}</td>
              <td data-testid="alert-rule-state">{r.paused ? <span className="text-amber-700">paused</span> : "active"}</td>
              <td className="whitespace-nowrap text-right">
                <button className="rounded px-2 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800" onClick={() => update.mutate({ ...r, paused: !r.paused })}>
                  {r.paused ? "Resume" : "Pause"}
                </button>
                <button className="rounded px-2 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800" onClick={() => (setEditing(r), setTrigger(r.trigger))}>
                  Edit
                </button>
                <button
                  className="rounded px-2 py-0.5 text-red-700 hover:bg-red-50 dark:hover:bg-red-950"
                  onClick={() => confirm(`Delete the rule ${r.name}?`) && remove.mutate(r.id)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
      <form key={editing?.id ?? "new"} onSubmit={submit} className="flex flex-col gap-2" aria-label={editing ? `Change rule ${editing.name}` : "New rule"}>
        <div className="flex flex-wrap items-end gap-2">
          <input name="name" required defaultValue={editing?.name} placeholder="e.g. page on new incidents" aria-label="Rule name" className={input} />
          <select aria-label="Rule trigger" className={input} value={trigger} onChange={(e) => setTrigger(e.target.value as AlertTrigger)}>
            {ALERT_TRIGGER_NAMES.map((t) => (
              <option key={t} value={t}>
                {ALERT_TRIGGERS[t]}
              </option>
            ))}
          </select>
          {PARAM_FIELDS[trigger].map((p) => (
            <label key={`${trigger}-${p.name}`} className="flex items-center gap-1 text-sm">
              {p.label}
              <input
                name={p.name}
                type="number"
                min={1}
                required
                defaultValue={param(p.name)}
                placeholder={p.placeholder}
                aria-label={p.label}
                className={`${input} w-24`}
              />
            </label>
          ))}
          {trigger === "capacity" && (
            <select name="level" aria-label="Capacity level" className={input} defaultValue={param("level") ?? "warn"}>
              <option value="warn">warn or critical</option>
              <option value="critical">critical only</option>
            </select>
          )}
          <label className="flex items-center gap-1 text-sm">
            remind every (min, 0: never)
            <input
              name="reminderMinutes"
              type="number"
              min={0}
              defaultValue={editing?.reminderMinutes ?? 60}
              aria-label="Reminder minutes"
              className={`${input} w-20`}
            />
          </label>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <input
            name="kinds"
            defaultValue={editing?.filter.kinds.join(", ")}
            placeholder="kinds, e.g. duplicate_key (empty: all)"
            aria-label="Filter kinds"
            className={`${input} w-64`}
          />
          <input
            name="sources"
            defaultValue={editing?.filter.sources.join(", ")}
            placeholder="sources (empty: all)"
            aria-label="Filter sources"
            className={`${input} w-56`}
          />
          <span className="text-sm">severity:</span>
          {ALERT_SEVERITIES.map((s) => (
            <label key={s} className="flex items-center gap-1 text-sm">
              <input type="checkbox" name="severities" value={s} defaultChecked={editing?.filter.severities.includes(s)} />
              {s}
            </label>
          ))}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <span className="text-sm">send to:</span>
          {destinations.length === 0 && <span className="text-sm text-slate-500">add a destination first</span>}
          {destinations.map((d) => (
            <label key={d.id} className="flex items-center gap-1 text-sm">
              <input
                type="checkbox"
                name="destinations"
                value={d.name}
                defaultChecked={editing?.destinations.includes(d.name)}
                aria-label={`Send to ${d.name}`}
              />
              {d.name}
            </label>
          ))}
          <button className={button} disabled={create.isPending || destinations.length === 0}>
            {editing ? "Save rule" : "Add rule"}
          </button>
          {editing && (
            <button type="button" className="text-sm underline" onClick={() => setEditing(null)}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {(create.error || update.error || remove.error) && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {(create.error ?? update.error ?? remove.error)!.message}
        </p>
      )}
    </div>
  );
}
