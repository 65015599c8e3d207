"""Document-embedding workflow (Julep-style): K workers write snippets through an HTTP service into
an embedded storage engine that refuses concurrent writers. Here the engine is SQLite (stdlib), so
the refusal is a real SQLITE_BUSY ("database is locked"); the service logs the traceback, answers
429, and the workers retry with exponential backoff.

usage: storage_busy.py LOG_FILE DB_FILE --workers K --pace SECONDS
Prints one JSON summary line on SIGTERM/SIGINT.
"""
import argparse, json, logging, random, signal, sqlite3, sys, threading, time, urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("log_file")
parser.add_argument("db_file")
parser.add_argument("--workers", type=int, default=4)
parser.add_argument("--pace", type=float, default=5.0)
args = parser.parse_args()

logging.basicConfig(filename=args.log_file, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("embed-docs")
stats = {"writes": 0, "busy": 0, "answered_429": 0, "retries": 0, "gave_up": 0}
lock = threading.Lock()

with sqlite3.connect(args.db_file) as db:
    db.execute("CREATE TABLE IF NOT EXISTS snippets (doc_id TEXT, idx INTEGER, content TEXT, embedding BLOB, PRIMARY KEY (doc_id, idx))")


def write_snippets(doc_id, snippets):
    # timeout=0: the engine answers busy at once instead of waiting, as RocksDB's "Resource busy" does.
    conn = sqlite3.connect(args.db_file, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for i, s in enumerate(snippets):
            conn.execute("INSERT OR REPLACE INTO snippets VALUES (?, ?, ?, ?)", (doc_id, i, s, bytes(64)))
            time.sleep(0.02)  # computing the embedding inside the write transaction
        conn.execute("COMMIT")
    finally:
        conn.close()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):
        log.info("%s - %s", self.address_string(), fmt % a)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        try:
            write_snippets(body["doc_id"], body["snippets"])
        except sqlite3.OperationalError:
            with lock:
                stats["busy"] += 1
                stats["answered_429"] += 1
            log.exception("EmbedDocsWorkflow failed to store snippets for doc %s", body["doc_id"])
            self.send_response(429)
            self.send_header("retry-after", "1")
            self.end_headers()
            self.wfile.write(b'{"error":"storage busy, retry later"}')
            return
        with lock:
            stats["writes"] += 1
        self.send_response(201)
        self.end_headers()
        self.wfile.write(b"{}")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        log.exception("error while serving %s", client_address)


server = Server(("127.0.0.1", 0), Handler)
url = f"http://127.0.0.1:{server.server_address[1]}/snippets"
threading.Thread(target=server.serve_forever, daemon=True).start()
stop = threading.Event()


def worker(n):
    doc = 0
    while not stop.is_set():
        doc += 1
        payload = json.dumps({"doc_id": f"doc-{n}-{doc}", "snippets": [f"snippet {i} of doc {doc}" for i in range(5)]}).encode()
        for attempt in range(5):
            try:
                urllib.request.urlopen(urllib.request.Request(url, data=payload, method="POST"), timeout=10)
                break
            except urllib.error.HTTPError as e:
                if e.code != 429:
                    raise
                with lock:
                    stats["retries"] += 1
                stop.wait(min(2.0, 0.1 * 2**attempt) * (0.5 + random.random()))
        else:
            with lock:
                stats["gave_up"] += 1
            log.error("worker %d gave up on doc-%d-%d after 5 attempts (429 Too Many Requests)", n, n, doc)
        stop.wait(args.pace)


def finish(*_):
    stop.set()


signal.signal(signal.SIGTERM, finish)
signal.signal(signal.SIGINT, finish)
threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.workers)]
for t in threads:
    t.start()
print(json.dumps({"ready": url}), flush=True)
stop.wait()
for t in threads:
    t.join(timeout=5)
server.shutdown()
print(json.dumps(stats), flush=True)
