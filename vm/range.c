/*
 * range.c - range objects: start, stop, step and a precomputed length,
 * never materialised.
 */
#include <string.h>

#include "objimpl.h"
#include "vm.h"

static int64_t range_length(int64_t start, int64_t stop, int64_t step) {
  if (step > 0 && start < stop) return (int64_t)(((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1);
  if (step < 0 && start > stop)
    return (int64_t)(((uint64_t)start - (uint64_t)stop - 1) / (uint64_t)(0 - (uint64_t)step) + 1);
  return 0;
}

Obj *range_new(TState *ts, int64_t start, int64_t stop, int64_t step) {
  RangeObj *r = (RangeObj *)vm_alloc(ts, &RangeType, sizeof(RangeObj));
  if (!r) return NULL;
  r->start = start;
  r->stop = stop;
  r->step = step;
  r->length = range_length(start, stop, step);
  return &r->ob;
}

static void range_dealloc(Obj *o) { vm_free_obj(o); }

static int range_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  (void)type;
  if (kwargs && as_dict(v_obj(kwargs))->used)
    return vm_raise(ts, &TypeError_Type, "range() takes no keyword arguments");
  if (nargs < 1 || nargs > 3)
    return vm_raise(ts, &TypeError_Type,
                    nargs < 1 ? "range expected at least 1 argument, got %d"
                              : "range expected at most 3 arguments, got %d",
                    nargs);
  int64_t v[3];
  for (int i = 0; i < nargs; i++)
    if (index_value(ts, args[i], &v[i]) < 0) return -1;
  int64_t start = 0, stop, step = 1;
  if (nargs == 1) {
    stop = v[0];
  } else {
    start = v[0];
    stop = v[1];
    if (nargs == 3) step = v[2];
  }
  if (step == 0) return vm_raise(ts, &ValueError_Type, "range() arg 3 must not be zero");
  Obj *r = range_new(ts, start, stop, step);
  if (!r) return -1;
  *out = v_obj(r);
  return 0;
}

static int range_repr(TState *ts, Value self, Value *out) {
  RangeObj *r = (RangeObj *)self.as.o;
  Obj *s = r->step == 1 ? str_fmt(ts, "range(%lld, %lld)", (long long)r->start, (long long)r->stop)
                        : str_fmt(ts, "range(%lld, %lld, %lld)", (long long)r->start,
                                  (long long)r->stop, (long long)r->step);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int range_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = ((RangeObj *)self.as.o)->length;
  return 0;
}

static int range_getitem(TState *ts, Value self, Value key, Value *out) {
  RangeObj *r = (RangeObj *)self.as.o;
  if (v_is_type(key, &SliceType)) {
    int64_t start, stop, step, n;
    if (slice_indices(ts, key.as.o, r->length, &start, &stop, &step, &n) < 0) return -1;
    Obj *nr = range_new(ts, r->start + start * r->step, r->start + stop * r->step, step * r->step);
    if (!nr) return -1;
    *out = v_obj(nr);
    return 0;
  }
  if (!v_is_int(key) && !v_is_bool(key))
    return vm_raise(ts, &TypeError_Type, "range indices must be integers or slices, not %s",
                    v_type(key)->name);
  int64_t i;
  if (seq_index(ts, key, r->length, "range object", &i) < 0) return -1;
  *out = v_int(r->start + i * r->step);
  return 0;
}

static int range_contains(TState *ts, Value self, Value item) {
  RangeObj *r = (RangeObj *)self.as.o;
  if (v_is_int(item) || v_is_bool(item)) {
    int64_t x = item.as.i;
    if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop)) return 0;
    return (x - r->start) % r->step == 0;
  }
  for (int64_t i = 0; i < r->length; i++) {
    int eq = vm_equal(ts, v_int(r->start + i * r->step), item);
    if (eq) return eq;
  }
  return 0;
}

static int range_iter(TState *ts, Value self, Value *out) {
  Obj *it = seqiter_new(ts, IT_RANGE, self);
  if (!it) return -1;
  *out = v_obj(it);
  return 0;
}

static int range_compare(TState *ts, Value a, Value b, int op, Value *out) {
  (void)ts;
  if (!v_is_type(a, &RangeType) || !v_is_type(b, &RangeType) || (op != CMP_EQ && op != CMP_NE)) {
    *out = v_undef();
    return 0;
  }
  RangeObj *x = (RangeObj *)a.as.o, *y = (RangeObj *)b.as.o;
  bool eq = x->length == y->length &&
            (x->length == 0 || (x->start == y->start && (x->length == 1 || x->step == y->step)));
  *out = v_bool(op == CMP_EQ ? eq : !eq);
  return 0;
}

static int range_hash(TState *ts, Value self, int64_t *out) {
  RangeObj *r = (RangeObj *)self.as.o;
  Obj *t = tuple_pack(ts, 3, v_int(r->length), v_int(r->start), v_int(r->step));
  if (!t) return -1;
  int rc = vm_hash(ts, v_obj(t), out);
  obj_decref(t);
  return rc;
}

static int range_attr(TState *ts, Value self, Obj *name, Value *out) {
  RangeObj *r = (RangeObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "start") == 0) *out = v_int(r->start);
  else if (strcmp(n, "stop") == 0) *out = v_int(r->stop);
  else if (strcmp(n, "step") == 0) *out = v_int(r->step);
  else
    return vm_raise(ts, &AttributeError_Type, "'range' object has no attribute '%s'", n);
  return 0;
}

static int range_count(TState *ts, Value self, const Value *args, int nargs, Obj *kw, Value *out) {
  (void)kw;
  if (nargs != 1) return vm_raise(ts, &TypeError_Type, "range.count() takes exactly one argument (%d given)", nargs);
  int c = range_contains(ts, self, args[0]);
  if (c < 0) return -1;
  *out = v_int(c);
  return 0;
}

static int range_index(TState *ts, Value self, const Value *args, int nargs, Obj *kw, Value *out) {
  (void)kw;
  RangeObj *r = (RangeObj *)self.as.o;
  if (nargs != 1) return vm_raise(ts, &TypeError_Type, "range.index() takes exactly one argument (%d given)", nargs);
  int c = range_contains(ts, self, args[0]);
  if (c < 0) return -1;
  if (!c || !(v_is_int(args[0]) || v_is_bool(args[0]))) {
    Value rep;
    if (vm_repr(ts, args[0], &rep) < 0) return -1;
    vm_raise(ts, &ValueError_Type, "%s is not in range", as_str(rep)->data);
    v_decref(rep);
    return -1;
  }
  *out = v_int((args[0].as.i - r->start) / r->step);
  return 0;
}

static const MethodDef range_methods[] = {
    {"count", range_count},
    {"index", range_index},
    {NULL, NULL},
};

static int range_getattr_all(TState *ts, Value self, Obj *name, Value *out);

Type RangeType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "range", .dealloc = range_dealloc,
    .construct = range_construct, .repr = range_repr, .hash = range_hash,
    .compare = range_compare, .len = range_len, .getitem = range_getitem,
    .contains = range_contains, .iter = range_iter, .getattr = range_getattr_all,
    .methods = range_methods,
};

static int range_getattr_all(TState *ts, Value self, Obj *name, Value *out) {
  Obj *m = type_lookup_method(&RangeType, name);
  if (m) {
    Obj *b = builtin_new(ts, ((BuiltinObj *)m)->def, self, NULL);
    if (!b) return -1;
    *out = v_obj(b);
    return 0;
  }
  return range_attr(ts, self, name, out);
}
