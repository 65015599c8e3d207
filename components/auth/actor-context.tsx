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
