/*
 * dict_methods.c - the methods of dict (get, keys, values, items, pop,
 * popitem, setdefault, update, copy, clear, fromkeys) and the three view
 * types they return: dict_keys, dict_values, dict_items.
 *
 * A view holds a reference to its dict and reads it live, as CPython's
 * do. Iterating a view uses the shared sequence iterator (seqiter.c),
 * which raises "dictionary changed size during iteration" when the dict's
 * size moves, the check CPython makes. Keys and items views are set-like:
 * ==, <=, &, |, -, ^ against sets and other views.
 */
#include "methods.h"
#include "objimpl.h"
#include "vm.h"

static bool has_kwargs(Obj *kwargs) { return kwargs && ((DictObj *)kwargs)->used > 0; }

static int check_args(TState *ts, const char *name, int nargs, Obj *kwargs, int min, int max) {
  if (has_kwargs(kwargs))
    return vm_raise(ts, &TypeError_Type, "dict.%s() takes no keyword arguments", name);
  if (max == 0 && nargs > 0)
    return vm_raise(ts, &TypeError_Type, "dict.%s() takes no arguments (%d given)", name, nargs);
  if (nargs < min)
    return vm_raise(ts, &TypeError_Type, "%s expected at least %d argument%s, got %d", name, min,
                    min == 1 ? "" : "s", nargs);
  if (nargs > max)
    return vm_raise(ts, &TypeError_Type, "%s expected at most %d argument%s, got %d", name, max,
                    max == 1 ? "" : "s", nargs);
  return 0;
}

/* ---- views -------------------------------------------------------------------- */

typedef struct DictViewObj {
  Obj ob;
  Obj *dict;
} DictViewObj;

extern Type DictKeys_Type, DictValues_Type, DictItems_Type;

static Obj *view_dict(Value v) { return ((DictViewObj *)v.as.o)->dict; }

static int view_new(TState *ts, Type *t, Value dict, Value *out) {
  DictViewObj *v = (DictViewObj *)vm_alloc(ts, t, sizeof(DictViewObj));
  if (!v) return -1;
  obj_incref(dict.as.o);
  v->dict = dict.as.o;
  *out = v_obj(&v->ob);
  return 0;
}

static void view_clear(Obj *o) {
  DictViewObj *v = (DictViewObj *)o;
  Obj *d = v->dict;
  v->dict = NULL;
  obj_xdecref(d);
}

static void view_dealloc(Obj *o) {
  view_clear(o);
  vm_free_obj(o);
}

static void view_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  DictViewObj *v = (DictViewObj *)o;
  if (v->dict) visit(v->dict, arg);
}

static int view_kind(Value self) {
  Type *t = v_type(self);
  return t == &DictKeys_Type ? IT_DICT_KEYS : t == &DictValues_Type ? IT_DICT_VALUES
                                                                    : IT_DICT_ITEMS;
}

static int view_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)((DictObj *)view_dict(self))->used;
  return 0;
}

static int view_iter(TState *ts, Value self, Value *out) {
  Obj *it = seqiter_new(ts, view_kind(self), v_obj(view_dict(self)));
  if (!it) return -1;
  *out = v_obj(it);
  return 0;
}

/* repr: dict_keys(['a', 'b']), the list repr of the view's contents. */
static int view_repr(TState *ts, Value self, Value *out) {
  Obj *list;
  if (vm_to_list(ts, self, &list) < 0) return -1;
  Value lr = v_undef();
  int rc = vm_repr(ts, v_obj(list), &lr);
  obj_decref(list);
  if (rc < 0) return -1;
  Obj *s = str_fmt(ts, "%s(%s)", v_type(self)->name, as_str(lr)->data);
  v_decref(lr);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int view_contains(TState *ts, Value self, Value item) {
  Obj *d = view_dict(self);
  int kind = view_kind(self);
  if (kind == IT_DICT_KEYS) {
    Value v = v_undef();
    int rc = dict_get(ts, d, item, &v);
    if (rc == 1) v_decref(v);
    return rc;
  }
  if (kind == IT_DICT_ITEMS) {
    if (!v_is_type(item, &TupleType) || as_tuple(item)->len != 2) return 0;
    Value v = v_undef();
    int rc = dict_get(ts, d, as_tuple(item)->items[0], &v);
    if (rc <= 0) return rc;
    rc = vm_equal(ts, v, as_tuple(item)->items[1]);
    v_decref(v);
    return rc;
  }
  size_t pos = 0;
  Value val = v_undef();
  while (dict_next(d, &pos, NULL, &val)) {
    v_incref(val);
    int eq = vm_equal(ts, val, item);
    v_decref(val);
    if (eq != 0) return eq;
  }
  return 0;
}

static bool is_setlike(Value v) {
  return v_is_type(v, &SetType) || v_is_type(v, &DictKeys_Type) ||
         v_is_type(v, &DictItems_Type);
}

/* A new set holding the items of any iterable. */
static int to_set(TState *ts, Value iterable, Value *out) {
  Obj *s = set_new(ts);
  if (!s) return -1;
  Value it, item;
  if (vm_iter(ts, iterable, &it) < 0) { obj_decref(s); return -1; }
  int rc;
  while ((rc = vm_next(ts, it, &item)) == 1) {
    rc = set_add(ts, s, item);
    v_decref(item);
    if (rc < 0) break;
  }
  v_decref(it);
  if (rc < 0) { obj_decref(s); return -1; }
  *out = v_obj(s);
  return 0;
}

/* Comparisons as sets: a view equals a set or view with the same items. */
static int view_compare(TState *ts, Value a, Value b, int op, Value *out) {
  if (view_kind(a) == IT_DICT_VALUES || !is_setlike(b) || !is_setlike(a)) {
    *out = v_undef();
    return 0;
  }
  Value sa, sb;
  if (to_set(ts, a, &sa) < 0) return -1;
  if (to_set(ts, b, &sb) < 0) { v_decref(sa); return -1; }
  int rc = vm_compare(ts, sa, sb, op, out);
  v_decref(sa);
  v_decref(sb);
  return rc;
}

/* &, |, -, ^ give sets, as in CPython: set(view) op other. */
static int view_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  bool ok_op = op == BINOP_AND || op == BINOP_OR || op == BINOP_SUB || op == BINOP_XOR;
  bool a_view = v_is_type(a, &DictKeys_Type) || v_is_type(a, &DictItems_Type);
  bool b_view = v_is_type(b, &DictKeys_Type) || v_is_type(b, &DictItems_Type);
  if (!ok_op || (!a_view && !b_view)) { *out = v_undef(); return 0; }
  Value sa, sb;
  if (to_set(ts, a, &sa) < 0) return -1;
  if (to_set(ts, b, &sb) < 0) { v_decref(sa); return -1; }
  int rc = vm_binop(ts, op, sa, sb, out);
  v_decref(sa);
  v_decref(sb);
  return rc;
}

static int view_isdisjoint(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  (void)kwargs;
  if (nargs != 1)
    return vm_raise(ts, &TypeError_Type, "%s.isdisjoint() takes exactly one argument (%d given)",
                    v_type(self)->name, nargs);
  Value it, item;
  if (vm_iter(ts, args[0], &it) < 0) return -1;
  int rc, found = 0;
  while (!found && (rc = vm_next(ts, it, &item)) == 1) {
    found = view_contains(ts, self, item);
    v_decref(item);
    if (found < 0) { v_decref(it); return -1; }
  }
  v_decref(it);
  if (!found && rc < 0) return -1;
  *out = v_bool(!found);
  return 0;
}

static const MethodDef view_methods[] = {
    {"isdisjoint", view_isdisjoint},
    {NULL, NULL},
};
static const MethodDef no_methods[] = {{NULL, NULL}};

#define VIEW_TYPE(var, tname, methods_)                                                    \
  Type var = {                                                                             \
      .ob = {IMMORTAL_REFCNT, &TypeType}, .name = tname, .flags = TF_GC,                   \
      .dealloc = view_dealloc, .traverse = view_traverse, .clear = view_clear,             \
      .repr = view_repr, .compare = view_compare, .binop = view_binop, .len = view_len,    \
      .contains = view_contains, .iter = view_iter, .methods = methods_,                   \
  };
VIEW_TYPE(DictKeys_Type, "dict_keys", view_methods)
VIEW_TYPE(DictValues_Type, "dict_values", no_methods)
VIEW_TYPE(DictItems_Type, "dict_items", view_methods)

/* ---- methods ---------------------------------------------------------------------- */

static int dict_m_keys(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  if (check_args(ts, "keys", nargs, kwargs, 0, 0) < 0) return -1;
  return view_new(ts, &DictKeys_Type, self, out);
}

static int dict_m_values(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)args;
  if (check_args(ts, "values", nargs, kwargs, 0, 0) < 0) return -1;
  return view_new(ts, &DictValues_Type, self, out);
}

static int dict_m_items(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)args;
  if (check_args(ts, "items", nargs, kwargs, 0, 0) < 0) return -1;
  return view_new(ts, &DictItems_Type, self, out);
}

static int dict_m_get(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  if (check_args(ts, "get", nargs, kwargs, 1, 2) < 0) return -1;
  int rc = dict_get(ts, self.as.o, args[0], out);
  if (rc < 0) return -1;
  if (rc == 0) *out = nargs > 1 ? v_incref(args[1]) : v_none();
  return 0;
}

static int dict_m_setdefault(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                             Value *out) {
  if (check_args(ts, "setdefault", nargs, kwargs, 1, 2) < 0) return -1;
  int rc = dict_get(ts, self.as.o, args[0], out);
  if (rc != 0) return rc < 0 ? -1 : 0;
  Value dflt = nargs > 1 ? args[1] : v_none();
  if (dict_set(ts, self.as.o, args[0], dflt) < 0) return -1;
  *out = v_incref(dflt);
  return 0;
}

static int dict_m_pop(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  if (check_args(ts, "pop", nargs, kwargs, 1, 2) < 0) return -1;
  int rc = dict_get(ts, self.as.o, args[0], out);
  if (rc < 0) return -1;
  if (rc == 0) {
    if (nargs > 1) { *out = v_incref(args[1]); return 0; }
    return vm_raise_key_error(ts, args[0]);
  }
  if (dict_del(ts, self.as.o, args[0]) < 0) { v_decref(*out); return -1; }
  return 0;
}

static int dict_m_popitem(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)args;
  if (check_args(ts, "popitem", nargs, kwargs, 0, 0) < 0) return -1;
  DictObj *d = as_dict(self);
  /* LIFO: the last live entry. */
  size_t i = d->nentries;
  while (i > 0 && v_is_undef(d->entries[i - 1].key)) i--;
  if (i == 0) {
    Obj *msg = str_from_cstr(ts, "popitem(): dictionary is empty");
    if (!msg) return -1;
    vm_raise_key_error(ts, v_obj(msg));
    obj_decref(msg);
    return -1;
  }
  Obj *pair = tuple_pack(ts, 2, d->entries[i - 1].key, d->entries[i - 1].value);
  if (!pair) return -1;
  if (dict_del(ts, self.as.o, as_tuple(v_obj(pair))->items[0]) < 0) {
    obj_decref(pair);
    return -1;
  }
  *out = v_obj(pair);
  return 0;
}

static int dict_m_update(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (nargs > 1)
    return vm_raise(ts, &TypeError_Type, "update expected at most 1 argument, got %d", nargs);
  if (nargs == 1 && dict_update(ts, self.as.o, args[0]) < 0) return -1;
  if (kwargs && dict_update(ts, self.as.o, v_obj(kwargs)) < 0) return -1;
  *out = v_none();
  return 0;
}

static int dict_m_copy(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  if (check_args(ts, "copy", nargs, kwargs, 0, 0) < 0) return -1;
  Obj *c = dict_copy(ts, self.as.o);
  if (!c) return -1;
  *out = v_obj(c);
  return 0;
}

static int dict_m_clear(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)args;
  if (check_args(ts, "clear", nargs, kwargs, 0, 0) < 0) return -1;
  DictType.clear(self.as.o);
  *out = v_none();
  return 0;
}

/* dict.fromkeys(iterable, value=None) is a classmethod in CPython. Here it
 * is reached either bound to an instance ({}.fromkeys(it): self is the dict)
 * or unbound through the type (dict.fromkeys(it): the interpreter passes
 * the first argument as self). A non-dict self is therefore the iterable;
 * a dict self with no arguments is dict.fromkeys(some_dict). */
static int dict_m_fromkeys(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  Value all[3];
  bool self_is_arg = !v_is_type(self, &DictType) || nargs == 0;
  if (self_is_arg && !v_is_undef(self) && !v_is_none(self)) {
    if (nargs > 2) nargs = 2;
    all[0] = self;
    for (int i = 0; i < nargs; i++) all[i + 1] = args[i];
    args = all;
    nargs++;
  }
  if (has_kwargs(kwargs))
    return vm_raise(ts, &TypeError_Type, "dict.fromkeys() takes no keyword arguments");
  if (nargs < 1 || nargs > 2)
    return vm_raise(ts, &TypeError_Type, "fromkeys expected %s 1 argument%s, got %d",
                    nargs < 1 ? "at least" : "at most", nargs < 1 ? "" : "s", nargs);
  Value val = nargs > 1 ? args[1] : v_none();
  Obj *d = dict_new(ts);
  if (!d) return -1;
  Value it, key;
  if (vm_iter(ts, args[0], &it) < 0) { obj_decref(d); return -1; }
  int rc;
  while ((rc = vm_next(ts, it, &key)) == 1) {
    rc = dict_set(ts, d, key, val);
    v_decref(key);
    if (rc < 0) break;
  }
  v_decref(it);
  if (rc < 0) { obj_decref(d); return -1; }
  *out = v_obj(d);
  return 0;
}

const MethodDef dict_methods[] = {
    {"get", dict_m_get},
    {"keys", dict_m_keys},
    {"values", dict_m_values},
    {"items", dict_m_items},
    {"pop", dict_m_pop},
    {"popitem", dict_m_popitem},
    {"setdefault", dict_m_setdefault},
    {"update", dict_m_update},
    {"copy", dict_m_copy},
    {"clear", dict_m_clear},
    {"fromkeys", dict_m_fromkeys},
    {NULL, NULL},
};
