/*
 * runtime_metrics.c - the handler runtime's metrics in Prometheus text
 * format 0.0.4 (what the server appends to /metrics after its own).
 *
 * Conventions (promtool check metrics): every family has HELP and TYPE;
 * times are in seconds; counters end in _total; histograms have cumulative
 * `le` buckets ending with +Inf, then _sum and _count.
 *
 * Everything is read without the GIL from the GIL's relaxed atomics, which
 * other threads keep writing while we read, so one scrape is not a single
 * instant: each counter is exact when read, but two counters read a few
 * microseconds apart may disagree by the takes and drops in between. Two
 * relations hold exactly on a quiet GIL and are worth knowing:
 *   - the wait histogram's _count equals gild_gil_acquisitions_total (both
 *     grow at a take);
 *   - the hold histogram's _count equals the sum of gild_gil_releases_total
 *     (holds are counted when they end), which is acquisitions minus the
 *     hold in progress, if any: the two differ by one while a thread holds.
 * Counters never include the hold in progress (it would have to be read
 * apart from the completed holds, and a scrape racing the drop could then
 * see a counter go down); gild_gil_held_ratio does include it.
 */
#include "runtime_metrics.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "object.h"
#include "gc.h"
#include "vm.h"

#define MAX_TRACKED_WORKERS 1024

static void family(gild_buf *b, const char *name, const char *type, const char *help) {
  gild_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void seconds(gild_buf *b, const char *name, const char *labels, uint64_t ns) {
  gild_buf_printf(b, "%s%s %llu.%09llu\n", name, labels, (unsigned long long)(ns / 1000000000u),
                  (unsigned long long)(ns % 1000000000u));
}

static void integer(gild_buf *b, const char *name, const char *labels, unsigned long long v) {
  gild_buf_printf(b, "%s%s %llu\n", name, labels, v);
}

static void histogram(gild_buf *b, const char *name, const char *help,
                      const uint64_t counts[GIL_HIST_BUCKETS + 1], uint64_t sum_ns) {
  family(b, name, "histogram", help);
  unsigned long long cum = 0;
  for (int i = 0; i < GIL_HIST_BUCKETS; i++) {
    cum += counts[i];
    gild_buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, gil_hist_bounds[i], cum);
  }
  cum += counts[GIL_HIST_BUCKETS];
  gild_buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name, cum);
  char sum[128];
  snprintf(sum, sizeof sum, "%s_sum", name);
  seconds(b, sum, "", sum_ns);
  gild_buf_printf(b, "%s_count %llu\n", name, cum);
}

/* Per worker figures, copied out under the registry lock and written after
 * it is released (writing may allocate). */
typedef struct worker_row {
  int index;
  uint64_t held_ns, wait_ns, io_ns;
} worker_row;

typedef struct worker_rows {
  worker_row row[MAX_TRACKED_WORKERS];
  int n;
} worker_rows;

static void collect_worker(const gil_thread *t, void *arg) {
  worker_rows *w = arg;
  int index;
  char rest;
  /* The runtime names its workers "worker-N"; other threads (the loader)
   * are in the totals but have no row of their own. */
  if (sscanf(t->name, "worker-%d%c", &index, &rest) != 1 || w->n >= MAX_TRACKED_WORKERS) return;
  w->row[w->n++] = (worker_row){
      .index = index,
      .held_ns = atomic_load_explicit(&t->stats.held_ns, memory_order_relaxed),
      .wait_ns = atomic_load_explicit(&t->stats.wait_ns, memory_order_relaxed),
      .io_ns = atomic_load_explicit(&t->stats.io_ns, memory_order_relaxed),
  };
}

static void write_workers(gil *g, gild_buf *b) {
  worker_rows rows; /* 32 KiB on the loop thread's stack */
  rows.n = 0;
  gil_foreach_thread(g, collect_worker, &rows);
  static const struct {
    const char *name, *help;
    size_t off;
  } fams[] = {
      {"gild_worker_gil_held_seconds_total", "Time this worker thread held the GIL (completed holds).",
       offsetof(worker_row, held_ns)},
      {"gild_worker_gil_wait_seconds_total", "Time this worker thread waited to take the GIL.",
       offsetof(worker_row, wait_ns)},
      {"gild_worker_io_seconds_total",
       "Time this worker thread spent in blocking calls with the GIL released.",
       offsetof(worker_row, io_ns)},
  };
  for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++) {
    family(b, fams[f].name, "counter", fams[f].help);
    for (int i = 0; i < rows.n; i++) {
      char labels[48];
      snprintf(labels, sizeof labels, "{worker=\"%d\"}", rows.row[i].index);
      uint64_t ns;
      memcpy(&ns, (const char *)&rows.row[i] + fams[f].off, sizeof ns);
      seconds(b, fams[f].name, labels, ns);
    }
  }
}

static void write_load(gil_load *ld, gild_buf *b) {
  if (!ld) return;
  double held[GIL_LOAD_WINDOWS], wait[GIL_LOAD_WINDOWS];
  gil_load_read(ld, held, wait);
  family(b, "gild_gil_held_ratio", "gauge",
         "Fraction of time the GIL was held, exponentially weighted over the window (1m, 5m, 15m).");
  for (int i = 0; i < GIL_LOAD_WINDOWS; i++)
    gild_buf_printf(b, "gild_gil_held_ratio{window=\"%s\"} %.6f\n", gil_load_window_names[i], held[i]);
  family(b, "gild_gil_wait_ratio", "gauge",
         "Waiting-thread-seconds per second divided by the worker threads, exponentially weighted "
         "over the window (1m, 5m, 15m).");
  for (int i = 0; i < GIL_LOAD_WINDOWS; i++)
    gild_buf_printf(b, "gild_gil_wait_ratio{window=\"%s\"} %.6f\n", gil_load_window_names[i], wait[i]);
}

void runtime_metrics_write(gil *g, gil_load *ld, struct Interp *in, gild_buf *b) {
  if (g) {
    gil_totals t;
    gil_read_totals(g, &t);
    family(b, "gild_gil_held_seconds_total", "counter",
           "Time the GIL was held, summed over threads (completed holds).");
    seconds(b, "gild_gil_held_seconds_total", "", t.held_ns);
    family(b, "gild_gil_wait_seconds_total", "counter",
           "Time threads waited to take the GIL, summed over threads.");
    seconds(b, "gild_gil_wait_seconds_total", "", t.wait_ns);
    family(b, "gild_gil_acquisitions_total", "counter", "Times a thread took the GIL.");
    integer(b, "gild_gil_acquisitions_total", "", t.acquisitions);
    family(b, "gild_gil_switches_total", "counter",
           "Acquisitions of the GIL by a thread other than its previous holder.");
    integer(b, "gild_gil_switches_total", "", t.switches);
    family(b, "gild_gil_drop_requests_total", "counter",
           "Times a waiting thread asked the holder to drop the GIL.");
    integer(b, "gild_gil_drop_requests_total", "", t.drop_requests);
    family(b, "gild_gil_releases_total", "counter",
           "Releases of the GIL by reason: io (blocking call), interval (drop request), done, yield.");
    static const char *const reasons[GIL_RELEASE_COUNT] = {"io", "interval", "done", "yield"};
    for (int i = 0; i < GIL_RELEASE_COUNT; i++) {
      char labels[32];
      snprintf(labels, sizeof labels, "{reason=\"%s\"}", reasons[i]);
      integer(b, "gild_gil_releases_total", labels, t.releases[i]);
    }
    family(b, "gild_gil_waiting_threads", "gauge", "Threads waiting to take the GIL now.");
    gild_buf_printf(b, "gild_gil_waiting_threads %d\n", t.waiting_now);
    histogram(b, "gild_gil_wait_seconds", "Time a thread waited for each take of the GIL.",
              t.wait_hist, t.wait_hist_sum_ns);
    histogram(b, "gild_gil_hold_seconds", "Length of each hold of the GIL, counted when it ends.",
              t.hold_hist, t.hold_hist_sum_ns);
    histogram(b, "gild_gil_handoff_seconds",
              "Time from a drop of the GIL to a different thread holding it.", t.handoff_hist,
              t.handoff_sum_ns);
    family(b, "gild_gil_hold_max_seconds", "gauge", "Longest single hold of the GIL since start.");
    seconds(b, "gild_gil_hold_max_seconds", "", t.hold_max_ns);
    family(b, "gild_gil_switch_interval_seconds", "gauge",
           "Switch interval: how long a waiter waits before asking the holder to drop the GIL.");
    gild_buf_printf(b, "gild_gil_switch_interval_seconds %g\n", gil_get_interval(g));
    family(b, "gild_gil_policy_info", "gauge", "The GIL's scheduling policy (always 1).");
    gild_buf_printf(b, "gild_gil_policy_info{policy=\"%s\"} 1\n", gil_policy_name(gil_get_policy(g)));
    write_load(ld, b);
    write_workers(g, b);
  }
  family(b, "gild_vm_objects_live", "gauge", "VM objects allocated and not yet freed.");
  gild_buf_printf(b, "gild_vm_objects_live %lld\n", (long long)vm_alloc_live());
  family(b, "gild_vm_allocations_total", "counter", "VM objects allocated since start.");
  gild_buf_printf(b, "gild_vm_allocations_total %lld\n", (long long)vm_alloc_total());
  family(b, "gild_vm_gc_collections_total", "counter", "Runs of the VM's cycle collector.");
  gild_buf_printf(b, "gild_vm_gc_collections_total %lld\n", (long long)gc_collections());
  if (in) {
    family(b, "gild_vm_native_calls_total", "counter",
           "Calls of pure int functions run as machine code (the native tier), by outcome: done "
           "natively, or bailed out and re-run by the interpreter.");
    gild_buf_printf(b, "gild_vm_native_calls_total{outcome=\"done\"} %llu\n",
                    (unsigned long long)atomic_load_explicit(&in->native_done, memory_order_relaxed));
    gild_buf_printf(b, "gild_vm_native_calls_total{outcome=\"bailed\"} %llu\n",
                    (unsigned long long)atomic_load_explicit(&in->native_bailed, memory_order_relaxed));
    family(b, "gild_vm_native_loop_runs_total", "counter",
           "Entries into while loops run as machine code (the native tier's loop regions).");
    gild_buf_printf(b, "gild_vm_native_loop_runs_total %llu\n",
                    (unsigned long long)atomic_load_explicit(&in->native_loop_runs, memory_order_relaxed));
  }
}
