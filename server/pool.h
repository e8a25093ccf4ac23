/*
 * pool.h - the worker pool: N threads running handlers on complete requests
 * taken from a bounded queue, with a batched handoff in both directions.
 *
 * Submit side (loop thread): gild_pool_submit only links the task into a
 * loop-local batch, no lock, no wake-up. A uv_prepare and a uv_check handle
 * flush the batch once per loop pass: one short mutex section splices the
 * whole batch into the shared queue and signals one idle worker, and only if
 * no worker is already on its way (woken but not yet running). A worker that
 * takes a task and sees more queued wakes one more idle worker, so the
 * fan-out cost lands on the workers, not on the loop.
 *
 * Return side (workers): a finished task is appended to a done list under
 * its own mutex. The loop drains the whole list in its async callback and
 * once more in its prepare handle, just before it blocks in poll; only
 * from then on does a worker wake it, and only the first worker after a
 * drain writes to the loop's eventfd (not uv_async_send, whose receiving
 * side spins while a sender is preempted halfway; see pool.c). While the
 * loop is awake no one signals it.
 *
 * A serial runtime (one with a GIL: ops->serialize) runs one handler at a
 * time however many threads call it, so waking a thread per request only
 * makes them queue for the lock and hand it over, one context switch per
 * request. For it the pool keeps one worker running: the flush wakes a
 * worker only when none is running, and a running worker takes the next
 * task itself. More workers join only when they can do something: when the
 * running one blocks (sleep, file, socket: the runtime calls the hooks it
 * got from serialize, and the blocking worker wakes one for the queue), or
 * when its task has run for the runtime's spread time with requests
 * waiting behind it (the loop checks on every pass and from a timer), or
 * at once when the runtime reported that task CPU-bound; then
 * every queued request gets its own worker and the GIL's policy decides
 * who runs, exactly as if each had been started at once. Idle workers wait
 * on a stack, each on its own condition variable: a wake-up goes to the
 * most recently idle one, so a burst of short requests keeps running on
 * the same thread and the GIL does not change hands.
 *
 * Workers never touch a libuv handle, only the eventfd the loop polls; the
 * loop never waits for a worker except in gild_pool_stop after the drain.
 */
#ifndef GILD_POOL_H
#define GILD_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "handler.h"

typedef struct gild_pool gild_pool;

/* Embedded in whatever the caller uses as a request; the pool runs
 * ops->handle(ctx, tstate, req, resp) on it. */
typedef struct gild_pool_task {
  struct gild_pool_task *next;
  const gild_request *req;
  gild_response *resp;
  /* For the queue-wait metric: the submitter sets queued_ns (uv_hrtime);
   * when it is not 0 the worker sets taken_ns as it takes the task. Read
   * by the loop after the task came back (the done list's mutex orders). */
  uint64_t queued_ns, taken_ns;
} gild_pool_task;

/* Called on the loop thread for each finished task, in completion order. */
typedef void (*gild_pool_done_cb)(gild_pool_task *task, void *arg);

/* Starts `threads` workers (each asks for a scheduler slice of `slice_us`,
 * see thread_sched.h, then calls ops->thread_start) and waits
 * until all of them started; a failing thread_start fails the whole call
 * with a message in err. A worker whose work the runtime reports
 * CPU-bound (gild_worker_hooks.cpu_bound) asks for `cpu_slice_us` until
 * that ends (0: it keeps `slice_us`). */
int gild_pool_create(gild_pool **out, uv_loop_t *loop, int threads, size_t queue_size,
                     int slice_us, int cpu_slice_us, gild_handler_ops *ops,
                     gild_pool_done_cb done, void *done_arg, char *err, size_t errlen);
/* Loop thread. Returns GILD_ENOMEM (nothing queued) when the queue is full:
 * the caller answers 503 at once. */
int gild_pool_submit(gild_pool *p, gild_pool_task *t);
/* Loop thread: tasks submitted and not yet taken by a worker. */
size_t gild_pool_depth(const gild_pool *p);
/* Loop thread: whether one more task would be refused. */
int gild_pool_full(const gild_pool *p);
/* Loop thread, after the drain: stops the workers after their current task
 * and joins them, waiting at most grace_ms (< 0: as long as it takes). A
 * worker still inside a handler after that is abandoned: detached, never
 * touching the loop again, its task and the pool left allocated for it
 * (see gild_pool_abandoned). Every task queued or finished is handed back
 * to `done` (a queued one with its response untouched) and the pool's
 * handles are closed. Call before the loop's last run so the close
 * callbacks run. Returns the number of abandoned workers. */
int gild_pool_stop(gild_pool *p, int64_t grace_ms);
/* Whether gild_pool_stop left a worker running: then the pool and what its
 * tasks point to (the router, the runtime) must stay allocated. */
int gild_pool_abandoned(const gild_pool *p);
/* After the loop finished: frees the pool (unless abandoned). */
void gild_pool_free(gild_pool *p);

#endif
