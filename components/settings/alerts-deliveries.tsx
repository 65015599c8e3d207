"use client";

import Link from "next/link";
import { TimeAgo } from "@/components/ui/time-ago";
import type { DeliveryRow } from "@/lib/alerts/deliver";
import { SettingsTable } from "@/components/settings/settings-table";

const TONE: Record<string, string> = {
  delivered: "text-green-700 dark:text-green-400",
  failed: "text-red-700 dark:text-red-400",
  retrying: "text-amber-700 dark:text-amber-400",
};

/** Every message written to the outbox, newest first, with the body exactly as sent. */
export function AlertDeliveries({ deliveries }: { deliveries: DeliveryRow[] }) {
  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold">Deliveries</h3>
      {deliveries.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing sent yet.</p>
      ) : (
        <SettingsTable columns={["When", "Rule", "Destination", "Message", "Status", "Code", "Attempts", "Body sent"]} className="">
          {deliveries.map((d) => (
            <tr key={d.id} className="border-t border-slate-100 align-top dark:border-slate-800" data-testid="alert-delivery-row">
              <td className="py-1">
                <TimeAgo iso={d.sentAt ?? d.createdAt} />
              </td>
              <td>{d.ruleName ?? <span className="text-slate-500">test</span>}</td>
              <td>{d.destinationName}</td>
              <td>
                {d.event} <Subject subject={d.subject} />
              </td>
              <td className={TONE[d.status] ?? ""} data-testid="alert-delivery-status">
                {d.status}
                {d.lastError && d.status !== "delivered" && <div className="text-xs">{d.lastError}</div>}
                {d.nextAttemptAt && d.attempts > 0 && (
                  <div className="text-xs text-slate-500">
                    next try <TimeAgo iso={d.nextAttemptAt} />
                  </div>
                )}
              </td>
              <td data-testid="alert-delivery-code">{d.lastStatus ?? "—"}</td>
              <td>{d.attempts}</td>
              <td>
                <details>
                  <summary className="cursor-pointer text-xs underline">body</summary>
                  <pre className="max-h-64 max-w-xl overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950" data-testid="alert-delivery-body">
                    {JSON.stringify(d.body, null, 2)}
                  </pre>
                  <p className="text-xs text-slate-500">Idempotency-Key {d.idempotencyKey}</p>
                  {d.response && <pre className="max-h-32 max-w-xl overflow-auto text-xs">answer: {d.response}</pre>}
                </details>
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
    </div>
  );
}

/** What the message was about; an incident (or its rate, or its stuck lock) links to its page. */
function Subject({ subject }: { subject: string }) {
  if (subject.startsWith("test:")) return null;
  const incident = /^(?:incident|rate|stuck):(\d+)$/.exec(subject);
  if (incident)
    return (
      <Link className="text-xs underline" href={`/incidents/${incident[1]}`}>
        {subject}
      </Link>
    );
  return <span className="text-xs text-slate-500">{subject}</span>;
}
