"use client";

import { createContext, useContext, type ReactNode } from "react";
import { roleAllows, type Actor, type Role } from "@/lib/auth/roles";

const ActorContext = createContext<Actor | null>(null);

export function ActorProvider({ actor, children }: { actor: Actor | null; children: ReactNode }) {
  return <ActorContext.Provider value={actor}>{children}</ActorContext.Provider>;
}

export const useActor = () => useContext(ActorContext);

/** Whether to show an action; the server checks again on every request, this only hides what would be refused. */
export function useCan(role: Role): boolean {
  const actor = useActor();
  return !!actor && roleAllows(actor.role, role);
}

/** Renders its children only for people whose role allows `role`. */
export function IfCan({ role, children, fallback = null }: { role: Role; children: ReactNode; fallback?: ReactNode }) {
  return useCan(role) ? <>{children}</> : <>{fallback}</>;
}

/** The words under an action someone's role does not allow. */
export const needsRole = (role: Role) => `needs the ${role} role`;

/**
 * An action shown to everyone: for a role that may not use it, the button is disabled and says why
 * (a hidden button leaves a viewer wondering where the actions are). Spread `props` on the button
 * and OR `disabled` into its own condition.
 */
export function useRoleGate(role: Role) {
  const allowed = useCan(role);
  return {
    allowed,
    disabled: !allowed,
    props: allowed ? {} : { title: `Read-only: ${needsRole(role)}`, "data-needs-role": role },
  };
}

/** The visible hint beside a group of disabled actions; nothing for a role that may act. */
export function RoleHint({ role, className = "" }: { role: Role; className?: string }) {
  return useCan(role) ? null : (
    <span className={`text-xs text-slate-500 ${className}`} data-testid="role-hint">
      {needsRole(role)}
    </span>
  );
}
