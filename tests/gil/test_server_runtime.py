#!/usr/bin/env python3
"""The handler runtime, end to end: the real `gild` on tests/handlers/t4.json
(handlers in tests/handlers/t4.py), spoken to over real HTTP on an ephemeral
port of 127.0.0.1.

Covers: every return-value form (str, bytes, dict, list, None, (status, body),
(status, headers, body) with a dict or a list of pairs); every `req`
attribute (method, path, query, headers, params, remote, body, text(),
json()); an exception -> 500 with the traceback in the error log (stderr) and
not in the response; CR/LF in a header -> 500 and logged, never written; a
global counter incremented by 200 concurrent requests reads exactly 200;
module-level code ran once; a spinning handler is interrupted (503 within
the timeout plus slack), frees its worker, and other requests are served
meanwhile; a SyntaxError in a handler script makes gild (and --check) exit 2
before listening, naming the file and line.

Nothing sleeps to synchronise: every wait is a response, a log line or a
process exit with a deadline.

Usage: python3 test_server_runtime.py GILD SOURCE_DIR
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

GILD, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
import gildtest as gt  # noqa: E402
from gildtest import Failure, check, eq  # noqa: E402

HANDLERS = os.path.join(SRC, "tests", "handlers")
CONFIG = os.path.join(HANDLERS, "t4.json")
TIMEOUT_MS = 1000          # timeouts.handler_ms in t4.json
# How late a timed-out handler's 503 may come: the watchdog, the next
# eval-breaker check and a slow (sanitizer) build.
TIMEOUT_SLACK = 3.0


def wait_stderr(srv, needle, timeout=5.0):
    """Waits until the server's stderr contains needle; returns the whole
    stderr text, or raises Failure."""
    deadline = time.monotonic() + timeout
    with srv.cond:
        while True:
            text = b"".join(srv.err_chunks).decode("utf-8", "replace")
            if needle in text:
                return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("stderr never contained %r within %.0fs; stderr tail: %s"
                              % (needle, timeout, text[-1500:]))
            srv.cond.wait(left)


def ctype(r):
    return (r.header("Content-Type") or "").split(";")[0].strip()


# ---------------------------------------------------------------------------
# one server for the request/response cases
# ---------------------------------------------------------------------------

_srv = None


def srv():
    global _srv
    if _srv is None:
        _srv = gt.Server(GILD, CONFIG, extra_args=["--threads", "4"])
    return _srv


def case_return_str():
    r = srv().request("GET", "/ret/str")
    eq(r.status, 200, "str status")
    eq(ctype(r), "text/plain", "str content type")
    eq(r.body, "plain text \u00e9".encode("utf-8"), "str body (UTF-8)")
    eq(r.header("Content-Length"), str(len(r.body)), "str Content-Length")


def case_return_bytes():
    r = srv().request("GET", "/ret/bytes")
    eq(r.status, 200, "bytes status")
    eq(ctype(r), "application/octet-stream", "bytes content type")
    eq(r.body, b"\x00\x01\x02binary\xff", "bytes body")


def case_return_dict_list():
    r = srv().request("GET", "/ret/dict")
    eq(r.status, 200, "dict status")
    eq(ctype(r), "application/json", "dict content type")
    eq(json.loads(r.body), {"a": 1, "b": [1, 2, 3], "c": None, "d": "x"}, "dict body")
    r = srv().request("GET", "/ret/list")
    eq(r.status, 200, "list status")
    eq(ctype(r), "application/json", "list content type")
    eq(json.loads(r.body), [1, "two", {"three": 3}, True], "list body")


def case_return_none():
    r = srv().request("GET", "/ret/none")
    eq(r.status, 204, "None -> status")
    eq(r.body, b"", "None -> body")
    check(r.header("Content-Type") is None, "204 with a Content-Type %r" % r.header("Content-Type"))


def case_return_tuples():
    r = srv().request("GET", "/ret/tuple2")
    eq((r.status, ctype(r), r.body), (201, "text/plain", b"created"), "(201, str)")
    r = srv().request("GET", "/ret/tuple3")
    eq((r.status, r.body), (202, b"accepted"), "(202, headers, str)")
    eq(r.header("X-T4"), "yes", "X-T4 header")
    eq(r.header_all("Content-Type"), ["text/x-t4"], "handler's Content-Type replaces the default")
    r = srv().request("GET", "/ret/pairs")
    eq((r.status, r.body), (200, b"pairs"), "(200, [pairs], bytes)")
    eq((r.header("X-One"), r.header("X-Two")), ("1", "2"), "headers from a list of pairs")
    eq(ctype(r), "application/octet-stream", "bytes default content type with pairs")
    r = srv().request("GET", "/ret/teapot")
    eq(r.status, 418, "(418, headers, dict) status")
    eq(json.loads(r.body), {"teapot": True}, "(418, headers, dict) body")
    eq(r.header("X-Teapot"), "short and stout", "X-Teapot")
    eq(ctype(r), "application/json", "dict body in a tuple: content type")


def case_request_attributes():
    s = srv()
    c = s.conn()
    try:
        body = "caf\u00e9 body"
        c.send_request("POST", "/info/x%20y/z%2Fw?q=1&r=a+b&s=%26%3D&q2=",
                       {"Connection": "close", "X-Custom-Thing": "Some Value",
                        "Content-Type": "text/plain"}, body.encode("utf-8"))
        local = c.local_port()
        r = c.read_response()
    finally:
        c.close()
    eq(r.status, 200, "info status (body %r)" % r.body[:300])
    d = json.loads(r.body)
    eq(d["method"], "POST", "req.method")
    eq(d["path"], "/info/x y/z/w", "req.path (percent-decoded, no query)")
    eq(d["query"], {"q": "1", "r": "a b", "s": "&=", "q2": ""}, "req.query")
    eq(d["params"], {"a": "x y", "b": "z/w"}, "req.params")
    h = d["headers"]
    check(all(k == k.lower() for k in h), "header names not lower-case: %r" % list(h))
    eq(h.get("x-custom-thing"), "Some Value", "req.headers['x-custom-thing']")
    eq(h.get("content-length"), str(len(body.encode("utf-8"))), "req.headers['content-length']")
    eq(d["remote"], "127.0.0.1:%d" % local, "req.remote")
    eq(d["body_len"], len(body.encode("utf-8")), "len(req.body)")
    eq(d["body_is_bytes"], True, "req.body is bytes")
    eq(d["text"], body, "req.text()")


def case_request_get_no_body():
    r = srv().request("GET", "/info/a/b")
    eq(r.status, 200, "GET info")
    d = json.loads(r.body)
    eq((d["method"], d["query"], d["body_len"], d["text"]), ("GET", {}, 0, ""), "GET without query or body")


def case_json_echo():
    doc = {"k": [1, 2, {"n": None}], "s": "\u00e9", "f": 1.5, "t": True}
    r = srv().request("POST", "/json", {"Content-Type": "application/json"}, json.dumps(doc))
    eq(r.status, 200, "json echo status")
    eq(json.loads(r.body), {"got": doc, "type": "dict"}, "req.json() round trip")
    r = srv().request("POST", "/json", {"Content-Type": "application/json"}, "[1, 2]")
    eq(json.loads(r.body), {"got": [1, 2], "type": "list"}, "req.json() list")
    r = srv().request("POST", "/json", {"Content-Type": "application/json"}, "{not json")
    eq(r.status, 500, "req.json() on bad JSON raises -> 500")


def case_body_echo_binary():
    payload = bytes(range(256)) * 8
    r = srv().request("POST", "/body", {"Content-Type": "application/octet-stream"}, payload)
    eq((r.status, r.body), (200, payload), "req.body returned as bytes")


def case_file_read():
    r = srv().request("GET", "/file")
    eq(r.status, 200, "/file status")
    with open(os.path.join(HANDLERS, "t4_data.txt"), "rb") as f:
        eq(r.body, f.read(), "/file body is the file")


def case_exception_500():
    s = srv()
    r = s.request("GET", "/raise")
    eq(r.status, 500, "raising handler status")
    for leak in (b"Traceback", b"boom marker", b"ValueError", b"t4.py"):
        check(leak not in r.body, "500 body leaks %r: %r" % (leak, r.body[:300]))
    err = wait_stderr(s, "ValueError: t4 boom marker 7361")
    i = err.rfind("ValueError: t4 boom marker 7361")
    tb = err.rfind("Traceback (most recent call last):", 0, i)
    check(tb >= 0, "no 'Traceback (most recent call last):' before the exception line: %s"
          % err[max(0, i - 800):i + 100])
    check("t4.py" in err[tb:i] and "raise_error" in err[tb:i],
          "traceback does not name t4.py / raise_error: %s" % err[tb:i + 100])
    # the server is fine afterwards
    eq(srv().request("GET", "/hello").status, 200, "/hello after a 500")


def case_bad_return_500():
    s = srv()
    r = s.request("GET", "/badreturn")
    eq(r.status, 500, "handler returning an int")
    wait_stderr(s, "TypeError")


def case_crlf_header_500():
    s = srv()
    for path in ("/badheader", "/badheader/lf", "/badheader/name"):
        c = s.conn()
        try:
            c.send_request("GET", path, {"Connection": "close"})
            r = c.read_response()
            c.wait_closed(5)
            raw = r.head_raw + b"\r\n\r\n" + r.body + c.buf
        finally:
            c.close()
        eq(r.status, 500, "%s status" % path)
        check(b"Injected" not in raw, "%s: injected header written to the wire: %r" % (path, raw))
        check(b"should not be sent" not in raw, "%s: refused response's body was sent" % path)
        check(r.header("X-Bad") is None, "%s: X-Bad header was written" % path)
    wait_stderr(s, "invalid response header")


def case_crlf_header_name_not_in_log_raw():
    """A refused header name must not reach the error log with its CR/LF:
    that would let a handler (or a client whose input ends up in a header
    name) forge log lines."""
    s = srv()
    eq(s.request("GET", "/badheader/name").status, 500, "/badheader/name status")
    err = wait_stderr(s, "invalid response header")
    check("\nInjected" not in err and "\rInjected" not in err,
          "raw CR/LF of a refused header name written to the error log: %r"
          % err[max(0, err.find("Injected") - 120):err.find("Injected") + 80])


def case_module_level_once():
    s = srv()
    for _ in range(10):
        eq(s.request("GET", "/hello").status, 200, "/hello")
    r = s.request("GET", "/boots")
    eq(json.loads(r.body), {"boots": 1}, "module-level code of t4.py ran exactly once")


def case_counter_exact():
    # a fresh server, so the counter starts at 0
    with gt.Server(GILD, CONFIG, extra_args=["--threads", "8"]) as s:
        errors = []
        seen = []
        lock = threading.Lock()

        def client():
            try:
                c = s.conn(timeout=30)
                try:
                    for _ in range(25):
                        c.send_request("GET", "/counter")
                        r = c.read_response(30)
                        if r.status != 200:
                            raise Failure("counter status %d" % r.status)
                        with lock:
                            seen.append(int(r.body))
                finally:
                    c.close()
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(repr(e))

        ts = [threading.Thread(target=client) for _ in range(8)]
        gt.run_threads(ts, 120, "counter clients")
        check(not errors, "counter clients failed: %s" % errors[:3])
        r = s.request("GET", "/counter/value")
        eq(r.body, b"200", "global counter after 8 threads x 25 requests")
        eq(sorted(seen), list(range(1, 201)), "each request saw a distinct count")
        r = s.request("GET", "/boots")
        eq(json.loads(r.body), {"boots": 1}, "module-level code ran once with 8 workers")
        s.stop_clean()


def _timed(s, path, out, key, timeout=30):
    t0 = time.monotonic()
    try:
        r = s.request("GET", path, timeout=timeout)
        out[key] = (r, time.monotonic() - t0)
    except Exception as e:  # noqa: BLE001
        out[key] = (e, time.monotonic() - t0)


def case_spin_timeout_frees_single_worker():
    with gt.Server(GILD, CONFIG, extra_args=["--threads", "1"]) as s:
        out = {}
        t = threading.Thread(target=_timed, args=(s, "/spin", out, "spin"))
        t.start()
        t.join(TIMEOUT_MS / 1000.0 + TIMEOUT_SLACK + 5)
        check("spin" in out, "/spin did not answer")
        r, dt = out["spin"]
        check(isinstance(r, gt.Response), "/spin: %r" % (r,))
        eq(r.status, 503, "/spin status")
        check(b"Traceback" not in r.body, "503 body leaks the traceback: %r" % r.body)
        check(TIMEOUT_MS / 1000.0 * 0.9 <= dt <= TIMEOUT_MS / 1000.0 + TIMEOUT_SLACK,
              "/spin answered after %.2fs; timeout is %.1fs" % (dt, TIMEOUT_MS / 1000.0))
        wait_stderr(s, "TimeoutError")
        # the only worker is free again
        t0 = time.monotonic()
        r = s.request("GET", "/hello", timeout=10)
        eq((r.status, r.body), (200, b"Hello, World!"), "/hello after the spin timed out (threads=1)")
        check(time.monotonic() - t0 < 2.0, "/hello took %.2fs after the spin" % (time.monotonic() - t0))
        # and the timeout does not leak into the next requests on that worker
        r = s.request("GET", "/cpu?n=200000", timeout=10)
        eq((r.status, r.body), (200, b"done"), "/cpu after the spin (threads=1)")
        # twice, so the watchdog re-arms
        r = s.request("GET", "/spin", timeout=TIMEOUT_MS / 1000.0 + TIMEOUT_SLACK + 5)
        eq(r.status, 503, "second /spin status")
        eq(s.request("GET", "/hello").status, 200, "/hello after the second spin")
        s.stop_clean()


def case_spin_others_served_meanwhile():
    with gt.Server(GILD, CONFIG, extra_args=["--threads", "2"]) as s:
        out = {}
        t0 = time.monotonic()
        t = threading.Thread(target=_timed, args=(s, "/spin", out, "spin"))
        t.start()
        served = 0
        # Requests answered while /spin is still outstanding: the spinning
        # handler holds the GIL except when the switch interval takes it away.
        deadline = t0 + TIMEOUT_MS / 1000.0 + TIMEOUT_SLACK
        while "spin" not in out and time.monotonic() < deadline and served < 400:
            r = s.request("GET", "/cpu?n=2000", timeout=5)
            eq((r.status, r.body), (200, b"done"), "/cpu while /spin runs")
            if "spin" not in out:
                served += 1
        t.join(TIMEOUT_MS / 1000.0 + TIMEOUT_SLACK + 5)
        check("spin" in out, "/spin did not answer")
        r, dt = out["spin"]
        check(isinstance(r, gt.Response), "/spin: %r" % (r,))
        eq(r.status, 503, "/spin status (threads=2)")
        check(dt <= TIMEOUT_MS / 1000.0 + TIMEOUT_SLACK, "/spin answered after %.2fs" % dt)
        check(served >= 5, "only %d requests answered during the %.2fs /spin" % (served, dt))
        print("    %d requests answered while /spin ran %.2fs" % (served, dt))
        eq(s.request("GET", "/hello").status, 200, "/hello after the spin")
        s.stop_clean()


def _syntax_error_dir():
    d = tempfile.mkdtemp(prefix="gild-t4-syntax-")
    with open(os.path.join(d, "broken.py"), "w") as f:
        f.write("x = 1\n\n\ndef ok(req):\n    return 'ok'\n\n\ndef bad(req)\n    return 1\n")
    cfg = os.path.join(d, "broken.json")
    with open(cfg, "w") as f:
        json.dump({"listen": "127.0.0.1:0", "handlers": d, "routes": {"GET /ok": "broken.ok"}}, f)
    return d, cfg


def _names_line(err, fname, line):
    return ("%s:%d" % (fname, line) in err) or ('%s", line %d' % (fname, line) in err)


def case_syntax_error_exit_2():
    d, cfg = _syntax_error_dir()
    try:
        for extra in ([], ["--check"]):
            p = subprocess.run([GILD, "--config", cfg, "--listen", "127.0.0.1:0"] + extra,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
            out = p.stdout.decode("utf-8", "replace")
            err = p.stderr.decode("utf-8", "replace")
            what = "gild %s with a SyntaxError in broken.py" % " ".join(extra)
            eq(p.returncode, 2, "%s: exit status (stderr %s)" % (what, err[-600:]))
            check("listening" not in out, "%s: listened anyway: %r" % (what, out))
            check("SyntaxError" in err, "%s: stderr does not say SyntaxError: %s" % (what, err[-600:]))
            check(_names_line(err, "broken.py", 8),
                  "%s: stderr does not name broken.py line 8: %s" % (what, err[-600:]))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def case_missing_function_exit_2():
    d = tempfile.mkdtemp(prefix="gild-t4-missing-")
    try:
        cfg = os.path.join(d, "c.json")
        with open(cfg, "w") as f:
            json.dump({"listen": "127.0.0.1:0", "handlers": HANDLERS,
                       "routes": {"GET /x": "t4.no_such_function"}}, f)
        p = subprocess.run([GILD, "--config", cfg, "--check"], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=30)
        eq(p.returncode, 2, "--check with an unknown handler function")
        check(b"no_such_function" in p.stderr, "stderr does not name the function: %r" % p.stderr[-400:])
    finally:
        shutil.rmtree(d, ignore_errors=True)


def case_clean_stop():
    global _srv
    if _srv is not None:
        s, _srv = _srv, None
        s.stop_clean()


CASES = [
    ("return str", case_return_str),
    ("return bytes", case_return_bytes),
    ("return dict and list", case_return_dict_list),
    ("return None -> 204", case_return_none),
    ("return tuples", case_return_tuples),
    ("req attributes", case_request_attributes),
    ("req GET without body", case_request_get_no_body),
    ("req.json() echo", case_json_echo),
    ("req.body binary echo", case_body_echo_binary),
    ("handler reads a file", case_file_read),
    ("exception -> 500, traceback logged", case_exception_500),
    ("bad return value -> 500", case_bad_return_500),
    ("CR/LF header -> 500, never written", case_crlf_header_500),
    ("CR/LF header name not raw in log", case_crlf_header_name_not_in_log_raw),
    ("module-level code runs once", case_module_level_once),
    ("server stops cleanly", case_clean_stop),
    ("global counter exact (8x25)", case_counter_exact),
    ("spin -> 503, worker freed (threads=1)", case_spin_timeout_frees_single_worker),
    ("spin: others served (threads=2)", case_spin_others_served_meanwhile),
    ("SyntaxError -> exit 2 (+ --check)", case_syntax_error_exit_2),
    ("unknown handler function -> exit 2", case_missing_function_exit_2),
]

if __name__ == "__main__":
    try:
        gt.run_cases(CASES)
    finally:
        if _srv is not None and _srv.proc.poll() is None:
            _srv.kill()
