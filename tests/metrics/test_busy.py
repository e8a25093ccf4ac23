"""/metrics answers within 1 s (a bound against queueing behind workers,
not a benchmark) while every worker is busy on a long /cpu and more wait in
the queue: it is served by the loop thread, never by a worker or the GIL."""

import threading

import mtest

CPU_N = 15000000   # ~0.3 s each; with the GIL shared, seconds for all


def main(gild, src):
    with mtest.Gild(gild, src) as g:
        workers = int(g.config.get("threads", 8))
        n = workers + 2
        results = []

        def long_cpu():
            st, _, _, _ = g.get("/cpu?n=%d" % CPU_N, timeout=120)
            results.append(st)

        threads = [threading.Thread(target=long_cpu) for _ in range(n)]
        for t in threads:
            t.start()
        # Poll /metrics (itself the thing under test, bounded in count)
        # until every worker holds a request.
        seen = None
        for _ in range(2000):
            st, _, body, secs = g.get("/metrics", timeout=5)
            s = mtest.parse(body.decode())
            inflight = mtest.value(s, "gild_requests_in_flight")
            if inflight is not None and inflight >= workers + 1:
                seen = (secs, inflight, mtest.value(s, "gild_queue_depth"))
                break
        mtest.check(seen is not None, "never saw all %d workers busy" % workers)
        # The measured scrape: every worker still busy before and after it.
        st, _, body, secs = g.get("/metrics", timeout=5)
        s = mtest.parse(body.decode())
        inflight = mtest.value(s, "gild_requests_in_flight")
        print("/metrics in %.4f s with %d requests in flight (%d workers), queue depth %r"
              % (secs, inflight, workers, mtest.value(s, "gild_queue_depth")))
        mtest.check(st == 200, "/metrics answered %d" % st)
        mtest.check(inflight >= workers, "the workers finished before the scrape (in flight %d); "
                    "raise CPU_N" % inflight)
        mtest.check(secs < 1.0, "/metrics took %.3f s while the workers were busy" % secs)
        st, _, _, hsecs = g.get("/healthz", timeout=5)
        mtest.check(st == 200 and hsecs < 1.0, "/healthz took %.3f s" % hsecs)
        for t in threads:
            t.join(120)
            mtest.check(not t.is_alive(), "a long /cpu did not finish in 120 s")
        mtest.check(results == [200] * n, "long /cpu answers: %r" % results)
    print("ok")
    return 0


if __name__ == "__main__":
    mtest.run(main)
