#!/usr/bin/env python3
"""HTTP/1.1 basics against a real gild-testd: keep-alive, HTTP/1.0, HEAD,
standard headers, pipelining order, the test handlers (params, headers, info,
status, big bodies, refused CR/LF header) and the access log."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gildtest import (Server, args, assert_std_headers, check, eq, make_config,  # noqa: E402
                      run_cases)

BIN, SRC = args()
srv = Server(BIN, make_config(SRC, {"threads": 4}))


def test_keepalive_many_requests():
    c = srv.conn()
    port = c.local_port()
    for i in range(5):
        c.send_request("GET", "/hello")
        r = c.read_response()
        eq(r.status, 200, "status of request %d" % i)
        eq(r.body, b"Hello, World!", "body of request %d" % i)
        eq(r.header("Content-Length"), "13", "Content-Length")
        check((r.header("Content-Type") or "").startswith("text/plain"),
              "Content-Type %r" % r.header("Content-Type"))
        assert_std_headers(r, "keep-alive #%d" % i)
        check((r.header("Connection") or "").lower() != "close", "server asked to close a keep-alive connection")
        eq(c.local_port(), port, "same connection")
    # different request kinds on the same connection
    c.send_request("POST", "/echo", body=b"abc")
    r = c.read_response()
    eq((r.status, r.body), (200, b"abc"), "echo on the kept-alive connection")
    c.send_request("GET", "/nope")
    r = c.read_response()
    eq(r.status, 404, "404 keeps the connection usable")
    c.send_request("GET", "/hello")
    eq(c.read_response().status, 200, "request after a 404 on the same connection")
    c.close()


def test_http11_connection_close():
    c = srv.conn()
    c.send_request("GET", "/hello", {"Connection": "close"})
    r = c.read_response()
    eq(r.status, 200, "status")
    assert_std_headers(r)
    check(c.wait_closed(3.0), "server kept an HTTP/1.1 'Connection: close' connection open")
    eq(c.buf, b"", "bytes after the response")


def test_http10_closes_by_default():
    c = srv.conn()
    c.send("GET /hello HTTP/1.0\r\n\r\n")
    r = c.read_response()
    eq(r.status, 200, "status")
    eq(r.body, b"Hello, World!", "body")
    assert_std_headers(r, "HTTP/1.0")
    check(c.wait_closed(3.0), "server kept an HTTP/1.0 connection without keep-alive open")


def test_http10_keepalive():
    c = srv.conn()
    for i in range(3):
        c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.read_response()
        eq(r.status, 200, "HTTP/1.0 keep-alive request %d" % i)
        eq(r.body, b"Hello, World!", "body")
        check((r.header("Connection") or "").lower() == "keep-alive",
              "HTTP/1.0 keep-alive response must say 'Connection: keep-alive', got %r" % r.header("Connection"))
    c.close()


def test_head():
    c = srv.conn()
    c.send_request("HEAD", "/hello")
    r = c.read_response(head=True)
    eq(r.status, 200, "HEAD status")
    eq(r.header("Content-Length"), "13", "HEAD Content-Length (the GET body's length)")
    assert_std_headers(r, "HEAD")
    # If the server sent a body, it would show up before the next status line.
    c.send_request("GET", "/hello")
    r2 = c.read_response()
    eq((r2.status, r2.body), (200, b"Hello, World!"), "GET after HEAD (a HEAD body would corrupt it)")
    c.close()


def test_pipelining_order():
    c = srv.conn(timeout=10)
    c.send("GET /order?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /order?ms=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    a = c.read_response(timeout=10)
    b = c.read_response(timeout=10)
    eq((a.status, a.body), (200, b"order 300"), "first pipelined response")
    eq((b.status, b.body), (200, b"order 1"), "second pipelined response")
    c.close()


def test_pipelining_mixed():
    c = srv.conn(timeout=10)
    c.send("GET /order?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
           "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping"
           "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /order?ms=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    got = [c.read_response(timeout=10) for _ in range(6)]
    eq([(r.status, r.body) for r in got],
       [(200, b"order 200"), (200, b"Hello, World!"), (200, b"ping"), (404, got[3].body),
        (200, got[4].body), (200, b"order 1")], "pipelined responses in request order")
    eq(got[4].body.strip(), b"ok", "/healthz body")
    c.close()


def test_path_params_decoded():
    r = srv.request("GET", "/users/42")
    eq((r.status, r.body), (200, b"id=42\n"), "/users/42")
    r = srv.request("GET", "/users/a%20b%21")
    eq((r.status, r.body), (200, b"id=a b!\n"), "/users/a%20b%21")
    r = srv.request("GET", "/files/docs/r%C3%A9sum%C3%A9.txt")
    eq((r.status, r.body), (200, "dir=docs\nname=résumé.txt\n".encode()), "two params, UTF-8 escapes")
    r = srv.request("GET", "/users/42/extra")
    eq(r.status, 404, "/users/42/extra")
    assert_std_headers(r, "404")


def test_request_headers_reach_handler():
    r = srv.request("GET", "/headers", {"X-Custom-Thing": "Value One", "Accept": "*/*"})
    eq(r.status, 200, "status")
    lines = r.body.decode().splitlines()
    check("x-custom-thing: Value One" in lines, "header not passed (lower-cased name): %r" % lines)
    check("accept: */*" in lines, "accept header missing: %r" % lines)


def test_info():
    r = srv.request("GET", "/info?a=1&b=x%20y")
    eq(r.status, 200, "status")
    info = json.loads(r.body)
    eq(info.get("method"), "GET", "method")
    eq(info.get("path"), "/info", "path")
    eq(info.get("query"), "a=1&b=x%20y", "query (raw)")
    check(str(info.get("remote", "")).startswith("127.0.0.1:"), "remote %r" % info.get("remote"))
    eq(info.get("route"), "GET /info", "route")


def test_status_codes():
    for code in (201, 302, 418, 500, 503):
        r = srv.request("GET", "/status?code=%d" % code)
        eq(r.status, code, "/status?code=%d" % code)
        assert_std_headers(r, "status %d" % code)


def test_big_response():
    n = 3 * 1024 * 1024 + 7
    r = srv.request("GET", "/big?bytes=%d" % n, timeout=20)
    eq(r.status, 200, "status")
    eq(len(r.body), n, "body length")
    check(r.body == b"x" * n, "body is not all 'x'")


def test_handler_crlf_header_refused():
    c = srv.conn()
    c.send_request("GET", "/bad-header")
    r = c.read_response()
    eq(r.status, 200, "status")
    eq(r.header("X-Refused"), "yes", "X-Refused")
    assert_std_headers(r, "bad-header")
    # The refused header must not have split the response: the head parsed
    # cleanly (read_response checks every line) and the connection is in sync.
    for k, v in r.headers:
        check("\r" not in v and "\n" not in v, "CR/LF in header %r" % k)
    c.send_request("GET", "/hello")
    eq(c.read_response().body, b"Hello, World!", "next response on the same connection")
    c.close()


def test_healthz():
    r = srv.request("GET", "/healthz")
    eq(r.status, 200, "status")
    eq(r.body.strip(), b"ok", "body")
    assert_std_headers(r, "healthz")


def test_access_log():
    c = srv.conn()
    c.send_request("GET", "/users/access-log-probe")
    eq(c.read_response().status, 200, "status")
    c.close()
    ln = srv.wait_for_log(lambda s: "/users/access-log-probe" in s, 5.0)
    check(ln is not None, "no access-log line for the request; stdout: %r" % srv.stdout_lines()[-5:])
    check("GET" in ln and " 200 " in (ln + " ") and "127.0.0.1" in ln,
          "access-log line lacks method, status or remote: %r" % ln)


def test_clean_shutdown():
    srv.stop_clean()


run_cases([(n, f) for n, f in list(globals().items()) if n.startswith("test_")])
