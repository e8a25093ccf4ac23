/*
 * mod_threading.c - the threading module: Thread, Lock, RLock,
 * current_thread, as CPython 3.11 behaves.
 *
 * A started Thread is a pthread with its own TState attached to the GIL. It
 * takes the GIL, runs target(*args, **kwargs), prints an uncaught exception
 * the way CPython's threading.excepthook does, and gives the GIL up for good
 * (GIL_RELEASE_DONE). Every wait here (join, Lock.acquire, start waiting for
 * the new thread to run) happens with the GIL released, on a pthread mutex
 * and condition variable that are not VM objects: holding the GIL while
 * blocking would stop every other thread, including the one being waited
 * for.
 *
 * Thread objects live in a registry while they run (the registry holds a
 * reference), so `gild run` can join the non-daemon ones at exit and a
 * forked child can forget the ones that did not come along. The registry and
 * the Thread-N counter are process-wide, like CPython's `threading._active`;
 * they are only touched with the GIL held.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mod_threading.h"
#include "modules.h"
#include "objimpl.h"
#include "vm_gil.h"

/* The C stack of a thread, the size of a main thread's default stack: the
 * interpreter recurses on the C stack once per Python call. */
#define THREAD_STACK_BYTES (8u << 20)

/* ---- waiting with the GIL released -------------------------------------------------------- */

/* A condition variable on CLOCK_MONOTONIC, so a timeout survives clock changes. */
static void cond_init_monotonic(pthread_cond_t *cv) {
  pthread_condattr_t a;
  pthread_condattr_init(&a);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  pthread_cond_init(cv, &a);
  pthread_condattr_destroy(&a);
}

static struct timespec deadline_after(double secs) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  if (secs > 1e9) secs = 1e9;
  time_t whole = (time_t)secs;
  long ns = t.tv_nsec + (long)((secs - (double)whole) * 1e9);
  t.tv_sec += whole + ns / 1000000000;
  t.tv_nsec = ns % 1000000000;
  return t;
}

/* Waits on cv (mu held) until *flag == want; timeout < 0 waits forever.
 * Returns whether the flag got there. */
static bool wait_flag(pthread_mutex_t *mu, pthread_cond_t *cv, const bool *flag, bool want,
                      double timeout) {
  struct timespec dl = timeout >= 0 ? deadline_after(timeout) : (struct timespec){0, 0};
  while (*flag != want) {
    if (timeout < 0) pthread_cond_wait(cv, mu);
    else if (pthread_cond_timedwait(cv, mu, &dl) != 0 && *flag != want) return false;
  }
  return true;
}

/* ---- the GIL, created on first use ------------------------------------------------------- */

int threading_ensure_gil(TState *ts) {
  Interp *in = ts->interp;
  if (!in->gil &&
      vm_gil_create(in, GIL_POLICY_CPYTHON, atomic_load(&in->switch_interval_s)) < 0)
    return vm_raise_nomem(ts);
  if (!ts->gil_thread) {
    if (vm_gil_attach(ts, "MainThread") < 0) return vm_raise_nomem(ts);
    vm_gil_acquire(ts);
  }
  return 0;
}

/* ---- Thread objects ---------------------------------------------------------------------- */

typedef struct ThreadObj {
  Obj ob;
  Value target;
  Obj *args;   /* tuple */
  Obj *kwargs; /* dict or NULL */
  Obj *name;   /* str */
  bool daemon, is_main, is_dummy;
  bool started; /* start() was called */
  /* Written under mu by the thread itself, read by waiters without the GIL. */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool running, done;
  int64_t ident, native_id;
  TState *ts; /* the new thread's state, handed over by start() */
  struct ThreadObj *reg_next;
} ThreadObj;

extern Type ThreadType;

static ThreadObj *registry;        /* started, not yet finished; holds a reference each */
static ThreadObj *main_thread;     /* lazily built, one reference held here */
static TState *main_ts;            /* the main thread's state; NULL: interp->boot_ts */
static int thread_counter, dummy_counter;

/* Non-daemon threads that have not yet let go of the GIL for good. A Thread
 * is done for join() while it still holds the GIL; the exit path must wait
 * until it no longer touches the GIL at all, so it counts these instead. */
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cv = PTHREAD_COND_INITIALIZER;
static int live_nondaemon;
/* Every thread started here that has not let go of the GIL for good. */
static _Atomic int live_all;

static void live_add(bool daemon, int delta) {
  atomic_fetch_add(&live_all, delta);
  if (daemon) return;
  pthread_mutex_lock(&live_mu);
  live_nondaemon += delta;
  if (live_nondaemon == 0) pthread_cond_broadcast(&live_cv);
  pthread_mutex_unlock(&live_mu);
}

bool threading_others_alive(void) { return atomic_load(&live_all) > 0; }
static _Thread_local ThreadObj *current; /* borrowed: the registry keeps it alive */

static int64_t self_ident(void) { return (int64_t)(uintptr_t)pthread_self(); }

static ThreadObj *thread_alloc(TState *ts, Obj *name) {
  ThreadObj *t = (ThreadObj *)vm_alloc(ts, &ThreadType, sizeof(ThreadObj));
  if (!t) return NULL;
  t->target = v_none();
  t->args = NULL;
  t->kwargs = NULL;
  t->name = name;
  obj_incref(name);
  t->daemon = t->is_main = t->is_dummy = t->started = t->running = t->done = false;
  t->ident = t->native_id = 0;
  t->ts = NULL;
  t->reg_next = NULL;
  pthread_mutex_init(&t->mu, NULL);
  cond_init_monotonic(&t->cv);
  return t;
}

static void thread_dealloc(Obj *self) {
  ThreadObj *t = (ThreadObj *)self;
  v_decref(t->target);
  obj_xdecref(t->args);
  obj_xdecref(t->kwargs);
  obj_xdecref(t->name);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  vm_free_obj(self);
}

/* A thread that started outside this module (the main thread, a server
 * worker) is "started" and running from the start. */
static ThreadObj *foreign_thread(TState *ts, const char *name, bool is_main) {
  Obj *s = str_from_cstr(ts, name);
  if (!s) return NULL;
  ThreadObj *t = thread_alloc(ts, s);
  obj_decref(s);
  if (!t) return NULL;
  t->is_main = is_main;
  t->is_dummy = !is_main;
  t->daemon = !is_main;
  t->started = t->running = true;
  t->ident = self_ident();
  t->native_id = gettid();
  return t;
}

static bool is_main_ts(TState *ts) {
  return ts == (main_ts ? main_ts : ts->interp->boot_ts);
}

/* current_thread(): borrowed. */
static ThreadObj *current_thread(TState *ts) {
  if (current) return current;
  if (is_main_ts(ts)) {
    if (!main_thread) main_thread = foreign_thread(ts, "MainThread", true);
    return main_thread;
  }
  /* A thread we did not start: CPython's _DummyThread, kept for the
   * thread's lifetime (the reference is never given back). */
  char name[32];
  snprintf(name, sizeof name, "Dummy-%d", ++dummy_counter);
  current = foreign_thread(ts, name, false);
  return current;
}

static void registry_add(ThreadObj *t) {
  obj_incref(&t->ob);
  t->reg_next = registry;
  registry = t;
}

/* Drops the registry's reference: the caller must not use t afterwards
 * unless it holds its own. */
static void registry_remove(ThreadObj *t) {
  for (ThreadObj **p = &registry; *p; p = &(*p)->reg_next) {
    if (*p == t) {
      *p = t->reg_next;
      t->reg_next = NULL;
      obj_decref(&t->ob);
      return;
    }
  }
}

static bool thread_alive(ThreadObj *t) {
  pthread_mutex_lock(&t->mu);
  bool alive = t->started && !t->done;
  pthread_mutex_unlock(&t->mu);
  return alive;
}

/* How often a join looks for Ctrl-C: a condition variable cannot be
 * signalled from a signal handler, so the wait comes back this often. */
#define JOIN_INTERRUPT_CHECK_S 0.1

static double monotonic_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Waits until t has finished (timeout < 0: for as long as it takes), with
 * the GIL released; t must be kept alive by the caller. With
 * `interruptible`, an async exception left for this thread (Ctrl-C under
 * `gild run` sets one on the main thread) ends the wait and is raised, as
 * CPython's join raises KeyboardInterrupt: -1. */
static int thread_wait_done(TState *ts, ThreadObj *t, double timeout, bool interruptible) {
  pthread_mutex_lock(&t->mu);
  bool done = t->done;
  pthread_mutex_unlock(&t->mu);
  if (done) return 0;
  bool interrupted = false;
  vm_blocking_begin(ts);
  pthread_mutex_lock(&t->mu);
  if (!interruptible) {
    wait_flag(&t->mu, &t->cv, &t->done, true, timeout);
  } else {
    double end = timeout >= 0 ? monotonic_s() + timeout : 0;
    for (;;) {
      double slice = JOIN_INTERRUPT_CHECK_S;
      if (timeout >= 0 && end - monotonic_s() < slice) slice = end - monotonic_s();
      if (slice <= 0 || wait_flag(&t->mu, &t->cv, &t->done, true, slice)) break;
      if (vm_async_exc_pending(ts)) {
        interrupted = true;
        break;
      }
    }
  }
  pthread_mutex_unlock(&t->mu);
  vm_blocking_end(ts);
  return interrupted ? vm_handle_eval_breaker(ts) : 0;
}

/* ---- the started thread ---------------------------------------------------------------- */

/* As threading.excepthook prints it; SystemExit ends the thread silently. */
static void report_uncaught(TState *ts, ThreadObj *t) {
  if (vm_exc_matches(ts, &SystemExit_Type)) {
    vm_exc_clear(ts);
    return;
  }
  fflush(stdout);
  fprintf(stderr, "Exception in thread %s:\n", ((StrObj *)t->name)->data);
  vm_print_exception(ts);
}

static void thread_run_target(TState *ts, ThreadObj *t) {
  if (v_is_none(t->target)) return;
  TupleObj *a = (TupleObj *)t->args;
  Value r;
  if (vm_call(ts, t->target, a->items, (int)a->len, t->kwargs, &r) < 0) report_uncaught(ts, t);
  else v_decref(r);
}

/* The last steps, GIL held: the thread is done for its joiners, its
 * references go, then its state; only then the GIL, with reason DONE. */
static void thread_finish(TState *ts, ThreadObj *t) {
  /* the interpreter may be gone once the GIL is dropped: its GIL is kept */
  gil *gl = ts->interp->gil;
  bool daemon = t->daemon;
  /* CPython deletes target and args after run(), which breaks the cycles a
   * target referring to its own Thread would make. */
  v_set(&t->target, v_none());
  Obj *args = t->args, *kwargs = t->kwargs;
  t->args = t->kwargs = NULL;
  obj_xdecref(args);
  obj_xdecref(kwargs);
  pthread_mutex_lock(&t->mu);
  t->done = true;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  current = NULL;
  registry_remove(t);
  gil_thread *g = ts->gil_thread;
  ts->gil_thread = NULL;
  vm_tstate_free(ts);
  gil_drop(gl, g, GIL_RELEASE_DONE);
  gil_thread_fini(gl, g);
  free(g);
  live_add(daemon, -1);
}

static void *thread_main(void *arg) {
  ThreadObj *t = arg;
  TState *ts = t->ts;
  vm_gil_acquire(ts);
  current = t;
  t->ts = NULL;
  pthread_mutex_lock(&t->mu);
  t->native_id = gettid();
  t->running = true;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  thread_run_target(ts, t);
  thread_finish(ts, t);
  return NULL;
}

static int thread_spawn(TState *ts, ThreadObj *t) {
  TState *nts = vm_tstate_new(ts->interp);
  if (!nts) return vm_raise_nomem(ts);
  if (vm_gil_attach(nts, ((StrObj *)t->name)->data) < 0) {
    vm_tstate_free(nts);
    return vm_raise_nomem(ts);
  }
  t->ts = nts;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, THREAD_STACK_BYTES);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t tid;
  registry_add(t);
  live_add(t->daemon, 1);
  int rc = pthread_create(&tid, &attr, thread_main, t);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    live_add(t->daemon, -1);
    t->ts = NULL;
    vm_gil_detach(nts);
    vm_tstate_free(nts);
    registry_remove(t);
    return vm_raise(ts, &RuntimeError_Type, "can't start new thread");
  }
  t->ident = (int64_t)(uintptr_t)tid;
  return 0;
}

/* ---- Thread's methods ------------------------------------------------------------------ */

static int thread_start(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  ThreadObj *t = (ThreadObj *)self.as.o;
  if (vm_parse_args(ts, "start", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (t->started) return vm_raise(ts, &RuntimeError_Type, "threads can only be started once");
  if (threading_ensure_gil(ts) < 0) return -1;
  t->started = true;
  if (thread_spawn(ts, t) < 0) {
    t->started = false;
    return -1;
  }
  /* Like CPython, start() returns once the new thread runs: it has the GIL
   * first, and this thread waits for it like any other. */
  vm_blocking_begin(ts);
  pthread_mutex_lock(&t->mu);
  wait_flag(&t->mu, &t->cv, &t->running, true, -1);
  pthread_mutex_unlock(&t->mu);
  vm_blocking_end(ts);
  *out = v_none();
  return 0;
}

static int thread_join(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  ThreadObj *t = (ThreadObj *)self.as.o;
  static const char *const names[] = {"timeout"};
  Value a[1];
  double timeout;
  if (vm_parse_args(ts, "join", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (!t->started)
    return vm_raise(ts, &RuntimeError_Type, "cannot join thread before it is started");
  if (t == current_thread(ts)) return vm_raise(ts, &RuntimeError_Type, "cannot join current thread");
  if (module_timeout_arg(ts, a[0], &timeout) < 0) return -1;
  if (thread_wait_done(ts, t, timeout, true) < 0) return -1;
  *out = v_none();
  return 0;
}

static int thread_is_alive(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  if (vm_parse_args(ts, "is_alive", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  *out = v_bool(thread_alive((ThreadObj *)self.as.o));
  return 0;
}

/* run(): the target in the calling thread, as Thread.run does. */
static int thread_run(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  ThreadObj *t = (ThreadObj *)self.as.o;
  if (vm_parse_args(ts, "run", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (!v_is_none(t->target) && t->args) {
    TupleObj *a = (TupleObj *)t->args;
    Value r;
    if (vm_call(ts, t->target, a->items, (int)a->len, t->kwargs, &r) < 0) return -1;
    v_decref(r);
  }
  *out = v_none();
  return 0;
}

static const MethodDef thread_methods[] = {
    {"start", thread_start}, {"join", thread_join}, {"is_alive", thread_is_alive},
    {"run", thread_run},     {NULL, NULL},
};

/* ---- Thread's type slots --------------------------------------------------------------- */

static int thread_default_name(TState *ts, Value target, Obj **out) {
  int n = ++thread_counter;
  Value tn;
  if (!v_is_none(target) && vm_getattr(ts, target, str_intern("__name__"), &tn) == 0) {
    Value s;
    int rc = vm_str(ts, tn, &s);
    v_decref(tn);
    if (rc < 0) return -1;
    *out = str_fmt(ts, "Thread-%d (%s)", n, as_str(s)->data);
    v_decref(s);
  } else {
    if (!v_is_none(target)) {
      if (!vm_exc_matches(ts, &AttributeError_Type)) return -1;
      vm_exc_clear(ts);
    }
    *out = str_fmt(ts, "Thread-%d", n);
  }
  return *out ? 0 : -1;
}

int threading_args_tuple(TState *ts, Value v, Obj **out) {
  if (v_is_undef(v)) return (*out = tuple_new(ts, 0)) ? 0 : -1;
  if (v_is_type(v, &TupleType)) {
    obj_incref(v.as.o);
    *out = v.as.o;
    return 0;
  }
  Obj *l;
  if (vm_to_list(ts, v, &l) < 0) return -1;
  *out = tuple_from_array(ts, ((ListObj *)l)->items, ((ListObj *)l)->len);
  obj_decref(l);
  return *out ? 0 : -1;
}

int threading_worker_args(TState *ts, const char *fname, const Value *args, int nargs,
                          Obj *kwargs, Value a[6]) {
  static const char *const names[] = {"group", "target", "name", "args", "kwargs", "daemon"};
  if (vm_parse_args(ts, fname, args, nargs, kwargs, names, 6, 5, 0, a) < 0) return -1;
  if (!v_is_undef(a[0]) && !v_is_none(a[0]))
    return vm_raise(ts, &AssertionError_Type, "group argument must be None for now");
  if (!v_is_undef(a[4]) && !v_is_none(a[4]) && !v_is_type(a[4], &DictType))
    return vm_raise(ts, &TypeError_Type, "argument after ** must be a mapping, not %s",
                    v_type(a[4])->name);
  return 0;
}

static int thread_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  (void)type;
  Value a[6];
  if (threading_worker_args(ts, "Thread", args, nargs, kwargs, a) < 0) return -1;
  Value target = v_is_undef(a[1]) ? v_none() : a[1];
  Obj *name;
  if (!v_is_undef(a[2]) && !v_is_none(a[2])) {
    Value s;
    if (vm_str(ts, a[2], &s) < 0) return -1;
    name = s.as.o;
  } else if (thread_default_name(ts, target, &name) < 0) {
    return -1;
  }
  ThreadObj *t = thread_alloc(ts, name);
  obj_decref(name);
  if (!t) return -1;
  t->target = v_incref(target);
  if (threading_args_tuple(ts, a[3], &t->args) < 0) {
    obj_decref(&t->ob);
    return -1;
  }
  if (v_is_type(a[4], &DictType)) {
    t->kwargs = a[4].as.o;
    obj_incref(t->kwargs);
  }
  if (!v_is_undef(a[5]) && !v_is_none(a[5])) {
    int d = vm_truthy(ts, a[5]);
    if (d < 0) {
      obj_decref(&t->ob);
      return -1;
    }
    t->daemon = d;
  } else {
    ThreadObj *cur = current_thread(ts);
    t->daemon = cur ? cur->daemon : false;
  }
  *out = v_obj(&t->ob);
  return 0;
}

static int thread_repr(TState *ts, Value self, Value *out) {
  ThreadObj *t = (ThreadObj *)self.as.o;
  const char *status = !t->started ? "initial" : thread_alive(t) ? "started" : "stopped";
  char rest[64] = "";
  if (t->started) snprintf(rest, sizeof rest, " %lld", (long long)t->ident);
  Obj *s = str_fmt(ts, "<%s(%s, %s%s%s)>", t->is_main ? "_MainThread"
                                               : t->is_dummy ? "_DummyThread" : "Thread",
                   ((StrObj *)t->name)->data, status, t->daemon ? " daemon" : "", rest);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int thread_getattr(TState *ts, Value self, Obj *name, Value *out) {
  ThreadObj *t = (ThreadObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "name") == 0) {
    obj_incref(t->name);
    *out = v_obj(t->name);
  } else if (strcmp(n, "daemon") == 0) {
    *out = v_bool(t->daemon);
  } else if (strcmp(n, "ident") == 0 || strcmp(n, "native_id") == 0) {
    pthread_mutex_lock(&t->mu);
    int64_t id = n[0] == 'i' ? t->ident : t->native_id;
    pthread_mutex_unlock(&t->mu);
    *out = t->started && id ? v_int(id) : v_none();
  } else {
    Obj *m = type_lookup_method(&ThreadType, name);
    if (!m)
      return vm_raise(ts, &AttributeError_Type, "'Thread' object has no attribute '%s'", n);
    Obj *b = builtin_new(ts, ((BuiltinObj *)m)->def, self, NULL);
    if (!b) return -1;
    *out = v_obj(b);
  }
  return 0;
}

static int thread_setattr(TState *ts, Value self, Obj *name, Value val) {
  ThreadObj *t = (ThreadObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "name") == 0) {
    Value s;
    if (vm_str(ts, val, &s) < 0) return -1;
    obj_decref(t->name);
    t->name = s.as.o;
    return 0;
  }
  if (strcmp(n, "daemon") == 0) {
    if (t->started)
      return vm_raise(ts, &RuntimeError_Type, "cannot set daemon status of active thread");
    int d = vm_truthy(ts, val);
    if (d < 0) return -1;
    t->daemon = d;
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "'Thread' object has no attribute '%s'", n);
}

Type ThreadType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "Thread",
    .dealloc = thread_dealloc,
    .construct = thread_construct,
    .repr = thread_repr,
    .getattr = thread_getattr,
    .setattr = thread_setattr,
    .methods = thread_methods,
};

/* ---- Lock and RLock ------------------------------------------------------------------- */

typedef struct LockObj {
  Obj ob;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool locked;
  /* RLock only: the owner and its recursion depth. */
  pthread_t owner;
  int64_t count;
} LockObj;

extern Type LockType, RLockType;

static int lock_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  if (vm_parse_args(ts, type == &LockType ? "allocate_lock" : "RLock", args, nargs, kwargs, NULL,
                    0, 0, 0, NULL) < 0)
    return -1;
  LockObj *l = (LockObj *)vm_alloc(ts, type, sizeof(LockObj));
  if (!l) return -1;
  pthread_mutex_init(&l->mu, NULL);
  cond_init_monotonic(&l->cv);
  l->locked = false;
  l->count = 0;
  *out = v_obj(&l->ob);
  return 0;
}

static void lock_dealloc(Obj *self) {
  LockObj *l = (LockObj *)self;
  pthread_mutex_destroy(&l->mu);
  pthread_cond_destroy(&l->cv);
  vm_free_obj(self);
}

/* Takes the lock: at once if it is free, else (when blocking) waiting with
 * the GIL released. Returns whether it was taken. */
static bool lock_take(TState *ts, LockObj *l, bool blocking, double timeout) {
  pthread_mutex_lock(&l->mu);
  bool got = !l->locked;
  l->locked = true;
  pthread_mutex_unlock(&l->mu);
  if (got || !blocking) return got;
  vm_blocking_begin(ts);
  pthread_mutex_lock(&l->mu);
  got = wait_flag(&l->mu, &l->cv, &l->locked, false, timeout);
  if (got) l->locked = true;
  pthread_mutex_unlock(&l->mu);
  vm_blocking_end(ts);
  return got;
}

static void lock_give(LockObj *l) {
  pthread_mutex_lock(&l->mu);
  l->locked = false;
  pthread_cond_signal(&l->cv);
  pthread_mutex_unlock(&l->mu);
}

/* acquire(blocking=True, timeout=-1), with _thread's argument checks. */
static int acquire_args(TState *ts, const Value *args, int nargs, Obj *kwargs, bool *blocking,
                        double *timeout) {
  static const char *const names[] = {"blocking", "timeout"};
  Value a[2];
  if (vm_parse_args(ts, "acquire", args, nargs, kwargs, names, 2, 2, 0, a) < 0) return -1;
  *blocking = true;
  *timeout = -1;
  if (!v_is_undef(a[0])) {
    int b = vm_truthy(ts, a[0]);
    if (b < 0) return -1;
    *blocking = b;
  }
  if (!v_is_undef(a[1]) && module_real_arg(ts, a[1], timeout) < 0) return -1;
  if (!*blocking && *timeout != -1)
    return vm_raise(ts, &ValueError_Type, "can't specify a timeout for a non-blocking call");
  if (*timeout < 0 && *timeout != -1)
    return vm_raise(ts, &ValueError_Type, "timeout value must be positive");
  return 0;
}

static bool rlock_mine(LockObj *l) { return l->count > 0 && pthread_equal(l->owner, pthread_self()); }

static int lock_acquire(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  LockObj *l = (LockObj *)self.as.o;
  bool blocking;
  double timeout;
  if (acquire_args(ts, args, nargs, kwargs, &blocking, &timeout) < 0) return -1;
  /* An RLock its owner takes again only counts; owner and count are
   * changed with the GIL held, by the owner. */
  if (l->ob.type == &RLockType && rlock_mine(l)) {
    l->count++;
    *out = v_bool(true);
    return 0;
  }
  bool got = lock_take(ts, l, blocking, timeout);
  if (got && l->ob.type == &RLockType) {
    l->owner = pthread_self();
    l->count = 1;
  }
  *out = v_bool(got);
  return 0;
}

static int lock_release(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  LockObj *l = (LockObj *)self.as.o;
  if (vm_parse_args(ts, "release", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (l->ob.type == &RLockType) {
    if (!rlock_mine(l)) return vm_raise(ts, &RuntimeError_Type, "cannot release un-acquired lock");
    if (--l->count == 0) lock_give(l);
  } else {
    pthread_mutex_lock(&l->mu);
    bool was = l->locked;
    pthread_mutex_unlock(&l->mu);
    if (!was) return vm_raise(ts, &RuntimeError_Type, "release unlocked lock");
    lock_give(l);
  }
  *out = v_none();
  return 0;
}

static int lock_locked(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  LockObj *l = (LockObj *)self.as.o;
  if (vm_parse_args(ts, "locked", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  pthread_mutex_lock(&l->mu);
  *out = v_bool(l->locked);
  pthread_mutex_unlock(&l->mu);
  return 0;
}

static int lock_exit(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)args;
  (void)nargs;
  (void)kwargs;
  return lock_release(ts, self, NULL, 0, NULL, out);
}

static int lock_repr(TState *ts, Value self, Value *out) {
  LockObj *l = (LockObj *)self.as.o;
  Obj *s;
  pthread_mutex_lock(&l->mu);
  bool locked = l->locked;
  pthread_mutex_unlock(&l->mu);
  if (l->ob.type == &RLockType)
    s = str_fmt(ts, "<%s _thread.RLock object owner=%lld count=%lld at %p>",
                locked ? "locked" : "unlocked", locked ? (long long)(uintptr_t)l->owner : 0LL,
                (long long)l->count, (void *)l);
  else
    s = str_fmt(ts, "<%s _thread.lock object at %p>", locked ? "locked" : "unlocked", (void *)l);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static const MethodDef lock_methods[] = {
    {"acquire", lock_acquire}, {"release", lock_release}, {"locked", lock_locked},
    {"__enter__", lock_acquire}, {"__exit__", lock_exit}, {NULL, NULL},
};

Type LockType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "_thread.lock",
    .dealloc = lock_dealloc,
    .construct = lock_construct,
    .repr = lock_repr,
    .methods = lock_methods,
};

Type RLockType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "_thread.RLock",
    .dealloc = lock_dealloc,
    .construct = lock_construct,
    .repr = lock_repr,
    .methods = lock_methods,
};

/* ---- module functions ----------------------------------------------------------------- */

static int fn_current_thread(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                             Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "current_thread", nargs, kwargs) < 0) return -1;
  ThreadObj *t = current_thread(ts);
  if (!t) return -1;
  obj_incref(&t->ob);
  *out = v_obj(&t->ob);
  return 0;
}

static int fn_main_thread(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "main_thread", nargs, kwargs) < 0) return -1;
  if (!main_thread) {
    if (!is_main_ts(ts)) return vm_raise(ts, &RuntimeError_Type, "main thread unknown");
    if (!current_thread(ts)) return -1;
  }
  obj_incref(&main_thread->ob);
  *out = v_obj(&main_thread->ob);
  return 0;
}

/* The live threads: the main thread, the calling dummy thread if any, and
 * every started thread still running. */
static int live_threads(TState *ts, Obj **out) {
  ThreadObj *cur = current_thread(ts);
  if (!cur) return -1;
  Obj *l = list_new(ts, 0);
  if (!l) return -1;
  if (main_thread && list_append(ts, l, v_obj(&main_thread->ob)) < 0) goto fail;
  if (cur->is_dummy && list_append(ts, l, v_obj(&cur->ob)) < 0) goto fail;
  for (ThreadObj *t = registry; t; t = t->reg_next)
    if (thread_alive(t) && list_append(ts, l, v_obj(&t->ob)) < 0) goto fail;
  *out = l;
  return 0;
fail:
  obj_decref(l);
  return -1;
}

static int fn_enumerate(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "enumerate", nargs, kwargs) < 0) return -1;
  Obj *l;
  if (live_threads(ts, &l) < 0) return -1;
  *out = v_obj(l);
  return 0;
}

static int fn_active_count(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "active_count", nargs, kwargs) < 0) return -1;
  Obj *l;
  if (live_threads(ts, &l) < 0) return -1;
  *out = v_int((int64_t)((ListObj *)l)->len);
  obj_decref(l);
  return 0;
}

static int fn_get_ident(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "get_ident", nargs, kwargs) < 0) return -1;
  *out = v_int(self_ident());
  return 0;
}

static int fn_get_native_id(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "get_native_id", nargs, kwargs) < 0) return -1;
  *out = v_int(gettid());
  return 0;
}

static const MethodDef threading_functions[] = {
    {"current_thread", fn_current_thread}, {"main_thread", fn_main_thread},
    {"enumerate", fn_enumerate},           {"active_count", fn_active_count},
    {"get_ident", fn_get_ident},           {"get_native_id", fn_get_native_id},
    {NULL, NULL},
};

/* ---- exit and fork -------------------------------------------------------------------- */

/* The first live non-daemon thread, with a new reference, or NULL. */
static ThreadObj *next_to_join(void) {
  for (ThreadObj *t = registry; t; t = t->reg_next) {
    if (!t->daemon && thread_alive(t)) {
      obj_incref(&t->ob);
      return t;
    }
  }
  return NULL;
}

int threading_join_all(TState *ts) {
  ThreadObj *t;
  /* Bounded by the threads that exist: each pass waits for one to finish,
   * and a finished thread never becomes alive again. Threads started
   * meanwhile by other threads are joined too, as in CPython. */
  while ((t = next_to_join())) {
    thread_wait_done(ts, t, -1, false);
    obj_decref(&t->ob);
  }
  /* ... and until the last of them has let go of the GIL for good */
  vm_blocking_begin(ts);
  pthread_mutex_lock(&live_mu);
  while (live_nondaemon > 0) pthread_cond_wait(&live_cv, &live_mu);
  pthread_mutex_unlock(&live_mu);
  vm_blocking_end(ts);
  return multiprocessing_join_children(ts);
}

/* Around fork(2), as gil_before_fork does for the GIL's locks: the
 * registry's and each running thread's mutex are held across it (the
 * forking thread holds the GIL, so the registry stands still), so the
 * child's copies are in a quiet state and its re-creation of them races
 * with nothing. */
void threading_before_fork(void) {
  pthread_mutex_lock(&live_mu);
  for (ThreadObj *t = registry; t; t = t->reg_next) pthread_mutex_lock(&t->mu);
}

static void fork_unlock(void) {
  for (ThreadObj *t = registry; t; t = t->reg_next) pthread_mutex_unlock(&t->mu);
  pthread_mutex_unlock(&live_mu);
}

void threading_after_fork_parent(void) { fork_unlock(); }

void threading_after_fork_child(TState *ts) {
  ThreadObj *self = current;
  fork_unlock();
  pthread_mutex_init(&live_mu, NULL);
  pthread_cond_init(&live_cv, NULL);
  live_nondaemon = 0;
  atomic_store(&live_all, 0);
  /* The other threads did not come along: stopped, forgotten. Their mutexes
   * may have been held at the fork, so they are made afresh. */
  while (registry) {
    ThreadObj *t = registry;
    pthread_mutex_init(&t->mu, NULL);
    cond_init_monotonic(&t->cv);
    if (t != self) t->done = true;
    registry = t->reg_next;
    t->reg_next = NULL;
    if (t != self) obj_decref(&t->ob);
  }
  if (self) {
    /* the forking thread is the child's main thread now; its registry
     * reference is kept by `current` */
    self->ident = self_ident();
    self->native_id = gettid();
    self->daemon = false;
  }
  main_ts = ts;
  if (self && main_thread) {
    obj_decref(&main_thread->ob);
    main_thread = self;
  } else if (main_thread) {
    main_thread->ident = self_ident();
    main_thread->native_id = gettid();
  }
}

static int threading_init(TState *ts, Obj *m) {
  if (module_add_functions(ts, m, threading_functions) < 0) return -1;
  if (module_add(ts, m, "Thread", v_obj(&ThreadType.ob)) < 0 ||
      module_add(ts, m, "Lock", v_obj(&LockType.ob)) < 0 ||
      module_add(ts, m, "RLock", v_obj(&RLockType.ob)) < 0)
    return -1;
  return module_add(ts, m, "TIMEOUT_MAX", v_float(9223372036.0));
}

const NativeModuleDef mod_threading_def = {"threading", threading_init};
