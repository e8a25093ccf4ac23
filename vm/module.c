/*
 * module.c - module objects: a name, a dict of globals, maybe a file.
 * Attribute access reads and writes the dict.
 */
#include <string.h>

#include "objimpl.h"
#include "vm.h"

Obj *module_new(TState *ts, const char *name) {
  ModuleObj *m = (ModuleObj *)vm_alloc(ts, &ModuleType, sizeof(ModuleObj));
  if (!m) return NULL;
  m->name = NULL;
  m->file = NULL;
  m->dict = dict_new(ts);
  m->name = str_from_cstr(ts, name);
  if (!m->dict || !m->name || dict_set_str(ts, m->dict, "__name__", v_obj(m->name)) < 0) {
    obj_decref(&m->ob);
    return NULL;
  }
  return &m->ob;
}

Obj *module_dict(Obj *module) { return ((ModuleObj *)module)->dict; }

static void module_clear(Obj *o) {
  ModuleObj *m = (ModuleObj *)o;
  Obj *d = m->dict, *n = m->name, *f = m->file;
  m->dict = m->name = m->file = NULL;
  obj_xdecref(d);
  obj_xdecref(n);
  obj_xdecref(f);
}

static void module_dealloc(Obj *o) {
  module_clear(o);
  vm_free_obj(o);
}

static void module_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  ModuleObj *m = (ModuleObj *)o;
  if (m->dict) visit(m->dict, arg);
}

static int module_getattr(TState *ts, Value self, Obj *name, Value *out) {
  ModuleObj *m = (ModuleObj *)self.as.o;
  Value v = dict_get_str_borrowed(m->dict, name);
  if (!v_is_undef(v)) {
    *out = v_incref(v);
    return 0;
  }
  if (strcmp(((StrObj *)name)->data, "__dict__") == 0) {
    *out = v_incref(v_obj(m->dict));
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "module '%s' has no attribute '%s'",
                  ((StrObj *)m->name)->data, ((StrObj *)name)->data);
}

static int module_setattr(TState *ts, Value self, Obj *name, Value val) {
  ModuleObj *m = (ModuleObj *)self.as.o;
  return dict_set(ts, m->dict, v_obj(name), val);
}

static int module_repr(TState *ts, Value self, Value *out) {
  ModuleObj *m = (ModuleObj *)self.as.o;
  Obj *s = m->file ? str_fmt(ts, "<module '%s' from '%s'>", ((StrObj *)m->name)->data,
                             ((StrObj *)m->file)->data)
                   : str_fmt(ts, "<module '%s' (built-in)>", ((StrObj *)m->name)->data);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

Type ModuleType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "module", .flags = TF_GC,
    .dealloc = module_dealloc, .traverse = module_traverse, .clear = module_clear,
    .repr = module_repr, .getattr = module_getattr, .setattr = module_setattr,
};
