/*
 * vm_gil.c - the interpreter's side of the GIL: which gil_thread belongs to
 * which TState, and when the interpreter takes and drops the lock. The lock
 * itself, and its policies, are in gil.c.
 */
#include "vm_gil.h"

#include <stdlib.h>

int vm_gil_create(Interp *in, gil_policy policy, double switch_interval_s) {
  in->gil = gil_new(policy, switch_interval_s, &in->eval_breaker, EB_GIL_DROP_REQUEST);
  if (!in->gil) return -1;
  atomic_store(&in->switch_interval_s, switch_interval_s);
  return 0;
}

void vm_gil_destroy(Interp *in) {
  gil_free(in->gil);
  in->gil = NULL;
}

int vm_gil_attach(TState *ts, const char *name) {
  Interp *in = ts->interp;
  if (!in->gil) return 0;
  gil_thread *t = malloc(sizeof *t);
  if (!t) return -1;
  gil_thread_init(in->gil, t, name);
  ts->gil_thread = t;
  return 0;
}

void vm_gil_detach(TState *ts) {
  if (!ts->gil_thread) return;
  gil_thread_fini(ts->interp->gil, ts->gil_thread);
  free(ts->gil_thread);
  ts->gil_thread = NULL;
}

void vm_gil_acquire(TState *ts) {
  if (ts->gil_thread) gil_take(ts->interp->gil, ts->gil_thread);
}

void vm_gil_release(TState *ts, gil_release_reason why) {
  if (ts->gil_thread) gil_drop(ts->interp->gil, ts->gil_thread, why);
}

void vm_gil_eval_breaker(TState *ts) {
  if (ts->gil_thread) gil_yield_if_requested(ts->interp->gil, ts->gil_thread);
}

void vm_gil_set_interval(Interp *in, double seconds) {
  atomic_store(&in->switch_interval_s, seconds);
  if (in->gil) gil_set_interval(in->gil, seconds);
}
