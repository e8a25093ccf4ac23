/*
 * Deterministic tests of the GIL's policies: who gets the GIL next, when a
 * drop request is set, forced switching, io-priority preemption, the legacy
 * check interval, and the exactness of the counters. Threads synchronise on
 * the GIL's own state (waiters counted, flags), never on sleeps; long switch
 * intervals make the interval rule impossible where a test checks another.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gil.h"

static int failures;
#define CHECK(cond, ...)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                   \
      fprintf(stderr, "\n");                                          \
      failures++;                                                     \
    }                                                                 \
  } while (0)

#define DEADLINE_NS 5000000000ull

static _Atomic uint32_t eval_breaker;

/* Spins (yielding the CPU) until pred(arg) or the deadline; returns pred's result. */
static bool wait_until(bool (*pred)(void *), void *arg) {
  uint64_t end = gil_now_ns() + DEADLINE_NS;
  while (!pred(arg)) {
    if (gil_now_ns() > end) return false;
    sched_yield();
  }
  return true;
}

typedef struct scenario {
  gil *g;
  gil_thread th[3];
  _Atomic int log[16];
  _Atomic int nlog;
  _Atomic int holding;   /* id+1 of the thread that announced it holds */
  _Atomic int stop;      /* ask the spinning holder to finish */
  int waiting_target;
} scenario;

static void log_take(scenario *s, int id) {
  int n = atomic_fetch_add(&s->nlog, 1);
  if (n < 16) atomic_store(&s->log[n], id);
}

static bool waiting_reached(void *arg) {
  scenario *s = arg;
  gil_totals t;
  gil_read_totals(s->g, &t);
  return t.waiting_now >= s->waiting_target;
}

static void wait_for_waiters(scenario *s, int n) {
  s->waiting_target = n;
  CHECK(wait_until(waiting_reached, s), "never saw %d waiters", n);
}

typedef struct targ {
  scenario *s;
  int id;
} targ;

/* A thread that takes the GIL once, logs, drops with "done". */
static void *take_once(void *p) {
  targ *a = p;
  gil_take(a->s->g, &a->s->th[a->id]);
  log_take(a->s, a->id);
  gil_drop(a->s->g, &a->s->th[a->id], GIL_RELEASE_DONE);
  return NULL;
}

/* Holder that keeps running "bytecode" (eval-breaker checks) until told to
 * stop, logging each (re)acquisition. */
static void *spin_holder(void *p) {
  targ *a = p;
  scenario *s = a->s;
  gil_thread *t = &s->th[a->id];
  gil_take(s->g, t);
  log_take(s, a->id);
  atomic_store(&s->holding, a->id + 1);
  uint64_t end = gil_now_ns() + DEADLINE_NS;
  while (!atomic_load(&s->stop) && gil_now_ns() < end) {
    if (atomic_load_explicit(&eval_breaker, memory_order_relaxed) && gil_yield_if_requested(s->g, t))
      log_take(s, a->id);
  }
  gil_drop(s->g, t, GIL_RELEASE_DONE);
  return NULL;
}

/* Thread 0 holds the GIL. Thread `first` queues for it, then thread
 * `second`; thread 0 drops it ("done"). Afterwards s->log says who was
 * served in which order. */
static void queue_two_then_drop(scenario *s, int first, int second) {
  pthread_t tf, ts;
  targ af = {s, first}, as = {s, second};
  pthread_create(&tf, NULL, take_once, &af);
  wait_for_waiters(s, 1);
  pthread_create(&ts, NULL, take_once, &as);
  wait_for_waiters(s, 2);
  gil_drop(s->g, &s->th[0], GIL_RELEASE_DONE);
  pthread_join(tf, NULL);
  pthread_join(ts, NULL);
}

static bool holding_set(void *arg) { return atomic_load(&((scenario *)arg)->holding) != 0; }

static scenario *scenario_new(gil_policy p, double interval) {
  scenario *s = calloc(1, sizeof *s);
  atomic_store(&eval_breaker, 0);
  s->g = gil_new(p, interval, &eval_breaker, 1);
  for (int i = 0; i < 3; i++) gil_thread_init(s->g, &s->th[i], "t");
  return s;
}

static void scenario_free(scenario *s) {
  for (int i = 0; i < 3; i++) gil_thread_fini(s->g, &s->th[i]);
  gil_free(s->g);
  free(s);
}

static uint64_t st(scenario *s, int id, _Atomic uint64_t *field) {
  (void)s; (void)id;
  return atomic_load(field);
}

/* 1. Uncontended: the counters are exact. */
static void test_uncontended(void) {
  scenario *s = scenario_new(GIL_POLICY_CPYTHON, 0.005);
  for (int i = 0; i < 1000; i++) {
    gil_take(s->g, &s->th[0]);
    CHECK(gil_holder(s->g) == &s->th[0], "holder");
    gil_drop(s->g, &s->th[0], GIL_RELEASE_DONE);
  }
  gil_stats *x = &s->th[0].stats;
  CHECK(atomic_load(&x->acquisitions) == 1000, "acquisitions %lu", (unsigned long)atomic_load(&x->acquisitions));
  CHECK(atomic_load(&x->switches) == 1, "switches %lu", (unsigned long)atomic_load(&x->switches));
  CHECK(atomic_load(&x->releases[GIL_RELEASE_DONE]) == 1000, "releases");
  CHECK(atomic_load(&x->drop_requests) == 0, "no drop requests");
  gil_totals t;
  gil_read_totals(s->g, &t);
  uint64_t hsum = 0, wsum = 0;
  for (int i = 0; i <= GIL_HIST_BUCKETS; i++) { hsum += t.hold_hist[i]; wsum += t.wait_hist[i]; }
  CHECK(hsum == 1000 && wsum == 1000, "histogram counts %lu %lu", (unsigned long)hsum, (unsigned long)wsum);
  CHECK(t.held_ns == t.hold_hist_sum_ns, "hold sum equals held");
  scenario_free(s);
}

/* 2. cpython: a waiter sets the drop request after an interval; forced
 * switching hands the GIL to it before the old holder gets it back. */
static void test_cpython_forced_switch(void) {
  scenario *s = scenario_new(GIL_POLICY_CPYTHON, 0.001);
  pthread_t a, b;
  targ ta = {s, 0}, tb = {s, 1};
  pthread_create(&a, NULL, spin_holder, &ta);
  CHECK(wait_until(holding_set, s), "holder started");
  pthread_create(&b, NULL, take_once, &tb);
  pthread_join(b, NULL);
  atomic_store(&s->stop, 1);
  pthread_join(a, NULL);
  CHECK(atomic_load(&s->nlog) >= 3, "log length %d", atomic_load(&s->nlog));
  CHECK(atomic_load(&s->log[0]) == 0 && atomic_load(&s->log[1]) == 1 && atomic_load(&s->log[2]) == 0,
        "order %d %d %d", atomic_load(&s->log[0]), atomic_load(&s->log[1]), atomic_load(&s->log[2]));
  CHECK(st(s, 1, &s->th[1].stats.drop_requests) == 1, "B set one drop request");
  CHECK(st(s, 0, &s->th[0].stats.releases[GIL_RELEASE_INTERVAL]) == 1, "A released once for the interval");
  CHECK(st(s, 1, &s->th[1].stats.wait_ns) >= 1000000, "B waited at least one interval");
  scenario_free(s);
}

/* 3. fifo: waiters are served in arrival order. */
static void test_fifo_order(void) {
  for (int round = 0; round < 10; round++) {
    scenario *s = scenario_new(GIL_POLICY_FIFO, 10.0);
    gil_take(s->g, &s->th[0]);
    log_take(s, 0);
    queue_two_then_drop(s, 1, 2);
    CHECK(atomic_load(&s->log[1]) == 1 && atomic_load(&s->log[2]) == 2, "round %d order %d %d", round,
          atomic_load(&s->log[1]), atomic_load(&s->log[2]));
    scenario_free(s);
  }
}

/* 4. io-priority: an interactive thread preempts a CPU-bound holder at once
 * (the 10 s interval rules out the interval rule). */
static void test_io_priority_preempts(void) {
  scenario *s = scenario_new(GIL_POLICY_IO_PRIORITY, 10.0);
  /* Make thread 0 CPU-bound: its last release was forced. */
  gil_take(s->g, &s->th[0]);
  gil_drop(s->g, &s->th[0], GIL_RELEASE_INTERVAL);
  pthread_t a, b;
  targ ta = {s, 0}, tb = {s, 1};
  pthread_create(&a, NULL, spin_holder, &ta);
  CHECK(wait_until(holding_set, s), "holder started");
  uint64_t t0 = gil_now_ns();
  pthread_create(&b, NULL, take_once, &tb);
  pthread_join(b, NULL);
  uint64_t took = gil_now_ns() - t0;
  atomic_store(&s->stop, 1);
  pthread_join(a, NULL);
  CHECK(st(s, 1, &s->th[1].stats.drop_requests) == 1, "interactive waiter requested the drop");
  CHECK(took < 5000000000ull, "preempted long before the 10 s interval (%lu ns)", (unsigned long)took);
  CHECK(atomic_load(&s->log[1]) == 1, "B ran second");
  scenario_free(s);
}

/* 5. io-priority: interactive waiters are served before CPU-bound ones that
 * arrived earlier. */
static void test_io_priority_order(void) {
  scenario *s = scenario_new(GIL_POLICY_IO_PRIORITY, 10.0);
  /* Thread 2 becomes CPU-bound. */
  gil_take(s->g, &s->th[2]);
  gil_drop(s->g, &s->th[2], GIL_RELEASE_INTERVAL);
  gil_take(s->g, &s->th[0]); /* interactive holder: no preemption */
  log_take(s, 0);
  queue_two_then_drop(s, 2, 1);
  CHECK(atomic_load(&s->log[1]) == 1 && atomic_load(&s->log[2]) == 2, "order %d %d",
        atomic_load(&s->log[1]), atomic_load(&s->log[2]));
  scenario_free(s);
}

/* 5b. io-priority: an interactive holder (a worker that just started a
 * request) that keeps running is preempted by an interactive waiter after
 * the short preemption threshold, not after the (here 10 s) interval. */
static void test_io_priority_long_interactive_holder(void) {
  scenario *s = scenario_new(GIL_POLICY_IO_PRIORITY, 10.0);
  pthread_t a, b;
  targ ta = {s, 0}, tb = {s, 1};
  pthread_create(&a, NULL, spin_holder, &ta); /* fresh thread: interactive */
  CHECK(wait_until(holding_set, s), "holder started");
  pthread_create(&b, NULL, take_once, &tb);
  pthread_join(b, NULL);
  atomic_store(&s->stop, 1);
  pthread_join(a, NULL);
  CHECK(atomic_load(&s->th[1].stats.drop_requests) == 1, "the interactive waiter asked once");
  CHECK(atomic_load(&s->th[0].stats.releases[GIL_RELEASE_INTERVAL]) == 1, "the holder was preempted once");
  CHECK(atomic_load(&s->th[1].stats.wait_ns) < 5000000000ull, "long before the interval");
  scenario_free(s);
}

/* Holds the GIL for longer than io-priority's preemption threshold (at most
 * 1 ms), then drops it for `why`: a long hold, made by running, not a
 * sleep standing in for synchronisation. */
static void hold_long_then_drop(scenario *s, int id, gil_release_reason why) {
  gil_take(s->g, &s->th[id]);
  uint64_t until = gil_now_ns() + 2000000;
  while (gil_now_ns() < until) sched_yield();
  gil_drop(s->g, &s->th[id], why);
}

/* 5c. io-priority: "done" ends a thread's work, so its next take (a worker
 * starting its next request, here with no label: a kind never seen) is
 * voluntary however long its last hold was, and is served before a
 * CPU-bound waiter that arrived earlier; a long hold ended by a yield stays
 * CPU-bound and queues behind a voluntary waiter. */
static void test_io_priority_done_resets_class(void) {
  for (int round = 0; round < 2; round++) {
    gil_release_reason why = round == 0 ? GIL_RELEASE_DONE : GIL_RELEASE_YIELD;
    scenario *s = scenario_new(GIL_POLICY_IO_PRIORITY, 10.0);
    gil_take(s->g, &s->th[2]); /* thread 2: CPU-bound, forced off */
    gil_drop(s->g, &s->th[2], GIL_RELEASE_INTERVAL);
    hold_long_then_drop(s, 1, why); /* thread 1: a long request that ran to its end (or yielded) */
    gil_take(s->g, &s->th[0]); /* the holder; a voluntary waiter may ask it to drop after 1 ms */
    log_take(s, 0);
    if (round == 0) {
      queue_two_then_drop(s, 2, 1); /* the CPU-bound thread arrives first */
    } else {
      /* thread 2 voluntary now (a short "done"), thread 1 CPU-bound after its long yield */
      gil_drop(s->g, &s->th[0], GIL_RELEASE_DONE);
      gil_take(s->g, &s->th[2]);
      gil_drop(s->g, &s->th[2], GIL_RELEASE_DONE);
      gil_take(s->g, &s->th[0]);
      queue_two_then_drop(s, 1, 2); /* the CPU-bound thread arrives first */
    }
    int first = round == 0 ? 1 : 2, second = round == 0 ? 2 : 1;
    CHECK(atomic_load(&s->log[1]) == first && atomic_load(&s->log[2]) == second,
          "%s after a long hold: order %d %d, expected %d %d", round == 0 ? "done" : "yield",
          atomic_load(&s->log[1]), atomic_load(&s->log[2]), first, second);
    scenario_free(s);
  }
}

/* 5d. io-priority: new work takes the class its label's last works ended
 * with, whichever thread ran them: a worker that last ran an I/O request
 * starting a "cpu" request is CPU-bound, and one that last ran a CPU-bound
 * request starting an "io" request is voluntary and served first. One
 * CPU-bound work does not make a label cpu-class (a short request
 * descheduled while holding the GIL looks long), two in a row do. */
static void test_io_priority_class_follows_label(void) {
  static const char cpu_label[] = "/cpu", io_label[] = "/io";
  scenario *s = scenario_new(GIL_POLICY_IO_PRIORITY, 10.0);
  gil_thread_set_label(&s->th[1], cpu_label); /* thread 1 runs long "cpu" requests */
  hold_long_then_drop(s, 1, GIL_RELEASE_DONE);
  hold_long_then_drop(s, 1, GIL_RELEASE_DONE); /* two in a row make the label cpu-class */
  gil_thread_set_label(&s->th[2], io_label); /* thread 2 a short "io" one */
  gil_take(s->g, &s->th[2]);
  gil_drop(s->g, &s->th[2], GIL_RELEASE_DONE);
  /* Now they swap kinds. */
  gil_thread_set_label(&s->th[1], io_label);
  gil_thread_set_label(&s->th[2], cpu_label);
  gil_take(s->g, &s->th[0]);
  log_take(s, 0);
  queue_two_then_drop(s, 2, 1); /* the "cpu" request arrives first */
  CHECK(atomic_load(&s->log[1]) == 1 && atomic_load(&s->log[2]) == 2,
        "the \"io\" request first: order %d %d", atomic_load(&s->log[1]), atomic_load(&s->log[2]));
  scenario_free(s);

  /* One long "io" request among short ones: "io" stays voluntary, so a
   * thread starting "io" work still goes before a CPU-bound waiter. */
  s = scenario_new(GIL_POLICY_IO_PRIORITY, 10.0);
  gil_thread_set_label(&s->th[1], io_label);
  hold_long_then_drop(s, 1, GIL_RELEASE_DONE);
  gil_take(s->g, &s->th[2]); /* thread 2: CPU-bound, forced off */
  gil_drop(s->g, &s->th[2], GIL_RELEASE_INTERVAL);
  gil_take(s->g, &s->th[0]);
  log_take(s, 0);
  queue_two_then_drop(s, 2, 1);
  CHECK(atomic_load(&s->log[1]) == 1 && atomic_load(&s->log[2]) == 2,
        "one long \"io\" request: order %d %d", atomic_load(&s->log[1]), atomic_load(&s->log[2]));
  scenario_free(s);
}

/* 6. legacy: releases every check_interval checks, never a drop request. */
static void test_legacy_check_interval(void) {
  scenario *s = scenario_new(GIL_POLICY_LEGACY, 0.005);
  gil_set_check_interval(s->g, 10);
  gil_take(s->g, &s->th[0]);
  pthread_t b;
  targ tb = {s, 1};
  pthread_create(&b, NULL, take_once, &tb);
  wait_for_waiters(s, 1);
  CHECK(atomic_load(&eval_breaker) & 1, "a legacy waiter arms the eval breaker");
  int yields = 0;
  for (int i = 0; i < 100; i++)
    if (gil_yield_if_requested(s->g, &s->th[0])) yields++;
  gil_drop(s->g, &s->th[0], GIL_RELEASE_DONE);
  pthread_join(b, NULL);
  /* Once B has had the GIL nobody waits, and the remaining checks are free. */
  uint64_t rel = atomic_load(&s->th[0].stats.releases[GIL_RELEASE_INTERVAL]);
  CHECK(rel >= 1 && rel <= 10 && (int)rel == yields, "legacy releases %lu yields %d", (unsigned long)rel, yields);
  CHECK(atomic_load(&s->th[0].stats.drop_requests) + atomic_load(&s->th[1].stats.drop_requests) == 0,
        "legacy sets no drop requests");
  scenario_free(s);
}

/* 7. Contended counters add up: every take is one acquisition and one
 * histogram sample; switches never exceed acquisitions. */
static void *churn(void *p) {
  targ *a = p;
  for (int i = 0; i < 2000; i++) {
    gil_take(a->s->g, &a->s->th[a->id]);
    gil_drop(a->s->g, &a->s->th[a->id], (i & 1) ? GIL_RELEASE_IO : GIL_RELEASE_YIELD);
  }
  return NULL;
}

static void test_counters_exact(void) {
  for (int p = 0; p < GIL_POLICY_COUNT; p++) {
    scenario *s = scenario_new((gil_policy)p, 0.001);
    pthread_t th[3];
    targ ta[3];
    for (int i = 0; i < 3; i++) {
      ta[i] = (targ){s, i};
      pthread_create(&th[i], NULL, churn, &ta[i]);
    }
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    gil_totals t;
    gil_read_totals(s->g, &t);
    uint64_t h = 0;
    for (int i = 0; i <= GIL_HIST_BUCKETS; i++) h += t.hold_hist[i];
    CHECK(t.acquisitions == 6000, "%s: acquisitions %lu", gil_policy_name(p), (unsigned long)t.acquisitions);
    CHECK(h == 6000, "%s: hold histogram %lu", gil_policy_name(p), (unsigned long)h);
    CHECK(t.releases[GIL_RELEASE_IO] == 3000 && t.releases[GIL_RELEASE_YIELD] == 3000, "%s: releases",
          gil_policy_name(p));
    CHECK(t.switches >= 1 && t.switches <= 6000, "%s: switches %lu", gil_policy_name(p), (unsigned long)t.switches);
    CHECK(t.waiting_now == 0, "no waiters left");
    scenario_free(s);
  }
}

/* 8. The timeline: every state change while tracing, with the holder's
 * label and the counters' own timestamps, so the running slices add up to
 * the held time exactly; nothing is recorded when no trace runs; a full
 * buffer drops and counts. */
static void test_trace_exact(void) {
  scenario *s = scenario_new(GIL_POLICY_CPYTHON, 0.005);
  gil_trace tr;
  CHECK(gil_trace_stop(s->g, &tr) < 0, "stop without a trace");
  gil_take(s->g, &s->th[0]); /* before the trace: not recorded */
  gil_drop(s->g, &s->th[0], GIL_RELEASE_DONE);
  CHECK(gil_trace_start(s->g, 1000) == 0, "start");
  CHECK(gil_trace_start(s->g, 1000) == -EBUSY, "a second trace is refused");
  uint64_t held0 = atomic_load(&s->th[0].stats.held_ns);
  gil_thread_set_label(&s->th[0], "GET /x");
  for (int i = 0; i < 10; i++) {
    gil_take(s->g, &s->th[0]);
    gil_drop(s->g, &s->th[0], i % 2 ? GIL_RELEASE_IO : GIL_RELEASE_DONE);
  }
  uint64_t held = atomic_load(&s->th[0].stats.held_ns) - held0;
  CHECK(gil_trace_stop(s->g, &tr) == 0, "stop");
  CHECK(tr.dropped == 0, "dropped %lu", (unsigned long)tr.dropped);
  /* 3 registered threads' initial states, then wants+running+release x 10. */
  CHECK(tr.n == 3 + 30, "events %zu", tr.n);
  uint64_t running = 0, since = 0;
  int nio = 0;
  for (size_t i = 3; i < tr.n; i++) {
    const gil_trace_event *e = &tr.events[i];
    CHECK(e->thread == s->th[0].id, "thread");
    CHECK(e->ns >= tr.start_ns && e->ns <= tr.stop_ns, "inside the recording");
    if (e->state == GIL_STATE_RUNNING) {
      CHECK(e->label && strcmp(e->label, "GET /x") == 0, "label");
      since = e->ns;
    } else if (since) {
      running += e->ns - since;
      since = 0;
    }
    nio += e->state == GIL_STATE_IO;
  }
  CHECK(running == held, "running %lu == held %lu", (unsigned long)running, (unsigned long)held);
  CHECK(nio == 5, "io events %d", nio);
  CHECK(tr.nnames > s->th[0].id && strcmp(tr.names[s->th[0].id], s->th[0].name) == 0, "names");
  gil_trace_release(&tr);
  /* A full buffer (64 events at least) drops the rest and counts them. */
  CHECK(gil_trace_start(s->g, 64) == 0, "restart");
  for (int i = 0; i < 100; i++) {
    gil_take(s->g, &s->th[1]);
    gil_drop(s->g, &s->th[1], GIL_RELEASE_DONE);
  }
  CHECK(gil_trace_stop(s->g, &tr) == 0, "stop 2");
  CHECK(tr.n == 64 && tr.n + tr.dropped == 3 + 300, "n %zu dropped %lu", tr.n, (unsigned long)tr.dropped);
  gil_trace_release(&tr);
  scenario_free(s);
}

/* 9. The handoff histogram counts hand-overs to a thread that was waiting
 * at the drop, not idle gaps between two uncontended holds. */
static void test_handoff_only_contended(void) {
  scenario *s = scenario_new(GIL_POLICY_CPYTHON, 0.005);
  for (int i = 0; i < 10; i++) {
    gil_take(s->g, &s->th[i % 2]);
    gil_drop(s->g, &s->th[i % 2], GIL_RELEASE_DONE);
  }
  gil_totals t;
  gil_read_totals(s->g, &t);
  uint64_t n = 0;
  for (int i = 0; i <= GIL_HIST_BUCKETS; i++) n += t.handoff_hist[i];
  CHECK(t.switches == 10 && n == 0, "switches %lu handoffs %lu", (unsigned long)t.switches, (unsigned long)n);
  scenario_free(s);
}

/* 10. Traces started and stopped while three threads churn: every trace
 * is well-formed (valid threads and states; per thread, time never goes
 * backwards), and start/stop never corrupt an event or race with a writer
 * (run it under ThreadSanitizer too). */
static void test_trace_concurrent(void) {
  scenario *s = scenario_new(GIL_POLICY_CPYTHON, 0.001);
  pthread_t th[3];
  targ ta[3];
  for (int i = 0; i < 3; i++) {
    ta[i] = (targ){s, i};
    pthread_create(&th[i], NULL, churn, &ta[i]);
  }
  int traces = 0;
  for (int round = 0; round < 20; round++) {
    gil_trace tr;
    if (gil_trace_start(s->g, 4096) < 0) continue;
    sched_yield();
    if (gil_trace_stop(s->g, &tr) < 0) continue;
    traces++;
    uint64_t last[3] = {0, 0, 0};
    for (size_t i = 3; i < tr.n; i++) {
      const gil_trace_event *e = &tr.events[i];
      CHECK(e->thread >= 0 && e->thread < 3 && e->state >= GIL_STATE_IDLE && e->state <= GIL_STATE_EXIT,
            "event %zu is garbage", i);
      if (e->thread < 0 || e->thread >= 3) continue;
      CHECK(e->ns >= last[e->thread], "time goes backwards on thread %d", e->thread);
      last[e->thread] = e->ns;
    }
    gil_trace_release(&tr);
  }
  for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
  CHECK(traces == 20, "traces %d", traces);
  scenario_free(s);
}

/* io-priority tells a thread's owner when its work turns CPU-bound and
 * when that ends (the server gives it a long scheduler slice meanwhile);
 * only changes, and never for the other policies. */
typedef struct hook_log {
  int calls[8];
  int n;
} hook_log;

static void record_cpu_hook(void *arg, int cpu_bound) {
  hook_log *l = arg;
  if (l->n < 8) l->calls[l->n] = cpu_bound;
  l->n++;
}

static void test_io_priority_cpu_hook(void) {
  static const char cpu_label[] = "/cpu";
  for (int policy = 0; policy < 2; policy++) {
    scenario *s = scenario_new(policy ? GIL_POLICY_IO_PRIORITY : GIL_POLICY_CPYTHON, 10.0);
    hook_log l = {{0}, 0};
    gil_thread_set_cpu_hook(&s->th[1], record_cpu_hook, &l);
    gil_thread_set_label(&s->th[1], cpu_label);
    hold_long_then_drop(s, 1, GIL_RELEASE_DONE);
    hold_long_then_drop(s, 1, GIL_RELEASE_DONE); /* the label is cpu-class now */
    CHECK(l.n == 0, "policy %d: no call while the label was new: %d", policy, l.n);
    gil_take(s->g, &s->th[1]); /* CPU-bound work starts */
    int at_take = l.n;
    gil_drop(s->g, &s->th[1], GIL_RELEASE_INTERVAL); /* forced off: still CPU-bound */
    gil_take(s->g, &s->th[1]);
    gil_drop(s->g, &s->th[1], GIL_RELEASE_DONE); /* the work is done */
    int at_done = l.n;
    gil_take(s->g, &s->th[1]);
    gil_drop(s->g, &s->th[1], GIL_RELEASE_IO); /* back to I/O: no longer */
    if (policy == 0) {
      CHECK(l.n == 0, "cpython: no calls, got %d", l.n);
    } else {
      CHECK(at_take == 1 && l.calls[0] == 1, "cpu-bound at the take: %d calls", at_take);
      CHECK(at_done == 2 && l.calls[1] == 0, "ended at done: %d calls", at_done);
      CHECK(l.n == 4 && l.calls[2] == 1 && l.calls[3] == 0, "io release ends it: %d calls", l.n);
    }
    scenario_free(s);
  }
}

int main(void) {
  test_uncontended();
  test_cpython_forced_switch();
  test_fifo_order();
  test_io_priority_preempts();
  test_io_priority_order();
  test_io_priority_long_interactive_holder();
  test_io_priority_done_resets_class();
  test_io_priority_class_follows_label();
  test_io_priority_cpu_hook();
  test_legacy_check_interval();
  test_counters_exact();
  test_trace_exact();
  test_handoff_only_contended();
  test_trace_concurrent();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("gil policy tests: all passed\n");
  return 0;
}
