#!/usr/bin/env python3
"""The classic GIL experiments (tests/gil/countdown_*.py, switchinterval.py) as plain
Python, under `gild run --gil-stats` and under python3.

    test_experiments.py GILD

Checks the shape of what each program prints (never its timing) and the GIL counters
gild reports on stderr at exit (one JSON line, see `gild run --gil-stats`):

  * 1 thread: the main thread alone never has to hand the GIL over: a handful of
    switches at most.
  * 2 threads: both are CPU-bound and always runnable, so the waiting one asks for the
    GIL after every 5 ms switch interval and the holder drops it: about one switch per
    interval while both run. The count is sized from a calibration run (the 1-thread
    program's gil_held_s for CALIBRATE_COUNT), so the countdown holds the GIL for about
    WORK_S seconds whatever the build's speed (sanitizers are many times slower):
    WORK_S / 5 ms = 200 intervals, and a handover costs a little more than one
    interval, so 120-180 switches are expected. >= 50 is a floor that leaves room for
    a loaded 2-core machine, and is still far above the handful a GIL without
    preemption shows (each thread would run to completion). Almost every switch
    answers a drop request, so the two counts agree within a few (the other switches
    are the hand-offs at start() and join()). Timing sizes the work; it is never
    checked.
  * 2 processes, Pool of 2: each child has its own GIL, so the parent's counters show
    no switching between them (a handful at most), and the children's results are in
    the output.
  * switchinterval.py prints 0.005 under both.
Every run is bounded by a timeout; nothing here sleeps to synchronise.
"""
import os
import re
import subprocess
import sys

from gilstats import count_for, gil_stats

HERE = os.path.dirname(os.path.abspath(__file__))
# gild's count is sized so each experiment holds the GIL for about WORK_S seconds;
# python3 only checks the shape, with a small count.
CALIBRATE_COUNT = 40000000
WORK_S = 1.0
MAX_COUNT = 2000000000
PY_COUNT = "3000000"
TIMEOUT = 300  # sanitizer builds run the countdown many times slower

SHAPES = {
    "countdown_1thread.py": r"sequential 1 thread: \d+\.\d\d s",
    "countdown_2threads.py": r"2 threads: \d+\.\d\d s",
    "countdown_2processes.py": r"2 processes: \d+\.\d\d s \(exit codes 0 0\)",
    "countdown_pool.py": r"pool of 2 processes: \d+\.\d\d s \(results \[0, 0\]\)",
}
HANDFUL = 5

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(argv):
    p = subprocess.run(argv, cwd=HERE, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def run_gild(gild, script, count):
    rc, out, err = run([gild, "run", "--gil-stats", script, str(count)])
    print("gild %s: %s %s" % (script, out.strip(), (gil_stats(err) or err.strip())))
    check(rc == 0, "%s under gild exited %s: %s" % (script, rc, err.strip()))
    check(re.fullmatch(SHAPES[script] + r"\n", out) is not None,
          "%s under gild printed %r" % (script, out))
    stats = gil_stats(err)
    # children leave through _exit: only the parent prints its totals
    nlines = sum(1 for line in err.splitlines() if '"gil_switches"' in line)
    check(nlines <= 1, "%s: %d --gil-stats lines (children must not print theirs)" % (script, nlines))
    check(stats is not None, "%s under gild: no --gil-stats line on stderr: %r" % (script, err))
    if stats is not None:
        for key in ("gil_switches", "gil_acquisitions", "gil_drop_requests", "gil_releases",
                    "gil_wait_s", "gil_held_s"):
            check(key in stats, "%s: --gil-stats has no %s" % (script, key))
        check(set(stats.get("gil_releases", {})) == {"io", "interval", "done", "yield"},
              "%s: gil_releases keys %r" % (script, stats.get("gil_releases")))
    return stats or {}


def calibrate(gild):
    """A count that keeps gild's countdown busy for about WORK_S seconds."""
    st = run_gild(gild, "countdown_1thread.py", CALIBRATE_COUNT)
    return count_for(st, CALIBRATE_COUNT, WORK_S, MAX_COUNT)


def test_gild(gild):
    count = calibrate(gild)
    print("gild count: %d" % count)
    one = run_gild(gild, "countdown_1thread.py", count)
    check(one.get("gil_switches", 0) <= HANDFUL,
          "1 thread: %s switches, expected at most %d" % (one.get("gil_switches"), HANDFUL))

    two = run_gild(gild, "countdown_2threads.py", count)
    sw, dr = two.get("gil_switches", 0), two.get("gil_drop_requests", 0)
    check(sw >= 50, "2 threads: %d switches, expected hundreds (>= 50)" % sw)
    check(abs(sw - dr) <= max(10, sw // 10),
          "2 threads: %d switches but %d drop requests" % (sw, dr))
    check(two.get("gil_releases", {}).get("interval", 0) >= 50,
          "2 threads: releases %r, expected >= 50 by interval" % two.get("gil_releases"))

    for script in ("countdown_2processes.py", "countdown_pool.py"):
        st = run_gild(gild, script, count)
        check(st.get("gil_switches", 0) <= HANDFUL,
              "%s: the parent switched %s times, expected at most %d"
              % (script, st.get("gil_switches"), HANDFUL))
        check(st.get("gil_releases", {}).get("interval", 0) <= HANDFUL,
              "%s: the parent was forced off %s times" % (script, st.get("gil_releases")))


def test_python3():
    for script, shape in SHAPES.items():
        rc, out, err = run([sys.executable, script, PY_COUNT])
        print("python3 %s: %s" % (script, out.strip()))
        check(rc == 0 and re.fullmatch(shape + r"\n", out) is not None,
              "%s under python3: exit %s, printed %r %s" % (script, rc, out, err))


def test_switchinterval(gild):
    for argv in ([gild, "run", "switchinterval.py"], [sys.executable, "switchinterval.py"]):
        rc, out, err = run(argv)
        check(rc == 0 and out == "0.005\n", "%s printed %r (exit %s) %s" % (argv[0], out, rc, err))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    gild = sys.argv[1]
    test_switchinterval(gild)
    test_python3()
    test_gild(gild)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
