#!/bin/sh
# Builds and runs the GIL micro-benchmark (clock cost, uncontended cost next to
# a mutex pair, handoff latency), then the same uncontended loop with the GIL's
# clock stubbed out, to separate what the timestamps cost from the rest.
# Knobs: CC (cc), CFLAGS (-O2), GIL_SRC (vm/gil.c: pass another version to
# compare, e.g. `git show HEAD~1:vm/gil.c > /tmp/old_gil.c`; the stubbed run is
# skipped for a file that does not know GILD_GIL_CLOCK_STUB).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
src=${GIL_SRC:-$top/vm/gil.c}
out=${TMPDIR:-/tmp}/gild-gil-bench
cc=${CC:-cc}
flags=${CFLAGS:--O2}
echo "gil_bench: $cc $flags, $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
$cc -std=c11 $flags -D_GNU_SOURCE -I"$top/vm" "$here/gil_bench.c" "$src" -o "$out" -lpthread
taskset -c 0,1 "$out"
if grep -q GILD_GIL_CLOCK_STUB "$src"; then
  echo
  $cc -std=c11 $flags -D_GNU_SOURCE -DGILD_GIL_CLOCK_STUB -I"$top/vm" "$here/gil_bench.c" "$src" \
    -o "$out-noclock" -lpthread
  taskset -c 0,1 "$out-noclock" --uncontended
fi
