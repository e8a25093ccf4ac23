/*
 * mp_marshal.c - multiprocessing's wire format for values crossing a pipe
 * between a pool worker and its parent.
 *
 * One tag byte per value, then its payload: 'N' None, 'T'/'F' bools,
 * 'i' int (8 bytes), 'f' float (8 bytes), 's' str and 'b' bytes (8-byte
 * length, then the bytes), 'l' list, 't' tuple (8-byte count, then the
 * items), 'd' dict (8-byte count, then key, value pairs). Integers are in
 * host byte order: both ends are the same binary on the same machine, as
 * after fork(2) they always are.
 */
#include <stdlib.h>
#include <string.h>

#include "mp_marshal.h"
#include "objimpl.h"

/* Deeper than this is a self-containing list, or near enough. */
#define MARSHAL_MAX_DEPTH 200

void mbuf_free(MBuf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

int mbuf_add(MBuf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    unsigned char *d = realloc(b->data, cap);
    if (!d) return -1;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

static int put_tag(TState *ts, MBuf *b, char tag, const void *payload, size_t n) {
  if (mbuf_add(b, &tag, 1) < 0 || (n && mbuf_add(b, payload, n) < 0)) return vm_raise_nomem(ts);
  return 0;
}

static int put_sized(TState *ts, MBuf *b, char tag, const void *p, size_t n) {
  uint64_t len = n;
  if (put_tag(ts, b, tag, &len, sizeof len) < 0) return -1;
  if (n && mbuf_add(b, p, n) < 0) return vm_raise_nomem(ts);
  return 0;
}

static int dump(TState *ts, Value v, MBuf *b, int depth);

static int dump_items(TState *ts, char tag, const Value *items, size_t n, MBuf *b, int depth) {
  uint64_t len = n;
  if (put_tag(ts, b, tag, &len, sizeof len) < 0) return -1;
  for (size_t i = 0; i < n; i++)
    if (dump(ts, items[i], b, depth + 1) < 0) return -1;
  return 0;
}

static int dump_dict(TState *ts, DictObj *d, MBuf *b, int depth) {
  uint64_t len = d->used;
  if (put_tag(ts, b, 'd', &len, sizeof len) < 0) return -1;
  for (size_t i = 0; i < d->nentries; i++) {
    DictEntry *e = &d->entries[i];
    if (v_is_undef(e->key)) continue;
    if (dump(ts, e->key, b, depth + 1) < 0 || dump(ts, e->value, b, depth + 1) < 0) return -1;
  }
  return 0;
}

static int dump(TState *ts, Value v, MBuf *b, int depth) {
  if (depth > MARSHAL_MAX_DEPTH)
    return vm_raise(ts, &RecursionError_Type, "maximum recursion depth exceeded while pickling an object");
  switch (v.tag) {
  case T_NONE: return put_tag(ts, b, 'N', NULL, 0);
  case T_BOOL: return put_tag(ts, b, v.as.i ? 'T' : 'F', NULL, 0);
  case T_INT: return put_tag(ts, b, 'i', &v.as.i, sizeof v.as.i);
  case T_FLOAT: return put_tag(ts, b, 'f', &v.as.f, sizeof v.as.f);
  default: break;
  }
  Type *t = v_type(v);
  if (t == &StrType) return put_sized(ts, b, 's', as_str(v)->data, as_str(v)->size);
  if (t == &BytesType) {
    BytesObj *o = (BytesObj *)v.as.o;
    return put_sized(ts, b, 'b', o->data, o->size);
  }
  if (t == &ListType) return dump_items(ts, 'l', as_list(v)->items, as_list(v)->len, b, depth);
  if (t == &TupleType) return dump_items(ts, 't', as_tuple(v)->items, as_tuple(v)->len, b, depth);
  if (t == &DictType) return dump_dict(ts, as_dict(v), b, depth);
  return vm_raise(ts, &TypeError_Type, "cannot pickle '%s' object", t->name);
}

int mp_marshal_dump(TState *ts, Value v, MBuf *b) { return dump(ts, v, b, 0); }

/* ---- loading ----------------------------------------------------------------------------- */

typedef struct Reader {
  const unsigned char *data;
  size_t size, pos;
} Reader;

static int truncated(TState *ts) {
  return vm_raise(ts, &ValueError_Type, "multiprocessing: truncated result data");
}

static int get_bytes(TState *ts, Reader *r, void *out, size_t n) {
  if (r->size - r->pos < n) return truncated(ts);
  memcpy(out, r->data + r->pos, n);
  r->pos += n;
  return 0;
}

static int get_len(TState *ts, Reader *r, size_t *out) {
  uint64_t n = 0;
  if (get_bytes(ts, r, &n, sizeof n) < 0) return -1;
  /* every item takes at least one byte: a larger count is corrupt */
  if (n > r->size - r->pos) return truncated(ts);
  *out = (size_t)n;
  return 0;
}

static int load(TState *ts, Reader *r, Value *out, int depth);

static int load_seq(TState *ts, Reader *r, bool tuple, Value *out, int depth) {
  size_t n = 0;
  if (get_len(ts, r, &n) < 0) return -1;
  Obj *o = tuple ? tuple_new(ts, n) : list_new(ts, n);
  if (!o) return -1;
  Value *items = tuple ? ((TupleObj *)o)->items : ((ListObj *)o)->items;
  for (size_t i = 0; i < n; i++) {
    Value item;
    if (load(ts, r, &item, depth + 1) < 0) {
      obj_decref(o);
      return -1;
    }
    v_set(&items[i], item);
  }
  *out = v_obj(o);
  return 0;
}

static int load_dict(TState *ts, Reader *r, Value *out, int depth) {
  size_t n = 0;
  if (get_len(ts, r, &n) < 0) return -1;
  Obj *d = dict_new(ts);
  if (!d) return -1;
  for (size_t i = 0; i < n; i++) {
    Value k, v;
    if (load(ts, r, &k, depth + 1) < 0) goto fail;
    if (load(ts, r, &v, depth + 1) < 0) {
      v_decref(k);
      goto fail;
    }
    int rc = dict_set(ts, d, k, v);
    v_decref(k);
    v_decref(v);
    if (rc < 0) goto fail;
  }
  *out = v_obj(d);
  return 0;
fail:
  obj_decref(d);
  return -1;
}

static int load_sized(TState *ts, Reader *r, bool str, Value *out) {
  size_t n = 0;
  if (get_len(ts, r, &n) < 0) return -1;
  const char *p = (const char *)r->data + r->pos;
  r->pos += n;
  Obj *o = str ? str_new(ts, p, n) : bytes_new(ts, p, n);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int load(TState *ts, Reader *r, Value *out, int depth) {
  unsigned char tag = 0;
  if (depth > MARSHAL_MAX_DEPTH + 1) return truncated(ts);
  if (get_bytes(ts, r, &tag, 1) < 0) return -1;
  switch (tag) {
  case 'N': *out = v_none(); return 0;
  case 'T': *out = v_bool(true); return 0;
  case 'F': *out = v_bool(false); return 0;
  case 'i': *out = v_int(0); return get_bytes(ts, r, &out->as.i, sizeof out->as.i);
  case 'f': *out = v_float(0); return get_bytes(ts, r, &out->as.f, sizeof out->as.f);
  case 's': return load_sized(ts, r, true, out);
  case 'b': return load_sized(ts, r, false, out);
  case 'l': return load_seq(ts, r, false, out, depth);
  case 't': return load_seq(ts, r, true, out, depth);
  case 'd': return load_dict(ts, r, out, depth);
  default: return vm_raise(ts, &ValueError_Type, "multiprocessing: bad result data (tag %d)", tag);
  }
}

int mp_marshal_load(TState *ts, const unsigned char *data, size_t size, size_t *pos,
                    Value *out) {
  Reader r = {data, size, *pos};
  if (load(ts, &r, out, 0) < 0) return -1;
  *pos = r.pos;
  return 0;
}
