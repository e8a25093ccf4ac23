#!/usr/bin/env python3
"""What gild asks of the kernel's scheduler, end to end: the real `gild` on
tests/handlers/t4_gil.json over HTTP on 127.0.0.1, observed through
/proc/<pid>/task/<tid>/{sched,stat}.

- io-priority: a worker running a CPU-bound request (a route whose last
  requests were CPU-bound) has the long slice (sched_cpu_slice_us) while it
  runs, and every worker has the short one (sched_slice_us) again once it
  is done; with cpython the slices never change;
- loop_nice: the event-loop thread (the main thread) gets it and the
  workers keep theirs; without the privilege gild says so on stderr and
  keeps serving.

Slices are Linux 6.12+ (EEVDF custom slices, `se.slice` in sched): on an
older kernel the slice case says so and passes. The waits poll /proc with
a deadline while a request runs; no sleeping as synchronisation.

Usage: python3 test_server_sched.py GILD SOURCE_DIR
"""

import json
import os
import sys
import tempfile
import threading
import time

GILD, SRC = sys.argv[1], os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
import gildtest as gt  # noqa: E402
from gildtest import check, eq  # noqa: E402

SHORT_US, LONG_US = 100, 3000   # the defaults of sched_slice_us, sched_cpu_slice_us


def config(**top):
    """t4_gil.json with `top` keys set, its handler dir made absolute."""
    hdir = os.path.join(SRC, "tests", "handlers")
    with open(os.path.join(hdir, "t4_gil.json")) as f:
        cfg = json.load(f)
    cfg["handlers"] = hdir
    cfg.update(top)
    fd, path = tempfile.mkstemp(prefix="gild-sched-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(cfg, f)
    return path


def task_ids(pid):
    return [int(t) for t in os.listdir("/proc/%d/task" % pid)]


def slice_ns(pid, tid):
    """The thread's se.slice, or None (gone, or a kernel without it)."""
    try:
        with open("/proc/%d/task/%d/sched" % (pid, tid)) as f:
            for ln in f:
                if ln.startswith("se.slice"):
                    return int(ln.split(":")[1])
    except OSError:
        return None
    return None


def nice(pid, tid):
    with open("/proc/%d/task/%d/stat" % (pid, tid)) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[16])  # field 19 of stat; fields[0] is field 3


def comm(pid, tid):
    try:
        with open("/proc/%d/task/%d/comm" % (pid, tid)) as f:
            return f.read().strip()
    except OSError:
        return ""


def workers(pid):
    """The pool's threads, by the name gild gives them."""
    return [t for t in task_ids(pid) if comm(pid, t).startswith("gild-worker-")]


def worker_slices(pid):
    return {t: slice_ns(pid, t) for t in workers(pid)}


def long_cpu_in_background(s, seconds):
    n = gt.calibrate_cpu(s, seconds, n=20000, min_dt=0.05)  # also makes /cpu CPU-bound
    done = {}

    def run():
        r = s.request("GET", "/cpu?n=%d" % n, timeout=60)
        done["status"] = r.status

    t = threading.Thread(target=run)
    t.start()
    return t, done


def slices_while_cpu_runs(policy):
    """The slices seen while a ~0.5 s /cpu runs, then after it."""
    path = config()
    try:
        with gt.Server(GILD, path, extra_args=["--threads", "4", "--gil-policy", policy],
                       keep_lines=False) as s:
            start = worker_slices(s.pid)
            t, done = long_cpu_in_background(s, 0.5)
            seen = set()
            deadline = time.monotonic() + 30
            while "status" not in done and time.monotonic() < deadline:
                seen.update(v for v in worker_slices(s.pid).values() if v)
                if LONG_US * 1000 in seen:
                    break
            t.join(60)
            eq(done.get("status"), 200, "long /cpu status")
            # The hook runs on the worker's own thread right after its drop:
            # poll until it has (bounded).
            deadline = time.monotonic() + 10
            after = worker_slices(s.pid)
            while LONG_US * 1000 in after.values() and time.monotonic() < deadline:
                after = worker_slices(s.pid)
            s.stop_clean()
            return start, seen, after
    finally:
        os.unlink(path)


def case_cpu_bound_worker_gets_long_slice():
    if slice_ns(os.getpid(), os.getpid()) is None:
        print("    this kernel shows no se.slice (custom slices are Linux 6.12+): nothing to check")
        return
    start, seen, after = slices_while_cpu_runs("io-priority")
    eq(len(start), 4, "threads named gild-worker-N")
    if set(start.values()) != {SHORT_US * 1000}:
        print("    the kernel did not take the %d us slice (%s): nothing to check"
              % (SHORT_US, sorted(set(start.values()))))
        return
    check(LONG_US * 1000 in seen, "io-priority: no worker had the %d us slice while /cpu ran "
          "(seen %s)" % (LONG_US, sorted(seen)))
    eq(set(after.values()), {SHORT_US * 1000}, "io-priority: worker slices after /cpu")
    _, seen, after = slices_while_cpu_runs("cpython")
    eq(seen, {SHORT_US * 1000}, "cpython: worker slices while /cpu ran")
    eq(set(after.values()), {SHORT_US * 1000}, "cpython: worker slices after /cpu")


def case_loop_nice():
    path = config(loop_nice=-5)
    try:
        with gt.Server(GILD, path, extra_args=["--threads", "2"], keep_lines=False) as s:
            eq(s.request("GET", "/hello").status, 200, "/hello with loop_nice")
            ws = workers(s.pid)
            eq(len(ws), 2, "threads named gild-worker-N")
            worker_nices = [nice(s.pid, t) for t in ws]
            loop = nice(s.pid, s.pid)
            if os.geteuid() == 0:
                eq(loop, -5, "the event loop's nice value")
            else:
                # Without CAP_SYS_NICE: a warning naming the key and the fix.
                deadline = time.monotonic() + 5
                while "loop_nice -5" not in s.stderr() and time.monotonic() < deadline:
                    time.sleep(0.01)  # polling the drained stderr, bounded
                check("loop_nice -5" in s.stderr() and "CAP_SYS_NICE" in s.stderr(),
                      "no warning about loop_nice: %s" % s.stderr()[-500:])
                eq(loop, 0, "the event loop's nice value without the privilege")
            eq(set(worker_nices), {0}, "the workers' nice values")
            s.stop_clean()
    finally:
        os.unlink(path)


CASES = [
    ("a CPU-bound worker has the long slice (io-priority only)",
     case_cpu_bound_worker_gets_long_slice),
    ("loop_nice applies to the event loop only", case_loop_nice),
]

if __name__ == "__main__":
    gt.run_cases(CASES)
