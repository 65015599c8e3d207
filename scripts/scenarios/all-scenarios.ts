import { fdExhaustion } from "./fd-exhaustion";
import { messageRetryDuplicate } from "./message-retry-duplicate";
import { metadataLock } from "./metadata-lock";
import { sessionRace } from "./session-race";
import { storageBusy } from "./storage-busy";
import type { Scenario } from "./types";

export const SCENARIOS: Scenario[] = [sessionRace, metadataLock, messageRetryDuplicate, storageBusy, fdExhaustion];

export function findScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"; one of: ${SCENARIOS.map((x) => x.name).join(", ")}`);
  return s;
}
