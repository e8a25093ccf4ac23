/*
 * iterators.c - enumerate, zip, map, filter, reversed and the callable
 * iterator of iter(f, sentinel): lazy iterators over other iterators, as
 * in CPython's bltinmodule.c / enumobject.c / iterobject.c.
 *
 * Each is a type whose constructor is the builtin of the same name, whose
 * `iter` returns itself and whose `next` pulls from the underlying
 * iterator(s). They hold references to arbitrary objects (a function that
 * closes over the iterator itself is enough for a cycle), so all are TF_GC.
 */
#include <stdlib.h>
#include <string.h>

#include "iterators.h"
#include "vm.h"

static int iter_self(TState *ts, Value self, Value *out) {
  (void)ts;
  *out = v_incref(self);
  return 0;
}

static void visit_value(Value v, void (*visit)(Obj *, void *), void *arg) {
  if (v_is_obj(v)) visit(v.as.o, arg);
}

static void clear_value(Value *slot) { v_set(slot, v_none()); }

/* "<enumerate object at 0x...>", CPython's default object repr. */
static int repr_object_at(TState *ts, Value self, Value *out) {
  Obj *s = str_fmt(ts, "<%s object at %p>", v_type(self)->name, (void *)self.as.o);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

#define ITER_TYPE(var, tname, prefix)                                                      \
  Type var = {                                                                             \
      .ob = {IMMORTAL_REFCNT, &TypeType},                                                  \
      .name = tname,                                                                       \
      .flags = TF_GC | TF_ITERATOR,                                                        \
      .dealloc = prefix##_dealloc,                                                         \
      .traverse = prefix##_traverse,                                                       \
      .clear = prefix##_clear,                                                             \
      .construct = prefix##_construct,                                                     \
      .repr = repr_object_at,                                                              \
      .iter = iter_self,                                                                   \
      .next = prefix##_next,                                                               \
  }

static int index_from(TState *ts, Value v, int64_t *out) {
  if (v_is_int(v) || v_is_bool(v)) {
    *out = v.as.i;
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                  v_type(v)->name);
}

/* ---- enumerate ------------------------------------------------------------------- */

typedef struct EnumerateObj {
  Obj ob;
  Value it;
  int64_t index;
} EnumerateObj;

static void enumerate_traverse(Obj *self, void (*visit)(Obj *, void *), void *arg) {
  visit_value(((EnumerateObj *)self)->it, visit, arg);
}
static void enumerate_clear(Obj *self) { clear_value(&((EnumerateObj *)self)->it); }
static void enumerate_dealloc(Obj *self) {
  v_decref(((EnumerateObj *)self)->it);
  vm_free_obj(self);
}

static int enumerate_construct(TState *ts, Type *type, const Value *args, int nargs,
                               Obj *kwargs, Value *out) {
  static const char *const names[] = {"iterable", "start"};
  Value a[2];
  int64_t start = 0;
  /* enumerate's own parser words a missing iterable without "(pos 1)". */
  if (nargs == 0 && (!kwargs || v_is_undef(dict_get_str_borrowed(kwargs, str_intern("iterable")))) &&
      (!kwargs || ((DictObj *)kwargs)->used <= 2)) {
    bool only_known = !kwargs || ((DictObj *)kwargs)->used == 0 ||
                      (((DictObj *)kwargs)->used == 1 &&
                       !v_is_undef(dict_get_str_borrowed(kwargs, str_intern("start"))));
    if (only_known)
      return vm_raise(ts, &TypeError_Type, "enumerate() missing required argument 'iterable'");
  }
  if (vm_parse_args(ts, "enumerate", args, nargs, kwargs, names, 2, 2, 1, a) < 0) return -1;
  if (!v_is_undef(a[1]) && index_from(ts, a[1], &start) < 0) return -1;
  Value it;
  if (vm_iter(ts, a[0], &it) < 0) return -1;
  EnumerateObj *e = (EnumerateObj *)vm_alloc(ts, type, sizeof *e);
  if (!e) {
    v_decref(it);
    return -1;
  }
  e->it = it;
  e->index = start;
  *out = v_obj(&e->ob);
  return 0;
}

static int enumerate_next(TState *ts, Value self, Value *out) {
  EnumerateObj *e = (EnumerateObj *)self.as.o;
  Value item;
  int r = vm_next(ts, e->it, &item);
  if (r <= 0) return r;
  Obj *t = tuple_pack(ts, 2, v_int(e->index), item);
  v_decref(item);
  if (!t) return -1;
  e->index++;
  *out = v_obj(t);
  return 1;
}

ITER_TYPE(EnumerateType, "enumerate", enumerate);

/* ---- zip and map: n iterators advanced together ------------------------------------ */

typedef struct MultiIterObj {
  Obj ob;
  Value func;  /* map: the function; zip: unused (None) */
  bool strict; /* zip(strict=True) */
  int n;
  Value its[];
} MultiIterObj;

static void multi_traverse(Obj *self, void (*visit)(Obj *, void *), void *arg) {
  MultiIterObj *m = (MultiIterObj *)self;
  visit_value(m->func, visit, arg);
  for (int i = 0; i < m->n; i++) visit_value(m->its[i], visit, arg);
}
static void multi_clear(Obj *self) {
  MultiIterObj *m = (MultiIterObj *)self;
  clear_value(&m->func);
  for (int i = 0; i < m->n; i++) clear_value(&m->its[i]);
}
static void multi_dealloc(Obj *self) {
  MultiIterObj *m = (MultiIterObj *)self;
  v_decref(m->func);
  for (int i = 0; i < m->n; i++) v_decref(m->its[i]);
  vm_free_obj(self);
}

static MultiIterObj *multi_new(TState *ts, Type *type, Value func, const Value *iterables,
                               int n) {
  MultiIterObj *m = (MultiIterObj *)vm_alloc(ts, type, sizeof *m + (size_t)n * sizeof(Value));
  if (!m) return NULL;
  m->func = v_incref(func);
  m->strict = false;
  m->n = n;
  for (int i = 0; i < n; i++) m->its[i] = v_none();
  for (int i = 0; i < n; i++) {
    if (vm_iter(ts, iterables[i], &m->its[i]) < 0) {
      obj_decref(&m->ob);
      return NULL;
    }
  }
  return m;
}

/* Pulls one item from each iterator into items[]; 1, 0 (one was exhausted;
 * *which says which) or -1. Items already pulled are released on 0/-1. */
static int multi_pull(TState *ts, MultiIterObj *m, Value *items, int *which) {
  for (int i = 0; i < m->n; i++) {
    int r = vm_next(ts, m->its[i], &items[i]);
    if (r <= 0) {
      for (int j = 0; j < i; j++) v_decref(items[j]);
      *which = i;
      return r;
    }
  }
  return 1;
}

static int zip_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  static const char *const names[] = {"strict"};
  Value strict = v_undef();
  if (kwargs && ((DictObj *)kwargs)->used &&
      vm_parse_args(ts, "zip", NULL, 0, kwargs, names, 1, 0, 0, &strict) < 0)
    return -1;
  int is_strict = v_is_undef(strict) ? 0 : vm_truthy(ts, strict);
  if (is_strict < 0) return -1;
  MultiIterObj *m = multi_new(ts, type, v_none(), args, nargs);
  if (!m) return -1;
  m->strict = is_strict;
  *out = v_obj(&m->ob);
  return 0;
}

/* zip(strict=True): iterator `i` ran out; the others must all be out too. */
static int zip_strict_check(TState *ts, MultiIterObj *m, int i) {
  if (i > 0)
    return vm_raise(ts, &ValueError_Type, "zip() argument %d is shorter than argument%s%d", i + 1,
                    i == 1 ? " " : "s 1-", i);
  for (int j = 1; j < m->n; j++) {
    Value item;
    int r = vm_next(ts, m->its[j], &item);
    if (r < 0) return -1;
    if (r > 0) {
      v_decref(item);
      return vm_raise(ts, &ValueError_Type, "zip() argument %d is longer than argument%s%d",
                      j + 1, j == 1 ? " " : "s 1-", j);
    }
  }
  return 0;
}

static int zip_next(TState *ts, Value self, Value *out) {
  MultiIterObj *m = (MultiIterObj *)self.as.o;
  if (m->n == 0) return 0;
  Obj *t = tuple_new(ts, (size_t)m->n);
  if (!t) return -1;
  int which = 0;
  int r = multi_pull(ts, m, ((TupleObj *)t)->items, &which);
  if (r <= 0) {
    for (int i = 0; i < m->n; i++) ((TupleObj *)t)->items[i] = v_none();
    obj_decref(t);
    if (r == 0 && m->strict && zip_strict_check(ts, m, which) < 0) return -1;
    return r;
  }
  *out = v_obj(t);
  return 1;
}

#define zip_dealloc multi_dealloc
#define zip_traverse multi_traverse
#define zip_clear multi_clear
ITER_TYPE(ZipType, "zip", zip);

static int map_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "map() takes no keyword arguments");
  if (nargs < 2) return vm_raise(ts, &TypeError_Type, "map() must have at least two arguments.");
  MultiIterObj *m = multi_new(ts, type, args[0], args + 1, nargs - 1);
  if (!m) return -1;
  *out = v_obj(&m->ob);
  return 0;
}

static int map_next(TState *ts, Value self, Value *out) {
  MultiIterObj *m = (MultiIterObj *)self.as.o;
  Value small[4];
  Value *items = m->n <= 4 ? small : malloc((size_t)m->n * sizeof(Value));
  if (!items) return vm_raise_nomem(ts);
  int which = 0;
  int r = multi_pull(ts, m, items, &which);
  if (r > 0) {
    if (vm_call(ts, m->func, items, m->n, NULL, out) < 0) r = -1;
    for (int i = 0; i < m->n; i++) v_decref(items[i]);
  }
  if (items != small) free(items);
  return r;
}

#define map_dealloc multi_dealloc
#define map_traverse multi_traverse
#define map_clear multi_clear
ITER_TYPE(MapType, "map", map);

/* ---- filter ------------------------------------------------------------------------ */

typedef struct FilterObj {
  Obj ob;
  Value func; /* None: the items' truth */
  Value it;
} FilterObj;

static void filter_traverse(Obj *self, void (*visit)(Obj *, void *), void *arg) {
  visit_value(((FilterObj *)self)->func, visit, arg);
  visit_value(((FilterObj *)self)->it, visit, arg);
}
static void filter_clear(Obj *self) {
  clear_value(&((FilterObj *)self)->func);
  clear_value(&((FilterObj *)self)->it);
}
static void filter_dealloc(Obj *self) {
  v_decref(((FilterObj *)self)->func);
  v_decref(((FilterObj *)self)->it);
  vm_free_obj(self);
}

static int filter_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "filter() takes no keyword arguments");
  if (nargs != 2)
    return vm_raise(ts, &TypeError_Type, "filter expected 2 arguments, got %d", nargs);
  Value it;
  if (vm_iter(ts, args[1], &it) < 0) return -1;
  FilterObj *f = (FilterObj *)vm_alloc(ts, type, sizeof *f);
  if (!f) {
    v_decref(it);
    return -1;
  }
  f->func = v_incref(args[0]);
  f->it = it;
  *out = v_obj(&f->ob);
  return 0;
}

static int filter_keep(TState *ts, FilterObj *f, Value item) {
  if (v_is_none(f->func) || v_is_type(f->func, &BoolType)) return vm_truthy(ts, item);
  Value res;
  if (vm_call(ts, f->func, &item, 1, NULL, &res) < 0) return -1;
  int keep = vm_truthy(ts, res);
  v_decref(res);
  return keep;
}

static int filter_next(TState *ts, Value self, Value *out) {
  FilterObj *f = (FilterObj *)self.as.o;
  for (;;) {
    Value item;
    int r = vm_next(ts, f->it, &item);
    if (r <= 0) return r;
    int keep = filter_keep(ts, f, item);
    if (keep > 0) {
      *out = item;
      return 1;
    }
    v_decref(item);
    if (keep < 0) return -1;
  }
}

ITER_TYPE(FilterType, "filter", filter);

/* ---- reversed ---------------------------------------------------------------------- */

/* Walks a sequence backwards by index (list, tuple, str, bytes, and the key
 * list of a dict). A list that shrank under it ends the iteration, like
 * CPython's list_reverseiterator. */
typedef struct ReversedObj {
  Obj ob;
  Value seq;
  int64_t index;
} ReversedObj;

static void reversed_traverse(Obj *self, void (*visit)(Obj *, void *), void *arg) {
  visit_value(((ReversedObj *)self)->seq, visit, arg);
}
static void reversed_clear(Obj *self) { clear_value(&((ReversedObj *)self)->seq); }
static void reversed_dealloc(Obj *self) {
  v_decref(((ReversedObj *)self)->seq);
  vm_free_obj(self);
}

static int reversed_of_range(TState *ts, RangeObj *r, Value *out) {
  int64_t last = r->start + (r->length - 1) * r->step;
  Obj *rev = r->length ? range_new(ts, last, r->start - r->step, -r->step) : range_new(ts, 0, 0, 1);
  if (!rev) return -1;
  int rc = vm_iter(ts, v_obj(rev), out);
  obj_decref(rev);
  return rc;
}

static bool is_reversible_sequence(Value v) {
  Type *t = v_type(v);
  return t == &ListType || t == &TupleType || t == &StrType || t == &BytesType ||
         type_is_subtype(t, &ListType) || type_is_subtype(t, &TupleType);
}

static int reversed_construct(TState *ts, Type *type, const Value *args, int nargs,
                              Obj *kwargs, Value *out) {
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "reversed() takes no keyword arguments");
  if (nargs != 1)
    return vm_raise(ts, &TypeError_Type, "reversed expected 1 argument, got %d", nargs);
  Value seq = args[0];
  if (v_is_type(seq, &RangeType)) return reversed_of_range(ts, (RangeObj *)seq.as.o, out);
  Value owned;
  if (v_is_type(seq, &DictType)) {
    Obj *keys;
    if (vm_to_list(ts, seq, &keys) < 0) return -1;
    owned = v_obj(keys);
  } else if (is_reversible_sequence(seq)) {
    owned = v_incref(seq);
  } else {
    return vm_raise(ts, &TypeError_Type, "'%s' object is not reversible", v_type(seq)->name);
  }
  int64_t len;
  ReversedObj *r = NULL;
  if (vm_len(ts, owned, &len) < 0 || !(r = (ReversedObj *)vm_alloc(ts, type, sizeof *r))) {
    v_decref(owned);
    return -1;
  }
  r->seq = owned;
  r->index = len - 1;
  *out = v_obj(&r->ob);
  return 0;
}

static int reversed_next(TState *ts, Value self, Value *out) {
  ReversedObj *r = (ReversedObj *)self.as.o;
  if (r->index < 0 || v_is_none(r->seq)) return 0;
  int64_t len;
  if (vm_len(ts, r->seq, &len) < 0) return -1;
  if (r->index >= len) {
    r->index = -1;
    return 0;
  }
  if (vm_getitem(ts, r->seq, v_int(r->index), out) < 0) return -1;
  r->index--;
  return 1;
}

ITER_TYPE(ReversedType, "reversed", reversed);

/* ---- iter(callable, sentinel) ------------------------------------------------------ */

typedef struct CallIterObj {
  Obj ob;
  Value func; /* None once exhausted */
  Value sentinel;
} CallIterObj;

static void calliter_traverse(Obj *self, void (*visit)(Obj *, void *), void *arg) {
  visit_value(((CallIterObj *)self)->func, visit, arg);
  visit_value(((CallIterObj *)self)->sentinel, visit, arg);
}
static void calliter_clear(Obj *self) {
  clear_value(&((CallIterObj *)self)->func);
  clear_value(&((CallIterObj *)self)->sentinel);
}
static void calliter_dealloc(Obj *self) {
  v_decref(((CallIterObj *)self)->func);
  v_decref(((CallIterObj *)self)->sentinel);
  vm_free_obj(self);
}

static int calliter_construct(TState *ts, Type *type, const Value *args, int nargs,
                              Obj *kwargs, Value *out) {
  (void)type;
  (void)kwargs;
  (void)out;
  (void)args;
  (void)nargs;
  return vm_raise(ts, &TypeError_Type, "cannot create 'callable_iterator' instances");
}

int calliter_new(TState *ts, Value callable, Value sentinel, Value *out) {
  CallIterObj *c = (CallIterObj *)vm_alloc(ts, &CallIterType, sizeof *c);
  if (!c) return -1;
  c->func = v_incref(callable);
  c->sentinel = v_incref(sentinel);
  *out = v_obj(&c->ob);
  return 0;
}

static int calliter_next(TState *ts, Value self, Value *out) {
  CallIterObj *c = (CallIterObj *)self.as.o;
  if (v_is_none(c->func)) return 0;
  Value v;
  if (vm_call(ts, c->func, NULL, 0, NULL, &v) < 0) {
    /* StopIteration raised by the callable ends the iteration. */
    if (!vm_exc_matches(ts, &StopIteration_Type)) return -1;
    vm_exc_clear(ts);
    clear_value(&c->func);
    return 0;
  }
  int eq = vm_equal(ts, v, c->sentinel);
  if (eq != 0) {
    v_decref(v);
    if (eq > 0) clear_value(&c->func);
    return eq > 0 ? 0 : -1;
  }
  *out = v;
  return 1;
}

ITER_TYPE(CallIterType, "callable_iterator", calliter);
