import { headers } from "next/headers";
import { AlertsPanel } from "@/components/settings/alerts-panel";
import { FleetPanel } from "@/components/settings/fleet-panel";
import { StoragePanel } from "@/components/settings/storage-panel";
import { TokensPanel } from "@/components/settings/tokens-panel";
import { UsersPanel } from "@/components/settings/users-panel";
import { PageHeader } from "@/components/ui/page-header";
import { getActor } from "@/lib/auth/require-actor";
import { roleAllows } from "@/lib/auth/roles";

export default async function SettingsPage() {
  const actor = await getActor(await headers());
  if (!actor || !roleAllows(actor.role, "admin")) {
    return (
      <>
        <PageHeader title="Settings" />
        <p className="text-sm">Settings are for admins; you are signed in as {actor?.role ?? "nobody"}.</p>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Settings"
        description="Who may sign in and with which role, the tokens that push endpoints accept, the dashboard instances sharing the work, and how much the store keeps."
      />
      <div className="flex flex-col gap-4">
        <UsersPanel />
        <TokensPanel />
        <AlertsPanel />
        <FleetPanel />
        <StoragePanel />
      </div>
    </>
  );
}
