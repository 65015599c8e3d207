"use client";

import { useState, type FormEvent } from "react";
import { useAlertsAction } from "@/components/data/alerts-query";
import type { DeliveryRow } from "@/lib/alerts/deliver";
import type { PublicDestination } from "@/lib/alerts/destinations";
import { SettingsTable } from "@/components/settings/settings-table";

export const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
export const button = "rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900";

export const ORIGIN: Record<string, string> = { settings: "Settings", file: "LOCKBOARD_ALERTS_FILE", demo: "the demo" };
const SECRET_LABEL: Record<string, string> = { webhook: "signing secret (optional)", slack: "(none)", pagerduty: "routing key" };

export function AlertDestinations({ destinations }: { destinations: PublicDestination[] }) {
  const [type, setType] = useState("webhook");
  // A destination being changed: the form fills with it; a URL or secret left blank keeps the stored one.
  const [editing, setEditing] = useState<PublicDestination | null>(null);
  const [tested, setTested] = useState<Record<number, string>>({});
  const create = useAlertsAction((b: Record<string, string>) =>
    editing ? { method: "PUT", url: `/api/alerts/destinations/${editing.id}`, body: b } : { method: "POST", url: "/api/alerts/destinations", body: b },
  );
  const remove = useAlertsAction((id: number) => ({ method: "DELETE", url: `/api/alerts/destinations/${id}` }));
  const test = useAlertsAction<number, { delivery: DeliveryRow }>((id) => ({ method: "POST", url: `/api/alerts/destinations/${id}/test` }));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const body: Record<string, string> = { name: String(f.get("name")), type };
    for (const k of ["url", "secret"]) if (String(f.get(k) ?? "").trim()) body[k] = String(f.get(k)).trim();
    create.mutate(body, { onSuccess: () => (form.reset(), setEditing(null)) });
  };
  const runTest = (id: number) =>
    test.mutate(id, {
      onSuccess: ({ delivery: d }) =>
        setTested((t) => ({ ...t, [id]: d ? `${d.status}${d.lastStatus ? ` (${d.lastStatus})` : ""}${d.lastError ? `: ${d.lastError}` : ""}` : "sent" })),
      onError: (err) => setTested((t) => ({ ...t, [id]: err.message })),
    });

  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold">Destinations</h3>
      {destinations.length === 0 ? (
        <p className="mb-3 text-sm text-slate-500">No destinations yet.</p>
      ) : (
        <SettingsTable columns={["Name", "Type", "URL", "Secret", "From", ""]}>
          {destinations.map((d) => (
            <tr key={d.id} className="border-t border-slate-100 dark:border-slate-800" data-testid="alert-destination-row">
              <td className="py-1">{d.name}</td>
              <td>{d.type}</td>
              <td className="font-mono text-xs" data-testid="alert-destination-url">
                {d.maskedUrl}
              </td>
              <td className="font-mono text-xs">{d.maskedSecret ?? <span className="text-slate-500">none</span>}</td>
              <td>{ORIGIN[d.origin] ?? d.origin}</td>
              <td className="whitespace-nowrap text-right">
                {tested[d.id] && (
                  <span className="mr-2 text-xs" data-testid="alert-test-result">
                    {tested[d.id]}
                  </span>
                )}
                <button className="rounded px-2 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800" disabled={test.isPending} onClick={() => runTest(d.id)}>
                  Send test
                </button>
                <button className="rounded px-2 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800" onClick={() => (setEditing(d), setType(d.type))}>
                  Edit
                </button>
                <button
                  className="rounded px-2 py-0.5 text-red-700 hover:bg-red-50 dark:hover:bg-red-950"
                  onClick={() => confirm(`Delete the destination ${d.name}? Rules stop sending to it.`) && remove.mutate(d.id)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
      <form
        key={editing?.id ?? "new"}
        onSubmit={submit}
        className="flex flex-wrap items-end gap-2"
        aria-label={editing ? `Change destination ${editing.name}` : "New destination"}
      >
        <input name="name" required defaultValue={editing?.name} placeholder="e.g. on-call webhook" aria-label="Destination name" className={input} />
        <select name="type" aria-label="Destination type" className={input} value={type} onChange={(e) => setType(e.target.value)}>
          <option value="webhook">webhook</option>
          <option value="slack">slack</option>
          <option value="pagerduty">pagerduty</option>
        </select>
        <input
          name="url"
          type="url"
          required={!editing && type !== "pagerduty"}
          placeholder={editing ? `${editing.maskedUrl} (blank: unchanged)` : type === "pagerduty" ? "events URL (default PagerDuty's)" : "https://…"}
          aria-label="Destination URL"
          className={`${input} w-72`}
        />
        {type !== "slack" && (
          <input
            name="secret"
            type="password"
            autoComplete="off"
            required={!editing && type === "pagerduty"}
            placeholder={editing?.hasSecret ? "•••• (blank: unchanged)" : SECRET_LABEL[type]}
            aria-label="Destination secret"
            className={input}
          />
        )}
        <button className={button} disabled={create.isPending}>
          {editing ? "Save destination" : "Add destination"}
        </button>
        {editing && (
          <button type="button" className="text-sm underline" onClick={() => setEditing(null)}>
            Cancel
          </button>
        )}
      </form>
      {(create.error || remove.error) && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {(create.error ?? remove.error)!.message}
        </p>
      )}
    </div>
  );
}
