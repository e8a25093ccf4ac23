/*
 * vm.h - interpreter-wide state (Interp, shared by every thread) and the
 * per-OS-thread state (TState: its own value stack and frames).
 *
 * Objects and globals are shared between threads; only a thread holding the
 * GIL touches them. What other threads or the server read without the GIL
 * (eval_breaker, counters) is atomic.
 */
#ifndef GILD_VM_H
#define GILD_VM_H

#include <stdatomic.h>
#include <stdio.h>
#include "object.h"

/* Bits of the eval breaker, checked on loop back-edges and calls. */
enum {
  EB_GIL_DROP_REQUEST = 1u << 0, /* another thread wants the GIL */
  EB_ASYNC_EXC = 1u << 1,        /* a pending async exception (handler timeout) */
  EB_GC = 1u << 2,               /* allocation threshold reached */
};

typedef struct Frame Frame; /* interp.c */

/* A native module: `init` fills the module's dict. */
typedef struct NativeModuleDef {
  const char *name;                                  /* "math", "os.path" */
  int (*init)(TState *ts, Obj *module);
} NativeModuleDef;

struct Interp {
  Obj *builtins;      /* dict: name -> value */
  Obj *modules;       /* dict: name -> module (sys.modules) */
  Obj *argv;          /* list of str */
  char *script_dir;   /* directory imports are searched in */
  int recursion_limit;             /* default 1000 */
  _Atomic double switch_interval_s;/* default 0.005 */
  _Atomic uint32_t eval_breaker;   /* EB_* bits shared by all threads */
  struct gil *gil;                 /* gil.h; NULL: single-threaded, no lock */
  void *gc_state;                  /* gc.c */
  TState *boot_ts;    /* the thread state that built the interpreter; kept
                         for lazily built method tables (types.c) */
  /* The native tier (native.c): on unless GILD_NATIVE=0 or --no-native;
   * calls started natively, finished natively, and bailed out. */
  bool native_enabled;
  _Atomic uint64_t native_entered, native_done, native_bailed;
  _Atomic uint64_t native_loop_runs; /* entries into a loop region */
};

struct TState {
  Interp *interp;
  Value *stack;       /* value stack, grows up */
  Value *stack_end;
  Frame *frame;       /* innermost running frame */
  Value exc;          /* exception being raised, T_UNDEF if none */
  Value handled;      /* exception being handled (sys.exc_info, __context__) */
  _Atomic uint32_t pending; /* EB_ASYNC_EXC for this thread */
  Type *async_exc_type;     /* e.g. TimeoutError_Type */
  int thread_id;
  /* The embedder's calls around blocking (vm_gil.h): the server's pool
   * uses them to run another request while this thread waits. */
  const struct vm_block_hooks *block_hooks;
  struct gil_thread *gil_thread; /* this thread's GIL record and counters (vm_gil.c) */
  /* native.c: after the native recursion budget ran out, no native entry
   * from this call depth or deeper until back above it (0: none) */
  int native_deep_from;
};

/* Lifecycle. vm_interp_new creates the builtins and native modules; it is
 * called once per process (or per interpreter later). */
Interp *vm_interp_new(void);
void vm_interp_free(Interp *in);
TState *vm_tstate_new(Interp *in);
void vm_tstate_free(TState *ts);

/* Registry of the native modules (modules.c): `import math` looks here
 * before the script directory. */
const NativeModuleDef *vm_native_module(const char *name);

/* Builtins (builtins.c): fills interp->builtins. */
int vm_builtins_init(TState *ts, Obj *builtins);
/* Exception types (errors.c): registers them into builtins. */
int vm_exceptions_init(TState *ts, Obj *builtins);
/* Builds every Type's method_dict; called once before anything runs. */
int vm_types_init(TState *ts);

/* Prints the current exception in CPython's traceback format to stderr
 * and clears it. */
void vm_print_exception(TState *ts);
/* The same, written to `out` (the server's error log); clears it too. */
void vm_format_exception(TState *ts, FILE *out);

/* Called when the eval breaker is set; returns -1 if an exception was
 * raised (async exception, KeyboardInterrupt). */
/* An async exception (a handler timeout, Ctrl-C under `gild run`) is left
 * for ts; an atomic read, allowed without the GIL (blocking calls end
 * early on it). */
static inline bool vm_async_exc_pending(TState *ts) {
  return (atomic_load_explicit(&ts->pending, memory_order_relaxed) & EB_ASYNC_EXC) != 0;
}
int vm_handle_eval_breaker(TState *ts);

/* Python frames on ts's call chain (what the recursion limit bounds). */
int vm_recursion_depth(TState *ts);

#endif
