#!/usr/bin/env bash
# bench/http/run.sh - gild's HTTP front end against nginx and node, in one run
# of the shared peers harness (../shared/peers/run.sh, see its README.md).
#
#   bench/http/run.sh [--quick]
#
# Builds gild-testd (the server library with the C test handler) in Release
# mode in build-bench/, starts it as the harness's PEER_CMD (it serves /hello
# and /cpu; /json, /io and /file answer 404 and show as '-'), and prints the
# harness's report followed by the /hello ratios gild/nginx and gild/node.
# The goal from issue 2: /hello >= 0.9x nginx and >= 2x node.
# A benchmark never fails a build: this script is not a test.
#
# Environment: PEERS_DIR (default: ../shared/peers beside the repository),
# GILD_BENCH_BUILD (default: build-bench), GILD_BENCH_THREADS (default: the
# config's), GILD_BENCH_VM=1 to run the real gild on config/gild.json (the
# bundled Python handlers: all five endpoints) instead of gild-testd, plus the
# harness's own knobs (WRK_DURATION, ...). GILD_BENCH_PEERS: the peers to run beside gild
# (default "nginx node"; the harness knows gunicorn puma node nginx-lua nginx).
set -u -o pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
PEERS_DIR="${PEERS_DIR:-$(cd "$TOP/.." && pwd)/shared/peers}"
BUILD="${GILD_BENCH_BUILD:-$TOP/build-bench}"

[ -x "$PEERS_DIR/run.sh" ] || { echo "peers harness not found at $PEERS_DIR (set PEERS_DIR)" >&2; exit 1; }
for tool in wrk nginx node; do
  command -v "$tool" >/dev/null || {
    echo "missing $tool: run $PEERS_DIR/setup.sh once (installs wrk, nginx, node, ...)" >&2; exit 1; }
done

if [ "${GILD_BENCH_VM:-0}" = 1 ]; then
  TARGET=gild; SRC_CFG="$TOP/config/gild.json"; LOCK="GIL (Python handlers)"
else
  TARGET=gild-testd; SRC_CFG="$TOP/tests/support/test.json"; LOCK="GIL (C test handler)"
fi
echo "building $TARGET (Release) in $BUILD" >&2
cmake -S "$TOP" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
cmake --build "$BUILD" -j2 --target "$TARGET" >/dev/null || exit 1
BIN="$(find "$BUILD" -type f -name "$TARGET" -perm -u+x | head -n 1)"
[ -n "$BIN" ] || { echo "$TARGET not built" >&2; exit 1; }

WORK="$(mktemp -d /tmp/gild-bench-http.XXXXXX)"
CFG="$WORK/bench.json"
# The config's routes, the access log off (the peers do not log either).
python3 - "$SRC_CFG" "$CFG" "${GILD_BENCH_THREADS:-}" <<'EOF'
import json, os, sys
src, dst, threads = sys.argv[1], sys.argv[2], sys.argv[3]
cfg = json.load(open(src))
hdir = cfg.get("handlers", ".")
if not os.path.isabs(hdir):
    cfg["handlers"] = os.path.normpath(os.path.join(os.path.dirname(src), hdir))
cfg.setdefault("log", {})["access"] = "off"
cfg["log"]["level"] = "warn"
if threads:
    cfg["threads"] = int(threads)
json.dump(cfg, open(dst, "w"), indent=2)
EOF
[ -s "$CFG" ] || exit 1

REPORT="$WORK/report.md"
read -r -a OTHERS <<< "${GILD_BENCH_PEERS:-nginx node}"
echo "peers harness: $PEERS_DIR/run.sh $* ${OTHERS[*]} gild (report in $REPORT)" >&2
PEER_NAME=gild PEER_LOCK="$LOCK" \
PEER_CMD="exec '$BIN' --config '$CFG' --listen 127.0.0.1:\$PORT" \
  "$PEERS_DIR/run.sh" "$@" "${OTHERS[@]}" gild | tee "$REPORT"

# /hello req/s of a peer from the summary table: "| gild | 51234 * † | ..."
hello_rps() {
  awk -F'|' -v p="$1" '
    /^### Summary/ { s = 1 }
    s && $2 ~ "^ *" p " *$" { split($3, a, " "); if (a[1] ~ /^[0-9.]+$/) print a[1]; exit }' "$REPORT"
}
G=$(hello_rps gild); N=$(hello_rps nginx); J=$(hello_rps node)
echo
echo "### gild /hello ratios (this run)"
echo
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2fx", a/b; else print "n/a" }'; else echo "n/a"; fi; }
echo "- gild ${G:-n/a} req/s, nginx ${N:-n/a} req/s, node ${J:-n/a} req/s"
echo "- gild/nginx: $(ratio "$G" "$N") (goal >= 0.9x)"
echo "- gild/node:  $(ratio "$G" "$J") (goal >= 2x)"
exit 0
