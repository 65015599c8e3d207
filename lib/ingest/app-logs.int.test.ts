import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { ingestLogFile } from "./ingest-file";

const dir = mkdtempSync(path.join(tmpdir(), "lockboard-applogs-"));
afterAll(disconnectPrisma);

// Real failures from real runtimes: fd exhaustion under a low `ulimit -n`, SQLite's lock, Node's
// headers-sent error from a real HTTP server, uncaught throws with Node's own stack output.
const PYTHON = String.raw`
import json, logging, os, sqlite3, sys, tempfile
class JsonFormatter(logging.Formatter):
    def format(self, r):
        out = {"asctime": self.formatTime(r), "levelname": r.levelname, "name": r.name, "message": r.getMessage()}
        if r.exc_info: out["exc_info"] = self.formatException(r.exc_info)
        for k in ("messageId", "conversationId"):
            if hasattr(r, k): out[k] = getattr(r, k)
        return json.dumps(out)
text = logging.FileHandler(sys.argv[1]); text.setFormatter(logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s"))
js = logging.FileHandler(sys.argv[2]); js.setFormatter(JsonFormatter())
log = logging.getLogger("worker"); log.addHandler(text); log.addHandler(js); log.setLevel(logging.INFO)
log.info("worker started")
files = []
try:
    while True: files.append(open(__file__ if False else os.devnull))
except OSError:
    log.exception("could not open attachment", extra={"messageId": "msg-py-1", "conversationId": "conv-7"})
for f in files: f.close()
db = os.path.join(tempfile.mkdtemp(), "q.db")
a = sqlite3.connect(db, timeout=0); a.execute("create table t (x)"); a.execute("begin exclusive")
b = sqlite3.connect(db, timeout=0)
try:
    b.execute("insert into t values (1)")
except sqlite3.OperationalError:
    log.exception("enqueue failed", extra={"messageId": "msg-py-2"})
raise RuntimeError("worker crashed")
`;

const NODE = String.raw`
const fs = require("fs"), http = require("http");
const held = [];
try { for (;;) held.push(fs.openSync("/dev/null", "r")); } catch (err) { console.error(err); }
held.forEach((fd) => fs.closeSync(fd));
const server = http.createServer((req, res) => {
  res.end("ok");
  try { res.setHeader("x-late", "1"); } catch (err) {
    console.log(JSON.stringify({ level: 50, time: Date.now(), pid: process.pid, msg: "handler failed", requestId: "req-node-1", err: { type: err.name, message: err.message, code: err.code, stack: err.stack } }));
  }
  server.close(() => { throw new Error("shutdown hook failed"); });
});
server.listen(0, "127.0.0.1", () => http.get({ port: server.address().port, host: "127.0.0.1" }, (r) => r.resume()));
`;

describe("application logs with real Python and Node stack traces", () => {
  it("stitches, classifies and extracts entities from what the runtimes wrote", async () => {
    const textLog = path.join(dir, "worker.log");
    const jsonLog = path.join(dir, "worker.json.log");
    const py = spawnSync("bash", ["-c", `ulimit -n 64; exec python3 -c "$0" "$1" "$2"`, PYTHON, textLog, jsonLog], { encoding: "utf8" });
    expect(py.status).toBe(1);
    writeFileSync(path.join(dir, "python-stderr.log"), py.stderr);
    const node = spawnSync("bash", ["-c", `ulimit -n 64; exec node -e "$0"`, NODE], { encoding: "utf8", timeout: 20_000 });
    expect(node.status).toBe(1);
    writeFileSync(path.join(dir, "node.log"), node.stdout + node.stderr);
    expect(node.stderr).toContain("code: 'EMFILE'");

    const prisma = getPrisma();
    const results: Record<string, Awaited<ReturnType<typeof ingestLogFile>>> = {};
    for (const f of ["worker.log", "worker.json.log", "python-stderr.log", "node.log"])
      results[f] = await ingestLogFile(prisma, "app-worker", path.join(dir, f));
    for (const s of Object.values(results)) expect(s.unparsed).toBe(0);
    expect(results["worker.log"]).toMatchObject({ events: 3, byKind: { fd_exhaustion: 1, storage_busy: 1 } });
    expect(results["worker.json.log"]).toMatchObject({ events: 3, byKind: { fd_exhaustion: 1, storage_busy: 1 } });
    expect(results["python-stderr.log"]).toMatchObject({ events: 1, unclassified: 1 });
    expect(results["node.log"]).toMatchObject({ byKind: { fd_exhaustion: 1, headers_sent: 1 }, unclassified: 1, events: 3 });

    const source = await prisma.source.findUniqueOrThrow({ where: { name: "app-worker" } });
    const events = await prisma.event.findMany({
      where: { sourceId: source.id },
      include: { entities: { include: { entity: true } } },
      orderBy: { id: "asc" },
    });
    const fd = events.filter((e) => e.kind === "fd_exhaustion");
    expect(fd.map((e) => (e.fields as { format: string }).format).sort()).toEqual(["app-json", "app-text", "app-text"]);
    const pyText = fd.find((e) => e.raw.startsWith("20") && e.raw.includes("Traceback"))!;
    expect(pyText.message).toBe("could not open attachment");
    expect(pyText.raw).toMatch(/OSError: \[Errno 24\] Too many open files/);
    const pyJson = events.find((e) => (e.fields as { format: string }).format === "app-json" && e.kind === "fd_exhaustion")!;
    expect(pyJson.entities.map((l) => [l.entity.type, l.entity.value]).sort()).toEqual([
      ["conversationId", "conv-7"],
      ["messageId", "msg-py-1"],
    ]);
    const crash = events.find((e) => e.raw.includes("RuntimeError: worker crashed"))!;
    expect(crash).toMatchObject({ kind: "unclassified", severity: "error", message: "RuntimeError: worker crashed" });
    expect(crash.incidentId).not.toBeNull();
    const headers = events.find((e) => e.kind === "headers_sent")!;
    expect(headers.entities.map((l) => [l.entity.type, l.entity.value])).toEqual([["requestId", "req-node-1"]]);
    const uncaught = events.find((e) => e.raw.includes("shutdown hook failed"))!;
    expect(uncaught.raw).toMatch(/^\[eval\]|^\S+:\d+\n/);
    expect(uncaught.raw).toContain("Node.js v");
    const emfile = events.find((e) => e.kind === "fd_exhaustion" && e.raw.includes("EMFILE"))!;
    expect((emfile.fields as { code: string }).code).toBe("EMFILE");

    const incidents = await prisma.incident.findMany({ where: { sourceId: source.id } });
    // The Python text and JSON lines say the same thing, so they share an incident; Node's differs.
    expect(
      incidents
        .filter((i) => i.kind === "fd_exhaustion")
        .map((i) => i.count)
        .sort(),
    ).toEqual([1, 2]);
    expect(pyText.incidentId).toBe(pyJson.incidentId);
  });
});
