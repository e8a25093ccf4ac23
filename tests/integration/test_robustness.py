#!/usr/bin/env python3
"""Robustness: clients that vanish mid-request, half-close, read slowly or
not at all (write timeout), split requests into single bytes, pipeline long
bursts; many concurrent clients whose responses must never cross."""

import os
import select
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gildtest import (TCP_ESTABLISHED, Closed, Server, _tcp_table, args, check, eq,  # noqa: E402
                      make_config, run_cases, run_threads, wait_server_read)

BIN, SRC = args()
WRITE_MS = 300
srv = Server(BIN, make_config(SRC, {"threads": 4, "timeouts": {"write_ms": WRITE_MS}}))


def test_byte_by_byte_request():
    c = srv.conn()
    for b in b"GET /users/bytewise HTTP/1.1\r\nHost: x\r\n\r\n":
        c.send(bytes([b]))
    r = c.read_response()
    eq((r.status, r.body), (200, b"id=bytewise\n"), "request sent one byte per write")
    c.close()


def test_long_pipelined_burst():
    n = 300
    c = srv.conn(timeout=20)
    c.send(b"".join(b"GET /users/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(n)))
    for i in range(n):
        r = c.read_response(timeout=20)
        eq((r.status, r.body), (200, b"id=%d\n" % i), "pipelined response %d of %d" % (i, n))
    c.close()


def test_client_gone_while_handler_runs():
    conns = []
    for i in range(6):
        c = srv.conn()
        c.send_request("GET", "/sleep?ms=200")
        conns.append(c)
    check(wait_server_read(srv.port, [c.local_port() for c in conns], 5.0), "server did not read the requests")
    for c in conns:
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
        c.close()
    # The handlers finish for connections that no longer exist; the server
    # must survive that and keep serving.
    c = srv.conn()
    c.send_request("GET", "/sleep?ms=400")  # outlives the 200 ms ones
    eq(c.read_response().status, 200, "request after clients vanished")
    c.close()


def test_half_close_after_request():
    c = srv.conn()
    c.send_request("GET", "/hello")
    c.sock.shutdown(socket.SHUT_WR)
    try:
        r = c.read_response()
    except Closed as e:
        raise AssertionError("no response after the client half-closed (shutdown SHUT_WR): %s" % e)
    eq((r.status, r.body), (200, b"Hello, World!"), "response after half-close")
    check(c.wait_closed(3.0), "server did not close after answering a half-closed connection")


def test_body_on_get_keeps_sync():
    c = srv.conn()
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /users/after HTTP/1.1\r\nHost: x\r\n\r\n")
    eq(c.read_response().status, 200, "GET with a body")
    r = c.read_response()
    eq((r.status, r.body), (200, b"id=after\n"), "next request after a GET body (body not skipped?)")
    c.close()


def test_expect_with_body_sent_anyway():
    c = srv.conn()
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc")
    r = c.read_response()
    eq((r.status, r.body), (200, b"abc"), "Expect with the body sent at once")
    c.send_request("GET", "/hello")
    r = c.read_response(allow_interim=True)
    eq(r.status, 200, "next response (a late '100 Continue' would show here)")
    c.close()


def test_lowercase_and_query():
    c = srv.conn()
    c.send("POST /echo?x=1 HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\nhi")
    eq(c.read_response().body, b"hi", "lower-case header names, query on a POST")
    c.send("GET /hello?a=b&c HTTP/1.1\r\nHost: x\r\n\r\n")
    eq(c.read_response().status, 200, "/hello with a query string")
    c.close()


def test_slow_reader_gets_everything():
    n = 8 * 1024 * 1024
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    s.settimeout(20)
    s.connect(("127.0.0.1", srv.port))
    s.sendall(b"GET /big?bytes=%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % n)
    got = 0
    data = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        chunk = s.recv(4096)  # small reads: the server's writes must wait for us
        if not chunk:
            break
        if len(data) < 1024:
            data += chunk
        got += len(chunk)
    s.close()
    head, _, _ = data.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200"), "status line %r" % head[:40])
    check(got >= n, "slow reader got %d bytes of a %d-byte body (write timeout fired while it was reading?)"
          % (got, n))


def test_write_timeout_closes_stuck_reader():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect(("127.0.0.1", srv.port))
    cport = s.getsockname()[1]
    s.sendall(b"GET /big?bytes=%d HTTP/1.1\r\nHost: x\r\n\r\n" % (16 * 1024 * 1024))
    # Never read. First wait (bounded) until the server has started writing:
    # its side's send queue is non-empty; building the 16 MB body is slow on
    # a sanitizer build and is not part of the write timeout.

    def server_side():
        return [(st, txq) for lp, rp, st, txq, _q in _tcp_table() if lp == srv.port and rp == cport]

    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline and not any(txq > 0 for _st, txq in server_side()):
        select.select([], [], [], 0.01)  # a bounded poll of kernel state, as in gildtest
    check(any(txq > 0 for _st, txq in server_side()) or not server_side(),
          "server never started writing the response")
    # Then the server must give the connection up within write_ms (+ slack):
    # its side leaves ESTABLISHED in the kernel's table.
    slack = 3.0
    t0 = time.monotonic()
    gone = False
    while time.monotonic() < t0 + WRITE_MS / 1000 + slack:
        if not any(st == TCP_ESTABLISHED for st, _txq in server_side()):
            gone = True
            break
        select.select([], [], [], 0.01)
    s.close()
    check(gone, "server still writing to a client that reads nothing, %.1fs after it started writing "
                "(write_ms=%d)" % (WRITE_MS / 1000 + slack, WRITE_MS))


def test_concurrent_clients_no_crosstalk():
    errors = []

    def client(k):
        try:
            c = srv.conn(timeout=20)
            for i in range(40):
                ident = "c%d-r%d" % (k, i)
                if i % 3 == 0:
                    c.send_request("POST", "/echo", body=ident.encode() * 10)
                    r = c.read_response(timeout=20)
                    want = ident.encode() * 10
                else:
                    c.send_request("GET", "/users/" + ident)
                    r = c.read_response(timeout=20)
                    want = ("id=%s\n" % ident).encode()
                if r.status != 200 or r.body != want:
                    errors.append("client %d request %d: got %d %r, want %r" % (k, i, r.status, r.body[:60], want))
                    break
            c.close()
        except Exception as e:  # noqa: BLE001
            errors.append("client %d: %s: %s" % (k, type(e).__name__, e))

    ts = [threading.Thread(target=client, args=(k,)) for k in range(16)]
    run_threads(ts, 60, "clients")
    check(not errors, "; ".join(errors[:5]))


def test_server_alive_and_clean_exit():
    r = srv.request("GET", "/hello")
    eq(r.status, 200, "server after the abuse")
    srv.stop_clean()


run_cases([(n, f) for n, f in list(globals().items()) if n.startswith("test_")])
