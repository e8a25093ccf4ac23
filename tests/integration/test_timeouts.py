#!/usr/bin/env python3
"""Timeouts: headers not complete within header_ms -> 408 and close, even for
a slow-loris client that keeps sending a byte at a time; an idle keep-alive
connection is closed after keepalive_ms."""

import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gildtest import (Closed, Server, args, assert_std_headers, check, eq,  # noqa: E402
                      make_config, run_cases)

BIN, SRC = args()
HEADER_MS, KEEPALIVE_MS = 300, 400
srv = Server(BIN, make_config(SRC, {"timeouts": {"header_ms": HEADER_MS, "keepalive_ms": KEEPALIVE_MS}}))
SLACK = 2.0  # seconds allowed past a timeout (sanitizer builds, a busy machine)


def test_408_incomplete_headers():
    c = srv.conn(timeout=10)
    t0 = time.monotonic()
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n")  # never finished
    r = c.read_response(timeout=HEADER_MS / 1000 + SLACK)
    dt = time.monotonic() - t0
    eq(r.status, 408, "incomplete headers")
    assert_std_headers(r, "408")
    check(dt >= HEADER_MS / 1000 * 0.8, "408 after %.3fs, before the %d ms header timeout" % (dt, HEADER_MS))
    check(c.wait_closed(SLACK), "connection not closed after 408")
    c.close()


def test_slow_loris():
    """One byte every 100 ms: each byte must not restart the header timer."""
    c = srv.conn(timeout=10)
    req = b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 200 + b"\r\n\r\n"
    t0 = time.monotonic()
    deadline = t0 + HEADER_MS / 1000 + SLACK
    i = 0
    got_answer = False
    while time.monotonic() < deadline and i < len(req):
        # Pace the client by waiting for the server to say something, at
        # most 100 ms; an answer ends the loop at once.
        r, _, _ = select.select([c.sock], [], [], 0.1)
        if r:
            got_answer = True
            break
        try:
            c.send(req[i:i + 1])
        except (BrokenPipeError, ConnectionResetError):
            got_answer = True
            break
        i += 1
    check(got_answer, "slow-loris client still connected after %.2fs (%d bytes sent); header timeout is %d ms"
          % (time.monotonic() - t0, i, HEADER_MS))
    try:
        resp = c.read_response(timeout=SLACK)
    except Closed as e:
        raise AssertionError("slow-loris connection closed without a 408: %s" % e)
    dt = time.monotonic() - t0
    eq(resp.status, 408, "slow-loris")
    check(dt < HEADER_MS / 1000 + SLACK, "408 took %.2fs" % dt)
    check(c.wait_closed(SLACK), "slow-loris connection not closed after 408")
    c.close()


def test_header_timer_per_request_on_keepalive():
    """A completed request followed by a half-sent one still gets 408."""
    c = srv.conn(timeout=10)
    c.send_request("GET", "/hello")
    eq(c.read_response().status, 200, "first request")
    c.send("GET /hello HTTP/1.1\r\n")
    r = c.read_response(timeout=HEADER_MS / 1000 + KEEPALIVE_MS / 1000 + SLACK)
    eq(r.status, 408, "half-sent second request")
    check(c.wait_closed(SLACK), "not closed after 408")
    c.close()


def test_keepalive_idle_closes():
    c = srv.conn(timeout=10)
    c.send_request("GET", "/hello")
    eq(c.read_response().status, 200, "request")
    t0 = time.monotonic()
    closed = c.wait_closed(KEEPALIVE_MS / 1000 + SLACK)
    dt = time.monotonic() - t0
    check(closed, "idle keep-alive connection still open after %.2fs (keepalive_ms=%d)" % (dt, KEEPALIVE_MS))
    check(dt >= KEEPALIVE_MS / 1000 * 0.5, "idle connection closed after only %.3fs" % dt)
    c.close()


def test_active_keepalive_survives():
    """Requests spaced below keepalive_ms keep the connection (the timer is reset)."""
    c = srv.conn(timeout=10)
    t0 = time.monotonic()
    n = 0
    while time.monotonic() - t0 < 2 * KEEPALIVE_MS / 1000:
        c.send_request("GET", "/sleep?ms=50")
        eq(c.read_response().status, 200, "request %d" % n)
        n += 1
    check(n >= 2, "too few requests")
    c.close()


def test_slow_handler_not_timed_out():
    """A handler running longer than header_ms and keepalive_ms is not cut off."""
    c = srv.conn(timeout=10)
    c.send_request("GET", "/sleep?ms=1000")
    r = c.read_response(timeout=5)
    eq((r.status, r.body), (200, b"slept 1000"), "1 s handler with 300/400 ms header/keep-alive timeouts")
    c.send_request("GET", "/hello")
    eq(c.read_response().status, 200, "connection usable after the slow handler")
    c.close()


def test_clean_shutdown():
    srv.stop_clean()


run_cases([(n, f) for n, f in list(globals().items()) if n.startswith("test_")])
