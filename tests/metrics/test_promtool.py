"""`promtool check metrics` reports nothing on gild's /metrics after some
traffic (every route, errors, the built-in endpoints). Skipped (77) only
when promtool (Debian package `prometheus`) is not installed."""

import shutil
import subprocess
import sys

import mtest


def main(gild, src):
    promtool = shutil.which("promtool")
    if promtool is None:
        print("SKIP: promtool not found (apt-get install prometheus)")
        return mtest.SKIP
    with mtest.Gild(gild, src) as g:
        for path in ("/hello", "/json", "/cpu?n=10000", "/io?ms=1", "/file", "/users/42",
                     "/nope", "/healthz", "/debug/gil", "/debug/gil/trace?seconds=0",
                     "/metrics"):
            g.get(path)
        text = g.metrics()
    p = subprocess.run([promtool, "check", "metrics"], input=text.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode()
    mtest.check(p.returncode == 0 and out.strip() == "",
                "promtool check metrics (rc %d):\n%s" % (p.returncode, out))
    print("ok: promtool reports nothing on %d lines" % len(text.splitlines()))
    return 0


if __name__ == "__main__":
    mtest.run(main)
