/*
 * list_methods.c - the methods of list (append, extend, insert, pop,
 * remove, index, count, sort, reverse, copy, clear) and of tuple (count,
 * index).
 *
 * sort() is CPython's algorithm where it is observable: lists shorter than
 * 64 items are sorted exactly as timsort does it for one run (count_run,
 * then binary insertion), so the same comparisons happen in the same order
 * and a failing comparison raises the same TypeError; longer lists use a
 * stable merge sort (same result, possibly different comparison order).
 * Like CPython, the list is emptied while it is being sorted and
 * "list modified during sort" is raised if a key function changed it.
 */
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "objimpl.h"
#include "vm.h"

static bool has_kwargs(Obj *kwargs) { return kwargs && ((DictObj *)kwargs)->used > 0; }

static int no_kwargs(TState *ts, const char *tname, const char *name, Obj *kwargs) {
  if (!has_kwargs(kwargs)) return 0;
  return vm_raise(ts, &TypeError_Type, "%s.%s() takes no keyword arguments", tname, name);
}

static int one_arg(TState *ts, const char *tname, const char *name, int nargs, Obj *kwargs) {
  if (no_kwargs(ts, tname, name, kwargs) < 0) return -1;
  if (nargs != 1)
    return vm_raise(ts, &TypeError_Type, "%s.%s() takes exactly one argument (%d given)", tname,
                    name, nargs);
  return 0;
}

static int no_args(TState *ts, const char *tname, const char *name, int nargs, Obj *kwargs) {
  if (no_kwargs(ts, tname, name, kwargs) < 0) return -1;
  if (nargs != 0)
    return vm_raise(ts, &TypeError_Type, "%s.%s() takes no arguments (%d given)", tname, name,
                    nargs);
  return 0;
}

static int range_args(TState *ts, const char *tname, const char *name, int nargs, Obj *kwargs,
                      int min, int max) {
  if (no_kwargs(ts, tname, name, kwargs) < 0) return -1;
  if (min == max && nargs != min)
    return vm_raise(ts, &TypeError_Type, "%s expected %d argument%s, got %d", name, min,
                    min == 1 ? "" : "s", nargs);
  if (nargs < min)
    return vm_raise(ts, &TypeError_Type, "%s expected at least %d argument%s, got %d", name, min,
                    min == 1 ? "" : "s", nargs);
  if (nargs > max)
    return vm_raise(ts, &TypeError_Type, "%s expected at most %d argument%s, got %d", name, max,
                    max == 1 ? "" : "s", nargs);
  return 0;
}

static int as_index(TState *ts, Value v, int64_t *out) {
  if (v_is_int(v) || v_is_bool(v)) { *out = v.as.i; return 0; }
  return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                  v_type(v)->name);
}

/* Start/stop of index(): slice-style clamping. */
static int search_bounds(TState *ts, const Value *args, int nargs, int64_t len, int64_t *st,
                         int64_t *en) {
  *st = 0;
  *en = len;
  for (int k = 1; k < 3 && k < nargs; k++) {
    if (!v_is_int(args[k]) && !v_is_bool(args[k]))
      return vm_raise(ts, &TypeError_Type,
                      "slice indices must be integers or have an __index__ method");
    int64_t v = args[k].as.i;
    if (v < 0) { v += len; if (v < 0) v = 0; }
    if (k == 1) *st = v; else *en = v;
  }
  return 0;
}

/* ---- list ------------------------------------------------------------------- */

#define L(v) as_list(v)

static int list_m_append(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (one_arg(ts, "list", "append", nargs, kwargs) < 0) return -1;
  if (list_append(ts, self.as.o, args[0]) < 0) return -1;
  *out = v_none();
  return 0;
}

static int list_m_extend(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (one_arg(ts, "list", "extend", nargs, kwargs) < 0) return -1;
  Value src = args[0];
  Obj *tmp = NULL;
  /* Snapshot first, so that l.extend(l) doubles the list exactly once. */
  if (v_is_type(src, &ListType) || v_is_type(src, &TupleType)) {
    bool is_list = v_is_type(src, &ListType);
    size_t n = is_list ? L(src)->len : as_tuple(src)->len;
    tmp = list_new(ts, n);
    if (!tmp) return -1;
    for (size_t i = 0; i < n; i++)
      ((ListObj *)tmp)->items[i] = v_incref(is_list ? L(src)->items[i] : as_tuple(src)->items[i]);
  } else if (vm_to_list(ts, src, &tmp) < 0) {
    return -1;
  }
  ListObj *t = (ListObj *)tmp;
  for (size_t i = 0; i < t->len; i++) {
    if (list_append(ts, self.as.o, t->items[i]) < 0) { obj_decref(tmp); return -1; }
  }
  obj_decref(tmp);
  *out = v_none();
  return 0;
}

static int list_m_insert(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (range_args(ts, "list", "insert", nargs, kwargs, 2, 2) < 0) return -1;
  int64_t i = 0;
  if (as_index(ts, args[0], &i) < 0) return -1;
  ListObj *l = L(self);
  int64_t n = (int64_t)l->len;
  if (i < 0) { i += n; if (i < 0) i = 0; }
  if (i > n) i = n;
  /* Grow by one through list_append, then shift the tail right. */
  if (list_append(ts, self.as.o, v_none()) < 0) return -1;
  memmove(&l->items[i + 1], &l->items[i], (size_t)(n - i) * sizeof(Value));
  l->items[i] = v_incref(args[1]);
  *out = v_none();
  return 0;
}

static int list_m_pop(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  if (range_args(ts, "list", "pop", nargs, kwargs, 0, 1) < 0) return -1;
  int64_t i = -1;
  if (nargs == 1 && as_index(ts, args[0], &i) < 0) return -1;
  ListObj *l = L(self);
  int64_t n = (int64_t)l->len;
  if (n == 0) return vm_raise(ts, &IndexError_Type, "pop from empty list");
  if (i < 0) i += n;
  if (i < 0 || i >= n) return vm_raise(ts, &IndexError_Type, "pop index out of range");
  *out = l->items[i];
  memmove(&l->items[i], &l->items[i + 1], (size_t)(n - i - 1) * sizeof(Value));
  l->len--;
  return 0;
}

/* Position of the first item equal to x in items[st..en), -1 if none, -2 on error. */
static int64_t find_equal(TState *ts, Value seq, int64_t st, int64_t en, Value x) {
  for (int64_t i = st;; i++) {
    /* Re-read the storage each time: __eq__ can't run Python code here,
     * but the list may still be shorter than `en`. */
    bool is_list = v_is_type(seq, &ListType);
    int64_t len = is_list ? (int64_t)L(seq)->len : (int64_t)as_tuple(seq)->len;
    if (i >= en || i >= len) return -1;
    Value item = is_list ? L(seq)->items[i] : as_tuple(seq)->items[i];
    v_incref(item);
    int eq = vm_equal(ts, item, x);
    v_decref(item);
    if (eq < 0) return -2;
    if (eq) return i;
  }
}

static int list_m_remove(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (one_arg(ts, "list", "remove", nargs, kwargs) < 0) return -1;
  int64_t i = find_equal(ts, self, 0, INT64_MAX, args[0]);
  if (i == -2) return -1;
  if (i < 0) return vm_raise(ts, &ValueError_Type, "list.remove(x): x not in list");
  ListObj *l = L(self);
  Value gone = l->items[i];
  memmove(&l->items[i], &l->items[i + 1], (size_t)((int64_t)l->len - i - 1) * sizeof(Value));
  l->len--;
  v_decref(gone);
  *out = v_none();
  return 0;
}

static int seq_index_method(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            const char *tname, Value *out) {
  if (range_args(ts, tname, "index", nargs, kwargs, 1, 3) < 0) return -1;
  bool is_list = v_is_type(self, &ListType);
  int64_t len = is_list ? (int64_t)L(self)->len : (int64_t)as_tuple(self)->len;
  int64_t st, en;
  if (search_bounds(ts, args, nargs, len, &st, &en) < 0) return -1;
  int64_t i = find_equal(ts, self, st, en, args[0]);
  if (i == -2) return -1;
  if (i >= 0) { *out = v_int(i); return 0; }
  if (!is_list) return vm_raise(ts, &ValueError_Type, "tuple.index(x): x not in tuple");
  Value r = v_undef();
  if (vm_repr(ts, args[0], &r) < 0) return -1;
  vm_raise(ts, &ValueError_Type, "%s is not in list", as_str(r)->data);
  v_decref(r);
  return -1;
}

static int seq_count_method(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            const char *tname, Value *out) {
  if (one_arg(ts, tname, "count", nargs, kwargs) < 0) return -1;
  int64_t n = 0;
  for (int64_t i = 0;; i++) {
    i = find_equal(ts, self, i, INT64_MAX, args[0]);
    if (i == -2) return -1;
    if (i < 0) break;
    n++;
  }
  *out = v_int(n);
  return 0;
}

static int list_m_index(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  return seq_index_method(ts, self, args, nargs, kwargs, "list", out);
}

static int list_m_count(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  return seq_count_method(ts, self, args, nargs, kwargs, "list", out);
}

static int tuple_m_index(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  return seq_index_method(ts, self, args, nargs, kwargs, "tuple", out);
}

static int tuple_m_count(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  return seq_count_method(ts, self, args, nargs, kwargs, "tuple", out);
}

static int list_m_reverse(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)args;
  if (no_args(ts, "list", "reverse", nargs, kwargs) < 0) return -1;
  list_reverse(self.as.o);
  *out = v_none();
  return 0;
}

static int list_m_copy(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  if (no_args(ts, "list", "copy", nargs, kwargs) < 0) return -1;
  ListObj *l = L(self);
  Obj *c = list_new(ts, l->len);
  if (!c) return -1;
  for (size_t i = 0; i < l->len; i++) ((ListObj *)c)->items[i] = v_incref(l->items[i]);
  *out = v_obj(c);
  return 0;
}

static int list_m_clear(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)args;
  if (no_args(ts, "list", "clear", nargs, kwargs) < 0) return -1;
  ListObj *l = L(self);
  /* Detach before releasing: a destructor may look at the list. */
  while (l->len > 0) {
    Value v = l->items[--l->len];
    v_decref(v);
  }
  *out = v_none();
  return 0;
}

/* ---- sort ---------------------------------------------------------------------- */

typedef struct SortItem {
  Value key;   /* the key (an owned ref when a key function is used) */
  Value value; /* the item (owned by the saved array) */
} SortItem;

static int item_lt(TState *ts, const SortItem *a, const SortItem *b) {
  return vm_compare_bool(ts, a->key, b->key, CMP_LT);
}

/* timsort's count_run: the length of the run at the start; reverses a
 * strictly descending run in place. */
static int64_t count_run(TState *ts, SortItem *a, int64_t n) {
  if (n <= 1) return n;
  int lt = item_lt(ts, &a[1], &a[0]);
  if (lt < 0) return -1;
  int64_t k = 2;
  if (lt) {
    for (; k < n; k++) {
      int c = item_lt(ts, &a[k], &a[k - 1]);
      if (c < 0) return -1;
      if (!c) break;
    }
    for (int64_t i = 0, j = k - 1; i < j; i++, j--) {
      SortItem t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  } else {
    for (; k < n; k++) {
      int c = item_lt(ts, &a[k], &a[k - 1]);
      if (c < 0) return -1;
      if (c) break;
    }
  }
  return k;
}

/* timsort's binarysort: a[0..start) is sorted; insert the rest. */
static int binary_sort(TState *ts, SortItem *a, int64_t n, int64_t start) {
  if (start == 0) start = 1;
  for (; start < n; start++) {
    SortItem pivot = a[start];
    int64_t l = 0, r = start;
    while (l < r) {
      int64_t p = l + ((r - l) >> 1);
      int c = item_lt(ts, &pivot, &a[p]);
      if (c < 0) return -1;
      if (c) r = p; else l = p + 1;
    }
    memmove(&a[l + 1], &a[l], (size_t)(start - l) * sizeof(SortItem));
    a[l] = pivot;
  }
  return 0;
}

static int merge_sort(TState *ts, SortItem *a, SortItem *tmp, int64_t n) {
  if (n <= 32) return binary_sort(ts, a, n, 1);
  int64_t h = n / 2;
  if (merge_sort(ts, a, tmp, h) < 0 || merge_sort(ts, a + h, tmp, n - h) < 0) return -1;
  memcpy(tmp, a, (size_t)h * sizeof(SortItem));
  int64_t i = 0, j = h, k = 0;
  while (i < h && j < n) {
    /* Take from the right only when strictly smaller: stability. */
    int c = item_lt(ts, &a[j], &tmp[i]);
    if (c < 0) {
      memcpy(&a[k], &tmp[i], (size_t)(h - i) * sizeof(SortItem));
      return -1;
    }
    a[k++] = c ? a[j++] : tmp[i++];
  }
  while (i < h) a[k++] = tmp[i++];
  return 0;
}

static int sort_items(TState *ts, SortItem *a, int64_t n) {
  if (n < 64) {
    int64_t run = count_run(ts, a, n);
    if (run < 0) return -1;
    return run < n ? binary_sort(ts, a, n, run) : 0;
  }
  SortItem *tmp = malloc((size_t)n * sizeof(SortItem));
  if (!tmp) return vm_raise_nomem(ts);
  int rc = merge_sort(ts, a, tmp, n);
  free(tmp);
  return rc;
}

static int list_m_sort(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  static const char *const names[] = {"key", "reverse"};
  Value a[2];
  if (nargs > 0) return vm_raise(ts, &TypeError_Type, "sort() takes no positional arguments");
  if (vm_parse_args(ts, "sort", args, nargs, kwargs, names, 2, 0, 0, a) < 0) return -1;
  int reverse = 0;
  if (!v_is_undef(a[1]) && (reverse = vm_truthy(ts, a[1])) < 0) return -1;
  bool keyed = !v_is_undef(a[0]) && !v_is_none(a[0]);
  ListObj *l = L(self);
  /* Empty the list while sorting, as CPython does. */
  Value *saved = l->items;
  size_t n = l->len, cap = l->cap;
  l->items = NULL;
  l->len = l->cap = 0;
  SortItem *items = malloc((n ? n : 1) * sizeof(SortItem));
  int rc = items ? 0 : vm_raise_nomem(ts);
  size_t nkeys = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    items[i].value = saved[i];
    items[i].key = saved[i];
    if (keyed && (rc = vm_call(ts, a[0], &saved[i], 1, NULL, &items[i].key)) == 0) nkeys++;
  }
  if (rc == 0) {
    /* reverse=True keeps stability by reversing, sorting, reversing back. */
    if (reverse) for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
      SortItem t = items[i]; items[i] = items[j - 1]; items[j - 1] = t;
    }
    rc = sort_items(ts, items, (int64_t)n);
    if (reverse) for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
      SortItem t = items[i]; items[i] = items[j - 1]; items[j - 1] = t;
    }
  }
  /* On success, or when a comparison failed mid-sort, the items array holds
   * a permutation of the originals: write it back either way (CPython
   * leaves a failed sort's list partially sorted too). */
  if (items && (rc == 0 || !keyed || nkeys == n)) for (size_t i = 0; i < n; i++) saved[i] = items[i].value;
  if (keyed) for (size_t i = 0; i < nkeys; i++) v_decref(items[i].key);
  free(items);
  Value *mod_items = l->items;
  size_t mod_len = l->len;
  l->items = saved;
  l->len = n;
  l->cap = cap;
  if (mod_items || mod_len) {
    for (size_t i = 0; i < mod_len; i++) v_decref(mod_items[i]);
    free(mod_items);
    if (rc == 0) rc = vm_raise(ts, &ValueError_Type, "list modified during sort");
  }
  if (rc < 0) return -1;
  *out = v_none();
  return 0;
}

const MethodDef list_methods[] = {
    {"append", list_m_append},
    {"extend", list_m_extend},
    {"insert", list_m_insert},
    {"pop", list_m_pop},
    {"remove", list_m_remove},
    {"index", list_m_index},
    {"count", list_m_count},
    {"sort", list_m_sort},
    {"reverse", list_m_reverse},
    {"copy", list_m_copy},
    {"clear", list_m_clear},
    {NULL, NULL},
};

const MethodDef tuple_methods[] = {
    {"count", tuple_m_count},
    {"index", tuple_m_index},
    {NULL, NULL},
};
