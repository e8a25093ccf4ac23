/*
 * dict.c - the dict type's core: CPython 3.6+'s compact, insertion-ordered
 * hash table. `entries` holds (hash, key, value) in insertion order;
 * `index` is the open-addressed hash table of positions into it. Deleting
 * leaves a hole (key T_UNDEF) that the next resize squeezes out, so
 * iteration order is always insertion order. The methods are in
 * dict_methods.c.
 */
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "objimpl.h"
#include "vm.h"

int repr_enter(Obj *o);
void repr_leave(Obj *o);

#define IX_EMPTY (-1)
#define IX_DUMMY (-2)
#define MIN_INDEX 8

Obj *dict_new(TState *ts) {
  DictObj *d = (DictObj *)vm_alloc(ts, &DictType, sizeof(DictObj));
  if (!d) return NULL;
  d->used = d->nentries = d->cap_entries = d->index_size = 0;
  d->index = NULL;
  d->entries = NULL;
  d->version = 0;
  return &d->ob;
}

/* Rebuilds index and entries for at least `need` live entries. */
static int dict_resize(TState *ts, DictObj *d, size_t need) {
  size_t isize = MIN_INDEX;
  while (isize * 2 < need * 3) isize <<= 1;
  size_t cap = isize * 2 / 3;
  int64_t *index = malloc(isize * sizeof(int64_t));
  DictEntry *entries = malloc(cap * sizeof(DictEntry));
  if (!index || !entries) {
    free(index);
    free(entries);
    return vm_raise_nomem(ts);
  }
  memset(index, 0xff, isize * sizeof(int64_t)); /* IX_EMPTY */
  size_t n = 0, mask = isize - 1;
  for (size_t i = 0; i < d->nentries; i++) {
    DictEntry *e = &d->entries[i];
    if (v_is_undef(e->key)) continue;
    entries[n] = *e;
    uint64_t perturb = (uint64_t)e->hash;
    size_t j = (size_t)e->hash & mask;
    while (index[j] != IX_EMPTY) {
      perturb >>= 5;
      j = (j * 5 + (size_t)perturb + 1) & mask;
    }
    index[j] = (int64_t)n++;
  }
  free(d->index);
  free(d->entries);
  d->index = index;
  d->entries = entries;
  d->index_size = isize;
  d->cap_entries = cap;
  d->nentries = n;
  return 0;
}

static bool keys_identical_or_str_eq(Value a, Value b) {
  if (a.tag != b.tag) return false;
  if (a.tag == T_OBJ) {
    if (a.as.o == b.as.o) return true;
    return a.as.o->type == &StrType && b.as.o->type == &StrType && str_eq(a.as.o, b.as.o);
  }
  return a.as.i == b.as.i;
}

/* Finds key: returns its index slot in *slot and its entry position (or -1
 * if absent, with *slot the first free slot to insert at). -2 on error. */
static int64_t dict_find(TState *ts, DictObj *d, Value key, int64_t hash, size_t *slot) {
  if (!d->index_size) {
    *slot = 0;
    return -1;
  }
  size_t mask = d->index_size - 1;
  size_t j = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  int64_t free_slot = -1;
  for (;;) {
    int64_t ix = d->index[j];
    if (ix == IX_EMPTY) {
      *slot = free_slot >= 0 ? (size_t)free_slot : j;
      return -1;
    }
    if (ix == IX_DUMMY) {
      if (free_slot < 0) free_slot = (int64_t)j;
    } else {
      DictEntry *e = &d->entries[ix];
      if (e->hash == hash) {
        if (keys_identical_or_str_eq(e->key, key)) {
          *slot = j;
          return ix;
        }
        /* a general == may run arbitrary code; only for non-trivial keys */
        if (!(v_is_type(key, &StrType) && v_is_type(e->key, &StrType))) {
          Value ek = v_incref(e->key);
          uint64_t ver = d->version;
          int eq = vm_equal(ts, ek, key);
          v_decref(ek);
          if (eq < 0) return -2;
          if (d->version != ver)
            return vm_raise(ts, &RuntimeError_Type, "dictionary changed size during iteration"), -2;
          if (eq) {
            *slot = j;
            return ix;
          }
        }
      }
    }
    perturb >>= 5;
    j = (j * 5 + (size_t)perturb + 1) & mask;
  }
}

static int hash_key(TState *ts, Value key, int64_t *h) {
  if (v_is_type(key, &StrType)) {
    *h = str_hash(key.as.o);
    return 0;
  }
  if (v_is_int(key)) {
    *h = int_hash(key.as.i);
    return 0;
  }
  return vm_hash(ts, key, h);
}

static int dict_set_hashed(TState *ts, DictObj *d, Value key, int64_t hash, Value val) {
  size_t slot;
  int64_t ix = dict_find(ts, d, key, hash, &slot);
  if (ix == -2) return -1;
  d->version++;
  if (ix >= 0) {
    v_set(&d->entries[ix].value, v_incref(val));
    return 0;
  }
  if (d->nentries >= d->cap_entries) {
    if (dict_resize(ts, d, d->used + 1) < 0) return -1;
    ix = dict_find(ts, d, key, hash, &slot);
    if (ix == -2) return -1;
  }
  DictEntry *e = &d->entries[d->nentries];
  e->hash = hash;
  e->key = v_incref(key);
  e->value = v_incref(val);
  d->index[slot] = (int64_t)d->nentries++;
  d->used++;
  return 0;
}

int dict_set(TState *ts, Obj *dict, Value key, Value val) {
  int64_t h;
  if (hash_key(ts, key, &h) < 0) return -1;
  return dict_set_hashed(ts, (DictObj *)dict, key, h, val);
}

int dict_get_hashed(TState *ts, Obj *dict, Value key, int64_t hash, Value *out) {
  size_t slot;
  int64_t ix = dict_find(ts, (DictObj *)dict, key, hash, &slot);
  if (ix == -2) return -1;
  if (ix < 0) return 0;
  *out = v_incref(((DictObj *)dict)->entries[ix].value);
  return 1;
}

int dict_get(TState *ts, Obj *dict, Value key, Value *out) {
  int64_t h;
  if (hash_key(ts, key, &h) < 0) return -1;
  return dict_get_hashed(ts, dict, key, h, out);
}

int dict_del(TState *ts, Obj *dict, Value key) {
  DictObj *d = (DictObj *)dict;
  int64_t h;
  if (hash_key(ts, key, &h) < 0) return -1;
  size_t slot;
  int64_t ix = dict_find(ts, d, key, h, &slot);
  if (ix == -2) return -1;
  if (ix < 0) return 0;
  DictEntry *e = &d->entries[ix];
  Value k = e->key, v = e->value;
  e->key = e->value = v_undef();
  d->index[slot] = IX_DUMMY;
  d->used--;
  d->version++;
  v_decref(k);
  v_decref(v);
  return 1;
}

int dict_set_str(TState *ts, Obj *dict, const char *key, Value val) {
  return dict_set(ts, dict, v_obj(str_intern(key)), val);
}

int64_t dict_lookup_str_index(Obj *dict, Obj *strkey) {
  DictObj *d = (DictObj *)dict;
  if (!d->index_size) return -1;
  int64_t hash = str_hash(strkey);
  size_t mask = d->index_size - 1, j = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  for (;;) {
    int64_t ix = d->index[j];
    if (ix == IX_EMPTY) return -1;
    if (ix >= 0) {
      DictEntry *e = &d->entries[ix];
      if (e->hash == hash && v_is_type(e->key, &StrType) && str_eq(e->key.as.o, strkey)) return ix;
    }
    perturb >>= 5;
    j = (j * 5 + (size_t)perturb + 1) & mask;
  }
}

Value dict_get_str_borrowed(Obj *dict, Obj *strkey) {
  int64_t ix = dict_lookup_str_index(dict, strkey);
  return ix < 0 ? v_undef() : ((DictObj *)dict)->entries[ix].value;
}

bool dict_next(Obj *dict, size_t *pos, Value *key, Value *value) {
  DictObj *d = (DictObj *)dict;
  while (*pos < d->nentries) {
    DictEntry *e = &d->entries[(*pos)++];
    if (v_is_undef(e->key)) continue;
    if (key) *key = e->key;
    if (value) *value = e->value;
    return true;
  }
  return false;
}

Obj *dict_copy(TState *ts, Obj *dict) {
  Obj *r = dict_new(ts);
  if (!r) return NULL;
  DictObj *d = (DictObj *)dict;
  for (size_t i = 0; i < d->nentries; i++) {
    DictEntry *e = &d->entries[i];
    if (v_is_undef(e->key)) continue;
    if (dict_set_hashed(ts, (DictObj *)r, e->key, e->hash, e->value) < 0) {
      obj_decref(r);
      return NULL;
    }
  }
  return r;
}

/* dict.update(other): a dict, anything with keys(), or pairs. */
int dict_update(TState *ts, Obj *dict, Value other) {
  if (v_is_type(other, &DictType)) {
    DictObj *o = as_dict(other);
    for (size_t i = 0; i < o->nentries; i++) {
      DictEntry *e = &o->entries[i];
      if (v_is_undef(e->key)) continue;
      if (dict_set_hashed(ts, (DictObj *)dict, e->key, e->hash, e->value) < 0) return -1;
    }
    return 0;
  }
  Value it, item;
  if (vm_iter(ts, other, &it) < 0) return -1;
  int rc;
  size_t n = 0;
  while ((rc = vm_next(ts, it, &item)) == 1) {
    Obj *pair;
    if (vm_to_list(ts, item, &pair) < 0) {
      v_decref(item);
      if (vm_exc_matches(ts, &TypeError_Type)) {
        vm_exc_clear(ts);
        vm_raise(ts, &TypeError_Type, "cannot convert dictionary update sequence element #%zu to a sequence", n);
      }
      rc = -1;
      break;
    }
    v_decref(item);
    ListObj *p = (ListObj *)pair;
    if (p->len != 2) {
      vm_raise(ts, &ValueError_Type,
               "dictionary update sequence element #%zu has length %zu; 2 is required", n, p->len);
      obj_decref(pair);
      rc = -1;
      break;
    }
    rc = dict_set(ts, dict, p->items[0], p->items[1]);
    obj_decref(pair);
    if (rc < 0) break;
    n++;
  }
  v_decref(it);
  return rc < 0 ? -1 : 0;
}

/* ---- slots ---------------------------------------------------------------- */

static void dict_clear_slot(Obj *o) {
  DictObj *d = (DictObj *)o;
  DictEntry *entries = d->entries;
  size_t n = d->nentries;
  free(d->index);
  d->index = NULL;
  d->entries = NULL;
  d->used = d->nentries = d->cap_entries = d->index_size = 0;
  d->version++;
  for (size_t i = 0; i < n; i++) {
    v_decref(entries[i].key);
    v_decref(entries[i].value);
  }
  free(entries);
}

static void dict_dealloc(Obj *o) {
  dict_clear_slot(o);
  vm_free_obj(o);
}

static void dict_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  DictObj *d = (DictObj *)o;
  for (size_t i = 0; i < d->nentries; i++) {
    if (v_is_obj(d->entries[i].key)) visit(d->entries[i].key.as.o, arg);
    if (v_is_obj(d->entries[i].value)) visit(d->entries[i].value.as.o, arg);
  }
}

static int dict_repr(TState *ts, Value self, Value *out) {
  DictObj *d = as_dict(self);
  if (d->used == 0) {
    *out = v_obj(str_from_cstr(ts, "{}"));
    return 0;
  }
  if (repr_enter(self.as.o)) {
    *out = v_obj(str_from_cstr(ts, "{...}"));
    return 0;
  }
  StrBuf b;
  if (sb_init(ts, &b, 16) < 0) goto fail0;
  sb_addc(ts, &b, '{');
  bool first = true;
  for (size_t i = 0; i < d->nentries; i++) {
    DictEntry *e = &d->entries[i];
    if (v_is_undef(e->key)) continue;
    if (!first && sb_add(ts, &b, ", ", 2) < 0) goto fail;
    first = false;
    Value k = v_incref(e->key), v = v_incref(e->value), r;
    int rc = vm_repr(ts, k, &r);
    if (rc == 0) {
      rc = sb_add_str(ts, &b, r);
      v_decref(r);
    }
    if (rc == 0) rc = sb_add(ts, &b, ": ", 2);
    if (rc == 0 && (rc = vm_repr(ts, v, &r)) == 0) {
      rc = sb_add_str(ts, &b, r);
      v_decref(r);
    }
    v_decref(k);
    v_decref(v);
    if (rc < 0) goto fail;
  }
  if (sb_addc(ts, &b, '}') < 0) goto fail;
  repr_leave(self.as.o);
  Obj *s = sb_finish(ts, &b);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
fail:
  sb_free(&b);
fail0:
  repr_leave(self.as.o);
  return -1;
}

static int dict_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)as_dict(self)->used;
  return 0;
}

static int dict_getitem(TState *ts, Value self, Value key, Value *out) {
  int rc = dict_get(ts, self.as.o, key, out);
  if (rc < 0) return -1;
  if (rc == 0) return vm_raise_key_error(ts, key);
  return 0;
}

static int dict_setitem(TState *ts, Value self, Value key, Value val) {
  if (!v_is_undef(val)) return dict_set(ts, self.as.o, key, val);
  int rc = dict_del(ts, self.as.o, key);
  if (rc < 0) return -1;
  if (rc == 0) return vm_raise_key_error(ts, key);
  return 0;
}

static int dict_contains(TState *ts, Value self, Value key) {
  Value v;
  int rc = dict_get(ts, self.as.o, key, &v);
  if (rc == 1) v_decref(v);
  return rc;
}

static int dict_iter(TState *ts, Value self, Value *out) {
  Obj *it = seqiter_new(ts, IT_DICT_KEYS, self);
  if (!it) return -1;
  *out = v_obj(it);
  return 0;
}

static int dict_compare(TState *ts, Value a, Value b, int op, Value *out) {
  if (!v_is_type(a, &DictType) || !v_is_type(b, &DictType) || (op != CMP_EQ && op != CMP_NE)) {
    *out = v_undef();
    return 0;
  }
  DictObj *x = as_dict(a), *y = as_dict(b);
  bool eq = x->used == y->used;
  for (size_t i = 0; eq && i < x->nentries; i++) {
    DictEntry *e = &x->entries[i];
    if (v_is_undef(e->key)) continue;
    Value v;
    int rc = dict_get_hashed(ts, b.as.o, e->key, e->hash, &v);
    if (rc < 0) return -1;
    if (rc == 0) {
      eq = false;
      break;
    }
    int r = vm_equal(ts, e->value, v);
    v_decref(v);
    if (r < 0) return -1;
    eq = r;
  }
  *out = v_bool(op == CMP_EQ ? eq : !eq);
  return 0;
}

static int dict_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  if (op == BINOP_OR && v_is_type(a, &DictType) && v_is_type(b, &DictType)) {
    Obj *r = dict_copy(ts, a.as.o);
    if (!r) return -1;
    if (dict_update(ts, r, b) < 0) {
      obj_decref(r);
      return -1;
    }
    *out = v_obj(r);
    return 0;
  }
  *out = v_undef();
  return 0;
}

static int dict_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)type;
  if (nargs > 1) return vm_raise(ts, &TypeError_Type, "dict expected at most 1 argument, got %d", nargs);
  Obj *d = dict_new(ts);
  if (!d) return -1;
  if ((nargs == 1 && dict_update(ts, d, args[0]) < 0) ||
      (kwargs && dict_update(ts, d, v_obj(kwargs)) < 0)) {
    obj_decref(d);
    return -1;
  }
  *out = v_obj(d);
  return 0;
}

Type DictType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "dict", .flags = TF_GC,
    .dealloc = dict_dealloc, .traverse = dict_traverse, .clear = dict_clear_slot,
    .construct = dict_construct, .repr = dict_repr, .compare = dict_compare,
    .binop = dict_binop, .len = dict_len, .getitem = dict_getitem, .setitem = dict_setitem,
    .contains = dict_contains, .iter = dict_iter, .methods = dict_methods,
};
