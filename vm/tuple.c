/*
 * tuple.c - the tuple type, and the helpers list and tuple share: repr
 * of a sequence (with CPython's "[...]" for self-reference) and
 * lexicographic comparison.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "objimpl.h"
#include "vm.h"

/* The shared empty tuple. TupleType is a GC type, so the static object
 * gets a (zeroed: untracked) GCHead in front of it like any other. */
static struct {
  GCHead head;
  TupleObj t;
} empty_tuple = {{NULL, NULL, 0}, {{IMMORTAL_REFCNT, &TupleType}, -1, 0}};

Obj *tuple_new(TState *ts, size_t len) {
  if (len == 0) return &empty_tuple.t.ob;
  TupleObj *t = (TupleObj *)vm_alloc(ts, &TupleType, sizeof(TupleObj) + len * sizeof(Value));
  if (!t) return NULL;
  t->hash = -1;
  t->len = len;
  for (size_t i = 0; i < len; i++) t->items[i] = v_none();
  return &t->ob;
}

Obj *tuple_from_array(TState *ts, const Value *items, size_t n) {
  Obj *t = tuple_new(ts, n);
  if (!t) return NULL;
  for (size_t i = 0; i < n; i++) ((TupleObj *)t)->items[i] = v_incref(items[i]);
  return t;
}

Obj *tuple_pack(TState *ts, size_t n, ...) {
  Obj *t = tuple_new(ts, n);
  if (!t) return NULL;
  va_list ap;
  va_start(ap, n);
  for (size_t i = 0; i < n; i++) ((TupleObj *)t)->items[i] = v_incref(va_arg(ap, Value));
  va_end(ap);
  return t;
}

static void tuple_clear(Obj *o) {
  TupleObj *t = (TupleObj *)o;
  for (size_t i = 0; i < t->len; i++) {
    Value v = t->items[i];
    t->items[i] = v_none();
    v_decref(v);
  }
}

static void tuple_dealloc(Obj *o) {
  tuple_clear(o);
  vm_free_obj(o);
}

static void tuple_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  TupleObj *t = (TupleObj *)o;
  for (size_t i = 0; i < t->len; i++)
    if (v_is_obj(t->items[i])) visit(t->items[i].as.o, arg);
}

/* Objects whose repr is in progress on this thread, to print "[...]" for a
 * container that contains itself instead of recursing forever. */
static Obj *repr_active[64];
static int repr_depth;

int seq_repr(TState *ts, const Value *items, size_t n, const char *open, const char *close,
             Value *out) {
  StrBuf b;
  if (sb_init(ts, &b, 2 + n * 4) < 0) return -1;
  sb_adds(ts, &b, open);
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && sb_add(ts, &b, ", ", 2) < 0) goto fail;
    Value r;
    if (vm_repr(ts, items[i], &r) < 0) goto fail;
    int rc = sb_add_str(ts, &b, r);
    v_decref(r);
    if (rc < 0) goto fail;
  }
  if (sb_adds(ts, &b, close) < 0) goto fail;
  Obj *s = sb_finish(ts, &b);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
fail:
  sb_free(&b);
  return -1;
}

/* Wraps a container's repr with the self-reference guard. */
int repr_enter(Obj *o) {
  for (int i = 0; i < repr_depth; i++)
    if (repr_active[i] == o) return 1;
  if (repr_depth < 64) repr_active[repr_depth++] = o;
  return 0;
}
void repr_leave(Obj *o) {
  if (repr_depth > 0 && repr_active[repr_depth - 1] == o) repr_depth--;
}

static int tuple_repr(TState *ts, Value self, Value *out) {
  TupleObj *t = as_tuple(self);
  if (t->len == 1) return seq_repr(ts, t->items, 1, "(", ",)", out);
  if (repr_enter(self.as.o)) {
    *out = v_obj(str_from_cstr(ts, "(...)"));
    return 0;
  }
  int rc = seq_repr(ts, t->items, t->len, "(", ")", out);
  repr_leave(self.as.o);
  return rc;
}

int seq_compare(TState *ts, const Value *a, size_t na, const Value *b, size_t nb, int op,
                Value *out) {
  size_t i;
  for (i = 0; i < na && i < nb; i++) {
    int eq = vm_equal(ts, a[i], b[i]);
    if (eq < 0) return -1;
    if (!eq) break;
  }
  if (i >= na || i >= nb) {
    int c = na < nb ? -1 : na > nb;
    *out = v_bool(num_compare_result(c, op));
    return 0;
  }
  if (op == CMP_EQ) {
    *out = v_bool(false);
    return 0;
  }
  if (op == CMP_NE) {
    *out = v_bool(true);
    return 0;
  }
  return vm_compare(ts, a[i], b[i], op, out);
}

int seq_binop(TState *ts, BinOp op, Value a, Value b, Type *type,
              Obj *(*make)(TState *, size_t), Value *(*items)(Value, size_t *), Value *out) {
  size_t na, nb, nr;
  if (op == BINOP_ADD && v_is_type(a, type) && v_is_type(b, type)) {
    const Value *x = items(a, &na), *y = items(b, &nb);
    Obj *r = make(ts, na + nb);
    if (!r) return -1;
    Value *dst = items(v_obj(r), &nr);
    for (size_t i = 0; i < na; i++) dst[i] = v_incref(x[i]);
    for (size_t i = 0; i < nb; i++) dst[na + i] = v_incref(y[i]);
    *out = v_obj(r);
    return 0;
  }
  if (op == BINOP_MUL) {
    Value t = a, n = b;
    if (!v_is_type(t, type)) {
      t = b;
      n = a;
    }
    if (v_is_type(t, type) && (v_is_int(n) || v_is_bool(n))) {
      const Value *x = items(t, &na);
      int64_t k = n.as.i < 0 ? 0 : n.as.i;
      if (na && (uint64_t)k > (1ull << 32) / na) return vm_raise_nomem(ts);
      Obj *r = make(ts, na * (size_t)k);
      if (!r) return -1;
      Value *dst = items(v_obj(r), &nr);
      for (int64_t j = 0; j < k; j++)
        for (size_t i = 0; i < na; i++) dst[(size_t)j * na + i] = v_incref(x[i]);
      *out = v_obj(r);
      return 0;
    }
  }
  *out = v_undef();
  return 0;
}

static int tuple_compare(TState *ts, Value a, Value b, int op, Value *out) {
  if (!v_is_type(a, &TupleType) || !v_is_type(b, &TupleType)) {
    *out = v_undef();
    return 0;
  }
  return seq_compare(ts, as_tuple(a)->items, as_tuple(a)->len, as_tuple(b)->items,
                     as_tuple(b)->len, op, out);
}

/* CPython's tuple hash (xxHash-based, 3.8+), so hash((1, 2)) matches. */
static int tuple_hash(TState *ts, Value self, int64_t *out) {
  TupleObj *t = as_tuple(self);
  const uint64_t P1 = 11400714785074694791ull, P2 = 14029467366897019727ull,
                 P5 = 2870177450012600261ull;
  uint64_t acc = P5;
  for (size_t i = 0; i < t->len; i++) {
    int64_t h;
    if (vm_hash(ts, t->items[i], &h) < 0) return -1;
    acc += (uint64_t)h * P2;
    acc = (acc << 31) | (acc >> 33);
    acc *= P1;
  }
  acc += t->len ^ (P5 ^ 3527539ull);
  if (acc == (uint64_t)-1) acc = 1546275796;
  *out = (int64_t)acc;
  return 0;
}

static int tuple_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)as_tuple(self)->len;
  return 0;
}

static int tuple_getitem(TState *ts, Value self, Value key, Value *out) {
  TupleObj *t = as_tuple(self);
  if (v_is_type(key, &SliceType)) {
    int64_t start, stop, step, n;
    if (slice_indices(ts, key.as.o, (int64_t)t->len, &start, &stop, &step, &n) < 0) return -1;
    if (step == 1 && start == 0 && n == (int64_t)t->len) {
      *out = v_incref(self);
      return 0;
    }
    Obj *r = tuple_new(ts, (size_t)n);
    if (!r) return -1;
    for (int64_t i = 0, k = start; i < n; i++, k += step)
      ((TupleObj *)r)->items[i] = v_incref(t->items[k]);
    *out = v_obj(r);
    return 0;
  }
  if (!v_is_int(key) && !v_is_bool(key))
    return vm_raise(ts, &TypeError_Type, "tuple indices must be integers or slices, not %s",
                    v_type(key)->name);
  int64_t i;
  if (seq_index(ts, key, (int64_t)t->len, "tuple", &i) < 0) return -1;
  *out = v_incref(t->items[i]);
  return 0;
}

static int tuple_contains(TState *ts, Value self, Value item) {
  TupleObj *t = as_tuple(self);
  for (size_t i = 0; i < t->len; i++) {
    int eq = vm_equal(ts, t->items[i], item);
    if (eq) return eq;
  }
  return 0;
}

static int tuple_iter(TState *ts, Value self, Value *out) {
  Obj *it = seqiter_new(ts, IT_TUPLE, self);
  if (!it) return -1;
  *out = v_obj(it);
  return 0;
}

static Value *tuple_items(Value v, size_t *len) {
  *len = as_tuple(v)->len;
  return as_tuple(v)->items;
}

static int tuple_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  return seq_binop(ts, op, a, b, &TupleType, tuple_new, tuple_items, out);
}

static int tuple_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  (void)type;
  if (kwargs && as_dict(v_obj(kwargs))->used)
    return vm_raise(ts, &TypeError_Type, "tuple() takes no keyword arguments");
  if (nargs > 1) return vm_raise(ts, &TypeError_Type, "tuple expected at most 1 argument, got %d", nargs);
  if (nargs == 0) {
    *out = v_obj(tuple_new(ts, 0));
    return 0;
  }
  if (v_is_type(args[0], &TupleType)) {
    *out = v_incref(args[0]);
    return 0;
  }
  Obj *l;
  if (vm_to_list(ts, args[0], &l) < 0) return -1;
  Obj *t = tuple_from_array(ts, ((ListObj *)l)->items, ((ListObj *)l)->len);
  obj_decref(l);
  if (!t) return -1;
  *out = v_obj(t);
  return 0;
}

Type TupleType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "tuple", .flags = TF_GC,
    .dealloc = tuple_dealloc, .traverse = tuple_traverse, .clear = tuple_clear,
    .construct = tuple_construct, .repr = tuple_repr, .hash = tuple_hash,
    .compare = tuple_compare, .binop = tuple_binop, .len = tuple_len,
    .getitem = tuple_getitem, .contains = tuple_contains, .iter = tuple_iter,
    .methods = tuple_methods,
};
