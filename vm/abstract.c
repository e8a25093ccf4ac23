/*
 * abstract.c - the abstract object layer: what the interpreter and the
 * builtins call to operate on any value. Each function dispatches on the
 * type's slots and, when a type has no answer, raises the TypeError
 * CPython 3.11 raises, word for word.
 */
#include <string.h>

#include "objimpl.h"
#include "vm.h"

const char *const binop_symbol[BINOP_COUNT] = {
#define X(name, sym) sym,
    BINOP_LIST(X)
#undef X
};

static const char *tname(Value v) { return v_type(v)->name; }

/* ---- repr, str, hash, truth ---------------------------------------------------- */

int vm_repr(TState *ts, Value v, Value *out) {
  Type *t = v_type(v);
  if (t->repr) return t->repr(ts, v, out);
  Obj *s = str_fmt(ts, "<%s object at %p>", t->name, v_is_obj(v) ? (void *)v.as.o : NULL);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

int vm_str(TState *ts, Value v, Value *out) {
  Type *t = v_type(v);
  if (t->str) return t->str(ts, v, out);
  return vm_repr(ts, v, out);
}

int vm_hash(TState *ts, Value v, int64_t *out) {
  switch (v.tag) {
  case T_INT:
  case T_BOOL: *out = int_hash(v.as.i); return 0;
  case T_FLOAT: *out = float_hash(v.as.f); return 0;
  default: break;
  }
  Type *t = v_type(v);
  if (!t->hash) return vm_raise(ts, &TypeError_Type, "unhashable type: '%s'", t->name);
  return t->hash(ts, v, out);
}

int vm_truthy(TState *ts, Value v) {
  switch (v.tag) {
  case T_NONE: return 0;
  case T_BOOL:
  case T_INT: return v.as.i != 0;
  case T_FLOAT: return v.as.f != 0.0;
  case T_UNDEF: return 0;
  default: break;
  }
  Type *t = v.as.o->type;
  if (t->truthy) return t->truthy(ts, v);
  if (t->len) {
    int64_t n;
    if (t->len(ts, v, &n) < 0) return -1;
    return n != 0;
  }
  return 1;
}

/* ---- comparison ------------------------------------------------------------------ */

static const char *const cmp_symbol[] = {"<", "<=", "==", "!=", ">", ">="};
static const int cmp_swapped[] = {CMP_GT, CMP_GE, CMP_EQ, CMP_NE, CMP_LT, CMP_LE};

bool vm_is(Value a, Value b) {
  if (a.tag != b.tag) return false;
  switch (a.tag) {
  case T_OBJ: return a.as.o == b.as.o;
  case T_FLOAT: return a.as.f == b.as.f || (a.as.f != a.as.f && b.as.f != b.as.f);
  case T_INT:
  case T_BOOL: return a.as.i == b.as.i;
  default: return true;
  }
}

int vm_compare(TState *ts, Value a, Value b, int op, Value *out) {
  if (v_is_int(a) && v_is_int(b)) {
    int c = a.as.i < b.as.i ? -1 : a.as.i > b.as.i;
    *out = v_bool(num_compare_result(c, op));
    return 0;
  }
  Type *ta = v_type(a), *tb = v_type(b);
  Value r = v_undef();
  if (ta->compare && ta->compare(ts, a, b, op, &r) < 0) return -1;
  if (v_is_undef(r) && tb->compare && tb != ta &&
      tb->compare(ts, b, a, cmp_swapped[op], &r) < 0)
    return -1;
  if (!v_is_undef(r)) {
    *out = r;
    return 0;
  }
  if (op == CMP_EQ || op == CMP_NE) {
    bool same = vm_is(a, b);
    *out = v_bool(op == CMP_EQ ? same : !same);
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "'%s' not supported between instances of '%s' and '%s'",
                  cmp_symbol[op], ta->name, tb->name);
}

int vm_compare_bool(TState *ts, Value a, Value b, int op) {
  Value r;
  if (vm_compare(ts, a, b, op, &r) < 0) return -1;
  if (r.tag == T_BOOL) return (int)r.as.i;
  int t = vm_truthy(ts, r);
  v_decref(r);
  return t;
}

int vm_equal(TState *ts, Value a, Value b) {
  if (vm_is(a, b)) {
    /* nan != nan even when it is the same object, as in CPython's == */
    return !(a.tag == T_FLOAT && a.as.f != a.as.f) || true;
  }
  return vm_compare_bool(ts, a, b, CMP_EQ);
}

/* ---- arithmetic ------------------------------------------------------------------- */

static bool is_seq(Value v) {
  return v_is_type(v, &StrType) || v_is_type(v, &ListType) || v_is_type(v, &TupleType) ||
         v_is_type(v, &BytesType);
}

/* inplace: the message names the augmented operator (`-=`), as CPython's. */
static int binop_error(TState *ts, BinOp op, Value a, Value b, bool inplace) {
  if (op == BINOP_ADD && is_seq(a) && !v_is_type(b, v_type(a)))
    return vm_raise(ts, &TypeError_Type, "can only concatenate %s (not \"%s\") to %s", tname(a),
                    tname(b), tname(a));
  if (op == BINOP_MUL && (is_seq(a) || is_seq(b))) {
    Value other = is_seq(a) ? b : a;
    return vm_raise(ts, &TypeError_Type, "can't multiply sequence by non-int of type '%s'",
                    tname(other));
  }
  if (op == BINOP_POW && !inplace)
    return vm_raise(ts, &TypeError_Type, "unsupported operand type(s) for ** or pow(): '%s' and '%s'",
                    tname(a), tname(b));
  return vm_raise(ts, &TypeError_Type, "unsupported operand type(s) for %s%s: '%s' and '%s'",
                  binop_symbol[op], inplace ? "=" : "", tname(a), tname(b));
}

static int binop_impl(TState *ts, BinOp op, Value a, Value b, Value *out, bool inplace) {
  if (v_is_int(a) && v_is_int(b)) return int_binop_ints(ts, op, a.as.i, b.as.i, out);
  Type *ta = v_type(a), *tb = v_type(b);
  Value r = v_undef();
  if (ta->binop && ta->binop(ts, op, a, b, &r) < 0) return -1;
  if (v_is_undef(r) && tb != ta && tb->binop && tb->binop(ts, op, a, b, &r) < 0) return -1;
  if (!v_is_undef(r)) {
    *out = r;
    return 0;
  }
  return binop_error(ts, op, a, b, inplace);
}

int vm_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  return binop_impl(ts, op, a, b, out, false);
}

int vm_inplace_op(TState *ts, BinOp op, Value a, Value b, Value *out) {
  if (v_is_type(a, &ListType)) {
    if (op == BINOP_ADD) {
      if (list_extend(ts, a.as.o, b) < 0) {
        if (vm_exc_matches(ts, &TypeError_Type) && !v_type(b)->iter) {
          vm_exc_clear(ts);
          return vm_raise(ts, &TypeError_Type, "'%s' object is not iterable", tname(b));
        }
        return -1;
      }
      *out = v_incref(a);
      return 0;
    }
  } else if (v_is_type(a, &DictType) && op == BINOP_OR) {
    if (dict_update(ts, a.as.o, b) < 0) return -1;
    *out = v_incref(a);
    return 0;
  } else if (v_is_type(a, &SetType) && (op == BINOP_OR || op == BINOP_AND || op == BINOP_SUB ||
                                         op == BINOP_XOR) && v_is_type(b, &SetType)) {
    /* in place, so other references see the change, as CPython's |= does */
    Value r;
    if (vm_binop(ts, op, a, b, &r) < 0) return -1;
    SetObj *s = (SetObj *)a.as.o, *n = (SetObj *)r.as.o;
    SetObj tmp = *s;
    s->fill = n->fill, s->used = n->used, s->mask = n->mask, s->table = n->table, s->finger = n->finger;
    n->fill = tmp.fill, n->used = tmp.used, n->mask = tmp.mask, n->table = tmp.table, n->finger = tmp.finger;
    v_decref(r);
    *out = v_incref(a);
    return 0;
  }
  return binop_impl(ts, op, a, b, out, true);
}

int vm_neg(TState *ts, Value a, Value *out) {
  switch (a.tag) {
  case T_INT:
  case T_BOOL:
    if (a.as.i == INT64_MIN) return vm_raise(ts, &OverflowError_Type, "int too large: gild ints are 64-bit");
    *out = v_int(-a.as.i);
    return 0;
  case T_FLOAT: *out = v_float(-a.as.f); return 0;
  default: return vm_raise(ts, &TypeError_Type, "bad operand type for unary -: '%s'", tname(a));
  }
}

int vm_pos(TState *ts, Value a, Value *out) {
  switch (a.tag) {
  case T_INT:
  case T_BOOL: *out = v_int(a.as.i); return 0;
  case T_FLOAT: *out = a; return 0;
  default: return vm_raise(ts, &TypeError_Type, "bad operand type for unary +: '%s'", tname(a));
  }
}

int vm_invert(TState *ts, Value a, Value *out) {
  if (a.tag == T_INT || a.tag == T_BOOL) {
    *out = v_int(~a.as.i);
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "bad operand type for unary ~: '%s'", tname(a));
}

/* ---- containers ------------------------------------------------------------------- */

int vm_len(TState *ts, Value v, int64_t *out) {
  Type *t = v_type(v);
  if (!t->len) return vm_raise(ts, &TypeError_Type, "object of type '%s' has no len()", t->name);
  return t->len(ts, v, out);
}

int vm_getitem(TState *ts, Value obj, Value key, Value *out) {
  Type *t = v_type(obj);
  if (!t->getitem) {
    if (t == &TypeType)
      return vm_raise(ts, &TypeError_Type, "type '%s' is not subscriptable", ((Type *)obj.as.o)->name);
    return vm_raise(ts, &TypeError_Type, "'%s' object is not subscriptable", t->name);
  }
  return t->getitem(ts, obj, key, out);
}

int vm_setitem(TState *ts, Value obj, Value key, Value val) {
  Type *t = v_type(obj);
  if (!t->setitem)
    return vm_raise(ts, &TypeError_Type, "'%s' object does not support item assignment", t->name);
  return t->setitem(ts, obj, key, val);
}

int vm_delitem(TState *ts, Value obj, Value key) {
  Type *t = v_type(obj);
  if (!t->setitem)
    return vm_raise(ts, &TypeError_Type, "'%s' object doesn't support item deletion", t->name);
  return t->setitem(ts, obj, key, v_undef());
}

int vm_contains(TState *ts, Value container, Value item) {
  Type *t = v_type(container);
  if (t->contains) return t->contains(ts, container, item);
  if (!t->iter)
    return vm_raise(ts, &TypeError_Type, "argument of type '%s' is not iterable", t->name);
  Value it, v;
  if (t->iter(ts, container, &it) < 0) return -1;
  int rc;
  while ((rc = vm_next(ts, it, &v)) == 1) {
    int eq = vm_equal(ts, v, item);
    v_decref(v);
    if (eq) {
      rc = eq;
      break;
    }
  }
  v_decref(it);
  return rc;
}

int vm_iter(TState *ts, Value v, Value *out) {
  Type *t = v_type(v);
  if (t->iter) return t->iter(ts, v, out);
  if (t->getitem && t != &DictType) {
    Obj *it = seqiter_new(ts, IT_SEQ, v);
    if (!it) return -1;
    *out = v_obj(it);
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "'%s' object is not iterable", t->name);
}

int vm_next(TState *ts, Value it, Value *out) {
  Type *t = v_type(it);
  if (!t->next) return vm_raise(ts, &TypeError_Type, "'%s' object is not an iterator", t->name);
  return t->next(ts, it, out);
}

int vm_to_list(TState *ts, Value iterable, Obj **out) {
  Obj *l = list_new(ts, 0);
  if (!l) return -1;
  if (list_extend(ts, l, iterable) < 0) {
    obj_decref(l);
    return -1;
  }
  *out = l;
  return 0;
}

/* ---- attributes ------------------------------------------------------------------ */

int vm_getattr(TState *ts, Value obj, Obj *name, Value *out) {
  Type *t = v_type(obj);
  if (t->getattr) return t->getattr(ts, obj, name, out);
  Obj *m = type_lookup_method(t, name);
  if (m) {
    BuiltinObj *b = (BuiltinObj *)m;
    Obj *bound = builtin_new(ts, b->def, obj, NULL);
    if (!bound) return -1;
    *out = v_obj(bound);
    return 0;
  }
  if (strcmp(((StrObj *)name)->data, "__class__") == 0) {
    *out = v_obj(&t->ob);
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "'%s' object has no attribute '%s'", t->name,
                  ((StrObj *)name)->data);
}

int vm_hasattr(TState *ts, Value obj, Obj *name) {
  Value v;
  if (vm_getattr(ts, obj, name, &v) == 0) {
    v_decref(v);
    return 1;
  }
  if (vm_exc_matches(ts, &AttributeError_Type)) {
    vm_exc_clear(ts);
    return 0;
  }
  return -1;
}

int vm_setattr(TState *ts, Value obj, Obj *name, Value val) {
  Type *t = v_type(obj);
  if (t->setattr) return t->setattr(ts, obj, name, val);
  if (type_lookup_method(t, name))
    return vm_raise(ts, &AttributeError_Type, "'%s' object attribute '%s' is read-only", t->name,
                    ((StrObj *)name)->data);
  return vm_raise(ts, &AttributeError_Type, "'%s' object has no attribute '%s'", t->name,
                  ((StrObj *)name)->data);
}

int vm_isinstance(TState *ts, Value v, Value cls) {
  if (v_is_type(cls, &TypeType)) return type_is_subtype(v_type(v), (Type *)cls.as.o);
  if (v_is_type(cls, &TupleType)) {
    TupleObj *t = as_tuple(cls);
    for (size_t i = 0; i < t->len; i++) {
      int r = vm_isinstance(ts, v, t->items[i]);
      if (r) return r;
    }
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "isinstance() arg 2 must be a type, a tuple of types, or a union");
}

/* ---- indices and slices -------------------------------------------------------- */

int index_value(TState *ts, Value v, int64_t *out) {
  if (v_is_int(v) || v_is_bool(v)) {
    *out = v.as.i;
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer", tname(v));
}

int seq_index(TState *ts, Value key, int64_t len, const char *what, int64_t *out) {
  int64_t i = 0;
  if (index_value(ts, key, &i) < 0) return -1;
  if (i < 0) i += len;
  if (i < 0 || i >= len) return vm_raise(ts, &IndexError_Type, "%s index out of range", what);
  *out = i;
  return 0;
}

Obj *slice_new(TState *ts, Value start, Value stop, Value step) {
  SliceObj *s = (SliceObj *)vm_alloc(ts, &SliceType, sizeof(SliceObj));
  if (!s) return NULL;
  s->start = v_incref(start);
  s->stop = v_incref(stop);
  s->step = v_incref(step);
  return &s->ob;
}

static void slice_dealloc(Obj *o) {
  SliceObj *s = (SliceObj *)o;
  v_decref(s->start);
  v_decref(s->stop);
  v_decref(s->step);
  vm_free_obj(o);
}

static int slice_part(TState *ts, Value v, int64_t *out) {
  if (v_is_int(v) || v_is_bool(v)) {
    *out = v.as.i;
    return 1;
  }
  if (v_is_none(v)) return 0;
  return vm_raise(ts, &TypeError_Type, "slice indices must be integers or None or have an __index__ method");
}

/* CPython's PySlice_Unpack + PySlice_AdjustIndices. */
int slice_indices(TState *ts, Obj *slice, int64_t len, int64_t *start, int64_t *stop,
                  int64_t *step, int64_t *slicelen) {
  SliceObj *s = (SliceObj *)slice;
  int64_t a = 0, b = 0, c = 1;
  int has;
  if ((has = slice_part(ts, s->step, &c)) < 0) return -1;
  if (has && c == 0) return vm_raise(ts, &ValueError_Type, "slice step cannot be zero");
  int ha = slice_part(ts, s->start, &a), hb;
  if (ha < 0 || (hb = slice_part(ts, s->stop, &b)) < 0) return -1;
  if (!ha) a = c < 0 ? INT64_MAX : 0;
  if (!hb) b = c < 0 ? INT64_MIN : INT64_MAX;
  if (a < 0) {
    a += len;
    if (a < 0) a = c < 0 ? -1 : 0;
  } else if (a >= len) {
    a = c < 0 ? len - 1 : len;
  }
  if (b < 0) {
    b = b == INT64_MIN ? -1 : b + len;
    if (b < 0) b = c < 0 ? -1 : 0;
  } else if (b >= len) {
    b = c < 0 ? len - 1 : len;
  }
  int64_t n = 0;
  if (c < 0) {
    if (b < a) n = (a - b - 1) / (-c) + 1;
  } else {
    if (a < b) n = (b - a - 1) / c + 1;
  }
  *start = a;
  *stop = b;
  *step = c;
  *slicelen = n;
  return 0;
}

static int slice_repr(TState *ts, Value self, Value *out) {
  SliceObj *s = (SliceObj *)self.as.o;
  Value r[3];
  if (vm_repr(ts, s->start, &r[0]) < 0) return -1;
  if (vm_repr(ts, s->stop, &r[1]) < 0) {
    v_decref(r[0]);
    return -1;
  }
  if (vm_repr(ts, s->step, &r[2]) < 0) {
    v_decref(r[0]);
    v_decref(r[1]);
    return -1;
  }
  Obj *o = str_fmt(ts, "slice(%s, %s, %s)", as_str(r[0])->data, as_str(r[1])->data, as_str(r[2])->data);
  for (int i = 0; i < 3; i++) v_decref(r[i]);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

Type SliceType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "slice", .dealloc = slice_dealloc,
    .repr = slice_repr,
};
