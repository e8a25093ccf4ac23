/*
 * gil_bench - what the GIL itself costs.
 *   1. what one clock read costs (rdtsc, rdtscp, clock_gettime through the
 *      vDSO, and gil_now_ns, the clock the GIL's counters use): every take
 *      and every drop reads it once;
 *   2. uncontended take+drop, in ns, next to an uncontended pthread mutex
 *      lock+unlock pair (the bound), in the same run, interleaved
 *      round by round, the same loop shape (two out-of-line calls and a
 *      compiler barrier), median and minimum of the rounds; plus two
 *      references inlined in the loop: the bare atomics a lock needs (CAS
 *      acquire + exchange) and two plain rdtsc;
 *   3. handoff latency: one thread drops the GIL while another waits for
 *      it; the time from the drop to the waiter running, p50/p99 in us, for
 *      each policy.
 * Built twice by run.sh: with the real clock, and with -DGILD_GIL_CLOCK_STUB
 * (the GIL's clock reads replaced by a constant) to show what take+drop
 * cost apart from the clock; that build runs with --uncontended only.
 * Timing uses clock_gettime directly, never the GIL's clock.
 * Prints figures; never fails.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "gil.h"

static _Atomic uint32_t eb;
static volatile uint64_t sink;

static uint64_t bench_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median_of(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define BARRIER() __asm__ volatile("" ::: "memory")

/* ---- 1. clocks ---------------------------------------------------------------- */

typedef double (*loop_fn)(int iters);

/* One timed loop per clock, each reading it inline (a function pointer
 * would add a call to what is measured): the sum keeps the reads alive. */
#define CLOCK_LOOP(name, read)                       \
  static double name(int iters) {                    \
    uint64_t s = 0, t0 = bench_ns();                 \
    for (int i = 0; i < iters; i++) s += (read);     \
    uint64_t t1 = bench_ns();                        \
    sink = s;                                        \
    return (double)(t1 - t0) / iters;                \
  }

#if defined(__x86_64__)
static unsigned rdtscp_aux;
CLOCK_LOOP(loop_rdtsc, __rdtsc())
CLOCK_LOOP(loop_rdtscp, __rdtscp(&rdtscp_aux))
#endif
CLOCK_LOOP(loop_clock_gettime, bench_ns())
CLOCK_LOOP(loop_gil_now, gil_now_ns())

/* ---- 2. uncontended ----------------------------------------------------------- */

static gil *ugil[GIL_POLICY_COUNT];
static gil_thread uthread[GIL_POLICY_COUNT];

static double loop_gil(gil_policy p, int iters) {
  gil *g = ugil[p];
  gil_thread *t = &uthread[p];
  uint64_t t0 = bench_ns();
  for (int i = 0; i < iters; i++) {
    gil_take(g, t);
    BARRIER();
    gil_drop(g, t, GIL_RELEASE_IO);
  }
  return (double)(bench_ns() - t0) / iters;
}
static double loop_gil_cpython(int iters) { return loop_gil(GIL_POLICY_CPYTHON, iters); }
static double loop_gil_iopri(int iters) { return loop_gil(GIL_POLICY_IO_PRIORITY, iters); }

static pthread_mutex_t umutex = PTHREAD_MUTEX_INITIALIZER;
static double loop_mutex(int iters) {
  uint64_t t0 = bench_ns();
  for (int i = 0; i < iters; i++) {
    pthread_mutex_lock(&umutex);
    BARRIER();
    pthread_mutex_unlock(&umutex);
  }
  return (double)(bench_ns() - t0) / iters;
}

/* The atomics any lock needs, inline: a CAS to take, an exchange (a
 * sequentially consistent store) to release so that waiters are seen. */
static _Atomic int uword;
static double loop_bare_atomics(int iters) {
  uint64_t t0 = bench_ns();
  for (int i = 0; i < iters; i++) {
    int e = 0;
    atomic_compare_exchange_strong_explicit(&uword, &e, 1, memory_order_acquire,
                                            memory_order_relaxed);
    BARRIER();
    atomic_store(&uword, 0);
  }
  return (double)(bench_ns() - t0) / iters;
}

#if defined(__x86_64__)
/* Two timestamps per take+drop: what exact hold times cost at least. */
static double loop_two_rdtsc(int iters) {
  uint64_t s = 0, t0 = bench_ns();
  for (int i = 0; i < iters; i++) {
    s += __rdtsc();
    BARRIER();
    s += __rdtsc();
  }
  uint64_t t1 = bench_ns();
  sink = s;
  return (double)(t1 - t0) / iters;
}
#endif

typedef struct row {
  const char *name;
  loop_fn fn;
  double v[32];
} row;

/* Runs every row once per round, rounds interleaved, so that a noisy
 * neighbour hits all rows alike; prints median and minimum per row. */
static void run_rows(const char *title, row *rows, int nrows, int rounds, int iters) {
  for (int r = 0; r < rounds; r++)
    for (int i = 0; i < nrows; i++) rows[i].v[r] = rows[i].fn(iters);
  printf("%s (%d rounds x %d iterations, interleaved)\n", title, rounds, iters);
  for (int i = 0; i < nrows; i++) {
    double med = median_of(rows[i].v, rounds); /* sorts: v[0] is the minimum */
    printf("  %-34s median %6.2f ns   min %6.2f ns\n", rows[i].name, med, rows[i].v[0]);
  }
}

static double find_median(row *rows, int nrows, const char *name, int rounds) {
  for (int i = 0; i < nrows; i++)
    if (strcmp(rows[i].name, name) == 0) return rows[i].v[rounds / 2];
  return 0;
}

/* ---- 3. handoff ----------------------------------------------------------------- */

#define ROUNDS 2000
typedef struct handoff {
  gil *g;
  gil_thread a, b;
  _Atomic uint64_t dropped_at;
  uint64_t lat[ROUNDS];
  _Atomic int round;
} handoff;

static void *waiter(void *p) {
  handoff *h = p;
  for (int r = 0; r < ROUNDS; r++) {
    while (atomic_load(&h->round) != r * 2 + 1) sched_yield();
    gil_take(h->g, &h->b);
    h->lat[r] = bench_ns() - atomic_load(&h->dropped_at);
    gil_drop(h->g, &h->b, GIL_RELEASE_DONE);
    atomic_store(&h->round, r * 2 + 2);
  }
  return NULL;
}

static void bench_handoff(gil_policy p, double *p50, double *p99) {
  handoff *h = calloc(1, sizeof *h);
  h->g = gil_new(p, 0.005, &eb, 1);
  gil_thread_init(h->g, &h->a, "a");
  gil_thread_init(h->g, &h->b, "b");
  pthread_t th;
  pthread_create(&th, NULL, waiter, h);
  gil_totals t;
  for (int r = 0; r < ROUNDS; r++) {
    gil_take(h->g, &h->a);
    atomic_store(&h->round, r * 2 + 1);
    do { gil_read_totals(h->g, &t); } while (t.waiting_now == 0); /* B is blocked on the GIL */
    atomic_store(&h->dropped_at, bench_ns());
    gil_drop(h->g, &h->a, GIL_RELEASE_IO);
    while (atomic_load(&h->round) != r * 2 + 2) sched_yield();
  }
  pthread_join(th, NULL);
  qsort(h->lat, ROUNDS, sizeof h->lat[0], cmp_u64);
  *p50 = h->lat[ROUNDS / 2] / 1000.0;
  *p99 = h->lat[ROUNDS * 99 / 100] / 1000.0;
  gil_thread_fini(h->g, &h->a);
  gil_thread_fini(h->g, &h->b);
  gil_free(h->g);
  free(h);
}

int main(int argc, char **argv) {
  bool uncontended_only = argc > 1 && strcmp(argv[1], "--uncontended") == 0;
  const int rounds = 9, iters = 2000000;
#ifdef GILD_GIL_CLOCK_STUB
  const char *variant = "GIL clock stubbed out (GILD_GIL_CLOCK_STUB: no timestamps)";
#else
  const char *variant = "GIL with its real clock (exact timestamps)";
#endif
  if (!uncontended_only) {
    row clocks[] = {
#if defined(__x86_64__)
        {"rdtsc", loop_rdtsc, {0}},
        {"rdtscp", loop_rdtscp, {0}},
#endif
        {"clock_gettime(CLOCK_MONOTONIC)", loop_clock_gettime, {0}},
        {"gil_now_ns", loop_gil_now, {0}},
    };
    run_rows("one clock read", clocks, (int)(sizeof clocks / sizeof clocks[0]), rounds, iters);
    printf("\n");
  }

  for (int p = 0; p < GIL_POLICY_COUNT; p++) {
    ugil[p] = gil_new((gil_policy)p, 0.005, &eb, 1);
    gil_thread_init(ugil[p], &uthread[p], "bench");
  }
  row un[] = {
      {"pthread mutex lock+unlock", loop_mutex, {0}},
      {"gil take+drop (cpython)", loop_gil_cpython, {0}},
      {"gil take+drop (io-priority)", loop_gil_iopri, {0}},
      {"ref: CAS + xchg inline", loop_bare_atomics, {0}},
#if defined(__x86_64__)
      {"ref: 2 x rdtsc inline", loop_two_rdtsc, {0}},
#endif
  };
  int nun = (int)(sizeof un / sizeof un[0]);
  char title[160];
  snprintf(title, sizeof title, "uncontended, %s", variant);
  run_rows(title, un, nun, rounds, iters);
  double gm = find_median(un, nun, "gil take+drop (cpython)", rounds);
  double mm = find_median(un, nun, "pthread mutex lock+unlock", rounds);
  printf("  ratio gil/mutex (medians): %.2f\n", gm / mm);
  for (int p = 0; p < GIL_POLICY_COUNT; p++) {
    gil_thread_fini(ugil[p], &uthread[p]);
    gil_free(ugil[p]);
  }
  if (uncontended_only) return 0;

  printf("\n%-12s %12s %12s\n", "policy", "handoff p50", "handoff p99");
  for (int p = 0; p < GIL_POLICY_COUNT; p++) {
    double p50, p99;
    bench_handoff((gil_policy)p, &p50, &p99);
    printf("%-12s %9.1f us %9.1f us\n", gil_policy_name(p), p50, p99);
  }
  return 0;
}
