/*
 * gil_convoy - the convoy effect with the GIL alone: no HTTP, no event loop,
 * no worker-pool code of the server. What bench/convoy/run.sh measures end
 * to end, reduced to what the GIL decides, so that the GIL's share of the
 * /io latency can be told apart from the rest (the kernel waking a sleeper
 * on a busy core, the loop thread, the pool).
 *
 * A pool of W worker threads (8, like the server's) serves requests, each
 * handed to the worker idle longest (see `slot`); a "loop" thread turns
 * each finished request into its client's next one (see loop_thread). C "cpu" clients and I "io" clients (4 and 4, like the bench's
 * two wrk runs) each keep one request in flight, closed loop: when a
 * request completes, its client's next one is queued at once. A cpu request
 * takes the GIL and runs a countdown for CPU_US microseconds of CPU time
 * (calibrated at start; /cpu?n=100000 holds gild's Release GIL ~0.46 ms), checking
 * the eval breaker on every step as the interpreter does on a back-edge,
 * then drops it ("done"). An io request takes the GIL, drops it for I/O, sleeps `ms`,
 * takes it again and drops it ("done"), as /io?ms=1 does. Workers are not
 * bound to a kind of request: a worker that ran a cpu request may run an io
 * request next, as in the server. Each request sets its thread's label to
 * its route ("/io", "/cpu") before its first take, as the handler runtime
 * does.
 *
 * Phases (each DURATION seconds): io clients alone, cpu clients alone, both.
 * Prints the io requests' latency p50/p99 (queue to done) and the cpu
 * requests' throughput per phase, and the goal's two ratios; then, for the
 * io requests under cpu load, the p50/p99 of their parts: GIL wait (both
 * takes, and in brackets the first alone: the request's start), dispatch
 * (queued to a worker starting it: the loop thread and the worker's
 * wake-up), time inside the two drops (forced switching), GIL held, and
 * the wake-up after the sleep (io_ns minus the sleep). Dispatch and
 * wake-up are the kernel's share: a thread woken on a CPU that a GIL
 * holder, or another process, keeps busy. GIL_CONVOY_TOTALS=1 adds the
 * GIL's totals and the parts' means over the slower half of the io
 * requests, GIL_CONVOY_HIST=1 a histogram of the first take's wait.
 *
 * The cpu column gives CPU_US and, in brackets, the GIL hold per cpu request
 * measured with the cpu clients alone.
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

/* Requests wait in `head..tail` only when no worker is idle; idle workers
 * wait in arrival order, each on its own condition variable, and a new
 * request goes to the one idle longest, as the server's pool hands a
 * request to whichever worker is free: the worker that just finished a
 * request queues itself behind the others, so requests of both kinds
 * rotate over all workers. */
typedef struct slot {
  pthread_cond_t cv;
  struct request *job;
  struct slot *next;
} slot;

static struct {
  pthread_mutex_t mu;
  struct request *head, *tail;
  slot *idle_head, *idle_tail;
  struct request *done_head, *done_tail; /* finished, for the loop thread */
  pthread_cond_t loop_cv;
  bool stop;
} q = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL, NULL, NULL, NULL, PTHREAD_COND_INITIALIZER, false};

static request reqs[IO_CLIENTS + CPU_CLIENTS];
static _Atomic int active[IO_CLIENTS + CPU_CLIENTS]; /* client re-queues while active */
static long cpu_us = 450, io_ms = 1;
static long cpu_steps; /* countdown steps per cpu request, from cpu_us */

/* Samples of the current phase, under q.mu. */
static uint64_t io_lat[MAX_SAMPLES], io_wait[MAX_SAMPLES], io_wake[MAX_SAMPLES], io_wait1[MAX_SAMPLES];
static uint64_t io_dispatch[MAX_SAMPLES]; /* queued to a worker starting it */
static uint64_t io_drops[MAX_SAMPLES];    /* inside gil_drop: forced switching */
static uint64_t io_held[MAX_SAMPLES];     /* GIL held by the io request */
static size_t n_io;
static uint64_t n_cpu, cpu_held_ns;
static bool recording;

/* Under q.mu. */
static void submit(request *r) {
  r->queued_ns = now_ns();
  r->next = NULL;
  slot *w = q.idle_head;
  if (w) {
    q.idle_head = w->next;
    if (!q.idle_head) q.idle_tail = NULL;
    w->job = r;
    pthread_cond_signal(&w->cv);
    return;
  }
  if (q.tail) q.tail->next = r;
  else q.head = r;
  q.tail = r;
}

/* The server's event loop, reduced to its part in the convoy: a thread of
 * its own, on the same CPU, that turns each finished request into its
 * client's next one. Workers go idle before the next request exists, so
 * requests of both kinds rotate over the workers as in the server. */
static void *loop_thread(void *arg) {
  (void)arg;
  pthread_mutex_lock(&q.mu);
  while (!q.stop) {
    while (!q.done_head && !q.stop) pthread_cond_wait(&q.loop_cv, &q.mu);
    while (q.done_head) {
      request *r = q.done_head;
      q.done_head = r->next;
      if (!q.done_head) q.done_tail = NULL;
      submit(r);
    }
  }
  pthread_mutex_unlock(&q.mu);
  return NULL;
}

static volatile uint64_t sink;

/* Aligned and out of line, so that the loop sits at the same offset from a
 * 64-byte boundary whatever gil.c it is linked with: a tight loop's speed
 * can differ 2x with its alignment. */
static void __attribute__((noinline, aligned(64))) countdown(gil_thread *t, long steps) {
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

static _Thread_local uint64_t first_wait_ns; /* of the io request's first take */

static _Thread_local uint64_t drops_ns; /* time inside the io request's two drops */

static void run_io(gil_thread *t) {
  uint64_t w0 = atomic_load(&t->stats.wait_ns);
  gil_take(G, t);
  first_wait_ns = atomic_load(&t->stats.wait_ns) - w0;
  uint64_t d0 = now_ns();
  gil_drop(G, t, GIL_RELEASE_IO);
  drops_ns = now_ns() - d0;
  struct timespec d = {0, io_ms * 1000000L};
  while (nanosleep(&d, &d) != 0 && errno == EINTR) {}
  gil_take(G, t);
  d0 = now_ns();
  gil_drop(G, t, GIL_RELEASE_DONE);
  drops_ns += now_ns() - d0;
}

static void *worker(void *arg) {
  gil_thread t;
  gil_thread_init(G, &t, (const char *)arg);
  slot me = {.job = NULL, .next = NULL};
  pthread_cond_init(&me.cv, NULL);
  pthread_mutex_lock(&q.mu);
  for (;;) {
    request *r = q.head;
    if (r) {
      q.head = r->next;
      if (!q.head) q.tail = NULL;
    } else {
      me.job = NULL;
      me.next = NULL;
      if (q.idle_tail) q.idle_tail->next = &me;
      else q.idle_head = &me;
      q.idle_tail = &me;
      while (!me.job && !q.stop) pthread_cond_wait(&me.cv, &q.mu);
      if (!me.job) break; /* stopping; q.stop's broadcast emptied the idle list */
      r = me.job;
    }
    pthread_mutex_unlock(&q.mu);
    bool io = r->client < IO_CLIENTS;
    /* As the handler runtime does: the route, one interned string per kind. */
    gil_thread_set_label(&t, io ? "/io" : "/cpu");
    uint64_t w0 = atomic_load(&t.stats.wait_ns), i0 = atomic_load(&t.stats.io_ns);
    uint64_t h0 = atomic_load(&t.stats.held_ns), started = now_ns();
    if (io) run_io(&t);
    else run_cpu(&t);
    uint64_t done = now_ns();
    pthread_mutex_lock(&q.mu);
    if (recording) {
      if (io && n_io < MAX_SAMPLES) {
        uint64_t slept = (uint64_t)io_ms * 1000000u, in_io = atomic_load(&t.stats.io_ns) - i0;
        io_wait[n_io] = atomic_load(&t.stats.wait_ns) - w0;
        io_wait1[n_io] = first_wait_ns;
        io_dispatch[n_io] = started - r->queued_ns;
        io_drops[n_io] = drops_ns;
        io_held[n_io] = atomic_load(&t.stats.held_ns) - h0;
        io_wake[n_io] = in_io > slept ? in_io - slept : 0;
        io_lat[n_io++] = done - r->queued_ns;
      }
      if (!io) {
        n_cpu++;
        cpu_held_ns += atomic_load(&t.stats.held_ns) - h0;
      }
    }
    if (atomic_load(&active[r->client])) { /* the client's next request, via the "loop" */
      r->next = NULL;
      if (q.done_tail) q.done_tail->next = r;
      else q.done_head = r;
      q.done_tail = r;
      pthread_cond_signal(&q.loop_cv);
    }
  }
  pthread_mutex_unlock(&q.mu);
  pthread_cond_destroy(&me.cv);
  gil_thread_fini(G, &t);
  return NULL;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct phase_result {
  double io_p50_ms, io_p99_ms, io_rps, cpu_rps, cpu_hold_ms;
  double wait_p50_ms, wait_p99_ms, wake_p50_ms, wake_p99_ms, wait1_p50_ms, wait1_p99_ms;
  double disp_p50_ms, disp_p99_ms, drops_p50_ms, drops_p99_ms, held_p50_ms, held_p99_ms;
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
  cpu_held_ns = 0;
  recording = true;
  pthread_mutex_unlock(&q.mu);
  uint64_t t0 = now_ns();
  struct timespec d = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
  nanosleep(&d, NULL);
  pthread_mutex_lock(&q.mu);
  double el = (double)(now_ns() - t0) * 1e-9;
  recording = false;
  for (int c = 0; c < IO_CLIENTS + CPU_CLIENTS; c++) atomic_store(&active[c], 0);
  phase_result r = {.io_rps = (double)n_io / el, .cpu_rps = (double)n_cpu / el,
                    .cpu_hold_ms = n_cpu ? (double)cpu_held_ns * 1e-6 / (double)n_cpu : 0};
  if (n_io && getenv("GIL_CONVOY_TOTALS") && io && cpu) {
    /* Means of each part over the io requests slower than the median. */
    uint64_t *c = malloc(n_io * sizeof *c);
    memcpy(c, io_lat, n_io * sizeof *c);
    qsort(c, n_io, sizeof *c, cmp_u64);
    uint64_t med = c[n_io / 2];
    free(c);
    double sum[6] = {0};
    size_t k = 0;
    for (size_t i = 0; i < n_io; i++) {
      if (io_lat[i] <= med) continue;
      k++;
      sum[0] += io_lat[i]; sum[1] += io_dispatch[i]; sum[2] += io_wait1[i];
      sum[3] += io_wait[i] - io_wait1[i]; sum[4] += io_wake[i]; sum[5] += io_held[i];
    }
    if (getenv("GIL_CONVOY_HIST")) {
      size_t hist[12] = {0}; /* first-take wait in 0.25 ms buckets, last is >= 2.75 ms */
      for (size_t i = 0; i < n_io; i++) {
        size_t b = io_wait1[i] / 250000;
        hist[b < 11 ? b : 11]++;
      }
      fprintf(stderr, "first-take wait, 0.25 ms buckets:");
      for (int b = 0; b < 12; b++) fprintf(stderr, " %zu", hist[b]);
      fprintf(stderr, "\n");
    }
    if (k)
      fprintf(stderr, "slower half (%zu): total %.3f dispatch %.3f wait1 %.3f wait2 %.3f wake %.3f held %.3f ms\n", k,
              sum[0] / k * 1e-6, sum[1] / k * 1e-6, sum[2] / k * 1e-6, sum[3] / k * 1e-6, sum[4] / k * 1e-6, sum[5] / k * 1e-6);
  }
  if (n_io) {
    quantiles(io_lat, n_io, &r.io_p50_ms, &r.io_p99_ms);
    quantiles(io_wait, n_io, &r.wait_p50_ms, &r.wait_p99_ms);
    quantiles(io_wait1, n_io, &r.wait1_p50_ms, &r.wait1_p99_ms);
    quantiles(io_dispatch, n_io, &r.disp_p50_ms, &r.disp_p99_ms);
    quantiles(io_drops, n_io, &r.drops_p50_ms, &r.drops_p99_ms);
    quantiles(io_held, n_io, &r.held_p50_ms, &r.held_p99_ms);
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
  pthread_t th[WORKERS], loop;
  pthread_create(&loop, NULL, loop_thread, NULL);
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
  if (getenv("GIL_CONVOY_TOTALS"))
    fprintf(stderr,
            "gil_convoy totals: held %.3f s, waited %.3f s, acquisitions %lu, switches %lu, drop "
            "requests %lu, releases io %lu interval %lu done %lu yield %lu, longest hold %.2f ms\n",
            (double)t.held_ns * 1e-9, (double)t.wait_ns * 1e-9, (unsigned long)t.acquisitions,
            (unsigned long)t.switches, (unsigned long)t.drop_requests,
            (unsigned long)t.releases[GIL_RELEASE_IO], (unsigned long)t.releases[GIL_RELEASE_INTERVAL],
            (unsigned long)t.releases[GIL_RELEASE_DONE], (unsigned long)t.releases[GIL_RELEASE_YIELD],
            (double)t.hold_max_ns * 1e-6);
  pthread_mutex_lock(&q.mu);
  q.stop = true;
  for (slot *w = q.idle_head; w; w = w->next) pthread_cond_signal(&w->cv);
  pthread_cond_signal(&q.loop_cv);
  q.idle_head = q.idle_tail = NULL;
  pthread_mutex_unlock(&q.mu);
  for (int i = 0; i < WORKERS; i++) pthread_join(th[i], NULL);
  pthread_join(loop, NULL);
  printf("| %s | %ld (%.2f ms) | %.2f | %.2f | %.2f | %.2f | %.2fx | %.0f | %.0f | %+.1f%% | %lu | %.2f / %.2f (first take %.2f / %.2f) | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f |\n",
         argv[1], cpu_us, cpu_alone.cpu_hold_ms, io_alone.io_p50_ms, io_alone.io_p99_ms, both.io_p50_ms, both.io_p99_ms,
         io_alone.io_p99_ms > 0 ? both.io_p99_ms / io_alone.io_p99_ms : 0, cpu_alone.cpu_rps,
         both.cpu_rps, cpu_alone.cpu_rps > 0 ? 100.0 * (both.cpu_rps - cpu_alone.cpu_rps) / cpu_alone.cpu_rps : 0,
         (unsigned long)t.switches, both.wait_p50_ms, both.wait_p99_ms, both.wait1_p50_ms,
         both.wait1_p99_ms, both.disp_p50_ms, both.disp_p99_ms, both.drops_p50_ms,
         both.drops_p99_ms, both.held_p50_ms, both.held_p99_ms, both.wake_p50_ms,
         both.wake_p99_ms);
  gil_free(G);
  return 0;
}
