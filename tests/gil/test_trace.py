#!/usr/bin/env python3
"""The GIL timeline of `gild run --gil-trace FILE` (Chrome trace-event JSON).

    test_trace.py GILD

Runs countdown_2threads.py under `--gil-stats --gil-trace`, with a count sized so the
countdown holds the GIL for about 0.15 s (dozens of switch intervals) whatever the
build's speed (the native tier runs the loop many times faster than the interpreter,
sanitizers many times slower), and checks the JSON, not the timing:

  * it parses, has traceEvents and displayTimeUnit, and names its tracks with "M"
    thread_name events: MainThread and at least two Thread-N tracks;
  * every "X" slice is one of wants_gil / running... / io / idle, with ts >= 0 and
    dur >= 0, and the slices of one track never overlap;
  * the two countdown threads alternate on the GIL: their running slices interleave
    (more than one hand-over), and no two running slices of different threads overlap
    (one holder at a time);
  * the running slices add up to the held seconds --gil-stats reports for the same run
    (the timeline and the counters read the same clock at the same moments).
"""
import json
import os
import subprocess
import sys
import tempfile

from gilstats import count_for, gil_stats

HERE = os.path.dirname(os.path.abspath(__file__))
CALIBRATE_COUNT = 4000000
WORK_S = 0.15  # of GIL time: dozens of switch intervals
MAX_COUNT = 4000000000
TIMEOUT = 300  # sanitizer builds run the countdown many times slower
EPS_US = 0.001  # one nanosecond, the precision of ts and dur

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def calibrate(gild):
    """The count that keeps the countdown on the GIL for about WORK_S seconds."""
    p = subprocess.run([gild, "run", "--gil-stats", "countdown_1thread.py", str(CALIBRATE_COUNT)],
                       cwd=HERE, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    return count_for(gil_stats(p.stderr.decode()), CALIBRATE_COUNT, WORK_S, MAX_COUNT)


def main():
    gild = sys.argv[1]
    count = calibrate(gild)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "trace.json")
        p = subprocess.run([gild, "run", "--gil-stats", "--gil-trace", out,
                            "countdown_2threads.py", str(count)],
                           cwd=HERE, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        stderr = p.stderr.decode()
        check(p.returncode == 0, f"gild run exit status {p.returncode}: {stderr}")
        stats = gil_stats(stderr)
        check(stats is not None, f"no --gil-stats line in stderr: {stderr!r}")
        try:
            with open(out) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            check(False, f"trace file is not JSON: {e}")
            return
    check(isinstance(doc.get("traceEvents"), list), "no traceEvents list")
    check(doc.get("displayTimeUnit") == "ms", "displayTimeUnit is not ms")
    events = doc.get("traceEvents", [])
    names = {e["tid"]: e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    check("MainThread" in names.values(), f"no MainThread track: {names}")
    workers = [tid for tid, n in names.items() if n.startswith("Thread-")]
    check(len(workers) >= 2, f"fewer than two Thread-N tracks: {names}")

    slices = [e for e in events if e.get("ph") == "X"]
    check(slices, "no X slices")
    tracks = {}
    for e in slices:
        ok_name = e["name"] in ("wants_gil", "io", "idle") or e["name"].startswith("running")
        check(ok_name, f"unexpected slice name {e['name']!r}")
        check(e["ts"] >= 0 and e["dur"] >= 0, f"negative ts or dur: {e}")
        check(e["tid"] in names, f"slice on an unnamed track: {e}")
        tracks.setdefault(e["tid"], []).append(e)
    for tid, evs in tracks.items():
        evs.sort(key=lambda e: e["ts"])
        for a, b in zip(evs, evs[1:]):
            check(a["ts"] + a["dur"] <= b["ts"] + EPS_US,
                  f"overlapping slices on track {names.get(tid)}: {a} {b}")

    running = sorted((e for e in slices if e["name"].startswith("running")),
                     key=lambda e: e["ts"])
    for a, b in zip(running, running[1:]):
        check(a["ts"] + a["dur"] <= b["ts"] + EPS_US,
              f"two threads running at once: {a} {b}")
    worker_runs = [e["tid"] for e in running if e["tid"] in workers]
    handovers = sum(1 for a, b in zip(worker_runs, worker_runs[1:]) if a != b)
    for tid in workers[:2]:
        check(worker_runs.count(tid) >= 2, f"{names[tid]} ran fewer than twice: {worker_runs}")
    check(handovers >= 2, f"the countdown threads did not alternate: {worker_runs}")

    if stats:
        run_s = sum(e["dur"] for e in running) / 1e6
        held_s = stats["gil_held_s"]
        check(abs(run_s - held_s) <= max(0.001, 0.01 * held_s),
              f"running slices {run_s:.6f} s vs --gil-stats held {held_s:.6f} s")
        print(f"running {run_s:.6f} s, held {held_s:.6f} s, {len(running)} running slices, "
              f"{handovers} hand-overs between the countdown threads")


if __name__ == "__main__":
    main()
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("ok")
