import { NextResponse } from "next/server";
import { textProblem } from "./params";

/**
 * The API's dynamic routes (a unit test keeps this list equal to app/api), so a segment Next
 * cannot decode is refused naming its parameter.
 */
export const API_PARAM_ROUTES = [
  "alerts/destinations/[id]",
  "alerts/destinations/[id]/test",
  "alerts/rules/[id]",
  "auth/[...all]",
  "entities/[type]/[...key]",
  "failed-writes/[id]",
  "failed-writes/[id]/replay",
  "incidents/[id]",
  "incidents/[id]/events",
  "incidents/[id]/runbook",
  "locks/[source]",
  "locks/[source]/[action]",
  "locks/[source]/backends/[pid]",
  "locks/[source]/history",
  "locks/[source]/impact",
  "replays/[id]",
  "tokens/[id]/revoke",
  "users/[id]/role",
] as const;

function decodeSegment(raw: string): { ok: true; value: string } | { ok: false } {
  try {
    return { ok: true, value: decodeURIComponent(raw) };
  } catch {
    return { ok: false };
  }
}

/** The parameter a segment of an /api path fills, or "path segment N" outside a dynamic part. */
function parameterName(segments: string[], index: number): string {
  const fallback = `path segment ${index + 1}`;
  if (segments[0] !== "api" || index === 0) return fallback;
  const rest = segments.slice(1);
  let best: { name: string; statics: number } | null = null;
  for (const route of API_PARAM_ROUTES) {
    const parts = route.split("/");
    const catchAll = parts[parts.length - 1]!.startsWith("[...");
    if (catchAll ? rest.length < parts.length : rest.length !== parts.length) continue;
    const partAt = (i: number) => parts[Math.min(i, parts.length - 1)]!;
    const statics = rest.filter((seg, i) => !partAt(i).startsWith("[") && partAt(i) === seg).length;
    const fits = rest.every((seg, i) => partAt(i).startsWith("[") || partAt(i) === seg);
    const part = partAt(index - 1);
    if (fits && part.startsWith("[") && (!best || statics > best.statics)) best = { name: part.replace(/^\[(\.\.\.)?|\]$/g, ""), statics };
  }
  return best?.name ?? fallback;
}

/**
 * What is wrong with a request path (raw, still percent-encoded), or null: a segment that is not
 * percent-encoded UTF-8 (`%F0`, a lone surrogate's `%ED%A0%80`, the over-long dot `%C0%AE`) makes
 * Next's router throw a 500 before any handler runs; a NUL would reach the store.
 */
export function pathProblem(pathname: string): { name: string; message: string } | null {
  const segments = pathname.split("/").slice(1);
  for (let i = 0; i < segments.length; i++) {
    const decoded = decodeSegment(segments[i]!);
    const problem = decoded.ok ? textProblem(decoded.value) : "is not valid UTF-8 once percent-decoded";
    if (problem) return { name: parameterName(segments, i), message: problem };
  }
  return null;
}

/** For proxy.ts: a 400 for a path no route could decode (JSON under /api), or null to go on. */
export function rejectBadPath(pathname: string): NextResponse | null {
  const bad = pathProblem(pathname);
  if (!bad) return null;
  const message = `invalid path parameter "${bad.name}": ${bad.message}`;
  if (pathname.startsWith("/api/")) return NextResponse.json({ error: { code: "bad_request", message } }, { status: 400 });
  return new NextResponse(message, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
}
