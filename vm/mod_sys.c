/*
 * mod_sys.c - the sys module: argv, exit, the standard streams, and the
 * interpreter's knobs (recursion limit, GIL switch interval).
 */
#include <stdint.h>

#include "file.h"
#include "modules.h"
#include "vm_gil.h"

static int sys_exit(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  (void)out;
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "exit() takes no keyword arguments");
  if (nargs > 1)
    return vm_raise(ts, &TypeError_Type, "exit expected at most 1 argument, got %d", nargs);
  Obj *t = nargs ? tuple_pack(ts, 1, args[0]) : tuple_new(ts, 0);
  if (!t) return -1;
  Obj *exc = exc_new(ts, &SystemExit_Type, t);
  obj_decref(t);
  if (!exc) return -1;
  vm_raise_value(ts, v_obj(exc));
  obj_decref(exc);
  return -1;
}

/* Immediates are never counted; report them like an immortal object. */
static int sys_getrefcount(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  (void)self;
  if (module_one_arg(ts, "sys.getrefcount", nargs, kwargs) < 0) return -1;
  *out = v_int(v_is_obj(args[0]) ? (int64_t)args[0].as.o->refcnt : (int64_t)IMMORTAL_REFCNT);
  return 0;
}

static int sys_getswitchinterval(TState *ts, Value self, const Value *args, int nargs,
                                 Obj *kwargs, Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "sys.getswitchinterval", nargs, kwargs) < 0) return -1;
  *out = v_float(atomic_load(&ts->interp->switch_interval_s));
  return 0;
}

static int sys_setswitchinterval(TState *ts, Value self, const Value *args, int nargs,
                                 Obj *kwargs, Value *out) {
  (void)self;
  double s;
  if (module_one_arg(ts, "sys.setswitchinterval", nargs, kwargs) < 0) return -1;
  if (module_real_arg(ts, args[0], &s) < 0) return -1;
  if (!(s > 0.0)) return vm_raise(ts, &ValueError_Type, "switch interval must be strictly positive");
  /* Stores the value (read by getswitchinterval) and gives it to the GIL. */
  vm_gil_set_interval(ts->interp, s);
  *out = v_none();
  return 0;
}

static int sys_getrecursionlimit(TState *ts, Value self, const Value *args, int nargs,
                                 Obj *kwargs, Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "sys.getrecursionlimit", nargs, kwargs) < 0) return -1;
  *out = v_int(ts->interp->recursion_limit);
  return 0;
}

static int sys_setrecursionlimit(TState *ts, Value self, const Value *args, int nargs,
                                 Obj *kwargs, Value *out) {
  (void)self;
  if (module_one_arg(ts, "sys.setrecursionlimit", nargs, kwargs) < 0) return -1;
  Value v = args[0];
  if (!v_is_int(v) && !v_is_bool(v))
    return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                    v_type(v)->name);
  if (v.as.i < 1)
    return vm_raise(ts, &ValueError_Type, "recursion limit must be greater or equal than 1");
  if (v.as.i > INT32_MAX)
    return vm_raise(ts, &OverflowError_Type, "Python int too large to convert to C int");
  /* CPython refuses a limit the current depth already exceeds. */
  int depth = vm_recursion_depth(ts);
  if (v.as.i <= depth)
    return vm_raise(ts, &RecursionError_Type,
                    "cannot set the recursion limit to %d at the recursion depth %d: the limit is "
                    "too low", (int)v.as.i, depth);
  ts->interp->recursion_limit = (int)v.as.i;
  *out = v_none();
  return 0;
}

static const MethodDef sys_functions[] = {
    {"exit", sys_exit},
    {"getrefcount", sys_getrefcount},
    {"getswitchinterval", sys_getswitchinterval},
    {"setswitchinterval", sys_setswitchinterval},
    {"getrecursionlimit", sys_getrecursionlimit},
    {"setrecursionlimit", sys_setrecursionlimit},
    {NULL, NULL},
};

static int sys_init(TState *ts, Obj *m) {
  Interp *in = ts->interp;
  if (module_add_functions(ts, m, sys_functions) < 0) return -1;
  Obj *out = file_std_stream(ts, 1), *err = file_std_stream(ts, 2);
  if (module_add(ts, m, "stdout", v_obj(out)) < 0 || module_add(ts, m, "stderr", v_obj(err)) < 0 ||
      module_add(ts, m, "__stdout__", v_obj(out)) < 0 ||
      module_add(ts, m, "__stderr__", v_obj(err)) < 0)
    return -1;
  if (in->argv && module_add(ts, m, "argv", v_obj(in->argv)) < 0) return -1;
  if (in->modules && module_add(ts, m, "modules", v_obj(in->modules)) < 0) return -1;
  if (module_add(ts, m, "maxsize", v_int(INT64_MAX)) < 0) return -1;
  if (module_add_obj(ts, m, "platform", str_from_cstr(ts, "linux")) < 0) return -1;
  return module_add_obj(ts, m, "byteorder", str_from_cstr(ts, "little"));
}

const NativeModuleDef mod_sys_def = {"sys", sys_init};
