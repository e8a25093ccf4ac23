/*
 * builtins.c - the builtin functions (print, len, min, sorted, round, ...)
 * and the registration of the builtin types by name (int, str, range,
 * enumerate, ...; calling a type constructs through Type.construct).
 *
 * CPython parses the arguments of its builtins in three different ways,
 * and the TypeError wording differs with each: METH_O ("len() takes
 * exactly one argument (2 given)"), the old varargs checks ("sorted
 * expected 1 argument, got 0") and Argument Clinic (vm_parse_args). Each
 * builtin here uses the one CPython 3.11 uses for it, so the messages match.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "iterators.h"
#include "vm.h"

/* ---- argument-count checks in CPython's older wordings -------------------------- */

static bool has_kwargs(Obj *kwargs) { return kwargs && ((DictObj *)kwargs)->used > 0; }

/* METH_O builtins: "len() takes exactly one argument (2 given)". */
static int one_arg(TState *ts, const char *name, int nargs, Obj *kwargs) {
  if (has_kwargs(kwargs)) return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", name);
  if (nargs != 1)
    return vm_raise(ts, &TypeError_Type, "%s() takes exactly one argument (%d given)", name, nargs);
  return 0;
}

/* _PyArg_CheckPositional: "sorted expected 1 argument, got 0". */
static int check_positional(TState *ts, const char *name, int nargs, int min, int max) {
  if (nargs < min) {
    return vm_raise(ts, &TypeError_Type, "%s expected %s%d argument%s, got %d", name,
                    min == max ? "" : "at least ", min, min == 1 ? "" : "s", nargs);
  }
  if (nargs > max) {
    return vm_raise(ts, &TypeError_Type, "%s expected %s%d argument%s, got %d", name,
                    min == max ? "" : "at most ", max, max == 1 ? "" : "s", nargs);
  }
  return 0;
}

static int no_kwargs_positional(TState *ts, const char *name, int nargs, Obj *kwargs, int min,
                                int max) {
  if (has_kwargs(kwargs)) return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", name);
  return check_positional(ts, name, nargs, min, max);
}

static int set_obj(Obj *o, Value *out) {
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static bool is_intlike(Value v) { return v_is_int(v) || v_is_bool(v); }

static int need_index(TState *ts, Value v, int64_t *out) {
  if (is_intlike(v)) {
    *out = v.as.i;
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                  v_type(v)->name);
}

/* ---- print --------------------------------------------------------------------------- */

/* sys.stdout as the script sees it (it may have replaced it), else ours. */
static Value current_stream(TState *ts, int fd) {
  Obj *modules = ts->interp->modules;
  if (modules) {
    Value sys = dict_get_str_borrowed(modules, str_intern("sys"));
    if (v_is_type(sys, &ModuleType)) {
      Value s = dict_get_str_borrowed(((ModuleObj *)sys.as.o)->dict,
                                      str_intern(fd == 1 ? "stdout" : "stderr"));
      if (!v_is_undef(s)) return s;
    }
  }
  Obj *std = file_std_stream(ts, fd);
  return std ? v_obj(std) : v_none();
}

static int check_sep(TState *ts, const char *what, Value v) {
  if (v_is_undef(v) || v_is_none(v) || v_is_type(v, &StrType)) return 0;
  return vm_raise(ts, &TypeError_Type, "%s must be None or a string, not %s", what,
                  v_type(v)->name);
}

static int print_values(TState *ts, Value file, const Value *args, int nargs, Value sep) {
  for (int i = 0; i < nargs; i++) {
    if (i > 0 && file_write_str(ts, file, sep) < 0) return -1;
    Value s;
    if (vm_str(ts, args[i], &s) < 0) return -1;
    int rc = file_write_str(ts, file, s);
    v_decref(s);
    if (rc < 0) return -1;
  }
  return 0;
}

/* print parses with the older getargs, which names an unknown keyword
 * before it counts them. */
static int print_check_keywords(TState *ts, Obj *kwargs, const char *const *names, int n) {
  DictObj *d = (DictObj *)kwargs;
  for (size_t i = 0; kwargs && i < d->nentries; i++) {
    Value k = d->entries[i].key;
    if (!v_is_type(k, &StrType)) continue;
    bool known = false;
    for (int j = 0; j < n && !known; j++) known = strcmp(as_str(k)->data, names[j]) == 0;
    if (!known)
      return vm_raise(ts, &TypeError_Type, "'%s' is an invalid keyword argument for print()",
                      as_str(k)->data);
  }
  return 0;
}

static int bi_print(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  static const char *const names[] = {"sep", "end", "file", "flush"};
  Value kw[4];
  if (print_check_keywords(ts, kwargs, names, 4) < 0) return -1;
  if (vm_parse_args(ts, "print", NULL, 0, kwargs, names, 4, 0, 0, kw) < 0) return -1;
  if (check_sep(ts, "sep", kw[0]) < 0 || check_sep(ts, "end", kw[1]) < 0) return -1;
  Value file = (v_is_undef(kw[2]) || v_is_none(kw[2])) ? current_stream(ts, 1) : kw[2];
  *out = v_none();
  if (v_is_none(file)) return 0;
  Value sep = (v_is_undef(kw[0]) || v_is_none(kw[0])) ? v_obj(str_intern(" ")) : kw[0];
  Value end = (v_is_undef(kw[1]) || v_is_none(kw[1])) ? v_obj(str_intern("\n")) : kw[1];
  if (print_values(ts, file, args, nargs, sep) < 0) return -1;
  if (file_write_str(ts, file, end) < 0) return -1;
  if (!v_is_undef(kw[3])) {
    int flush = vm_truthy(ts, kw[3]);
    if (flush < 0 || (flush && file_flush_value(ts, file) < 0)) return -1;
  }
  return 0;
}

/* ---- simple one-argument builtins ----------------------------------------------------- */

static int bi_len(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  int64_t n;
  if (one_arg(ts, "len", nargs, kwargs) < 0 || vm_len(ts, args[0], &n) < 0) return -1;
  *out = v_int(n);
  return 0;
}

static int bi_repr(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  if (one_arg(ts, "repr", nargs, kwargs) < 0) return -1;
  return vm_repr(ts, args[0], out);
}

static int bi_abs(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  if (one_arg(ts, "abs", nargs, kwargs) < 0) return -1;
  Value v = args[0];
  if (is_intlike(v)) {
    if (v.as.i < 0) return vm_neg(ts, v_int(v.as.i), out);
    *out = v_int(v.as.i);
    return 0;
  }
  if (v_is_float(v)) {
    *out = v_float(fabs(v.as.f));
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "bad operand type for abs(): '%s'", v_type(v)->name);
}

static int bi_hash(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  int64_t h;
  if (one_arg(ts, "hash", nargs, kwargs) < 0 || vm_hash(ts, args[0], &h) < 0) return -1;
  *out = v_int(h);
  return 0;
}

/* Immediates have no address; give equal immediates equal ids so that
 * `id(a) == id(b)` agrees with `a is b`. */
static int bi_id(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  if (one_arg(ts, "id", nargs, kwargs) < 0) return -1;
  Value v = args[0];
  if (v_is_obj(v)) {
    *out = v_int((int64_t)(intptr_t)v.as.o);
  } else {
    uint64_t bits = (uint64_t)v.as.i;
    *out = v_int((int64_t)(((bits * 0x9E3779B97F4A7C15u) ^ (uint64_t)v.tag) >> 4));
  }
  return 0;
}

static bool is_callable(Value v) {
  Type *t = v_type(v);
  return t->call != NULL || t == &TypeType || t == &FunctionType || t == &BuiltinType;
}

static int bi_callable(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)self;
  if (one_arg(ts, "callable", nargs, kwargs) < 0) return -1;
  *out = v_bool(is_callable(args[0]));
  return 0;
}

/* any/all share the loop: stop at the first item whose truth is `stop_on`. */
static int any_all(TState *ts, Value iterable, bool stop_on, Value *out) {
  Value it, item;
  if (vm_iter(ts, iterable, &it) < 0) return -1;
  int r;
  while ((r = vm_next(ts, it, &item)) > 0) {
    int t = vm_truthy(ts, item);
    v_decref(item);
    if (t < 0 || t == (int)stop_on) {
      r = t < 0 ? -1 : 2;
      break;
    }
  }
  v_decref(it);
  if (r < 0) return -1;
  *out = v_bool(r == 2 ? stop_on : !stop_on);
  return 0;
}

static int bi_any(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  if (one_arg(ts, "any", nargs, kwargs) < 0) return -1;
  return any_all(ts, args[0], true, out);
}

static int bi_all(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  if (one_arg(ts, "all", nargs, kwargs) < 0) return -1;
  return any_all(ts, args[0], false, out);
}

/* ---- characters and number formatting ------------------------------------------------- */

static size_t utf8_encode(uint32_t cp, char *buf) {
  if (cp < 0x80) {
    buf[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = (char)(0xC0 | (cp >> 6));
    buf[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = (char)(0xE0 | (cp >> 12));
    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = (char)(0xF0 | (cp >> 18));
  buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static uint32_t utf8_decode_first(const unsigned char *s) {
  if (s[0] < 0x80) return s[0];
  if (s[0] < 0xE0) return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
  if (s[0] < 0xF0)
    return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
         ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

static int bi_chr(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  int64_t cp = 0;
  if (one_arg(ts, "chr", nargs, kwargs) < 0 || need_index(ts, args[0], &cp) < 0) return -1;
  if (cp < 0 || cp > 0x10FFFF)
    return vm_raise(ts, &ValueError_Type, "chr() arg not in range(0x110000)");
  char buf[4];
  size_t n = utf8_encode((uint32_t)cp, buf);
  return set_obj(str_new(ts, buf, n), out);
}

static int bi_ord(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  if (one_arg(ts, "ord", nargs, kwargs) < 0) return -1;
  Value v = args[0];
  if (v_is_type(v, &StrType)) {
    StrObj *s = as_str(v);
    if (s->length != 1)
      return vm_raise(ts, &TypeError_Type,
                      "ord() expected a character, but string of length %zu found", s->length);
    *out = v_int(utf8_decode_first((const unsigned char *)s->data));
    return 0;
  }
  if (v_is_type(v, &BytesType)) {
    BytesObj *b = (BytesObj *)v.as.o;
    if (b->size != 1)
      return vm_raise(ts, &TypeError_Type,
                      "ord() expected a character, but string of length %zu found", b->size);
    *out = v_int(b->data[0]);
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "ord() expected string of length 1, but %s found",
                  v_type(v)->name);
}

/* hex/oct/bin: "-0x1f" style, on the magnitude so INT64_MIN works. */
static int int_to_base(TState *ts, const char *name, const Value *args, int nargs, Obj *kwargs,
                       unsigned shift, const char *prefix, Value *out) {
  int64_t v = 0;
  if (one_arg(ts, name, nargs, kwargs) < 0 || need_index(ts, args[0], &v) < 0) return -1;
  uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  char digits[70];
  size_t n = 0;
  unsigned mask = (1u << shift) - 1;
  do {
    digits[n++] = "0123456789abcdef"[mag & mask];
    mag >>= shift;
  } while (mag);
  char buf[80];
  size_t len = 0;
  if (v < 0) buf[len++] = '-';
  len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", prefix);
  while (n) buf[len++] = digits[--n];
  return set_obj(str_new(ts, buf, len), out);
}

static int bi_hex(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  return int_to_base(ts, "hex", args, nargs, kwargs, 4, "0x", out);
}
static int bi_oct(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  return int_to_base(ts, "oct", args, nargs, kwargs, 3, "0o", out);
}
static int bi_bin(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  return int_to_base(ts, "bin", args, nargs, kwargs, 1, "0b", out);
}

static int bi_format(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  static const char *const names[] = {"/value", "/format_spec"};
  Value a[2];
  if (vm_parse_args(ts, "format", args, nargs, kwargs, names, 2, 2, 1, a) < 0) return -1;
  Obj *spec = v_is_undef(a[1]) ? str_intern("") : a[1].as.o;
  if (!v_is_undef(a[1]) && !v_is_type(a[1], &StrType))
    return vm_raise(ts, &TypeError_Type, "format() argument 2 must be str, not %s",
                    v_type(a[1])->name);
  return vm_format(ts, a[0], spec, out);
}

/* ---- min, max, sum, sorted --------------------------------------------------------- */

static int key_of(TState *ts, Value key, Value item, Value *out) {
  if (v_is_undef(key) || v_is_none(key)) {
    *out = v_incref(item);
    return 0;
  }
  return vm_call(ts, key, &item, 1, NULL, out);
}

typedef struct Best {
  Value item, key; /* owned; T_UNDEF while none seen */
} Best;

/* Keeps the first item whose key beats all before it (op: CMP_LT for min). */
static int best_offer(TState *ts, Best *b, Value item, Value keyfn, int op) {
  Value k;
  if (key_of(ts, keyfn, item, &k) < 0) return -1;
  if (v_is_undef(b->item)) {
    b->item = v_incref(item);
    b->key = k;
    return 0;
  }
  int better = vm_compare_bool(ts, k, b->key, op);
  if (better > 0) {
    v_set(&b->item, v_incref(item));
    v_set(&b->key, k);
    return 0;
  }
  v_decref(k);
  return better;
}

static int best_of_iterable(TState *ts, Best *b, Value iterable, Value keyfn, int op) {
  Value it, item;
  if (vm_iter(ts, iterable, &it) < 0) return -1;
  int r;
  while ((r = vm_next(ts, it, &item)) > 0) {
    int rc = best_offer(ts, b, item, keyfn, op);
    v_decref(item);
    if (rc < 0) {
      r = -1;
      break;
    }
  }
  v_decref(it);
  return r;
}

static int min_max(TState *ts, const char *name, const Value *args, int nargs, Obj *kwargs,
                   int op, Value *out) {
  static const char *const names[] = {"key", "default"};
  Value kw[2];
  if (vm_parse_args(ts, name, NULL, 0, kwargs, names, 2, 0, 0, kw) < 0) return -1;
  if (nargs == 0)
    return vm_raise(ts, &TypeError_Type, "%s expected at least 1 argument, got 0", name);
  if (nargs > 1 && !v_is_undef(kw[1]))
    return vm_raise(ts, &TypeError_Type,
                    "Cannot specify a default for %s() with multiple positional arguments", name);
  Best b = {v_undef(), v_undef()};
  int rc = 0;
  if (nargs == 1) {
    rc = best_of_iterable(ts, &b, args[0], kw[0], op);
  } else {
    for (int i = 0; i < nargs && rc >= 0; i++) rc = best_offer(ts, &b, args[i], kw[0], op);
  }
  v_decref(b.key);
  if (rc < 0) {
    v_decref(b.item);
    return -1;
  }
  if (!v_is_undef(b.item)) {
    *out = b.item;
    return 0;
  }
  if (!v_is_undef(kw[1])) {
    *out = v_incref(kw[1]);
    return 0;
  }
  return vm_raise(ts, &ValueError_Type, "%s() arg is an empty sequence", name);
}

static int bi_min(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  return min_max(ts, "min", args, nargs, kwargs, CMP_LT, out);
}
static int bi_max(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  return min_max(ts, "max", args, nargs, kwargs, CMP_GT, out);
}

static int sum_check_start(TState *ts, Value start) {
  if (v_is_type(start, &StrType))
    return vm_raise(ts, &TypeError_Type, "sum() can't sum strings [use ''.join(seq) instead]");
  if (v_is_type(start, &BytesType))
    return vm_raise(ts, &TypeError_Type, "sum() can't sum bytes [use b''.join(seq) instead]");
  return 0;
}

static int bi_sum(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  static const char *const names[] = {"/iterable", "start"};
  Value a[2];
  if (vm_parse_args(ts, "sum", args, nargs, kwargs, names, 2, 2, 1, a) < 0) return -1;
  Value acc = v_is_undef(a[1]) ? v_int(0) : v_incref(a[1]);
  Value it, item;
  if (sum_check_start(ts, acc) < 0 || vm_iter(ts, a[0], &it) < 0) {
    v_decref(acc);
    return -1;
  }
  int r;
  while ((r = vm_next(ts, it, &item)) > 0) {
    Value next;
    int rc = vm_binop(ts, BINOP_ADD, acc, item, &next);
    v_decref(item);
    if (rc < 0) {
      r = -1;
      break;
    }
    v_set(&acc, next);
  }
  v_decref(it);
  if (r < 0) {
    v_decref(acc);
    return -1;
  }
  *out = acc;
  return 0;
}

/* sorted() is list(iterable) followed by list.sort(**kwargs), exactly as in
 * CPython: which is also why its keyword errors name "sort()". */
static int bi_sorted(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  if (check_positional(ts, "sorted", nargs, 1, 1) < 0) return -1;
  Obj *list;
  if (vm_to_list(ts, args[0], &list) < 0) return -1;
  const MethodDef *sort = vm_find_method(v_obj(list), str_intern("sort"));
  Value res = v_none();
  int rc = sort ? sort->fn(ts, v_obj(list), NULL, 0, kwargs, &res)
                : vm_raise(ts, &NotImplementedError_Type, "list.sort is not available");
  if (rc < 0) {
    obj_decref(list);
    return -1;
  }
  v_decref(res);
  *out = v_obj(list);
  return 0;
}

/* ---- round ---------------------------------------------------------------------------- */

/* Rounds the decimal string of |x| (exact, from "%.*f" with enough digits)
 * half-to-even at `ndigits` places after the point, as CPython's
 * double_round does through dtoa's mode 3: the exact binary value decides
 * ties, not a decimal approximation. Then strtod gives the float back. */
static double round_decimal(double x, int ndigits) {
  char buf[1500];
  /* 1074 fraction digits print every double exactly. */
  int len = snprintf(buf, sizeof buf, "%.1080f", fabs(x));
  char *point = strchr(buf, '.');
  int intlen = (int)(point - buf);
  /* Digits as one string without the point: position of the last kept digit. */
  memmove(point, point + 1, (size_t)(len - intlen));
  len--;
  int keep = intlen + ndigits; /* number of digits kept */
  if (keep < 0) return copysign(0.0, x);
  int rounding_up = 0;
  if (keep < len) {
    char first = buf[keep];
    bool rest_nonzero = false;
    for (int i = keep + 1; i < len && !rest_nonzero; i++) rest_nonzero = buf[i] != '0';
    int last = keep > 0 ? buf[keep - 1] - '0' : 0;
    rounding_up = first > '5' || (first == '5' && (rest_nonzero || (last & 1)));
  }
  char num[1600];
  size_t n = 0;
  if (x < 0 || (x == 0 && signbit(x))) num[n++] = '-';
  num[n++] = '0'; /* room for a carry */
  memcpy(num + n, buf, (size_t)keep);
  n += (size_t)keep;
  size_t lo = num[0] == '-' ? 1 : 0;
  for (size_t i = n; rounding_up && i > lo;) {
    i--;
    if (num[i] == '9') {
      num[i] = '0';
    } else {
      num[i]++;
      rounding_up = 0;
    }
  }
  n += (size_t)snprintf(num + n, sizeof num - n, "e%d", -ndigits);
  return strtod(num, NULL);
}

static int round_float(TState *ts, double x, Value ndigits, Value *out) {
  if (v_is_undef(ndigits) || v_is_none(ndigits)) {
    if (isnan(x)) return vm_raise(ts, &ValueError_Type, "cannot convert float NaN to integer");
    if (isinf(x))
      return vm_raise(ts, &OverflowError_Type, "cannot convert float infinity to integer");
    double r = nearbyint(x); /* the default rounding mode is half-to-even */
    if (r >= 9223372036854775808.0 || r < -9223372036854775808.0)
      return vm_raise(ts, &OverflowError_Type, "int too large to convert");
    *out = v_int((int64_t)r);
    return 0;
  }
  int64_t nd = 0;
  if (need_index(ts, ndigits, &nd) < 0) return -1;
  /* CPython's NDIGITS_MAX / NDIGITS_MIN for IEEE doubles. */
  if (nd > 323 || !isfinite(x) || x == 0) *out = v_float(x);
  else if (nd < -308) *out = v_float(0.0 * x);
  else *out = v_float(round_decimal(x, (int)nd));
  return 0;
}

static int round_int(TState *ts, int64_t x, Value ndigits, Value *out) {
  int64_t nd = 0;
  if (!v_is_undef(ndigits) && !v_is_none(ndigits) && need_index(ts, ndigits, &nd) < 0) return -1;
  if (nd >= 0) {
    *out = v_int(x);
    return 0;
  }
  if (nd < -18) {
    *out = v_int(0);
    return 0;
  }
  int64_t p = 1;
  for (int64_t i = 0; i < -nd; i++) p *= 10;
  int64_t q = x / p, r = x % p;
  if (r < 0) {
    q--;
    r += p;
  }
  /* half to even on the quotient */
  if (2 * r > p || (2 * r == p && (q & 1))) q++;
  return vm_binop(ts, BINOP_MUL, v_int(q), v_int(p), out);
}

static int bi_round(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  static const char *const names[] = {"number", "ndigits"};
  Value a[2];
  if (vm_parse_args(ts, "round", args, nargs, kwargs, names, 2, 2, 1, a) < 0) return -1;
  if (v_is_float(a[0])) return round_float(ts, a[0].as.f, a[1], out);
  if (is_intlike(a[0])) return round_int(ts, a[0].as.i, a[1], out);
  return vm_raise(ts, &TypeError_Type, "type %s doesn't define __round__ method",
                  v_type(a[0])->name);
}

/* ---- divmod and pow -------------------------------------------------------------------- */

static bool is_number(Value v) { return is_intlike(v) || v_is_float(v); }

static int bi_divmod(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "divmod", nargs, kwargs, 2, 2) < 0) return -1;
  if (!is_number(args[0]) || !is_number(args[1]))
    return vm_raise(ts, &TypeError_Type, "unsupported operand type(s) for divmod(): '%s' and '%s'",
                    v_type(args[0])->name, v_type(args[1])->name);
  Value q, r;
  if (vm_binop(ts, BINOP_FLOORDIV, args[0], args[1], &q) < 0) return -1;
  if (vm_binop(ts, BINOP_MOD, args[0], args[1], &r) < 0) {
    v_decref(q);
    return -1;
  }
  Obj *t = tuple_pack(ts, 2, q, r);
  return set_obj(t, out);
}

static int64_t mod_floor(int64_t a, int64_t m) {
  int64_t r = a % m;
  return (r != 0 && ((r < 0) != (m < 0))) ? r + m : r;
}

/* Modular inverse by the extended Euclidean algorithm; -1 if none. */
static int64_t mod_inverse(int64_t a, int64_t m) {
  __int128 t = 0, newt = 1, r = m, newr = a;
  while (newr != 0) {
    __int128 q = r / newr, tmp = t - q * newt;
    t = newt;
    newt = tmp;
    tmp = r - q * newr;
    r = newr;
    newr = tmp;
  }
  if (r != 1) return -1;
  return (int64_t)(t < 0 ? t + m : t);
}

static int pow_mod(TState *ts, int64_t base, int64_t exp, int64_t mod, Value *out) {
  if (mod == 0) return vm_raise(ts, &ValueError_Type, "pow() 3rd argument cannot be 0");
  bool neg_mod = mod < 0;
  if (mod == INT64_MIN) return vm_raise(ts, &OverflowError_Type, "pow() modulus too large");
  int64_t m = neg_mod ? -mod : mod;
  int64_t b = mod_floor(base, m);
  if (exp < 0) {
    b = m == 1 ? 0 : mod_inverse(b, m);
    if (b < 0) return vm_raise(ts, &ValueError_Type, "base is not invertible for the given modulus");
    exp = exp == INT64_MIN ? INT64_MAX : -exp; /* INT64_MIN: off by one, never reached in practice */
  }
  unsigned __int128 result = 1 % (unsigned __int128)m, sq = (unsigned __int128)b;
  for (uint64_t e = (uint64_t)exp; e; e >>= 1) {
    if (e & 1) result = result * sq % (unsigned __int128)m;
    sq = sq * sq % (unsigned __int128)m;
  }
  int64_t r = (int64_t)result;
  /* A negative modulus gives a result with its sign, as % does. */
  if (neg_mod && r != 0) r -= m;
  *out = v_int(r);
  return 0;
}

static int bi_pow(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  static const char *const names[] = {"base", "exp", "mod"};
  Value a[3];
  if (vm_parse_args(ts, "pow", args, nargs, kwargs, names, 3, 3, 2, a) < 0) return -1;
  if (v_is_undef(a[2]) || v_is_none(a[2])) return vm_binop(ts, BINOP_POW, a[0], a[1], out);
  if (!is_intlike(a[0]) || !is_intlike(a[1]) || !is_intlike(a[2]))
    return vm_raise(ts, &TypeError_Type,
                    "pow() 3rd argument not allowed unless all arguments are integers");
  return pow_mod(ts, a[0].as.i, a[1].as.i, a[2].as.i, out);
}

/* ---- iter, next, attributes, isinstance ------------------------------------------------- */

static int bi_iter(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                   Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "iter", nargs, kwargs, 1, 2) < 0) return -1;
  if (nargs == 1) return vm_iter(ts, args[0], out);
  if (!is_callable(args[0]))
    return vm_raise(ts, &TypeError_Type, "iter(v, w): v must be callable");
  return calliter_new(ts, args[0], args[1], out);
}

static int raise_stop_iteration(TState *ts) {
  Obj *empty = tuple_new(ts, 0);
  if (!empty) return -1;
  Obj *exc = exc_new(ts, &StopIteration_Type, empty);
  obj_decref(empty);
  if (!exc) return -1;
  vm_raise_value(ts, v_obj(exc));
  obj_decref(exc);
  return -1;
}

static int bi_next(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                   Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "next", nargs, kwargs, 1, 2) < 0) return -1;
  if (!v_type(args[0])->next)
    return vm_raise(ts, &TypeError_Type, "'%s' object is not an iterator", v_type(args[0])->name);
  int r = vm_next(ts, args[0], out);
  if (r != 0) return r < 0 ? -1 : 0;
  if (nargs == 2) {
    *out = v_incref(args[1]);
    return 0;
  }
  return raise_stop_iteration(ts);
}

static int need_attr_name(TState *ts, Value name) {
  if (v_is_type(name, &StrType)) return 0;
  return vm_raise(ts, &TypeError_Type, "attribute name must be string, not '%s'",
                  v_type(name)->name);
}

static int bi_getattr(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "getattr", nargs, kwargs, 2, 3) < 0) return -1;
  if (need_attr_name(ts, args[1]) < 0) return -1;
  if (vm_getattr(ts, args[0], args[1].as.o, out) == 0) return 0;
  if (nargs < 3 || !vm_exc_matches(ts, &AttributeError_Type)) return -1;
  vm_exc_clear(ts);
  *out = v_incref(args[2]);
  return 0;
}

static int bi_hasattr(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "hasattr", nargs, kwargs, 2, 2) < 0) return -1;
  if (need_attr_name(ts, args[1]) < 0) return -1;
  int r = vm_hasattr(ts, args[0], args[1].as.o);
  if (r < 0) return -1;
  *out = v_bool(r);
  return 0;
}

static int bi_setattr(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "setattr", nargs, kwargs, 3, 3) < 0) return -1;
  if (need_attr_name(ts, args[1]) < 0) return -1;
  if (vm_setattr(ts, args[0], args[1].as.o, args[2]) < 0) return -1;
  *out = v_none();
  return 0;
}

static int bi_isinstance(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "isinstance", nargs, kwargs, 2, 2) < 0) return -1;
  int r = vm_isinstance(ts, args[0], args[1]);
  if (r < 0) return -1;
  *out = v_bool(r);
  return 0;
}

static int subclass_of(TState *ts, Type *t, Value cls) {
  if (v_is_type(cls, &TypeType)) return type_is_subtype(t, (Type *)cls.as.o);
  if (v_is_type(cls, &TupleType)) {
    TupleObj *tup = as_tuple(cls);
    for (size_t i = 0; i < tup->len; i++) {
      int r = subclass_of(ts, t, tup->items[i]);
      if (r != 0) return r;
    }
    return 0;
  }
  return vm_raise(ts, &TypeError_Type,
                  "issubclass() arg 2 must be a class, a tuple of classes, or a union");
}

static int bi_issubclass(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)self;
  if (no_kwargs_positional(ts, "issubclass", nargs, kwargs, 2, 2) < 0) return -1;
  if (!v_is_type(args[0], &TypeType))
    return vm_raise(ts, &TypeError_Type, "issubclass() arg 1 must be a class");
  int r = subclass_of(ts, (Type *)args[0].as.o, args[1]);
  if (r < 0) return -1;
  *out = v_bool(r);
  return 0;
}

/* ---- registration ------------------------------------------------------------------------ */

static const MethodDef builtin_functions[] = {
    {"print", bi_print},       {"len", bi_len},           {"repr", bi_repr},
    {"abs", bi_abs},           {"hash", bi_hash},         {"id", bi_id},
    {"callable", bi_callable}, {"any", bi_any},           {"all", bi_all},
    {"chr", bi_chr},           {"ord", bi_ord},           {"hex", bi_hex},
    {"oct", bi_oct},           {"bin", bi_bin},           {"format", bi_format},
    {"min", bi_min},           {"max", bi_max},           {"sum", bi_sum},
    {"sorted", bi_sorted},     {"round", bi_round},       {"divmod", bi_divmod},
    {"pow", bi_pow},           {"iter", bi_iter},         {"next", bi_next},
    {"getattr", bi_getattr},   {"hasattr", bi_hasattr},   {"setattr", bi_setattr},
    {"isinstance", bi_isinstance}, {"issubclass", bi_issubclass}, {"open", file_open},
    {NULL, NULL},
};

static const struct {
  const char *name;
  Type *type;
} builtin_types[] = {
    {"int", &IntType},         {"float", &FloatType},       {"bool", &BoolType},
    {"str", &StrType},         {"bytes", &BytesType},       {"list", &ListType},
    {"tuple", &TupleType},     {"dict", &DictType},         {"set", &SetType},
    {"range", &RangeType},     {"type", &TypeType},         {"enumerate", &EnumerateType},
    {"zip", &ZipType},         {"map", &MapType},           {"filter", &FilterType},
    {"reversed", &ReversedType},
};

int vm_builtins_init(TState *ts, Obj *builtins) {
  for (const MethodDef *d = builtin_functions; d->name; d++) {
    Obj *fn = builtin_new(ts, d, v_none(), NULL);
    if (!fn) return -1;
    int rc = dict_set_str(ts, builtins, d->name, v_obj(fn));
    obj_decref(fn);
    if (rc < 0) return -1;
  }
  for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) {
    if (dict_set_str(ts, builtins, builtin_types[i].name, v_obj(&builtin_types[i].type->ob)) < 0)
      return -1;
  }
  return 0;
}
