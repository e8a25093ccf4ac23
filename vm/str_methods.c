/*
 * str_methods.c - the methods of str (split, join, strip, find, replace,
 * case mapping, predicates, padding, encode, format...).
 *
 * Strings are UTF-8 with code-point semantics: searching works on bytes
 * (UTF-8 is self-synchronising, so a byte match of valid UTF-8 is a code
 * point match) and indices are converted back to code points when
 * returned. Case mapping and the is*() predicates cover ASCII, Latin-1,
 * Latin Extended-A, Greek and Cyrillic with simple one-to-one mappings
 * (plus 'ß'.upper() == 'SS'); other scripts are left unchanged. Greek final
 * sigma in lower() is not special-cased. This is documented in
 * docs/language.md.
 */
#include <stdio.h>
#include <string.h>

#include "methods.h"
#include "objimpl.h"
#include "textbuf.h"
#include "vm.h"

#define SELF as_str(self)

static bool is_str(Value v) { return v_is_obj(v) && type_is_subtype(v_type(v), &StrType); }

static int ret_str(TState *ts, const char *s, size_t n, Value *out) {
  Obj *o = str_new(ts, s, n);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int ret_buf(TState *ts, TextBuf *b, Value *out) {
  Obj *o = tb_finish_str(ts, b);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static bool has_kwargs(Obj *kwargs) { return kwargs && ((DictObj *)kwargs)->used > 0; }

/* Argument-count checks worded as CPython's Argument Clinic words them. */
static int check_nargs(TState *ts, const char *name, int nargs, Obj *kwargs, int min, int max) {
  if (has_kwargs(kwargs)) return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", name);
  if (max == 0 && nargs > 0)
    return vm_raise(ts, &TypeError_Type, "str.%s() takes no arguments (%d given)", name, nargs);
  if (min == 1 && max == 1 && nargs != 1)
    return vm_raise(ts, &TypeError_Type, "str.%s() takes exactly one argument (%d given)", name,
                    nargs);
  if (nargs < min)
    return vm_raise(ts, &TypeError_Type, "%s() takes at least %d argument%s (%d given)", name,
                    min, min == 1 ? "" : "s", nargs);
  if (nargs > max)
    return vm_raise(ts, &TypeError_Type, "%s expected at most %d argument%s, got %d", name, max,
                    max == 1 ? "" : "s", nargs);
  return 0;
}

static int need_str(TState *ts, Value v) {
  if (is_str(v)) return 0;
  return vm_raise(ts, &TypeError_Type, "must be str, not %s", v_type(v)->name);
}

static int get_index(TState *ts, Value v, int64_t *out) {
  if (v_is_int(v) || v_is_bool(v)) { *out = v.as.i; return 0; }
  return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                  v_type(v)->name);
}

/* start/end arguments as slice bounds (see textbuf.h), shared with bytes.c. */
int tb_slice_bounds(TState *ts, const Value *args, int nargs, int at, int64_t len, int64_t *s,
                    int64_t *e) {
  *s = 0;
  *e = len;
  for (int k = 0; k < 2; k++) {
    if (at + k >= nargs || v_is_none(args[at + k])) continue;
    Value v = args[at + k];
    if (!v_is_int(v) && !v_is_bool(v))
      return vm_raise(ts, &TypeError_Type,
                      "slice indices must be integers or None or have an __index__ method");
    if (k == 0) *s = v.as.i; else *e = v.as.i;
  }
  if (*e > len) *e = len;
  else if (*e < 0) { *e += len; if (*e < 0) *e = 0; }
  if (*s < 0) { *s += len; if (*s < 0) *s = 0; }
  return 0;
}

/* ---- case mapping ------------------------------------------------------------ */

/* Simple (one-to-one) case mappings; see the comment at the top. */
uint32_t tb_cp_lower(uint32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c >= 0x100 && c <= 0x137) return c | 1;
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;
  if (c >= 0x14A && c <= 0x177) return c | 1;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

uint32_t tb_cp_upper(uint32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  if (c == 0xB5) return 0x39C;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x137) return c & ~1u;
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c : c - 1;
  if (c >= 0x14A && c <= 0x177) return c & ~1u;
  if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c : c - 1;
  if (c == 0x17F) return 'S';
  if (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) return c - 32;
  if (c == 0x3C2) return 0x3A3;
  if (c == 0x3AC) return 0x386;
  if (c >= 0x3AD && c <= 0x3AF) return c - 37;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

static bool cp_is_upper(uint32_t c) { return tb_cp_lower(c) != c; }
static bool cp_is_lower(uint32_t c) { return tb_cp_upper(c) != c || c == 0xDF; }
static bool cp_is_cased(uint32_t c) { return cp_is_upper(c) || cp_is_lower(c); }

static bool cp_is_decimal(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 0x660 && c <= 0x669) || (c >= 0x6F0 && c <= 0x6F9) ||
         (c >= 0x966 && c <= 0x96F) || (c >= 0xFF10 && c <= 0xFF19);
}
static bool cp_is_digit(uint32_t c) {
  return cp_is_decimal(c) || c == 0xB2 || c == 0xB3 || c == 0xB9 || (c >= 0x2070 && c <= 0x2079 && c != 0x2071 && c != 0x2072 && c != 0x2073) ||
         (c >= 0x2080 && c <= 0x2089) || (c >= 0x2460 && c <= 0x2468);
}
static bool cp_is_numeric(uint32_t c) {
  return cp_is_digit(c) || (c >= 0xBC && c <= 0xBE) || (c >= 0x2150 && c <= 0x2182) ||
         c == 0x3007 || c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB ||
         c == 0x4E94 || c == 0x516D || c == 0x4E03 || c == 0x516B || c == 0x4E5D || c == 0x5341;
}
static bool cp_is_alpha(uint32_t c) {
  if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
  if (c == 0xAA || c == 0xB5 || c == 0xBA) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  if (c >= 0x370 && c <= 0x3FF) return c != 0x375 && c != 0x37E && c != 0x384 && c != 0x385 && c != 0x387;
  if (c >= 0x400 && c <= 0x481) return true;
  if (c >= 0x48A && c <= 0x52F) return true;
  if (c >= 0x5D0 && c <= 0x5EA) return true;
  if (c >= 0x620 && c <= 0x64A) return true;
  if (c >= 0x3041 && c <= 0x3096) return true;
  if (c >= 0x30A1 && c <= 0x30FA) return true;
  if (c >= 0x4E00 && c <= 0x9FFF) return true;
  if (c >= 0xAC00 && c <= 0xD7A3) return true;
  return false;
}

typedef enum { CASE_UPPER, CASE_LOWER, CASE_SWAP, CASE_TITLE, CASE_CAPITALIZE } CaseOp;

static void put_upper(TextBuf *b, uint32_t c) {
  if (c == 0xDF) tb_puts(b, "SS");
  else tb_put_cp(b, tb_cp_upper(c));
}

static int map_case(TState *ts, Value self, CaseOp op, Value *out) {
  StrObj *s = SELF;
  TextBuf b;
  tb_init(&b);
  bool prev_cased = false, first = true;
  for (size_t pos = 0; pos < s->size;) {
    uint32_t c = tb_utf8_next(s->data, &pos);
    switch (op) {
    case CASE_UPPER: put_upper(&b, c); break;
    case CASE_LOWER: tb_put_cp(&b, tb_cp_lower(c)); break;
    case CASE_SWAP:
      if (cp_is_upper(c)) tb_put_cp(&b, tb_cp_lower(c));
      else put_upper(&b, c);
      break;
    case CASE_TITLE:
      /* Upper-case after an uncased character, lower-case after a cased one. */
      if (prev_cased) tb_put_cp(&b, tb_cp_lower(c));
      else if (c == 0xDF) tb_puts(&b, "Ss");
      else tb_put_cp(&b, tb_cp_upper(c));
      prev_cased = cp_is_cased(c);
      break;
    case CASE_CAPITALIZE:
      if (first && c == 0xDF) tb_puts(&b, "Ss");
      else tb_put_cp(&b, first ? tb_cp_upper(c) : tb_cp_lower(c));
      break;
    }
    first = false;
  }
  return ret_buf(ts, &b, out);
}

#define CASE_METHOD(fn, name, op)                                                          \
  static int fn(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,         \
                Value *out) {                                                              \
    (void)args;                                                                            \
    if (check_nargs(ts, name, nargs, kwargs, 0, 0) < 0) return -1;                         \
    return map_case(ts, self, op, out);                                                    \
  }
CASE_METHOD(str_upper, "upper", CASE_UPPER)
CASE_METHOD(str_lower, "lower", CASE_LOWER)
CASE_METHOD(str_swapcase, "swapcase", CASE_SWAP)
CASE_METHOD(str_title, "title", CASE_TITLE)
CASE_METHOD(str_capitalize, "capitalize", CASE_CAPITALIZE)

/* ---- predicates --------------------------------------------------------------- */

typedef bool (*CpPred)(uint32_t);
static bool p_space(uint32_t c) { return tb_is_space(c); }
static bool p_alnum(uint32_t c) { return cp_is_alpha(c) || cp_is_numeric(c); }
static bool p_ascii(uint32_t c) { return c < 0x80; }

static int all_of(TState *ts, Value self, int nargs, Obj *kwargs, const char *name, CpPred p,
                  bool empty_result, Value *out) {
  if (check_nargs(ts, name, nargs, kwargs, 0, 0) < 0) return -1;
  StrObj *s = SELF;
  bool ok = s->size > 0 || empty_result;
  for (size_t pos = 0; ok && pos < s->size;) ok = p(tb_utf8_next(s->data, &pos));
  *out = v_bool(ok);
  return 0;
}

#define PRED_METHOD(fn, name, pred, empty)                                                 \
  static int fn(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,         \
                Value *out) {                                                              \
    (void)args;                                                                            \
    return all_of(ts, self, nargs, kwargs, name, pred, empty, out);                        \
  }
PRED_METHOD(str_isdigit, "isdigit", cp_is_digit, false)
PRED_METHOD(str_isdecimal, "isdecimal", cp_is_decimal, false)
PRED_METHOD(str_isnumeric, "isnumeric", cp_is_numeric, false)
PRED_METHOD(str_isalpha, "isalpha", cp_is_alpha, false)
PRED_METHOD(str_isalnum, "isalnum", p_alnum, false)
PRED_METHOD(str_isspace, "isspace", p_space, false)
PRED_METHOD(str_isascii, "isascii", p_ascii, true)

/* isupper/islower: at least one cased character and none of the other case. */
static int case_pred(TState *ts, Value self, int nargs, Obj *kwargs, const char *name,
                     bool want_upper, Value *out) {
  if (check_nargs(ts, name, nargs, kwargs, 0, 0) < 0) return -1;
  StrObj *s = SELF;
  bool cased = false;
  for (size_t pos = 0; pos < s->size;) {
    uint32_t c = tb_utf8_next(s->data, &pos);
    if (want_upper ? cp_is_lower(c) : cp_is_upper(c)) { *out = v_bool(false); return 0; }
    if (cp_is_cased(c)) cased = true;
  }
  *out = v_bool(cased);
  return 0;
}

static int str_isupper(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  return case_pred(ts, self, nargs, kwargs, "isupper", true, out);
}

static int str_islower(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  return case_pred(ts, self, nargs, kwargs, "islower", false, out);
}

static int str_istitle(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)args;
  if (check_nargs(ts, "istitle", nargs, kwargs, 0, 0) < 0) return -1;
  StrObj *s = SELF;
  bool prev_cased = false, any = false;
  for (size_t pos = 0; pos < s->size;) {
    uint32_t c = tb_utf8_next(s->data, &pos);
    if (cp_is_upper(c)) {
      if (prev_cased) { *out = v_bool(false); return 0; }
      prev_cased = any = true;
    } else if (cp_is_lower(c)) {
      if (!prev_cased) { *out = v_bool(false); return 0; }
      prev_cased = any = true;
    } else {
      prev_cased = false;
    }
  }
  *out = v_bool(any);
  return 0;
}

static int str_isidentifier(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  (void)args;
  if (check_nargs(ts, "isidentifier", nargs, kwargs, 0, 0) < 0) return -1;
  StrObj *s = SELF;
  bool ok = s->size > 0;
  bool first = true;
  for (size_t pos = 0; ok && pos < s->size; first = false) {
    uint32_t c = tb_utf8_next(s->data, &pos);
    ok = c == '_' || cp_is_alpha(c) || (!first && cp_is_decimal(c));
  }
  *out = v_bool(ok);
  return 0;
}

/* ---- searching -------------------------------------------------------------- */

/* find/rfind/index/rindex share this: the code-point index of sub, or -1. */
static int do_find(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                   const char *name, bool reverse, int64_t *pos) {
  if (check_nargs(ts, name, nargs, kwargs, 1, 3) < 0) return -1;
  if (need_str(ts, args[0]) < 0) return -1;
  StrObj *s = SELF, *sub = as_str(args[0]);
  int64_t st, en;
  if (tb_slice_bounds(ts, args, nargs, 1, (int64_t)s->length, &st, &en) < 0) return -1;
  *pos = -1;
  if (st > (int64_t)s->length || st > en) return 0;
  size_t bs = tb_cp_offset(s, st), be = tb_cp_offset(s, en);
  int64_t off = tb_find(s->data, bs, be, sub->data, sub->size, reverse);
  if (off >= 0) *pos = st + tb_utf8_count(s->data + bs, (size_t)off - bs);
  return 0;
}

static int str_find(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  int64_t pos = 0;
  if (do_find(ts, self, args, nargs, kwargs, "find", false, &pos) < 0) return -1;
  *out = v_int(pos);
  return 0;
}

static int str_rfind(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  int64_t pos = 0;
  if (do_find(ts, self, args, nargs, kwargs, "rfind", true, &pos) < 0) return -1;
  *out = v_int(pos);
  return 0;
}

static int str_index(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  int64_t pos = 0;
  if (do_find(ts, self, args, nargs, kwargs, "index", false, &pos) < 0) return -1;
  if (pos < 0) return vm_raise(ts, &ValueError_Type, "substring not found");
  *out = v_int(pos);
  return 0;
}

static int str_rindex(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  int64_t pos = 0;
  if (do_find(ts, self, args, nargs, kwargs, "rindex", true, &pos) < 0) return -1;
  if (pos < 0) return vm_raise(ts, &ValueError_Type, "substring not found");
  *out = v_int(pos);
  return 0;
}

static int str_count(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  if (check_nargs(ts, "count", nargs, kwargs, 1, 3) < 0) return -1;
  if (need_str(ts, args[0]) < 0) return -1;
  StrObj *s = SELF, *sub = as_str(args[0]);
  int64_t st, en, n = 0;
  if (tb_slice_bounds(ts, args, nargs, 1, (int64_t)s->length, &st, &en) < 0) return -1;
  if (st > (int64_t)s->length || st > en) { *out = v_int(0); return 0; }
  if (sub->size == 0) { *out = v_int(en - st + 1); return 0; }
  size_t bs = tb_cp_offset(s, st), be = tb_cp_offset(s, en);
  for (int64_t off; (off = tb_find(s->data, bs, be, sub->data, sub->size, false)) >= 0;) {
    n++;
    bs = (size_t)off + sub->size;
  }
  *out = v_int(n);
  return 0;
}

/* startswith/endswith: one str or a tuple of them, within [start, end). */
static int affix_match(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       const char *name, bool at_end, Value *out) {
  if (check_nargs(ts, name, nargs, kwargs, 1, 3) < 0) return -1;
  StrObj *s = SELF;
  int64_t st, en;
  if (tb_slice_bounds(ts, args, nargs, 1, (int64_t)s->length, &st, &en) < 0) return -1;
  Value arg = args[0];
  const Value *cands = &arg;
  size_t ncand = 1;
  if (v_is_type(arg, &TupleType)) {
    cands = as_tuple(arg)->items;
    ncand = as_tuple(arg)->len;
  } else if (!is_str(arg)) {
    return vm_raise(ts, &TypeError_Type, "%s first arg must be str or a tuple of str, not %s",
                    name, v_type(arg)->name);
  }
  size_t bs = tb_cp_offset(s, st), be = tb_cp_offset(s, en);
  for (size_t i = 0; i < ncand; i++) {
    if (!is_str(cands[i]))
      return vm_raise(ts, &TypeError_Type, "tuple for %s must only contain str, not %s", name,
                      v_type(cands[i])->name);
    StrObj *p = as_str(cands[i]);
    if (st > (int64_t)s->length || st > en || be - bs < p->size) continue;
    const char *at = at_end ? s->data + be - p->size : s->data + bs;
    if (memcmp(at, p->data, p->size) == 0) { *out = v_bool(true); return 0; }
  }
  *out = v_bool(false);
  return 0;
}

static int str_startswith(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  return affix_match(ts, self, args, nargs, kwargs, "startswith", false, out);
}

static int str_endswith(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  return affix_match(ts, self, args, nargs, kwargs, "endswith", true, out);
}

/* ---- split family ------------------------------------------------------------ */

static int push_piece(TState *ts, Obj *list, const char *s, size_t n) {
  Obj *piece = str_new(ts, s, n);
  if (!piece) return -1;
  int rc = list_append(ts, list, v_obj(piece));
  obj_decref(piece);
  return rc;
}

/* Start of the code point that ends just before byte `pos`. */
static size_t prev_cp(const char *s, size_t pos) {
  do pos--; while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80);
  return pos;
}

static int split_whitespace(TState *ts, StrObj *s, int64_t maxsplit, bool reverse, Obj *list) {
  const char *d = s->data;
  if (!reverse) {
    size_t i = 0, n = s->size;
    while (i < n) {
      size_t j = i, k;
      while (j < n && (k = j, tb_is_space(tb_utf8_next(d, &k)))) j = k;
      if (j >= n) break;
      /* The remainder keeps its trailing whitespace, as in CPython. */
      if (maxsplit-- == 0) return push_piece(ts, list, d + j, n - j);
      size_t e = j;
      while (e < n && (k = e, !tb_is_space(tb_utf8_next(d, &k)))) e = k;
      if (push_piece(ts, list, d + j, e - j) < 0) return -1;
      i = e;
    }
    return 0;
  }
  size_t end = s->size;
  while (end > 0) {
    size_t j = end;
    while (j > 0) { size_t p = prev_cp(d, j), q = p; if (!tb_is_space(tb_utf8_next(d, &q))) break; j = p; }
    if (j == 0) break;
    if (maxsplit-- == 0) {
      if (push_piece(ts, list, d, j) < 0) return -1;
      break;
    }
    size_t b = j;
    while (b > 0) { size_t p = prev_cp(d, b), q = p; if (tb_is_space(tb_utf8_next(d, &q))) break; b = p; }
    if (push_piece(ts, list, d + b, j - b) < 0) return -1;
    end = b;
  }
  list_reverse(list);
  return 0;
}

static int split_sep(TState *ts, StrObj *s, StrObj *sep, int64_t maxsplit, bool reverse,
                     Obj *list) {
  const char *d = s->data;
  if (!reverse) {
    size_t i = 0;
    int64_t off;
    while (maxsplit-- != 0 && (off = tb_find(d, i, s->size, sep->data, sep->size, false)) >= 0) {
      if (push_piece(ts, list, d + i, (size_t)off - i) < 0) return -1;
      i = (size_t)off + sep->size;
    }
    return push_piece(ts, list, d + i, s->size - i);
  }
  size_t end = s->size;
  int64_t off;
  while (maxsplit-- != 0 && (off = tb_find(d, 0, end, sep->data, sep->size, true)) >= 0) {
    size_t a = (size_t)off + sep->size;
    if (push_piece(ts, list, d + a, end - a) < 0) return -1;
    end = (size_t)off;
  }
  if (push_piece(ts, list, d, end) < 0) return -1;
  list_reverse(list);
  return 0;
}

static int do_split(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    const char *name, bool reverse, Value *out) {
  static const char *const names[] = {"sep", "maxsplit"};
  Value a[2];
  if (vm_parse_args(ts, name, args, nargs, kwargs, names, 2, 2, 0, a) < 0) return -1;
  int64_t maxsplit = -1;
  if (!v_is_undef(a[1]) && get_index(ts, a[1], &maxsplit) < 0) return -1;
  bool ws = v_is_undef(a[0]) || v_is_none(a[0]);
  if (!ws && !is_str(a[0]))
    return vm_raise(ts, &TypeError_Type, "must be str or None, not %s", v_type(a[0])->name);
  if (!ws && as_str(a[0])->size == 0) return vm_raise(ts, &ValueError_Type, "empty separator");
  Obj *list = list_new(ts, 0);
  if (!list) return -1;
  int rc = ws ? split_whitespace(ts, SELF, maxsplit, reverse, list)
              : split_sep(ts, SELF, as_str(a[0]), maxsplit, reverse, list);
  if (rc < 0) { obj_decref(list); return -1; }
  *out = v_obj(list);
  return 0;
}

static int str_split(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  return do_split(ts, self, args, nargs, kwargs, "split", false, out);
}

static int str_rsplit(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  return do_split(ts, self, args, nargs, kwargs, "rsplit", true, out);
}

/* Python's line boundaries: \n \r \r\n \v \f \x1c-\x1e \x85 \u2028 \u2029. */
static bool is_linebreak(uint32_t c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E) ||
         c == 0x85 || c == 0x2028 || c == 0x2029;
}

static int str_splitlines(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  static const char *const names[] = {"keepends"};
  Value a[1];
  if (vm_parse_args(ts, "splitlines", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  int keep = 0;
  if (!v_is_undef(a[0]) && (keep = vm_truthy(ts, a[0])) < 0) return -1;
  StrObj *s = SELF;
  Obj *list = list_new(ts, 0);
  if (!list) return -1;
  size_t i = 0;
  while (i < s->size) {
    size_t j = i, eol = s->size, next = s->size;
    while (j < s->size) {
      size_t k = j;
      uint32_t c = tb_utf8_next(s->data, &k);
      if (is_linebreak(c)) {
        eol = j;
        next = (c == '\r' && k < s->size && s->data[k] == '\n') ? k + 1 : k;
        break;
      }
      j = k;
    }
    if (push_piece(ts, list, s->data + i, (keep ? next : eol) - i) < 0) {
      obj_decref(list);
      return -1;
    }
    i = next;
  }
  *out = v_obj(list);
  return 0;
}

static int do_partition(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        const char *name, bool reverse, Value *out) {
  if (check_nargs(ts, name, nargs, kwargs, 1, 1) < 0) return -1;
  if (need_str(ts, args[0]) < 0) return -1;
  StrObj *s = SELF, *sep = as_str(args[0]);
  if (sep->size == 0) return vm_raise(ts, &ValueError_Type, "empty separator");
  int64_t off = tb_find(s->data, 0, s->size, sep->data, sep->size, reverse);
  Obj *parts[3] = {NULL, NULL, NULL};
  if (off < 0) {
    /* Not found: (s, '', '') or ('', '', s). */
    Obj *empty = str_new(ts, "", 0);
    if (!empty) return -1;
    obj_incref(empty);
    obj_incref(self.as.o);
    parts[0] = reverse ? empty : self.as.o;
    parts[1] = empty;
    parts[2] = reverse ? self.as.o : empty;
  } else {
    size_t a = (size_t)off + sep->size;
    parts[0] = str_new(ts, s->data, (size_t)off);
    parts[1] = args[0].as.o;
    obj_incref(parts[1]);
    parts[2] = str_new(ts, s->data + a, s->size - a);
  }
  Obj *t = (parts[0] && parts[2]) ? tuple_new(ts, 3) : NULL;
  if (!t) {
    for (int i = 0; i < 3; i++) obj_xdecref(parts[i]);
    return -1;
  }
  for (int i = 0; i < 3; i++) ((TupleObj *)t)->items[i] = v_obj(parts[i]);
  *out = v_obj(t);
  return 0;
}

static int str_partition(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  return do_partition(ts, self, args, nargs, kwargs, "partition", false, out);
}

static int str_rpartition(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  return do_partition(ts, self, args, nargs, kwargs, "rpartition", true, out);
}

/* ---- join, replace ------------------------------------------------------------ */

static int str_join(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  if (check_nargs(ts, "join", nargs, kwargs, 1, 1) < 0) return -1;
  Value seq = args[0];
  Obj *owned = NULL;
  const Value *items;
  size_t n;
  if (v_is_type(seq, &ListType) || v_is_type(seq, &TupleType)) {
    bool list = v_is_type(seq, &ListType);
    items = list ? as_list(seq)->items : as_tuple(seq)->items;
    n = list ? as_list(seq)->len : as_tuple(seq)->len;
  } else {
    if (vm_to_list(ts, seq, &owned) < 0) {
      if (vm_exc_matches(ts, &TypeError_Type)) {
        vm_exc_clear(ts);
        return vm_raise(ts, &TypeError_Type, "can only join an iterable");
      }
      return -1;
    }
    items = ((ListObj *)owned)->items;
    n = ((ListObj *)owned)->len;
  }
  TextBuf b;
  tb_init(&b);
  for (size_t i = 0; i < n; i++) {
    if (!is_str(items[i])) {
      tb_free(&b);
      obj_xdecref(owned);
      return vm_raise(ts, &TypeError_Type, "sequence item %zu: expected str instance, %s found",
                      i, v_type(items[i])->name);
    }
    if (i > 0) tb_put_value_str(&b, self);
    tb_put_value_str(&b, items[i]);
  }
  obj_xdecref(owned);
  return ret_buf(ts, &b, out);
}

static int str_replace(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  if (check_nargs(ts, "replace", nargs, kwargs, 2, 3) < 0) return -1;
  for (int i = 0; i < 2; i++)
    if (!is_str(args[i]))
      return vm_raise(ts, &TypeError_Type, "replace() argument %d must be str, not %s", i + 1,
                      v_type(args[i])->name);
  int64_t count = -1;
  if (nargs > 2 && get_index(ts, args[2], &count) < 0) return -1;
  StrObj *s = SELF, *old = as_str(args[0]), *rep = as_str(args[1]);
  TextBuf b;
  tb_init(&b);
  size_t i = 0;
  if (old->size == 0) {
    /* An empty pattern matches before every code point and at the end. */
    while (count-- != 0) {
      tb_put(&b, rep->data, rep->size);
      if (i >= s->size) break;
      size_t k = i;
      tb_utf8_next(s->data, &k);
      tb_put(&b, s->data + i, k - i);
      i = k;
    }
  } else {
    int64_t off;
    while (count-- != 0 && (off = tb_find(s->data, i, s->size, old->data, old->size, false)) >= 0) {
      tb_put(&b, s->data + i, (size_t)off - i);
      tb_put(&b, rep->data, rep->size);
      i = (size_t)off + old->size;
    }
  }
  tb_put(&b, s->data + i, s->size - i);
  return ret_buf(ts, &b, out);
}

/* ---- strip family ------------------------------------------------------------ */

static bool in_chars(uint32_t c, StrObj *chars) {
  if (!chars) return tb_is_space(c);
  for (size_t pos = 0; pos < chars->size;)
    if (tb_utf8_next(chars->data, &pos) == c) return true;
  return false;
}

static int do_strip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    const char *name, bool left, bool right, Value *out) {
  if (check_nargs(ts, name, nargs, kwargs, 0, 1) < 0) return -1;
  StrObj *chars = NULL;
  if (nargs == 1 && !v_is_none(args[0])) {
    if (!is_str(args[0]))
      return vm_raise(ts, &TypeError_Type, "%s arg must be None or str", name);
    chars = as_str(args[0]);
  }
  StrObj *s = SELF;
  size_t b = 0, e = s->size;
  while (left && b < e) {
    size_t k = b;
    if (!in_chars(tb_utf8_next(s->data, &k), chars)) break;
    b = k;
  }
  while (right && e > b) {
    size_t p = prev_cp(s->data, e), q = p;
    if (!in_chars(tb_utf8_next(s->data, &q), chars)) break;
    e = p;
  }
  if (b == 0 && e == s->size) { *out = v_incref(self); return 0; }
  return ret_str(ts, s->data + b, e - b, out);
}

static int str_strip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  return do_strip(ts, self, args, nargs, kwargs, "strip", true, true, out);
}

static int str_lstrip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  return do_strip(ts, self, args, nargs, kwargs, "lstrip", true, false, out);
}

static int str_rstrip(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  return do_strip(ts, self, args, nargs, kwargs, "rstrip", false, true, out);
}

static int do_affix_remove(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           const char *name, bool suffix, Value *out) {
  if (check_nargs(ts, name, nargs, kwargs, 1, 1) < 0) return -1;
  if (!is_str(args[0]))
    return vm_raise(ts, &TypeError_Type, "%s() argument must be str, not %s", name,
                    v_type(args[0])->name);
  StrObj *s = SELF, *a = as_str(args[0]);
  if (a->size == 0 || a->size > s->size ||
      memcmp(suffix ? s->data + s->size - a->size : s->data, a->data, a->size) != 0) {
    *out = v_incref(self);
    return 0;
  }
  return ret_str(ts, suffix ? s->data : s->data + a->size, s->size - a->size, out);
}

static int str_removeprefix(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  return do_affix_remove(ts, self, args, nargs, kwargs, "removeprefix", false, out);
}

static int str_removesuffix(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  return do_affix_remove(ts, self, args, nargs, kwargs, "removesuffix", true, out);
}

/* ---- padding ------------------------------------------------------------------ */

static int get_fill(TState *ts, const char *name, const Value *args, int nargs, int at,
                    const char **fill, size_t *nfill) {
  *fill = " ";
  *nfill = 1;
  if (nargs <= at) return 0;
  (void)name;
  if (!is_str(args[at]))
    return vm_raise(ts, &TypeError_Type, "The fill character must be a unicode character, not %s",
                    v_type(args[at])->name);
  if (as_str(args[at])->length != 1)
    return vm_raise(ts, &TypeError_Type, "The fill character must be exactly one character long");
  *fill = as_str(args[at])->data;
  *nfill = as_str(args[at])->size;
  return 0;
}

/* kind: 'l' ljust, 'r' rjust, 'c' center. */
static int do_pad(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                  const char *name, char kind, Value *out) {
  if (check_nargs(ts, name, nargs, kwargs, 1, 2) < 0) return -1;
  int64_t width = 0;
  const char *fill;
  size_t nfill;
  if (get_index(ts, args[0], &width) < 0) return -1;
  if (get_fill(ts, name, args, nargs, 1, &fill, &nfill) < 0) return -1;
  StrObj *s = SELF;
  int64_t len = (int64_t)s->length;
  if (width <= len) { *out = v_incref(self); return 0; }
  TextBuf b;
  tb_init(&b);
  tb_put_padded(&b, s->data, s->size, len, width, kind, fill, nfill);
  return ret_buf(ts, &b, out);
}

static int str_center(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  return do_pad(ts, self, args, nargs, kwargs, "center", 'c', out);
}

static int str_ljust(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  return do_pad(ts, self, args, nargs, kwargs, "ljust", 'l', out);
}

static int str_rjust(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  return do_pad(ts, self, args, nargs, kwargs, "rjust", 'r', out);
}

static int str_zfill(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  if (check_nargs(ts, "zfill", nargs, kwargs, 1, 1) < 0) return -1;
  int64_t width = 0;
  if (get_index(ts, args[0], &width) < 0) return -1;
  StrObj *s = SELF;
  if (width <= (int64_t)s->length) { *out = v_incref(self); return 0; }
  TextBuf b;
  tb_init(&b);
  tb_put_zfilled(&b, s->data, s->size, (size_t)(width - (int64_t)s->length));
  return ret_buf(ts, &b, out);
}

static int str_expandtabs(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  static const char *const names[] = {"tabsize"};
  Value a[1];
  if (vm_parse_args(ts, "expandtabs", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  int64_t tab = 8;
  if (!v_is_undef(a[0]) && get_index(ts, a[0], &tab) < 0) return -1;
  StrObj *s = SELF;
  TextBuf b;
  tb_init(&b);
  int64_t col = 0;
  for (size_t pos = 0; pos < s->size;) {
    size_t start = pos;
    uint32_t c = tb_utf8_next(s->data, &pos);
    if (c == '\t') {
      if (tab > 0) {
        int64_t n = tab - col % tab;
        tb_repeat(&b, " ", 1, (size_t)n);
        col += n;
      }
    } else {
      tb_put(&b, s->data + start, pos - start);
      col = (c == '\n' || c == '\r') ? 0 : col + 1;
    }
  }
  return ret_buf(ts, &b, out);
}

/* ---- encode, format ------------------------------------------------------------- */

/* Normalises an encoding name as Python's codec lookup does for the few we
 * support: 'utf-8', 'ascii', 'latin-1'; NULL if unknown. */
const char *tb_codec_name(const char *name) {
  char norm[32];
  size_t n = 0;
  for (const char *p = name; *p && n < sizeof norm - 1; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c == '_' || c == ' ') c = '-';
    norm[n++] = c;
  }
  norm[n] = '\0';
  if (!strcmp(norm, "utf-8") || !strcmp(norm, "utf8") || !strcmp(norm, "u8")) return "utf-8";
  if (!strcmp(norm, "ascii") || !strcmp(norm, "us-ascii")) return "ascii";
  if (!strcmp(norm, "latin-1") || !strcmp(norm, "latin1") || !strcmp(norm, "iso-8859-1") ||
      !strcmp(norm, "iso8859-1") || !strcmp(norm, "l1"))
    return "latin-1";
  return NULL;
}

static int str_encode(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  static const char *const names[] = {"encoding", "errors"};
  Value a[2];
  if (vm_parse_args(ts, "encode", args, nargs, kwargs, names, 2, 2, 0, a) < 0) return -1;
  for (int i = 0; i < 2; i++)
    if (!v_is_undef(a[i]) && !is_str(a[i]))
      return vm_raise(ts, &TypeError_Type, "encode() argument %d must be str, not %s", i + 1,
                      v_type(a[i])->name);
  const char *enc = v_is_undef(a[0]) ? "utf-8" : tb_codec_name(as_str(a[0])->data);
  const char *errors = v_is_undef(a[1]) ? "strict" : as_str(a[1])->data;
  if (!enc) return vm_raise(ts, &LookupError_Type, "unknown encoding: %s", as_str(a[0])->data);
  StrObj *s = SELF;
  if (!strcmp(enc, "utf-8") || s->ascii) {
    Obj *o = bytes_new(ts, s->data, s->size);
    if (!o) return -1;
    *out = v_obj(o);
    return 0;
  }
  uint32_t limit = !strcmp(enc, "ascii") ? 0x80 : 0x100;
  TextBuf b;
  tb_init(&b);
  int64_t idx = 0;
  for (size_t pos = 0; pos < s->size; idx++) {
    uint32_t c = tb_utf8_next(s->data, &pos);
    if (c < limit) { tb_putc(&b, (char)c); continue; }
    if (!strcmp(errors, "ignore")) continue;
    if (!strcmp(errors, "replace")) { tb_putc(&b, '?'); continue; }
    tb_free(&b);
    /* gild has no UnicodeEncodeError type: the nearest base class is raised,
     * with CPython's message. */
    char esc[16];
    if (c < 0x100) snprintf(esc, sizeof esc, "\\x%02x", c);
    else if (c < 0x10000) snprintf(esc, sizeof esc, "\\u%04x", c);
    else snprintf(esc, sizeof esc, "\\U%08x", c);
    return vm_raise(ts, &UnicodeError_Type,
                    "'%s' codec can't encode character '%s' in position %lld: ordinal not in "
                    "range(%u)",
                    enc, esc, (long long)idx, limit);
  }
  Obj *o = tb_finish_bytes(ts, &b);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int str_format(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  return format_str_format(ts, self.as.o, args, nargs, kwargs, out);
}

const MethodDef str_methods[] = {
    {"split", str_split},
    {"rsplit", str_rsplit},
    {"splitlines", str_splitlines},
    {"join", str_join},
    {"strip", str_strip},
    {"lstrip", str_lstrip},
    {"rstrip", str_rstrip},
    {"startswith", str_startswith},
    {"endswith", str_endswith},
    {"replace", str_replace},
    {"find", str_find},
    {"rfind", str_rfind},
    {"index", str_index},
    {"rindex", str_rindex},
    {"count", str_count},
    {"upper", str_upper},
    {"lower", str_lower},
    {"title", str_title},
    {"capitalize", str_capitalize},
    {"swapcase", str_swapcase},
    {"casefold", str_lower},
    {"format", str_format},
    {"encode", str_encode},
    {"isdigit", str_isdigit},
    {"isdecimal", str_isdecimal},
    {"isnumeric", str_isnumeric},
    {"isalpha", str_isalpha},
    {"isalnum", str_isalnum},
    {"isspace", str_isspace},
    {"isupper", str_isupper},
    {"islower", str_islower},
    {"istitle", str_istitle},
    {"isascii", str_isascii},
    {"isidentifier", str_isidentifier},
    {"partition", str_partition},
    {"rpartition", str_rpartition},
    {"zfill", str_zfill},
    {"center", str_center},
    {"ljust", str_ljust},
    {"rjust", str_rjust},
    {"expandtabs", str_expandtabs},
    {"removeprefix", str_removeprefix},
    {"removesuffix", str_removesuffix},
    {NULL, NULL},
};
