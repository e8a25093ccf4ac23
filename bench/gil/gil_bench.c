/*
 * gil_bench - what the GIL itself costs.
 *   1. uncontended take+drop, in ns, next to an uncontended pthread mutex
 *      lock+unlock pair (the bound);
 *   2. handoff latency: one thread drops the GIL while another waits for
 *      it; the time from the drop to the waiter running, p50/p99 in us, for
 *      each policy.
 * Prints figures; never fails.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "gil.h"

static _Atomic uint32_t eb;

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double median_of(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, (int (*)(const void *, const void *))cmp_u64);
  return v[n / 2];
}

static double bench_uncontended_gil(int iters) {
  gil *g = gil_new(GIL_POLICY_CPYTHON, 0.005, &eb, 1);
  gil_thread t;
  gil_thread_init(g, &t, "bench");
  uint64_t t0 = gil_now_ns();
  for (int i = 0; i < iters; i++) {
    gil_take(g, &t);
    gil_drop(g, &t, GIL_RELEASE_DONE);
  }
  double ns = (double)(gil_now_ns() - t0) / iters;
  gil_thread_fini(g, &t);
  gil_free(g);
  return ns;
}

static double bench_mutex(int iters) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  uint64_t t0 = gil_now_ns();
  for (int i = 0; i < iters; i++) {
    pthread_mutex_lock(&m);
    __asm__ volatile("" ::: "memory");
    pthread_mutex_unlock(&m);
  }
  return (double)(gil_now_ns() - t0) / iters;
}

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
    h->lat[r] = gil_now_ns() - atomic_load(&h->dropped_at);
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
    atomic_store(&h->dropped_at, gil_now_ns());
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

int main(void) {
  const int iters = 5000000;
  double g[5], m[5];
  for (int i = 0; i < 5; i++) {
    g[i] = bench_uncontended_gil(iters);
    m[i] = bench_mutex(iters);
  }
  double gm = median_of(g, 5), mm = median_of(m, 5);
  printf("uncontended take+drop: %.1f ns (median of 5 x %d)\n", gm, iters);
  printf("uncontended mutex lock+unlock: %.1f ns\n", mm);
  printf("ratio gil/mutex: %.2f\n\n", gm / mm);
  printf("%-12s %12s %12s\n", "policy", "handoff p50", "handoff p99");
  for (int p = 0; p < GIL_POLICY_COUNT; p++) {
    double p50, p99;
    bench_handoff((gil_policy)p, &p50, &p99);
    printf("%-12s %9.1f us %9.1f us\n", gil_policy_name(p), p50, p99);
  }
  return 0;
}
