/*
 * gil.c - the Global Interpreter Lock.
 *
 * One lock, four policies. Exactly one OS thread holds the GIL at a time and
 * only it may run bytecode or touch VM objects. A thread drops the GIL around
 * every blocking call (reason "io"), when its work is done ("done"), when it
 * gives way voluntarily ("yield"), and when another thread asked it to
 * ("interval"). The holder learns about such a request through the
 * interpreter's eval breaker, a flag word it checks on every loop back-edge
 * and call; it then calls gil_yield_if_requested().
 *
 * The lock word `locked` is an atomic. Taking an uncontended GIL is one
 * compare-and-swap and dropping it one store: no mutex, the same two locked
 * instructions an uncontended mutex pair costs. What an uncontended
 * take+drop costs beyond them is the two clock reads the instrumentation
 * needs (see "Instrumentation" and the clock below). Waiters block on a
 * condition variable under `mutex`; a dropper only takes `mutex` to signal
 * when `nwaiting` says someone waits. The two sides publish in opposite
 * order (waiter: nwaiting++ then try the lock word; dropper: clear the lock
 * word then read nwaiting, both sequentially consistent), so at least one of
 * them sees the other and no wake-up is lost.
 *
 * Policy "cpython" (CPython 3.2+, Python/ceval_gil.h). A thread that wants
 * the GIL waits on the condition variable for one switch interval (default
 * 5 ms). If it times out and the GIL has not changed hands meanwhile
 * (`switch_number` unchanged), it sets the drop request. The holder sees it
 * at its next eval-breaker check and drops. Forced switching: a thread that
 * drops while a drop request is pending waits on `switch_cond` until another
 * thread has actually taken the GIL, so it cannot grab it straight back (on
 * multi-core machines the dropper would otherwise usually win the race,
 * which is the behaviour that made Python 2's GIL notorious). Any waiter may
 * win the GIL when it is released; order is up to the scheduler.
 *
 * Policy "fifo". Waiters form a queue in arrival order and the GIL goes to
 * the head only: a thread arriving while anyone is queued queues too, even
 * if the GIL happens to be free at that instant. The head sets the drop
 * request once the holder has held the GIL for one interval since its take;
 * every waiter waits on its own condition variable. A thread is not woken
 * when it becomes head (on a busy core that cost two context switches per
 * take while others queued): waiters wake by themselves within their limit
 * and look, and a head times the holder from the holder's take, so it asks
 * no later than before. A drop wakes the head. The queue itself is the
 * forced switch: a dropper that wants the GIL back
 * queues behind the thread that asked, so it does not wait on
 * `switch_cond` first (that was one more sleep and wake-up per switch).
 *
 * Policy "io-priority", against the convoy effect (bpo-7946). Each thread
 * has a class from its last release: "io" (back from a blocking call),
 * "voluntary" (a yield after a short hold) and "cpu" (forced off by a drop
 * request, or a yield after holding the GIL longer than the preemption
 * threshold below: a thread that gives way now and then in a long
 * computation is no less CPU-bound). After "done" the thread starts new
 * work, of a kind its own history says nothing about (a server worker runs
 * whichever request comes next), so its class comes from the work's label
 * (gil_thread_set_label: the handler runtime sets the route): "cpu" if the
 * last two works with that label were CPU-bound (forced off, or one hold
 * longer than a fifth of the threshold, at any point up to their "done"),
 * "voluntary" otherwise or if the label is new or absent. A /cpu request
 * thus starts as cpu and queues behind the others, and an /io request
 * starts as voluntary and preempts a /cpu holder, whichever worker ran
 * what before. The queue is ordered by class, then arrival. A waiter of a higher class than the holder sets
 * the drop request at once instead of waiting an interval, so a request
 * coming back from I/O that needs the GIL for a few microseconds gets it at
 * the holder's next check, not 5 ms later. Against a holder of its own class
 * or higher, an io or voluntary waiter waits only a tenth of the interval
 * (at most 1 ms): a holder that runs that long while such a thread waits has
 * shown itself CPU-bound. A cpu-class waiter waits a whole interval, like
 * "fifo", behind the others; it is never starved, because the others hold
 * the GIL briefly or are preempted in turn.
 * The GIL can only preempt at the holder's next check, and on a busy core
 * the kernel decides when the waiter itself runs: a thread back from its
 * sleep must first get the CPU from the CPU-bound holder to even ask. So a
 * thread's owner may hook its class (gil_thread_set_cpu_hook): it hears
 * when the thread starts CPU-bound work and when that ends, and the server
 * gives such a thread a long scheduler slice, so the kernel lets every
 * short-slice thread (the event loop, an I/O request back from its sleep)
 * preempt it at once (server/thread_sched.h).
 *
 * Policy "legacy" (Python 2's check interval). No timed waits, no drop
 * requests, no forced switching: while anyone waits, the holder releases
 * the GIL every `check_interval` eval-breaker checks and immediately tries to
 * take it again, which on a multi-core machine it usually wins. Kept so the
 * behaviour that motivated the 3.2 rewrite can be reproduced and measured.
 *
 * Instrumentation. Every take and drop reads the monotonic clock once (an
 * uncontended take waited 0, so its one reading is both the start and the
 * end of its wait) and adds to the taking/dropping thread's own counters
 * (single writer: a relaxed load and a relaxed store, plain moves, no locked
 * instruction; any thread may read them at any time without the GIL and
 * they are exact at every read): time waited, time held, acquisitions, switches to a
 * different thread, drop requests set, releases by reason, longest hold,
 * wait and hold histograms; the lock keeps a handoff histogram (a drop by
 * one thread to the next holder running, counted only when that holder was
 * already waiting at the drop) and the number of waiters.
 *
 * What that costs (bench/gil/run.sh; AMD EPYC under KVM): an uncontended
 * take+drop takes as long as two bare rdtsc in a loop, ~19 ns, because
 * rdtsc is microcoded (~9.5 ns each) and the CAS, the exchange and the
 * counter stores all run in its shadow; an uncontended pthread mutex pair
 * is ~5.5 ns. With the clock stubbed out the same take+drop is ~6.6 ns. So
 * exact timestamps on every take and drop put the floor at two clock reads;
 * nothing else on the fast path is worth shaving (a release store instead
 * of the exchange on drop measured no faster, and would have needed an
 * asymmetric fence, membarrier(2), on every contended take).
 *
 * Timeline. While a trace runs (gil_trace_start .. gil_trace_stop), every
 * state change (wants, running, io, idle, and leaving) is appended to one
 * bounded buffer per gil with the timestamp the counters already read, so
 * tracing adds no clock read. When no trace runs, take and drop pay one
 * relaxed load of `tracing`. An append claims a slot with one fetch_add on
 * the buffer's cursor (lock-free; a full buffer drops the event and counts
 * it). Stopping must not free the buffer under a writer: a writer announces
 * itself in `trace_writers` and then re-reads `tracing`; the stopper clears
 * `tracing` and then waits for `trace_writers` to reach zero. Both sides are
 * sequentially consistent, so either the writer sees the trace stopped, or
 * the stopper sees the writer and waits for its few stores to finish.
 * The trace opens with one event per registered thread giving its state at
 * the start, so every track begins at the start; a change racing with the
 * start can be missed (the relaxed state store is not ordered with the
 * flag) and then shows at the thread's next change.
 */
#include "gil.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const double gil_hist_bounds[GIL_HIST_BUCKETS] = {
    10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3,
    5e-3,  10e-3, 25e-3, 50e-3,  100e-3, 250e-3, 500e-3, 1.0};

#define GIL_WORK_CLASSES 64 /* labels io-priority remembers; more share the default */
#define GIL_WORK_CPU_AFTER 2 /* CPU-bound works in a row that make a label cpu-class */

struct gil {
  /* Read-mostly: set at creation or by a rare configuration call. */
  gil_policy policy;
  _Atomic uint64_t interval_ns;
  _Atomic uint64_t preempt_ns; /* io-priority's threshold, from interval_ns (preempt_after_ns) */
  _Atomic uint64_t work_cpu_ns; /* io-priority: a hold this long makes the work CPU-bound */
  _Atomic uint32_t *eval_breaker;
  uint32_t drop_bit;
  unsigned check_interval;
  _Atomic int tracing; /* read by every take and drop */

  /* The lock word and what each take and drop writes, on their own cache
   * line(s): the lock word's traffic does not evict the read-mostly fields
   * above, and waiters polling it do not share a line with the
   * configuration. */
  _Alignas(64) _Atomic int locked;
  _Atomic int nwaiting;
  _Atomic int holder_prio;
  _Atomic uint64_t holder_since_ns; /* when the current holder took the GIL */
  _Atomic(gil_thread *) holder;
  _Atomic(gil_thread *) last_holder;
  _Atomic uint64_t switch_number;
  _Atomic uint64_t last_drop_ns;

  _Alignas(64)   pthread_mutex_t mutex;
  pthread_cond_t cond;       /* cpython and legacy: any waiter */
  gil_thread *qhead, *qtail; /* fifo and io-priority: under mutex */

  /* Forced switching: the dropper waits here until last_holder changes. */
  pthread_mutex_t switch_mutex;
  pthread_cond_t switch_cond;
  _Atomic int switch_waiters;
  _Atomic int signalling; /* signals in flight after the mutex was let go (unlock_and_signal) */

  gil_hist handoff;

  /* io-priority: how the last work of each label ended (see work_class). */
  struct {
    _Atomic(const char *) label;
    _Atomic int cpu_streak; /* consecutive CPU-bound works, up to GIL_WORK_CPU_AFTER */
  } work_class[GIL_WORK_CLASSES];

  pthread_mutex_t reg_mutex;
  gil_thread *threads;
  gil_totals retired; /* counters of threads that left */
  int next_id;

  /* The timeline (see the top of the file). The buffer is published
   * before `tracing` (above) is set and freed only after writers drained. */
  _Atomic int trace_writers;
  _Atomic size_t trace_next;
  _Atomic uint64_t trace_dropped;
  gil_trace_event *trace_buf;
  size_t trace_cap;
  uint64_t trace_start_ns;
  char (*trace_names)[32]; /* by thread id; under reg_mutex */
  int trace_nnames;
  pthread_mutex_t trace_mutex; /* serialises start and stop */
};

static const char *const policy_names[GIL_POLICY_COUNT] = {"cpython", "fifo", "io-priority",
                                                           "legacy"};

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The clock. Every take and drop reads it, so it decides what an
 * uncontended take+drop costs. On this kind of VM (AMD EPYC under KVM)
 * clock_gettime(CLOCK_MONOTONIC) through the vDSO takes ~30 ns, rdtscp ~22
 * and rdtsc ~11 (bench/gil measures them). Where the kernel itself uses the
 * TSC as its clocksource (constant rate, synchronised across cores), we read
 * the TSC and scale it to nanoseconds in fixed point (ticks * mult >> 32, one
 * 64x64->128 multiply: no float conversions), with mult calibrated once
 * against CLOCK_MONOTONIC; elsewhere we fall back to clock_gettime. Plain
 * rdtsc, not rdtscp or lfence;rdtsc: the counters need a timestamp of the
 * take and of the drop, not one ordered against neighbouring loads; the
 * error is a few cycles.
 *
 * gil_new runs the calibration (pthread_once), so take and drop, which need
 * a gil, read the clock inline with no once-check; gil_now_ns, callable
 * before any gil exists, does the check. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && defined(__SIZEOF_INT128__)
#include <x86intrin.h>
static pthread_once_t tsc_once = PTHREAD_ONCE_INIT;
static struct {
  bool use_tsc;
  uint64_t tsc0, ns0;
  uint64_t mult; /* nanoseconds per tick, times 2^32 */
} tsc_clock;

static bool kernel_trusts_tsc(void) {
  FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
  if (!f) return false;
  char buf[32] = {0};
  bool ok = fgets(buf, sizeof buf, f) && strncmp(buf, "tsc", 3) == 0;
  fclose(f);
  return ok;
}

static void tsc_calibrate(void) {
  if (!kernel_trusts_tsc()) return;
  uint64_t n0 = monotonic_ns(), c0 = __rdtsc();
  /* 1 ms is plenty: two clock reads of ~30 ns each err by 6e-5. */
  struct timespec pause = {0, 1000 * 1000};
  nanosleep(&pause, NULL);
  uint64_t n1 = monotonic_ns(), c1 = __rdtsc();
  if (c1 <= c0 || n1 <= n0) return;
  double ns_per_tick = (double)(n1 - n0) / (double)(c1 - c0);
  if (!(ns_per_tick > 0 && ns_per_tick < 1e3)) return; /* a TSC slower than 1 MHz: distrust it */
  tsc_clock.mult = (uint64_t)(ns_per_tick * 4294967296.0 + 0.5);
  tsc_clock.tsc0 = c1;
  tsc_clock.ns0 = n1;
  tsc_clock.use_tsc = true;
}

static inline void clock_init(void) { pthread_once(&tsc_once, tsc_calibrate); }

/* After clock_init. GILD_GIL_CLOCK_STUB is for bench/gil only: a clock
 * that costs nothing (and stands still), to measure what take+drop cost
 * apart from reading the clock. Never in a real build. */
static inline uint64_t clock_now(void) {
#ifdef GILD_GIL_CLOCK_STUB
  return 1;
#endif
  if (__builtin_expect(!tsc_clock.use_tsc, 0)) return monotonic_ns();
  uint64_t ticks = __rdtsc() - tsc_clock.tsc0;
  return tsc_clock.ns0 + (uint64_t)(((unsigned __int128)ticks * tsc_clock.mult) >> 32);
}
#else
static inline void clock_init(void) {}
static inline uint64_t clock_now(void) {
#ifdef GILD_GIL_CLOCK_STUB
  return 1;
#endif
  return monotonic_ns();
}
#endif


uint64_t gil_now_ns(void) {
  clock_init();
  return clock_now();
}

int gil_policy_parse(const char *name, gil_policy *out) {
  for (int i = 0; i < GIL_POLICY_COUNT; i++) {
    if (strcmp(name, policy_names[i]) == 0) {
      *out = (gil_policy)i;
      return 0;
    }
  }
  return -EINVAL;
}

const char *gil_policy_name(gil_policy p) {
  return (p >= 0 && p < GIL_POLICY_COUNT) ? policy_names[p] : "unknown";
}

gil_policy gil_get_policy(const gil *g) { return g->policy; }

/* ---- small helpers ------------------------------------------------------- */

#define RELAXED memory_order_relaxed

/* Single-writer counter update: only the owning thread writes, so a load and
 * a store are enough; readers see every value atomically. */
static inline void stat_add(_Atomic uint64_t *c, uint64_t d) {
  atomic_store_explicit(c, atomic_load_explicit(c, RELAXED) + d, RELAXED);
}

static const uint64_t hist_bounds_ns[GIL_HIST_BUCKETS] = {
    10000,   25000,    50000,    100000,    250000,    500000,    1000000,   2500000,
    5000000, 10000000, 25000000, 50000000, 100000000, 250000000, 500000000, 1000000000};

static inline int hist_bucket(uint64_t ns) {
  int i = 0;
  while (i < GIL_HIST_BUCKETS && ns > hist_bounds_ns[i]) i++;
  return i;
}

static inline void hist_add_owned(gil_hist *h, uint64_t ns) {
  stat_add(&h->count[hist_bucket(ns)], 1);
  stat_add(&h->sum_ns, ns);
}

/* The handoff histogram is written by whichever thread takes the GIL; the
 * GIL itself serialises those writers, but use fetch_add to be plain about it. */
static inline void hist_add_shared(gil_hist *h, uint64_t ns) {
  atomic_fetch_add_explicit(&h->count[hist_bucket(ns)], 1, RELAXED);
  atomic_fetch_add_explicit(&h->sum_ns, ns, RELAXED);
}

static void cond_init_monotonic(pthread_cond_t *c) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(c, &attr);
  pthread_condattr_destroy(&attr);
}

/* Waits on c for at most ns; returns true if it timed out. */
static bool cond_wait_ns(pthread_cond_t *c, pthread_mutex_t *m, uint64_t ns) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t t = (uint64_t)ts.tv_nsec + ns;
  ts.tv_sec += (time_t)(t / 1000000000u);
  ts.tv_nsec = (long)(t % 1000000000u);
  return pthread_cond_timedwait(c, m, &ts) == ETIMEDOUT;
}

/* ---- timeline appends ------------------------------------------------------ */

/* The slow path, only while a trace runs. */
static void __attribute__((noinline)) trace_append(gil *g, int thread, int state,
                                                   const char *label, uint64_t ns) {
  atomic_fetch_add(&g->trace_writers, 1);
  if (atomic_load(&g->tracing)) { /* re-read after announcing: pairs with gil_trace_stop */
    size_t i = atomic_fetch_add_explicit(&g->trace_next, 1, RELAXED);
    if (i < g->trace_cap)
      g->trace_buf[i] = (gil_trace_event){.ns = ns, .label = label, .thread = thread, .state = state};
    else
      atomic_fetch_add_explicit(&g->trace_dropped, 1, RELAXED);
  }
  atomic_fetch_sub_explicit(&g->trace_writers, 1, memory_order_release);
}

static inline void trace_state(gil *g, const gil_thread *t, int state, uint64_t ns) {
  if (__builtin_expect(atomic_load_explicit(&g->tracing, RELAXED), 0))
    trace_append(g, t->id, state,
                 state == GIL_STATE_RUNNING ? atomic_load_explicit(&t->label, RELAXED) : NULL, ns);
}

/* Under reg_mutex: remembers a thread's name for the trace (ids are dense). */
static void trace_name(gil *g, const gil_thread *t) {
  if (t->id >= g->trace_nnames) {
    int n = g->trace_nnames ? g->trace_nnames : 16;
    while (n <= t->id) n *= 2;
    char(*nn)[32] = realloc(g->trace_names, (size_t)n * sizeof *nn);
    if (!nn) return; /* the track goes unnamed */
    memset(nn + g->trace_nnames, 0, (size_t)(n - g->trace_nnames) * sizeof *nn);
    g->trace_names = nn;
    g->trace_nnames = n;
  }
  memcpy(g->trace_names[t->id], t->name, sizeof t->name);
}

static bool is_queued_policy(const gil *g) {
  return g->policy == GIL_POLICY_FIFO || g->policy == GIL_POLICY_IO_PRIORITY;
}

/* ---- lifecycle --------------------------------------------------------------- */

/* The GIL's mutexes and condition variables, at creation and again in a
 * forked child (see gil_after_fork_child). */
static void gil_init_locks(gil *g) {
  pthread_mutex_init(&g->mutex, NULL);
  cond_init_monotonic(&g->cond);
  pthread_mutex_init(&g->switch_mutex, NULL);
  cond_init_monotonic(&g->switch_cond);
  pthread_mutex_init(&g->reg_mutex, NULL);
  pthread_mutex_init(&g->trace_mutex, NULL);
}

gil *gil_new(gil_policy policy, double switch_interval_s, _Atomic uint32_t *eval_breaker,
             uint32_t drop_bit) {
  clock_init();
  /* Over-aligned (the lock word's cache line): sizeof is a multiple of 64. */
  gil *g = aligned_alloc(_Alignof(gil), sizeof *g);
  if (!g) return NULL;
  memset(g, 0, sizeof *g);
  g->policy = policy;
  g->eval_breaker = eval_breaker;
  g->drop_bit = drop_bit;
  g->check_interval = 100;
  gil_set_interval(g, switch_interval_s);
  gil_init_locks(g);
  return g;
}

void gil_free(gil *g) {
  if (!g) return;
  pthread_mutex_destroy(&g->mutex);
  pthread_cond_destroy(&g->cond);
  pthread_mutex_destroy(&g->switch_mutex);
  pthread_cond_destroy(&g->switch_cond);
  pthread_mutex_destroy(&g->reg_mutex);
  pthread_mutex_destroy(&g->trace_mutex);
  free(g->trace_buf);
  free(g->trace_names);
  free(g);
}

/* io-priority: how long a holder may keep the GIL once a waiter of its own
 * class or higher (io or voluntary) waits for it. A worker starting a new
 * request is "voluntary", so a CPU-bound request would otherwise only be
 * recognised after a whole switch interval; a holder that has run this long
 * while such a thread waits is treated as CPU-bound. A tenth of the
 * interval, at most 1 ms and at least 50 us. Computed when the interval is
 * set, since every drop classifies its thread by it. */
static uint64_t preempt_for_interval(uint64_t interval_ns) {
  uint64_t p = interval_ns / 10;
  if (p > 1000000) p = 1000000;
  if (p < 50000) p = 50000;
  return p;
}

void gil_set_interval(gil *g, double seconds) {
  if (!(seconds > 0)) seconds = 0.005;
  uint64_t ns = (uint64_t)(seconds * 1e9 + 0.5);
  atomic_store(&g->interval_ns, ns);
  atomic_store(&g->preempt_ns, preempt_for_interval(ns));
  /* A fifth of the preemption threshold (100 us at 5 ms): a request whose
   * single hold is this long is no quick step between two blocking calls
   * (an /io handler holds a few microseconds at a time, /hello some tens),
   * and /cpu?n=100000 (~0.46 ms) must count as CPU-bound although it ends
   * before the preemption threshold. */
  atomic_store(&g->work_cpu_ns, preempt_for_interval(ns) / 5);
}

double gil_get_interval(const gil *g) {
  return (double)atomic_load(&g->interval_ns) * 1e-9;
}

void gil_set_check_interval(gil *g, unsigned checks) { g->check_interval = checks ? checks : 1; }

void gil_thread_init(gil *g, gil_thread *t, const char *name) {
  memset(t, 0, sizeof *t);
  t->owner = g;
  t->prio = GIL_PRIO_VOLUNTARY;
  t->last_release = GIL_RELEASE_DONE;
  snprintf(t->name, sizeof t->name, "%s", name ? name : "thread");
  cond_init_monotonic(&t->cond);
  pthread_mutex_lock(&g->reg_mutex);
  t->id = g->next_id++;
  t->reg_next = g->threads;
  g->threads = t;
  if (atomic_load(&g->tracing)) trace_name(g, t);
  pthread_mutex_unlock(&g->reg_mutex);
}

static void add_thread_stats(gil_totals *o, const gil_thread *t) {
  const gil_stats *s = &t->stats;
  o->wait_ns += atomic_load_explicit(&s->wait_ns, RELAXED);
  o->held_ns += atomic_load_explicit(&s->held_ns, RELAXED);
  o->acquisitions += atomic_load_explicit(&s->acquisitions, RELAXED);
  o->switches += atomic_load_explicit(&s->switches, RELAXED);
  o->drop_requests += atomic_load_explicit(&s->drop_requests, RELAXED);
  o->io_ns += atomic_load_explicit(&s->io_ns, RELAXED);
  for (int i = 0; i < GIL_RELEASE_COUNT; i++)
    o->releases[i] += atomic_load_explicit(&s->releases[i], RELAXED);
  uint64_t m = atomic_load_explicit(&s->hold_max_ns, RELAXED);
  if (m > o->hold_max_ns) o->hold_max_ns = m;
  for (int i = 0; i <= GIL_HIST_BUCKETS; i++) {
    o->wait_hist[i] += atomic_load_explicit(&s->wait_hist.count[i], RELAXED);
    o->hold_hist[i] += atomic_load_explicit(&s->hold_hist.count[i], RELAXED);
  }
  o->wait_hist_sum_ns += atomic_load_explicit(&s->wait_hist.sum_ns, RELAXED);
  o->hold_hist_sum_ns += atomic_load_explicit(&s->hold_hist.sum_ns, RELAXED);
}

/* Until every signal counted in `signalling` (unlock_and_signal) has
 * landed; the caller has had g->mutex since the last one was counted. */
static void wait_signals_landed(gil *g) {
  while (atomic_load(&g->signalling) > 0) sched_yield();
}

void gil_thread_fini(gil *g, gil_thread *t) {
  if (atomic_load_explicit(&g->tracing, RELAXED)) trace_state(g, t, GIL_STATE_EXIT, gil_now_ns());
  pthread_mutex_lock(&g->reg_mutex);
  add_thread_stats(&g->retired, t);
  for (gil_thread **p = &g->threads; *p; p = &(*p)->reg_next) {
    if (*p == t) {
      *p = t->reg_next;
      break;
    }
  }
  pthread_mutex_unlock(&g->reg_mutex);
  /* A signaller that picked t did so under g->mutex and counted itself in
   * `signalling` before letting go of it (unlock_and_signal): once we have
   * had the mutex, wait for those signals to land. Thread exit only. */
  pthread_mutex_lock(&g->mutex);
  pthread_mutex_unlock(&g->mutex);
  wait_signals_landed(g);
  pthread_cond_destroy(&t->cond);
}

/* ---- drop requests -------------------------------------------------------------- */

/* The drop request is the drop bit of the eval breaker itself, not a flag
 * beside it: with two words, a request racing the reset of the previous
 * one (the new holder clearing it in on_acquired) could leave the flag set
 * and the bit clear; the holder never saw that request, and every later
 * request found the flag set and did not set the bit either, so waiters
 * waited for the holder's voluntary release. One atomic word, set and
 * cleared by read-modify-writes, cannot disagree with itself. The legacy
 * policy uses the bit for "someone waits" instead and has no drop
 * requests. */
static inline bool drop_pending(const gil *g) {
  return atomic_load(g->eval_breaker) & g->drop_bit;
}

static void request_drop(gil *g, gil_thread *t) {
  if (!(atomic_fetch_or(g->eval_breaker, g->drop_bit) & g->drop_bit))
    stat_add(&t->stats.drop_requests, 1);
}

static inline void reset_drop_request(gil *g) {
  if (drop_pending(g)) atomic_fetch_and(g->eval_breaker, ~g->drop_bit);
}

bool gil_drop_requested(const gil *g) {
  return g->policy != GIL_POLICY_LEGACY &&
         (atomic_load_explicit(g->eval_breaker, RELAXED) & g->drop_bit);
}

gil_thread *gil_holder(const gil *g) { return atomic_load(&g->holder); }

/* ---- take ------------------------------------------------------------------------ */

/* Lets go of g->mutex, then signals c (chosen under it; NULL: nobody).
 * Not the other way round: on a busy core the woken thread, with its short
 * scheduler slice, preempts the signaller at once, and would only block on
 * the mutex still held and come back when it is released, two more
 * context switches per hand-over. After the unlock, c's thread may already
 * have woken by itself and left; `signalling` keeps gil_thread_fini from
 * destroying a queued thread's cond under a signal still in flight. */
static void unlock_and_signal(gil *g, pthread_cond_t *c) {
  if (!c) {
    pthread_mutex_unlock(&g->mutex);
    return;
  }
  atomic_fetch_add(&g->signalling, 1);
  pthread_mutex_unlock(&g->mutex);
  pthread_cond_signal(c);
  atomic_fetch_sub(&g->signalling, 1);
}

static inline bool try_lock(gil *g) {
  int expected = 0;
  return atomic_compare_exchange_strong(&g->locked, &expected, 1);
}

/* cpython and legacy: every waiter waits on the one condition variable and
 * whoever finds the lock word clear first wins. */
static void take_slow_shared(gil *g, gil_thread *t) {
  pthread_mutex_lock(&g->mutex);
  atomic_fetch_add(&g->nwaiting, 1);
  if (g->policy == GIL_POLICY_LEGACY) atomic_fetch_or(g->eval_breaker, g->drop_bit);
  while (!try_lock(g)) {
    if (g->policy == GIL_POLICY_LEGACY) {
      pthread_cond_wait(&g->cond, &g->mutex);
      continue;
    }
    uint64_t saved = atomic_load(&g->switch_number);
    bool timed_out = cond_wait_ns(&g->cond, &g->mutex, atomic_load(&g->interval_ns));
    /* Only ask for the GIL if nobody got it during our interval: if it
     * changed hands, someone else is being served and we wait another one. */
    if (timed_out && atomic_load(&g->locked) && atomic_load(&g->switch_number) == saved)
      request_drop(g, t);
  }
  atomic_fetch_sub(&g->nwaiting, 1);
  pthread_mutex_unlock(&g->mutex);
}

static void enqueue(gil *g, gil_thread *t) {
  t->qnext = NULL;
  t->queued = true;
  if (g->policy == GIL_POLICY_IO_PRIORITY && t->prio > GIL_PRIO_CPU) {
    /* Behind the waiters of its class or higher, ahead of lower ones. */
    gil_thread **p = &g->qhead;
    while (*p && (*p)->prio >= t->prio) p = &(*p)->qnext;
    t->qnext = *p;
    *p = t;
    if (!t->qnext) g->qtail = t;
    return;
  }
  if (g->qtail) g->qtail->qnext = t;
  else g->qhead = t;
  g->qtail = t;
}

static void dequeue_head(gil *g) {
  gil_thread *h = g->qhead;
  g->qhead = h->qnext;
  if (!g->qhead) g->qtail = NULL;
  h->qnext = NULL;
  h->queued = false;
}

static inline uint64_t preempt_after_ns(gil *g) {
  return atomic_load_explicit(&g->preempt_ns, RELAXED);
}

/* How long a holder may keep the GIL while t waits at the head of the
 * queue: one interval, or for an io or voluntary thread under io-priority
 * the preemption threshold. */
static uint64_t head_limit_ns(gil *g, gil_thread *t) {
  if (g->policy == GIL_POLICY_IO_PRIORITY && t->prio > GIL_PRIO_CPU) return preempt_after_ns(g);
  return atomic_load(&g->interval_ns);
}

/* How much longer the head of the queue waits before it asks the holder to
 * drop: until the holder has held the GIL for head_limit_ns, counted from
 * its take, so a head that learns late that it is head (see
 * take_slow_queued) asks on time. io-priority: at once against a holder of
 * a lower class. */
static uint64_t head_wait_ns(gil *g, gil_thread *t) {
  if (g->policy == GIL_POLICY_IO_PRIORITY && t->prio > GIL_PRIO_CPU &&
      atomic_load(&g->holder_prio) < t->prio)
    return 0;
  uint64_t since = atomic_load_explicit(&g->holder_since_ns, RELAXED);
  uint64_t now = gil_now_ns(), limit = head_limit_ns(g, t);
  uint64_t held = now > since ? now - since : 0;
  return held >= limit ? 0 : limit - held;
}

/* fifo and io-priority: only the head of the queue may take the GIL. */
/* fifo and io-priority: only the head of the queue may take the GIL.
 * Nobody wakes a thread when it becomes head (that was one more sleep and
 * wake-up, and two context switches on a busy core, on every take while
 * others queue): every waiter wakes by itself within its head limit, and
 * a head counts the holder's time from the holder's take, not from its own
 * wake-up, so it still asks for the drop one limit after that take. A
 * drop wakes the head (wake_waiter). */
static void take_slow_queued(gil *g, gil_thread *t) {
  pthread_mutex_lock(&g->mutex);
  enqueue(g, t);
  atomic_fetch_add(&g->nwaiting, 1);
  for (;;) {
    if (g->qhead == t && try_lock(g)) break;
    /* Not head yet: look again within the limit, as nobody will say. */
    bool head = g->qhead == t;
    uint64_t wait = head ? head_wait_ns(g, t) : head_limit_ns(g, t);
    if (head && wait == 0) {
      /* Preempt the holder at its next check, then wait for its drop
       * (bounded, in case the request is met by another hand-over). */
      request_drop(g, t);
      wait = atomic_load(&g->interval_ns);
    }
    cond_wait_ns(&t->cond, &g->mutex, wait);
  }
  dequeue_head(g);
  atomic_fetch_sub(&g->nwaiting, 1);
  pthread_mutex_unlock(&g->mutex);
}

/* io-priority's memory of how each label's works ended: an open-addressed
 * table keyed by the label pointer (interned: one per kind of work), with
 * the number of CPU-bound works in a row. A label is cpu-class after
 * GIL_WORK_CPU_AFTER of them and voluntary again after one that was not:
 * a hold is timed by the wall clock, so an I/O-bound request that the
 * kernel descheduled while it held the GIL looks CPU-bound now and then,
 * and one such request must not send the next of its kind to the back of
 * the queue. Written only at a "done" release, by the holder, so writers
 * are serialised by the GIL itself; read at takes without it, through
 * atomics (a reader racing an insert sees the default, "voluntary"). A
 * full table keeps the default for new labels. */
static inline unsigned work_slot(const char *label) {
  return (unsigned)((((uintptr_t)label >> 3) * 0x9E3779B97F4A7C15ull) >> 58); /* 6 bits */
}

static int work_class_lookup(gil *g, const char *label) {
  if (!label) return GIL_PRIO_VOLUNTARY;
  for (unsigned i = 0, s = work_slot(label); i < 8; i++, s = (s + 1) % GIL_WORK_CLASSES) {
    const char *k = atomic_load_explicit(&g->work_class[s].label, memory_order_acquire);
    if (k == label)
      return atomic_load_explicit(&g->work_class[s].cpu_streak, RELAXED) >= GIL_WORK_CPU_AFTER
                 ? GIL_PRIO_CPU
                 : GIL_PRIO_VOLUNTARY;
    if (!k) break;
  }
  return GIL_PRIO_VOLUNTARY;
}

/* The holder, at its "done" release. */
static void __attribute__((noinline)) work_class_record(gil *g, const char *label, bool cpu_bound) {
  if (!label) return;
  for (unsigned i = 0, s = work_slot(label); i < 8; i++, s = (s + 1) % GIL_WORK_CLASSES) {
    const char *k = atomic_load_explicit(&g->work_class[s].label, RELAXED);
    if (k == label) {
      int n = atomic_load_explicit(&g->work_class[s].cpu_streak, RELAXED);
      int m = !cpu_bound ? 0 : n < GIL_WORK_CPU_AFTER ? n + 1 : n;
      if (m != n) atomic_store_explicit(&g->work_class[s].cpu_streak, m, RELAXED);
      return;
    }
    if (!k) {
      atomic_store_explicit(&g->work_class[s].cpu_streak, cpu_bound ? 1 : 0, RELAXED);
      atomic_store_explicit(&g->work_class[s].label, label, memory_order_release);
      return;
    }
  }
}

/* The GIL changed hands (the previous holder was another thread): counted,
 * and the handoff histogram and forced switching told. Out of line: a
 * thread re-taking the GIL it held last never comes here. */
static void __attribute__((noinline)) note_switch(gil *g, gil_thread *t, uint64_t now,
                                                  bool slow_path) {
  stat_add(&t->stats.switches, 1);
  /* A handoff is a drop while we waited (slow path), to us running. On the
   * fast path the GIL lay free when we asked, so the gap since the last
   * drop was idle time, not hand-over latency, and is not counted. */
  uint64_t dropped = atomic_load_explicit(&g->last_drop_ns, RELAXED);
  if (slow_path && dropped && now >= dropped) hist_add_shared(&g->handoff, now - dropped);
  atomic_fetch_add(&g->switch_number, 1);
  atomic_store(&g->last_holder, t); /* seq_cst: pairs with switch_waiters below */
  if (atomic_load(&g->switch_waiters) > 0) {
    pthread_mutex_lock(&g->switch_mutex);
    pthread_cond_broadcast(&g->switch_cond);
    pthread_mutex_unlock(&g->switch_mutex);
  }
}

/* `now` is the acquisition time: the caller's start time on the fast path
 * (no wait, so no second clock read), a fresh reading after a wait. Every
 * counter store is the owner's relaxed load+store (stat_add): plain moves,
 * no locked instruction. */
static inline __attribute__((always_inline)) void on_acquired(gil *g, gil_thread *t, uint64_t waited, uint64_t now,
                               bool slow_path) {
  gil_stats *s = &t->stats;
  if (slow_path) {
    stat_add(&s->wait_ns, waited);
    hist_add_owned(&s->wait_hist, waited);
  } else { /* waited 0: the first bucket, and nothing to add to the sums */
    stat_add(&s->wait_hist.count[0], 1);
  }
  stat_add(&s->acquisitions, 1);
  atomic_store_explicit(&g->holder, t, RELAXED);
  atomic_store_explicit(&g->holder_prio, t->prio, RELAXED);
  atomic_store_explicit(&g->holder_since_ns, now, RELAXED);
  if (__builtin_expect(atomic_load_explicit(&g->last_holder, RELAXED) != t, 0))
    note_switch(g, t, now, slow_path);
  /* Whoever asked for the GIL, someone new has it now: the request is met. */
  if (g->policy != GIL_POLICY_LEGACY) reset_drop_request(g);
  atomic_store_explicit(&t->hold_start_ns, now, RELAXED);
  atomic_store_explicit(&t->state, GIL_STATE_RUNNING, RELAXED);
  trace_state(g, t, GIL_STATE_RUNNING, now);
}

static void __attribute__((noinline)) take_slow(gil *g, gil_thread *t, uint64_t t0) {
  if (is_queued_policy(g)) take_slow_queued(g, t);
  else take_slow_shared(g, t);
  uint64_t now = clock_now();
  on_acquired(g, t, now - t0, now, true);
}

void gil_thread_set_cpu_hook(gil_thread *t, void (*hook)(void *arg, int cpu_bound), void *arg) {
  t->cpu_hook = hook;
  t->cpu_hook_arg = arg;
  t->cpu_told = false;
}

/* io-priority: tell the owner when t's class turns cpu or stops being cpu.
 * Out of line: a change is rare (twice per CPU-bound request) and costs a
 * system call in the server's hook anyway. */
static void __attribute__((noinline)) tell_cpu_class(gil_thread *t, bool cpu) {
  t->cpu_told = cpu;
  t->cpu_hook(t->cpu_hook_arg, cpu);
}

static inline void note_cpu_class(gil *g, gil_thread *t) {
  if (t->cpu_hook && g->policy == GIL_POLICY_IO_PRIORITY &&
      (t->prio == GIL_PRIO_CPU) != t->cpu_told)
    tell_cpu_class(t, t->prio == GIL_PRIO_CPU);
}

/* The fast path: one clock read, one CAS (acquire), and the owner's plain
 * counter stores; nothing called out of line unless a trace runs, the GIL
 * changed hands or someone waits. */
void gil_take(gil *g, gil_thread *t) {
  uint64_t t0 = clock_now();
  if (t->release_ns) { /* time since a drop for I/O: io_ns */
    if (t->last_release == GIL_RELEASE_IO && t0 >= t->release_ns)
      stat_add(&t->stats.io_ns, t0 - t->release_ns);
    /* New work: its class is its label's (see the top of the file). */
    if (t->last_release == GIL_RELEASE_DONE && g->policy == GIL_POLICY_IO_PRIORITY)
      t->prio = work_class_lookup(g, atomic_load_explicit(&t->label, RELAXED));
    t->release_ns = 0;
  }
  note_cpu_class(g, t);
  atomic_store_explicit(&t->state, GIL_STATE_WANTS, RELAXED);
  trace_state(g, t, GIL_STATE_WANTS, t0);
  int unlocked = 0;
  if (__builtin_expect(atomic_load_explicit(&g->nwaiting, RELAXED) == 0 &&
                           atomic_compare_exchange_strong_explicit(&g->locked, &unlocked, 1,
                                                                   memory_order_acquire, RELAXED),
                       1)) {
    on_acquired(g, t, 0, t0, false);
    return;
  }
  take_slow(g, t, t0);
}

/* ---- drop ------------------------------------------------------------------------ */

static inline __attribute__((always_inline)) void account_release(gil *g, gil_thread *t, gil_release_reason why, uint64_t now) {
  gil_stats *s = &t->stats;
  uint64_t start = atomic_load_explicit(&t->hold_start_ns, RELAXED);
  uint64_t held = now > start ? now - start : 0;
  stat_add(&s->held_ns, held);
  hist_add_owned(&s->hold_hist, held);
  if (held > atomic_load_explicit(&s->hold_max_ns, RELAXED))
    atomic_store_explicit(&s->hold_max_ns, held, RELAXED);
  stat_add(&s->releases[why], 1);
  atomic_store_explicit(&t->hold_start_ns, 0, RELAXED);
  t->last_release = why;
  t->release_ns = now;
  /* io-priority's class for the next take (see the top of the file): a
   * yield after a long hold counts as CPU-bound; "done" ends the work, and
   * the next take looks up the class of the work it starts by its label,
   * so here "done" only records how this work ended. */
  bool long_hold = held >= preempt_after_ns(g);
  t->prio = why == GIL_RELEASE_IO         ? GIL_PRIO_IO
            : why == GIL_RELEASE_INTERVAL ? GIL_PRIO_CPU
            : long_hold                   ? GIL_PRIO_CPU
                                          : GIL_PRIO_VOLUNTARY;
  if (why == GIL_RELEASE_INTERVAL || held >= atomic_load_explicit(&g->work_cpu_ns, RELAXED))
    t->work_cpu = true;
  if (why == GIL_RELEASE_DONE) {
    if (g->policy == GIL_POLICY_IO_PRIORITY)
      work_class_record(g, atomic_load_explicit(&t->label, RELAXED), t->work_cpu);
    t->work_cpu = false;
    t->prio = GIL_PRIO_VOLUNTARY; /* until the next take looks its work up */
  }
  int state = why == GIL_RELEASE_IO ? GIL_STATE_IO
              : why == GIL_RELEASE_DONE ? GIL_STATE_IDLE
                                        : GIL_STATE_WANTS;
  atomic_store_explicit(&t->state, state, RELAXED);
  trace_state(g, t, state, now);
}

/* Forced switching: wait until another thread took the GIL we just dropped,
 * so that we do not take it straight back. Bounded by the waiters: if the
 * requester vanished meanwhile there is nobody to wait for. */
static void __attribute__((noinline)) wait_for_switch(gil *g, gil_thread *t) {
  pthread_mutex_lock(&g->switch_mutex);
  atomic_fetch_add(&g->switch_waiters, 1);
  while (atomic_load(&g->last_holder) == t && atomic_load(&g->nwaiting) > 0)
    cond_wait_ns(&g->switch_cond, &g->switch_mutex, atomic_load(&g->interval_ns));
  atomic_fetch_sub(&g->switch_waiters, 1);
  pthread_mutex_unlock(&g->switch_mutex);
}

/* Someone waits: wake the one who may take the GIL now. */
static void __attribute__((noinline)) wake_waiter(gil *g) {
  pthread_mutex_lock(&g->mutex);
  if (is_queued_policy(g)) unlock_and_signal(g, g->qhead ? &g->qhead->cond : NULL);
  else unlock_and_signal(g, &g->cond);
}

void gil_drop(gil *g, gil_thread *t, gil_release_reason why) {
  uint64_t now = clock_now();
  account_release(g, t, why, now);
  atomic_store_explicit(&g->last_drop_ns, now, RELAXED);
  atomic_store_explicit(&g->holder, NULL, RELAXED);
  atomic_store(&g->locked, 0); /* seq_cst: pairs with nwaiting in the waiters */
  if (__builtin_expect(atomic_load(&g->nwaiting) > 0, 0)) wake_waiter(g);
  /* Forced switching is cpython's: there any waiter may win a free GIL,
   * the dropper included. The queued policies need no wait: a take while
   * anyone is queued queues too (nwaiting stays above 0 until the head
   * has the GIL), so the dropper cannot take it back first, and waiting
   * here would only cost it one more sleep and wake-up per switch. */
  if (g->policy == GIL_POLICY_CPYTHON && __builtin_expect(drop_pending(g), 0))
    wait_for_switch(g, t);
  /* After the drop, so the hook's system call is not made holding it. */
  if (t->cpu_told && t->prio != GIL_PRIO_CPU) tell_cpu_class(t, false);
}

bool gil_yield_if_requested(gil *g, gil_thread *t) {
  if (g->policy == GIL_POLICY_LEGACY) {
    if (atomic_load(&g->nwaiting) == 0) {
      atomic_fetch_and(g->eval_breaker, ~g->drop_bit);
      t->legacy_ticks = 0;
      return false;
    }
    if (++t->legacy_ticks < g->check_interval) return false;
    t->legacy_ticks = 0;
    gil_drop(g, t, GIL_RELEASE_INTERVAL);
    gil_take(g, t);
    return true;
  }
  if (!gil_drop_requested(g)) return false;
  gil_drop(g, t, GIL_RELEASE_INTERVAL);
  gil_take(g, t);
  return true;
}

/* ---- fork --------------------------------------------------------------------------- */

/* The GIL's locks, taken in the one order their users nest them in
 * (trace_mutex before reg_mutex; the others alone), and no signal left in
 * flight: the fork copies them in a quiet state, and everything any other
 * thread did with them happens before the fork (so the child's re-creation
 * races with nothing, which ThreadSanitizer can see too). */
void gil_before_fork(gil *g) {
  pthread_mutex_lock(&g->trace_mutex);
  pthread_mutex_lock(&g->reg_mutex);
  pthread_mutex_lock(&g->mutex);
  pthread_mutex_lock(&g->switch_mutex);
  wait_signals_landed(g);
}

static void gil_fork_unlock(gil *g) {
  pthread_mutex_unlock(&g->switch_mutex);
  pthread_mutex_unlock(&g->mutex);
  pthread_mutex_unlock(&g->reg_mutex);
  pthread_mutex_unlock(&g->trace_mutex);
}

void gil_after_fork_parent(gil *g) { gil_fork_unlock(g); }

void gil_after_fork_child(gil *g, gil_thread *self) {
  /* Only this thread exists now, holding the locks gil_before_fork took;
   * the threads that waited on the condition variables are gone, so
   * re-create everything. */
  gil_fork_unlock(g);
  gil_init_locks(g);
  /* A trace belongs to the process that started it. */
  atomic_store(&g->tracing, 0);
  atomic_store(&g->trace_writers, 0);
  free(g->trace_buf);
  g->trace_buf = NULL;
  g->trace_cap = 0;
  free(g->trace_names);
  g->trace_names = NULL;
  g->trace_nnames = 0;
  memset(&g->retired, 0, sizeof g->retired);
  memset(&g->handoff, 0, sizeof g->handoff);
  g->qhead = g->qtail = NULL;
  atomic_store(&g->nwaiting, 0);
  atomic_store(&g->switch_waiters, 0);
  atomic_fetch_and(g->eval_breaker, ~g->drop_bit);
  atomic_store(&g->last_drop_ns, 0);
  g->threads = NULL;
  g->next_id = 0;
  uint64_t hold_start = atomic_load(&self->hold_start_ns);
  gil_thread_state state = (gil_thread_state)atomic_load(&self->state);
  /* gil_thread_init clears the record, name included: pass a copy. */
  char name[sizeof self->name];
  memcpy(name, self->name, sizeof name);
  gil_thread_init(g, self, name);
  self->prio = GIL_PRIO_VOLUNTARY;
  if (hold_start) { /* it forked while holding the GIL, as it must */
    atomic_store(&g->locked, 1);
    atomic_store(&g->holder, self);
    atomic_store(&g->last_holder, self);
    atomic_store(&self->hold_start_ns, clock_now());
    atomic_store(&self->state, state);
  } else {
    atomic_store(&g->locked, 0);
    atomic_store(&g->holder, NULL);
    atomic_store(&g->last_holder, NULL);
  }
}

/* ---- reading ---------------------------------------------------------------------- */

void gil_read_totals(gil *g, gil_totals *out) {
  uint64_t now = gil_now_ns();
  pthread_mutex_lock(&g->reg_mutex);
  *out = g->retired;
  out->held_now_ns = 0;
  for (gil_thread *t = g->threads; t; t = t->reg_next) {
    add_thread_stats(out, t);
    /* The holder may change under us; its hold start is read atomically and
     * a zero means "not holding", so the figure is at worst slightly stale. */
    uint64_t start = atomic_load_explicit(&t->hold_start_ns, RELAXED);
    if (start) out->held_now_ns = now > start ? now - start : 0;
  }
  pthread_mutex_unlock(&g->reg_mutex);
  for (int i = 0; i <= GIL_HIST_BUCKETS; i++)
    out->handoff_hist[i] = atomic_load_explicit(&g->handoff.count[i], RELAXED);
  out->handoff_sum_ns = atomic_load_explicit(&g->handoff.sum_ns, RELAXED);
  out->waiting_now = atomic_load(&g->nwaiting);
}

void gil_foreach_thread(gil *g, void (*fn)(const gil_thread *t, void *arg), void *arg) {
  pthread_mutex_lock(&g->reg_mutex);
  for (gil_thread *t = g->threads; t; t = t->reg_next) fn(t, arg);
  pthread_mutex_unlock(&g->reg_mutex);
}

/* ---- the timeline ------------------------------------------------------------------ */

bool gil_tracing(const gil *g) { return atomic_load(&g->tracing); }

int gil_trace_start(gil *g, size_t max_events) {
  pthread_mutex_lock(&g->trace_mutex);
  if (atomic_load(&g->tracing) || g->trace_buf) {
    pthread_mutex_unlock(&g->trace_mutex);
    return -EBUSY;
  }
  if (max_events < 64) max_events = 64;
  /* calloc of a large block maps zero pages lazily: a short trace of an
   * idle server touches little of it. */
  g->trace_buf = calloc(max_events, sizeof *g->trace_buf);
  if (!g->trace_buf) {
    pthread_mutex_unlock(&g->trace_mutex);
    return -ENOMEM;
  }
  g->trace_cap = max_events;
  atomic_store(&g->trace_dropped, 0);
  /* Under the registry lock no thread joins or leaves: the first slots get
   * every registered thread's state at the start, then appends begin. */
  pthread_mutex_lock(&g->reg_mutex);
  size_t n = 0;
  for (gil_thread *t = g->threads; t; t = t->reg_next) n++;
  if (n > max_events) n = max_events;
  uint64_t start = gil_now_ns();
  g->trace_start_ns = start;
  atomic_store(&g->trace_next, n);
  atomic_store(&g->tracing, 1);
  size_t i = 0;
  for (gil_thread *t = g->threads; t; t = t->reg_next) {
    trace_name(g, t);
    if (i >= n) continue;
    int state = atomic_load(&t->state);
    g->trace_buf[i++] = (gil_trace_event){
        .ns = start, .label = state == GIL_STATE_RUNNING ? atomic_load_explicit(&t->label, RELAXED) : NULL, .thread = t->id, .state = state};
  }
  pthread_mutex_unlock(&g->reg_mutex);
  pthread_mutex_unlock(&g->trace_mutex);
  return 0;
}

int gil_trace_stop(gil *g, gil_trace *out) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&g->trace_mutex);
  if (!atomic_load(&g->tracing)) {
    pthread_mutex_unlock(&g->trace_mutex);
    return -EINVAL;
  }
  out->stop_ns = gil_now_ns();
  atomic_store(&g->tracing, 0);
  /* Writers inside trace_append finish a handful of stores; they never
   * block there, so this spin is short. */
  while (atomic_load(&g->trace_writers) > 0) sched_yield();
  size_t next = atomic_load(&g->trace_next);
  out->events = g->trace_buf;
  out->n = next < g->trace_cap ? next : g->trace_cap;
  out->dropped = atomic_load(&g->trace_dropped);
  out->start_ns = g->trace_start_ns;
  out->policy = g->policy;
  g->trace_buf = NULL;
  g->trace_cap = 0;
  pthread_mutex_lock(&g->reg_mutex);
  out->names = g->trace_names;
  out->nnames = g->trace_nnames;
  g->trace_names = NULL;
  g->trace_nnames = 0;
  pthread_mutex_unlock(&g->reg_mutex);
  pthread_mutex_unlock(&g->trace_mutex);
  return 0;
}

void gil_trace_release(gil_trace *tr) {
  free(tr->events);
  free(tr->names);
  memset(tr, 0, sizeof *tr);
}
