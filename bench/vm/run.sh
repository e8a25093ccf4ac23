#!/usr/bin/env bash
# Interpreter speed of gild's VM against python3 and lua5.4 (and node/ruby, which the peer
# harness also times): countdown(50_000_000) and recursive fib(30), via the peer harness
# ../shared/peers/vm.sh with gild added as a row (VM_CMD='<gild> run').
#
#   bench/vm/run.sh [PATH/TO/gild]      # default: ./build/gild, then ./build-*/gild
#   bench/vm/run.sh --pgo [PATH/TO/gild] # the profile-guided build ./build-pgo/gild, made first
#                                       # by build-pgo.sh if missing (GILD_PGO_REBUILD=1: always)
#
# Before the table it prints which build was measured: compiler, build type, its flags, PGO and
# LTO, read from the CMakeCache.txt beside the binary.
# Prints the harness's markdown table, then the ratios of gild against python3 and lua5.4
# on net times (start-up subtracted): ratio > 1 means gild is faster. It runs the harness a
# second time with `gild run --no-native` (the interpreter alone, without the native tier
# that compiles pure int functions to machine code); GILD_BENCH_INTERP=0 skips that.
# Never fails a build:
# a missing harness or binary is reported and the script exits 0.
# Env: PEERS_DIR (default: <repo>/../shared/peers, then /work/shared/peers), and the
# harness's own knobs (VM_RUNS, VM_CPU, PYTHON).
set -u -o pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

PGO=""
if [ "${1:-}" = "--pgo" ]; then PGO=1; shift; fi
GILD="${1:-}"
if [ -n "$PGO" ] && [ -z "$GILD" ]; then
  GILD="$ROOT/build-pgo/gild"
  if [ ! -x "$GILD" ] || [ -n "${GILD_PGO_REBUILD:-}" ]; then
    "$HERE/build-pgo.sh" "$ROOT/build-pgo" > /dev/null || { echo "bench/vm: build-pgo.sh failed" >&2; exit 0; }
  fi
fi
if [ -z "$GILD" ]; then
  for c in "$ROOT/build/gild" "$ROOT"/build-*/gild; do
    if [ -x "$c" ]; then GILD="$c"; break; fi
  done
fi
if [ -z "$GILD" ] || [ ! -x "$GILD" ]; then
  echo "bench/vm: no gild binary (pass its path, or build into $ROOT/build)" >&2
  exit 0
fi
GILD="$(cd "$(dirname "$GILD")" && pwd)/$(basename "$GILD")"

PEERS="${PEERS_DIR:-}"
if [ -z "$PEERS" ]; then
  for c in "$ROOT/../shared/peers" /work/shared/peers; do
    if [ -x "$c/vm.sh" ]; then PEERS="$c"; break; fi
  done
fi
if [ -z "$PEERS" ] || [ ! -x "$PEERS/vm.sh" ]; then
  echo "bench/vm: peer harness vm.sh not found (set PEERS_DIR)" >&2
  exit 0
fi

# Which build is measured, from the CMake cache beside the binary (if it has one): the full
# description before the table, a one-line summary (BUILD_SHORT) with the ratios.
BUILD_SHORT="$GILD"
describe_build() {
  local cache; cache="$(dirname "$GILD")/CMakeCache.txt"
  if [ ! -f "$cache" ]; then echo "gild build: $GILD (no CMakeCache.txt beside it)"; return; fi
  get() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -1; }
  local cc bt flags ver pgo
  cc="$(get CMAKE_C_COMPILER)"; bt="$(get CMAKE_BUILD_TYPE)"
  [ -n "$bt" ] || bt=RelWithDebInfo  # CMakeLists.txt's default, not stored in the cache
  flags="$(get CMAKE_C_FLAGS) $(get "CMAKE_C_FLAGS_$(echo "$bt" | tr '[:lower:]' '[:upper:]')")"
  ver="$("$cc" --version 2>/dev/null | head -1)"
  pgo="$(get GILD_PGO)"
  echo "gild build: $GILD"
  echo "  compiler: $ver ($cc)"
  echo "  build type: $bt, flags:$flags"
  case "$pgo" in
    use) echo "  PGO: yes, optimised with the profiles in $(get GILD_PGO_DIR) (bench/vm/build-pgo.sh)" ;;
    generate) echo "  PGO: INSTRUMENTED build (-DGILD_PGO=generate): slow, not for measuring" ;;
    *) echo "  PGO: no" ;;
  esac
  BUILD_SHORT="$(basename "$cc") $(echo "$ver" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1) $bt$flags$( [ "$pgo" = use ] && echo ", PGO")"
}
describe_build
echo

OUT="$(mktemp /tmp/gild-bench-vm.XXXXXX)"
OUT_INTERP="$(mktemp /tmp/gild-bench-vm.XXXXXX)"
trap 'rm -f "$OUT" "$OUT_INTERP"' EXIT
( cd "$PEERS" && VM_NAME=gild VM_CMD="$GILD run" ./vm.sh ) | tee "$OUT"
# The interpreter alone (the native tier off), in a second full run of the
# harness, so that its ratios too come from peers timed in the same run.
if [ "${GILD_BENCH_INTERP:-1}" != 0 ]; then
  echo
  echo "### The same with the native tier off (gild run --no-native: the interpreter alone)"
  echo
  ( cd "$PEERS" && VM_NAME=gild VM_CMD="$GILD run --no-native" ./vm.sh ) | tee "$OUT_INTERP"
fi

# Ratios from the table's rows: | name | version | startup | countdown | cd net | fib | fib net | cpu |
ratios() { # $1: the table, $2: what the gild row is
  awk -F'|' -v build="$BUILD_SHORT" -v what="$2" '
    function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
    /^\| (python3|lua5\.4|gild) \|/ {
      n = trim($2); cd[n] = trim($6); fib[n] = trim($8)
    }
    function ratio(a, b) { return (a + 0 > 0 && b + 0 > 0 && a != "-" && b != "-") ? sprintf("%.2fx", a / b) : "n/a" }
    END {
      if (cd["gild"] == "") exit
      print "### " what " vs peers (net seconds; ratio = peer time / gild time, > 1 means gild is faster)"
      print ""
      print "gild measured: " build
      print ""
      print "| benchmark | gild s | python3 s | lua5.4 s | vs python3 | vs lua5.4 |"
      print "|---|---:|---:|---:|---:|---:|"
      printf "| countdown(50M) | %s | %s | %s | %s | %s |\n", cd["gild"], cd["python3"], cd["lua5.4"], ratio(cd["python3"], cd["gild"]), ratio(cd["lua5.4"], cd["gild"])
      printf "| fib(30) | %s | %s | %s | %s | %s |\n", fib["gild"], fib["python3"], fib["lua5.4"], ratio(fib["python3"], fib["gild"]), ratio(fib["lua5.4"], fib["gild"])
      print ""
    }' "$1"
}
echo
ratios "$OUT" "gild (native tier on, the default)"
ratios "$OUT_INTERP" "gild --no-native (the interpreter alone)"
echo "Goals (issue 3): faster than lua5.4 on both (ratio > 1), at least 5x faster than python3."
echo "Both benchmarks are pure int functions, which the native tier compiles (vm/native.c; gild dis says so)."
exit 0
