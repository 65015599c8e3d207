"use client";

import { useState } from "react";
import { useActor } from "./actor-context";

export function UserMenu() {
  const actor = useActor();
  const [busy, setBusy] = useState(false);
  if (!actor) return null;
  const signOut = async () => {
    setBusy(true);
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).catch(() => {});
    window.location.assign("/sign-in");
  };
  return (
    <div className="flex items-center gap-2 text-xs" data-testid="user-menu">
      <span className="text-slate-600 dark:text-slate-300">{actor.name}</span>
      <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium dark:bg-slate-800" data-testid="user-role">{actor.role}</span>
      <button type="button" onClick={signOut} disabled={busy} className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800">
        Sign out
      </button>
    </div>
  );
}
