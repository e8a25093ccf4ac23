#!/bin/sh
# Builds and runs the GIL micro-benchmark (uncontended cost, handoff latency).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${TMPDIR:-/tmp}/gild-gil-bench
cc -std=c11 -O2 -D_GNU_SOURCE -I"$top/vm" "$here/gil_bench.c" "$top/vm/gil.c" -o "$out" -lpthread
exec taskset -c 0,1 "$out"
