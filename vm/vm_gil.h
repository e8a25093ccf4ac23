/*
 * vm_gil.h - binds the GIL (gil.h) to the interpreter: one gil_thread per
 * TState, the eval breaker's drop requests, and the calls that release the
 * GIL around blocking system calls.
 *
 * The rule for blocking calls: copy everything the call needs out of VM
 * objects first, then vm_blocking_begin(ts), the system call, and
 * vm_blocking_end(ts); touch no VM object in between (another thread may be
 * running bytecode and changing it).
 */
#ifndef GILD_VM_GIL_H
#define GILD_VM_GIL_H

#include "gil.h"
#include "vm.h"

/* Creates the interpreter's GIL. Before this, every vm_gil_* call is a
 * no-op and the interpreter is single-threaded. Returns 0 or -1. */
int vm_gil_create(Interp *in, gil_policy policy, double switch_interval_s);
void vm_gil_destroy(Interp *in);

/* Gives ts its GIL record (named for metrics and traces). Does not take it. */
int vm_gil_attach(TState *ts, const char *name);
void vm_gil_detach(TState *ts);

void vm_gil_acquire(TState *ts);
void vm_gil_release(TState *ts, gil_release_reason why);

/* Set in ts->block_hooks by an embedder that wants to know when a thread
 * blocks: `blocking` runs after the GIL is dropped, `unblocked` before it
 * is taken again, both on the thread itself and without the GIL. */
typedef struct vm_block_hooks {
  void (*blocking)(void *arg);
  void (*unblocked)(void *arg);
  void *arg;
} vm_block_hooks;

/* Around blocking system calls (sleep, file and socket I/O). */
static inline void vm_blocking_begin(TState *ts) {
  if (ts->gil_thread) vm_gil_release(ts, GIL_RELEASE_IO);
  if (ts->block_hooks) ts->block_hooks->blocking(ts->block_hooks->arg);
}
static inline void vm_blocking_end(TState *ts) {
  if (ts->block_hooks) ts->block_hooks->unblocked(ts->block_hooks->arg);
  if (ts->gil_thread) vm_gil_acquire(ts);
}

/* The eval breaker's part: drop and re-take if another thread asked. */
void vm_gil_eval_breaker(TState *ts);

/* sys.setswitchinterval */
void vm_gil_set_interval(Interp *in, double seconds);

#endif
