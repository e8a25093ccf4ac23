/*
 * seqiter.c - the iterator over the builtin sequences and dicts
 * (IteratorType), by position. One type for all of them keeps FOR_ITER's
 * fast path a single type check (interp.c peeks at it for lists and
 * ranges).
 */
#include "objimpl.h"
#include "seqiter.h"
#include "vm.h"

Obj *seqiter_new(TState *ts, int kind, Value seq) {
  SeqIterObj *it = (SeqIterObj *)vm_alloc(ts, &IteratorType, sizeof(SeqIterObj));
  if (!it) return NULL;
  it->kind = kind;
  it->seq = v_incref(seq);
  it->pos = 0;
  it->expect = kind >= IT_DICT_KEYS && kind <= IT_DICT_ITEMS ? (int64_t)as_dict(seq)->used : 0;
  return &it->ob;
}

static void seqiter_clear(Obj *o) {
  SeqIterObj *it = (SeqIterObj *)o;
  Value s = it->seq;
  it->seq = v_undef();
  v_decref(s);
}

static void seqiter_dealloc(Obj *o) {
  seqiter_clear(o);
  vm_free_obj(o);
}

static void seqiter_traverse(Obj *o, void (*visit)(Obj *, void *), void *arg) {
  SeqIterObj *it = (SeqIterObj *)o;
  if (v_is_obj(it->seq)) visit(it->seq.as.o, arg);
}

static int seqiter_iter(TState *ts, Value self, Value *out) {
  (void)ts;
  *out = v_incref(self);
  return 0;
}

static int dict_iter_next(TState *ts, SeqIterObj *it, Value *out) {
  DictObj *d = as_dict(it->seq);
  if ((int64_t)d->used != it->expect) {
    it->expect = -1; /* stays broken, as CPython's does */
    return vm_raise(ts, &RuntimeError_Type, "dictionary changed size during iteration");
  }
  while ((size_t)it->pos < d->nentries) {
    DictEntry *e = &d->entries[it->pos++];
    if (v_is_undef(e->key)) continue;
    if (it->kind == IT_DICT_KEYS) {
      *out = v_incref(e->key);
    } else if (it->kind == IT_DICT_VALUES) {
      *out = v_incref(e->value);
    } else {
      Obj *t = tuple_pack(ts, 2, e->key, e->value);
      if (!t) return -1;
      *out = v_obj(t);
    }
    return 1;
  }
  return 0;
}

int seqiter_next(TState *ts, Value self, Value *out) {
  SeqIterObj *it = (SeqIterObj *)self.as.o;
  if (v_is_undef(it->seq)) return 0;
  switch (it->kind) {
  case IT_LIST: {
    ListObj *l = as_list(it->seq);
    if ((size_t)it->pos < l->len) {
      *out = v_incref(l->items[it->pos++]);
      return 1;
    }
    break;
  }
  case IT_TUPLE: {
    TupleObj *t = as_tuple(it->seq);
    if ((size_t)it->pos < t->len) {
      *out = v_incref(t->items[it->pos++]);
      return 1;
    }
    break;
  }
  case IT_RANGE: {
    RangeObj *r = (RangeObj *)it->seq.as.o;
    if (it->pos < r->length) {
      *out = v_int(r->start + it->pos++ * r->step);
      return 1;
    }
    break;
  }
  case IT_STR: {
    StrObj *s = as_str(it->seq);
    if ((size_t)it->pos < s->size) {
      uint32_t cp;
      int n = utf8_decode((const unsigned char *)s->data + it->pos, &cp);
      Obj *c = str_new(ts, s->data + it->pos, (size_t)n);
      if (!c) return -1;
      it->pos += n;
      *out = v_obj(c);
      return 1;
    }
    break;
  }
  case IT_BYTES: {
    BytesObj *b = (BytesObj *)it->seq.as.o;
    if ((size_t)it->pos < b->size) {
      *out = v_int(b->data[it->pos++]);
      return 1;
    }
    break;
  }
  case IT_DICT_KEYS:
  case IT_DICT_VALUES:
  case IT_DICT_ITEMS: {
    int rc = dict_iter_next(ts, it, out);
    if (rc != 0) return rc;
    break;
  }
  default: {
    /* any sequence with __getitem__ and IndexError at the end */
    int rc = vm_getitem(ts, it->seq, v_int(it->pos), out);
    if (rc == 0) {
      it->pos++;
      return 1;
    }
    if (!vm_exc_matches(ts, &IndexError_Type)) return -1;
    vm_exc_clear(ts);
    break;
  }
  }
  seqiter_clear(&it->ob);
  return 0;
}

static const char *const iter_names[] = {
    "list_iterator", "tuple_iterator", "str_ascii_iterator", "range_iterator",
    "dict_keyiterator", "dict_valueiterator", "dict_itemiterator", "bytes_iterator", "iterator",
};

static int seqiter_repr(TState *ts, Value self, Value *out) {
  SeqIterObj *it = (SeqIterObj *)self.as.o;
  Obj *s = str_fmt(ts, "<%s object at %p>", iter_names[it->kind], (void *)self.as.o);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

Type IteratorType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "iterator", .flags = TF_GC | TF_ITERATOR,
    .dealloc = seqiter_dealloc, .traverse = seqiter_traverse, .clear = seqiter_clear,
    .repr = seqiter_repr, .iter = seqiter_iter, .next = seqiter_next,
};
