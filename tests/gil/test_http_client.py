#!/usr/bin/env python3
"""gild's http client module (vm/mod_http.c) against a real HTTP server.

    test_http_client.py GILD

Starts a small python3 http.server on 127.0.0.1:0 in a thread, a listening
socket that never answers, and finds a port nobody listens on; then runs
`GILD run` on a script that calls http.request against them (GET with
headers, POST with a body, a chunked response, 404, HEAD, a timeout, a
refused port, bad URLs) and compares its output line by line. Every wait
is bounded (the gild script has a 60 s limit; the server threads stop at
the end). Exit status 0 = pass, 1 = fail.
"""
import http.server
import os
import socket
import subprocess
import sys
import tempfile
import threading

GILD_SCRIPT = r'''
import http
import sys

base = "http://127.0.0.1:%s" % sys.argv[1]
silent = int(sys.argv[2])
refused = int(sys.argv[3])

status, headers, body = http.request("GET", base + "/hello?x=1", headers={"X-Custom": "abc"})
print("get", status, type(headers).__name__, headers["content-type"], headers["x-test"], body)

status, headers, body = http.request("POST", base + "/echo", body=b"payload \x00\xff")
print("post", status, headers["content-length"], body)

status, headers, body = http.request("PUT", base + "/echo", body="h\u00e9llo")
print("put-str", status, body)

status, headers, body = http.request("POST", base + "/echo")
print("post-empty", status, body)

status, headers, body = http.request("GET", base + "/chunked")
print("chunked", status, headers.get("transfer-encoding"), len(body), body[:12], body[-6:])

status, headers, body = http.request("GET", base + "/missing")
print("404", status, body)

status, headers, body = http.request("HEAD", base + "/hello")
print("head", status, body, headers["content-length"])

status, headers, body = http.request("GET", base + "/big")
print("big", status, len(body), body == bytes(range(256)) * 4096)

status, headers, body = http.request("GET", base + "/noclen")
print("until-close", status, body)

status, headers, body = http.request("GET", "http://localhost:%s/hello" % sys.argv[1],
                                     timeout=None)
print("localhost", status, body)

try:
    http.request("GET", "http://127.0.0.1:%d/" % silent, timeout=0.3)
except TimeoutError as e:
    print("timeout", type(e).__name__, e)

try:
    http.request("GET", "http://127.0.0.1:%d/" % refused)
except ConnectionRefusedError as e:
    print("refused", type(e).__name__, e)

for url in ["https://127.0.0.1/", "ftp://x/", "http://", "http://127.0.0.1:99999/",
            "http://127.0.0.1/a b"]:
    try:
        http.request("GET", url)
    except ValueError as e:
        print("ValueError", e)

try:
    http.request("GET", base + "/hello", headers={"X-Bad": "a\r\nInjected: 1"})
except ValueError as e:
    print("ValueError", e)

try:
    http.request("POST", base + "/echo", body=123)
except TypeError as e:
    print("TypeError", e)
'''

EXPECTED = """\
get 200 dict text/plain yes b'GET /hello?x=1 abc'
post 200 10 b'payload \\x00\\xff'
put-str 200 b'h\\xc3\\xa9llo'
post-empty 200 b''
chunked 200 chunked 11000 b'chunk-0000\\nc' b'-0999\\n'
404 404 b'no such page'
head 200 b'' 15
big 200 1048576 True
until-close 200 b'read until the server closes'
localhost 200 b'GET /hello abc'
timeout TimeoutError timed out
refused ConnectionRefusedError [Errno 111] Connection refused
ValueError http.request supports http:// only, not https: 'https://127.0.0.1/'
ValueError invalid URL for http.request: 'ftp://x/'
ValueError invalid URL for http.request: 'http://'
ValueError invalid URL for http.request: 'http://127.0.0.1:99999/'
ValueError invalid URL for http.request: 'http://127.0.0.1/a b'
ValueError Invalid header value for 'X-Bad'
TypeError http.request() body must be bytes, str or None, not int
"""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, extra=(), length=True):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        for k, v in extra:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/hello"):
            text = "%s %s %s" % (self.command, self.path, self.headers.get("X-Custom", "abc"))
            self.reply(200, text.encode(), [("X-Test", "yes")])
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(1000):
                piece = b"chunk-%04d\n" % i
                piece = piece[:1] if i % 2 else piece  # odd: two chunks per line
                rest = (b"chunk-%04d\n" % i)[len(piece):]
                for p in (piece, rest):
                    if p:
                        self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(p), p))
            self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
        elif self.path == "/big":
            self.reply(200, bytes(range(256)) * 4096)
        elif self.path == "/noclen":
            self.close_connection = True
            self.reply(200, b"read until the server closes", length=False)
        else:
            self.reply(404, b"no such page")

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "-1"))
        body = self.rfile.read(n) if n > 0 else b""
        self.reply(200, body)

    do_PUT = do_POST


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    gild = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    # A listener nobody accepts on: connect succeeds (backlog), no answer ever comes.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    # A port bound then closed: nobody listens there.
    gone = socket.socket()
    gone.bind(("127.0.0.1", 0))
    refused_port = gone.getsockname()[1]
    gone.close()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            script = os.path.join(tmp, "http_client.py")
            with open(script, "w") as f:
                f.write(GILD_SCRIPT)
            p = subprocess.run([gild, "run", script, str(server.server_address[1]),
                                str(silent.getsockname()[1]), str(refused_port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        silent.close()
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0 or out != EXPECTED:
        print("FAIL: gild exited %d" % p.returncode)
        for want, got in zip(EXPECTED.splitlines(), out.splitlines() + [""] * 99):
            print(("   " if want == got else "!! ") + "want: " + want)
            if want != got:
                print("   got:  " + got)
        print("--- stderr:\n" + p.stderr.decode("utf-8", "replace"))
        return 1
    print("ok: %d http.request cases" % len(EXPECTED.splitlines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
