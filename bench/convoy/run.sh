#!/usr/bin/env bash
# bench/convoy/run.sh - the convoy effect (bpo-7946) under each GIL policy, and gunicorn.
#
# For each server: wrk on /io?ms=1 with 4 connections alone, /cpu with 4 connections alone,
# then both at once (two wrk processes). The server is pinned to one CPU and the load to the
# other, as ../shared/peers does (taskset -c 1 server, taskset -c 0 wrk). Each measured run
# is WRK_DURATION seconds (5) after a 1 s warm-up. Servers: gild on config/gild.json's routes
# (handlers/app.py, the peers' semantics; access log off, 8 threads like gunicorn) once per
# --gil-policy, and gunicorn gthread (1 process, 8 threads) from ../shared/peers/apps with
# the command line of ../shared/peers/run.sh.
#
# Prints figures, never fails a build (exit 0 unless it cannot run at all).
# The io-priority goal: /io p99 under CPU load <= 2x its p99 alone, while /cpu throughput
# under the /io load drops < 10% from /cpu alone.
#
# A second table comes from gil_convoy.c: the same convoy with the GIL alone (8 worker
# threads, 4 cpu and 4 io clients, no HTTP, no event loop, no server pool), pinned to
# SERVER_CPU, with the io requests' GIL wait and post-sleep wake-up p50/p99: what the GIL
# decides, apart from the kernel and the server.
#
# Usage: bench/convoy/run.sh [path/to/gild]      (default: build/gild, else build-*/gild)
# Knobs: WRK_DURATION (5), WRK_WARMUP (1), SERVER_CPU (1), LOAD_CPU (0), CPU_N (100000),
#        CONVOY_NATIVE (0: gild's native tier off, so /cpu's loop is interpreted; 1: on),
#        POLICIES ("cpython fifo io-priority legacy"), PEERS (../shared/peers), NO_GUNICORN=1,
#        GIL_ONLY_CPU_US (450: GIL hold per cpu request there, ~/cpu?n=100000 in gild),
#        NO_GIL_ONLY=1, NO_SERVER=1 (only the GIL-alone table), GIL_SRC (vm/gil.c: another
#        version of the GIL for the GIL-alone table, e.g. from `git show REV:vm/gil.c`).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$(cd "$SRC/.." && pwd)/shared/peers}
DUR=${WRK_DURATION:-5}
WARM=${WRK_WARMUP:-1}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
CPU_N=${CPU_N:-100000}
# /cpu's countdown loop runs in the interpreter here (GILD_NATIVE=0), as a CPU-bound
# Python handler does: the native tier would run it ~8x faster and hold the GIL that much
# shorter, which changes the load, not the GIL's scheduling. CONVOY_NATIVE=1 keeps it on.
CONVOY_NATIVE=$([ "${CONVOY_NATIVE:-0}" = 1 ] && echo 1 || echo 0)
CONNS=4
POLICIES=${POLICIES:-"cpython fifo io-priority legacy"}
REPORT_LUA="$PEERS/lib/wrk_report.lua"

GILD=${1:-}
if [ -z "$GILD" ]; then
  for g in "$SRC/build/gild" "$SRC"/build-*/gild; do
    [ -x "$g" ] && { GILD=$g; break; }
  done
fi
log() { echo "convoy: $*" >&2; }
for tool in wrk curl taskset setsid python3; do
  command -v "$tool" > /dev/null || { log "needs $tool; nothing measured"; exit 0; }
done
[ -x "${GILD:-}" ] || { log "no gild binary (pass its path); nothing measured"; exit 0; }
[ -f "$REPORT_LUA" ] || { log "no $REPORT_LUA; nothing measured"; exit 0; }

RUN=$(mktemp -d /tmp/gild-convoy.XXXXXX)
SERVER_PID=""
cleanup() { stop_server; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits (bounded: 20 s) until /hello answers on $1.
wait_hello() {
  local port=$1 i
  for i in $(seq 200); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/hello" && return 0
    kill -0 "$SERVER_PID" 2> /dev/null || return 1
    sleep 0.1
  done
  return 1
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM -- "-$SERVER_PID" 2> /dev/null
  local i
  for i in $(seq 50); do
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$SERVER_PID" 2> /dev/null
  wait "$SERVER_PID" 2> /dev/null
  SERVER_PID=""
}

# gild's config: config/gild.json with an absolute handler dir, no access log.
GILD_CFG="$RUN/gild.json"
python3 - "$SRC/config/gild.json" "$SRC/handlers" "$GILD_CFG" << 'PY'
import json, sys
cfg = json.load(open(sys.argv[1]))
cfg["handlers"] = sys.argv[2]
cfg["listen"] = "127.0.0.1:0"
cfg["threads"] = 8
cfg.setdefault("log", {})["access"] = "off"
json.dump(cfg, open(sys.argv[3], "w"), indent=2)
PY

# the 4 KiB file /file reads (not measured here, but both apps look for it)
export PEERS_FILE="$RUN/file-4k.bin"
head -c 4096 /dev/urandom > "$PEERS_FILE"

start_gild() {  # policy -> PORT, SERVER_PID
  local out="$RUN/gild-$1.out" i
  ( export GILD_NATIVE="$CONVOY_NATIVE"
    exec setsid taskset -c "$SERVER_CPU" "$GILD" --config "$GILD_CFG" --listen 127.0.0.1:0 \
      --gil-policy "$1" > "$out" 2> "$RUN/gild-$1.err" < /dev/null ) &
  SERVER_PID=$!
  PORT=""
  for i in $(seq 200); do
    PORT=$(sed -n '1s#^gild listening on http://127\.0\.0\.1:\([0-9]*\)/$#\1#p' "$out" 2> /dev/null)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  [ -n "$PORT" ] && wait_hello "$PORT"
}

start_gunicorn() {
  PORT=$(free_port)
  ( cd "$PEERS/apps" && exec setsid taskset -c "$SERVER_CPU" gunicorn -k gthread -w 1 --threads 8 \
      -b "127.0.0.1:$PORT" --chdir "$PEERS/apps" --worker-tmp-dir "$RUN" \
      --log-level warning --error-logfile - gunicorn_app:app \
      > "$RUN/gunicorn.out" 2> "$RUN/gunicorn.err" < /dev/null ) &
  SERVER_PID=$!
  wait_hello "$PORT"
}

# wrk conns url file -> runs wrk pinned to LOAD_CPU for DUR seconds
wrk_run() {
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${DUR}s" --latency -s "$REPORT_LUA" "$1" > "$2" 2>&1
}
warm() {
  [ "$WARM" = 0 ] && return 0
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${WARM}s" "$1" > /dev/null 2>&1
}
# file key -> prints the value from the WRKSTAT line, or NA
stat() {
  local v
  v=$(grep -o "WRKSTAT.*" "$1" 2> /dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1)
  echo "${v:-NA}"
}
errs() {
  local f=$1
  echo $(( $(stat "$f" err_connect) + $(stat "$f" err_read) + $(stat "$f" err_write) \
           + $(stat "$f" err_status) + $(stat "$f" err_timeout) )) 2> /dev/null || echo NA
}

ROWS=()
measure() {  # name
  local name=$1 base="http://127.0.0.1:$PORT" d="$RUN/$1"
  mkdir -p "$d"
  warm "$base/io?ms=1"
  wrk_run "$base/io?ms=1" "$d/io_alone.txt"
  warm "$base/cpu?n=$CPU_N"
  wrk_run "$base/cpu?n=$CPU_N" "$d/cpu_alone.txt"
  local pc pi
  wrk_run "$base/cpu?n=$CPU_N" "$d/cpu_convoy.txt" & pc=$!
  wrk_run "$base/io?ms=1" "$d/io_convoy.txt" & pi=$!
  wait "$pc" "$pi"
  local sw=""
  if [ "${name#gild}" != "$name" ]; then
    sw=$(curl -s --max-time 2 "$base/metrics" | awk '$1=="gild_gil_switches_total"{print $2}' | head -1)
  fi
  local row
  row=$(python3 - "$name" "$d" "${sw:-}" << 'PY'
import re, sys
name, d, sw = sys.argv[1], sys.argv[2], sys.argv[3]
def st(f):
    try:
        m = re.search(r"WRKSTAT (.*)", open("%s/%s.txt" % (d, f)).read())
    except OSError:
        m = None
    if not m:
        return {}
    return {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
a, c, ic, cc = st("io_alone"), st("cpu_alone"), st("io_convoy"), st("cpu_convoy")
def g(x, k, fmt):
    return fmt % x[k] if k in x else "n/a"
ratio = "%.2fx" % (ic["p99_ms"] / a["p99_ms"]) if a.get("p99_ms") and "p99_ms" in ic else "n/a"
drop = "%+.1f%%" % (100.0 * (cc["rps"] - c["rps"]) / c["rps"]) if c.get("rps") and "rps" in cc else "n/a"
errs = sum(int(x.get(k, 0)) for x in (a, c, ic, cc) for k in x if k.startswith("err_"))
print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
    name, g(a, "rps", "%.0f"), g(a, "p50_ms", "%.2f"), g(a, "p99_ms", "%.2f"),
    g(ic, "rps", "%.0f"), g(ic, "p50_ms", "%.2f"), g(ic, "p99_ms", "%.2f"), ratio,
    g(c, "rps", "%.0f"), g(cc, "rps", "%.0f"), drop, errs, sw or "-"))
PY
)
  ROWS+=("$row")
  log "$row"
}

T0=$(date +%s)
[ "${NO_SERVER:-0}" = 1 ] && POLICIES_SERVER="" || POLICIES_SERVER=$POLICIES
for p in $POLICIES_SERVER; do
  log "gild --gil-policy $p"
  if start_gild "$p"; then
    measure "gild $p"
  else
    log "gild --gil-policy $p did not start: $(tail -3 "$RUN/gild-$p.err" 2> /dev/null)"
    ROWS+=("| gild $p | did not start | | | | | | | | | | | |")
  fi
  stop_server
done
if [ "${NO_GUNICORN:-0}" != 1 ] && [ "${NO_SERVER:-0}" != 1 ]; then
  if command -v gunicorn > /dev/null && [ -f "$PEERS/apps/gunicorn_app.py" ]; then
    log "gunicorn (gthread, 1 process, 8 threads)"
    if start_gunicorn; then
      measure "gunicorn"
    else
      log "gunicorn did not start: $(tail -3 "$RUN/gunicorn.err" 2> /dev/null)"
    fi
    stop_server
  else
    log "gunicorn or $PEERS/apps/gunicorn_app.py missing (run $PEERS/setup.sh): skipped"
  fi
fi

echo "## Convoy: /io?ms=1 alone and under /cpu load ($CONNS + $CONNS connections, ${DUR}s runs)"
echo
echo "Server pinned with \`taskset -c $SERVER_CPU\`, wrk with \`taskset -c $LOAD_CPU\` (one wrk per load, -t1 -c$CONNS)."
echo "/cpu uses n=$CPU_N. gild: $GILD on config/gild.json's routes, 8 threads, access log off, native tier $([ "$CONVOY_NATIVE" = 1 ] && echo on || echo "off (GILD_NATIVE=0: /cpu's loop interpreted; CONVOY_NATIVE=1 turns it on)")."
echo "Raw output: \`$RUN\`. Bench time: $(( $(date +%s) - T0 ))s."
echo
echo "| server | io alone req/s | io alone p50 ms | io alone p99 ms | io under cpu req/s | io under cpu p50 ms | io under cpu p99 ms | p99 under/alone | cpu alone req/s | cpu under io req/s | cpu change | errors | GIL switches (total) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in "${ROWS[@]}"; do echo "$r"; done
echo
echo "Goal (io-priority): p99 under/alone <= 2.00x and cpu change > -10%. One run per cell; on this VM cells move by up to ~25% between runs."

if [ "${NO_GIL_ONLY:-0}" != 1 ]; then
  GC="$RUN/gil_convoy"
  if cc -std=c11 -O2 -D_GNU_SOURCE -I"$SRC/vm" "$HERE/gil_convoy.c" "${GIL_SRC:-$SRC/vm/gil.c}" -o "$GC" -lpthread \
      2> "$RUN/gil_convoy.build"; then
    CPU_US=${GIL_ONLY_CPU_US:-450}
    echo
    echo "## The same convoy with the GIL alone (bench/convoy/gil_convoy.c: no HTTP, loop or server pool)"
    echo
    echo "8 workers, 4 io clients (1 ms sleep) + 4 cpu clients (${CPU_US} us under the GIL per request), closed loop,"
    echo "pinned with \`taskset -c $SERVER_CPU\`; ${DUR}s per phase. GIL wait: both takes of an io request (the first, its start,"
    echo "in brackets); dispatch: queued to a worker starting it; wake-up: its sleep's overrun. Dispatch and wake-up are the"
    echo "kernel's share (a thread woken on a CPU a GIL holder, or another process, keeps busy); the GIL's is wait, drops, held."
    echo
    echo "| policy | cpu us (hold measured) | io alone p50 ms | io alone p99 ms | io under cpu p50 ms | io under cpu p99 ms | p99 under/alone | cpu alone req/s | cpu under io req/s | cpu change | GIL switches | io GIL wait p50/p99 ms (first take) | io dispatch p50/p99 ms | io in drops p50/p99 ms | io GIL held p50/p99 ms | io wake-up p50/p99 ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for p in $POLICIES; do
      taskset -c "$SERVER_CPU" "$GC" "$p" "$CPU_US" "$DUR" 1 2> /dev/null || echo "| $p | failed | | | | | | | | | | | |"
    done
  else
    log "gil_convoy did not build: $(tail -3 "$RUN/gil_convoy.build")"
  fi
fi
exit 0
