/*
 * list.c - the list type's core: storage, indexing and slicing (including
 * slice assignment and deletion), concatenation, comparison, repr and
 * iteration. The methods (append, sort, ...) are in list_methods.c.
 */
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "objimpl.h"
#include "vm.h"

int repr_enter(Obj *o);
void repr_leave(Obj *o);

static int list_reserve(TState *ts, ListObj *l, size_t need) {
  if (need <= l->cap) return 0;
  size_t nc = l->cap ? l->cap + (l->cap >> 1) + 4 : 4;
  if (nc < need) nc = need;
  Value *items = realloc(l->items, nc * sizeof(Value));
  if (!items) return vm_raise_nomem(ts);
  l->items = items;
  l->cap = nc;
  return 0;
}

Obj *list_new(TState *ts, size_t len) {
  ListObj *l = (ListObj *)vm_alloc(ts, &ListType, sizeof(ListObj));
  if (!l) return NULL;
  l->len = 0;
  l->cap = 0;
  l->items = NULL;
  if (len && list_reserve(ts, l, len) < 0) {
    obj_decref(&l->ob);
    return NULL;
  }
  for (size_t i = 0; i < len; i++) l->items[i] = v_none();
  l->len = len;
  return &l->ob;
}

Obj *list_from_array(TState *ts, const Value *items, size_t n) {
  Obj *l = list_new(ts, n);
  if (!l) return NULL;
  for (size_t i = 0; i < n; i++) ((ListObj *)l)->items[i] = v_incref(items[i]);
  return l;
}

int list_append(TState *ts, Obj *list, Value v) {
  ListObj *l = (ListObj *)list;
  if (l->len == l->cap && list_reserve(ts, l, l->len + 1) < 0) return -1;
  l->items[l->len++] = v_incref(v);
  return 0;
}

void list_reverse(Obj *list) {
  ListObj *l = (ListObj *)list;
  for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
    Value t = l->items[i];
    l->items[i] = l->items[j - 1];
    l->items[j - 1] = t;
  }
}

int list_extend(TState *ts, Obj *list, Value iterable) {
  ListObj *l = (ListObj *)list;
  if (v_is_type(iterable, &ListType) || v_is_type(iterable, &TupleType)) {
    /* l.extend(l) must copy what was there before the call */
    size_t n = v_is_type(iterable, &ListType) ? as_list(iterable)->len : as_tuple(iterable)->len;
    if (list_reserve(ts, l, l->len + n) < 0) return -1;
    Value *src = v_is_type(iterable, &ListType) ? as_list(iterable)->items : as_tuple(iterable)->items;
    for (size_t i = 0; i < n; i++) l->items[l->len + i] = v_incref(src[i]);
    l->len += n;
    return 0;
  }
  Value it, v;
  if (vm_iter(ts, iterable, &it) < 0) return -1;
  int rc;
  while ((rc = vm_next(ts, it, &v)) == 1) {
    rc = list_append(ts, list, v);
    v_decref(v);
    if (rc < 0) break;
  }
  v_decref(it);
  return rc < 0 ? -1 : 0;
}

static void list_clear(Obj *o) {
  ListObj *l = (ListObj *)o;
  Value *items = l->items;
  size_t n = l->len;
  l->items = NULL;
  l->len = l->cap = 0;
  for (size_t i = 0; i < n; i++) v_decref(items[i]);
  free(items);
}

static void list_dealloc(Obj *o) {
  list_clear(o);
  vm_free_obj(o);
}

static void list_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  ListObj *l = (ListObj *)o;
  for (size_t i = 0; i < l->len; i++)
    if (v_is_obj(l->items[i])) visit(l->items[i].as.o, arg);
}

static int list_repr(TState *ts, Value self, Value *out) {
  if (repr_enter(self.as.o)) {
    *out = v_obj(str_from_cstr(ts, "[...]"));
    return 0;
  }
  int rc = seq_repr(ts, as_list(self)->items, as_list(self)->len, "[", "]", out);
  repr_leave(self.as.o);
  return rc;
}

static int list_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)as_list(self)->len;
  return 0;
}

static int list_getitem(TState *ts, Value self, Value key, Value *out) {
  ListObj *l = as_list(self);
  if (v_is_int(key)) {
    int64_t i = key.as.i;
    if (i < 0) i += (int64_t)l->len;
    if (i < 0 || i >= (int64_t)l->len) return vm_raise(ts, &IndexError_Type, "list index out of range");
    *out = v_incref(l->items[i]);
    return 0;
  }
  if (v_is_type(key, &SliceType)) {
    int64_t start, stop, step, n;
    if (slice_indices(ts, key.as.o, (int64_t)l->len, &start, &stop, &step, &n) < 0) return -1;
    Obj *r = list_new(ts, (size_t)n);
    if (!r) return -1;
    for (int64_t i = 0, k = start; i < n; i++, k += step)
      ((ListObj *)r)->items[i] = v_incref(l->items[k]);
    *out = v_obj(r);
    return 0;
  }
  if (!v_is_bool(key))
    return vm_raise(ts, &TypeError_Type, "list indices must be integers or slices, not %s",
                    v_type(key)->name);
  int64_t i;
  if (seq_index(ts, key, (int64_t)l->len, "list", &i) < 0) return -1;
  *out = v_incref(l->items[i]);
  return 0;
}

/* a[start:stop:step] = values, or del a[...] when values is NULL. */
static int list_set_slice(TState *ts, ListObj *l, Obj *slice, Value val) {
  int64_t start, stop, step, n;
  if (slice_indices(ts, slice, (int64_t)l->len, &start, &stop, &step, &n) < 0) return -1;
  Obj *src = NULL;
  size_t m = 0;
  if (!v_is_undef(val)) {
    if (vm_to_list(ts, val, &src) < 0) return -1; /* a copy: a[:] = a works */
    m = ((ListObj *)src)->len;
  }
  Value *sv = src ? ((ListObj *)src)->items : NULL;
  if (step == 1) {
    if (stop < start) stop = start;
    size_t old = (size_t)(stop - start);
    Value *dead = malloc((old ? old : 1) * sizeof(Value));
    if (!dead || (m > old && list_reserve(ts, l, l->len + m - old) < 0)) {
      free(dead);
      obj_xdecref(src);
      return dead ? -1 : vm_raise_nomem(ts);
    }
    memcpy(dead, l->items + start, old * sizeof(Value));
    memmove(l->items + start + m, l->items + stop, (l->len - (size_t)stop) * sizeof(Value));
    for (size_t i = 0; i < m; i++) l->items[start + (int64_t)i] = v_incref(sv[i]);
    l->len = l->len - old + m;
    for (size_t i = 0; i < old; i++) v_decref(dead[i]);
    free(dead);
    obj_xdecref(src);
    return 0;
  }
  if (!src) {
    /* extended-slice deletion: compact, keeping the survivors in order */
    if (step < 0) {
      start = start + step * (n - 1);
      step = -step;
    }
    Value *dead = malloc(((size_t)n ? (size_t)n : 1) * sizeof(Value));
    if (!dead) return vm_raise_nomem(ts);
    size_t w = 0, d = 0;
    for (size_t i = 0; i < l->len; i++) {
      bool del = (int64_t)i >= start && d < (size_t)n && ((int64_t)i - start) % step == 0;
      if (del)
        dead[d++] = l->items[i];
      else
        l->items[w++] = l->items[i];
    }
    l->len = w;
    for (size_t i = 0; i < d; i++) v_decref(dead[i]);
    free(dead);
    return 0;
  }
  if ((int64_t)m != n) {
    obj_decref(src);
    return vm_raise(ts, &ValueError_Type,
                    "attempt to assign sequence of size %zu to extended slice of size %lld", m,
                    (long long)n);
  }
  for (int64_t i = 0, k = start; i < n; i++, k += step) v_set(&l->items[k], v_incref(sv[i]));
  obj_decref(src);
  return 0;
}

static int list_setitem(TState *ts, Value self, Value key, Value val) {
  ListObj *l = as_list(self);
  if (v_is_type(key, &SliceType)) return list_set_slice(ts, l, key.as.o, val);
  if (!v_is_int(key) && !v_is_bool(key))
    return vm_raise(ts, &TypeError_Type, "list indices must be integers or slices, not %s",
                    v_type(key)->name);
  int64_t i = key.as.i;
  if (i < 0) i += (int64_t)l->len;
  if (i < 0 || i >= (int64_t)l->len)
    return vm_raise(ts, &IndexError_Type,
                    v_is_undef(val) ? "list assignment index out of range"
                                    : "list assignment index out of range");
  if (v_is_undef(val)) {
    Value old = l->items[i];
    memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(Value));
    l->len--;
    v_decref(old);
    return 0;
  }
  v_set(&l->items[i], v_incref(val));
  return 0;
}

static int list_contains(TState *ts, Value self, Value item) {
  ListObj *l = as_list(self);
  for (size_t i = 0; i < l->len; i++) {
    int eq = vm_equal(ts, l->items[i], item);
    if (eq) return eq;
  }
  return 0;
}

static int list_iter(TState *ts, Value self, Value *out) {
  Obj *it = seqiter_new(ts, IT_LIST, self);
  if (!it) return -1;
  *out = v_obj(it);
  return 0;
}

static int list_compare(TState *ts, Value a, Value b, int op, Value *out) {
  if (!v_is_type(a, &ListType) || !v_is_type(b, &ListType)) {
    *out = v_undef();
    return 0;
  }
  return seq_compare(ts, as_list(a)->items, as_list(a)->len, as_list(b)->items,
                     as_list(b)->len, op, out);
}

static Value *list_items(Value v, size_t *len) {
  *len = as_list(v)->len;
  return as_list(v)->items;
}

static int list_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  return seq_binop(ts, op, a, b, &ListType, list_new, list_items, out);
}

static int list_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)type;
  if (kwargs && as_dict(v_obj(kwargs))->used)
    return vm_raise(ts, &TypeError_Type, "list() takes no keyword arguments");
  if (nargs > 1) return vm_raise(ts, &TypeError_Type, "list expected at most 1 argument, got %d", nargs);
  Obj *l = list_new(ts, 0);
  if (!l) return -1;
  if (nargs == 1 && list_extend(ts, l, args[0]) < 0) {
    obj_decref(l);
    return -1;
  }
  *out = v_obj(l);
  return 0;
}

Type ListType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "list", .flags = TF_GC,
    .dealloc = list_dealloc, .traverse = list_traverse, .clear = list_clear,
    .construct = list_construct, .repr = list_repr, .compare = list_compare,
    .binop = list_binop, .len = list_len, .getitem = list_getitem, .setitem = list_setitem,
    .contains = list_contains, .iter = list_iter, .methods = list_methods,
};
