"""mtest: helpers of the metrics tests (python3 stdlib only).

Starts the real `gild` on config/gild.json (or a variant of it written to a
temporary file) with --listen 127.0.0.1:0, reads the port from its first
stdout line, drains stdout and stderr in threads (the access log is kept for
the tests to read), and stops it by PID. Every wait has a deadline; nothing
sleeps to synchronise.

Usage from a test script:  python3 test_x.py GILD SOURCE_DIR
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
SKIP = 77
SANITIZER_MARKS = ("WARNING: ThreadSanitizer", "ERROR: AddressSanitizer",
                   "ERROR: LeakSanitizer", "runtime error:")


def args():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: %s GILD SOURCE_DIR\n" % sys.argv[0])
        sys.exit(2)
    return sys.argv[1], sys.argv[2]


class Failure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Gild:
    """A running gild. `overrides` are top-level config keys replaced in a
    copy of config/gild.json (handlers made absolute)."""

    def __init__(self, gild, src, overrides=None):
        self.lines = []
        self.err = []
        self._cv = threading.Condition()
        self.tmp = None
        cfg_path = os.path.join(src, "config", "gild.json")
        with open(cfg_path) as f:
            self.config = json.load(f)
        if overrides:
            self.config.update(overrides)
            self.config["handlers"] = os.path.join(os.path.abspath(src), "handlers")
            self.tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
            json.dump(self.config, self.tmp)
            self.tmp.close()
            cfg_path = self.tmp.name
        self.proc = subprocess.Popen([gild, "--config", cfg_path, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     cwd=src)
        self._drains = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self.lines), daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self._drains:
            t.start()
        first = self.wait_line(lambda l: "listening on" in l, START_TIMEOUT, "the start line")
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        check(m is not None, "no port in %r" % first)
        self.port = int(m.group(1))

    def _drain(self, stream, out):
        for raw in stream:
            with self._cv:
                out.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._cv.notify_all()
        with self._cv:
            self._cv.notify_all()

    def wait_line(self, pred, timeout, what):
        """The first stdout line matching pred, waiting up to timeout."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for l in self.lines:
                    if pred(l):
                        return l
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise Failure("timed out waiting for %s; stderr: %s" %
                                  (what, "\n".join(self.err[-20:])))
                self._cv.wait(left)

    def get(self, path, timeout=30.0):
        """(status, headers dict lower-case, body bytes, seconds)."""
        t0 = time.monotonic()
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            return r.status, hdrs, body, time.monotonic() - t0
        finally:
            c.close()

    def metrics(self):
        st, h, body, _ = self.get("/metrics")
        check(st == 200, "/metrics answered %d" % st)
        return body.decode()

    def stop(self):
        """Stops gild (SIGTERM, then SIGKILL after a bound); a sanitizer
        report on its stderr fails the test."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        if self.tmp:
            os.unlink(self.tmp.name)
            self.tmp = None
        # The drain threads see EOF once the process is gone.
        for t in self._drains:
            t.join(STOP_TIMEOUT)
        with self._cv:
            bad = [l for l in self.err if any(m in l for m in SANITIZER_MARKS)]
        check(not bad, "sanitizer report on gild's stderr:\n" + "\n".join(self.err[-40:]))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.stop()
        else:
            try:
                self.stop()
            except Failure:
                pass  # the test's own failure is the one to report


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{(name, frozenset(labels.items())): value} of a text-format page."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        check(m is not None, "unparsable metrics line %r" % line)
        labels = {}
        if m.group(3):
            for k, v in _LABEL.findall(m.group(3)):
                labels[k] = v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        out[(m.group(1), frozenset(labels.items()))] = float(m.group(4))
    return out


def value(samples, name, **labels):
    """A sample's value, or None when absent."""
    return samples.get((name, frozenset(labels.items())))


def run(main):
    """Runs main(gild, src), printing the outcome; exits 0, 1 or SKIP."""
    gild, src = args()
    try:
        rc = main(gild, src)
    except Failure as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    sys.exit(rc or 0)
