/*
 * interp_state.c - creating and destroying the interpreter (shared by all
 * threads) and thread states (one per OS thread, each with its own value
 * stack on which its frames live).
 */
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "gc_state.h"
#include "native.h"
#include "objimpl.h"
#include "vm.h"
#include "vm_gil.h"

/* 1M values (16 MiB of address space, touched only as deep as recursion
 * goes): room for the default recursion limit many times over. */
#define STACK_VALUES (1 << 20)

TState *vm_tstate_new(Interp *in) {
  TState *ts = calloc(1, sizeof(TState));
  if (!ts) return NULL;
  ts->interp = in;
  ts->stack = malloc(sizeof(Value) * STACK_VALUES);
  if (!ts->stack) {
    free(ts);
    return NULL;
  }
  ts->stack_end = ts->stack + STACK_VALUES;
  ts->exc = v_undef();
  ts->handled = v_undef();
  return ts;
}

void vm_tstate_free(TState *ts) {
  if (!ts) return;
  v_decref(ts->exc);
  v_decref(ts->handled);
  free(ts->stack);
  free(ts);
}

Obj *interp_builtin(TState *ts, const char *name) {
  Value v = dict_get_str_borrowed(ts->interp->builtins, str_intern(name));
  return v_is_undef(v) ? NULL : v.as.o;
}

Interp *vm_interp_new(void) {
  Interp *in = calloc(1, sizeof(Interp));
  if (!in) return NULL;
  in->recursion_limit = 1000;
  in->native_enabled = native_enabled_by_env();
  atomic_store(&in->switch_interval_s, 0.005);
  TState *ts = vm_tstate_new(in);
  if (!ts) {
    free(in);
    return NULL;
  }
  in->boot_ts = ts;
  in->builtins = dict_new(ts);
  in->modules = dict_new(ts);
  in->argv = list_new(ts, 0);
  if (!in->builtins || !in->modules || !in->argv || vm_types_init(ts) < 0 ||
      vm_exceptions_init(ts, in->builtins) < 0 || vm_builtins_init(ts, in->builtins) < 0 ||
      dict_set_str(ts, in->builtins, "NotImplemented", v_obj(&NotImplemented_Obj)) < 0) {
    vm_print_exception(ts);
    vm_interp_free(in);
    return NULL;
  }
  return in;
}

void vm_interp_free(Interp *in) {
  if (!in) return;
  TState *ts = in->boot_ts;
  /* modules first: their globals reference everything else */
  if (in->modules) {
    DictObj *m = (DictObj *)in->modules;
    for (size_t i = 0; i < m->nentries; i++) {
      Value mod = m->entries[i].value;
      if (v_is_type(mod, &ModuleType)) {
        Obj *d = ((ModuleObj *)mod.as.o)->dict;
        if (d) ((DictObj *)d)->ob.type->clear(d);
      }
    }
  }
  obj_xdecref(in->modules);
  obj_xdecref(in->argv);
  if (in->builtins) ((DictObj *)in->builtins)->ob.type->clear(in->builtins);
  obj_xdecref(in->builtins);
  in->modules = in->argv = in->builtins = NULL;
  if (ts) gc_collect(ts);
  free(in->script_dir);
  if (in->gc_state) gc_state_free(in->gc_state);
  vm_tstate_free(ts);
  vm_gil_destroy(in); /* every thread has detached by now */
  free(in);
}
