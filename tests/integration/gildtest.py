"""gildtest: the shared helper of gild's integration tests (python3 stdlib only).

It starts a real server process (gild-testd, or gild) on an ephemeral port of
127.0.0.1, reads the port from its first stdout line, drains stdout/stderr in
threads (so the access log can never fill a pipe and block the server), and
stops it by PID: SIGTERM, then SIGKILL after a bound.

Nothing here sleeps to synchronise: every wait is on an event (a socket
becoming readable, a response, a log line, a process exit, the kernel's view
of a socket in /proc/net/tcp) with a deadline.

Usage from a test script:  python3 test_x.py GILD_TESTD SOURCE_DIR
"""

import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

START_TIMEOUT = 20.0   # sanitizer builds start slowly
STOP_TIMEOUT = 15.0

# The routes of tests/support/test.json; used if that file is not there.
FALLBACK_ROUTES = {
    "GET /hello": "test.hello",
    "POST /echo": "test.echo",
    "PUT /echo": "test.echo",
    "GET /sleep": "test.sleep",
    "GET /order": "test.order",
    "GET /users/{id}": "test.params",
    "GET /files/{dir}/{name}": "test.params",
    "GET /headers": "test.headers",
    "GET /info": "test.info",
    "GET /status": "test.status",
    "GET /bad-header": "test.bad_header",
    "GET /big": "test.big",
    "GET /cpu": "test.cpu",
}

SANITIZER_MARKS = ("WARNING: ThreadSanitizer", "ERROR: AddressSanitizer",
                   "ERROR: LeakSanitizer", "runtime error:")

_failures = []


# --------------------------------------------------------------------------
# test bookkeeping
# --------------------------------------------------------------------------

def args():
    """(gild_testd, source_dir) from argv or the environment."""
    if len(sys.argv) >= 3:
        return sys.argv[1], sys.argv[2]
    b, s = os.environ.get("GILD_TESTD"), os.environ.get("GILD_SOURCE_DIR")
    if not b or not s:
        sys.stderr.write("usage: %s GILD_TESTD SOURCE_DIR\n" % sys.argv[0])
        sys.exit(2)
    return b, s


class Failure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def eq(got, want, what):
    if got != want:
        raise Failure("%s: expected %r, got %r" % (what, want, got))


def run_cases(cases):
    """Runs each (name, fn) case, reports each, exits 1 if any failed.
    A case that raises does not stop the others."""
    failed = []
    for name, fn in cases:
        t0 = time.monotonic()
        try:
            fn()
            print("PASS %-40s %.2fs" % (name, time.monotonic() - t0), flush=True)
        except Exception as e:  # noqa: BLE001 - a test reports every failure
            failed.append(name)
            print("FAIL %-40s %.2fs: %s: %s" % (name, time.monotonic() - t0,
                                                type(e).__name__, e), flush=True)
    if failed:
        print("%d of %d cases failed: %s" % (len(failed), len(cases), ", ".join(failed)))
        sys.exit(1)
    print("all %d cases passed" % len(cases))
    sys.exit(0)


# --------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------

def _merge(base, over):
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _merge(base[k], v)
        else:
            base[k] = v
    return base


def make_config(source_dir, overrides=None, tmpdir=None):
    """Writes tests/support/test.json merged with overrides into a temp file
    and returns its path. The handler directory is made absolute."""
    path = os.path.join(source_dir, "tests", "support", "test.json")
    if os.path.exists(path):
        with open(path) as f:
            cfg = json.load(f)
        hdir = cfg.get("handlers", ".")
        if not os.path.isabs(hdir):
            cfg["handlers"] = os.path.normpath(os.path.join(os.path.dirname(path), hdir))
    else:
        cfg = {"listen": "127.0.0.1:0", "threads": 4,
               "handlers": os.path.join(source_dir, "tests", "support"),
               "routes": dict(FALLBACK_ROUTES)}
    _merge(cfg, overrides or {})
    d = tmpdir or tempfile.mkdtemp(prefix="gild-itest-")
    out = os.path.join(d, "gild-test-%d.json" % os.getpid())
    n = 0
    while os.path.exists(out):
        n += 1
        out = os.path.join(d, "gild-test-%d-%d.json" % (os.getpid(), n))
    with open(out, "w") as f:
        json.dump(cfg, f, indent=2)
    return out


# --------------------------------------------------------------------------
# the server process
# --------------------------------------------------------------------------

class Server:
    """A running gild-testd. Use as a context manager or call stop()."""

    def __init__(self, binary, config=None, extra_args=(), keep_lines=True,
                 start_timeout=START_TIMEOUT):
        cmd = [binary]
        if config:
            cmd += ["--config", config]
        cmd += ["--listen", "127.0.0.1:0"] + list(extra_args)
        self.cmd = cmd
        self.keep_lines = keep_lines
        self.out_lines = []      # stdout lines after the first (access log)
        self.n_out_lines = 0
        self.err_chunks = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.pid = self.proc.pid
        self.rc = None
        self._err_thread = threading.Thread(target=self._drain_err, daemon=True)
        self._err_thread.start()
        first, rest = self._read_first_line(start_timeout)
        m = re.fullmatch(r"gild listening on http://127\.0\.0\.1:(\d+)/", first)
        if not m:
            self.kill()
            raise Failure("first stdout line is not 'gild listening on http://127.0.0.1:PORT/': %r"
                          " (stderr: %s)" % (first, self.stderr()[-2000:]))
        self.port = int(m.group(1))
        self._out_thread = threading.Thread(target=self._drain_out, args=(rest,), daemon=True)
        self._out_thread.start()

    # -- output ---------------------------------------------------------------
    def _read_first_line(self, timeout):
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise Failure("server printed no first line within %.0fs (stdout so far %r, stderr: %s)"
                              % (timeout, buf, self.stderr()[-2000:]))
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self.proc.wait(timeout=STOP_TIMEOUT)
                self._err_thread.join(2)
                raise Failure("server exited with %s before listening; stdout %r; stderr: %s"
                              % (self.proc.returncode, buf, self.stderr()[-2000:]))
            buf += chunk
        first, rest = buf.split(b"\n", 1)
        return first.decode("utf-8", "replace").rstrip("\r"), rest

    def _drain_out(self, rest):
        fd = self.proc.stdout.fileno()
        pending = rest
        while True:
            *lines, pending = pending.split(b"\n")
            if lines:
                with self.cond:
                    for ln in lines:
                        self.n_out_lines += 1
                        if self.keep_lines:
                            self.out_lines.append(ln.decode("utf-8", "replace"))
                    self.cond.notify_all()
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            pending += chunk
        with self.cond:
            if pending and self.keep_lines:
                self.out_lines.append(pending.decode("utf-8", "replace"))
            self.cond.notify_all()

    def _drain_err(self):
        fd = self.proc.stderr.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            with self.cond:
                self.err_chunks.append(chunk)
                self.cond.notify_all()

    def stderr(self):
        with self.cond:
            return b"".join(self.err_chunks).decode("utf-8", "replace")

    def stdout_lines(self):
        with self.cond:
            return list(self.out_lines)

    def wait_for_log(self, pred, timeout=5.0):
        """Waits until an access-log line satisfies pred; returns it or None."""
        deadline = time.monotonic() + timeout
        with self.cond:
            seen = 0
            while True:
                for ln in self.out_lines[seen:]:
                    if pred(ln):
                        return ln
                seen = len(self.out_lines)
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    # -- lifetime -------------------------------------------------------------
    def signal(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            os.kill(self.pid, sig)

    def wait(self, timeout):
        """Waits for exit; returns the exit code or None on timeout."""
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._join_drains()
        return self.rc

    def _join_drains(self):
        self._err_thread.join(5)
        if hasattr(self, "_out_thread"):
            self._out_thread.join(5)

    def kill(self):
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.rc = self.proc.wait(timeout=STOP_TIMEOUT)
        self._join_drains()
        return self.rc

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then SIGKILL after `timeout`. Returns the exit code
        (negative for a signal, as subprocess reports it)."""
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            rc = self.wait(timeout)
            if rc is None:
                self.kill()
                raise Failure("server did not exit within %.0fs of SIGTERM; killed" % timeout)
        else:
            self.rc = self.proc.returncode
            self._join_drains()
        return self.rc

    def stop_clean(self, timeout=STOP_TIMEOUT):
        """stop() and require exit 0 and no sanitizer report."""
        rc = self.stop(timeout)
        err = self.stderr()
        for mark in SANITIZER_MARKS:
            if mark in err:
                i = err.index(mark)
                raise Failure("sanitizer report in server stderr:\n%s" % err[max(0, i - 200):i + 3000])
        check(rc == 0, "server exit status %r after SIGTERM, expected 0; stderr tail: %s"
              % (rc, err[-1500:]))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            try:
                self.stop()
            except Failure:
                pass
        return False

    # -- clients --------------------------------------------------------------
    def conn(self, timeout=5.0):
        return Conn(self.port, timeout)

    def request(self, method, target, headers=None, body=None, timeout=5.0):
        """One request on a fresh connection (Connection: close)."""
        c = self.conn(timeout)
        try:
            h = {"Connection": "close"}
            h.update(headers or {})
            c.send_request(method, target, h, body)
            return c.read_response(timeout, head=(method == "HEAD"))
        finally:
            c.close()


# --------------------------------------------------------------------------
# a raw HTTP/1.1 client
# --------------------------------------------------------------------------

class Response:
    def __init__(self, version, status, reason, headers, body, head_raw):
        self.version, self.status, self.reason = version, status, reason
        self.headers = headers          # list of (name, value), as sent
        self.body = body
        self.head_raw = head_raw

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def __repr__(self):
        return "<%d %s %r>" % (self.status, self.reason, self.body[:80])


class Closed(Exception):
    """The peer closed the connection (EOF or reset)."""


IMF_DATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                      r"\d{4} \d\d:\d\d:\d\d GMT")


class Conn:
    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False

    def local_port(self):
        return self.sock.getsockname()[1]

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def send_request(self, method, target, headers=None, body=None, version="HTTP/1.1"):
        h = {"Host": "127.0.0.1"}
        h.update(headers or {})
        if body is not None and not any(k.lower() in ("content-length", "transfer-encoding") for k in h):
            h["Content-Length"] = str(len(body))
        head = "%s %s %s\r\n" % (method, target, version)
        head += "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
        data = head.encode()
        if body is not None:
            data += body if isinstance(body, bytes) else body.encode()
        self.send(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no data from server in time (have %r)" % self.buf[:200])
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no data from server in time (have %r)" % self.buf[:200])
        except (ConnectionResetError, BrokenPipeError) as e:
            self.eof = True
            raise Closed("connection reset: %s" % e)
        if not chunk:
            self.eof = True
            raise Closed("EOF (have %r)" % self.buf[:200])
        self.buf += chunk

    def _read_until(self, sep, deadline):
        while sep not in self.buf:
            self._fill(deadline)
        i = self.buf.index(sep)
        out, self.buf = self.buf[:i], self.buf[i + len(sep):]
        return out

    def _read_n(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self, timeout=5.0, head=False, allow_interim=False):
        """Reads one response. 1xx responses are returned only when
        allow_interim; otherwise they are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            raw = self._read_until(b"\r\n\r\n", deadline)
            lines = raw.decode("latin-1").split("\r\n")
            m = re.fullmatch(r"(HTTP/\d\.\d) (\d{3})(?: (.*))?", lines[0])
            if not m:
                raise Failure("bad status line %r" % lines[0])
            version, status, reason = m.group(1), int(m.group(2)), m.group(3) or ""
            headers = []
            for ln in lines[1:]:
                k, sep, v = ln.partition(":")
                if not sep or not k or k != k.strip():
                    raise Failure("malformed response header line %r" % ln)
                headers.append((k, v.strip(" \t")))
            r = Response(version, status, reason, headers, b"", raw)
            if 100 <= status < 200:
                if allow_interim:
                    return r
                continue
            if head or status in (204, 304):
                return r
            te = r.header("Transfer-Encoding")
            cl = r.header("Content-Length")
            if te is not None and "chunked" in te.lower():
                body = b""
                while True:
                    size_line = self._read_until(b"\r\n", deadline)
                    size = int(size_line.split(b";")[0].strip(), 16)
                    if size == 0:
                        while self._read_until(b"\r\n", deadline) != b"":
                            pass
                        break
                    body += self._read_n(size, deadline)
                    if self._read_until(b"\r\n", deadline) != b"":
                        raise Failure("chunk not followed by CRLF")
                r.body = body
            elif cl is not None:
                r.body = self._read_n(int(cl), deadline)
            else:
                body = b""
                try:
                    while True:
                        self._fill(deadline)
                except Closed:
                    pass
                body, self.buf = self.buf, b""
                r.body = body
            return r

    def wait_closed(self, timeout):
        """True if the server closes (EOF or reset) within timeout, reading
        and keeping whatever arrives first in self.buf."""
        deadline = time.monotonic() + timeout
        if self.eof:
            return True
        try:
            while True:
                self._fill(deadline)
        except Closed:
            return True
        except TimeoutError:
            return False

    def readable_within(self, timeout):
        if self.buf:
            return True
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        return bool(r)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def assert_std_headers(r, what=""):
    """Every response carries Content-Length (or is chunked), Date and Server."""
    where = (" (%s)" % what) if what else ""
    te = r.header("Transfer-Encoding")
    cl = r.header_all("Content-Length")
    check(len(cl) == 1 or (te is not None and "chunked" in te.lower()),
          "response %d has no single Content-Length nor chunked encoding%s: %r"
          % (r.status, where, r.head_raw[:400]))
    if len(cl) == 1 and not (te and "chunked" in te.lower()):
        check(cl[0].isdigit(), "bad Content-Length %r%s" % (cl[0], where))
    d = r.header("Date")
    check(d is not None and IMF_DATE.fullmatch(d),
          "response %d has no valid Date header%s: %r" % (r.status, where, d))
    check(r.header("Server"), "response %d has no Server header%s" % (r.status, where))


# --------------------------------------------------------------------------
# the kernel's view: has the server read what a client sent?
# --------------------------------------------------------------------------

def _tcp_table():
    rows = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for ln in f:
                    p = ln.split()
                    lport = int(p[1].rsplit(":", 1)[1], 16)
                    rport = int(p[2].rsplit(":", 1)[1], 16)
                    st = int(p[3], 16)
                    txq, rxq = (int(x, 16) for x in p[4].split(":"))
                    rows.append((lport, rport, st, txq, rxq))
        except FileNotFoundError:
            pass
    return rows


TCP_ESTABLISHED, TCP_LISTEN = 0x01, 0x0A


def server_has_read(server_port, client_ports):
    """True when the server side of every given connection has an empty
    receive queue: the server read every byte sent. A connected client's
    server side exists from the handshake on (in the accept queue before
    accept), so one that is gone was closed by the server: nothing unread."""
    want = set(client_ports)
    for lport, rport, st, _txq, rxq in _tcp_table():
        if lport == server_port and rport in want and st != TCP_LISTEN and rxq != 0:
            return False
    return True


def wait_server_read(server_port, client_ports, timeout=5.0):
    """Waits (polling the kernel's socket table, bounded) until the server has
    read everything the given client connections sent."""
    deadline = time.monotonic() + timeout
    while True:
        if server_has_read(server_port, client_ports):
            return True
        if time.monotonic() >= deadline:
            return False
        # A bounded poll of kernel state, not a sleep standing in for an event.
        select.select([], [], [], 0.005)


def is_listening(port):
    return any(lport == port and st == TCP_LISTEN for lport, _r, st, _t, _q in _tcp_table())


def wait_not_listening(port, timeout=5.0):
    deadline = time.monotonic() + timeout
    while is_listening(port):
        if time.monotonic() >= deadline:
            return False
        select.select([], [], [], 0.005)
    return True


def connect_refused(port, timeout=2.0):
    """True if a new connection to port is refused (or reset at once)."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except ConnectionRefusedError:
        return True
    except OSError:
        return True
    s.close()
    return False


# --------------------------------------------------------------------------
# helpers for tests of the real gild with the bundled test handlers
# (tests/handlers/t4.py): its Server-Timing header, and a /cpu size
# --------------------------------------------------------------------------

def run_threads(ts, timeout, who):
    """Starts the threads, joins them with a deadline of `timeout` s each,
    and fails if any is still running."""
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout)
    check(not any(t.is_alive() for t in ts), "%s still running after %d s" % (who, timeout))


def server_timing(r):
    """{'gil-wait': ms, 'gil': ms, 'io': ms} from a response's Server-Timing."""
    h = r.header("Server-Timing")
    check(h is not None, "no Server-Timing header on %r" % (r,))
    out = {}
    for part in h.split(","):
        bits = [b.strip() for b in part.split(";")]
        for b in bits[1:]:
            if b.startswith("dur="):
                out[bits[0]] = float(b[4:])
    for k in ("gil-wait", "gil", "io"):
        check(k in out, "Server-Timing %r lacks %s" % (h, k))
    return out


def calibrate_cpu(s, seconds, n=200000, min_dt=0.1):
    """The /cpu?n= that takes about `seconds` alone on this machine and
    build: grows n until one request takes min_dt, then scales."""
    for _ in range(10):
        t0 = time.monotonic()
        r = s.request("GET", "/cpu?n=%d" % n, timeout=60)
        dt = time.monotonic() - t0
        eq((r.status, r.body), (200, b"done"), "/cpu?n=%d" % n)
        if dt >= min_dt:
            break
        n *= 4
    return max(1000, int(n * seconds / dt))
