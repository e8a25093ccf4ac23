#!/usr/bin/env python3
"""The worker pool with a serial runtime (the GIL), end to end: the real
`gild` on tests/handlers/t4_gil.json over HTTP on 127.0.0.1, observed
through /metrics and the Server-Timing header.

- short requests stay on one worker: 16 keep-alive clients sending /hello
  to 8 workers do not make the GIL change hands once per request (the pool
  keeps one worker running while nothing blocks; before, every request woke
  a thread that queued for the GIL): switches <= requests / 4;
- a worker back from I/O is not starved: while 4 clients keep /cpu busy
  (about 2 ms each), 30 sequential /io?ms=1 requests wait for the GIL
  (median) less than 4 switch intervals: the running worker steps aside
  when its /cpu ends instead of taking the GIL straight back for the next
  one (~1-3 ms; without it, 9-14 ms and more while the queue never empties);
- a long task spreads the queue: while /cpu runs ~0.4 s, /hello requests
  are answered within a few switch intervals each, not after it.

Bounds are wide (the test shares two cores with other work, and runs under
the sanitizers); each compares with what the broken behaviour gives, which
is an order of magnitude away. The waits are on responses, never sleeps.

Usage: python3 test_server_pool.py GILD SOURCE_DIR
"""

import os
import re
import statistics
import sys
import threading
import time

GILD, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
import gildtest as gt  # noqa: E402
from gildtest import check, eq  # noqa: E402

CONFIG = os.path.join(SRC, "tests", "handlers", "t4_gil.json")
SWITCH_INTERVAL = 0.005   # gil.switch_interval in t4_gil.json
METRIC_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def metric(s, name):
    r = s.request("GET", "/metrics", timeout=10)
    eq(r.status, 200, "GET /metrics status")
    total, seen = 0.0, False
    for ln in r.body.decode("utf-8", "replace").splitlines():
        m = METRIC_LINE.match(ln)
        if m and m.group(1) == name:
            total += float(m.group(3))
            seen = True
    check(seen, "no %s in /metrics" % name)
    return total


def keepalive_client(s, target, count, errors):
    """`count` requests on one keep-alive connection."""
    try:
        c = s.conn(timeout=30)
        try:
            for _ in range(count):
                c.send_request("GET", target, {"Host": "t"})
                r = c.read_response(30)
                if r.status != 200:
                    errors.append("%s: %d" % (target, r.status))
                    return
        finally:
            c.close()
    except Exception as e:  # noqa: BLE001
        errors.append("%s: %r" % (target, e))


def case_short_requests_stay_on_one_worker():
    clients, each = 16, 100
    with gt.Server(GILD, CONFIG, extra_args=["--threads", "8"], keep_lines=False) as s:
        before = metric(s, "gild_gil_switches_total")
        errors = []
        ts = [threading.Thread(target=keepalive_client, args=(s, "/hello", each, errors))
              for _ in range(clients)]
        gt.run_threads(ts, 120, "clients")
        check(not errors, "errors: %s" % errors[:5])
        switches = metric(s, "gild_gil_switches_total") - before
        n = clients * each
        print("    %d requests from %d clients, %d GIL switches" % (n, clients, switches))
        check(switches <= n / 4, "%d GIL switches for %d short requests: the pool woke a "
              "thread per request" % (switches, n))
        s.stop_clean()


def case_io_worker_not_starved_by_cpu_stream():
    with gt.Server(GILD, CONFIG, extra_args=["--threads", "8"], keep_lines=False) as s:
        n = gt.calibrate_cpu(s, 0.002, n=20000, min_dt=0.05)
        stop = threading.Event()
        errors = []

        def hammer():
            try:
                c = s.conn(timeout=30)
                try:
                    while not stop.is_set():
                        c.send_request("GET", "/cpu?n=%d" % n, {"Host": "t"})
                        if c.read_response(30).status != 200:
                            errors.append("/cpu status")
                            return
                finally:
                    c.close()
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        ts = [threading.Thread(target=hammer) for _ in range(4)]
        for t in ts:
            t.start()
        waits = []
        try:
            c = s.conn(timeout=30)
            try:
                for _ in range(30):
                    c.send_request("GET", "/io?ms=1", {"Host": "t"})
                    r = c.read_response(30)
                    eq(r.status, 200, "/io?ms=1 status")
                    waits.append(gt.server_timing(r)["gil-wait"])
            finally:
                c.close()
        finally:
            stop.set()
            for t in ts:
                t.join(60)
        check(not errors, "hammer errors: %s" % errors[:3])
        med, worst = statistics.median(waits), max(waits)
        print("    /io GIL wait next to /cpu (n=%d): median %.2f ms, max %.2f ms"
              % (n, med, worst))
        # Stepping aside, the running worker leaves the GIL to the one back
        # from I/O when its /cpu ends: ~1-3 ms on a quiet machine. Taking
        # the next /cpu and the GIL straight back made it wait for a forced
        # switch (9-14 ms), or longer while the queue never emptied (a
        # peers run saw p99 184 ms). The bound leaves room for a loaded
        # machine (CI under load measured 9.7 ms), so it catches starvation,
        # not every lost step-aside.
        check(med <= 4 * SWITCH_INTERVAL * 1000,
              "/io waited %.1f ms (median) for the GIL behind a /cpu stream" % med)
        s.stop_clean()


def case_long_task_spreads_the_queue():
    with gt.Server(GILD, CONFIG, extra_args=["--threads", "4"], keep_lines=False) as s:
        n = gt.calibrate_cpu(s, 0.4, n=20000, min_dt=0.05)
        long_call = {}

        def run_long():
            t0 = time.monotonic()
            r = s.request("GET", "/cpu?n=%d" % n, timeout=60)
            long_call["r"], long_call["t"] = r, time.monotonic() - t0

        t = threading.Thread(target=run_long)
        t.start()
        served, lat = 0, []
        c = s.conn(timeout=30)
        try:
            while "r" not in long_call and served < 200:
                t0 = time.monotonic()
                c.send_request("GET", "/hello", {"Host": "t"})
                eq(c.read_response(30).status, 200, "/hello status")
                if "r" not in long_call:
                    served += 1
                    lat.append(time.monotonic() - t0)
        finally:
            c.close()
        t.join(60)
        check("r" in long_call, "the long /cpu did not answer")
        eq(long_call["r"].status, 200, "long /cpu status")
        print("    %d /hello answered during a %.2f s /cpu; median %.1f ms"
              % (served, long_call["t"], 1000 * statistics.median(lat) if lat else -1))
        check(served >= 5, "only %d /hello answered while a %.2f s /cpu ran"
              % (served, long_call["t"]))
        s.stop_clean()


CASES = [
    ("short requests stay on one worker", case_short_requests_stay_on_one_worker),
    ("/io not starved by a /cpu stream", case_io_worker_not_starved_by_cpu_stream),
    ("a long task spreads the queue", case_long_task_spreads_the_queue),
]

if __name__ == "__main__":
    gt.run_cases(CASES)
