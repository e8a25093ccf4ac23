/*
 * mod_time.c - the time module: clocks and sleep.
 *
 * sleep blocks in exactly one place, sleep_blocking, and the GIL is
 * released around it (issue 4): other threads run bytecode while this one
 * sleeps. time.sleep(0) does not sleep at all; as in CPython it is the
 * idiom for "let another thread run", so it drops the GIL as a voluntary
 * yield (GIL_RELEASE_YIELD, counted apart from I/O) and takes it back.
 */
#include <errno.h>
#include <math.h>
#include <time.h>

#include "modules.h"
#include "vm_gil.h"

static int64_t clock_ns(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The blocking call: nanosleep, resumed after signals for the remainder,
 * unless the signal left this thread an async exception (Ctrl-C under
 * `gild run`): then the sleep ends early, as CPython's does. Reads only the
 * thread's atomic flags, no VM object. */
static void sleep_blocking(TState *ts, double secs) {
  struct timespec req, rem;
  req.tv_sec = (time_t)secs;
  req.tv_nsec = (long)((secs - (double)req.tv_sec) * 1e9);
  if (req.tv_nsec >= 1000000000) req.tv_nsec = 999999999;
  while (nanosleep(&req, &rem) != 0 && errno == EINTR) {
    if (vm_async_exc_pending(ts)) return;
    req = rem;
  }
}

static int clock_value(TState *ts, const char *qualname, int nargs, Obj *kwargs, clockid_t id,
                       bool ns, Value *out) {
  if (module_no_args(ts, qualname, nargs, kwargs) < 0) return -1;
  int64_t t = clock_ns(id);
  *out = ns ? v_int(t) : v_float((double)t / 1e9);
  return 0;
}

#define CLOCK_FN(fn, qual, id, ns)                                                          \
  static int fn(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,          \
                Value *out) {                                                               \
    (void)self;                                                                             \
    (void)args;                                                                             \
    return clock_value(ts, qual, nargs, kwargs, id, ns, out);                               \
  }

CLOCK_FN(time_time, "time.time", CLOCK_REALTIME, false)
CLOCK_FN(time_time_ns, "time.time_ns", CLOCK_REALTIME, true)
CLOCK_FN(time_monotonic, "time.monotonic", CLOCK_MONOTONIC, false)
CLOCK_FN(time_monotonic_ns, "time.monotonic_ns", CLOCK_MONOTONIC, true)
CLOCK_FN(time_perf_counter, "time.perf_counter", CLOCK_MONOTONIC, false)
CLOCK_FN(time_perf_counter_ns, "time.perf_counter_ns", CLOCK_MONOTONIC, true)
CLOCK_FN(time_process_time, "time.process_time", CLOCK_PROCESS_CPUTIME_ID, false)

static int time_sleep(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  if (module_one_arg(ts, "time.sleep", nargs, kwargs) < 0) return -1;
  Value v = args[0];
  double secs;
  if (v_is_float(v)) secs = v.as.f;
  else if (v_is_int(v) || v_is_bool(v)) secs = (double)v.as.i;
  else
    return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                    v_type(v)->name);
  if (isnan(secs)) return vm_raise(ts, &ValueError_Type, "Invalid value NaN (not a number)");
  if (secs < 0) return vm_raise(ts, &ValueError_Type, "sleep length must be non-negative");
  if (secs > 9.2e9)
    return vm_raise(ts, &OverflowError_Type, "timestamp too large to convert to C _PyTime_t");
  if (secs == 0) {
    vm_gil_release(ts, GIL_RELEASE_YIELD);
    vm_gil_acquire(ts);
  } else {
    /* secs is a C double: nothing of the VM is touched while we sleep. */
    vm_blocking_begin(ts);
    sleep_blocking(ts, secs);
    vm_blocking_end(ts);
    /* KeyboardInterrupt is raised by the sleep itself, as in CPython */
    if (vm_async_exc_pending(ts) && vm_handle_eval_breaker(ts) < 0) return -1;
  }
  *out = v_none();
  return 0;
}

static const MethodDef time_functions[] = {
    {"time", time_time},
    {"time_ns", time_time_ns},
    {"monotonic", time_monotonic},
    {"monotonic_ns", time_monotonic_ns},
    {"perf_counter", time_perf_counter},
    {"perf_counter_ns", time_perf_counter_ns},
    {"process_time", time_process_time},
    {"sleep", time_sleep},
    {NULL, NULL},
};

static int time_init(TState *ts, Obj *m) { return module_add_functions(ts, m, time_functions); }

const NativeModuleDef mod_time_def = {"time", time_init};
