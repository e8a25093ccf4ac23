#!/usr/bin/env python3
"""Ctrl-C under `gild run`, against python3: SIGINT raises KeyboardInterrupt in the main
thread, wherever it is (an interpreted loop, a native loop region, a pure function run
as machine code, a time.sleep, a Thread.join), `try/except KeyboardInterrupt` and `finally` see it, and
an uncaught one prints the traceback's last line `KeyboardInterrupt` and dies of SIGINT.

    test_sigint.py GILD [--interpreter-only]

--interpreter-only (the ThreadSanitizer build): only `gild run --no-native`. TSan hands
an asynchronous signal to its handler when the thread next enters the TSan runtime, and
a loop running as the native tier's machine code (not instrumented) never does.

Each script prints `ready` (flushed) inside its try block, just before it blocks or
spins (CPython may raise right after print returns: outside the try, the outcome would
depend on timing); the test then sends SIGINT and compares exit status, stdout and the last stderr line with python3's.
The children start with SIGINT at its default (a shell running the suite in the
background would hand them SIG_IGN, which both interpreters keep). No sleeps: the
test waits for the `ready` line, bounded by a timeout.
"""
import os
import signal
import subprocess
import sys
import tempfile

TIMEOUT = 60

SCRIPTS = {
    "loop_caught": """
def spin():
    n = 0
    while True:
        n += 1
try:
    print("ready", flush=True)
    spin()
except KeyboardInterrupt:
    print("interrupted")
""",
    "pure_function_caught": """
def churn(n):
    while n > 0:
        n += 1
        n -= 1
    return n
try:
    print("ready", flush=True)
    churn(5)
except KeyboardInterrupt as e:
    print("interrupted", type(e).__name__, repr(str(e)))
""",
    "sleep_caught": """
import time
try:
    print("ready", flush=True)
    time.sleep(30)
except KeyboardInterrupt:
    print("interrupted")
""",
    "finally_runs": """
def spin():
    i = 0
    s = ""
    while True:
        i += 1
        if i % 100000 == 0:
            s = str(i)
try:
    print("ready", flush=True)
    spin()
finally:
    print("cleanup")
""",
    "join_caught": """
import threading
def spin():
    n = 0
    while True:
        n += 1
t = threading.Thread(target=spin, daemon=True)
t.start()
try:
    print("ready", flush=True)
    t.join()
except KeyboardInterrupt:
    print("interrupted while joining")
""",
    "uncaught": """
def spin():
    n = 0
    while True:
        n += 1
print("ready", flush=True)
spin()
""",
}


def default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(argv):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=default_sigint)
    try:
        first = p.stdout.readline()  # bounded by the communicate timeout below if it hangs
        if first != b"ready\n":
            p.kill()
            out, err = p.communicate(timeout=TIMEOUT)
            return None, first + out, err
        os.kill(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=TIMEOUT)
        return p.returncode, out, err
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return "timeout", b"", b""


def last_line(err):
    lines = [l for l in err.decode(errors="replace").splitlines() if l.strip()]
    return lines[-1] if lines else ""


def main():
    gild = sys.argv[1]
    variants = [["run", "--no-native"]] if "--interpreter-only" in sys.argv[2:] else [["run"], ["run", "--no-native"]]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, src in SCRIPTS.items():
            path = os.path.join(tmp, name + ".py")
            with open(path, "w") as f:
                f.write(src.lstrip())
            want = run([sys.executable, path])
            for variant in variants:
                argv = [gild] + variant + [path]
                got = run(argv)
                same = (got[0], got[1], last_line(got[2])) == (want[0], want[1], last_line(want[2]))
                label = "%s (%s)" % (name, " ".join(argv[1:-1]))
                if same:
                    print("ok", label, "exit", got[0])
                else:
                    failures += 1
                    print("FAIL", label)
                    print("  python3: exit %s, stdout %r, last stderr %r" % (want[0], want[1], last_line(want[2])))
                    print("  gild:    exit %s, stdout %r, last stderr %r" % (got[0], got[1], last_line(got[2])))
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
