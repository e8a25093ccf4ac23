#!/usr/bin/env python3
"""threading and multiprocessing under `gild run`, against python3, for what the
differential tests of tests/lang (thr_*.py) cannot compare:

  * the header CPython prints above an uncaught exception's traceback in a thread
    (`Exception in thread Thread-1 (boom):`) and in a child process
    (`Process Process-1:`): the same first line of stderr, the same last line;
  * at exit the main thread waits for non-daemon threads (their output is there) and
    not for daemon threads (a daemon spinning forever does not keep the program up,
    and daemons busy with shared objects do not crash the exit);
  * a process forked while another thread is running bytecode gets a working GIL of
    its own (the child runs and exits 0; the parent's threads finish).

    test_threads_basic.py GILD

Each program runs under both with a timeout; the checks never depend on timing.
"""
import os
import subprocess
import sys
import tempfile

TIMEOUT = 60

PROGRAMS = {
    "thread_exception": '''
import threading
def boom():
    raise ValueError("bad thread")
t = threading.Thread(target=boom)
t.start()
t.join()
print("joined")
''',
    "process_exception": '''
from multiprocessing import Process
def boom():
    raise KeyError("bad child")
if __name__ == "__main__":
    p = Process(target=boom)
    p.start()
    p.join()
    print("exitcode", p.exitcode)
''',
    # the main thread ends first (the worker waits for it to print); the worker
    # still prints before the program exits
    "join_at_exit": '''
import threading
printed = threading.Lock()
printed.acquire()
def work():
    printed.acquire()
    n = 2000000
    while n > 0:
        n -= 1
    print("worker done")
threading.Thread(target=work).start()
print("main done")
printed.release()
''',
    # a daemon thread that never ends must not keep the program alive
    "daemon_at_exit": '''
import threading
def spin():
    while True:
        pass
threading.Thread(target=spin, daemon=True).start()
print("main done")
''',
    # daemon threads busy with shared objects while the main thread exits: the exit
    # path must not free the interpreter under them
    "daemon_busy_at_exit": '''
import threading
data = {"n": 0}
def spin():
    while True:
        data["n"] += 1
        x = [data, str(data["n"])]
for i in range(2):
    threading.Thread(target=spin, daemon=True).start()
n = 200000
while n > 0:
    n -= 1
print("main done")
''',
    # fork while another thread runs bytecode (and may hold the GIL)
    "fork_with_thread": '''
import threading
from multiprocessing import Process
def countdown(n):
    while n > 0:
        n -= 1
def child():
    countdown(100000)
    print("child ran in", threading.current_thread().name)
if __name__ == "__main__":
    t = threading.Thread(target=countdown, args=(3000000,))
    t.start()
    ps = [Process(target=child) for _ in range(3)]
    for p in ps:  # one at a time: children printing at once would interleave
        p.start()
        p.join()
    t.join()
    print("exit codes", [p.exitcode for p in ps])
''',
}

# Programs whose stdout is compared as a sorted list of lines (none so far: each
# program orders its threads' output itself).
SORTED_STDOUT = set()

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(argv, cwd):
    try:
        p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def lines(text):
    return text.rstrip("\n").split("\n") if text else []


def compare(gild, name, src, tmp):
    path = os.path.join(tmp, name + ".py")
    with open(path, "w") as f:
        f.write(src.lstrip("\n"))
    g = run([gild, "run", name + ".py"], tmp)
    p = run([sys.executable, name + ".py"], tmp)
    print("%s: gild %r, python3 %r" % (name, g[:2], p[:2]))
    check(g[0] == p[0], "%s: exit status gild %s, python3 %s" % (name, g[0], p[0]))
    g_out, p_out = g[1], p[1]
    if name in SORTED_STDOUT:
        g_out, p_out = sorted(lines(g_out)), sorted(lines(p_out))
    check(g_out == p_out, "%s: stdout gild %r, python3 %r" % (name, g_out, p_out))
    ge, pe = lines(g[2]), lines(p[2])
    check(ge[:1] == pe[:1], "%s: first stderr line gild %r, python3 %r" % (name, ge[:1], pe[:1]))
    check(ge[-1:] == pe[-1:], "%s: last stderr line gild %r, python3 %r" % (name, ge[-1:], pe[-1:]))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    gild = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        for name, src in PROGRAMS.items():
            compare(gild, name, src, tmp)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
