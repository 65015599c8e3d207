import "server-only";
import { parseJsonObject } from "./json-record";
import type { LogLine, LogParser, ParseSink } from "./log-record";

/**
 * Container runtimes' log files, which wrap each line a process wrote: Docker's json-file driver
 * (`{"log":"…\n","stream":"stderr","time":"…"}`, /var/lib/docker/containers/*\/*-json.log) and the
 * CRI format of Kubernetes nodes (`2026-12-01T10:00:00.123456789Z stderr F …`, /var/log/pods).
 * Unwrapped, the lines inside are read as if the process had written them to a file: a
 * PostgreSQL's stderr log stitches its DETAIL lines, an application's stack joins its event. A
 * line the runtime split (Docker at 16 KiB, no trailing newline; CRI's `P` tag) is joined again.
 */
export type Envelope = "docker-json" | "cri";

export const ENVELOPE_NAMES: Record<Envelope, string> = { "docker-json": "Docker json-file", cri: "Kubernetes CRI" };

type Unwrapped = { text: string; partial: boolean; time: Date | null; stream: string };

const CRI = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}) (stdout|stderr) ([PF])(?: (.*))?$/;
/** A joined line stops growing here (the line splitter's own cap is per chunk). */
const MAX_JOINED = 1 << 20;

function rfc3339(s: string): Date | null {
  // Runtimes write nanoseconds; Date reads milliseconds.
  const d = new Date(s.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(d.getTime()) ? null : d;
}

export function unwrapLine(kind: Envelope, text: string): Unwrapped | null {
  if (kind === "cri") {
    const m = CRI.exec(text);
    if (!m) return null;
    return { text: m[6] ?? "", partial: m[5] === "P", time: rfc3339(`${m[1]}${m[2] ?? ""}${m[3]}`), stream: m[4] };
  }
  if (text.charCodeAt(0) !== 123) return null;
  const o = parseJsonObject(text);
  if (!o || typeof o.log !== "string" || typeof o.stream !== "string") return null;
  const log = o.log;
  const partial = !log.endsWith("\n");
  return {
    text: partial ? log : log.slice(0, log.endsWith("\r\n") ? -2 : -1),
    partial,
    time: typeof o.time === "string" ? rfc3339(o.time) : null,
    stream: o.stream,
  };
}

/** The envelope most of a sample's lines carry, if any. */
export function detectEnvelope(sample: string[]): Envelope | null {
  if (sample.length === 0) return null;
  for (const kind of ["cri", "docker-json"] as const) {
    let n = 0;
    for (const l of sample) if (unwrapLine(kind, l)) n++;
    if (n * 2 > sample.length) return kind;
  }
  return null;
}

type Meta = { time: Date | null; stream: string; joined: number };

/**
 * Unwraps every line and hands it to `inner` (a parser sniffing what is inside) at the same
 * offset, so checkpoints and re-reads work as for the file itself. A line without the envelope
 * goes through as it is. Records take the runtime's time when their own line has none, and say
 * which stream they came from.
 */
export class EnvelopeParser implements LogParser {
  private readonly inner: LogParser;
  private partial: { line: LogLine; text: string; meta: Meta } | null = null;
  private readonly meta = new Map<number, Meta>();

  constructor(
    readonly envelope: Envelope,
    sink: ParseSink,
    makeInner: (sink: ParseSink) => LogParser,
  ) {
    this.inner = makeInner({
      record: (r) => {
        const m = this.meta.get(r.offset);
        if (m) {
          if (!r.time && m.time) {
            r.time = m.time;
            r.fields.timeFromEnvelope = true;
          }
          r.fields.stream = m.stream;
          r.fields.envelope = ENVELOPE_NAMES[envelope];
          // A line the runtime split is one line inside, several in the file.
          r.lines += m.joined;
        }
        sink.record(r);
      },
      unparsed: (u) => sink.unparsed({ ...u, lines: u.lines + (this.meta.get(u.offset)?.joined ?? 0) }),
      blank: () => sink.blank(),
    });
  }

  push(line: LogLine): void {
    const u = line.bad ? null : unwrapLine(this.envelope, line.text);
    if (!u) {
      this.flushPartial();
      return this.pass(line, null);
    }
    if (this.partial) {
      const p = this.partial;
      p.text += u.text;
      p.meta.joined++;
      if (u.partial && p.text.length < MAX_JOINED) return;
      this.partial = null;
      return this.pass({ ...p.line, text: p.text }, p.meta);
    }
    const meta = { time: u.time, stream: u.stream, joined: 0 };
    if (u.partial) {
      this.partial = { line, text: u.text, meta };
      return;
    }
    this.pass({ ...line, text: u.text }, meta);
  }

  flush(): void {
    this.flushPartial();
    this.inner.flush();
    this.meta.clear();
  }

  pendingOffset(): number | null {
    const inner = this.inner.pendingOffset();
    const p = this.partial?.line.offset ?? null;
    return inner === null ? p : p === null ? inner : Math.min(inner, p);
  }

  private flushPartial() {
    const p = this.partial;
    if (!p) return;
    this.partial = null;
    this.pass({ ...p.line, text: p.text }, p.meta);
  }

  private pass(line: LogLine, meta: Meta | null) {
    if (meta) this.meta.set(line.offset, meta);
    this.inner.push(line);
    // What the inner parser no longer holds has been emitted: its metadata is no longer needed.
    const held = this.inner.pendingOffset();
    if (held === null) this.meta.clear();
    else
      for (const k of this.meta.keys()) {
        if (k >= held) break;
        this.meta.delete(k);
      }
  }
}
