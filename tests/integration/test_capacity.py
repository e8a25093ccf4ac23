#!/usr/bin/env python3
"""Capacity: max_connections refuses quickly; a full request queue answers
503 + Retry-After at once; /healthz is answered while every worker is busy."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gildtest import (Closed, Conn, Server, args, assert_std_headers, check, eq,  # noqa: E402
                      make_config, run_cases, wait_server_read)

BIN, SRC = args()
SLEEP_MS = 2500
QUICK = 1.0   # "at once": well under SLEEP_MS even on a sanitizer build


def test_queue_full_503():
    """threads=1, queue_size=1: at most 2 requests are held, the rest get 503."""
    with Server(BIN, make_config(SRC, {"threads": 1, "limits": {"queue_size": 1}})) as srv:
        held = []
        for i in range(4):
            c = srv.conn(timeout=10)
            c.send_request("GET", "/sleep?ms=%d" % SLEEP_MS)
            # Race-free: the next request goes only after the server has read this one.
            check(wait_server_read(srv.port, [c.local_port()], 5.0), "server did not read request %d" % i)
            held.append((c, time.monotonic()))
        # Every worker (1) and queue slot (1) is taken now: the next one must get 503 at once.
        t0 = time.monotonic()
        r = srv.request("GET", "/hello", timeout=SLEEP_MS / 1000)
        dt = time.monotonic() - t0
        eq(r.status, 503, "request with the queue full")
        check(r.header("Retry-After") is not None, "503 without Retry-After")
        eq(r.header("Retry-After"), "1", "Retry-After (config retry_after default 1)")
        assert_std_headers(r, "503")
        check(dt < QUICK, "503 took %.3fs (must be immediate, not queued)" % dt)

        # /healthz is answered by the loop thread even now.
        t0 = time.monotonic()
        h = srv.request("GET", "/healthz", timeout=SLEEP_MS / 1000)
        dt = time.monotonic() - t0
        eq((h.status, h.body.strip()), (200, b"ok"), "/healthz with every worker busy and the queue full")
        check(dt < QUICK, "/healthz took %.3fs while workers were busy" % dt)

        statuses = []
        for c, t_sent in held:
            r = c.read_response(timeout=3 * SLEEP_MS / 1000 + 5)
            statuses.append(r.status)
            c.close()
        check(set(statuses) <= {200, 503}, "statuses of the /sleep requests: %r" % statuses)
        n200 = statuses.count(200)
        check(1 <= n200 <= 2, "with threads=1 and queue_size=1, 1..2 of 4 sleeps may run; got %r" % statuses)
        eq(statuses[0], 200, "the first /sleep (it had a free worker)")
        srv.stop_clean()


def test_healthz_while_workers_busy():
    with Server(BIN, make_config(SRC, {"threads": 2})) as srv:
        held = []
        for i in range(3):  # two running, one queued
            c = srv.conn(timeout=10)
            c.send_request("GET", "/sleep?ms=%d" % SLEEP_MS)
            held.append(c)
        check(wait_server_read(srv.port, [c.local_port() for c in held], 5.0), "server did not read the sleeps")
        for i in range(3):
            t0 = time.monotonic()
            h = srv.request("GET", "/healthz", timeout=SLEEP_MS / 1000)
            dt = time.monotonic() - t0
            eq((h.status, h.body.strip()), (200, b"ok"), "/healthz with both workers busy")
            check(dt < QUICK, "/healthz took %.3fs while workers were busy" % dt)
        for c in held:
            r = c.read_response(timeout=3 * SLEEP_MS / 1000 + 5)
            eq((r.status, r.body), (200, b"slept %d" % SLEEP_MS), "held /sleep")
            c.close()
        srv.stop_clean()


def _refused(c, timeout):
    """The server refused the connection: EOF/reset or a 5xx answer, then close."""
    try:
        c.send_request("GET", "/hello")
    except (BrokenPipeError, ConnectionResetError):
        return "reset on send"
    try:
        r = c.read_response(timeout=timeout)
    except Closed:
        return "closed"
    except TimeoutError:
        return None  # neither served nor refused: queued
    if r.status == 200:
        return "served"
    check(r.status == 503, "refusal answered %d, expected 503 (or a plain close)" % r.status)
    check(c.wait_closed(timeout), "refused connection answered 503 but not closed")
    return "503"


def test_max_connections():
    with Server(BIN, make_config(SRC, {"limits": {"max_connections": 3}})) as srv:
        conns = []
        for i in range(3):
            c = srv.conn(timeout=10)
            c.send_request("GET", "/hello")
            eq(c.read_response().status, 200, "connection %d under the limit" % i)
            conns.append(c)
        t0 = time.monotonic()
        try:
            extra = Conn(srv.port, timeout=2)
            how = _refused(extra, 2.0)
            extra.close()
        except OSError as e:  # refused at connect
            how = "connect: %s" % e
        dt = time.monotonic() - t0
        check(how is not None, "4th connection with max_connections=3 was neither served nor refused "
                               "within 2 s (queued)")
        check(how != "served", "4th connection was served with max_connections=3")
        check(dt < 2.0, "refusal took %.2fs" % dt)
        # The 3 accepted connections still work.
        for i, c in enumerate(conns):
            c.send_request("GET", "/hello")
            eq(c.read_response().status, 200, "connection %d after the refusal" % i)
        # Freeing one makes room again (the server notices the close asynchronously:
        # retry a bounded number of times, each attempt waiting for a real answer).
        conns.pop().close()
        ok = False
        for _ in range(50):
            try:
                c = Conn(srv.port, timeout=2)
                how = _refused(c, 2.0)
                c.close()
            except OSError:
                how = "connect error"
            if how == "served":
                ok = True
                break
        check(ok, "no connection accepted after one of the 3 was closed")
        for c in conns:
            c.close()
        srv.stop_clean()


run_cases([(n, f) for n, f in list(globals().items()) if n.startswith("test_")])
