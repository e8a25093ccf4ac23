#!/usr/bin/env python3
"""Limits and error statuses: 431, 414, 413, 400 (malformed, CL+TE,
conflicting CL, bad chunk size, bad percent escape), 505, 404, 405 + Allow.
Where the request can no longer be trusted the connection must be closed."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gildtest import (Closed, Server, args, assert_std_headers, check, eq,  # noqa: E402
                      make_config, run_cases)

BIN, SRC = args()
srv = Server(BIN, make_config(SRC, {"limits": {
    "max_header_bytes": 16384, "max_url_bytes": 8192, "max_body_bytes": 1048576, "max_headers": 100}}))


def raw_status(data, must_close, what, timeout=5.0):
    """Sends raw bytes on a new connection and returns the response; checks
    the standard headers and, if must_close, that the server closes."""
    c = srv.conn(timeout)
    try:
        try:
            c.send(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading it all
        try:
            r = c.read_response(timeout)
        except Closed as e:
            raise AssertionError("%s: connection closed without a response (%s)" % (what, e))
        assert_std_headers(r, what)
        if must_close:
            check(c.wait_closed(5.0), "%s: connection not closed after %d" % (what, r.status))
        return r
    finally:
        c.close()


def test_431_huge_header():
    r = raw_status("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n" % ("a" * 20000), True, "huge header")
    eq(r.status, 431, "request headers over max_header_bytes")


def test_431_many_small_headers_over_size():
    hs = "".join("X-H%d: %s\r\n" % (i, "b" * 200) for i in range(90))
    r = raw_status("GET /hello HTTP/1.1\r\nHost: x\r\n%s\r\n" % hs, True, "headers over size")
    eq(r.status, 431, "90 headers of 200 bytes (> 16 KiB)")


def test_431_too_many_headers():
    hs = "".join("X-H%d: v\r\n" % i for i in range(150))
    r = raw_status("GET /hello HTTP/1.1\r\nHost: x\r\n%s\r\n" % hs, True, "too many headers")
    eq(r.status, 431, "150 headers with max_headers=100")


def test_headers_just_under_limit_ok():
    r = raw_status("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: %s\r\n\r\n" % ("a" * 12000),
                   False, "big header under the limit")
    eq(r.status, 200, "12 KB of headers is under 16 KiB")


def test_414_long_url():
    r = raw_status("GET /hello?%s HTTP/1.1\r\nHost: x\r\n\r\n" % ("q" * 9000), True, "long URL")
    eq(r.status, 414, "URL over max_url_bytes")


def test_413_declared_body():
    r = raw_status("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", True, "big body")
    eq(r.status, 413, "Content-Length over max_body_bytes")


def test_400_garbage():
    r = raw_status("THIS IS NOT HTTP\r\n\r\n", True, "garbage")
    eq(r.status, 400, "garbage request line")


def test_400_header_without_colon():
    r = raw_status("GET /hello HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", True, "header without colon")
    eq(r.status, 400, "header line without a colon")


def test_400_cl_and_te():
    r = raw_status("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nhello\r\n0\r\n\r\n", True, "CL+TE")
    eq(r.status, 400, "Content-Length together with Transfer-Encoding")


def test_400_conflicting_cl():
    r = raw_status("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                   True, "conflicting CL")
    eq(r.status, 400, "two different Content-Length values")


def test_400_bad_chunk_size():
    r = raw_status("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                   True, "bad chunk size")
    eq(r.status, 400, "non-hex chunk size")


def test_400_bad_percent_escape():
    for target in ("/users/%zz", "/users/abc%4", "/users/%"):
        r = raw_status("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % target, False, target)
        eq(r.status, 400, "bad percent escape in %s" % target)


def test_505_http2_request_line():
    r = raw_status("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", True, "HTTP/2.0")
    eq(r.status, 505, "HTTP/2.0 request line")


def test_404():
    c = srv.conn()
    c.send_request("GET", "/no/such/route")
    r = c.read_response()
    eq(r.status, 404, "unknown route")
    assert_std_headers(r, "404")
    c.send_request("GET", "/hello")
    eq(c.read_response().status, 200, "404 does not close the connection")
    c.close()


def test_405_with_allow():
    c = srv.conn()
    c.send_request("DELETE", "/hello")
    r = c.read_response()
    eq(r.status, 405, "DELETE /hello")
    allow = [m.strip() for m in (r.header("Allow") or "").split(",")]
    check("GET" in allow, "Allow %r lacks GET" % r.header("Allow"))
    assert_std_headers(r, "405")
    c.send_request("GET", "/echo")
    r = c.read_response()
    eq(r.status, 405, "GET /echo")
    allow = sorted(m.strip() for m in (r.header("Allow") or "").split(","))
    check("POST" in allow and "PUT" in allow, "Allow %r lacks POST or PUT" % r.header("Allow"))
    check("GET" not in allow, "Allow %r lists GET for a POST/PUT route" % r.header("Allow"))
    c.send_request("POST", "/users/7", body=b"x")
    r = c.read_response()
    eq(r.status, 405, "POST /users/7 (a pattern route)")
    check("GET" in (r.header("Allow") or ""), "Allow %r lacks GET" % r.header("Allow"))
    c.close()


def test_server_still_serves():
    r = srv.request("GET", "/hello")
    eq((r.status, r.body), (200, b"Hello, World!"), "server after all the bad requests")


def test_clean_shutdown():
    srv.stop_clean()


run_cases([(n, f) for n, f in list(globals().items()) if n.startswith("test_")])
