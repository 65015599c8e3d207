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
    // A full navigation, not router.push: it drops every cached query of the signed-out user.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/sign-in");
  };
  return (
    <div className="flex min-w-0 items-center gap-1.5 text-xs sm:gap-2" data-testid="user-menu">
      <span className="hidden truncate text-slate-600 sm:inline dark:text-slate-300">{actor.name}</span>
      <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium dark:bg-slate-800" data-testid="user-role">
        {actor.role}
      </span>
      <button
        type="button"
        onClick={signOut}
        disabled={busy}
        className="whitespace-nowrap rounded px-1.5 py-1 hover:bg-slate-100 sm:px-2 dark:hover:bg-slate-800"
      >
        Sign out
      </button>
    </div>
  );
}
