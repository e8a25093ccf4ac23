/*
 * gil_convoy - the convoy effect with the GIL alone: no HTTP, no event loop,
 * no worker-pool code of the server. What bench/convoy/run.sh measures end
 * to end, reduced to what the GIL decides, so that the GIL's share of the
 * /io latency can be told apart from the rest (the kernel waking a sleeper
 * on a busy core, the loop thread, the pool).
 *
 * A pool of W worker threads (8, like the server) takes requests from one
 * FIFO queue. C "cpu" clients and I "io" clients (4 and 4, like the bench's
 * two wrk runs) each keep one request in flight, closed loop: when a
 * request completes, its client's next one is queued at once. A cpu request
 * takes the GIL and runs a countdown for CPU_US microseconds of CPU time
 * (calibrated at start; /cpu?n=100000 holds gild's GIL ~0.6 ms), checking
 * the eval breaker on every step as the interpreter does on a back-edge,
 * then drops it ("done"). An io request takes the GIL, drops it for I/O, sleeps `ms`,
 * takes it again and drops it ("done"), as /io?ms=1 does. Workers are not
 * bound to a kind of request: a worker that ran a cpu request may run an io
 * request next, as in the server.
 *
 * Phases (each DURATION seconds): io clients alone, cpu clients alone, both.
 * Prints the io requests' latency p50/p99 (queue to done) and the cpu
 * requests' throughput per phase, and the goal's two ratios; then, for the
 * io requests under cpu load, the p50/p99 of their two parts: GIL wait
 * (both takes) and the wake-up after the sleep (io_ns minus the sleep: the
 * kernel's share).
 *
 * Usage: gil_convoy POLICY [CPU_US] [DURATION_S] [IO_MS]
 * Run it pinned to one CPU (run.sh's server is): taskset -c 1 gil_convoy ...
 * Prints figures; never fails.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gil.h"

#define WORKERS 8
#define CPU_CLIENTS 4
#define IO_CLIENTS 4
#define MAX_SAMPLES 200000

static _Atomic uint32_t eval_breaker;
static gil *G;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct request {
  int client; /* < IO_CLIENTS: io, else cpu */
  uint64_t queued_ns;
  struct request *next;
} request;

static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  request *head, *tail;
  bool stop;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, false};

static request reqs[IO_CLIENTS + CPU_CLIENTS];
static _Atomic int active[IO_CLIENTS + CPU_CLIENTS]; /* client re-queues while active */
static long cpu_us = 600, io_ms = 1;
static long cpu_steps; /* countdown steps per cpu request, from cpu_us */

/* Samples of the current phase, under q.mu. */
static uint64_t io_lat[MAX_SAMPLES], io_wait[MAX_SAMPLES], io_wake[MAX_SAMPLES];
static size_t n_io;
static uint64_t n_cpu;
static bool recording;

static void submit(request *r) {
  r->queued_ns = now_ns();
  r->next = NULL;
  if (q.tail) q.tail->next = r;
  else q.head = r;
  q.tail = r;
  pthread_cond_signal(&q.cv);
}

static volatile uint64_t sink;

static void countdown(gil_thread *t, long steps) {
  uint64_t x = 0;
  for (long n = steps; n > 0; n--) {
    x += (uint64_t)n; /* the countdown's body */
    if (atomic_load_explicit(&eval_breaker, memory_order_relaxed)) gil_yield_if_requested(G, t);
    __asm__ volatile("" : "+r"(x)); /* one step is not optimised into a formula */
  }
  sink = x;
}

static void run_cpu(gil_thread *t) {
  gil_take(G, t);
  countdown(t, cpu_steps);
  gil_drop(G, t, GIL_RELEASE_DONE);
}

static void run_io(gil_thread *t) {
  gil_take(G, t);
  gil_drop(G, t, GIL_RELEASE_IO);
  struct timespec d = {0, io_ms * 1000000L};
  while (nanosleep(&d, &d) != 0 && errno == EINTR) {}
  gil_take(G, t);
  gil_drop(G, t, GIL_RELEASE_DONE);
}

static void *worker(void *arg) {
  gil_thread t;
  gil_thread_init(G, &t, (const char *)arg);
  pthread_mutex_lock(&q.mu);
  for (;;) {
    while (!q.head && !q.stop) pthread_cond_wait(&q.cv, &q.mu);
    if (q.stop) break;
    request *r = q.head;
    q.head = r->next;
    if (!q.head) q.tail = NULL;
    pthread_mutex_unlock(&q.mu);
    bool io = r->client < IO_CLIENTS;
    uint64_t w0 = atomic_load(&t.stats.wait_ns), i0 = atomic_load(&t.stats.io_ns);
    if (io) run_io(&t);
    else run_cpu(&t);
    uint64_t done = now_ns();
    pthread_mutex_lock(&q.mu);
    if (recording) {
      if (io && n_io < MAX_SAMPLES) {
        uint64_t slept = (uint64_t)io_ms * 1000000u, in_io = atomic_load(&t.stats.io_ns) - i0;
        io_wait[n_io] = atomic_load(&t.stats.wait_ns) - w0;
        io_wake[n_io] = in_io > slept ? in_io - slept : 0;
        io_lat[n_io++] = done - r->queued_ns;
      }
      if (!io) n_cpu++;
    }
    if (atomic_load(&active[r->client])) submit(r);
  }
  pthread_mutex_unlock(&q.mu);
  gil_thread_fini(G, &t);
  return NULL;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct phase_result {
  double io_p50_ms, io_p99_ms, io_rps, cpu_rps;
  double wait_p50_ms, wait_p99_ms, wake_p50_ms, wake_p99_ms;
} phase_result;

static void quantiles(uint64_t *v, size_t n, double *p50, double *p99) {
  qsort(v, n, sizeof v[0], cmp_u64);
  *p50 = (double)v[n / 2] * 1e-6;
  *p99 = (double)v[n * 99 / 100] * 1e-6;
}

/* Activates the given clients, warms up 0.5 s, records `secs`, deactivates
 * them and waits until their requests drained. */
static phase_result phase(bool io, bool cpu, double secs) {
  pthread_mutex_lock(&q.mu);
  for (int c = 0; c < IO_CLIENTS + CPU_CLIENTS; c++) {
    bool on = c < IO_CLIENTS ? io : cpu;
    atomic_store(&active[c], on);
    reqs[c].client = c;
    if (on) submit(&reqs[c]);
  }
  pthread_mutex_unlock(&q.mu);
  struct timespec warm = {0, 500000000L};
  nanosleep(&warm, NULL);
  pthread_mutex_lock(&q.mu);
  n_io = 0;
  n_cpu = 0;
  recording = true;
  pthread_mutex_unlock(&q.mu);
  uint64_t t0 = now_ns();
  struct timespec d = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
  nanosleep(&d, NULL);
  pthread_mutex_lock(&q.mu);
  double el = (double)(now_ns() - t0) * 1e-9;
  recording = false;
  for (int c = 0; c < IO_CLIENTS + CPU_CLIENTS; c++) atomic_store(&active[c], 0);
  phase_result r = {.io_rps = (double)n_io / el, .cpu_rps = (double)n_cpu / el};
  if (n_io) {
    quantiles(io_lat, n_io, &r.io_p50_ms, &r.io_p99_ms);
    quantiles(io_wait, n_io, &r.wait_p50_ms, &r.wait_p99_ms);
    quantiles(io_wake, n_io, &r.wake_p50_ms, &r.wake_p99_ms);
  }
  pthread_mutex_unlock(&q.mu);
  /* Drain: in-flight requests finish and are not re-queued. */
  struct timespec drain = {0, 200000000L};
  nanosleep(&drain, NULL);
  return r;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: gil_convoy POLICY [CPU_US] [DURATION_S] [IO_MS]\n");
    return 0;
  }
  gil_policy p;
  if (gil_policy_parse(argv[1], &p) != 0) {
    fprintf(stderr, "gil_convoy: unknown policy %s\n", argv[1]);
    return 0;
  }
  if (argc > 2) cpu_us = atol(argv[2]);
  double secs = argc > 3 ? atof(argv[3]) : 3.0;
  if (argc > 4) io_ms = atol(argv[4]);
  G = gil_new(p, 0.005, &eval_breaker, 1);
  { /* calibrate: the fastest of 50 runs of 2e5 steps (~0.1 ms each, so
     * that some run is not preempted on a busy machine), under the GIL */
    gil_thread t;
    gil_thread_init(G, &t, "calibrate");
    gil_take(G, &t);
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 50; i++) {
      uint64_t t0 = now_ns();
      countdown(&t, 200000);
      uint64_t d = now_ns() - t0;
      if (d < best) best = d;
    }
    gil_drop(G, &t, GIL_RELEASE_DONE);
    gil_thread_fini(G, &t);
    cpu_steps = (long)((double)cpu_us * 1e3 * 2e5 / (double)(best ? best : 1));
    fprintf(stderr, "gil_convoy: %ld steps per cpu request\n", cpu_steps);
  }
  pthread_t th[WORKERS];
  static char names[WORKERS][16];
  for (int i = 0; i < WORKERS; i++) {
    snprintf(names[i], sizeof names[i], "w%d", i);
    pthread_create(&th[i], NULL, worker, names[i]);
  }
  phase_result io_alone = phase(true, false, secs);
  phase_result cpu_alone = phase(false, true, secs);
  phase_result both = phase(true, true, secs);
  gil_totals t;
  gil_read_totals(G, &t);
  pthread_mutex_lock(&q.mu);
  q.stop = true;
  pthread_cond_broadcast(&q.cv);
  pthread_mutex_unlock(&q.mu);
  for (int i = 0; i < WORKERS; i++) pthread_join(th[i], NULL);
  printf("| %s | %ld | %.2f | %.2f | %.2f | %.2f | %.2fx | %.0f | %.0f | %+.1f%% | %lu | %.2f / %.2f | %.2f / %.2f |\n",
         argv[1], cpu_us, io_alone.io_p50_ms, io_alone.io_p99_ms, both.io_p50_ms, both.io_p99_ms,
         io_alone.io_p99_ms > 0 ? both.io_p99_ms / io_alone.io_p99_ms : 0, cpu_alone.cpu_rps,
         both.cpu_rps, cpu_alone.cpu_rps > 0 ? 100.0 * (both.cpu_rps - cpu_alone.cpu_rps) / cpu_alone.cpu_rps : 0,
         (unsigned long)t.switches, both.wait_p50_ms, both.wait_p99_ms, both.wake_p50_ms,
         both.wake_p99_ms);
  gil_free(G);
  return 0;
}
