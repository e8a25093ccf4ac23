/*
 * gil.h - the Global Interpreter Lock: exactly one OS thread at a time runs
 * bytecode or touches VM objects, the one holding it. The algorithm of each
 * policy is described at the top of gil.c.
 *
 * Every thread that may hold the GIL owns a gil_thread. Its counters are
 * written only by that thread and read by anyone (metrics, the event loop)
 * without the GIL: they are relaxed atomics, exact at every read.
 */
#ifndef GILD_GIL_H
#define GILD_GIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum gil_policy {
  GIL_POLICY_CPYTHON = 0, /* CPython 3.2+: interval-based drop request, forced switching */
  GIL_POLICY_FIFO,        /* waiters served strictly in arrival order */
  GIL_POLICY_IO_PRIORITY, /* threads back from I/O preempt CPU-bound holders */
  GIL_POLICY_LEGACY,      /* Python 2: release and retry every N checks */
  GIL_POLICY_COUNT
} gil_policy;

typedef enum gil_release_reason {
  GIL_RELEASE_IO = 0,   /* around a blocking call */
  GIL_RELEASE_INTERVAL, /* forced off by a drop request (switch interval) */
  GIL_RELEASE_DONE,     /* the thread's work is finished (request done, thread exits) */
  GIL_RELEASE_YIELD,    /* voluntary: time.sleep(0), legacy check interval */
  GIL_RELEASE_COUNT
} gil_release_reason;

/* Histogram bucket upper bounds in seconds (wait, hold, handoff); the last
 * bucket is +Inf. Chosen around the 5 ms switch interval so interval
 * quantisation shows. */
#define GIL_HIST_BUCKETS 16
extern const double gil_hist_bounds[GIL_HIST_BUCKETS];

typedef struct gil_hist {
  _Atomic uint64_t count[GIL_HIST_BUCKETS + 1]; /* per bucket, not cumulative; [16] is +Inf */
  _Atomic uint64_t sum_ns;
} gil_hist;

typedef struct gil_stats {
  _Atomic uint64_t wait_ns;         /* time spent waiting to take the GIL */
  _Atomic uint64_t held_ns;         /* time spent holding it (completed holds) */
  _Atomic uint64_t acquisitions;
  _Atomic uint64_t switches;        /* acquisitions where the previous holder was another thread */
  _Atomic uint64_t drop_requests;   /* drop requests this thread set */
  _Atomic uint64_t releases[GIL_RELEASE_COUNT];
  _Atomic uint64_t hold_max_ns;
  _Atomic uint64_t io_ns;           /* time between a GIL_RELEASE_IO drop and the next take request */
  gil_hist wait_hist, hold_hist;
} gil_stats;

/* What a thread is doing, for the timeline and the dashboard. */
typedef enum gil_thread_state {
  GIL_STATE_IDLE = 0, /* released with DONE: waiting for work */
  GIL_STATE_WANTS,    /* waiting to take the GIL */
  GIL_STATE_RUNNING,  /* holding it */
  GIL_STATE_IO,       /* released around a blocking call */
  GIL_STATE_EXIT,     /* timeline only: the thread left the GIL (gil_thread_fini) */
} gil_thread_state;

/* io-priority's classes, from the reason of a thread's last release. */
enum { GIL_PRIO_CPU = 0, GIL_PRIO_VOLUNTARY = 1, GIL_PRIO_IO = 2 };

typedef struct gil gil;

typedef struct gil_thread {
  gil_stats stats;
  _Atomic int state;          /* gil_thread_state */
  _Atomic uint64_t hold_start_ns; /* when the current hold began (0 if not holding) */
  int id;                     /* small integer, unique per gil */
  char name[32];
  /* What the thread runs, for the timeline's "running <label>" slices: set
   * by its owner (gil_thread_set_label) before it takes the GIL for new
   * work; the string must outlive any trace that records it (the handler
   * runtime interns route names). io-priority also uses it as the kind of
   * work: one pointer per kind, whatever thread runs it (see gil.c). */
  _Atomic(const char *) label; /* atomic: trace_start reads it from the loop thread */
  /* Private to the owning thread and the GIL's mutex. */
  gil *owner;
  int prio;                   /* io-priority class of the next take: GIL_PRIO_* */
  bool work_cpu;              /* io-priority: the current work (up to "done") was CPU-bound */
  uint64_t release_ns;        /* when it last released (for io_ns) */
  gil_release_reason last_release;
  unsigned legacy_ticks;
  /* io-priority tells the thread's owner when the work it runs turns
   * CPU-bound and when that ends (gil_thread_set_cpu_hook). */
  void (*cpu_hook)(void *arg, int cpu_bound);
  void *cpu_hook_arg;
  bool cpu_told;              /* the hook's last word was "CPU-bound" */
  pthread_cond_t cond;        /* per-thread wake-up for the queued policies */
  struct gil_thread *qnext;   /* waiter queue link */
  bool queued;
  struct gil_thread *reg_next;/* registry of all threads, for metrics */
} gil_thread;

/* Totals over every thread that ever registered (threads that exited are
 * folded in), plus the lock-wide figures. */
typedef struct gil_totals {
  uint64_t wait_ns, held_ns, acquisitions, switches, drop_requests;
  uint64_t releases[GIL_RELEASE_COUNT];
  uint64_t hold_max_ns, io_ns;
  uint64_t wait_hist[GIL_HIST_BUCKETS + 1], hold_hist[GIL_HIST_BUCKETS + 1];
  uint64_t wait_hist_sum_ns, hold_hist_sum_ns;
  uint64_t handoff_hist[GIL_HIST_BUCKETS + 1], handoff_sum_ns;
  int waiting_now;
  uint64_t held_now_ns; /* of the current hold, if any */
} gil_totals;

/* `eval_breaker` is the interpreter's flag word; the GIL sets `drop_bit` in
 * it to ask the holder to drop at its next check. Returns NULL on ENOMEM. */
gil *gil_new(gil_policy policy, double switch_interval_s, _Atomic uint32_t *eval_breaker,
             uint32_t drop_bit);
void gil_free(gil *g);

int gil_policy_parse(const char *name, gil_policy *out); /* 0 or -EINVAL */
const char *gil_policy_name(gil_policy p);
gil_policy gil_get_policy(const gil *g);
void gil_set_interval(gil *g, double seconds);
double gil_get_interval(const gil *g);
/* legacy policy: checks between releases (Python 2's sys.setcheckinterval, 100). */
void gil_set_check_interval(gil *g, unsigned checks);

/* A thread joins before its first take and leaves after its last drop. */
void gil_thread_init(gil *g, gil_thread *t, const char *name);
void gil_thread_fini(gil *g, gil_thread *t);

void gil_take(gil *g, gil_thread *t);
void gil_drop(gil *g, gil_thread *t, gil_release_reason why);
/* Called by the holder at an eval-breaker check: drops and re-takes when
 * another thread asked for the GIL (or the legacy check interval ran out).
 * Returns true if it switched. */
bool gil_yield_if_requested(gil *g, gil_thread *t);
bool gil_drop_requested(const gil *g);
/* The holder, or NULL; for assertions. */
gil_thread *gil_holder(const gil *g);

/* Around fork(2) by a thread holding the GIL: gil_before_fork takes the
 * GIL's locks; the parent then calls gil_after_fork_parent (releases them),
 * the child gil_after_fork_child, called by the only thread there: it
 * forgets the threads that did not come along, their waits and queue, and
 * re-creates the mutexes and condition variables. The counters start again
 * from zero, so a child's figures are its own. */
void gil_before_fork(gil *g);
void gil_after_fork_parent(gil *g);
void gil_after_fork_child(gil *g, gil_thread *self);

/* Reads every counter without the GIL. */
void gil_read_totals(gil *g, gil_totals *out);
/* Calls fn for every registered thread (under the registry lock; fn must
 * only read the thread's atomics). */
void gil_foreach_thread(gil *g, void (*fn)(const gil_thread *t, void *arg), void *arg);

uint64_t gil_now_ns(void);

/* ---- the timeline ------------------------------------------------------------
 * While a trace runs, every state change of every thread (idle, wants,
 * running, io; see gil_thread_state) is appended to a bounded buffer with
 * its monotonic time. When no trace runs, the only cost on take and drop is
 * one relaxed load of a flag. */

/* Policy io-priority: `hook(arg, 1)` is called on t's own thread when it
 * is about to take the GIL for CPU-bound work (cpu class: work whose label
 * was CPU-bound, or a thread forced off by a drop request), and `hook(arg,
 * 0)` when that ends (it released for I/O, voluntarily, or its work is
 * done). Only changes are reported, never from inside the lock. The server
 * uses it to give such a thread a long scheduler slice, so that threads
 * with short ones (the event loop, an I/O request back from its sleep)
 * preempt it at once (server/thread_sched.h). Set before the thread's
 * first take; NULL: no calls. */
void gil_thread_set_cpu_hook(gil_thread *t, void (*hook)(void *arg, int cpu_bound), void *arg);

static inline void gil_thread_set_label(gil_thread *t, const char *label) {
  atomic_store_explicit(&t->label, label, memory_order_relaxed);
}

typedef struct gil_trace_event {
  uint64_t ns;        /* gil_now_ns() of the change */
  const char *label;  /* running: the thread's label then, or NULL */
  int32_t thread;     /* gil_thread.id */
  int32_t state;      /* gil_thread_state */
} gil_trace_event;

/* A finished recording, owned by the caller (gil_trace_release). Events of
 * one thread are in the order that thread made them. The first nthreads
 * events (one per thread registered at the start) give each thread's state
 * at start_ns. */
typedef struct gil_trace {
  gil_trace_event *events;
  size_t n;
  uint64_t dropped;          /* state changes lost because the buffer was full */
  uint64_t start_ns, stop_ns;
  char (*names)[32];         /* indexed by thread id; "" if unknown */
  int nnames;
  gil_policy policy;
} gil_trace;

#define GIL_TRACE_DEFAULT_EVENTS (1u << 20)
/* 0, -EBUSY if a trace is already running, -ENOMEM. */
int gil_trace_start(gil *g, size_t max_events);
/* 0 and the recording in *out, or -EINVAL if no trace was running. */
int gil_trace_stop(gil *g, gil_trace *out);
void gil_trace_release(gil_trace *tr);
bool gil_tracing(const gil *g);

#endif
