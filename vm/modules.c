/*
 * modules.c - the registry of native modules (`import math` finds its
 * NativeModuleDef here before searching the script directory) and the
 * helpers the mod_*.c files share to fill a module's dict.
 */
#include <string.h>

#include "modules.h"
#include "mod_threading.h"

static const NativeModuleDef *const native_modules[] = {
    &mod_sys_def, &mod_time_def, &mod_gc_def, &mod_math_def, &mod_os_def, &mod_os_path_def, &mod_json_def,
    &mod_socket_def, &mod_http_def, &mod_threading_def, &mod_multiprocessing_def,
};

const NativeModuleDef *vm_native_module(const char *name) {
  for (size_t i = 0; i < sizeof native_modules / sizeof native_modules[0]; i++)
    if (strcmp(native_modules[i]->name, name) == 0) return native_modules[i];
  return NULL;
}

int module_add(TState *ts, Obj *module, const char *name, Value v) {
  return dict_set_str(ts, ((ModuleObj *)module)->dict, name, v);
}

int module_add_owned(TState *ts, Obj *module, const char *name, Value v) {
  if (v_is_obj(v) && !v.as.o) return -1;
  int rc = module_add(ts, module, name, v);
  v_decref(v);
  return rc;
}

int module_add_obj(TState *ts, Obj *module, const char *name, Obj *o) {
  if (!o) return -1;
  return module_add_owned(ts, module, name, v_obj(o));
}

int module_add_functions(TState *ts, Obj *module, const MethodDef *defs) {
  ModuleObj *m = (ModuleObj *)module;
  for (const MethodDef *d = defs; d->name; d++) {
    if (module_add_obj(ts, module, d->name, builtin_new(ts, d, v_none(), m->name)) < 0)
      return -1;
  }
  return 0;
}

int module_no_args(TState *ts, const char *qualname, int nargs, Obj *kwargs) {
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", qualname);
  if (nargs)
    return vm_raise(ts, &TypeError_Type, "%s() takes no arguments (%d given)", qualname, nargs);
  return 0;
}

int module_one_arg(TState *ts, const char *qualname, int nargs, Obj *kwargs) {
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", qualname);
  if (nargs != 1)
    return vm_raise(ts, &TypeError_Type, "%s() takes exactly one argument (%d given)", qualname,
                    nargs);
  return 0;
}

int module_real_arg(TState *ts, Value v, double *out) {
  if (v_is_float(v)) *out = v.as.f;
  else if (v_is_int(v) || v_is_bool(v)) *out = (double)v.as.i;
  else return vm_raise(ts, &TypeError_Type, "must be real number, not %s", v_type(v)->name);
  return 0;
}

int module_timeout_arg(TState *ts, Value v, double *out) {
  if (v_is_undef(v) || v_is_none(v)) {
    *out = -1;
    return 0;
  }
  if (module_real_arg(ts, v, out) < 0) return -1;
  if (*out < 0) *out = 0;
  return 0;
}
