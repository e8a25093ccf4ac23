# Handlers for the handler-runtime and GIL integration tests
# (tests/gil/test_server_runtime.py, tests/gil/test_server_gil.py).
# Each one exercises one rule of the runtime: a return-value form, a
# request attribute, an error path, or a way of using (or not using) the GIL.
import json
import os
import time

# Module-level code runs once at start-up: /boots reports how many times
# this line ran (it must be 1, however many requests and workers there are).
BOOTS = []
BOOTS.append(time.time())

DATA_FILE = os.path.join(os.path.dirname(__file__), "t4_data.txt")

# Incremented by every /counter request; under the GIL `count += 1` is one
# uninterrupted step (no back-edge or call between the load and the store).
count = 0


def _int_arg(req, key, default):
    try:
        return int(req.query[key])
    except (KeyError, ValueError):
        return default


def hello(req):
    return "Hello, World!"


def boots(req):
    return {"boots": len(BOOTS)}


def counter(req):
    global count
    # a little bytecode before the increment, so that requests overlap
    k = 200
    while k > 0:
        k -= 1
    count += 1
    return str(count)


def counter_get(req):
    return str(count)


# ---- return-value forms ----

def ret_str(req):
    return "plain text \u00e9"


def ret_bytes(req):
    return b"\x00\x01\x02binary\xff"


def ret_dict(req):
    return {"a": 1, "b": [1, 2, 3], "c": None, "d": "x"}


def ret_list(req):
    return [1, "two", {"three": 3}, True]


def ret_none(req):
    return None


def ret_tuple2(req):
    return (201, "created")


def ret_tuple3(req):
    return (202, {"X-T4": "yes", "Content-Type": "text/x-t4"}, "accepted")


def ret_tuple3_pairs(req):
    return (200, [("X-One", "1"), ("X-Two", "2")], b"pairs")


def ret_tuple3_dict_body(req):
    return (418, {"X-Teapot": "short and stout"}, {"teapot": True})


# ---- request attributes ----

def info(req):
    return {
        "method": req.method,
        "path": req.path,
        "query": req.query,
        "headers": req.headers,
        "params": req.params,
        "remote": req.remote,
        "body_len": len(req.body),
        "body_is_bytes": isinstance(req.body, bytes),
        "text": req.text(),
    }


def echo_json(req):
    data = req.json()
    return {"got": data, "type": type(data).__name__}


def echo_body(req):
    return req.body


# ---- errors ----

def raise_error(req):
    raise ValueError("t4 boom marker 7361")


def bad_header_value(req):
    return (200, {"X-Bad": "a\r\nInjected: yes"}, "should not be sent")


def bad_header_lf(req):
    return (200, {"X-Bad": "a\nInjected: yes"}, "should not be sent")


def bad_header_name(req):
    return (200, {"X-Bad\r\nInjected": "yes"}, "should not be sent")


def bad_return(req):
    return 12345


# ---- the GIL ----

def spin(req):
    while True:
        pass


def cpu(req):
    n = _int_arg(req, "n", 100000)
    while n > 0:
        n -= 1
    return "done"


def io(req):
    ms = _int_arg(req, "ms", 10)
    time.sleep(ms / 1000.0)
    return "ok"


def read_file(req):
    with open(DATA_FILE, "rb") as f:
        return f.read()
