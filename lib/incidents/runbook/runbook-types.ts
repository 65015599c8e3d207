import type { DiffLine } from "./line-diff";

/** Types of a runbook built for one incident (no server-only: the UI imports them). */

export type Engine = "postgres" | "mongodb";

/** Something the runbook read, and where from, so the operator can trust or check it. */
export type RunbookFact = { label: string; value: string; from: string };

export type RunbookBlock =
  { type: "diff"; title: string; lines: DiffLine[] } | { type: "code"; title?: string; lang: "sql" | "js" | "shell" | "ini" | "text"; text: string };

export type RunbookStep = { text: string; blocks?: RunbookBlock[]; link?: { label: string; href: string } };

export type IncidentRunbook = {
  title: string;
  summary: string;
  /** The engine the steps are written for; null when neither applies (a process, a log). */
  engine: Engine | null;
  facts: RunbookFact[];
  steps: RunbookStep[];
  /** What the runbook could not read and how to get it (a missing STATEMENT, an unreachable catalog). */
  gaps: string[];
};
