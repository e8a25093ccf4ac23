/*
 * function.c - Python functions and closures (FunctionObj, CellObj),
 * binding call arguments to parameters with CPython's error messages, and
 * builtin functions/methods (BuiltinObj).
 */
#include <stdio.h>
#include <string.h>

#include "code.h"
#include "objimpl.h"
#include "vm.h"

/* ---- functions ------------------------------------------------------------------ */

Obj *function_new(TState *ts, CodeObj *code, Obj *globals) {
  FunctionObj *f = (FunctionObj *)vm_alloc(ts, &FunctionType, sizeof(FunctionObj));
  if (!f) return NULL;
  obj_incref(&code->ob);
  obj_incref(globals);
  f->code = code;
  f->globals = globals;
  f->defaults = f->kwdefaults = f->closure = NULL;
  f->fast_nargs = (code->flags & CO_SIMPLE) ? code->argcount : -1;
  f->framesize = code->framesize;
  f->nlocals = code->nlocals;
  f->entry = code->code;
  Value mod = dict_get_str_borrowed(globals, str_intern("__name__"));
  f->module = v_is_type(mod, &StrType) ? mod.as.o : NULL;
  if (f->module) obj_incref(f->module);
  return &f->ob;
}

static void function_clear(Obj *o) {
  FunctionObj *f = (FunctionObj *)o;
  Obj *c = f->code ? &f->code->ob : NULL, *g = f->globals, *d = f->defaults, *k = f->kwdefaults, *cl = f->closure,
      *m = f->module;
  f->code = NULL;
  f->fast_nargs = -1;
  f->globals = f->defaults = f->kwdefaults = f->closure = f->module = NULL;
  obj_xdecref(c);
  obj_xdecref(g);
  obj_xdecref(d);
  obj_xdecref(k);
  obj_xdecref(cl);
  obj_xdecref(m);
}

static void function_dealloc(Obj *o) {
  function_clear(o);
  vm_free_obj(o);
}

static void function_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  FunctionObj *f = (FunctionObj *)o;
  if (f->globals) visit(f->globals, arg);
  if (f->defaults) visit(f->defaults, arg);
  if (f->kwdefaults) visit(f->kwdefaults, arg);
  if (f->closure) visit(f->closure, arg);
}

static int function_repr(TState *ts, Value self, Value *out) {
  FunctionObj *f = (FunctionObj *)self.as.o;
  Obj *s = str_fmt(ts, "<function %s at %p>", ((StrObj *)f->code->qualname)->data, (void *)f);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int function_getattr(TState *ts, Value self, Obj *name, Value *out) {
  FunctionObj *f = (FunctionObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  Obj *r = NULL;
  if (strcmp(n, "__name__") == 0) r = f->code->name;
  else if (strcmp(n, "__qualname__") == 0) r = f->code->qualname;
  else if (strcmp(n, "__module__") == 0) r = f->module;
  else if (strcmp(n, "__defaults__") == 0) r = f->defaults;
  else if (strcmp(n, "__doc__") == 0) {
    *out = v_none();
    return 0;
  } else if (strcmp(n, "__class__") == 0) {
    *out = v_obj(&FunctionType.ob);
    return 0;
  } else {
    return vm_raise(ts, &AttributeError_Type, "'function' object has no attribute '%s'", n);
  }
  *out = r ? v_incref(v_obj(r)) : v_none();
  return 0;
}

static int function_hash(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)((uintptr_t)self.as.o >> 4);
  return 0;
}

Type FunctionType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "function", .flags = TF_GC,
    .dealloc = function_dealloc, .traverse = function_traverse, .clear = function_clear,
    .repr = function_repr, .hash = function_hash, .getattr = function_getattr,
};

/* ---- cells ---------------------------------------------------------------------- */

Obj *cell_new(TState *ts, Value v) {
  CellObj *c = (CellObj *)vm_alloc(ts, &CellType, sizeof(CellObj));
  if (!c) return NULL;
  c->value = v_incref(v);
  return &c->ob;
}

static void cell_clear(Obj *o) {
  CellObj *c = (CellObj *)o;
  Value v = c->value;
  c->value = v_undef();
  v_decref(v);
}

static void cell_dealloc(Obj *o) {
  cell_clear(o);
  vm_free_obj(o);
}

static void cell_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  CellObj *c = (CellObj *)o;
  if (v_is_obj(c->value)) visit(c->value.as.o, arg);
}

Type CellType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "cell", .flags = TF_GC,
    .dealloc = cell_dealloc, .traverse = cell_traverse, .clear = cell_clear,
};

/* ---- argument binding ------------------------------------------------------------ */

static const char *fname(FunctionObj *fn) { return ((StrObj *)fn->code->qualname)->data; }

/* "'a'", "'a' and 'b'", "'a', 'b', and 'c'" */
static void list_names(char *buf, size_t n, Obj **names, int count) {
  buf[0] = 0;
  size_t o = 0;
  for (int i = 0; i < count && o < n; i++) {
    const char *sep = i == 0 ? "" : (count == 2 ? " and " : (i == count - 1 ? ", and " : ", "));
    o += (size_t)snprintf(buf + o, n - o, "%s'%s'", sep, ((StrObj *)names[i])->data);
  }
}

static int missing_error(TState *ts, FunctionObj *fn, Value *locals, int from, int to,
                         const char *kind) {
  Obj *names[64];
  int count = 0;
  for (int i = from; i < to && count < 64; i++)
    if (v_is_undef(locals[i])) names[count++] = fn->code->varnames[i];
  char buf[512];
  list_names(buf, sizeof buf, names, count);
  return vm_raise(ts, &TypeError_Type, "%s() missing %d required %s argument%s: %s", fname(fn), count,
                  kind, count == 1 ? "" : "s", buf);
}

static int kw_slot(CodeObj *co, Obj *name, int kwstart) {
  int npos = co->argcount;
  for (int i = 0; i < npos; i++)
    if (co->varnames[i] == name || str_eq(co->varnames[i], name)) return i;
  for (int i = kwstart; i < kwstart + co->kwonlycount; i++)
    if (co->varnames[i] == name || str_eq(co->varnames[i], name)) return i;
  return -1;
}

static int bind_keyword(TState *ts, FunctionObj *fn, Obj *name, Value v, Value *locals, int kwstart,
                        Obj *varkw) {
  CodeObj *co = fn->code;
  if (!v_is_type(v_obj(name), &StrType))
    return vm_raise(ts, &TypeError_Type, "keywords must be strings");
  int slot = kw_slot(co, name, kwstart);
  if (slot < 0) {
    if (!varkw)
      return vm_raise(ts, &TypeError_Type, "%s() got an unexpected keyword argument '%s'", fname(fn),
                      ((StrObj *)name)->data);
    Value old;
    int rc = dict_get(ts, varkw, v_obj(name), &old);
    if (rc == 1) {
      v_decref(old);
      return vm_raise(ts, &TypeError_Type, "%s() got multiple values for keyword argument '%s'",
                      fname(fn), ((StrObj *)name)->data);
    }
    return dict_set(ts, varkw, v_obj(name), v);
  }
  if (!v_is_undef(locals[slot]))
    return vm_raise(ts, &TypeError_Type, "%s() got multiple values for argument '%s'", fname(fn),
                    ((StrObj *)name)->data);
  locals[slot] = v_incref(v);
  return 0;
}

int function_bind_args(TState *ts, FunctionObj *fn, const Value *args, int nargs, Obj *kwnames,
                       const Value *kwvalues, Obj *kwdict, Value *locals) {
  CodeObj *co = fn->code;
  int npos = co->argcount;
  bool varargs = co->flags & CO_VARARGS, varkw = co->flags & CO_VARKW;
  int vararg_slot = npos;
  int kwstart = npos + (varargs ? 1 : 0);
  int varkw_slot = kwstart + co->kwonlycount;
  int ndef = fn->defaults ? (int)((TupleObj *)fn->defaults)->len : 0;
  if (nargs > npos && !varargs) {
    int nkw = (kwnames ? (int)((TupleObj *)kwnames)->len : 0);
    (void)nkw;
    if (ndef)
      return vm_raise(ts, &TypeError_Type, "%s() takes from %d to %d positional arguments but %d %s given",
                      fname(fn), npos - ndef, npos, nargs, nargs == 1 ? "was" : "were");
    return vm_raise(ts, &TypeError_Type, "%s() takes %d positional argument%s but %d %s given", fname(fn),
                    npos, npos == 1 ? "" : "s", nargs, nargs == 1 ? "was" : "were");
  }
  int ncopy = nargs < npos ? nargs : npos;
  for (int i = 0; i < ncopy; i++) locals[i] = v_incref(args[i]);
  if (varargs) {
    int extra = nargs > npos ? nargs - npos : 0;
    Obj *t = tuple_from_array(ts, args + ncopy, (size_t)extra);
    if (!t) return -1;
    locals[vararg_slot] = v_obj(t);
  }
  Obj *kwd = NULL;
  if (varkw) {
    kwd = dict_new(ts);
    if (!kwd) return -1;
    locals[varkw_slot] = v_obj(kwd);
  }
  if (kwnames) {
    TupleObj *kn = (TupleObj *)kwnames;
    for (size_t i = 0; i < kn->len; i++)
      if (bind_keyword(ts, fn, kn->items[i].as.o, kwvalues[i], locals, kwstart, kwd) < 0) return -1;
  }
  if (kwdict) {
    size_t pos = 0;
    Value k, v;
    while (dict_next(kwdict, &pos, &k, &v)) {
      if (!v_is_type(k, &StrType)) return vm_raise(ts, &TypeError_Type, "keywords must be strings");
      if (bind_keyword(ts, fn, k.as.o, v, locals, kwstart, kwd) < 0) return -1;
    }
  }
  /* defaults fill the trailing positional parameters */
  for (int i = 0; i < npos; i++) {
    if (!v_is_undef(locals[i])) continue;
    int d = i - (npos - ndef);
    if (d >= 0) {
      locals[i] = v_incref(((TupleObj *)fn->defaults)->items[d]);
    }
  }
  for (int i = 0; i < npos; i++)
    if (v_is_undef(locals[i])) return missing_error(ts, fn, locals, 0, npos, "positional");
  for (int i = kwstart; i < kwstart + co->kwonlycount; i++) {
    if (!v_is_undef(locals[i])) continue;
    if (fn->kwdefaults) {
      Value v = dict_get_str_borrowed(fn->kwdefaults, co->varnames[i]);
      if (!v_is_undef(v)) {
        locals[i] = v_incref(v);
        continue;
      }
    }
  }
  for (int i = kwstart; i < kwstart + co->kwonlycount; i++)
    if (v_is_undef(locals[i])) return missing_error(ts, fn, locals, kwstart, kwstart + co->kwonlycount, "keyword-only");
  return 0;
}

/* ---- builtin functions and methods -------------------------------------------- */

Obj *builtin_new(TState *ts, const MethodDef *def, Value self, Obj *module_name) {
  BuiltinObj *b = (BuiltinObj *)vm_alloc(ts, &BuiltinType, sizeof(BuiltinObj));
  if (!b) return NULL;
  b->def = def;
  b->self = v_incref(self);
  b->module_name = module_name;
  if (module_name) obj_incref(module_name);
  return &b->ob;
}

static void builtin_clear(Obj *o) {
  BuiltinObj *b = (BuiltinObj *)o;
  Value s = b->self;
  Obj *m = b->module_name;
  b->self = v_none();
  b->module_name = NULL;
  v_decref(s);
  obj_xdecref(m);
}

static void builtin_dealloc(Obj *o) {
  builtin_clear(o);
  vm_free_obj(o);
}

static void builtin_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  BuiltinObj *b = (BuiltinObj *)o;
  if (v_is_obj(b->self)) visit(b->self.as.o, arg);
}

static int builtin_call(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  BuiltinObj *b = (BuiltinObj *)self.as.o;
  if (v_is_undef(b->self)) {
    /* an unbound method from a type, str.lower: the first argument is self */
    if (nargs < 1)
      return vm_raise(ts, &TypeError_Type, "unbound method %s() needs an argument", b->def->name);
    return b->def->fn(ts, args[0], args + 1, nargs - 1, kwargs, out);
  }
  return b->def->fn(ts, b->self, args, nargs, kwargs, out);
}

static int builtin_repr(TState *ts, Value self, Value *out) {
  BuiltinObj *b = (BuiltinObj *)self.as.o;
  Obj *s;
  if (v_is_undef(b->self))
    s = str_fmt(ts, "<method '%s' objects>", b->def->name);
  else if (v_is_none(b->self) || (v_is_obj(b->self) && b->self.as.o->type == &ModuleType))
    s = str_fmt(ts, "<built-in function %s>", b->def->name);
  else
    s = str_fmt(ts, "<built-in method %s of %s object at %p>", b->def->name, v_type(b->self)->name,
                v_is_obj(b->self) ? (void *)b->self.as.o : NULL);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int builtin_getattr(TState *ts, Value self, Obj *name, Value *out) {
  BuiltinObj *b = (BuiltinObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "__name__") == 0 || strcmp(n, "__qualname__") == 0) {
    Obj *s = str_from_cstr(ts, b->def->name);
    if (!s) return -1;
    *out = v_obj(s);
    return 0;
  }
  if (strcmp(n, "__self__") == 0) {
    *out = v_incref(b->self);
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "'builtin_function_or_method' object has no attribute '%s'", n);
}

static int builtin_hash(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)((uintptr_t)self.as.o >> 4);
  return 0;
}

Type BuiltinType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "builtin_function_or_method", .flags = TF_GC,
    .dealloc = builtin_dealloc, .traverse = builtin_traverse, .clear = builtin_clear,
    .repr = builtin_repr, .hash = builtin_hash, .call = builtin_call, .getattr = builtin_getattr,
};
