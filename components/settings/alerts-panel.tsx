"use client";

import { useAlerts } from "@/components/data/alerts-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { AlertDeliveries } from "./alerts-deliveries";
import { AlertDestinations } from "./alerts-destinations";
import { AlertRules } from "./alerts-rules";

/** Settings → Alerts: where alerts go, when they fire, and every message sent. */
export function AlertsPanel() {
  const alerts = useAlerts();
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Alerts">
      <h2 className="mb-1 font-semibold">Alerts</h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Rules tell destinations (a signed webhook, Slack, PagerDuty) when something breaks: one message per incident, a reminder at most once per interval while
        it goes on, and a recovery when it clears. Muted incidents never alert; acknowledged ones stop reminding. URLs and secrets are stored encrypted and
        shown masked.
      </p>
      <LoadingPanel isLoading={alerts.isLoading} error={alerts.error} isEmpty={false} empty="">
        {alerts.data && (
          <div className="flex flex-col gap-5">
            <AlertDestinations destinations={alerts.data.destinations} />
            <AlertRules rules={alerts.data.rules} destinations={alerts.data.destinations} />
            <AlertDeliveries deliveries={alerts.data.deliveries} />
          </div>
        )}
      </LoadingPanel>
    </section>
  );
}
