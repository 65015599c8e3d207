"""Model-serving API (LangServe-style) with a low file-descriptor limit: a burst of slow concurrent
requests fills the table until accept() fails with EMFILE ("OSError: [Errno 24] Too many open
files"). The server logs each failure with its traceback and exposes the standard Prometheus
process metrics process_open_fds / process_max_fds on /metrics.

usage: fd_exhaustion.py LOG_FILE --nofile N
Prints {"ready": port} once listening.
"""
import argparse, json, logging, os, resource, signal, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("log_file")
parser.add_argument("--nofile", type=int, default=64)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--tag", default="", help="marks the command line, so a test can find this process")
args = parser.parse_args()

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(args.nofile, hard), hard))
logging.basicConfig(filename=args.log_file, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("uvicorn.error")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):
        pass

    def do_GET(self):
        if self.path == "/metrics":
            fds = len(os.listdir("/proc/self/fd"))
            body = (
                "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n"
                f"process_open_fds {fds}\n"
                "# HELP process_max_fds Maximum number of open file descriptors.\n# TYPE process_max_fds gauge\n"
                f"process_max_fds {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}\n"
            ).encode()
            self.send_response(200)
            self.send_header("content-type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body)
            return
        time.sleep(2.0)  # model inference
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"output":"ok"}')


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 2048  # uvicorn's default backlog: the kernel queues the burst, accept() drains it

    def handle_error(self, request, client_address):
        # A client that gave up mid-request (BrokenPipe) goes to the app's log, not the demo's terminal.
        log.exception("error while serving %s", client_address)

    def get_request(self):
        try:
            return super().get_request()
        except OSError:
            log.exception("socket.accept() out of system resource")
            time.sleep(0.2)
            raise


server = Server(("127.0.0.1", args.port), Handler)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
print(json.dumps({"ready": server.server_address[1], "pid": os.getpid()}), flush=True)
server.serve_forever()
