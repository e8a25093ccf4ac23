#!/usr/bin/env python3
"""The live GIL dashboard (GET /debug/gil) in headless Chromium.

  test_dashboard.py GILD SOURCE_DIR OUT_DIR          the real gild under wrk load
  test_dashboard.py --mock SOURCE_DIR OUT_DIR        tests/dashboard/mock_gild.py

Live: starts gild on config/gild.json (ephemeral port), checks that
/debug/gil serves server/dashboard/gil.html byte for byte, starts chromedriver
and a headless Chromium session (W3C WebDriver over HTTP, python3 urllib), puts
a small wrk load on /cpu and /io, loads the page and polls its DOM (bounded)
until the charts have data: the routes table has active /cpu and /io rows, the
held ratio is a number > 0, the timeline has one row per worker. Then it
asserts on the DOM and saves OUT_DIR/dashboard.png.

Mock: the same page against a server whose counters grow at known rates, so
the page's arithmetic (rates, histogram_quantile, route shares) is checked
against numbers known in advance; also the parsers on tricky input, a 404 from
the trace endpoint, and the status line once the server is gone. Saves
OUT_DIR/dashboard-mock.png.

Exits 77 (ctest SKIP) only if chromium or chromedriver is not installed (and,
live, if wrk is not).
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))

if len(sys.argv) != 4:
    sys.stderr.write("usage: %s GILD|--mock SOURCE_DIR OUT_DIR\n" % sys.argv[0])
    sys.exit(2)
MOCK = sys.argv[1] == "--mock"
GILD, SRC, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from gildtest import Failure, Server, check  # noqa: E402

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")
WRK = shutil.which("wrk")
missing = [n for n, p in (("chromium", CHROMIUM), ("chromedriver (chromium-driver)", CHROMEDRIVER)) if not p]
if not MOCK and not WRK:
    missing.append("wrk")
if missing:
    print("SKIP: not installed: %s (apt-get install chromium chromium-driver wrk)" % ", ".join(missing))
    sys.exit(SKIP)

PAGE = os.path.join(HERE, "..", "..", "server", "dashboard", "gil.html")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1440,1200", "--hide-scrollbars", "--force-device-scale-factor=1"]


# --------------------------------------------------------------------------
# W3C WebDriver over HTTP
# --------------------------------------------------------------------------

class Driver:
    """chromedriver in its own process group, one Chromium session."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="gild-dash-chrome-")
        self.proc = subprocess.Popen([CHROMEDRIVER, "--port=0"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.session = None
        port, lines = None, []
        deadline = time.monotonic() + 20
        # chromedriver prints its port once it listens; readline blocks, so
        # a timer kills it if it never does.
        timer = threading.Timer(20, self._kill)
        timer.start()
        try:
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").strip()
                lines.append(line)
                m = re.search(r"started successfully on port (\d+)", line)
                if m:
                    port = int(m.group(1))
                    break
                if time.monotonic() > deadline:
                    break
        finally:
            timer.cancel()
        if not port:
            self._kill()
            raise Failure("chromedriver did not start: %s" % " | ".join(lines)[-800:])
        threading.Thread(target=self._drain, daemon=True).start()
        self.base = "http://127.0.0.1:%d" % port
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM,
                                   "args": CHROME_FLAGS + ["--user-data-dir=" + self.profile]}}}}
        r = self.call("POST", "/session", caps, timeout=60)
        self.session = r["sessionId"]
        self.call("POST", "/session/%s/timeouts" % self.session, {"script": 10000, "pageLoad": 20000})

    def _drain(self):
        for _ in self.proc.stdout:
            pass

    def _kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)   # chromedriver and the Chromium it started
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass

    def call(self, method, path, body=None, timeout=30):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                out = json.loads(resp.read().decode() or "{}")
        except urllib.error.HTTPError as e:
            raise Failure("WebDriver %s %s: %s %s" % (method, path, e.code, e.read().decode()[:800]))
        return out.get("value")

    def s(self, method, path, body=None, timeout=30):
        return self.call(method, "/session/%s%s" % (self.session, path), body, timeout)

    def get(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self, path):
        # The whole page: grow the window to the document's height first.
        h = self.js("return document.documentElement.scrollHeight + (window.outerHeight - window.innerHeight);")
        self.s("POST", "/window/rect", {"width": 1440, "height": int(h) + 8})
        self.js("window.dispatchEvent(new Event('resize'));")   # redraw the canvases at the new size
        png = base64.b64decode(self.s("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)
        return len(png)

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", "/session/%s" % self.session, timeout=15)
            except Exception:  # noqa: BLE001 - the process group goes anyway
                pass
            self.session = None
        self._kill()
        shutil.rmtree(self.profile, ignore_errors=True)


# What the test reads from the page, in one round trip.
STATE_JS = r"""
function num(id) { var v = document.getElementById(id).getAttribute('data-value');
  return v === '' || v === null ? null : parseFloat(v); }
function inked(id) {   // how many pixels a chart has drawn
  var c = document.getElementById(id), g = c.getContext('2d');
  var d = g.getImageData(0, 0, c.width, c.height).data, n = 0;
  for (var i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n; }
var rows = [].map.call(document.querySelectorAll('#routes tbody tr[data-route]'), function (tr) {
  function cell(c) { return tr.querySelector('td.' + c).textContent; }
  return {route: tr.getAttribute('data-route'), rps: parseFloat(tr.getAttribute('data-rps')),
          cls: tr.className, p50: cell('p50'), p99: cell('p99'), held: cell('held'), wait: cell('wait'),
          io: cell('io'), gil: cell('gil-share'), bars: tr.querySelectorAll('.bar span').length}; });
var tl = [].map.call(document.querySelectorAll('#timeline .tl-row'), function (r) {
  return {worker: r.getAttribute('data-worker'), stat: r.querySelector('.tl-stat').textContent}; });
return {
  polls: parseInt(document.body.getAttribute('data-polls') || '0', 10),
  status: document.getElementById('status').textContent,
  statusClass: document.getElementById('status').className,
  held: num('held-ratio'), wait: num('wait-ratio'), waiting: num('waiting-threads'),
  p50: num('wait-p50'), p90: num('wait-p90'), p99: num('wait-p99'), rps: num('req-rate'),
  held1m: document.getElementById('held-ratio-1m').textContent,
  heldText: document.getElementById('held-ratio').textContent,
  workers: document.getElementById('workers').textContent,
  routes: rows, timeline: tl, timelineStatus: document.getElementById('timeline-status').textContent,
  ink: {ratio: inked('chart-ratio'), waiting: inked('chart-waiting'), pct: inked('chart-wait-pct')}
};
"""


def wait_page(drv, pred, what, timeout):
    """Polls the page's state until pred(state) is true; returns the state."""
    deadline = time.monotonic() + timeout
    st = None
    while time.monotonic() < deadline:
        st = drv.js(STATE_JS)
        if pred(st):
            return st
        time.sleep(0.25)   # a poll period, not synchronisation: pred decides
    raise Failure("page never showed %s within %.0fs; last state: %s" % (what, timeout, json.dumps(st)[:3000]))


def route(st, name):
    for r in st["routes"]:
        if r["route"] == name or r["route"].endswith(" " + name):
            return r
    return None


def filled(st, routes):
    return (st["statusClass"] == "ok" and st["held"] is not None and st["held"] > 0
            and all(route(st, r) and route(st, r)["rps"] > 0 for r in routes)
            and len(st["timeline"]) > 0 and st["ink"]["ratio"] > 0)


def near(got, want, tol, what):
    check(got is not None and abs(got - want) <= tol, "%s: expected %g ± %g, got %r" % (what, want, tol, got))


def parse_ms(text):
    m = re.fullmatch(r"([\d.]+) (µs|ms|s)", text.strip())
    check(m, "not a duration: %r" % text)
    return float(m.group(1)) * {"µs": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


# --------------------------------------------------------------------------
# the JS parsers on tricky input (mock run only; they do not need a server)
# --------------------------------------------------------------------------

def check_parsers(drv):
    text = "\n".join([
        "# HELP a_total A counter.", "# TYPE a_total counter",
        'a_total{route="/x",q="a\\"b\\\\c"} 3 1700000000000',
        "b_gauge +Inf", "c_gauge NaN", "d 1.5e-3", "",
        'h_bucket{le="0.1"} 1', 'h_bucket{le="0.2"} 3', 'h_bucket{le="+Inf"} 4'])
    r = drv.js("var m = window.gildDashboard.parseMetrics(arguments[0]);"
               "return {a: m.a_total[0], b: String(m.b_gauge[0].value), c: String(m.c_gauge[0].value),"
               " d: m.d[0].value, n: m.h_bucket.length};", text)
    check(r["a"]["value"] == 3 and r["a"]["labels"] == {"route": "/x", "q": 'a"b\\c'},
          "parseMetrics: labels with escapes and a timestamp: %r" % r["a"])
    check((r["b"], r["c"], r["d"], r["n"]) == ("Infinity", "NaN", 0.0015, 3), "parseMetrics: values %r" % r)
    q = drv.js("var Q = window.gildDashboard.quantile, b = arguments[0];"
               "return [Q(0.5, b), Q(0.25, b), Q(0.5, [{le: 1, count: 0}, {le: Infinity, count: 0}])];",
               [{"le": 0.1, "count": 1}, {"le": 0.2, "count": 3}, {"le": 1.0, "count": 4}])
    # rank 2 of 4 falls in (0.1, 0.2], which holds 2: 0.1 + 0.1 * (1/2); rank 1 is the
    # top of the first bucket.
    check(abs(q[0] - 0.15) < 1e-9 and abs(q[1] - 0.1) < 1e-9, "quantile p50/p25: %r" % q)
    check(q[2] is None, "quantile of an empty histogram is NaN (null in JSON): %r" % q)
    qi = drv.js("var b = [{le: 0.1, count: 1}, {le: Infinity, count: 4}];"
                "return window.gildDashboard.quantile(0.9, b);")
    check(abs(qi - 0.1) < 1e-9, "quantile in the +Inf bucket answers the highest finite bound: %r" % qi)
    tr = drv.js("var t = window.gildDashboard.parseTrace(arguments[0]); return [t[7].name, t[7].slices.length, t[7].slices[1]];",
                {"traceEvents": [{"ph": "M", "name": "thread_name", "tid": 7, "args": {"name": "worker-3"}},
                                 {"ph": "X", "name": "io", "tid": 7, "ts": 10, "dur": 5},
                                 {"ph": "B", "name": "wants_gil", "tid": 7, "ts": 20},
                                 {"ph": "E", "tid": 7, "ts": 26}]})
    check(tr[0] == "worker-3" and tr[1] == 2 and tr[2] == {"s": 20, "e": 26, "name": "wants_gil"},
          "parseTrace: %r" % tr)
    print("PASS parsers (Prometheus text, histogram_quantile, trace events)")


# --------------------------------------------------------------------------

def run_mock(drv):
    mock = os.path.join(HERE, "mock_gild.py")
    srv = Server(mock, keep_lines=False)
    try:
        drv.get("http://127.0.0.1:%d/debug/gil" % srv.port)
        check_parsers(drv)
        # 6 polls: the 5 s route window is full.
        st = wait_page(drv, lambda s: filled(s, ["/cpu", "/io"]) and s["polls"] >= 6 and s["p99"] is not None,
                       "filled charts", 30)
        near(st["held"], 0.62, 0.12, "held ratio from counter deltas")
        near(st["wait"], 1.80, 0.3, "wait ratio from counter deltas")
        check(st["held1m"] == "0.60", "1m held gauge shown: %r" % st["held1m"])
        check(st["waiting"] in (2, 3, 4), "waiting threads gauge: %r" % st["waiting"])
        near(st["p50"], 0.00403, 0.0006, "wait p50 (histogram_quantile of bucket deltas)")
        near(st["p99"], 0.075, 0.015, "wait p99")
        check(st["workers"] == "8", "workers counted from per-worker series: %r" % st["workers"])
        cpu, io, hello = route(st, "/cpu"), route(st, "/io"), route(st, "/hello")
        near(cpu["rps"], 40, 8, "/cpu req/s (status 200 and 500 summed)")
        near(io["rps"], 160, 25, "/io req/s")
        check(hello is None, "/hello never served: no row: %r" % hello)
        check([r["route"] for r in st["routes"]] == ["/io", "/cpu", "/metrics"],
              "rows by req/s, the server's own endpoints last: %r" % st["routes"])
        check("builtin" in route(st, "/metrics")["cls"], "/metrics marked builtin: %r" % st["routes"])
        check(cpu["held"] == "29%" and cpu["wait"] == "63%" and cpu["io"] == "0.0%",
              "/cpu time split (0.55, 1.20, 0 of 1.90 s/s): %r" % cpu)
        check(cpu["gil"] == "92%" and io["gil"] == "8.3%", "share of the GIL (0.55 vs 0.05): %r %r" % (cpu["gil"], io["gil"]))
        near(parse_ms(cpu["p50"]), 0.04, 0.006, "/cpu p50 latency")
        near(parse_ms(io["p50"]), 0.0175, 0.003, "/io p50 latency")
        check(cpu["bars"] == 4, "/cpu time-split bar has 4 parts: %r" % cpu)
        st = wait_page(drv, lambda s: len(s["timeline"]) == 8 and "traced" in s["timelineStatus"], "8 timeline rows", 15)
        check([r["worker"] for r in st["timeline"]] == ["worker-%d" % i for i in range(8)],
              "timeline rows in worker order: %r" % st["timeline"])
        check(all(re.fullmatch(r"\d+% run", r["stat"]) for r in st["timeline"]), "per-row run share: %r" % st["timeline"])
        check(min(st["ink"].values()) > 500, "all three charts drew something: %r" % st["ink"])
        print("PASS mock: rates, quantiles, route table, timeline")
        n = drv.screenshot(os.path.join(OUT, "dashboard-mock.png"))
        print("screenshot %s (%d bytes)" % (os.path.join(OUT, "dashboard-mock.png"), n))
        stats = json.loads(urllib.request.urlopen("http://127.0.0.1:%d/mock/stats" % srv.port, timeout=5).read())
        check(stats["trace_requests"] >= 1, "the page asked for a trace: %r" % stats)
        # The server goes away: the status line says so.
        srv.stop()
        st = wait_page(drv, lambda s: s["statusClass"] == "bad", "the unreachable status", 15)
        check("unreachable" in st["status"], "status line: %r" % st["status"])
        print("PASS status line after the server stopped: %r" % st["status"])
    finally:
        if srv.proc.poll() is None:
            srv.kill()
    # Tracing off: a 404 from the trace endpoint is reported, metrics still flow.
    srv = Server(mock, extra_args=["--trace-status", "404"], keep_lines=False)
    try:
        drv.get("http://127.0.0.1:%d/debug/gil" % srv.port)
        st = wait_page(drv, lambda s: "404" in s["timelineStatus"] and s["held"] is not None and s["statusClass"] == "ok",
                       "the tracing-off note", 15)
        check(len(st["timeline"]) == 0, "no timeline rows without a trace: %r" % st["timeline"])
        print("PASS trace 404 tolerated: %r" % st["timelineStatus"])
    finally:
        srv.stop()


def run_live(drv):
    config = os.path.join(SRC, "config", "gild.json")
    with open(config) as f:
        threads = json.load(f).get("threads", 0)
    srv = Server(GILD, config, keep_lines=False)
    wrks = []
    try:
        base = "http://127.0.0.1:%d" % srv.port
        r = srv.request("GET", "/debug/gil")
        check(r.status == 200, "GET /debug/gil: %r" % r)
        with open(PAGE, "rb") as f:
            check(r.body == f.read(), "GET /debug/gil is not server/dashboard/gil.html byte for byte (%d bytes)" % len(r.body))
        check((r.header("Content-Type") or "").startswith("text/html"), "Content-Type %r" % r.header("Content-Type"))
        for path in ("/cpu?n=200000", "/io?ms=5"):
            wrks.append(subprocess.Popen([WRK, "-t1", "-c4", "-d8s", "--timeout", "5s", base + path],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        t0 = time.monotonic()
        drv.get(base + "/debug/gil")
        st = wait_page(drv, lambda s: filled(s, ["/cpu", "/io"]) and s["polls"] >= 3, "filled charts under load", 8.5)
        print("charts filled %.1fs after wrk started" % (time.monotonic() - t0))
        check(0 < st["held"] <= 1.05, "held ratio in (0, 1]: %r" % st["held"])
        check(st["wait"] is not None and st["wait"] >= 0, "wait ratio: %r" % st["wait"])
        check(st["waiting"] is not None and 0 <= st["waiting"] <= threads, "waiting threads: %r" % st["waiting"])
        check(st["p99"] is not None and st["p99"] > 0, "GIL wait p99 under contention: %r" % st["p99"])
        cpu, io = route(st, "/cpu"), route(st, "/io")
        check(cpu["held"] != "–" and io["io"] != "–", "route time split shown: %r %r" % (cpu, io))
        check(parse_ms(io["p50"]) >= 0.004, "/io p50 at least its 5 ms sleep: %r" % io["p50"])
        # The trace is recorded under load too; wait for its rows.
        st = wait_page(drv, lambda s: len(s["timeline"]) >= 1 and "traced" in s["timelineStatus"], "timeline rows", 6)
        workers = [r["worker"] for r in st["timeline"]]
        check(len([w for w in workers if "worker" in w]) == threads,
              "one timeline row per worker (%d): %r" % (threads, workers))
        check(min(st["ink"].values()) > 200, "all three charts drew something: %r" % st["ink"])
        n = drv.screenshot(os.path.join(OUT, "dashboard.png"))
        print("PASS live dashboard: held %.2f, wait %.2f, p99 %s, /cpu %.0f req/s, /io %.0f req/s, %d timeline rows"
              % (st["held"], st["wait"], st["p99"], cpu["rps"], io["rps"], len(workers)))
        print("screenshot %s (%d bytes)" % (os.path.join(OUT, "dashboard.png"), n))
        for w in wrks:
            out = w.communicate(timeout=30)[0].decode("utf-8", "replace")
            check(w.returncode == 0 and "requests in" in out, "wrk: %s" % out[-500:])
        srv.stop_clean()
    finally:
        for w in wrks:
            if w.poll() is None:
                w.kill()
                w.wait(10)
        if srv.proc.poll() is None:
            srv.kill()


def main():
    os.makedirs(OUT, exist_ok=True)
    drv = Driver()
    try:
        (run_mock if MOCK else run_live)(drv)
    finally:
        drv.quit()


try:
    main()
except Failure as e:
    print("FAIL %s" % e)
    sys.exit(1)
print("all passed")
