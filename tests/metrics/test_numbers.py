"""The numbers add up after a known workload: 20 requests to /io?ms=20 and
20 to /cpu?n=N (each ~10-50 ms of countdown: N is calibrated on a server of
its own first, since the native tier runs the loop many times faster than
the interpreter), half one after the other, half concurrently.

- gild_http_requests_total per route is exact, and each route's duration
  histogram counts (its +Inf bucket and _count) equal it;
- /io's gild_route_io_seconds_total is close to 20 x 20 ms, /cpu's is ~0;
- /cpu's gild_route_gil_held_seconds_total is close to the CPU work (20 x
  the median time of one /cpu alone), /io's is small;
- the per-request Server-Timing figures sum to the route totals (up to
  their 0.01 ms rounding), each /io?ms=20 has io ~ 20 ms, and the access
  log carries the same three figures;
- gild_queue_wait_seconds_count equals the requests that went to workers;
- once the runtime's metrics are there, gild_gil_acquisitions_total equals
  the hold histogram's _count.
Bounds are generous: they catch a wrong unit or a missing sum, not jitter."""

import re
import statistics
import threading

import mtest

CPU_N = 2000000     # where the calibration starts
CPU_MIN_HOLD = 0.010  # seconds of GIL a lone /cpu should hold
N = 20
TIMING = re.compile(r"^gil-wait;dur=(\d+\.\d\d), gil;dur=(\d+\.\d\d), io;dur=(\d+\.\d\d)$")


def timing(h):
    st = h.get("server-timing")
    mtest.check(st is not None, "no Server-Timing header in %r" % h)
    m = TIMING.match(st)
    mtest.check(m is not None, "Server-Timing %r is not gil-wait, gil, io" % st)
    return [float(x) for x in m.groups()]  # ms


def calibrate_cpu(gild, src):
    """The /cpu?n= whose lone request holds the GIL >= CPU_MIN_HOLD."""
    n = CPU_N
    with mtest.Gild(gild, src) as g:
        for _ in range(8):
            st, h, body, secs = g.get("/cpu?n=%d" % n)
            mtest.check(st == 200, "/cpu?n=%d answered %d" % (n, st))
            if timing(h)[1] / 1000.0 >= CPU_MIN_HOLD:
                break
            n *= 4
    return n


def main(gild, src):
    cpu_n = calibrate_cpu(gild, src)
    print("/cpu?n=%d" % cpu_n)
    with mtest.Gild(gild, src) as g:
        figures = {"/io": [], "/cpu": []}
        seq_cpu = []
        lock = threading.Lock()

        def one(route, path):
            st, h, body, secs = g.get(path)
            mtest.check(st == 200, "%s answered %d" % (path, st))
            f = timing(h)
            with lock:
                figures[route].append(f)
            return secs, f

        # Sequential half.
        for _ in range(N // 2):
            one("/io", "/io?ms=20")
            seq_cpu.append(one("/cpu", "/cpu?n=%d" % cpu_n))
        # Concurrent half: all at once, /io and /cpu mixed.
        threads = []
        for _ in range(N // 2):
            threads.append(threading.Thread(target=one, args=("/io", "/io?ms=20")))
            threads.append(threading.Thread(target=one, args=("/cpu", "/cpu?n=%d" % cpu_n)))
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
            mtest.check(not t.is_alive(), "a concurrent request did not finish in 60 s")
        text = g.metrics()
        s = mtest.parse(text)
        v = lambda name, **kw: mtest.value(s, name, **kw)

        for route in ("/io", "/cpu"):
            got = v("gild_http_requests_total", route=route, method="GET", status="200")
            mtest.check(got == N, "requests_total{route=%s}: expected %d, got %r" % (route, N, got))
            c = v("gild_http_request_duration_seconds_count", route=route)
            inf = v("gild_http_request_duration_seconds_bucket", route=route, le="+Inf")
            mtest.check(c == N and inf == N,
                        "duration histogram of %s: _count %r, +Inf %r, want %d" % (route, c, inf, N))
            mtest.check(len(figures[route]) == N, "Server-Timing on %d of %d %s answers" %
                        (len(figures[route]), N, route))

        io_io = v("gild_route_io_seconds_total", route="/io")
        io_cpu = v("gild_route_io_seconds_total", route="/cpu")
        held_io = v("gild_route_gil_held_seconds_total", route="/io")
        held_cpu = v("gild_route_gil_held_seconds_total", route="/cpu")
        wait_cpu = v("gild_route_gil_wait_seconds_total", route="/cpu")
        print("route /io: io %.4f s, held %.4f s; route /cpu: held %.4f s, wait %.4f s, io %.4f s"
              % (io_io, held_io, held_cpu, wait_cpu, io_cpu))
        mtest.check(N * 0.019 <= io_io <= N * 0.020 * 3,
                    "/io io seconds %.4f, expected about %d x 20 ms" % (io_io, N))
        mtest.check(io_cpu < 0.05, "/cpu io seconds %.4f, expected ~0" % io_cpu)
        mtest.check(held_io < N * 0.005, "/io held the GIL %.4f s, expected little" % held_io)
        # One /cpu alone is its countdown: it holds the GIL for nearly all
        # of its client-side time.
        for secs, f in seq_cpu:
            mtest.check(0.5 * secs <= f[1] / 1000.0 <= secs,
                        "a lone /cpu took %.4f s and held the GIL %.4f s" % (secs, f[1] / 1000.0))
        # 20 of them held it for about 20 x one; more under contention only
        # by what the OS takes from a holder (2 cores shared), so the upper
        # bound is the requests' total time.
        work = N * statistics.median(f[1] / 1000.0 for _, f in seq_cpu)
        print("cpu work estimate %.4f s (20 x the median hold of a lone /cpu)" % work)
        mtest.check(0.7 * work <= held_cpu, "/cpu held %.4f s, expected about the CPU work %.4f s"
                    % (held_cpu, work))
        dur_cpu = v("gild_http_request_duration_seconds_sum", route="/cpu")
        mtest.check(held_cpu <= dur_cpu, "/cpu held %.4f s > its duration %.4f s" % (held_cpu, dur_cpu))

        # Server-Timing sums to the route totals, up to 0.005 ms a figure.
        for route, held, io in (("/io", held_io, io_io), ("/cpu", held_cpu, io_cpu)):
            fg = sum(f[1] for f in figures[route]) / 1000.0
            fi = sum(f[2] for f in figures[route]) / 1000.0
            mtest.check(abs(fg - held) <= N * 0.00001, "%s: Server-Timing gil sums to %.5f s, "
                        "metrics say %.5f s" % (route, fg, held))
            mtest.check(abs(fi - io) <= N * 0.00001, "%s: Server-Timing io sums to %.5f s, "
                        "metrics say %.5f s" % (route, fi, io))
        for f in figures["/io"]:
            mtest.check(19.0 <= f[2] <= 60.0, "/io?ms=20 Server-Timing io %.2f ms" % f[2])

        # The access log has the same three figures.
        logged = [l for l in g.lines if '"GET /io?ms=20"' in l]
        mtest.check(len(logged) == N, "%d access log lines for /io?ms=20" % len(logged))
        for l in logged:
            mtest.check(re.search(r" gil_wait=\d+\.\d\dms gil=\d+\.\d\dms io=\d+\.\d\dms$", l),
                        "access log line without the GIL figures: %r" % l)

        # Every handler request went through the pool queue once.
        handled = sum(val for (name, labels), val in s.items()
                      if name == "gild_http_requests_total"
                      and dict(labels)["route"] in ("/io", "/cpu"))
        qc = v("gild_queue_wait_seconds_count")
        mtest.check(qc == handled, "queue wait _count %r, expected %r" % (qc, handled))

        acq = v("gild_gil_acquisitions_total")
        holds = v("gild_gil_hold_seconds_count")
        if acq is None or holds is None:
            print("note: the runtime's gild_gil_* metrics are not there yet; not compared")
        else:
            mtest.check(acq == holds, "gild_gil_acquisitions_total %r != gild_gil_hold_seconds_count %r"
                        % (acq, holds))
            print("gil acquisitions %d == hold histogram count" % acq)
    print("ok")
    return 0


if __name__ == "__main__":
    mtest.run(main)
