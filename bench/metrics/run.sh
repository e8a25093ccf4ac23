#!/usr/bin/env bash
# bench/metrics/run.sh - what gild's instrumentation costs on /hello.
#
#   bench/metrics/run.sh
#
# Builds gild (Release) in build-met-bench/ and runs two servers from
# config/gild.json, both pinned to CPU 1 (taskset -c 1):
#   on:  everything on: Server-Timing, the access log (to a file), /metrics
#        (per-request counters and histograms), the trace and dashboard
#        endpoints;
#   off: "server_timing": false, access log off, "metrics": null (no
#        per-request counters at all), "trace" and "dashboard" null.
#   nolog: as on, with the access log off: what the metrics and
#        Server-Timing cost alone (the log's write(2) per request is most
#        of the rest).
# wrk -t1 -c64 -d3s on CPU 0 (taskset -c 0) loads /hello, alternating on,
# nolog and off, 5 runs each after a warm-up; prints the medians and their
# ratios. The goal (issue 5): under 1% cost. On a shared, busy machine the
# throughput swings by tens of percent between runs; the CPU time gild
# spends per request (from /proc/PID/stat around each run) is printed too
# and is the steadier figure.
#
# What no configuration switches off, so "off" still pays it: the runtime's
# GIL instrumentation (monotonic timestamps at every take and drop, the
# per-thread counters and histograms behind gild_gil_*, the per-request
# gild_timing it reports), and the server copying that timing into the
# response. A benchmark never fails a build: this script is not a test.
#
# Environment: GILD_BENCH_BUILD (default build-met-bench), RUNS (5),
# DURATION (3s), CONNS (64).
set -u -o pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
BUILD="${GILD_BENCH_BUILD:-$TOP/build-met-bench}"
RUNS="${RUNS:-5}"
DURATION="${DURATION:-3s}"
CONNS="${CONNS:-64}"

for tool in wrk taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 0; }
done
echo "building gild (Release) in $BUILD" >&2
cmake -S "$TOP" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 0
cmake --build "$BUILD" -j2 --target gild >/dev/null || exit 0
BIN="$BUILD/gild"
[ -x "$BIN" ] || { echo "gild not built" >&2; exit 0; }

WORK="$(mktemp -d /tmp/gild-bench-metrics.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 - "$TOP/config/gild.json" "$WORK" <<'PY'
import json, os, sys
src, work = sys.argv[1], sys.argv[2]
cfg = json.load(open(src))
cfg["handlers"] = os.path.normpath(os.path.join(os.path.dirname(src), cfg.get("handlers", ".")))
cfg.setdefault("log", {})["level"] = "warn"
on = json.loads(json.dumps(cfg))
on["log"]["access"] = os.path.join(work, "access.log")
on["server_timing"] = True
off = json.loads(json.dumps(cfg))
off["log"]["access"] = "off"
off.update({"server_timing": False, "metrics": None, "trace": None, "dashboard": None})
nolog = json.loads(json.dumps(on))
nolog["log"]["access"] = "off"
json.dump(on, open(os.path.join(work, "on.json"), "w"), indent=2)
json.dump(nolog, open(os.path.join(work, "nolog.json"), "w"), indent=2)
json.dump(off, open(os.path.join(work, "off.json"), "w"), indent=2)
PY

# Starts gild with config $1; sets PORT from its first stdout line.
start() {
  local out="$WORK/$1.out"
  taskset -c 1 "$BIN" --config "$WORK/$1.json" --listen 127.0.0.1:0 >"$out" 2>"$WORK/$1.err" &
  PIDS+=("$!")
  for _ in $(seq 200); do
    PORT="$(sed -n 's|^gild listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out" | head -n 1)"
    [ -n "$PORT" ] && return 0
    # A bounded poll of the start line (the benchmark's only wait).
    sleep 0.05
  done
  echo "gild ($1) did not start: $(cat "$WORK/$1.err")" >&2
  exit 0
}
start on;  PORT_ON=$PORT;    PID_ON=${PIDS[-1]}
start nolog; PORT_NOLOG=$PORT; PID_NOLOG=${PIDS[-1]}
start off; PORT_OFF=$PORT;   PID_OFF=${PIDS[-1]}

st_on="$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT_ON/hello" | grep -i '^server-timing' | tr -d '\r')"
st_off="$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT_OFF/hello" | grep -ci '^server-timing')"
m_off="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_OFF/metrics")"
echo "on:  $st_on"
echo "off: Server-Timing headers: $st_off, /metrics answers $m_off"

# CPU ticks (user + system) the process $1 has used.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# One wrk run against port $1 of process $2: "REQ_PER_S CPU_US_PER_REQUEST".
rps() {
  local t0 t1 out
  t0=$(ticks "$2")
  out="$(taskset -c 0 wrk -t1 -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$1/hello" 2>/dev/null)"
  t1=$(ticks "$2")
  echo "$out" | awk -v dt=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
    / requests in / {n = $1}
    /^Requests\/sec:/ {r = $2}
    END {printf "%s %.2f\n", r, n ? dt / hz * 1e6 / n : 0}'
}
# Warm-up: caches, the allocator, the log file.
rps "$PORT_ON" "$PID_ON" >/dev/null
rps "$PORT_NOLOG" "$PID_NOLOG" >/dev/null
rps "$PORT_OFF" "$PID_OFF" >/dev/null

ON=(); NOLOG=(); OFF=()
for i in $(seq "$RUNS"); do
  ON+=("$(rps "$PORT_ON" "$PID_ON")")
  NOLOG+=("$(rps "$PORT_NOLOG" "$PID_NOLOG")")
  OFF+=("$(rps "$PORT_OFF" "$PID_OFF")")
  echo "run $i (req/s, CPU us/request): on ${ON[-1]}, nolog ${NOLOG[-1]}, off ${OFF[-1]}"
done

python3 - "$(IFS=,; echo "${ON[*]}")" "$(IFS=,; echo "${NOLOG[*]}")" "$(IFS=,; echo "${OFF[*]}")" <<'PY'
import statistics, sys
runs = [[tuple(float(v) for v in x.split()) for x in a.split(",") if x.strip()]
        for a in sys.argv[1:4]]
if not all(runs) or any(len(t) != 2 for r in runs for t in r):
    print("no figures (did wrk run?)")
    sys.exit(0)
rps = [statistics.median(t[0] for t in r) for r in runs]
cpu = [statistics.median(t[1] for t in r) for r in runs]
names = ("on", "nolog", "off")
print("/hello medians: " + ", ".join("%s %.0f req/s (%.2f us CPU/request)" % (n, r, c)
                                     for n, r, c in zip(names, rps, cpu)))
print("throughput on/off %.4f: all instrumentation costs %.2f%% (goal: under 1%%)" %
      (rps[0] / rps[2], (1 - rps[0] / rps[2]) * 100))
print("throughput nolog/off %.4f: metrics + Server-Timing cost %.2f%%" %
      (rps[1] / rps[2], (1 - rps[1] / rps[2]) * 100))
print("CPU per request on/off %.4f (+%.2f%%), nolog/off %.4f (+%.2f%%)" %
      (cpu[0] / cpu[2], (cpu[0] / cpu[2] - 1) * 100, cpu[1] / cpu[2], (cpu[1] / cpu[2] - 1) * 100))
PY
exit 0
