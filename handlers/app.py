# The bundled endpoints: the same semantics as the peers in ../shared/peers,
# so gild can be load-tested side by side with gunicorn, puma, node and nginx.
# Module-level code runs once at start-up; its globals are shared by every
# request (under the GIL).
import json
import os
import time
import http

# /file reads this on every request: the peers' harness passes its own
# 4096-byte file in PEERS_FILE; otherwise the one shipped beside this script.
FILE_PATH = os.environ.get("PEERS_FILE", os.path.join(os.path.dirname(__file__), "data", "file-4k.txt"))

hits = 0


def _int_arg(req, key, default):
    try:
        return int(req.query[key])
    except (KeyError, ValueError):
        return default


def hello(req):
    return "Hello, World!"


def json_hello(req):
    body = json.dumps({"message": "Hello, World!"}, separators=(",", ":"))
    return (200, {"Content-Type": "application/json"}, body)


def cpu(req):
    n = _int_arg(req, "n", 100000)
    while n > 0:
        n -= 1
    return "done"


def io(req):
    ms = _int_arg(req, "ms", 10)
    time.sleep(ms / 1000.0)
    return "ok"


def file(req):
    with open(FILE_PATH, "rb") as f:
        return f.read()


def echo(req):
    return (200, {"Content-Type": req.headers.get("content-type", "application/octet-stream")}, req.body)


def upstream(req):
    # Calls this same server's /hello: a blocking upstream call that
    # releases the GIL while it waits.
    host = req.headers.get("host", "127.0.0.1")
    status, headers, body = http.request("GET", "http://" + host + "/hello", timeout=5)
    return (status, {"Content-Type": "text/plain"}, body)


def user(req):
    global hits
    hits += 1
    return {"id": req.params["id"], "hits": hits}
