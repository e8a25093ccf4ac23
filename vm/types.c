/*
 * types.c - `type` itself: type objects' repr ("<class 'int'>"), calling a
 * type to construct an instance, type(x), subtype checks, and the method
 * dictionaries built from each type's MethodDef table at start-up.
 */
#include <string.h>

#include "objimpl.h"
#include "vm.h"

bool type_is_subtype(Type *t, Type *base) {
  for (; t; t = t->base)
    if (t == base) return true;
  return false;
}

static int type_repr(TState *ts, Value self, Value *out) {
  Type *t = (Type *)self.as.o;
  Obj *s = str_fmt(ts, "<class '%s'>", t->name);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int type_call(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  Type *t = (Type *)self.as.o;
  if (t == &TypeType) {
    if (nargs == 1 && (!kwargs || as_dict(v_obj(kwargs))->used == 0)) {
      *out = v_obj(&v_type(args[0])->ob);
      return 0;
    }
    return vm_raise(ts, &TypeError_Type, "type() takes 1 argument (creating classes is not supported)");
  }
  if (!t->construct) return vm_raise(ts, &TypeError_Type, "cannot create '%s' instances", t->name);
  return t->construct(ts, t, args, nargs, kwargs, out);
}

static int type_hash(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)((uintptr_t)self.as.o >> 4);
  return 0;
}

static int type_getattr(TState *ts, Value self, Obj *name, Value *out) {
  Type *t = (Type *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "__name__") == 0 || strcmp(n, "__qualname__") == 0) {
    Obj *s = str_from_cstr(ts, t->name);
    if (!s) return -1;
    *out = v_obj(s);
    return 0;
  }
  if (strcmp(n, "__module__") == 0) {
    *out = v_obj(str_intern("builtins"));
    return 0;
  }
  if (strcmp(n, "__class__") == 0) {
    *out = v_obj(&TypeType.ob);
    return 0;
  }
  if (strcmp(n, "__base__") == 0) {
    *out = t->base ? v_obj(&t->base->ob) : v_none();
    return 0;
  }
  /* int.from_bytes, str.join, dict.fromkeys: unbound builtins */
  Obj *m = type_lookup_method(t, name);
  if (m) {
    obj_incref(m);
    *out = v_obj(m);
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "type object '%s' has no attribute '%s'", t->name, n);
}

Type TypeType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "type", .repr = type_repr, .hash = type_hash,
    .call = type_call, .getattr = type_getattr,
};

/* Builds t->method_dict from t->methods once; later calls are free. */
static int type_build_methods(TState *ts, Type *t) {
  if (t->method_dict || !t->methods) return 0;
  Obj *d = dict_new(ts);
  if (!d) return -1;
  for (const MethodDef *m = t->methods; m->name; m++) {
    Obj *b = builtin_new(ts, m, v_undef(), NULL); /* unbound: str.upper('x') */
    if (!b) {
      obj_decref(d);
      return -1;
    }
    int rc = dict_set_str(ts, d, m->name, v_obj(b));
    obj_decref(b);
    if (rc < 0) {
      obj_decref(d);
      return -1;
    }
  }
  t->method_dict = d;
  return 0;
}

static TState *methods_ts; /* for building the tables of types met later */

Obj *type_lookup_method(Type *t, Obj *name) {
  for (; t; t = t->base) {
    if (!t->methods) continue;
    if (!t->method_dict && methods_ts && type_build_methods(methods_ts, t) < 0) {
      vm_exc_clear(methods_ts);
      return NULL;
    }
    if (t->method_dict) {
      Value v = dict_get_str_borrowed(t->method_dict, name);
      if (!v_is_undef(v)) return v.as.o;
    } else {
      /* no thread state yet: a plain scan finds nothing to bind */
      return NULL;
    }
  }
  return NULL;
}

const MethodDef *vm_find_method(Value v, Obj *name) {
  for (Type *t = v_type(v); t; t = t->base) {
    if (!t->methods) continue;
    if (t->method_dict) {
      Value b = dict_get_str_borrowed(t->method_dict, name);
      if (!v_is_undef(b)) return ((BuiltinObj *)b.as.o)->def;
      continue;
    }
    for (const MethodDef *m = t->methods; m->name; m++)
      if (strcmp(m->name, ((StrObj *)name)->data) == 0) return m;
  }
  return NULL;
}

extern Type SliceType, CodeType, CellType;

int vm_types_init(TState *ts) {
  Type *types[] = {&TypeType, &NoneType, &BoolType, &IntType, &FloatType, &StrType,
                   &BytesType, &ListType, &TupleType, &DictType, &SetType, &RangeType,
                   &FunctionType, &BuiltinType, &ModuleType, &IteratorType, &RangeType};
  methods_ts = ts;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (type_build_methods(ts, types[i]) < 0) return -1;
  return 0;
}
