#!/usr/bin/env python3
"""Request bodies: Content-Length, chunked, Expect: 100-continue, and 413
for a body over the limit, answered before the body is sent."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gildtest import (Closed, Server, args, assert_std_headers, check, eq,  # noqa: E402
                      make_config, run_cases)

BIN, SRC = args()
LIMIT = 1048576  # the default max_body_bytes
srv = Server(BIN, make_config(SRC, {"limits": {"max_body_bytes": LIMIT}}))


def test_content_length_body():
    for method in ("POST", "PUT"):
        c = srv.conn()
        c.send_request(method, "/echo", body=b"hello")
        r = c.read_response()
        eq((r.status, r.body), (200, b"hello"), "%s /echo" % method)
        eq(r.header("X-Body-Length"), "5", "X-Body-Length")
        assert_std_headers(r, "echo")
        c.close()


def test_empty_body():
    r = srv.request("POST", "/echo", body=b"")
    eq((r.status, r.body), (200, b""), "empty body")
    eq(r.header("X-Body-Length"), "0", "X-Body-Length")
    eq(r.header("Content-Length"), "0", "Content-Length of an empty response")


def test_body_in_pieces():
    c = srv.conn()
    body = bytes(range(256)) * 40
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
    for i in range(0, len(body), 1000):
        c.send(body[i:i + 1000])
    r = c.read_response()
    eq(r.status, 200, "status")
    check(r.body == body, "binary body in pieces echoed wrongly (%d bytes back)" % len(r.body))
    c.close()


def test_large_body_at_limit():
    body = b"y" * LIMIT
    r = srv.request("POST", "/echo", body=body, timeout=20)
    eq(r.status, 200, "a body of exactly max_body_bytes")
    eq(r.header("X-Body-Length"), str(LIMIT), "X-Body-Length")
    check(r.body == body, "large body echoed wrongly")


def test_chunked_body():
    c = srv.conn()
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\r\nhello\r\n6\r\n world\r\nA;ext=1\r\n0123456789\r\n0\r\n\r\n")
    r = c.read_response()
    eq((r.status, r.body), (200, b"hello world0123456789"), "chunked body")
    eq(r.header("X-Body-Length"), "21", "X-Body-Length")
    # the connection stays in sync after a chunked body
    c.send("PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           "3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n")
    r = c.read_response()
    eq((r.status, r.body), (200, b"abc"), "chunked body with a trailer")
    c.close()


def test_chunked_in_pieces():
    c = srv.conn()
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    want = b""
    for i in range(20):
        piece = (b"%02d-" % i) * 10
        want += piece
        c.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
    c.send("0\r\n\r\n")
    r = c.read_response()
    eq(r.status, 200, "status")
    check(r.body == want, "chunked body in pieces echoed wrongly")


def test_expect_continue():
    c = srv.conn()
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
    r = c.read_response(allow_interim=True)
    eq(r.status, 100, "interim response to Expect: 100-continue")
    c.send("howdy")
    r = c.read_response()
    eq((r.status, r.body), (200, b"howdy"), "final response after 100-continue")
    assert_std_headers(r, "after 100")
    c.close()


def test_expect_continue_too_large():
    c = srv.conn()
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n"
           % (LIMIT + 1))
    r = c.read_response(allow_interim=True)
    eq(r.status, 413, "a too-large declared body with Expect gets 413 and no 100 first")
    assert_std_headers(r, "413")
    c.close()


def test_413_before_body_sent():
    c = srv.conn()
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (50 * LIMIT))
    # Not a byte of the body is sent: the 413 must come anyway.
    r = c.read_response(timeout=5)
    eq(r.status, 413, "413 for a declared body over max_body_bytes, before any body byte")
    assert_std_headers(r, "413")
    check(c.wait_closed(5.0), "connection not closed after 413 (the unread body makes it untrustworthy)")


def test_413_chunked_over_limit():
    c = srv.conn(timeout=10)
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"z" * 65536
    for _ in range(LIMIT // len(chunk) + 4):
        if c.readable_within(0):
            break
        try:
            c.send(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            break  # the server answered and closed: the answer may be queued
    try:
        status = c.read_response(timeout=5).status
    except Closed as e:
        status = None
        check(False, "connection dropped without a 413 for a chunked body over the limit: %s" % e)
    eq(status, 413, "chunked body over max_body_bytes")


def test_clean_shutdown():
    srv.stop_clean()


run_cases([(n, f) for n, f in list(globals().items()) if n.startswith("test_")])
