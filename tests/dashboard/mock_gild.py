#!/usr/bin/env python3
"""A stand-in for gild's observability endpoints (python3 stdlib only), so the
dashboard page can be developed and tested without the real server's /metrics:

  GET /debug/gil                 server/dashboard/gil.html, from the source tree
  GET /metrics                   synthetic Prometheus text whose counters grow
                                 at known, constant rates (see RATES below)
  GET /debug/gil/trace?seconds=N Chrome trace-event JSON after N seconds
                                 (--trace-status 404|409 answers that instead)

Counters are rate x (seconds since start), so every ratio the page computes
from deltas is known in advance: held ratio 0.62, wait 1.80, /cpu 40 req/s,
/io 160 req/s, ... The test (test_dashboard.py --mock) asserts on those.

Usage: mock_gild.py [--listen 127.0.0.1:0] [--page PATH] [--trace-status N]
First stdout line: "gild listening on http://127.0.0.1:PORT/", like gild.
"""

import argparse
import json
import os
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = os.path.normpath(os.path.join(HERE, "..", "..", "server", "dashboard", "gil.html"))

WORKERS = 8
HELD_RATE = 0.62          # GIL held seconds per second
WAIT_RATE = 1.80          # GIL wait seconds per second, summed over threads
HELD_1M, WAIT_1M = 0.60, 1.75
WAIT_BUCKETS = [1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1.0]
# waits per second landing in each bucket (non-cumulative), then +Inf.
WAIT_PER_S = [5, 10, 20, 40, 60, 120, 400, 250, 60, 20, 10, 4, 1, 0, 0]
DUR_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0]
# route: req/s, held s/s, wait s/s, io s/s, duration s/s, per-bucket req/s (len DUR_BUCKETS + 1)
ROUTES = {
    "/cpu": (40, 0.55, 1.20, 0.0, 1.90, [0, 0, 0, 0, 4, 20, 12, 4, 0, 0, 0]),
    "/io": (160, 0.05, 0.55, 0.85, 1.50, [0, 0, 0, 40, 100, 20, 0, 0, 0, 0, 0]),
    "/hello": (0, 0.0, 0.0, 0.0, 0.0, [0] * 11),            # configured, never served: no row
    "/metrics": (1, 0.0, 0.0, 0.0, 0.0003, [1] + [0] * 10),  # the server's own: listed last
}

T0 = time.monotonic()


def metrics_text():
    t = time.monotonic() - T0
    out = []

    def typ(name, kind, help_):
        out.append("# HELP %s %s" % (name, help_))
        out.append("# TYPE %s %s" % (name, kind))

    typ("gild_gil_held_seconds_total", "counter", "Seconds the GIL was held.")
    out.append("gild_gil_held_seconds_total %.9f" % (HELD_RATE * t))
    typ("gild_gil_wait_seconds_total", "counter", "Seconds threads waited for the GIL, summed over threads.")
    out.append("gild_gil_wait_seconds_total %.9f" % (WAIT_RATE * t))
    typ("gild_gil_waiting_threads", "gauge", "Threads waiting for the GIL now.")
    out.append("gild_gil_waiting_threads %d" % (2 + int(t) % 3))
    typ("gild_gil_held_ratio", "gauge", "Fraction of time the GIL was held.")
    for w, v in (("1m", HELD_1M), ("5m", 0.5), ("15m", 0.4)):
        out.append('gild_gil_held_ratio{window="%s"} %g' % (w, v))
    typ("gild_gil_wait_ratio", "gauge", "GIL wait time per second.")
    for w, v in (("1m", WAIT_1M), ("5m", 1.5), ("15m", 1.2)):
        out.append('gild_gil_wait_ratio{window="%s"} %g' % (w, v))
    typ("gild_gil_policy_info", "gauge", "The GIL's policy.")
    out.append('gild_gil_policy_info{policy="cpython"} 1')
    typ("gild_gil_wait_seconds", "histogram", "Time one GIL wait took.")
    cum = 0.0
    for le, n in zip(WAIT_BUCKETS + ["+Inf"], WAIT_PER_S):
        cum += n * t
        out.append('gild_gil_wait_seconds_bucket{le="%s"} %d' % (le, int(cum)))
    out.append("gild_gil_wait_seconds_sum %.9f" % (WAIT_RATE * t))
    out.append("gild_gil_wait_seconds_count %d" % int(cum))

    typ("gild_http_requests_total", "counter", "HTTP requests answered.")
    for r, (rps, *_rest) in ROUTES.items():
        # 95% 200, 5% 500 for /cpu, to exercise the label sums
        if r == "/cpu":
            out.append('gild_http_requests_total{route="%s",method="GET",status="200"} %d' % (r, int(rps * 0.95 * t)))
            out.append('gild_http_requests_total{route="%s",method="GET",status="500"} %d' % (r, int(rps * 0.05 * t)))
        else:
            out.append('gild_http_requests_total{route="%s",method="GET",status="200"} %d' % (r, int(rps * t)))
    typ("gild_http_request_duration_seconds", "histogram", "Request duration.")
    for r, (rps, _h, _w, _io, dur, per) in ROUTES.items():
        cum = 0.0
        for le, n in zip(DUR_BUCKETS + ["+Inf"], per):
            cum += n * t
            out.append('gild_http_request_duration_seconds_bucket{route="%s",le="%s"} %d' % (r, le, int(cum)))
        out.append('gild_http_request_duration_seconds_sum{route="%s"} %.9f' % (r, dur * t))
        out.append('gild_http_request_duration_seconds_count{route="%s"} %d' % (r, int(cum)))
    for metric, idx in (("gild_route_gil_held_seconds_total", 1), ("gild_route_gil_wait_seconds_total", 2),
                        ("gild_route_io_seconds_total", 3)):
        typ(metric, "counter", "Per-route seconds.")
        for r, v in ROUTES.items():
            out.append('%s{route="%s"} %.9f' % (metric, r, v[idx] * t))
    typ("gild_worker_gil_held_seconds_total", "counter", "Per-worker GIL held seconds.")
    for w in range(WORKERS):
        out.append('gild_worker_gil_held_seconds_total{worker="%d"} %.9f' % (w, HELD_RATE / WORKERS * t))
    return "\n".join(out) + "\n"


def trace_json(seconds):
    rnd = random.Random(int(time.monotonic() * 1000))
    ev = [{"ph": "M", "name": "process_name", "pid": 1, "args": {"name": "gild"}}]
    now_us = int((time.monotonic() - T0) * 1e6)
    start = now_us - int(seconds * 1e6)
    for w in range(WORKERS):
        tid = 1000 + w
        ev.append({"ph": "M", "name": "thread_name", "pid": 1, "tid": tid, "args": {"name": "worker-%d" % w}})
        t = start
        while t < now_us:
            if rnd.random() < 0.5:
                seq = [("wants_gil", rnd.randint(500, 8000)), ("running GET /cpu", rnd.randint(1000, 5000))]
            else:
                seq = [("wants_gil", rnd.randint(100, 3000)), ("running GET /io", rnd.randint(50, 300)),
                       ("io", rnd.randint(4000, 6000)), ("wants_gil", rnd.randint(100, 3000)),
                       ("running GET /io", rnd.randint(50, 300))]
            seq.append(("idle", rnd.randint(0, 3000)))
            for name, dur in seq:
                dur = min(dur, now_us - t)
                if dur <= 0:
                    break
                ev.append({"ph": "X", "name": name, "cat": "gil", "pid": 1, "tid": tid, "ts": t, "dur": dur})
                t += dur
    return json.dumps({"traceEvents": ev, "displayTimeUnit": "ms"})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    trace_lock = threading.Lock()

    def log_message(self, *a):
        pass

    def send(self, status, ctype, body):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        if u.path == "/debug/gil":
            with open(self.server.page, "rb") as f:
                return self.send(200, "text/html; charset=utf-8", f.read())
        if u.path == "/metrics":
            return self.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics_text())
        if u.path == "/debug/gil/trace":
            if self.server.trace_status:
                return self.send(self.server.trace_status, "text/plain", "tracing unavailable\n")
            try:
                seconds = float(parse_qs(u.query).get("seconds", ["1"])[0])
            except ValueError:
                return self.send(400, "text/plain", "bad seconds\n")
            if not 0 < seconds <= 10:
                return self.send(400, "text/plain", "seconds must be in (0, 10]\n")
            if not Handler.trace_lock.acquire(blocking=False):
                return self.send(409, "text/plain", "a trace is already being recorded\n")
            try:
                self.server.trace_requests += 1
                time.sleep(seconds)   # the mock's stand-in for recording
                return self.send(200, "application/json", trace_json(seconds))
            finally:
                Handler.trace_lock.release()
        if u.path == "/mock/stats":
            return self.send(200, "application/json", json.dumps({"trace_requests": self.server.trace_requests}))
        return self.send(404, "text/plain", "not found\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--page", default=PAGE)
    ap.add_argument("--trace-status", type=int, default=0)
    a = ap.parse_args()
    host, port = a.listen.rsplit(":", 1)
    srv = ThreadingHTTPServer((host, int(port)), Handler)
    srv.daemon_threads = True
    srv.page = a.page
    srv.trace_status = a.trace_status
    srv.trace_requests = 0
    print("gild listening on http://127.0.0.1:%d/" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
