#!/usr/bin/env python3
"""A bad configuration file: exit 2 before listening, with a message on
stderr naming the key and its line:column."""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gildtest import args, check, eq, run_cases  # noqa: E402

BIN, SRC = args()
TMP = tempfile.mkdtemp(prefix="gild-badconf-")

# Line numbers below are 1-based; each case's bad key is on the given line.
HEAD = '{\n  "listen": "127.0.0.1:0",\n'            # lines 1-2
ROUTES = '  "routes": {"GET /hello": "test.hello"}'


def run_config(text, name):
    path = os.path.join(TMP, name + ".json")
    with open(path, "w") as f:
        f.write(text)
    try:
        p = subprocess.run([BIN, "--config", path, "--listen", "127.0.0.1:0"], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=10)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("%s: server still running 10 s after start with a bad config (stdout %r)"
                             % (name, (e.stdout or b"")[:200]))
    return path, p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def expect_error(text, name, key, line):
    path, rc, out, err = run_config(text, name)
    eq(rc, 2, "exit status for %s (stderr: %s)" % (name, err.strip()[:500]))
    check("listening" not in out, "%s: server printed %r before failing" % (name, out[:200]))
    check(key in err, "%s: stderr does not name the key %r: %r" % (name, key, err[:500]))
    if line is not None:
        check(re.search(r"(^|\D)%d:\d+" % line, err),
              "%s: stderr lacks the position %d:COL: %r" % (name, line, err[:500]))


def test_unknown_key():
    expect_error(HEAD + '  "thread": 4,\n' + ROUTES + "\n}\n", "unknown", "thread", 3)


def test_wrong_type():
    expect_error(HEAD + '  "threads": "four",\n' + ROUTES + "\n}\n", "type", "threads", 3)


def test_out_of_range():
    expect_error(HEAD + '  "threads": 0,\n' + ROUTES + "\n}\n", "range", "threads", 3)


def test_nested_out_of_range():
    expect_error(HEAD + ROUTES + ',\n  "limits": {\n    "max_body_bytes": -5\n  }\n}\n',
                 "nested", "max_body_bytes", 5)


def test_nested_unknown_key():
    expect_error(HEAD + ROUTES + ',\n  "timeouts": {\n    "header_msec": 100\n  }\n}\n',
                 "nested_unknown", "header_msec", 5)


def test_json_syntax_error():
    path, rc, out, err = run_config(HEAD + '  "threads": 4\n' + ROUTES + "\n}\n", "syntax")
    eq(rc, 2, "exit status for a JSON syntax error (stderr: %s)" % err.strip()[:300])
    check(re.search(r"(^|\D)4:\d+", err), "syntax error without its position 4:COL: %r" % err[:500])
    check("listening" not in out, "printed %r" % out[:200])


def test_unknown_handler():
    path, rc, out, err = run_config(HEAD + '  "routes": {"GET /x": "test.no_such_handler"}\n}\n', "handler")
    eq(rc, 2, "exit status for an unknown handler name (stderr: %s)" % err.strip()[:300])
    check("no_such_handler" in err, "stderr does not name the handler: %r" % err[:500])
    check("listening" not in out, "printed %r" % out[:200])


def test_missing_file():
    p = subprocess.run([BIN, "--config", os.path.join(TMP, "does-not-exist.json")], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=10)
    eq(p.returncode, 2, "exit status for a missing config file")
    check(b"does-not-exist.json" in p.stderr, "stderr does not name the file: %r" % p.stderr[:300])


run_cases([(n, f) for n, f in list(globals().items()) if n.startswith("test_")])
