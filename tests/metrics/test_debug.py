"""GET /debug/gil/trace?seconds=N and GET /debug/gil, and the switches.

- a trace answers 200 application/json (Chrome trace events) after about N
  seconds, while the loop keeps serving (/hello and /metrics answer during
  it); a second trace meanwhile gets 409; N missing, 0, above max_seconds or
  not a number gets 400;
- /debug/gil serves server/dashboard/gil.html, whole;
- with "server_timing": false no Server-Timing header is sent (the access
  log keeps its figures); with "trace", "dashboard" and "metrics" null
  their paths are not answered by the server (404 from the router)."""

import json
import os
import socket
import threading
import time

import mtest


def main(gild, src):
    with mtest.Gild(gild, src) as g:
        for bad in ("", "?seconds=0", "?seconds=11", "?seconds=abc", "?seconds=-1",
                    "?seconds=1e1", "?seconds=inf"):
            st, _, body, _ = g.get("/debug/gil/trace" + bad)
            mtest.check(st == 400, "trace%s answered %d, expected 400" % (bad, st))
        out = {}

        def trace():
            # Two traces pipelined on one connection: the server parses
            # (and starts) them in order, so the second deterministically
            # finds the first running; its 409 comes after the first's 200.
            sock = socket.create_connection(("127.0.0.1", g.port), timeout=30)
            try:
                t0 = time.monotonic()
                sock.sendall(b"GET /debug/gil/trace?seconds=1.5 HTTP/1.1\r\nHost: t\r\n\r\n"
                             b"GET /debug/gil/trace?seconds=0.1 HTTP/1.1\r\nHost: t\r\n\r\n")
                f = sock.makefile("rb")
                for key in ("first", "second"):
                    status = int(f.readline().split()[1])
                    hdrs = {}
                    while True:
                        line = f.readline().decode("latin-1").rstrip("\r\n")
                        if not line:
                            break
                        k, _, v = line.partition(":")
                        hdrs[k.strip().lower()] = v.strip()
                    body = f.read(int(hdrs.get("content-length", "0")))
                    out[key] = (status, hdrs, body, time.monotonic() - t0)
            finally:
                sock.close()

        t = threading.Thread(target=trace)
        t.start()
        # The loop serves everything else meanwhile (best effort: these may
        # also land before the trace started; they must be fast either way).
        st, _, body, secs = g.get("/hello")
        mtest.check(st == 200 and secs < 1.0, "/hello during a trace: %d in %.3f s" % (st, secs))
        st, _, _, secs = g.get("/cpu?n=100000")
        mtest.check(st == 200, "/cpu during a trace: %d" % st)
        mtest.check(g.get("/metrics")[0] == 200, "/metrics during a trace")
        t.join(30)
        mtest.check(not t.is_alive() and "second" in out, "the traces did not answer")
        mtest.check(out["second"][0] == 409, "a second trace during the first answered %d, "
                    "expected 409" % out["second"][0])
        st, h, body, secs = out["first"]
        mtest.check(st == 200, "trace answered %d" % st)
        mtest.check(h.get("content-type", "").startswith("application/json"),
                    "trace content type %r" % h.get("content-type"))
        mtest.check(1.4 <= secs < 10, "a 1.5 s trace answered after %.3f s" % secs)
        doc = json.loads(body)
        events = doc["traceEvents"] if isinstance(doc, dict) else doc
        mtest.check(isinstance(events, list) and events, "no trace events")
        print("trace: %d events, %d bytes, %.3f s" % (len(events), len(body), secs))

        st, h, body, _ = g.get("/debug/gil")
        mtest.check(st == 200 and h.get("content-type", "").startswith("text/html")
                    and b"<html" in body.lower(), "/debug/gil: %d %r" % (st, h.get("content-type")))
        # gild embeds the page: served whole, byte for byte.
        with open(os.path.join(src, "server", "dashboard", "gil.html"), "rb") as f:
            page = f.read()
        mtest.check(body == page, "/debug/gil served %d bytes, server/dashboard/gil.html has %d"
                    % (len(body), len(page)))
        st, h, _, _ = g.get("/io?ms=1")
        mtest.check("server-timing" in h, "Server-Timing missing with the default config")

    off = {"server_timing": False, "trace": None, "dashboard": None, "metrics": None}
    with mtest.Gild(gild, src, off) as g:
        st, h, _, _ = g.get("/io?ms=1")
        mtest.check(st == 200 and "server-timing" not in h,
                    "server_timing false still sent %r" % h.get("server-timing"))
        g.wait_line(lambda l: '"GET /io?ms=1"' in l and " io=" in l, 10,
                    "the access log's GIL figures with server_timing off")
        for path in ("/debug/gil/trace?seconds=1", "/debug/gil", "/metrics"):
            st, _, _, _ = g.get(path)
            mtest.check(st == 404, "%s with its key null answered %d" % (path, st))
    print("ok")
    return 0


if __name__ == "__main__":
    mtest.run(main)
