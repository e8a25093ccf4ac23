/*
 * str.c - the str type's core: immutable UTF-8 with a cached code-point
 * length, so len() is O(1) and ASCII strings index in O(1). The everyday
 * methods live in str_methods.c; formatting in format.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "objimpl.h"
#include "vm.h"

/* ---- UTF-8 ---------------------------------------------------------------------- */

int utf8_decode(const unsigned char *s, uint32_t *cp) {
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if ((s[0] & 0xe0) == 0xc0) {
    *cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
    return 2;
  }
  if ((s[0] & 0xf0) == 0xe0) {
    *cp = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
    return 3;
  }
  *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
        ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
  return 4;
}

int utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static size_t utf8_length(const char *s, size_t n) {
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80) len++;
  return len;
}

/* ---- construction --------------------------------------------------------------- */

static void str_dealloc(Obj *o) { vm_free_obj(o); }

static StrObj *str_alloc(TState *ts, size_t size) {
  StrObj *s = (StrObj *)vm_alloc(ts, &StrType, sizeof(StrObj) + size + 1);
  if (!s) return NULL;
  s->hash = -1;
  s->size = size;
  s->data[size] = 0;
  return s;
}

/* Single ASCII characters and "" are shared: iterating over a string and
 * indexing it then allocate nothing. */
static StrObj *char_cache[128];
static StrObj *empty_str;

static Obj *make_immortal(const char *s, size_t n) {
  StrObj *o = malloc(sizeof(StrObj) + n + 1);
  if (!o) abort();
  o->ob.refcnt = IMMORTAL_REFCNT;
  o->ob.type = &StrType;
  o->hash = -1;
  o->size = n;
  o->length = utf8_length(s, n);
  o->ascii = o->length == n;
  memcpy(o->data, s, n);
  o->data[n] = 0;
  return &o->ob;
}

Obj *str_new(TState *ts, const char *utf8, size_t size) {
  if (size == 0) {
    if (!empty_str) empty_str = (StrObj *)make_immortal("", 0);
    return &empty_str->ob;
  }
  if (size == 1 && (unsigned char)utf8[0] < 128) {
    unsigned char c = (unsigned char)utf8[0];
    if (!char_cache[c]) char_cache[c] = (StrObj *)make_immortal(utf8, 1);
    return &char_cache[c]->ob;
  }
  StrObj *s = str_alloc(ts, size);
  if (!s) return NULL;
  memcpy(s->data, utf8, size);
  s->length = utf8_length(utf8, size);
  s->ascii = s->length == size;
  return &s->ob;
}

Obj *str_from_cstr(TState *ts, const char *s) { return str_new(ts, s, strlen(s)); }

Obj *str_fmt(TState *ts, const char *fmt, ...) {
  char stackbuf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(stackbuf, sizeof stackbuf, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n < (int)sizeof stackbuf) return str_new(ts, stackbuf, (size_t)n);
  char *buf = malloc((size_t)n + 1);
  if (!buf) {
    vm_raise_nomem(ts);
    return NULL;
  }
  va_start(ap, fmt);
  vsnprintf(buf, (size_t)n + 1, fmt, ap);
  va_end(ap);
  Obj *s = str_new(ts, buf, (size_t)n);
  free(buf);
  return s;
}

Obj *str_from_codepoint(TState *ts, uint32_t cp) {
  char buf[4];
  int n = utf8_encode(cp, buf);
  return str_new(ts, buf, (size_t)n);
}

/* ---- interning: names used by the compiler and C code, immortal ---------------- */

static Obj **intern_table;
static size_t intern_cap, intern_used;

int64_t str_hash(Obj *o) {
  StrObj *s = (StrObj *)o;
  if (s->hash != -1) return s->hash;
  /* FNV-1a: str hashes are not specified by Python (they are randomised),
   * so any good hash keeps CPython's observable behaviour. */
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < s->size; i++) {
    h ^= (unsigned char)s->data[i];
    h *= 1099511628211ull;
  }
  int64_t r = (int64_t)(h >> 1);
  if (r == -1) r = -2;
  s->hash = r;
  return r;
}

bool str_eq(Obj *a, Obj *b) {
  if (a == b) return true;
  StrObj *x = (StrObj *)a, *y = (StrObj *)b;
  if (x->size != y->size) return false;
  if (x->hash != -1 && y->hash != -1 && x->hash != y->hash) return false;
  return memcmp(x->data, y->data, x->size) == 0;
}

static void intern_insert(Obj *s) {
  size_t mask = intern_cap - 1;
  size_t i = (size_t)str_hash(s) & mask;
  while (intern_table[i]) i = (i + 1) & mask;
  intern_table[i] = s;
  intern_used++;
}

Obj *str_intern(const char *cs) {
  size_t n = strlen(cs);
  if (intern_used * 2 >= intern_cap) {
    Obj **old = intern_table;
    size_t oldcap = intern_cap;
    intern_cap = oldcap ? oldcap * 2 : 1024;
    intern_table = calloc(intern_cap, sizeof(Obj *));
    if (!intern_table) abort();
    intern_used = 0;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i]) intern_insert(old[i]);
    free(old);
  }
  StrObj key;
  key.size = n;
  /* hash of the C string, computed as str_hash would */
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)cs[i];
    h *= 1099511628211ull;
  }
  int64_t hv = (int64_t)(h >> 1);
  if (hv == -1) hv = -2;
  (void)key;
  size_t mask = intern_cap - 1;
  for (size_t i = (size_t)hv & mask;; i = (i + 1) & mask) {
    StrObj *e = (StrObj *)intern_table[i];
    if (!e) break;
    if (e->size == n && memcmp(e->data, cs, n) == 0) return &e->ob;
  }
  Obj *s;
  if (n == 1 && (unsigned char)cs[0] < 128)
    s = str_new(NULL, cs, 1);
  else if (n == 0)
    s = str_new(NULL, "", 0);
  else
    s = make_immortal(cs, n);
  ((StrObj *)s)->hash = hv;
  intern_insert(s);
  return s;
}

/* ---- builders ----------------------------------------------------------------- */

int sb_init(TState *ts, StrBuf *b, size_t cap) {
  b->len = 0;
  b->cap = cap < 16 ? 16 : cap;
  b->data = malloc(b->cap);
  if (!b->data) return vm_raise_nomem(ts);
  return 0;
}

int sb_add(TState *ts, StrBuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t nc = b->cap * 2;
    while (nc < b->len + n + 1) nc *= 2;
    char *d = realloc(b->data, nc);
    if (!d) return vm_raise_nomem(ts);
    b->data = d;
    b->cap = nc;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  return 0;
}

int sb_addc(TState *ts, StrBuf *b, char c) { return sb_add(ts, b, &c, 1); }
int sb_adds(TState *ts, StrBuf *b, const char *s) { return sb_add(ts, b, s, strlen(s)); }
int sb_add_str(TState *ts, StrBuf *b, Value v) { return sb_add(ts, b, as_str(v)->data, as_str(v)->size); }

Obj *sb_finish(TState *ts, StrBuf *b) {
  Obj *s = str_new(ts, b->data, b->len);
  sb_free(b);
  return s;
}

void sb_free(StrBuf *b) {
  free(b->data);
  b->data = NULL;
}

/* ---- indexing ----------------------------------------------------------------- */

size_t str_offset(StrObj *s, size_t i) {
  if (s->ascii) return i;
  size_t off = 0;
  while (i > 0 && off < s->size) {
    off++;
    while (off < s->size && ((unsigned char)s->data[off] & 0xc0) == 0x80) off++;
    i--;
  }
  return off;
}

Obj *str_substr(TState *ts, StrObj *s, size_t start, size_t end) {
  if (end <= start) return str_new(ts, "", 0);
  size_t a = str_offset(s, start);
  size_t b = str_offset(s, end);
  return str_new(ts, s->data + a, b - a);
}

static int str_getitem(TState *ts, Value self, Value key, Value *out) {
  StrObj *s = as_str(self);
  if (v_is_type(key, &SliceType)) {
    int64_t start, stop, step, n;
    if (slice_indices(ts, key.as.o, (int64_t)s->length, &start, &stop, &step, &n) < 0) return -1;
    Obj *r;
    if (step == 1) {
      r = str_substr(ts, s, (size_t)start, (size_t)stop);
    } else {
      StrBuf b;
      if (sb_init(ts, &b, (size_t)n + 1) < 0) return -1;
      for (int64_t i = 0, k = start; i < n; i++, k += step) {
        size_t off = str_offset(s, (size_t)k);
        uint32_t cp;
        int len = utf8_decode((const unsigned char *)s->data + off, &cp);
        if (sb_add(ts, &b, s->data + off, (size_t)len) < 0) {
          sb_free(&b);
          return -1;
        }
      }
      r = sb_finish(ts, &b);
    }
    if (!r) return -1;
    *out = v_obj(r);
    return 0;
  }
  int64_t i;
  if (!v_is_int(key) && !v_is_bool(key))
    return vm_raise(ts, &TypeError_Type, "string indices must be integers, not '%s'",
                    v_type(key)->name);
  if (seq_index(ts, key, (int64_t)s->length, "string", &i) < 0) return -1;
  size_t off = str_offset(s, (size_t)i);
  uint32_t cp;
  int len = utf8_decode((const unsigned char *)s->data + off, &cp);
  Obj *r = str_new(ts, s->data + off, (size_t)len);
  if (!r) return -1;
  *out = v_obj(r);
  return 0;
}

/* ---- protocol slots ------------------------------------------------------------- */

Obj *str_concat(TState *ts, Obj *a, Obj *b) {
  StrObj *x = (StrObj *)a, *y = (StrObj *)b;
  if (x->size == 0) {
    obj_incref(b);
    return b;
  }
  if (y->size == 0) {
    obj_incref(a);
    return a;
  }
  StrObj *s = str_alloc(ts, x->size + y->size);
  if (!s) return NULL;
  memcpy(s->data, x->data, x->size);
  memcpy(s->data + x->size, y->data, y->size);
  s->length = x->length + y->length;
  s->ascii = x->ascii && y->ascii;
  return &s->ob;
}

static int str_repeat(TState *ts, StrObj *s, int64_t n, Value *out) {
  if (n <= 0 || s->size == 0) {
    *out = v_obj(str_new(ts, "", 0));
    return 0;
  }
  if ((uint64_t)n > (uint64_t)INT64_MAX / s->size)
    return vm_raise(ts, &OverflowError_Type, "repeated string is too long");
  if ((uint64_t)n > (1ull << 36) / s->size) return vm_raise_nomem(ts);
  StrObj *r = str_alloc(ts, s->size * (size_t)n);
  if (!r) return -1;
  for (int64_t i = 0; i < n; i++) memcpy(r->data + (size_t)i * s->size, s->data, s->size);
  r->length = s->length * (size_t)n;
  r->ascii = s->ascii;
  *out = v_obj(&r->ob);
  return 0;
}

static int str_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  if (op == BINOP_ADD && v_is_type(a, &StrType) && v_is_type(b, &StrType)) {
    Obj *r = str_concat(ts, a.as.o, b.as.o);
    if (!r) return -1;
    *out = v_obj(r);
    return 0;
  }
  if (op == BINOP_MUL) {
    if (v_is_type(a, &StrType) && (v_is_int(b) || v_is_bool(b))) return str_repeat(ts, as_str(a), b.as.i, out);
    if (v_is_type(b, &StrType) && (v_is_int(a) || v_is_bool(a))) return str_repeat(ts, as_str(b), a.as.i, out);
  }
  if (op == BINOP_MOD && v_is_type(a, &StrType)) return format_percent(ts, a, b, out);
  *out = v_undef();
  return 0;
}

static int str_compare(TState *ts, Value a, Value b, int op, Value *out) {
  (void)ts;
  if (!v_is_type(b, &StrType) || !v_is_type(a, &StrType)) {
    *out = v_undef();
    return 0;
  }
  StrObj *x = as_str(a), *y = as_str(b);
  int c;
  if (op == CMP_EQ || op == CMP_NE) {
    c = str_eq(a.as.o, b.as.o) ? 0 : 1;
  } else {
    /* UTF-8 byte order is code point order */
    size_t n = x->size < y->size ? x->size : y->size;
    c = memcmp(x->data, y->data, n);
    if (c == 0) c = x->size < y->size ? -1 : x->size > y->size;
  }
  *out = v_bool(num_compare_result(c, op));
  return 0;
}

static int str_hash_slot(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = str_hash(self.as.o);
  return 0;
}

static int str_len(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = (int64_t)as_str(self)->length;
  return 0;
}

static int str_contains(TState *ts, Value self, Value item) {
  if (!v_is_type(item, &StrType))
    return vm_raise(ts, &TypeError_Type, "'in <string>' requires string as left operand, not %s",
                    v_type(item)->name);
  StrObj *h = as_str(self), *n = as_str(item);
  if (n->size == 0) return 1;
  if (n->size > h->size) return 0;
  return memmem(h->data, h->size, n->data, n->size) != NULL;
}

static int str_iter(TState *ts, Value self, Value *out) {
  Obj *it = seqiter_new(ts, IT_STR, self);
  if (!it) return -1;
  *out = v_obj(it);
  return 0;
}

/* CPython's repr: single quotes unless the text has ' and no ", and the
 * escapes of unicode_repr for what is not printable. */
int str_repr_raw(TState *ts, const char *s, size_t n, Value *out) {
  bool sq = memchr(s, '\'', n) != NULL, dq = memchr(s, '"', n) != NULL;
  char quote = (sq && !dq) ? '"' : '\'';
  StrBuf b;
  if (sb_init(ts, &b, n + 3) < 0) return -1;
  sb_addc(ts, &b, quote);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    int len = utf8_decode((const unsigned char *)s + i, &cp);
    char esc[16];
    int rc = 0;
    if (cp == (uint32_t)quote || cp == '\\') {
      esc[0] = '\\';
      esc[1] = (char)cp;
      rc = sb_add(ts, &b, esc, 2);
    } else if (cp == '\n') {
      rc = sb_add(ts, &b, "\\n", 2);
    } else if (cp == '\r') {
      rc = sb_add(ts, &b, "\\r", 2);
    } else if (cp == '\t') {
      rc = sb_add(ts, &b, "\\t", 2);
    } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0xa0) || cp == 0xad) {
      snprintf(esc, sizeof esc, "\\x%02x", cp);
      rc = sb_adds(ts, &b, esc);
    } else if ((cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
               (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfeff || cp == 0x1680 || cp == 0x205f ||
               (cp >= 0x2060 && cp <= 0x206f) || cp == 0x3000 || (cp >= 0xe000 && cp <= 0xf8ff)) {
      snprintf(esc, sizeof esc, "\\u%04x", cp);
      rc = sb_adds(ts, &b, esc);
    } else {
      rc = sb_add(ts, &b, s + i, (size_t)len);
    }
    if (rc < 0) {
      sb_free(&b);
      return -1;
    }
    i += (size_t)len;
  }
  if (sb_addc(ts, &b, quote) < 0) {
    sb_free(&b);
    return -1;
  }
  Obj *r = sb_finish(ts, &b);
  if (!r) return -1;
  *out = v_obj(r);
  return 0;
}

static int str_repr(TState *ts, Value self, Value *out) {
  return str_repr_raw(ts, as_str(self)->data, as_str(self)->size, out);
}

static int str_str(TState *ts, Value self, Value *out) {
  (void)ts;
  *out = v_incref(self);
  return 0;
}

static int str_truthy(TState *ts, Value self) {
  (void)ts;
  return as_str(self)->size != 0;
}

static int str_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)type;
  static const char *const names[] = {"object", "encoding", "errors"};
  Value a[3];
  if (vm_parse_args(ts, "str", args, nargs, kwargs, names, 3, 3, 0, a) < 0) return -1;
  if (v_is_undef(a[0])) {
    *out = v_obj(str_new(ts, "", 0));
    return 0;
  }
  if (!v_is_undef(a[1]) || !v_is_undef(a[2])) {
    if (!v_is_type(a[0], &BytesType))
      return vm_raise(ts, &TypeError_Type, "decoding to str: need a bytes-like object, %s found",
                      v_type(a[0])->name);
    Obj *dec = str_intern("decode");
    Value m;
    if (vm_getattr(ts, a[0], dec, &m) < 0) return -1;
    int rc = vm_call(ts, m, &a[1], v_is_undef(a[2]) ? (v_is_undef(a[1]) ? 0 : 1) : 2, NULL, out);
    v_decref(m);
    return rc;
  }
  return vm_str(ts, a[0], out);
}

Type StrType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "str", .dealloc = str_dealloc,
    .construct = str_construct, .repr = str_repr, .str = str_str, .hash = str_hash_slot,
    .compare = str_compare, .binop = str_binop, .truthy = str_truthy, .len = str_len,
    .getitem = str_getitem, .contains = str_contains, .iter = str_iter,
    .methods = str_methods,
};
