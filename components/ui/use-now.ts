"use client";

import { useSyncExternalStore } from "react";

// The wall clock as an external store, in steps of `STEP_MS`: renders stay pure (the same step
// reads the same value) and a component that needs "now" re-renders when the step changes.
const STEP_MS = 15_000;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  timer ??= setInterval(() => listeners.forEach((l) => l()), STEP_MS);
  return () => {
    listeners.delete(onChange);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const snapshot = () => Math.ceil(Date.now() / STEP_MS) * STEP_MS;

/** Now, rounded up to the next 15 s (so never before the real now); the server render has no clock. */
export function useNow(): number | null {
  return useSyncExternalStore(subscribe, snapshot, () => null);
}
