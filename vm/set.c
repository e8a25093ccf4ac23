/*
 * set.c - the set type.
 *
 * A set prints its items in table order, so to print what CPython prints
 * the table must be CPython 3.11's (Objects/setobject.c), decision for
 * decision: 8 slots to start; a probe looks at LINEAR_PROBES (9)
 * neighbouring slots before jumping with the perturbation recurrence
 * i = (i*5 + 1 + perturb) & mask, perturb >>= 5; an insertion reuses the
 * last dummy it passed; the table grows when fill*5 >= mask*3, to hold
 * used*4 (used*2 past 50000); deletions leave dummies; update() from a
 * set or dict presizes the same way; pop() walks from a finger. Hashes
 * come from vm_hash, which gives CPython's values for ints, floats, bools
 * and tuples, so sets of those iterate in the same order as in CPython.
 *
 * Slot states: unused = key T_UNDEF and hash 0; dummy = key T_UNDEF and
 * hash -1; active = any other key (its hash is never -1).
 */
#include <stdlib.h>
#include <string.h>

#include "objimpl.h"
#include "setobject.h"
#include "textbuf.h"
#include "vm.h"

#define SET_MINSIZE 8
#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5

#define SO(v) ((SetObj *)(v).as.o)

static bool slot_active(const SetEntry *e) { return !v_is_undef(e->key); }
static bool slot_unused(const SetEntry *e) { return v_is_undef(e->key) && e->hash == 0; }

static bool is_set(Value v) { return v_is_type(v, &SetType); }

/* ---- the table ---------------------------------------------------------------- */

static void insert_clean(SetEntry *table, size_t mask, Value key, int64_t hash) {
  size_t perturb = (size_t)hash;
  size_t i = (size_t)hash & mask;
  for (;;) {
    SetEntry *e = &table[i];
    if (v_is_undef(e->key)) goto found;
    if (i + LINEAR_PROBES <= mask) {
      for (int j = 0; j < LINEAR_PROBES; j++) {
        e++;
        if (v_is_undef(e->key)) goto found;
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
    continue;
  found:
    e->key = key;
    e->hash = hash;
    return;
  }
}

static int table_resize(TState *ts, SetObj *so, size_t minused) {
  size_t newsize = SET_MINSIZE;
  while (newsize <= minused) newsize <<= 1;
  SetEntry *newtable = calloc(newsize, sizeof(SetEntry));
  if (!newtable) return vm_raise_nomem(ts);
  SetEntry *old = so->table;
  size_t oldmask = so->mask;
  so->mask = newsize - 1;
  so->table = newtable;
  so->fill = so->used;
  for (size_t i = 0; i <= oldmask; i++)
    if (slot_active(&old[i])) insert_clean(newtable, so->mask, old[i].key, old[i].hash);
  free(old);
  return 0;
}

/* Finds key: 1 and *slot when present, 0 when absent, -1 on error. */
static int lookkey(TState *ts, SetObj *so, Value key, int64_t hash, SetEntry **slot) {
  size_t mask = so->mask, i = (size_t)hash & mask, perturb = (size_t)hash;
  for (;;) {
    SetEntry *e = &so->table[i];
    int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (slot_unused(e)) return 0;
      if (e->hash == hash && slot_active(e)) {
        int eq = vm_equal(ts, e->key, key);
        if (eq < 0) return -1;
        if (eq) { *slot = e; return 1; }
      }
      e++;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

/* set_add_entry: inserts key (increfing it) unless an equal key is present. */
static int add_entry(TState *ts, SetObj *so, Value key, int64_t hash) {
  size_t mask = so->mask, i = (size_t)hash & mask, perturb = (size_t)hash;
  SetEntry *freeslot = NULL, *e;
  for (;;) {
    e = &so->table[i];
    int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (slot_unused(e)) goto found_unused_or_dummy;
      if (e->hash == hash && slot_active(e)) {
        int eq = vm_equal(ts, e->key, key);
        if (eq < 0) return -1;
        if (eq) return 0;
      } else if (e->hash == -1 && !slot_active(e)) {
        /* The last dummy passed before the free slot is reused: that is
         * what CPython 3.11 does (observed: see tests/vmunit). */
        freeslot = e;
      }
      e++;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
found_unused_or_dummy:
  if (freeslot) {
    so->used++;
    freeslot->key = v_incref(key);
    freeslot->hash = hash;
    return 0;
  }
  so->fill++;
  so->used++;
  e->key = v_incref(key);
  e->hash = hash;
  if (so->fill * 5 < mask * 3) return 0;
  return table_resize(ts, so, so->used > 50000 ? so->used * 2 : so->used * 4);
}

/* 1 if removed, 0 if absent, -1 on error. */
static int discard_entry(TState *ts, SetObj *so, Value key, int64_t hash) {
  SetEntry *e;
  int rc = lookkey(ts, so, key, hash, &e);
  if (rc <= 0) return rc;
  Value old = e->key;
  e->key = v_undef();
  e->hash = -1;
  so->used--;
  v_decref(old);
  return 1;
}

static int add_key(TState *ts, SetObj *so, Value key) {
  int64_t h = 0;
  if (vm_hash(ts, key, &h) < 0) return -1;
  return add_entry(ts, so, key, h);
}

static int contains_key(TState *ts, SetObj *so, Value key) {
  int64_t h = 0;
  if (vm_hash(ts, key, &h) < 0) return -1;
  SetEntry *e;
  return lookkey(ts, so, key, h, &e);
}

static bool set_next(SetObj *so, size_t *pos, SetEntry **entry) {
  while (*pos <= so->mask) {
    SetEntry *e = &so->table[(*pos)++];
    if (slot_active(e)) { *entry = e; return true; }
  }
  return false;
}

/* set_merge: adds every item of another set, presizing like CPython. */
static int merge(TState *ts, SetObj *so, SetObj *other) {
  if (so == other || other->used == 0) return 0;
  if ((so->fill + other->used) * 5 >= so->mask * 3 &&
      table_resize(ts, so, (so->used + other->used) * 2) < 0)
    return -1;
  /* An empty target with the same size and no dummies in the source: copy
   * slot for slot. An empty target otherwise: clean inserts. */
  if (so->fill == 0 && so->mask == other->mask && other->fill == other->used) {
    for (size_t i = 0; i <= other->mask; i++) {
      if (!slot_active(&other->table[i])) continue;
      so->table[i].key = v_incref(other->table[i].key);
      so->table[i].hash = other->table[i].hash;
    }
    so->fill = other->fill;
    so->used = other->used;
    return 0;
  }
  if (so->fill == 0) {
    so->fill = so->used = other->used;
    for (size_t i = 0; i <= other->mask; i++)
      if (slot_active(&other->table[i]))
        insert_clean(so->table, so->mask, v_incref(other->table[i].key), other->table[i].hash);
    return 0;
  }
  for (size_t i = 0; i <= other->mask; i++)
    if (slot_active(&other->table[i]) &&
        add_entry(ts, so, other->table[i].key, other->table[i].hash) < 0)
      return -1;
  return 0;
}

/* set_update_internal: from a set, a dict (presized) or any iterable. */
static int update_from(TState *ts, SetObj *so, Value other) {
  if (is_set(other)) return merge(ts, so, SO(other));
  if (v_is_type(other, &DictType)) {
    DictObj *d = as_dict(other);
    if ((so->fill + d->used) * 5 >= so->mask * 3 &&
        table_resize(ts, so, (so->used + d->used) * 2) < 0)
      return -1;
    for (size_t i = 0; i < d->nentries; i++) {
      DictEntry *e = &d->entries[i];
      if (!v_is_undef(e->key) && add_entry(ts, so, e->key, e->hash) < 0) return -1;
    }
    return 0;
  }
  Value it, item;
  if (vm_iter(ts, other, &it) < 0) return -1;
  int rc;
  while ((rc = vm_next(ts, it, &item)) == 1) {
    rc = add_key(ts, so, item);
    v_decref(item);
    if (rc < 0) break;
  }
  v_decref(it);
  return rc < 0 ? -1 : 0;
}

static void table_clear(SetObj *so) {
  SetEntry *old = so->table;
  size_t oldmask = so->mask;
  SetEntry *fresh = calloc(SET_MINSIZE, sizeof(SetEntry));
  so->table = fresh;
  so->mask = fresh ? SET_MINSIZE - 1 : 0;
  so->fill = so->used = 0;
  if (!old) return;
  for (size_t i = 0; i <= oldmask; i++)
    if (slot_active(&old[i])) v_decref(old[i].key);
  free(old);
}

/* ---- construction ------------------------------------------------------------------ */

Obj *set_new(TState *ts) {
  SetObj *so = (SetObj *)vm_alloc(ts, &SetType, sizeof(SetObj));
  if (!so) return NULL;
  so->fill = so->used = 0;
  so->mask = SET_MINSIZE - 1;
  so->finger = 0;
  so->frozen = false;
  so->table = calloc(SET_MINSIZE, sizeof(SetEntry));
  if (!so->table) {
    so->mask = 0;
    obj_decref(&so->ob);
    vm_raise_nomem(ts);
    return NULL;
  }
  return &so->ob;
}

int set_add(TState *ts, Obj *set, Value key) { return add_key(ts, (SetObj *)set, key); }

static int set_from(TState *ts, Value iterable, Value *out) {
  Obj *s = set_new(ts);
  if (!s) return -1;
  if (!v_is_undef(iterable) && update_from(ts, (SetObj *)s, iterable) < 0) {
    obj_decref(s);
    return -1;
  }
  *out = v_obj(s);
  return 0;
}

static int set_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)type;
  if (kwargs && as_dict(v_obj(kwargs))->used > 0)
    return vm_raise(ts, &TypeError_Type, "set() takes no keyword arguments");
  if (nargs > 1)
    return vm_raise(ts, &TypeError_Type, "set expected at most 1 argument, got %d", nargs);
  return set_from(ts, nargs ? args[0] : v_undef(), out);
}

static void set_clear_slot(Obj *o) { table_clear((SetObj *)o); }

static void set_dealloc(Obj *o) {
  SetObj *so = (SetObj *)o;
  SetEntry *t = so->table;
  size_t mask = so->mask;
  so->table = NULL;
  so->used = so->fill = 0;
  if (t) {
    for (size_t i = 0; i <= mask; i++)
      if (slot_active(&t[i])) v_decref(t[i].key);
    free(t);
  }
  vm_free_obj(o);
}

static void set_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  SetObj *so = (SetObj *)o;
  if (!so->table) return;
  for (size_t i = 0; i <= so->mask; i++)
    if (v_is_obj(so->table[i].key)) visit(so->table[i].key.as.o, arg);
}

/* ---- slots ---------------------------------------------------------------------------- */

static int set_repr(TState *ts, Value self, Value *out) {
  SetObj *so = SO(self);
  if (so->used == 0) {
    Obj *s = str_from_cstr(ts, "set()");
    if (!s) return -1;
    *out = v_obj(s);
    return 0;
  }
  TextBuf b;
  tb_init(&b);
  tb_putc(&b, '{');
  size_t pos = 0;
  SetEntry *e;
  bool first = true;
  while (set_next(so, &pos, &e)) {
    Value r = v_undef();
    Value key = v_incref(e->key);
    int rc = vm_repr(ts, key, &r);
    v_decref(key);
    if (rc < 0) { tb_free(&b); return -1; }
    if (!first) tb_puts(&b, ", ");
    first = false;
    tb_put_value_str(&b, r);
    v_decref(r);
  }
  tb_putc(&b, '}');
  Obj *s = tb_finish_str(ts, &b);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int set_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)SO(self)->used;
  return 0;
}

static int set_contains(TState *ts, Value self, Value item) {
  return contains_key(ts, SO(self), item);
}

/* a <= b for two sets. */
static int is_subset(TState *ts, SetObj *a, SetObj *b) {
  if (a->used > b->used) return 0;
  size_t pos = 0;
  SetEntry *e;
  while (set_next(a, &pos, &e)) {
    SetEntry *f;
    int rc = lookkey(ts, b, e->key, e->hash, &f);
    if (rc <= 0) return rc;
  }
  return 1;
}

static int set_compare(TState *ts, Value a, Value b, int op, Value *out) {
  if (!is_set(a) || !is_set(b)) { *out = v_undef(); return 0; }
  SetObj *x = SO(a), *y = SO(b);
  int r;
  switch (op) {
  case CMP_EQ: case CMP_NE:
    r = x->used != y->used ? 0 : is_subset(ts, x, y);
    if (r >= 0 && op == CMP_NE) r = !r;
    break;
  case CMP_LE: r = is_subset(ts, x, y); break;
  case CMP_GE: r = is_subset(ts, y, x); break;
  case CMP_LT: r = x->used < y->used ? is_subset(ts, x, y) : 0; break;
  default: r = x->used > y->used ? is_subset(ts, y, x) : 0; break;
  }
  if (r < 0) return -1;
  *out = v_bool(r);
  return 0;
}

/* ---- the algebra, in CPython's iteration orders ------------------------------------- */

static int set_copy_of(TState *ts, SetObj *so, Value *out) { return set_from(ts, v_obj(&so->ob), out); }

static int intersection(TState *ts, SetObj *so, Value other, Value *out) {
  if (is_set(other) && SO(other) == so) return set_copy_of(ts, so, out);
  Value res = v_undef();
  if (set_from(ts, v_undef(), &res) < 0) return -1;
  SetObj *r = SO(res);
  int rc = 0;
  if (is_set(other)) {
    SetObj *a = so, *b = SO(other);
    if (b->used > a->used) { SetObj *t = a; a = b; b = t; }
    size_t pos = 0;
    SetEntry *e, *f;
    while (rc >= 0 && set_next(b, &pos, &e)) {
      rc = lookkey(ts, a, e->key, e->hash, &f);
      if (rc == 1) rc = add_entry(ts, r, e->key, e->hash);
    }
  } else {
    Value it, item;
    if (vm_iter(ts, other, &it) < 0) { v_decref(res); return -1; }
    while ((rc = vm_next(ts, it, &item)) == 1) {
      int64_t h = 0;
      SetEntry *f;
      rc = vm_hash(ts, item, &h);
      if (rc == 0) rc = lookkey(ts, so, item, h, &f);
      if (rc == 1) rc = add_entry(ts, r, item, h);
      v_decref(item);
      if (rc < 0) break;
    }
    v_decref(it);
  }
  if (rc < 0) { v_decref(res); return -1; }
  *out = res;
  return 0;
}

static int difference_update_one(TState *ts, SetObj *so, Value other) {
  if (is_set(other) && SO(other) == so) { table_clear(so); return 0; }
  if (is_set(other)) {
    size_t pos = 0;
    SetEntry *e;
    while (set_next(SO(other), &pos, &e))
      if (discard_entry(ts, so, e->key, e->hash) < 0) return -1;
    return 0;
  }
  Value it, item;
  if (vm_iter(ts, other, &it) < 0) return -1;
  int rc;
  while ((rc = vm_next(ts, it, &item)) == 1) {
    int64_t h = 0;
    rc = vm_hash(ts, item, &h);
    if (rc == 0) rc = discard_entry(ts, so, item, h);
    v_decref(item);
    if (rc < 0) break;
  }
  v_decref(it);
  return rc < 0 ? -1 : 0;
}

static int difference(TState *ts, SetObj *so, Value other, Value *out) {
  /* Small other, or not a set: copy, then remove. */
  if (!is_set(other) || (so->used >> 2) > SO(other)->used) {
    if (set_copy_of(ts, so, out) < 0) return -1;
    if (difference_update_one(ts, SO(*out), other) < 0) { v_decref(*out); return -1; }
    return 0;
  }
  Value res = v_undef();
  if (set_from(ts, v_undef(), &res) < 0) return -1;
  size_t pos = 0;
  SetEntry *e, *f;
  int rc = 0;
  while (rc >= 0 && set_next(so, &pos, &e)) {
    rc = lookkey(ts, SO(other), e->key, e->hash, &f);
    if (rc == 0) rc = add_entry(ts, SO(res), e->key, e->hash);
  }
  if (rc < 0) { v_decref(res); return -1; }
  *out = res;
  return 0;
}

static int symmetric_update(TState *ts, SetObj *so, Value other) {
  Value tmp = v_undef();
  if (is_set(other) && SO(other) == so) { table_clear(so); return 0; }
  if (is_set(other)) tmp = v_incref(other);
  else if (set_from(ts, other, &tmp) < 0) return -1;
  size_t pos = 0;
  SetEntry *e;
  int rc = 0;
  while (rc >= 0 && set_next(SO(tmp), &pos, &e)) {
    rc = discard_entry(ts, so, e->key, e->hash);
    if (rc == 0) rc = add_entry(ts, so, e->key, e->hash);
  }
  v_decref(tmp);
  return rc < 0 ? -1 : 0;
}

static int symmetric_difference(TState *ts, SetObj *so, Value other, Value *out) {
  if (set_from(ts, other, out) < 0) return -1;
  if (symmetric_update(ts, SO(*out), v_obj(&so->ob)) < 0) { v_decref(*out); return -1; }
  return 0;
}

static int set_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  if (!is_set(a) || !is_set(b)) { *out = v_undef(); return 0; }
  switch (op) {
  case BINOP_OR:
    if (set_copy_of(ts, SO(a), out) < 0) return -1;
    if (merge(ts, SO(*out), SO(b)) < 0) { v_decref(*out); return -1; }
    return 0;
  case BINOP_AND: return intersection(ts, SO(a), b, out);
  case BINOP_SUB: return difference(ts, SO(a), b, out);
  case BINOP_XOR: return symmetric_difference(ts, SO(a), b, out);
  default: *out = v_undef(); return 0;
  }
}

/* ---- iteration ----------------------------------------------------------------------------- */

typedef struct SetIterObj {
  Obj ob;
  Obj *set;      /* NULL once exhausted */
  size_t pos;
  int64_t used;  /* size at creation; -1 after a size change was reported */
} SetIterObj;

extern Type SetIter_Type;

static int set_iter(TState *ts, Value self, Value *out) {
  SetIterObj *it = (SetIterObj *)vm_alloc(ts, &SetIter_Type, sizeof(SetIterObj));
  if (!it) return -1;
  obj_incref(self.as.o);
  it->set = self.as.o;
  it->pos = 0;
  it->used = (int64_t)SO(self)->used;
  *out = v_obj(&it->ob);
  return 0;
}

static int setiter_next(TState *ts, Value self, Value *out) {
  SetIterObj *it = (SetIterObj *)self.as.o;
  if (!it->set) return 0;
  SetObj *so = (SetObj *)it->set;
  if (it->used != (int64_t)so->used) {
    it->used = -1;
    return vm_raise(ts, &RuntimeError_Type, "Set changed size during iteration");
  }
  SetEntry *e;
  if (set_next(so, &it->pos, &e)) {
    *out = v_incref(e->key);
    return 1;
  }
  Obj *s = it->set;
  it->set = NULL;
  obj_decref(s);
  return 0;
}

static int setiter_iter(TState *ts, Value self, Value *out) {
  (void)ts;
  *out = v_incref(self);
  return 0;
}

static void setiter_clear(Obj *o) {
  SetIterObj *it = (SetIterObj *)o;
  Obj *s = it->set;
  it->set = NULL;
  obj_xdecref(s);
}

static void setiter_dealloc(Obj *o) {
  setiter_clear(o);
  vm_free_obj(o);
}

static void setiter_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  SetIterObj *it = (SetIterObj *)o;
  if (it->set) visit(it->set, arg);
}

Type SetIter_Type = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "set_iterator", .flags = TF_GC | TF_ITERATOR,
    .dealloc = setiter_dealloc, .traverse = setiter_traverse, .clear = setiter_clear,
    .iter = setiter_iter, .next = setiter_next,
};

/* ---- methods ----------------------------------------------------------------------------- */

static bool has_kwargs(Obj *kwargs) { return kwargs && as_dict(v_obj(kwargs))->used > 0; }

static int want_args(TState *ts, const char *name, int nargs, Obj *kwargs, int n) {
  if (has_kwargs(kwargs))
    return vm_raise(ts, &TypeError_Type, "set.%s() takes no keyword arguments", name);
  if (n == 0 && nargs != 0)
    return vm_raise(ts, &TypeError_Type, "set.%s() takes no arguments (%d given)", name, nargs);
  if (n == 1 && nargs != 1)
    return vm_raise(ts, &TypeError_Type, "set.%s() takes exactly one argument (%d given)", name,
                    nargs);
  return 0;
}

#define METHOD(fn) \
  static int fn(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out)

METHOD(set_m_add) {
  if (want_args(ts, "add", nargs, kwargs, 1) < 0) return -1;
  if (add_key(ts, SO(self), args[0]) < 0) return -1;
  *out = v_none();
  return 0;
}

METHOD(set_m_discard) {
  if (want_args(ts, "discard", nargs, kwargs, 1) < 0) return -1;
  int64_t h = 0;
  if (vm_hash(ts, args[0], &h) < 0 || discard_entry(ts, SO(self), args[0], h) < 0) return -1;
  *out = v_none();
  return 0;
}

METHOD(set_m_remove) {
  if (want_args(ts, "remove", nargs, kwargs, 1) < 0) return -1;
  int64_t h = 0;
  if (vm_hash(ts, args[0], &h) < 0) return -1;
  int rc = discard_entry(ts, SO(self), args[0], h);
  if (rc < 0) return -1;
  if (rc == 0) return vm_raise_key_error(ts, args[0]);
  *out = v_none();
  return 0;
}

METHOD(set_m_pop) {
  (void)args;
  if (want_args(ts, "pop", nargs, kwargs, 0) < 0) return -1;
  SetObj *so = SO(self);
  if (so->used == 0) {
    Obj *msg = str_from_cstr(ts, "pop from an empty set");
    if (!msg) return -1;
    vm_raise_key_error(ts, v_obj(msg));
    obj_decref(msg);
    return -1;
  }
  /* Start where the last pop stopped, so repeated pops stay linear. */
  SetEntry *e = so->table + ((size_t)so->finger & so->mask);
  while (!slot_active(e)) {
    e++;
    if (e > so->table + so->mask) e = so->table;
  }
  *out = e->key;
  e->key = v_undef();
  e->hash = -1;
  so->used--;
  so->finger = (int64_t)(e - so->table + 1);
  return 0;
}

METHOD(set_m_clear) {
  (void)args;
  if (want_args(ts, "clear", nargs, kwargs, 0) < 0) return -1;
  table_clear(SO(self));
  if (!SO(self)->table) return vm_raise_nomem(ts);
  *out = v_none();
  return 0;
}

METHOD(set_m_copy) {
  (void)args;
  if (want_args(ts, "copy", nargs, kwargs, 0) < 0) return -1;
  return set_copy_of(ts, SO(self), out);
}

METHOD(set_m_union) {
  if (want_args(ts, "union", nargs, kwargs, -1) < 0) return -1;
  if (set_copy_of(ts, SO(self), out) < 0) return -1;
  for (int i = 0; i < nargs; i++)
    if (update_from(ts, SO(*out), args[i]) < 0) { v_decref(*out); return -1; }
  return 0;
}

METHOD(set_m_update) {
  if (want_args(ts, "update", nargs, kwargs, -1) < 0) return -1;
  for (int i = 0; i < nargs; i++)
    if (update_from(ts, SO(self), args[i]) < 0) return -1;
  *out = v_none();
  return 0;
}

METHOD(set_m_intersection) {
  if (want_args(ts, "intersection", nargs, kwargs, -1) < 0) return -1;
  if (nargs == 0) return set_copy_of(ts, SO(self), out);
  Value cur = v_incref(self);
  for (int i = 0; i < nargs; i++) {
    Value next = v_undef();
    int rc = intersection(ts, SO(cur), args[i], &next);
    v_decref(cur);
    if (rc < 0) return -1;
    cur = next;
  }
  *out = cur;
  return 0;
}

/* Replaces the contents of `so` with those of `src` (consumed). */
static void swap_bodies(SetObj *so, Value src) {
  SetObj *t = SO(src);
  SetEntry *tab = so->table;
  size_t fill = so->fill, used = so->used, mask = so->mask;
  so->table = t->table; so->fill = t->fill; so->used = t->used; so->mask = t->mask;
  t->table = tab; t->fill = fill; t->used = used; t->mask = mask;
  v_decref(src);
}

METHOD(set_m_intersection_update) {
  Value r = v_undef();
  if (set_m_intersection(ts, self, args, nargs, kwargs, &r) < 0) return -1;
  swap_bodies(SO(self), r);
  *out = v_none();
  return 0;
}

METHOD(set_m_difference) {
  if (want_args(ts, "difference", nargs, kwargs, -1) < 0) return -1;
  if (nargs == 0) return set_copy_of(ts, SO(self), out);
  if (difference(ts, SO(self), args[0], out) < 0) return -1;
  for (int i = 1; i < nargs; i++)
    if (difference_update_one(ts, SO(*out), args[i]) < 0) { v_decref(*out); return -1; }
  return 0;
}

METHOD(set_m_difference_update) {
  if (want_args(ts, "difference_update", nargs, kwargs, -1) < 0) return -1;
  for (int i = 0; i < nargs; i++)
    if (difference_update_one(ts, SO(self), args[i]) < 0) return -1;
  *out = v_none();
  return 0;
}

METHOD(set_m_symmetric_difference) {
  if (want_args(ts, "symmetric_difference", nargs, kwargs, 1) < 0) return -1;
  return symmetric_difference(ts, SO(self), args[0], out);
}

METHOD(set_m_symmetric_difference_update) {
  if (want_args(ts, "symmetric_difference_update", nargs, kwargs, 1) < 0) return -1;
  if (symmetric_update(ts, SO(self), args[0]) < 0) return -1;
  *out = v_none();
  return 0;
}

METHOD(set_m_issubset) {
  if (want_args(ts, "issubset", nargs, kwargs, 1) < 0) return -1;
  Value other = v_undef();
  if (is_set(args[0])) other = v_incref(args[0]);
  else if (set_from(ts, args[0], &other) < 0) return -1;
  int r = is_subset(ts, SO(self), SO(other));
  v_decref(other);
  if (r < 0) return -1;
  *out = v_bool(r);
  return 0;
}

/* True when pred(item) holds for no item of `other` (isdisjoint) or for
 * all of them (issuperset). */
static int scan_iterable(TState *ts, SetObj *so, Value other, bool want_in, int *result) {
  Value it, item;
  if (vm_iter(ts, other, &it) < 0) return -1;
  int rc;
  *result = 1;
  while ((rc = vm_next(ts, it, &item)) == 1) {
    int in = contains_key(ts, so, item);
    v_decref(item);
    if (in < 0) { rc = -1; break; }
    if ((bool)in != want_in) { *result = 0; break; }
  }
  v_decref(it);
  return rc < 0 ? -1 : 0;
}

METHOD(set_m_issuperset) {
  if (want_args(ts, "issuperset", nargs, kwargs, 1) < 0) return -1;
  int r;
  if (is_set(args[0])) r = is_subset(ts, SO(args[0]), SO(self));
  else if (scan_iterable(ts, SO(self), args[0], true, &r) < 0) return -1;
  if (r < 0) return -1;
  *out = v_bool(r);
  return 0;
}

METHOD(set_m_isdisjoint) {
  if (want_args(ts, "isdisjoint", nargs, kwargs, 1) < 0) return -1;
  int r = 1;
  if (is_set(args[0]) && SO(args[0]) == SO(self)) {
    r = SO(self)->used == 0;
  } else if (is_set(args[0])) {
    SetObj *a = SO(self), *b = SO(args[0]);
    if (b->used > a->used) { SetObj *t = a; a = b; b = t; }
    size_t pos = 0;
    SetEntry *e, *f;
    while (r == 1 && set_next(b, &pos, &e)) {
      int in = lookkey(ts, a, e->key, e->hash, &f);
      if (in < 0) return -1;
      if (in) r = 0;
    }
  } else if (scan_iterable(ts, SO(self), args[0], false, &r) < 0) {
    return -1;
  }
  *out = v_bool(r);
  return 0;
}

static const MethodDef set_methods[] = {
    {"add", set_m_add},
    {"discard", set_m_discard},
    {"remove", set_m_remove},
    {"pop", set_m_pop},
    {"clear", set_m_clear},
    {"copy", set_m_copy},
    {"union", set_m_union},
    {"update", set_m_update},
    {"intersection", set_m_intersection},
    {"intersection_update", set_m_intersection_update},
    {"difference", set_m_difference},
    {"difference_update", set_m_difference_update},
    {"symmetric_difference", set_m_symmetric_difference},
    {"symmetric_difference_update", set_m_symmetric_difference_update},
    {"issubset", set_m_issubset},
    {"issuperset", set_m_issuperset},
    {"isdisjoint", set_m_isdisjoint},
    {NULL, NULL},
};

Type SetType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "set", .flags = TF_GC,
    .dealloc = set_dealloc, .traverse = set_traverse, .clear = set_clear_slot,
    .construct = set_construct, .repr = set_repr, .compare = set_compare,
    .binop = set_binop, .len = set_len, .contains = set_contains, .iter = set_iter,
    .methods = set_methods,
};

/* ---- for the compiler and builtins (setobject.h) ---------------------------------------- */

int set_update(TState *ts, Obj *set, Value iterable) {
  return update_from(ts, (SetObj *)set, iterable);
}

/* CPython builds the frozenset constant from the tuple, then its constant
 * merging (merge_consts_recursive) rebuilds it from its own iteration
 * order, and SET_UPDATE merges that into the new set. Colliding hashes
 * (-1 and -2 both hash to -2) come out in the order of that second table,
 * so both steps are repeated here. */
Obj *set_from_constants(TState *ts, const Value *items, size_t n) {
  Obj *first = set_new(ts);
  if (!first) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (add_key(ts, (SetObj *)first, items[i]) < 0) { obj_decref(first); return NULL; }
  }
  Obj *frozen = set_new(ts);
  if (!frozen) {
    obj_decref(first);
    return NULL;
  }
  size_t pos = 0;
  SetEntry *e;
  while (set_next((SetObj *)first, &pos, &e)) {
    if (add_key(ts, (SetObj *)frozen, e->key) < 0) {
      obj_decref(first);
      obj_decref(frozen);
      return NULL;
    }
  }
  obj_decref(first);
  Obj *s = set_new(ts);
  if (s && merge(ts, (SetObj *)s, (SetObj *)frozen) < 0) {
    obj_decref(s);
    s = NULL;
  }
  obj_decref(frozen);
  return s;
}
