/*
 * bytes.c - the bytes type: construction, repr, hashing, comparison,
 * concatenation, indexing and slicing, `in`, iteration, and its methods
 * (decode, split, join, strip family, startswith/endswith, replace, find,
 * index, count, upper, lower, hex...).
 *
 * decode() is CPython's UTF-8 decoder as far as errors go: the same byte
 * ranges are rejected, with the same reason ("invalid start byte",
 * "invalid continuation byte", "unexpected end of data") and the same
 * span, so the UnicodeDecodeError message and the 'replace'/'ignore'
 * results are identical.
 */
#include <stdio.h>
#include <string.h>

#include "methods.h"
#include "objimpl.h"
#include "textbuf.h"
#include "vm.h"

#define B(v) ((BytesObj *)(v).as.o)

static bool is_bytes(Value v) { return v_is_type(v, &BytesType); }

static void bytes_dealloc(Obj *o) { vm_free_obj(o); }

Obj *bytes_new(TState *ts, const void *data, size_t size) {
  BytesObj *b = (BytesObj *)vm_alloc(ts, &BytesType, sizeof(BytesObj) + size + 1);
  if (!b) return NULL;
  b->hash = -1;
  b->size = size;
  if (size) memcpy(b->data, data, size);
  b->data[size] = '\0';
  return &b->ob;
}

static int ret_bytes(TState *ts, const void *data, size_t n, Value *out) {
  Obj *o = bytes_new(ts, data, n);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int need_bytes(TState *ts, Value v) {
  if (is_bytes(v)) return 0;
  return vm_raise(ts, &TypeError_Type, "a bytes-like object is required, not '%s'",
                  v_type(v)->name);
}

/* ---- slots ------------------------------------------------------------------- */

/* b'...' with CPython's quote choice: single quotes unless the data has a
 * single quote and no double quote. */
static int bytes_repr(TState *ts, Value self, Value *out) {
  BytesObj *b = B(self);
  char q = (memchr(b->data, '\'', b->size) && !memchr(b->data, '"', b->size)) ? '"' : '\'';
  TextBuf t;
  tb_init(&t);
  tb_putc(&t, 'b');
  tb_putc(&t, q);
  for (size_t i = 0; i < b->size; i++) {
    unsigned char c = b->data[i];
    char esc[8];
    if (c == q || c == '\\') { tb_putc(&t, '\\'); tb_putc(&t, (char)c); }
    else if (c == '\t') tb_puts(&t, "\\t");
    else if (c == '\n') tb_puts(&t, "\\n");
    else if (c == '\r') tb_puts(&t, "\\r");
    else if (c < 0x20 || c >= 0x7F) { snprintf(esc, sizeof esc, "\\x%02x", c); tb_puts(&t, esc); }
    else tb_putc(&t, (char)c);
  }
  tb_putc(&t, q);
  Obj *s = tb_finish_str(ts, &t);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int bytes_hash(TState *ts, Value self, int64_t *out) {
  (void)ts;
  BytesObj *b = B(self);
  if (b->hash == -1) {
    /* FNV-1a; CPython's bytes hash is randomised per process anyway. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < b->size; i++) h = (h ^ b->data[i]) * 1099511628211ULL;
    int64_t r = (int64_t)(h >> 1);
    b->hash = r == -1 ? -2 : r;
  }
  *out = b->hash;
  return 0;
}

static int bytes_compare(TState *ts, Value a, Value b, int op, Value *out) {
  (void)ts;
  if (!is_bytes(a) || !is_bytes(b)) { *out = v_undef(); return 0; }
  BytesObj *x = B(a), *y = B(b);
  size_t n = x->size < y->size ? x->size : y->size;
  int c = memcmp(x->data, y->data, n);
  if (c == 0) c = x->size < y->size ? -1 : x->size > y->size ? 1 : 0;
  bool r;
  switch (op) {
  case CMP_LT: r = c < 0; break;
  case CMP_LE: r = c <= 0; break;
  case CMP_EQ: r = c == 0; break;
  case CMP_NE: r = c != 0; break;
  case CMP_GT: r = c > 0; break;
  default: r = c >= 0; break;
  }
  *out = v_bool(r);
  return 0;
}

static int bytes_repeat(TState *ts, BytesObj *b, int64_t n, Value *out) {
  if (n <= 0 || b->size == 0) return ret_bytes(ts, "", 0, out);
  if ((uint64_t)n > (uint64_t)INT64_MAX / b->size)
    return vm_raise(ts, &OverflowError_Type, "repeated bytes are too long");
  if ((uint64_t)n > (1ull << 36) / b->size) return vm_raise_nomem(ts);
  TextBuf t;
  tb_init(&t);
  tb_repeat(&t, (const char *)b->data, b->size, (size_t)n);
  Obj *o = tb_finish_bytes(ts, &t);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int bytes_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  if (op == BINOP_ADD && is_bytes(a)) {
    if (!is_bytes(b))
      return vm_raise(ts, &TypeError_Type, "can't concat %s to bytes", v_type(b)->name);
    TextBuf t;
    tb_init(&t);
    tb_put(&t, B(a)->data, B(a)->size);
    tb_put(&t, B(b)->data, B(b)->size);
    Obj *o = tb_finish_bytes(ts, &t);
    if (!o) return -1;
    *out = v_obj(o);
    return 0;
  }
  if (op == BINOP_MUL) {
    if (is_bytes(a) && (v_is_int(b) || v_is_bool(b))) return bytes_repeat(ts, B(a), b.as.i, out);
    if (is_bytes(b) && (v_is_int(a) || v_is_bool(a))) return bytes_repeat(ts, B(b), a.as.i, out);
  }
  *out = v_undef();
  return 0;
}

static int bytes_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)B(self)->size;
  return 0;
}

static int bytes_getitem(TState *ts, Value self, Value key, Value *out) {
  BytesObj *b = B(self);
  if (v_is_int(key) || v_is_bool(key)) {
    int64_t i = key.as.i;
    if (i < 0) i += (int64_t)b->size;
    if (i < 0 || i >= (int64_t)b->size) return vm_raise(ts, &IndexError_Type, "index out of range");
    *out = v_int(b->data[i]);
    return 0;
  }
  if (v_is_type(key, &SliceType)) {
    int64_t start, stop, step, n;
    if (slice_indices(ts, key.as.o, (int64_t)b->size, &start, &stop, &step, &n) < 0) return -1;
    if (step == 1) return ret_bytes(ts, b->data + start, (size_t)n, out);
    TextBuf t;
    tb_init(&t);
    for (int64_t k = 0, i = start; k < n; k++, i += step) tb_putc(&t, (char)b->data[i]);
    Obj *o = tb_finish_bytes(ts, &t);
    if (!o) return -1;
    *out = v_obj(o);
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "byte indices must be integers or slices, not %s",
                  v_type(key)->name);
}

static int bytes_contains(TState *ts, Value self, Value item) {
  BytesObj *b = B(self);
  if (v_is_int(item) || v_is_bool(item)) {
    if (item.as.i < 0 || item.as.i > 255)
      return vm_raise(ts, &ValueError_Type, "byte must be in range(0, 256)");
    return memchr(b->data, (int)item.as.i, b->size) != NULL;
  }
  if (need_bytes(ts, item) < 0) return -1;
  if (B(item)->size == 0) return 1;
  return memmem(b->data, b->size, B(item)->data, B(item)->size) != NULL;
}

static int bytes_iter(TState *ts, Value self, Value *out) {
  Obj *it = seqiter_new(ts, IT_BYTES, self);
  if (!it) return -1;
  *out = v_obj(it);
  return 0;
}

/* bytes(), bytes(n), bytes(str, encoding[, errors]), bytes(iterable of ints). */
static int bytes_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  (void)type;
  static const char *const names[] = {"source", "encoding", "errors"};
  Value a[3];
  if (vm_parse_args(ts, "bytes", args, nargs, kwargs, names, 3, 3, 0, a) < 0) return -1;
  Value src = a[0];
  if (v_is_undef(src)) return ret_bytes(ts, "", 0, out);
  if (v_is_type(src, &StrType)) {
    if (v_is_undef(a[1]))
      return vm_raise(ts, &TypeError_Type, "string argument without an encoding");
    Obj *name = str_intern("encode");
    const MethodDef *enc = vm_find_method(src, name);
    Value eargs[2] = {a[1], a[2]};
    return enc->fn(ts, src, eargs, v_is_undef(a[2]) ? 1 : 2, NULL, out);
  }
  if (!v_is_undef(a[1]) || !v_is_undef(a[2]))
    return vm_raise(ts, &TypeError_Type,
                    v_is_undef(a[1]) ? "errors without a string argument"
                                     : "encoding without a string argument");
  if (is_bytes(src)) { *out = v_incref(src); return 0; }
  if (v_is_int(src) || v_is_bool(src)) {
    if (src.as.i < 0) return vm_raise(ts, &ValueError_Type, "negative count");
    TextBuf t;
    tb_init(&t);
    tb_repeat(&t, "\0", 1, (size_t)src.as.i);
    Obj *o = tb_finish_bytes(ts, &t);
    if (!o) return -1;
    *out = v_obj(o);
    return 0;
  }
  if (v_is_float(src) || v_is_none(src))
    return vm_raise(ts, &TypeError_Type, "cannot convert '%s' object to bytes", v_type(src)->name);
  Obj *list;
  if (vm_to_list(ts, src, &list) < 0) {
    if (vm_exc_matches(ts, &TypeError_Type)) {
      vm_exc_clear(ts);
      return vm_raise(ts, &TypeError_Type, "cannot convert '%s' object to bytes",
                      v_type(src)->name);
    }
    return -1;
  }
  ListObj *l = (ListObj *)list;
  TextBuf t;
  tb_init(&t);
  for (size_t i = 0; i < l->len; i++) {
    Value v = l->items[i];
    int rc = 0;
    if (!v_is_int(v) && !v_is_bool(v))
      rc = vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                    v_type(v)->name);
    else if (v.as.i < 0 || v.as.i > 255)
      rc = vm_raise(ts, &ValueError_Type, "bytes must be in range(0, 256)");
    if (rc < 0) { tb_free(&t); obj_decref(list); return -1; }
    tb_putc(&t, (char)v.as.i);
  }
  obj_decref(list);
  Obj *o = tb_finish_bytes(ts, &t);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

Type BytesType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "bytes", .dealloc = bytes_dealloc,
    .construct = bytes_construct, .repr = bytes_repr, .hash = bytes_hash,
    .compare = bytes_compare, .binop = bytes_binop, .len = bytes_len,
    .getitem = bytes_getitem, .contains = bytes_contains, .iter = bytes_iter,
    .methods = bytes_methods,
};

/* ---- decode ------------------------------------------------------------------- */

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* One UTF-8 sequence at p (avail bytes left): its length, or 0 with the
 * error's reason and span, exactly as CPython's decoder decides. */
static size_t utf8_check(const unsigned char *p, size_t avail, size_t *errlen,
                         const char **reason) {
  unsigned char c = p[0];
  const char *cont = "invalid continuation byte", *eod = "unexpected end of data";
  if (c < 0x80) return 1;
  *reason = "invalid start byte";
  *errlen = 1;
  if (c < 0xC2 || c >= 0xF5) return 0;
  size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  /* The second byte has extra limits for E0, ED, F0, F4 (no overlongs,
   * surrogates or code points past U+10FFFF). */
  bool bad2 = avail >= 2 && (!is_cont(p[1]) || (c == 0xE0 && p[1] < 0xA0) ||
                             (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
                             (c == 0xF4 && p[1] >= 0x90));
  if (bad2) { *reason = cont; return 0; }
  if (avail >= 3 && need >= 3 && !is_cont(p[2])) { *reason = cont; *errlen = 2; return 0; }
  if (avail >= 4 && need == 4 && !is_cont(p[3])) { *reason = cont; *errlen = 3; return 0; }
  if (avail < need) { *reason = eod; *errlen = avail; return 0; }
  return need;
}

static int decode_error(TState *ts, const char *enc, const BytesObj *b, size_t start, size_t end,
                        const char *reason) {
  if (end == start + 1)
    return vm_raise(ts, &UnicodeDecodeError_Type,
                    "'%s' codec can't decode byte 0x%02x in position %zu: %s", enc,
                    b->data[start], start, reason);
  return vm_raise(ts, &UnicodeDecodeError_Type,
                  "'%s' codec can't decode bytes in position %zu-%zu: %s", enc, start, end - 1,
                  reason);
}

static int bytes_decode(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  static const char *const names[] = {"encoding", "errors"};
  Value a[2];
  if (vm_parse_args(ts, "decode", args, nargs, kwargs, names, 2, 2, 0, a) < 0) return -1;
  for (int i = 0; i < 2; i++)
    if (!v_is_undef(a[i]) && !v_is_type(a[i], &StrType))
      return vm_raise(ts, &TypeError_Type, "decode() argument %d must be str, not %s", i + 1,
                      v_type(a[i])->name);
  const char *enc = v_is_undef(a[0]) ? "utf-8" : tb_codec_name(as_str(a[0])->data);
  if (!enc) return vm_raise(ts, &LookupError_Type, "unknown encoding: %s", as_str(a[0])->data);
  const char *errors = v_is_undef(a[1]) ? "strict" : as_str(a[1])->data;
  BytesObj *b = B(self);
  TextBuf t;
  tb_init(&t);
  size_t i = 0;
  while (i < b->size) {
    size_t errlen = 0, n;
    const char *reason = "ordinal not in range(128)";
    if (!strcmp(enc, "latin-1")) { tb_put_cp(&t, b->data[i++]); continue; }
    if (!strcmp(enc, "ascii")) n = b->data[i] < 0x80, errlen = 1;
    else n = utf8_check(b->data + i, b->size - i, &errlen, &reason);
    if (n > 0) { tb_put(&t, b->data + i, n); i += n; continue; }
    if (!strcmp(errors, "replace")) {
      tb_put_cp(&t, 0xFFFD);
    } else if (!strcmp(errors, "backslashreplace")) {
      for (size_t k = 0; k < errlen; k++) {
        char esc[8];
        snprintf(esc, sizeof esc, "\\x%02x", b->data[i + k]);
        tb_puts(&t, esc);
      }
    } else if (strcmp(errors, "ignore") != 0) {
      tb_free(&t);
      if (strcmp(errors, "strict") != 0)
        return vm_raise(ts, &LookupError_Type, "unknown error handler name '%s'", errors);
      return decode_error(ts, enc, b, i, i + errlen, reason);
    }
    i += errlen;
  }
  Obj *s = tb_finish_str(ts, &t);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

/* ---- the str-like methods ----------------------------------------------------------- */

static bool has_kwargs(Obj *kwargs) { return kwargs && ((DictObj *)kwargs)->used > 0; }

static int nargs_in(TState *ts, const char *name, int nargs, Obj *kwargs, int min, int max) {
  if (has_kwargs(kwargs)) return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", name);
  if (nargs < min || nargs > max) {
    if (max == 0)
      return vm_raise(ts, &TypeError_Type, "bytes.%s() takes no arguments (%d given)", name, nargs);
    return vm_raise(ts, &TypeError_Type, "%s expected %s %d argument%s, got %d", name,
                    nargs < min ? "at least" : "at most", nargs < min ? min : max,
                    (nargs < min ? min : max) == 1 ? "" : "s", nargs);
  }
  return 0;
}

static bool b_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int push_bytes(TState *ts, Obj *list, const unsigned char *p, size_t n) {
  Obj *o = bytes_new(ts, p, n);
  if (!o) return -1;
  int rc = list_append(ts, list, v_obj(o));
  obj_decref(o);
  return rc;
}

static int bytes_split(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  static const char *const names[] = {"sep", "maxsplit"};
  Value a[2];
  if (vm_parse_args(ts, "split", args, nargs, kwargs, names, 2, 2, 0, a) < 0) return -1;
  int64_t maxsplit = -1;
  if (!v_is_undef(a[1])) {
    if (!v_is_int(a[1]) && !v_is_bool(a[1]))
      return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                      v_type(a[1])->name);
    maxsplit = a[1].as.i;
  }
  bool ws = v_is_undef(a[0]) || v_is_none(a[0]);
  if (!ws && need_bytes(ts, a[0]) < 0) return -1;
  if (!ws && B(a[0])->size == 0) return vm_raise(ts, &ValueError_Type, "empty separator");
  BytesObj *b = B(self);
  Obj *list = list_new(ts, 0);
  if (!list) return -1;
  int rc = 0;
  size_t i = 0, n = b->size;
  if (ws) {
    while (rc == 0) {
      while (i < n && b_space(b->data[i])) i++;
      if (i >= n) break;
      size_t e = i;
      if (maxsplit-- == 0) {
        e = n; /* the remainder keeps its trailing whitespace */
      } else {
        while (e < n && !b_space(b->data[e])) e++;
      }
      rc = push_bytes(ts, list, b->data + i, e - i);
      i = e;
    }
  } else {
    BytesObj *sep = B(a[0]);
    int64_t off;
    while (rc == 0 && maxsplit-- != 0 && (off = tb_find(b->data, i, n, sep->data, sep->size, false)) >= 0) {
      rc = push_bytes(ts, list, b->data + i, (size_t)off - i);
      i = (size_t)off + sep->size;
    }
    if (rc == 0) rc = push_bytes(ts, list, b->data + i, n - i);
  }
  if (rc < 0) { obj_decref(list); return -1; }
  *out = v_obj(list);
  return 0;
}

static int bytes_join(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  if (nargs_in(ts, "join", nargs, kwargs, 1, 1) < 0) return -1;
  Obj *list;
  if (vm_to_list(ts, args[0], &list) < 0) return -1;
  ListObj *l = (ListObj *)list;
  TextBuf t;
  tb_init(&t);
  for (size_t i = 0; i < l->len; i++) {
    if (!is_bytes(l->items[i])) {
      tb_free(&t);
      vm_raise(ts, &TypeError_Type, "sequence item %zu: expected a bytes-like object, %s found",
               i, v_type(l->items[i])->name);
      obj_decref(list);
      return -1;
    }
    if (i > 0) tb_put(&t, B(self)->data, B(self)->size);
    tb_put(&t, B(l->items[i])->data, B(l->items[i])->size);
  }
  obj_decref(list);
  Obj *o = tb_finish_bytes(ts, &t);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int do_strip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    const char *name, bool left, bool right, Value *out) {
  if (nargs_in(ts, name, nargs, kwargs, 0, 1) < 0) return -1;
  const BytesObj *chars = NULL;
  if (nargs == 1 && !v_is_none(args[0])) {
    if (need_bytes(ts, args[0]) < 0) return -1;
    chars = B(args[0]);
  }
  BytesObj *b = B(self);
  size_t s = 0, e = b->size;
#define STRIPPABLE(c) (chars ? memchr(chars->data, (c), chars->size) != NULL : b_space(c))
  while (left && s < e && STRIPPABLE(b->data[s])) s++;
  while (right && e > s && STRIPPABLE(b->data[e - 1])) e--;
#undef STRIPPABLE
  return ret_bytes(ts, b->data + s, e - s, out);
}

static int bytes_strip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  return do_strip(ts, self, args, nargs, kwargs, "strip", true, true, out);
}

static int bytes_lstrip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  return do_strip(ts, self, args, nargs, kwargs, "lstrip", true, false, out);
}

static int bytes_rstrip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  return do_strip(ts, self, args, nargs, kwargs, "rstrip", false, true, out);
}

static int affix(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                 const char *name, bool at_end, Value *out) {
  if (nargs_in(ts, name, nargs, kwargs, 1, 3) < 0) return -1;
  BytesObj *b = B(self);
  int64_t s, e;
  if (tb_slice_bounds(ts, args, nargs, 1, (int64_t)b->size, &s, &e) < 0) return -1;
  const Value *cands = &args[0];
  size_t n = 1;
  if (v_is_type(args[0], &TupleType)) {
    cands = as_tuple(args[0])->items;
    n = as_tuple(args[0])->len;
  } else if (!is_bytes(args[0])) {
    return vm_raise(ts, &TypeError_Type,
                    "%s first arg must be bytes or a tuple of bytes, not %s", name,
                    v_type(args[0])->name);
  }
  for (size_t i = 0; i < n; i++) {
    if (need_bytes(ts, cands[i]) < 0) return -1;
    BytesObj *p = B(cands[i]);
    if (s > e || (size_t)(e - s) < p->size) continue;
    const unsigned char *at = at_end ? b->data + e - p->size : b->data + s;
    if (memcmp(at, p->data, p->size) == 0) { *out = v_bool(true); return 0; }
  }
  *out = v_bool(false);
  return 0;
}

static int bytes_startswith(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  return affix(ts, self, args, nargs, kwargs, "startswith", false, out);
}

static int bytes_endswith(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  return affix(ts, self, args, nargs, kwargs, "endswith", true, out);
}

/* The needle of find/index/count: bytes, or an int naming one byte. */
static int needle_of(TState *ts, Value v, unsigned char *one, const unsigned char **p,
                     size_t *n) {
  if (v_is_int(v) || v_is_bool(v)) {
    if (v.as.i < 0 || v.as.i > 255)
      return vm_raise(ts, &ValueError_Type, "byte must be in range(0, 256)");
    *one = (unsigned char)v.as.i;
    *p = one;
    *n = 1;
    return 0;
  }
  if (!is_bytes(v))
    return vm_raise(ts, &TypeError_Type,
                    "argument should be integer or bytes-like object, not '%s'", v_type(v)->name);
  *p = B(v)->data;
  *n = B(v)->size;
  return 0;
}

static int do_find(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                   const char *name, bool reverse, int64_t *pos) {
  if (nargs_in(ts, name, nargs, kwargs, 1, 3) < 0) return -1;
  unsigned char one;
  const unsigned char *nd = NULL;
  size_t nn = 0;
  if (needle_of(ts, args[0], &one, &nd, &nn) < 0) return -1;
  BytesObj *b = B(self);
  int64_t s, e;
  if (tb_slice_bounds(ts, args, nargs, 1, (int64_t)b->size, &s, &e) < 0) return -1;
  *pos = s > e ? -1 : tb_find(b->data, (size_t)s, (size_t)e, nd, nn, reverse);
  return 0;
}

static int bytes_find(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  int64_t pos = 0;
  if (do_find(ts, self, args, nargs, kwargs, "find", false, &pos) < 0) return -1;
  *out = v_int(pos);
  return 0;
}

static int bytes_rfind(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  int64_t pos = 0;
  if (do_find(ts, self, args, nargs, kwargs, "rfind", true, &pos) < 0) return -1;
  *out = v_int(pos);
  return 0;
}

static int bytes_index(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  int64_t pos = 0;
  if (do_find(ts, self, args, nargs, kwargs, "index", false, &pos) < 0) return -1;
  if (pos < 0) return vm_raise(ts, &ValueError_Type, "subsection not found");
  *out = v_int(pos);
  return 0;
}

static int bytes_count(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  if (nargs_in(ts, "count", nargs, kwargs, 1, 3) < 0) return -1;
  unsigned char one;
  const unsigned char *nd = NULL;
  size_t nn = 0;
  if (needle_of(ts, args[0], &one, &nd, &nn) < 0) return -1;
  BytesObj *b = B(self);
  int64_t s, e, n = 0;
  if (tb_slice_bounds(ts, args, nargs, 1, (int64_t)b->size, &s, &e) < 0) return -1;
  if (s > e) { *out = v_int(0); return 0; }
  if (nn == 0) { *out = v_int(e - s + 1); return 0; }
  for (int64_t off; (off = tb_find(b->data, (size_t)s, (size_t)e, nd, nn, false)) >= 0; n++)
    s = off + (int64_t)nn;
  *out = v_int(n);
  return 0;
}

static int bytes_replace(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (nargs_in(ts, "replace", nargs, kwargs, 2, 3) < 0) return -1;
  if (need_bytes(ts, args[0]) < 0 || need_bytes(ts, args[1]) < 0) return -1;
  int64_t count = -1;
  if (nargs > 2) {
    if (!v_is_int(args[2]))
      return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                      v_type(args[2])->name);
    count = args[2].as.i;
  }
  BytesObj *b = B(self), *old = B(args[0]), *rep = B(args[1]);
  TextBuf t;
  tb_init(&t);
  size_t i = 0;
  if (old->size == 0) {
    while (count-- != 0) {
      tb_put(&t, rep->data, rep->size);
      if (i >= b->size) break;
      tb_putc(&t, (char)b->data[i++]);
    }
  } else {
    int64_t off;
    while (count-- != 0 && (off = tb_find(b->data, i, b->size, old->data, old->size, false)) >= 0) {
      tb_put(&t, b->data + i, (size_t)off - i);
      tb_put(&t, rep->data, rep->size);
      i = (size_t)off + old->size;
    }
  }
  tb_put(&t, b->data + i, b->size - i);
  Obj *o = tb_finish_bytes(ts, &t);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int map_ascii(TState *ts, Value self, int nargs, Obj *kwargs, const char *name,
                     bool upper, Value *out) {
  if (nargs_in(ts, name, nargs, kwargs, 0, 0) < 0) return -1;
  BytesObj *b = B(self);
  Obj *o = bytes_new(ts, b->data, b->size);
  if (!o) return -1;
  BytesObj *r = (BytesObj *)o;
  for (size_t i = 0; i < r->size; i++) {
    unsigned char c = r->data[i];
    if (upper && c >= 'a' && c <= 'z') r->data[i] = (unsigned char)(c - 32);
    if (!upper && c >= 'A' && c <= 'Z') r->data[i] = (unsigned char)(c + 32);
  }
  *out = v_obj(o);
  return 0;
}

static int bytes_upper(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  return map_ascii(ts, self, nargs, kwargs, "upper", true, out);
}

static int bytes_lower(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  return map_ascii(ts, self, nargs, kwargs, "lower", false, out);
}

static int bytes_hex(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)args;
  if (nargs_in(ts, "hex", nargs, kwargs, 0, 0) < 0) return -1;
  BytesObj *b = B(self);
  TextBuf t;
  tb_init(&t);
  static const char hexd[] = "0123456789abcdef";
  for (size_t i = 0; i < b->size; i++) {
    tb_putc(&t, hexd[b->data[i] >> 4]);
    tb_putc(&t, hexd[b->data[i] & 15]);
  }
  Obj *s = tb_finish_str(ts, &t);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

typedef bool (*BytePred)(unsigned char);
static bool bp_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool bp_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static bool bp_alnum(unsigned char c) { return bp_digit(c) || bp_alpha(c); }

static int all_bytes(TState *ts, Value self, int nargs, Obj *kwargs, const char *name,
                     BytePred p, Value *out) {
  if (nargs_in(ts, name, nargs, kwargs, 0, 0) < 0) return -1;
  BytesObj *b = B(self);
  bool ok = b->size > 0;
  for (size_t i = 0; ok && i < b->size; i++) ok = p(b->data[i]);
  *out = v_bool(ok);
  return 0;
}

static int bytes_isdigit(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)args;
  return all_bytes(ts, self, nargs, kwargs, "isdigit", bp_digit, out);
}

static int bytes_isalpha(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)args;
  return all_bytes(ts, self, nargs, kwargs, "isalpha", bp_alpha, out);
}

static int bytes_isalnum(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)args;
  return all_bytes(ts, self, nargs, kwargs, "isalnum", bp_alnum, out);
}

static int bytes_isspace(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)args;
  return all_bytes(ts, self, nargs, kwargs, "isspace", b_space, out);
}

/* ---- partition, padding, splitlines, rsplit, title ------------------------------------ */

static int bytes_partition_dir(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                               const char *name, bool reverse, Value *out) {
  if (nargs_in(ts, name, nargs, kwargs, 1, 1) < 0 || need_bytes(ts, args[0]) < 0) return -1;
  BytesObj *b = B(self), *sep = B(args[0]);
  if (sep->size == 0) return vm_raise(ts, &ValueError_Type, "empty separator");
  int64_t at = tb_find(b->data, 0, b->size, sep->data, sep->size, reverse);
  Value parts[3];
  /* no match: (self, b'', b'') for partition, (b'', b'', self) for rpartition */
  size_t cut = at < 0 ? (reverse ? 0 : b->size) : (size_t)at;
  size_t rest = at < 0 ? (reverse ? 0 : b->size) : (size_t)at + sep->size;
  Obj *p0 = bytes_new(ts, b->data, cut);
  Obj *p1 = at < 0 ? bytes_new(ts, "", 0) : (obj_incref(&sep->ob), &sep->ob);
  Obj *p2 = bytes_new(ts, b->data + rest, b->size - rest);
  if (!p0 || !p1 || !p2) {
    obj_xdecref(p0);
    obj_xdecref(p1);
    obj_xdecref(p2);
    return -1;
  }
  parts[0] = v_obj(p0);
  parts[1] = v_obj(p1);
  parts[2] = v_obj(p2);
  Obj *t = tuple_pack(ts, 3, parts[0], parts[1], parts[2]);
  for (int i = 0; i < 3; i++) v_decref(parts[i]);
  if (!t) return -1;
  *out = v_obj(t);
  return 0;
}

static int bytes_partition(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  return bytes_partition_dir(ts, self, args, nargs, kwargs, "partition", false, out);
}

static int bytes_rpartition(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  return bytes_partition_dir(ts, self, args, nargs, kwargs, "rpartition", true, out);
}

static int need_index(TState *ts, Value v, int64_t *out) {
  if (v_is_int(v) || v_is_bool(v)) {
    *out = v.as.i;
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                  v_type(v)->name);
}

/* kind: 'l' ljust, 'r' rjust, 'c' center. */
static int bytes_pad(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     const char *name, char kind, Value *out) {
  if (nargs_in(ts, name, nargs, kwargs, 1, 2) < 0) return -1;
  int64_t width = 0;
  if (need_index(ts, args[0], &width) < 0) return -1;
  char fill = ' ';
  if (nargs == 2) {
    if (!is_bytes(args[1]) || B(args[1])->size != 1)
      return vm_raise(ts, &TypeError_Type, "%s() argument 2 must be a byte string of length 1, not %s",
                      name, v_type(args[1])->name);
    fill = (char)B(args[1])->data[0];
  }
  BytesObj *b = B(self);
  int64_t len = (int64_t)b->size;
  if (width <= len) {
    *out = v_incref(self);
    return 0;
  }
  TextBuf t;
  tb_init(&t);
  tb_put_padded(&t, b->data, b->size, len, width, kind, &fill, 1);
  Obj *o = tb_finish_bytes(ts, &t);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int bytes_center(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  return bytes_pad(ts, self, args, nargs, kwargs, "center", 'c', out);
}

static int bytes_ljust(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  return bytes_pad(ts, self, args, nargs, kwargs, "ljust", 'l', out);
}

static int bytes_rjust(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  return bytes_pad(ts, self, args, nargs, kwargs, "rjust", 'r', out);
}

static int bytes_zfill(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  if (has_kwargs(kwargs)) return vm_raise(ts, &TypeError_Type, "zfill() takes no keyword arguments");
  if (nargs != 1)
    return vm_raise(ts, &TypeError_Type, "bytes.zfill() takes exactly one argument (%d given)", nargs);
  int64_t width = 0;
  if (need_index(ts, args[0], &width) < 0) return -1;
  BytesObj *b = B(self);
  if (width <= (int64_t)b->size) {
    *out = v_incref(self);
    return 0;
  }
  TextBuf t;
  tb_init(&t);
  tb_put_zfilled(&t, (const char *)b->data, b->size, (size_t)(width - (int64_t)b->size));
  Obj *o = tb_finish_bytes(ts, &t);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

/* Lines end at \n, \r or \r\n (bytes know no other line boundaries). */
static int bytes_splitlines(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  static const char *const names[] = {"keepends"};
  Value a[1];
  if (vm_parse_args(ts, "splitlines", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  int keep = 0;
  if (!v_is_undef(a[0]) && (keep = vm_truthy(ts, a[0])) < 0) return -1;
  BytesObj *b = B(self);
  Obj *list = list_new(ts, 0);
  if (!list) return -1;
  size_t i = 0, n = b->size;
  int rc = 0;
  while (rc == 0 && i < n) {
    size_t e = i;
    while (e < n && b->data[e] != '\n' && b->data[e] != '\r') e++;
    size_t next = e;
    if (e < n) next = (b->data[e] == '\r' && e + 1 < n && b->data[e + 1] == '\n') ? e + 2 : e + 1;
    rc = push_bytes(ts, list, b->data + i, (keep ? next : e) - i);
    i = next;
  }
  if (rc < 0) {
    obj_decref(list);
    return -1;
  }
  *out = v_obj(list);
  return 0;
}

static int bytes_rsplit(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  static const char *const names[] = {"sep", "maxsplit"};
  Value a[2];
  if (vm_parse_args(ts, "rsplit", args, nargs, kwargs, names, 2, 2, 0, a) < 0) return -1;
  int64_t maxsplit = -1;
  if (!v_is_undef(a[1]) && need_index(ts, a[1], &maxsplit) < 0) return -1;
  bool ws = v_is_undef(a[0]) || v_is_none(a[0]);
  if (!ws && need_bytes(ts, a[0]) < 0) return -1;
  if (!ws && B(a[0])->size == 0) return vm_raise(ts, &ValueError_Type, "empty separator");
  BytesObj *b = B(self);
  Obj *list = list_new(ts, 0);
  if (!list) return -1;
  int rc = 0;
  size_t e = b->size; /* pieces are found right to left, then reversed */
  if (ws) {
    while (rc == 0) {
      while (e > 0 && b_space(b->data[e - 1])) e--;
      if (e == 0) break;
      size_t i = e;
      if (maxsplit-- == 0) {
        i = 0; /* the remainder keeps its leading whitespace */
      } else {
        while (i > 0 && !b_space(b->data[i - 1])) i--;
      }
      rc = push_bytes(ts, list, b->data + i, e - i);
      e = i;
    }
  } else {
    BytesObj *sep = B(a[0]);
    int64_t off;
    while (rc == 0 && maxsplit-- != 0 && (off = tb_find(b->data, 0, e, sep->data, sep->size, true)) >= 0) {
      rc = push_bytes(ts, list, b->data + off + sep->size, e - (size_t)off - sep->size);
      e = (size_t)off;
    }
    if (rc == 0) rc = push_bytes(ts, list, b->data, e);
  }
  if (rc < 0) {
    obj_decref(list);
    return -1;
  }
  list_reverse(list);
  *out = v_obj(list);
  return 0;
}

static int bytes_title(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  if (nargs_in(ts, "title", nargs, kwargs, 0, 0) < 0) return -1;
  BytesObj *b = B(self);
  Obj *o = bytes_new(ts, b->data, b->size);
  if (!o) return -1;
  BytesObj *r = (BytesObj *)o;
  bool prev_cased = false;
  for (size_t i = 0; i < r->size; i++) {
    unsigned char c = r->data[i];
    bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
    if (lower && !prev_cased) r->data[i] = (unsigned char)(c - 32);
    else if (upper && prev_cased) r->data[i] = (unsigned char)(c + 32);
    prev_cased = lower || upper;
  }
  *out = v_obj(o);
  return 0;
}

const MethodDef bytes_methods[] = {
    {"decode", bytes_decode},
    {"split", bytes_split},
    {"join", bytes_join},
    {"strip", bytes_strip},
    {"lstrip", bytes_lstrip},
    {"rstrip", bytes_rstrip},
    {"startswith", bytes_startswith},
    {"endswith", bytes_endswith},
    {"replace", bytes_replace},
    {"find", bytes_find},
    {"rfind", bytes_rfind},
    {"index", bytes_index},
    {"count", bytes_count},
    {"upper", bytes_upper},
    {"lower", bytes_lower},
    {"hex", bytes_hex},
    {"isdigit", bytes_isdigit},
    {"isalpha", bytes_isalpha},
    {"isalnum", bytes_isalnum},
    {"isspace", bytes_isspace},
    {"partition", bytes_partition},
    {"rpartition", bytes_rpartition},
    {"center", bytes_center},
    {"ljust", bytes_ljust},
    {"rjust", bytes_rjust},
    {"zfill", bytes_zfill},
    {"splitlines", bytes_splitlines},
    {"rsplit", bytes_rsplit},
    {"title", bytes_title},
    {NULL, NULL},
};
