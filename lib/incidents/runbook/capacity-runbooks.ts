import type { Engine, IncidentRunbook, RunbookFact, RunbookStep } from "./runbook-types";

/** The fullest process a capacity source saw near the events (CapacitySample.data of open_fds). */
export type FdReading = {
  capacitySource: string;
  pid: number | null;
  command: string | null;
  /** The process source's config.pattern: how the sampler finds it (its command line). */
  pattern: string | null;
  open: number;
  softLimit: number | null;
  hardLimit: number | null;
  sockets: number | null;
  files: number | null;
  pipes: number | null;
  at: string;
};

export type FdRunbookInput = { source: string; reading: FdReading | null; errorLine: string | null; runtime: "python" | "node" | "java" | "go" | null };

export function buildFdRunbook(input: FdRunbookInput): IncidentRunbook {
  const r = input.reading;
  const facts: RunbookFact[] = [];
  const gaps: string[] = [];
  if (input.errorLine) facts.push({ label: "Error", value: input.errorLine, from: "the events" });
  if (r) {
    facts.push({
      label: "Process",
      value: `${r.command ?? "?"}${r.pid ? ` (pid ${r.pid})` : ""}${r.pattern ? `, the process whose command line has "${r.pattern}"` : ""}`,
      from: `capacity samples of ${r.capacitySource}`,
    });
    facts.push({
      label: "Open descriptors at the peak",
      value: `${r.open.toLocaleString("en")}${r.softLimit ? ` of ${r.softLimit.toLocaleString("en")} (${Math.round((r.open / r.softLimit) * 100)} %)` : ""}`,
      from: `capacity samples of ${r.capacitySource}`,
    });
    if (r.softLimit !== null)
      facts.push({
        label: "RLIMIT_NOFILE",
        value: `soft ${r.softLimit}${r.hardLimit !== null ? `, hard ${r.hardLimit}` : ""}`,
        from: "/proc/<pid>/limits via the capacity sampler",
      });
    if (r.sockets !== null)
      facts.push({ label: "By kind", value: `${r.sockets} sockets, ${r.files ?? 0} files, ${r.pipes ?? 0} pipes`, from: "/proc/<pid>/fd" });
  } else {
    gaps.push(
      `No capacity source watches this process: add a process source (config.pattern naming its command line, config.eventSources: ["${input.source}"]) so Lockboard samples its descriptors and limit.`,
    );
  }
  const pid = r?.pid ? String(r.pid) : "<pid>";
  // Unprivileged, the soft limit may rise up to the hard one: suggest that much when it is lower.
  const soft = r?.hardLimit && r.softLimit !== null && r.hardLimit > r.softLimit ? Math.min(r.hardLimit, 65536) : 65536;
  const sockets = r && r.sockets !== null && r.open > 0 && r.sockets / r.open > 0.5;
  const steps: RunbookStep[] = [
    {
      text: "See what the descriptors are, live:",
      blocks: [
        {
          type: "code",
          lang: "shell",
          text: `grep 'open files' /proc/${pid}/limits\nls /proc/${pid}/fd | wc -l\nlsof -p ${pid} | awk '{print $5}' | sort | uniq -c | sort -rn | head`,
        },
      ],
    },
    {
      text: sockets
        ? `Most descriptors are sockets: each request opens connections it does not reuse or close. Reuse them: ${input.runtime === "python" ? "one requests.Session / httpx.Client per process, and close responses" : input.runtime === "node" ? "one http.Agent({ keepAlive: true, maxSockets }) per process" : "one pooled HTTP client and one database pool per process"}, and bound concurrency below the limit.`
        : "Find what is opened per request and never closed (files without a with/try-finally, sockets, pipes of child processes), and bound concurrency below the limit.",
    },
    {
      text: `Then give the process room (the soft limit${r?.softLimit ? ` is ${r.softLimit}` : ""}; it may rise up to the hard limit${r?.hardLimit ? ` ${r.hardLimit}` : ""} without privileges):`,
      blocks: [
        { type: "code", lang: "ini", title: "systemd unit, [Service] section", text: "LimitNOFILE=65536" },
        {
          type: "code",
          lang: "shell",
          title: "Shell start script / container / running process",
          text: `ulimit -n ${soft}        # before exec'ing the server (up to the hard limit)\ndocker run --ulimit nofile=65536:65536 …\nprlimit --pid ${pid} --nofile=${soft}:${r?.hardLimit && r.hardLimit > soft ? r.hardLimit : soft}   # live, no restart`,
        },
      ],
    },
  ];
  return {
    title: `Out of file descriptors${r?.pattern ? ` in ${r.pattern}` : r?.command ? ` in ${r.command.split(/\s+/).slice(0, 2).join(" ")}` : ` on ${input.source}`}`,
    summary: `The process hit its open-file limit (EMFILE${r?.softLimit ? `, RLIMIT_NOFILE ${r.softLimit}` : ""}): accept() and open() fail until descriptors are freed.`,
    engine: null,
    facts,
    steps,
    gaps,
  };
}

export type ConnectionsReading = {
  capacitySource: string;
  value: number;
  limit: number | null;
  byOrigin: { application: string; n: number }[];
  idleInTransaction: number | null;
  at: string;
};

export type ConnectionsRunbookInput = { source: string; engine: Engine | null; reading: ConnectionsReading | null; errorLine: string | null; pool: boolean };

/** Pool settings and counts an error message states: Prisma's P2024, node-postgres, MongoDB's refusal. */
export function poolFactsOf(text: string | null): RunbookFact[] {
  if (!text) return [];
  const out: RunbookFact[] = [];
  const limit = /connection limit: (\d+)/i.exec(text)?.[1] ?? /\bmax(?:Pool)?Size[=: ]+(\d+)/i.exec(text)?.[1] ?? /\bpool_?size[=: ]+(\d+)/i.exec(text)?.[1];
  if (limit) out.push({ label: "Pool size", value: limit, from: "the error message" });
  const timeout = /pool timeout: (\d+)/i.exec(text)?.[1];
  if (timeout) out.push({ label: "Pool timeout", value: `${timeout} s`, from: "the error message" });
  const open = /too many open connections: (\d+)/.exec(text)?.[1];
  if (open) out.push({ label: "Open connections when refused", value: open, from: "the error message" });
  if (/remaining connection slots are reserved/.test(text))
    out.push({
      label: "Refused at",
      value: "the reserved slots (max_connections − superuser_reserved_connections − reserved_connections)",
      from: "the error message",
    });
  return out;
}

export function buildConnectionsRunbook(input: ConnectionsRunbookInput): IncidentRunbook {
  const r = input.reading;
  const facts: RunbookFact[] = [];
  const gaps: string[] = [];
  if (input.errorLine) facts.push({ label: "Error", value: input.errorLine, from: "the events" }, ...poolFactsOf(input.errorLine));
  if (r) {
    facts.push({
      label: input.engine === "mongodb" ? "Connections" : "Connections / max_connections",
      value: `${r.value}${r.limit ? ` of ${r.limit}` : ""}`,
      from: `capacity samples of ${r.capacitySource}`,
    });
    if (r.byOrigin.length)
      facts.push({
        label: "Most connections from",
        value: r.byOrigin
          .slice(0, 4)
          .map((o) => `${o.application || "(no application_name)"} ${o.n}`)
          .join(", "),
        from: "pg_stat_activity via the capacity sampler",
      });
    if (r.idleInTransaction) facts.push({ label: "Idle in transaction", value: String(r.idleInTransaction), from: "pg_stat_activity" });
  } else gaps.push("No connection samples near these events: add the server as a postgres or mongodb source so Capacity records its connections.");
  const steps: RunbookStep[] =
    input.engine === "mongodb"
      ? [
          {
            text: "Who holds the connections:",
            blocks: [
              {
                type: "code",
                lang: "js",
                text: "db.serverStatus().connections\ndb.currentOp(true).inprog.reduce((m, o) => (m[o.appName] = (m[o.appName] ?? 0) + 1, m), {})",
              },
            ],
          },
          {
            text: "One MongoClient per process with a bounded maxPoolSize (the driver's default is 100 per client); clients created per request are the usual leak.",
          },
          { text: "The server's ceiling is net.maxIncomingConnections (and the process's RLIMIT_NOFILE)." },
        ]
      : [
          {
            text: "Who holds the connections (read-only):",
            blocks: [
              {
                type: "code",
                lang: "sql",
                text: "SHOW max_connections;\nSELECT application_name, state, count(*) FROM pg_stat_activity\nGROUP BY 1, 2 ORDER BY 3 DESC;",
              },
            ],
          },
          {
            text: `Size the pools: the sum over processes of each pool's max must stay below max_connections minus superuser_reserved_connections${input.pool ? "; a pool timeout with the server below its limit means this process's pool is too small or leaks clients (checked out, never released)" : ""}. Many processes: put PgBouncer in transaction mode in front.`,
          },
          {
            text: "End sessions that sit idle in transaction, holding a slot and their locks:",
            blocks: [{ type: "code", lang: "sql", text: "ALTER ROLE <app_role> SET idle_in_transaction_session_timeout = '30s';" }],
          },
        ];
  return {
    title: input.pool ? "Pool checkout timeout" : "Connections exhausted",
    summary: input.pool
      ? `A connection pool on ${input.source} had no free connection in time.`
      : `${input.engine === "mongodb" ? "MongoDB" : "PostgreSQL"} refused new connections${r?.limit ? ` at ${r.value} of ${r.limit}` : ""}.`,
    engine: input.engine,
    facts,
    steps,
    gaps,
  };
}
