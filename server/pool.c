/*
 * pool.c - worker threads and the batched loop <-> worker handoff (the
 * algorithm is described in pool.h).
 */
#include "pool.h"
#include "thread_sched.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct pool_worker {
  gild_pool *pool;
  int index;
  pthread_t tid;
  int created;
  int joined;
  int running; /* under mu: inside a task and not blocked */
  int woken;   /* under mu: taken off the idle stack by pool_take_idle */
  pthread_cond_t cv;
  /* uv_hrtime() when this worker started its task or came back from
   * blocking in it; 0 while idle or blocked. The loop reads it to see a
   * task that keeps others queued (pool_spread). */
  _Atomic uint64_t busy_since;
  /* The runtime said its current work is CPU-bound (hooks.cpu_bound):
   * requests queued behind it need not wait spread_ns to learn that. */
  _Atomic int cpu_bound;
  gild_worker_hooks hooks;
} pool_worker;

struct gild_pool {
  uv_loop_t *loop;
  gild_handler_ops *ops;
  gild_pool_done_cb done;
  void *done_arg;
  size_t queue_size;

  /* Loop-local batch: tasks submitted during this loop pass. */
  gild_pool_task *batch_head, *batch_tail;
  size_t batch_n;

  /* Shared queue, under mu. q_n is also read without the lock by the loop
   * for the queue-full check, hence atomic. */
  pthread_mutex_t mu;
  pthread_cond_t cv; /* start-up only */
  gild_pool_task *q_head, *q_tail;
  atomic_size_t q_n;
  /* Idle workers, the most recently idle on top: a wake-up goes to the
   * worker whose stack and caches are warmest, and for a serial runtime
   * the GIL mostly stays with the same thread. */
  pool_worker **idle_stack;
  pool_worker **wake_buf; /* loop thread: whom pool_spread signals after unlocking;
                             the second half of idle_stack's allocation */
  int idle;     /* workers on idle_stack */
  int waking;   /* workers taken off it but not yet running */
  int stopping;
  int started;  /* workers past thread_start, for gild_pool_create */
  int start_rc;
  char start_err[128];

  /* Finished tasks, under done_mu. */
  pthread_mutex_t done_mu;
  gild_pool_task *d_head, *d_tail;
  int d_signaled; /* a wake-up is on its way: no more writes needed */
  int abandoned;  /* stop gave up on a busy worker: workers touch nothing */
  int loop_sleeping; /* the loop may block in poll: a finished task needs a wake-up */

  /* Workers wake the loop by writing to this eventfd, which the loop polls.
   * Not uv_async_send: the loop's side of it spins (sched_yield) while a
   * sender is between its two steps, and a sender preempted there by a
   * thread of lower scheduling class (or simply by the scheduler on one
   * core) keeps the loop spinning for the whole time it is off the CPU. A
   * write(2) to an eventfd is one step: there is no half-sent state. */
  int done_fd;
  uv_poll_t done_poll;
  uv_prepare_t prepare;
  uv_check_t check;
  int handles_open;

  /* Serial runtime (ops->serialize): one handler runs at a time, so one
   * running worker is enough until it blocks or runs longer than
   * spread_ns with requests queued. `running` (under mu) counts workers
   * inside a task and not blocked; the timer re-checks a long task while
   * the loop would otherwise sleep. It is a timerfd, because libuv's
   * timers count whole milliseconds and io-priority's spread time is
   * 100 us. */
  int serial;
  uint64_t spread_ns;
  int running;
  int spread_fd;
  int spread_armed;
  uv_poll_t spread_poll;

  int slice_us;
  int cpu_slice_us; /* while a worker runs CPU-bound work (hooks.cpu_bound) */
  int threads;
  pool_worker *workers;
};

/* Returns 0, or -1 when the pool abandoned this worker: then nothing may be
 * touched any more (the check is under done_mu, which the loop holds to set
 * `abandoned`). */
static int pool_push_done(gild_pool *p, gild_pool_task *t) {
  t->next = NULL;
  pthread_mutex_lock(&p->done_mu);
  if (p->abandoned) {
    pthread_mutex_unlock(&p->done_mu);
    return -1;
  }
  if (p->d_tail)
    p->d_tail->next = t;
  else
    p->d_head = t;
  p->d_tail = t;
  /* No wake-up while the loop is awake (it drains again before it next
   * blocks), and only one per drain: the first worker pays for the
   * eventfd write. */
  int wake = p->loop_sleeping && !p->d_signaled;
  if (wake)
    p->d_signaled = 1;
  pthread_mutex_unlock(&p->done_mu);
  /* After unlocking, so the loop, woken at once on a busy core, does not
   * block on done_mu straight away. The eventfd stays open even for an
   * abandoned pool (gild_pool_free leaves it alone). Cannot fail short of
   * a counter overflow, which one pending wake-up per drain rules out. */
  if (wake) {
    uint64_t one = 1;
    (void)!write(p->done_fd, &one, sizeof one);
  }
  return 0;
}

/* Takes the most recently idle worker off the stack and marks it woken
 * (mu held, idle > 0); the caller signals it with pool_signal once it has
 * let go of mu. Signalling under mu would, on a busy core where the woken
 * thread preempts the waker at once (its short slice), let it run only to
 * block on mu, and come back when the waker unlocks: two more context
 * switches per wake-up. The worker's cv lives as long as the pool, and a
 * late signal finds `woken` cleared at worst and is waited out. */
static pool_worker *pool_take_idle(gild_pool *p) {
  pool_worker *w = p->idle_stack[--p->idle];
  w->woken = 1;
  p->waking++;
  return w;
}

static void pool_signal(pool_worker *w) {
  if (w != NULL)
    pthread_cond_signal(&w->cv);
}

/* Marks w running (inside a task and not blocked) from now, or not (mu
 * held). Stored under mu, so a flush that follows sees the worker busy. */
static void pool_set_running(gild_pool *p, pool_worker *w, int running) {
  if (w->running != running)
    p->running += running ? 1 : -1;
  w->running = running;
  atomic_store_explicit(&w->busy_since, running ? uv_hrtime() : 0, memory_order_relaxed);
}

/* The worker is about to block in its handler with the lock released: if
 * it was the only running worker, a queued request gets another one. */
static void pool_on_blocking(void *arg) {
  pool_worker *w = arg, *wake = NULL;
  gild_pool *p = w->pool;
  pthread_mutex_lock(&p->mu);
  pool_set_running(p, w, 0);
  if (p->q_head != NULL && p->running + p->waking == 0 && p->idle > 0)
    wake = pool_take_idle(p);
  pthread_mutex_unlock(&p->mu);
  pool_signal(wake);
}

static void pool_on_unblocked(void *arg) {
  pool_worker *w = arg;
  gild_pool *p = w->pool;
  pthread_mutex_lock(&p->mu);
  pool_set_running(p, w, 1);
  pthread_mutex_unlock(&p->mu);
}

/* The runtime judged this worker's work CPU-bound, or no longer: a long
 * slice while it is, so that the short-slice threads (the loop, a worker
 * back from I/O) preempt it when they wake (thread_sched.h). Best effort,
 * like the start-up slice. */
static void pool_on_cpu_bound(void *arg, int yes) {
  pool_worker *w = arg;
  gild_pool *p = w->pool;
  atomic_store_explicit(&w->cpu_bound, yes, memory_order_relaxed);
  if (p->cpu_slice_us > 0)
    (void)gild_thread_set_slice_us(yes ? p->cpu_slice_us : p->slice_us);
}

/* Serial runtime: whether queued requests are due a worker each now,
 * because a running task other than `self`'s has run (since it started or
 * last came back from blocking) for spread_ns, or the runtime reported it
 * CPU-bound and so it will run long. If not, *left (when not NULL) is how
 * long until it would be. Atomics only: the loop and workers both ask. */
static int pool_spread_due(gild_pool *p, const pool_worker *self, uint64_t *left) {
  uint64_t now, oldest = 0, age;
  int i, cpu = 0;
  for (i = 0; i < p->threads; i++) {
    uint64_t b = atomic_load_explicit(&p->workers[i].busy_since, memory_order_relaxed);
    if (b == 0 || &p->workers[i] == self)
      continue;
    if (oldest == 0 || b < oldest)
      oldest = b;
    if (atomic_load_explicit(&p->workers[i].cpu_bound, memory_order_relaxed))
      cpu = 1;
  }
  /* Nobody running (oldest 0) means the flush or a blocking worker woke
   * one for the queue; the loop's timer is then only a backstop. */
  now = uv_hrtime();
  age = oldest != 0 && now > oldest ? now - oldest : 0;
  if (oldest != 0 && (cpu || age >= p->spread_ns))
    return 1;
  if (left != NULL)
    *left = p->spread_ns - age;
  return 0;
}

static void *pool_worker_main(void *arg) {
  pool_worker *w = arg;
  gild_pool *p = w->pool;
  gild_handler_ops *ops = p->ops;
  void *tstate = NULL;
  int rc;
  uint64_t spread_ns = 0;
  char name[16];
  /* For top -H, perf and /proc: which thread is a worker. */
  snprintf(name, sizeof name, "gild-worker-%d", w->index);
  (void)pthread_setname_np(pthread_self(), name);
  /* Best effort: a kernel without custom slices keeps its default. */
  (void)gild_thread_set_slice_us(p->slice_us);
  rc = ops->thread_start ? ops->thread_start(ops->ctx, w->index, &tstate) : 0;
  int turn_done = 0;

  if (rc == 0 && p->serial) {
    w->hooks.blocking = pool_on_blocking;
    w->hooks.unblocked = pool_on_unblocked;
    w->hooks.cpu_bound = pool_on_cpu_bound;
    w->hooks.arg = w;
    spread_ns = ops->serialize(ops->ctx, tstate, &w->hooks);
  }
  pthread_mutex_lock(&p->mu);
  p->started++;
  if (spread_ns > 0 && (p->spread_ns == 0 || spread_ns < p->spread_ns))
    p->spread_ns = spread_ns;
  if (rc < 0 && p->start_rc == 0) {
    p->start_rc = rc;
    snprintf(p->start_err, sizeof(p->start_err), "worker %d: thread_start failed (%d)", w->index,
             rc);
  }
  pthread_cond_broadcast(&p->cv);
  if (rc < 0) {
    pthread_mutex_unlock(&p->mu);
    return NULL;
  }
  for (;;) {
    gild_pool_task *t;
    /* Serial runtime: another worker is inside a task and not blocked, so
     * it wants the lock this one just dropped (it came back from I/O, or
     * the queue was spread). Taking the next task would take the lock
     * straight back, again and again while requests keep coming, and that
     * worker would wait for a forced switch; so this one steps aside, and
     * the other takes the queue over when its own task is done. Not when
     * the queue is due to be spread (pool_spread_due): the other's task is
     * long, and the loop, which found no idle worker for it a moment ago,
     * would not look again (its timer is armed only while the spread is
     * not yet due), so the queue would wait for that task to end. */
    int step_aside = turn_done && p->serial && p->running > 1 &&
                     !(p->q_head != NULL && pool_spread_due(p, w, NULL));
    turn_done = 0;
    while (!p->stopping && (p->q_head == NULL || step_aside)) {
      step_aside = 0;
      pool_set_running(p, w, 0);
      w->woken = 0;
      p->idle_stack[p->idle++] = w;
      while (!w->woken && !p->stopping)
        pthread_cond_wait(&w->cv, &p->mu);
      if (w->woken)
        p->waking--; /* else stopping: it stays on the stack, unused */
    }
    if (p->stopping)
      break;
    t = p->q_head;
    p->q_head = t->next;
    if (p->q_head == NULL)
      p->q_tail = NULL;
    atomic_fetch_sub_explicit(&p->q_n, 1, memory_order_relaxed);
    pool_set_running(p, w, 1);
    /* A runtime that runs handlers side by side gets every queued task
     * started at once: pass the wake-up on, so the loop never signals
     * more than one thread per pass. A serial one does not (see pool.h). */
    pool_worker *wake = NULL;
    if (!p->serial && p->q_head != NULL && p->idle > 0)
      wake = pool_take_idle(p);
    pthread_mutex_unlock(&p->mu);
    pool_signal(wake);

    if (t->queued_ns != 0)
      t->taken_ns = atomic_load_explicit(&w->busy_since, memory_order_relaxed);
    ops->handle(ops->ctx, tstate, t->req, t->resp);
    if (pool_push_done(p, t) != 0)
      return NULL;
    turn_done = 1;

    pthread_mutex_lock(&p->mu);
  }
  pool_set_running(p, w, 0);
  pthread_mutex_unlock(&p->mu);
  pthread_mutex_lock(&p->done_mu);
  rc = p->abandoned;
  pthread_mutex_unlock(&p->done_mu);
  if (!rc && ops->thread_stop)
    ops->thread_stop(ops->ctx, tstate);
  return NULL;
}

/* Moves the loop-local batch into the shared queue with one lock. */
static void pool_flush(gild_pool *p) {
  pool_worker *wake = NULL;
  if (p->batch_n == 0)
    return;
  pthread_mutex_lock(&p->mu);
  if (p->q_tail)
    p->q_tail->next = p->batch_head;
  else
    p->q_head = p->batch_head;
  p->q_tail = p->batch_tail;
  atomic_fetch_add_explicit(&p->q_n, p->batch_n, memory_order_relaxed);
  /* A worker already woken (or busy, idle == 0) will find the new tasks
   * itself; only wake when nobody is on the way. A serial runtime's
   * running worker takes them too when it finishes its task. */
  if (p->idle > 0 && p->waking == 0 && (!p->serial || p->running == 0))
    wake = pool_take_idle(p);
  pthread_mutex_unlock(&p->mu);
  pool_signal(wake);
  p->batch_head = p->batch_tail = NULL;
  p->batch_n = 0;
}

/* Serial runtime, loop thread: requests are queued behind a running task.
 * If a task has run (since it started or last came back from blocking) for
 * spread_ns, every queued request gets a worker of its own now, and the
 * lock's policy decides who runs; otherwise the timer looks again when
 * that would be due, in case the loop has nothing else to wake it. */
static void pool_spread(gild_pool *p) {
  uint64_t left;
  if (!p->serial || atomic_load_explicit(&p->q_n, memory_order_relaxed) == 0)
    return;
  if (pool_spread_due(p, NULL, &left)) {
    int n = 0;
    pthread_mutex_lock(&p->mu);
    while (p->idle > 0 && (size_t)p->waking < atomic_load(&p->q_n))
      p->wake_buf[n++] = pool_take_idle(p);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < n; i++)
      pool_signal(p->wake_buf[i]);
    return;
  }
  if (!p->spread_armed && p->spread_fd >= 0) {
    struct itimerspec its = {.it_value = {.tv_sec = (time_t)(left / 1000000000u),
                                          .tv_nsec = (long)(left % 1000000000u)}};
    if (timerfd_settime(p->spread_fd, 0, &its, NULL) == 0)
      p->spread_armed = 1;
  }
}

/* Resets a timerfd's or eventfd's counter. EAGAIN (nothing there after
 * all, or the prepare handle got there first) is harmless: the callers'
 * checks that follow look at the real state. */
static void pool_read_counter(int fd) {
  uint64_t n;
  if (read(fd, &n, sizeof n) < 0) {
    /* see above */
  }
}

static void pool_on_spread_timer(uv_poll_t *h, int status, int events) {
  gild_pool *p = h->data;
  (void)status;
  (void)events;
  pool_read_counter(p->spread_fd);
  p->spread_armed = 0;
  pool_spread(p);
}

/* Takes every finished task at once; `sleeping` tells the workers whether
 * the loop is about to block in poll (then they must wake it). */
static void pool_drain_done(gild_pool *p, int sleeping) {
  gild_pool_task *t;
  pthread_mutex_lock(&p->done_mu);
  t = p->d_head;
  p->d_head = p->d_tail = NULL;
  p->d_signaled = 0;
  p->loop_sleeping = sleeping;
  pthread_mutex_unlock(&p->done_mu);
  while (t) {
    gild_pool_task *next = t->next;
    p->done(t, p->done_arg);
    t = next;
  }
}

static void pool_on_done_fd(uv_poll_t *h, int status, int events) {
  gild_pool *p = h->data;
  (void)status;
  (void)events;
  pool_read_counter(p->done_fd);
  pool_drain_done(p, 0);
}

/* Runs before the loop blocks in poll: the last look at finished tasks
 * (from here on workers write the eventfd), then the submit batch, which
 * also holds tasks submitted outside the poll phase (timers, writes, the
 * answers just drained) that must not wait a whole pass. */
static void pool_on_prepare(uv_prepare_t *h) {
  gild_pool *p = h->data;
  pool_drain_done(p, 1);
  pool_flush(p);
  pool_spread(p);
}

/* Runs right after poll: everything parsed in this pass goes out at once,
 * and the loop is awake until its next prepare. */
static void pool_on_check(uv_check_t *h) {
  gild_pool *p = h->data;
  pool_flush(p);
  pool_spread(p);
  pthread_mutex_lock(&p->done_mu);
  p->loop_sleeping = 0;
  pthread_mutex_unlock(&p->done_mu);
}

static void pool_on_close(uv_handle_t *h) {
  gild_pool *p = h->data;
  p->handles_open--;
}

int gild_pool_create(gild_pool **out, uv_loop_t *loop, int threads, size_t queue_size,
                     int slice_us, int cpu_slice_us, gild_handler_ops *ops,
                     gild_pool_done_cb done, void *done_arg, char *err, size_t errlen) {
  gild_pool *p;
  int i, rc;
  *out = NULL;
  if (threads < 1 || queue_size < 1 || ops == NULL || ops->handle == NULL) {
    snprintf(err, errlen, "pool: need at least one thread, a queue and a handle function");
    return GILD_EINVAL;
  }
  p = calloc(1, sizeof(*p));
  if (p == NULL || (p->workers = calloc((size_t)threads, sizeof(*p->workers))) == NULL ||
      (p->idle_stack = calloc(2 * (size_t)threads, sizeof(*p->idle_stack))) == NULL) {
    if (p != NULL)
      free(p->workers);
    free(p);
    snprintf(err, errlen, "pool: out of memory");
    return GILD_ENOMEM;
  }
  p->wake_buf = p->idle_stack + threads;
  p->loop = loop;
  p->ops = ops;
  p->done = done;
  p->done_arg = done_arg;
  p->queue_size = queue_size;
  p->threads = threads;
  p->slice_us = slice_us;
  p->cpu_slice_us = cpu_slice_us;
  atomic_init(&p->q_n, 0);
  p->loop_sleeping = 1;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  pthread_mutex_init(&p->done_mu, NULL);
  for (i = 0; i < threads; i++)
    pthread_cond_init(&p->workers[i].cv, NULL);

  p->serial = ops->serialize != NULL;
  p->spread_fd = -1;
  p->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (p->done_fd < 0 || uv_poll_init(loop, &p->done_poll, p->done_fd) != 0) {
    snprintf(err, errlen, "pool: cannot create the workers' wake-up eventfd: %s", strerror(errno));
    gild_pool_free(p); /* no thread, no handle yet */
    return GILD_ENOMEM;
  }
  uv_prepare_init(loop, &p->prepare);
  uv_check_init(loop, &p->check);
  p->done_poll.data = p->prepare.data = p->check.data = p;
  p->handles_open = 3;
  uv_poll_start(&p->done_poll, UV_READABLE, pool_on_done_fd);
  if (p->serial) {
    /* Without the timer a long task is still seen on every loop pass;
     * only a loop with nothing else to do would notice it late. */
    p->spread_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (p->spread_fd >= 0 && uv_poll_init(loop, &p->spread_poll, p->spread_fd) == 0) {
      p->spread_poll.data = p;
      p->handles_open++;
      uv_poll_start(&p->spread_poll, UV_READABLE, pool_on_spread_timer);
      uv_unref((uv_handle_t *)&p->spread_poll);
    } else if (p->spread_fd >= 0) {
      close(p->spread_fd);
      p->spread_fd = -1;
    }
  }
  uv_prepare_start(&p->prepare, pool_on_prepare);
  uv_check_start(&p->check, pool_on_check);
  /* The pool's handles must not keep the loop alive on their own. */
  uv_unref((uv_handle_t *)&p->done_poll);
  uv_unref((uv_handle_t *)&p->prepare);
  uv_unref((uv_handle_t *)&p->check);

  for (i = 0; i < threads; i++) {
    p->workers[i].pool = p;
    p->workers[i].index = i;
    rc = pthread_create(&p->workers[i].tid, NULL, pool_worker_main, &p->workers[i]);
    if (rc != 0) {
      pthread_mutex_lock(&p->mu);
      p->started += threads - i; /* the ones never created count as done */
      if (p->start_rc == 0) {
        p->start_rc = GILD_ENOMEM;
        snprintf(p->start_err, sizeof(p->start_err), "pool: cannot create worker %d: %s", i,
                 strerror(rc));
      }
      pthread_mutex_unlock(&p->mu);
      break;
    }
    p->workers[i].created = 1;
  }
  /* Wait until every worker ran thread_start, so a runtime that cannot set
   * up a thread fails start-up instead of the first request. */
  pthread_mutex_lock(&p->mu);
  while (p->started < threads)
    pthread_cond_wait(&p->cv, &p->mu);
  rc = p->start_rc;
  if (rc != 0)
    snprintf(err, errlen, "%s", p->start_err);
  if (p->serial && p->spread_ns == 0)
    p->spread_ns = 5000000; /* the runtime named none: CPython's interval */
  pthread_mutex_unlock(&p->mu);
  if (rc != 0) {
    gild_pool_stop(p, -1);
    /* The handles are closing; the caller's loop run finishes that. */
    *out = p;
    return rc;
  }
  *out = p;
  return 0;
}

size_t gild_pool_depth(const gild_pool *p) {
  return atomic_load_explicit(&p->q_n, memory_order_relaxed) + p->batch_n;
}

int gild_pool_full(const gild_pool *p) {
  return atomic_load_explicit(&p->q_n, memory_order_relaxed) + p->batch_n >= p->queue_size;
}

int gild_pool_submit(gild_pool *p, gild_pool_task *t) {
  if (p->stopping || gild_pool_full(p))
    return GILD_ENOMEM;
  t->next = NULL;
  if (p->batch_tail)
    p->batch_tail->next = t;
  else
    p->batch_head = t;
  p->batch_tail = t;
  p->batch_n++;
  return 0;
}

int gild_pool_stop(gild_pool *p, int64_t grace_ms) {
  int i, left = 0;
  gild_pool_task *t;
  struct timespec deadline;
  if (p->stopping)
    return 0;
  pthread_mutex_lock(&p->mu);
  p->stopping = 1;
  pthread_cond_broadcast(&p->cv);
  for (i = 0; i < p->threads; i++)
    pthread_cond_signal(&p->workers[i].cv);
  pthread_mutex_unlock(&p->mu);
  clock_gettime(CLOCK_REALTIME, &deadline);
  if (grace_ms > 0) {
    deadline.tv_sec += grace_ms / 1000;
    deadline.tv_nsec += (grace_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000L;
    }
  }
  for (i = 0; i < p->threads; i++) {
    if (!p->workers[i].created)
      continue;
    if (grace_ms < 0 ? pthread_join(p->workers[i].tid, NULL) == 0
                     : pthread_timedjoin_np(p->workers[i].tid, NULL, &deadline) == 0)
      p->workers[i].joined = 1;
    else
      left++;
  }
  if (left) {
    /* A handler that outlives the drain must not hold up the exit: let
     * its thread run on detached, cut off from the loop. */
    pthread_mutex_lock(&p->done_mu);
    p->abandoned = 1;
    pthread_mutex_unlock(&p->done_mu);
    for (i = 0; i < p->threads; i++)
      if (p->workers[i].created && !p->workers[i].joined)
        pthread_detach(p->workers[i].tid);
  }
  /* Hand back whatever the workers never took or finished. */
  pool_flush(p);
  pool_drain_done(p, 1);
  pthread_mutex_lock(&p->mu);
  t = p->q_head;
  p->q_head = p->q_tail = NULL;
  atomic_store(&p->q_n, 0);
  pthread_mutex_unlock(&p->mu);
  while (t) {
    gild_pool_task *next = t->next;
    p->done(t, p->done_arg);
    t = next;
  }
  uv_close((uv_handle_t *)&p->done_poll, pool_on_close);
  uv_close((uv_handle_t *)&p->prepare, pool_on_close);
  uv_close((uv_handle_t *)&p->check, pool_on_close);
  if (p->spread_fd >= 0)
    uv_close((uv_handle_t *)&p->spread_poll, pool_on_close);
  return left;
}

int gild_pool_abandoned(const gild_pool *p) {
  return p->abandoned;
}

void gild_pool_free(gild_pool *p) {
  /* An abandoned worker still holds the pool; the process is exiting. */
  if (p == NULL || p->abandoned)
    return;
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  for (int i = 0; i < p->threads; i++)
    pthread_cond_destroy(&p->workers[i].cv);
  pthread_mutex_destroy(&p->done_mu);
  if (p->done_fd >= 0)
    close(p->done_fd); /* its poll handle closed in gild_pool_stop */
  if (p->spread_fd >= 0)
    close(p->spread_fd);
  free(p->idle_stack);
  free(p->workers);
  free(p);
}
