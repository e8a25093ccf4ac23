/*
 * mod_threading.h - the threading module's hooks for the rest of the VM:
 * what `gild run` does at exit, and what a forked child does about the
 * threads that did not come along (mod_multiprocessing.c).
 */
#ifndef GILD_MOD_THREADING_H
#define GILD_MOD_THREADING_H

#include "vm.h"

extern const NativeModuleDef mod_threading_def, mod_multiprocessing_def;

/* CPython's threading._shutdown plus multiprocessing's exit function: the
 * main thread, holding the GIL, waits for every non-daemon thread to
 * finish (with the GIL released while it waits), terminates daemonic child
 * processes and joins the other children. Call it before the interpreter
 * is freed. Returns 0 (nothing here can fail once threads are running). */
int threading_join_all(TState *ts);

/* After threading_join_all: whether daemon threads are still running (or
 * waiting for the GIL). If so the interpreter must not be freed, nor the
 * GIL released or destroyed, since they would run on freed objects: the
 * exit path then flushes and exits holding the GIL, as CPython leaves its
 * daemon threads frozen. */
bool threading_others_alive(void);

/* In a child process right after fork(2), on the only thread there, which
 * holds the GIL: every other thread is marked stopped and forgotten, and
 * the calling thread becomes the child's main thread. */
void threading_before_fork(void);
void threading_after_fork_parent(void);
void threading_after_fork_child(TState *ts);

/* The multiprocessing half of threading_join_all (mod_multiprocessing.c). */
int multiprocessing_join_children(TState *ts);
/* In a forked child: it has no children of its own yet. */
void multiprocessing_after_fork_child(void);

/* The GIL for a program that starts its first thread or process before
 * `gild run` made one: created with the CPython policy and the current
 * switch interval, the calling thread attached as "MainThread" and holding
 * it. Returns 0 or -1 with MemoryError raised. */
int threading_ensure_gil(TState *ts);

/* Thread(...) and Process(...) take the same parameters (group, target, name,
 * args, kwargs, daemon): binds them to a[6] and makes the checks both make
 * (group must be None, kwargs a dict or None). fname names the callable in
 * messages. */
int threading_worker_args(TState *ts, const char *fname, const Value *args, int nargs,
                          Obj *kwargs, Value a[6]);
/* The args= argument as a tuple: () when absent, a tuple as it is, any other
 * iterable copied. */
int threading_args_tuple(TState *ts, Value v, Obj **out);

#endif
