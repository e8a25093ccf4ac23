#!/usr/bin/env bash
# bench/http/cost.sh - what one request costs the server: CPU microseconds
# and context switches per request, for gild at several worker counts and
# for plain nginx and node on the same endpoint, in one run.
#
#   bench/http/cost.sh [PATH] [THREADS...]      (default: /hello 1 8)
#
# Req/s on this 2-core VM swings 2-3x with the host's load; CPU time per
# request (utime+stime of every thread of the server, from /proc, over a
# measured wrk run) swings far less, and it is what bounds throughput once
# the server's core is saturated: 1e6 / (us per request) req/s. Each server
# is pinned to CPU 1 (SERVER_CPU) and wrk to CPU 0 (LOAD_CPU), as in
# ../shared/peers/run.sh; every figure is the median of RUNS runs of
# DURATION seconds (wrk -t1 -c32) after a 1 s warm-up. Everything listens
# on 127.0.0.1 only and is stopped by PID. A benchmark, never a test.
#
# Environment: GILD_BENCH_BUILD (default build-bench, built Release here),
# RUNS (5), DURATION (3), CONNS (32), SERVER_CPU (1), LOAD_CPU (0),
# PEERS="nginx node" (the peers to measure; empty for none; nginx only
# serves /hello).
set -u -o pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
PEERS_DIR="${PEERS_DIR:-$(cd "$TOP/.." && pwd)/shared/peers}"
BUILD="${GILD_BENCH_BUILD:-$TOP/build-bench}"
URLPATH="${1:-/hello}"; shift || true
THREADS=("$@"); [ ${#THREADS[@]} -gt 0 ] || THREADS=(1 8)
RUNS="${RUNS:-5}" DURATION="${DURATION:-3}" CONNS="${CONNS:-32}"
SERVER_CPU="${SERVER_CPU:-1}" LOAD_CPU="${LOAD_CPU:-0}"
PEERS="${PEERS-nginx node}"

for tool in wrk curl taskset python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk curl)" >&2; exit 1; }
done
echo "building gild (Release) in $BUILD" >&2
cmake -S "$TOP" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
cmake --build "$BUILD" -j2 --target gild >/dev/null || exit 1

WORK="$(mktemp -d /tmp/gild-bench-cost.XXXXXX)"
PIDS_TO_STOP=()
cleanup() { for p in "${PIDS_TO_STOP[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The CPU ticks (utime+stime) of a process and its children, and their
# context switches (voluntary + involuntary, every thread).
proc_cpu() {
  local s=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && s=$((s + $(awk '{print $14+$15}' "/proc/$p/stat"))); done
  echo "$s"
}
proc_cs() {
  local s=0 p
  for p in "$@"; do
    s=$((s + $(cat /proc/"$p"/task/*/status 2>/dev/null | awk '/ctxt_switches/{n+=$2} END{print n+0}')))
  done
  echo "$s"
}

# measure NAME PORT PID...: RUNS runs; prints "rps us_per_req cs_per_req" medians.
measure() {
  local name=$1 port=$2; shift 2
  local url="http://127.0.0.1:$port$URLPATH" i
  for i in $(seq 100); do curl -sf -o /dev/null "$url" && break; sleep 0.05; done
  curl -sf -o /dev/null "$url" || { echo "$name: $url does not answer" >&2; return 1; }
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d1s "$url" >/dev/null
  local hz; hz=$(getconf CLK_TCK)
  for i in $(seq "$RUNS"); do
    local c0 s0 c1 s1 out
    c0=$(proc_cpu "$@"); s0=$(proc_cs "$@")
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" "$url")
    c1=$(proc_cpu "$@"); s1=$(proc_cs "$@")
    echo "$out" | awk -v c="$((c1 - c0))" -v s="$((s1 - s0))" -v hz="$hz" '
      /requests in/ {n=$1} /Requests\/sec/ {r=$2}
      END {if (n > 0) printf "%.0f %.2f %.3f\n", r, c / hz * 1e6 / n, s / n}'
  done | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
if not rows: sys.exit(1)
print(" ".join("%g" % round(statistics.median(c), 3) for c in zip(*rows)))'
}

RESULTS=()
for t in "${THREADS[@]}"; do
  port=$(free_port)
  python3 - "$TOP/config/gild.json" "$WORK/gild-$t.json" "$port" "$t" <<'EOF'
import json, os, sys
src, dst, port, threads = sys.argv[1:5]
cfg = json.load(open(src))
cfg["handlers"] = os.path.normpath(os.path.join(os.path.dirname(src), cfg.get("handlers", ".")))
cfg["listen"] = "127.0.0.1:" + port
cfg["threads"] = int(threads)
cfg.setdefault("log", {})["access"] = "off"
cfg["log"]["level"] = "warn"
json.dump(cfg, open(dst, "w"))
EOF
  taskset -c "$SERVER_CPU" "$BUILD/gild" --config "$WORK/gild-$t.json" >"$WORK/gild-$t.log" 2>&1 &
  pid=$!; PIDS_TO_STOP+=("$pid")
  r=$(measure "gild threads=$t" "$port" "$pid") && RESULTS+=("gild threads=$t|$r")
  kill "$pid"; wait "$pid" 2>/dev/null
done

for peer in $PEERS; do
  port=$(free_port)
  case $peer in
    nginx)
      [ "$URLPATH" = /hello ] || continue
      command -v nginx >/dev/null || { echo "no nginx: run $PEERS_DIR/setup.sh" >&2; continue; }
      mkdir -p "$WORK/nginx"
      sed -e "s#@RUN@#$WORK/nginx#g" -e "s#@PORT@#$port#g" "$PEERS_DIR/apps/nginx_plain.conf" >"$WORK/nginx/nginx.conf"
      taskset -c "$SERVER_CPU" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >/dev/null 2>&1 &
      ;;
    node)
      command -v node >/dev/null || { echo "no node: run $PEERS_DIR/setup.sh" >&2; continue; }
      PORT=$port taskset -c "$SERVER_CPU" node "$PEERS_DIR/apps/node_app.js" >/dev/null 2>&1 &
      ;;
    *) echo "unknown peer $peer" >&2; continue ;;
  esac
  pid=$!; PIDS_TO_STOP+=("$pid")
  for i in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port$URLPATH" && break; sleep 0.05; done
  # nginx's master forks the worker that does the work: count the whole group.
  r=$(measure "$peer" "$port" "$pid" $(pgrep -P "$pid")) && RESULTS+=("$peer|$r")
  kill "$pid"; wait "$pid" 2>/dev/null
done

echo
echo "GET $URLPATH, wrk -t1 -c$CONNS, medians of $RUNS x ${DURATION}s, server on CPU $SERVER_CPU ($(date -u +%FT%TZ))"
echo
printf '| %-16s | %9s | %12s | %10s |\n' server "req/s" "CPU us/req" "cs/req"
printf '|%s|%s|%s|%s|\n' "------------------" "----------:" "-------------:" "-----------:"
for row in "${RESULTS[@]}"; do
  name=${row%%|*}; set -- ${row#*|}
  printf '| %-16s | %9s | %12s | %10s |\n' "$name" "$1" "$2" "$3"
done
# Ratios of CPU cost (lower is better for gild): peer us/req / gild us/req.
echo
for row in "${RESULTS[@]}"; do
  case $row in gild*) ;; *) continue ;; esac
  gname=${row%%|*}; set -- ${row#*|}; gus=$2
  for prow in "${RESULTS[@]}"; do
    case $prow in gild*) continue ;; esac
    pname=${prow%%|*}; set -- ${prow#*|}
    python3 -c "print('$gname vs $pname: %.2fx the requests per CPU second' % ($2 / $gus))"
  done
done
