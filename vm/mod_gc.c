/*
 * mod_gc.c - the gc module: collect, enable, disable, isenabled.
 */
#include "gc.h"
#include "modules.h"

static int gcm_collect(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)self;
  static const char *const names[] = {"generation"};
  Value a[1];
  if (vm_parse_args(ts, "collect", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (!v_is_undef(a[0])) {
    if (!v_is_int(a[0]) && !v_is_bool(a[0]))
      return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                      v_type(a[0])->name);
    if (a[0].as.i < 0 || a[0].as.i > 2) return vm_raise(ts, &ValueError_Type, "invalid generation");
  }
  int64_t n = gc_collect(ts);
  if (n < 0) return -1;
  *out = v_int(n);
  return 0;
}

static int gcm_enable(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "gc.enable", nargs, kwargs) < 0) return -1;
  gc_set_enabled(ts, true);
  *out = v_none();
  return 0;
}

static int gcm_disable(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "gc.disable", nargs, kwargs) < 0) return -1;
  gc_set_enabled(ts, false);
  *out = v_none();
  return 0;
}

static int gcm_isenabled(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "gc.isenabled", nargs, kwargs) < 0) return -1;
  *out = v_bool(gc_is_enabled(ts));
  return 0;
}

static const MethodDef gc_functions[] = {
    {"collect", gcm_collect},
    {"enable", gcm_enable},
    {"disable", gcm_disable},
    {"isenabled", gcm_isenabled},
    {NULL, NULL},
};

static int gcm_init(TState *ts, Obj *m) { return module_add_functions(ts, m, gc_functions); }

const NativeModuleDef mod_gc_def = {"gc", gcm_init};
