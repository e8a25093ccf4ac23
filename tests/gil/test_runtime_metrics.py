#!/usr/bin/env python3
"""The handler runtime's observability under the real server (tests/handlers/t4_gil.json,
4 workers, cpython policy): the numbers add up, not just exist.

After a known workload (20 x /io?ms=20 and 20 x /cpu, four at a time):
  * Server-Timing: per request, gil-wait + gil + io are the growth of the worker's own
    GIL counters, so their sums over all requests equal the growth of
    gild_gil_wait_seconds_total, gild_gil_held_seconds_total and the io counters (to the
    header's 0.01 ms rounding); the io sum is about 20 x 20 ms;
  * the per-worker counters add up to the totals (no GIL time outside requests);
  * on a quiet server, the wait histogram's _count equals gild_gil_acquisitions_total
    and the hold histogram's _count equals the sum of gild_gil_releases_total; every
    histogram's buckets are cumulative and +Inf equals _count;
  * gauges make sense (ratios in [0, 1], one policy_info series, VM counters grow);
  * promtool check metrics (if installed) reports nothing;
  * /debug/gil/trace?seconds=1 under load is Chrome trace JSON with worker tracks and
    running slices labelled by route.

Usage: python3 test_runtime_metrics.py GILD SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading

GILD, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
import gildtest as gt  # noqa: E402
from gildtest import check  # noqa: E402

CONFIG = os.path.join(SRC, "tests", "handlers", "t4_gil.json")
# Label values may contain braces ("/info/{a}/{b}"): match quoted strings whole.
LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?\s+(\S+)$')
TIMING = re.compile(r"([a-z-]+);dur=([0-9.]+)")


def scrape(s):
    r = s.request("GET", "/metrics", timeout=10)
    check(r.status == 200, "GET /metrics: %d" % r.status)
    text = r.body.decode()
    out = {}
    for ln in text.splitlines():
        if ln and not ln.startswith("#"):
            m = LINE.match(ln)
            check(m, "malformed metrics line %r" % ln)
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return text, out


def total(ms, name):
    vals = [v for (n, _), v in ms.items() if n == name]
    check(vals, "no %s in /metrics" % name)
    return sum(vals)


def histogram_count(ms, name):
    buckets = [(lab, v) for (n, lab), v in ms.items() if n == name + "_bucket"]
    check(buckets, "no %s_bucket" % name)
    order = sorted(buckets, key=lambda b: float("inf") if "+Inf" in b[0]
                   else float(re.search(r'le="([^"]+)"', b[0]).group(1)))
    vals = [v for _, v in order]
    check(vals == sorted(vals), "%s buckets are not cumulative: %s" % (name, vals))
    check("+Inf" in order[-1][0], "%s has no +Inf bucket" % name)
    check(vals[-1] == ms[(name + "_count", "")], "%s: +Inf %s != _count %s"
          % (name, vals[-1], ms[(name + "_count", "")]))
    return vals[-1]


def workload(s):
    """20 /io?ms=20 and 20 /cpu, four clients at a time; returns the Server-Timing sums."""
    sums = {"gil-wait": 0.0, "gil": 0.0, "io": 0.0}
    lock = threading.Lock()
    errors = []
    jobs = ["/io?ms=20"] * 20 + ["/cpu?n=200000"] * 20

    def client(k):
        for path in jobs[k::4]:
            try:
                r = s.request("GET", path, timeout=60)
                st = r.header("server-timing") or ""
                got = dict((a, float(b)) for a, b in TIMING.findall(st))
                if r.status != 200 or set(got) != set(sums):
                    errors.append("%s: %d, Server-Timing %r" % (path, r.status, st))
                with lock:
                    for key in sums:
                        sums[key] += got.get(key, 0.0) / 1000.0
            except Exception as e:  # noqa: BLE001 - reported as a failure below
                errors.append("%s: %r" % (path, e))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    check(not errors, "workload errors: %s" % errors[:5])
    return sums


def case_numbers(s):
    _, before = scrape(s)
    sums = workload(s)
    text, after = scrape(s)

    def grew(name):
        return total(after, name) - total(before, name)

    n = 40
    tol = n * 0.00001 + 0.0005  # the header's 0.01 ms rounding, per request
    for key, name in (("gil-wait", "gild_gil_wait_seconds_total"),
                      ("gil", "gild_gil_held_seconds_total"),
                      ("io", "gild_worker_io_seconds_total")):
        check(abs(sums[key] - grew(name)) <= tol,
              "Server-Timing %s sums to %.6f s, %s grew %.6f s" % (key, sums[key], name, grew(name)))
    check(0.4 <= sums["io"] <= 0.4 + 20 * 0.05, "io %.3f s for 20 x 20 ms" % sums["io"])
    check(sums["gil"] > 0, "no GIL time at all")
    for worker, whole in (("gild_worker_gil_held_seconds_total", "gild_gil_held_seconds_total"),
                          ("gild_worker_gil_wait_seconds_total", "gild_gil_wait_seconds_total")):
        check(abs(grew(worker) - grew(whole)) <= 1e-6,
              "%s grew %.9f, %s %.9f" % (worker, grew(worker), whole, grew(whole)))

    acq = after[("gild_gil_acquisitions_total", "")]
    rel = total(after, "gild_gil_releases_total")
    check(histogram_count(after, "gild_gil_wait_seconds") == acq,
          "wait histogram count != acquisitions %s" % acq)
    check(histogram_count(after, "gild_gil_hold_seconds") == rel,
          "hold histogram count != releases %s" % rel)
    check(rel == acq, "quiet server: releases %s != acquisitions %s" % (rel, acq))
    handoffs = histogram_count(after, "gild_gil_handoff_seconds")
    check(handoffs <= after[("gild_gil_switches_total", "")], "more handoffs than switches")
    for (name, lab), v in after.items():
        if name.endswith("_ratio"):
            check(0 <= v <= 1, "%s%s = %s" % (name, lab, v))
    check(after.get(("gild_gil_policy_info", '{policy="cpython"}')) == 1, "policy_info")
    check(after[("gild_gil_switch_interval_seconds", "")] == 0.005, "switch interval")
    check(after[("gild_gil_waiting_threads", "")] == 0, "waiters on a quiet server")
    check(grew("gild_vm_allocations_total") > 0, "VM allocations did not grow")
    check(after[("gild_vm_objects_live", "")] > 0, "no live objects")
    for outcome in ("done", "bailed"):
        key = ("gild_vm_native_calls_total", '{outcome="%s"}' % outcome)
        check(key in after and after[key] >= 0, "no %s%s series" % key)
    # the workload's /cpu loops run natively
    check(grew("gild_vm_native_loop_runs_total") > 0, "no native loop runs during /cpu")
    check(after[("gild_gil_hold_max_seconds", "")] > 0, "hold max")

    promtool = shutil.which("promtool")
    if promtool:
        p = subprocess.run([promtool, "check", "metrics"], input=text.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        check(p.returncode == 0 and not p.stdout.strip(),
              "promtool check metrics: %s" % p.stdout.decode()[:2000])
    print("ok numbers: gil %.4f s, wait %.4f s, io %.4f s over 40 requests"
          % (sums["gil"], sums["gil-wait"], sums["io"]))


def case_trace(s):
    result = {}

    def fetch():
        result["r"] = s.request("GET", "/debug/gil/trace?seconds=1", timeout=30)

    t = threading.Thread(target=fetch)
    t.start()
    # Requests until the trace has answered: they run while it records.
    for _ in range(200):
        s.request("GET", "/cpu?n=50000", timeout=30)
        if not t.is_alive():
            break
    t.join(30)
    r = result.get("r")
    check(r is not None and r.status == 200, "trace: %r" % r)
    if r.status != 200:
        return
    doc = json.loads(r.body)
    check(doc.get("displayTimeUnit") == "ms", "displayTimeUnit")
    evs = doc["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in evs if e.get("ph") == "M" and e["name"] == "thread_name"}
    check(sum(1 for n in names.values() if n.startswith("worker-")) >= 1, "no worker track: %s" % names)
    running = [e for e in evs if e.get("ph") == "X" and e["name"].startswith("running")]
    check(any(e["name"] == "running GET /cpu" for e in running),
          "no 'running GET /cpu' slice: %s" % sorted({e["name"] for e in running}))
    for e in evs:
        if e.get("ph") == "X":
            check(e["dur"] >= 0 and e["ts"] >= 0, "negative slice %s" % e)
    print("ok trace: %d events, %d running slices" % (len(evs), len(running)))


def main():
    with gt.Server(GILD, CONFIG, extra_args=["--threads", "4", "--gil-policy", "cpython"]) as s:
        gt.run_cases([("numbers add up", lambda: case_numbers(s)),
                      ("timeline", lambda: case_trace(s))])


if __name__ == "__main__":
    main()
