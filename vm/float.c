/*
 * float.c - the float type: IEEE doubles with CPython's arithmetic rules,
 * hash, parsing and, most visibly, its repr: the shortest string that reads
 * back to the same double ("0.1", "1e+16", "1.5e-05").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objimpl.h"
#include "vm.h"

#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)

/* CPython's _Py_HashDouble, so that hash(1.0) == hash(1) and sets of
 * floats behave the same. NaN hashes to 0 here (CPython uses identity). */
int64_t float_hash(double v) {
  if (!isfinite(v)) return isinf(v) ? (v > 0 ? 314159 : -314159) : 0;
  int e;
  double m = frexp(v, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  uint64_t x = 0;
  while (m) {
    x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = (uint64_t)m;
    m -= (double)y;
    x += y;
    if (x >= HASH_MODULUS) x -= HASH_MODULUS;
  }
  e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
  x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
  int64_t h = (int64_t)x * sign;
  return h == -1 ? -2 : h;
}

/* Shortest round-trip digits via %.*e at increasing precision, then laid
 * out as CPython's repr does: positional for 1e-4 <= |d| < 1e16,
 * scientific otherwise. */
void float_repr(double d, char *buf, size_t buflen) {
  if (isnan(d)) {
    snprintf(buf, buflen, "nan");
    return;
  }
  if (isinf(d)) {
    snprintf(buf, buflen, d > 0 ? "inf" : "-inf");
    return;
  }
  char tmp[40];
  int prec;
  for (prec = 1; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
    if (strtod(tmp, NULL) == d) break;
  }
  /* tmp: [-]D[.DDD]e[+-]XX */
  char digits[24];
  int nd = 0;
  const char *p = tmp;
  bool neg = false;
  if (*p == '-') {
    neg = true;
    p++;
  }
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9') digits[nd++] = *p;
  int exp10 = atoi(p + 1);
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  digits[nd] = 0;
  char out[64];
  int o = 0;
  if (neg) out[o++] = '-';
  if (exp10 >= -4 && exp10 < 16) {
    if (exp10 >= 0) {
      for (int i = 0; i <= exp10; i++) out[o++] = i < nd ? digits[i] : '0';
      out[o++] = '.';
      if (nd > exp10 + 1)
        for (int i = exp10 + 1; i < nd; i++) out[o++] = digits[i];
      else
        out[o++] = '0';
    } else {
      out[o++] = '0';
      out[o++] = '.';
      for (int i = 0; i < -exp10 - 1; i++) out[o++] = '0';
      for (int i = 0; i < nd; i++) out[o++] = digits[i];
    }
    out[o] = 0;
  } else {
    out[o++] = digits[0];
    if (nd > 1) {
      out[o++] = '.';
      for (int i = 1; i < nd; i++) out[o++] = digits[i];
    }
    snprintf(out + o, sizeof out - (size_t)o, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
  }
  snprintf(buf, buflen, "%s", out);
}

static int float_repr_slot(TState *ts, Value self, Value *out) {
  char buf[64];
  float_repr(self.as.f, buf, sizeof buf);
  Obj *s = str_from_cstr(ts, buf);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static bool as_double(Value v, double *d) {
  switch (v.tag) {
  case T_FLOAT: *d = v.as.f; return true;
  case T_INT:
  case T_BOOL: *d = (double)v.as.i; return true;
  default: return false;
  }
}

static int float_pow(TState *ts, double a, double b, Value *out) {
  if (a == 0.0 && b < 0)
    return vm_raise(ts, &ZeroDivisionError_Type, "0.0 cannot be raised to a negative power");
  if (a < 0 && b != floor(b) && isfinite(b))
    return vm_raise(ts, &ValueError_Type,
                    "negative number cannot be raised to a fractional power (complex numbers are not supported)");
  double r = pow(a, b);
  if (isinf(r) && isfinite(a) && isfinite(b))
    return vm_raise(ts, &OverflowError_Type, "(34, 'Numerical result out of range')");
  *out = v_float(r);
  return 0;
}

int float_binop_doubles(TState *ts, BinOp op, double a, double b, Value *out) {
  switch (op) {
  case BINOP_ADD: *out = v_float(a + b); return 0;
  case BINOP_SUB: *out = v_float(a - b); return 0;
  case BINOP_MUL: *out = v_float(a * b); return 0;
  case BINOP_TRUEDIV:
    if (b == 0.0) return vm_raise(ts, &ZeroDivisionError_Type, "float division by zero");
    *out = v_float(a / b);
    return 0;
  case BINOP_FLOORDIV:
  case BINOP_MOD: {
    if (b == 0.0)
      return vm_raise(ts, &ZeroDivisionError_Type,
                      op == BINOP_MOD ? "float modulo" : "float floor division by zero");
    /* CPython's float_divmod, so signs and rounding agree */
    double mod = fmod(a, b);
    double div = (a - mod) / b;
    if (mod) {
      if ((b < 0) != (mod < 0)) {
        mod += b;
        div -= 1.0;
      }
    } else {
      mod = copysign(0.0, b);
    }
    double fd;
    if (div) {
      fd = floor(div);
      if (div - fd > 0.5) fd += 1.0;
    } else {
      fd = copysign(0.0, a / b);
    }
    *out = v_float(op == BINOP_MOD ? mod : fd);
    return 0;
  }
  case BINOP_POW: return float_pow(ts, a, b, out);
  default: *out = v_undef(); return 0;
  }
}

static int float_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  double x, y;
  if (!as_double(a, &x) || !as_double(b, &y)) {
    *out = v_undef();
    return 0;
  }
  return float_binop_doubles(ts, op, x, y, out);
}

static int float_compare(TState *ts, Value a, Value b, int op, Value *out) {
  (void)ts;
  double x, y;
  if (!as_double(a, &x) || !as_double(b, &y)) {
    *out = v_undef();
    return 0;
  }
  bool r;
  switch (op) {
  case CMP_LT: r = x < y; break;
  case CMP_LE: r = x <= y; break;
  case CMP_EQ: r = x == y; break;
  case CMP_NE: r = x != y; break;
  case CMP_GT: r = x > y; break;
  default: r = x >= y; break;
  }
  *out = v_bool(r);
  return 0;
}

static int float_hash_slot(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = float_hash(self.as.f);
  return 0;
}

static int float_truthy(TState *ts, Value self) {
  (void)ts;
  return self.as.f != 0.0;
}

static bool word_eq(const char *s, size_t n, const char *w) {
  if (strlen(w) != n) return false;
  for (size_t i = 0; i < n; i++)
    if ((s[i] | 0x20) != w[i]) return false;
  return true;
}

bool float_parse(const char *s, size_t n, double *out) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
    n--;
  if (i >= n) return false;
  const char *t = s + i;
  size_t len = n - i;
  size_t k = (t[0] == '+' || t[0] == '-') ? 1 : 0;
  double sign = t[0] == '-' ? -1.0 : 1.0;
  if (word_eq(t + k, len - k, "inf") || word_eq(t + k, len - k, "infinity")) {
    *out = sign * INFINITY;
    return true;
  }
  if (word_eq(t + k, len - k, "nan")) {
    *out = NAN;
    return true;
  }
  /* copy without underscores (allowed only between digits) */
  char buf[128];
  char *b = len < sizeof buf ? buf : malloc(len + 1);
  if (!b) return false;
  size_t o = 0;
  bool ok = true;
  for (size_t j = 0; j < len; j++) {
    char c = t[j];
    if (c == '_') {
      if (j == 0 || j + 1 >= len || !(t[j - 1] >= '0' && t[j - 1] <= '9') ||
          !(t[j + 1] >= '0' && t[j + 1] <= '9')) {
        ok = false;
        break;
      }
      continue;
    }
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      ok = false;
      break;
    }
    b[o++] = c;
  }
  b[o] = 0;
  char *end = NULL;
  if (ok && o > 0) {
    *out = strtod(b, &end);
    ok = end == b + o;
  } else {
    ok = false;
  }
  if (b != buf) free(b);
  return ok;
}

static int float_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  (void)type;
  if (kwargs && as_dict(v_obj(kwargs))->used)
    return vm_raise(ts, &TypeError_Type, "float() takes no keyword arguments");
  if (nargs > 1) return vm_raise(ts, &TypeError_Type, "float expected at most 1 argument, got %d", nargs);
  if (nargs == 0) {
    *out = v_float(0.0);
    return 0;
  }
  Value x = args[0];
  double d;
  if (as_double(x, &d)) {
    *out = v_float(d);
    return 0;
  }
  if (v_is_type(x, &StrType) || v_is_type(x, &BytesType)) {
    const char *s = v_is_type(x, &StrType) ? as_str(x)->data : (const char *)((BytesObj *)x.as.o)->data;
    size_t n = v_is_type(x, &StrType) ? as_str(x)->size : ((BytesObj *)x.as.o)->size;
    if (float_parse(s, n, &d)) {
      *out = v_float(d);
      return 0;
    }
    Value r;
    if (vm_repr(ts, x, &r) < 0) return -1;
    vm_raise(ts, &ValueError_Type, "could not convert string to float: %s", as_str(r)->data);
    v_decref(r);
    return -1;
  }
  return vm_raise(ts, &TypeError_Type, "float() argument must be a string or a real number, not '%s'",
                  v_type(x)->name);
}

static int float_is_integer(TState *ts, Value self, const Value *args, int nargs, Obj *kw,
                            Value *out) {
  (void)ts, (void)args, (void)nargs, (void)kw;
  *out = v_bool(isfinite(self.as.f) && self.as.f == floor(self.as.f));
  return 0;
}

static const MethodDef float_methods[] = {
    {"is_integer", float_is_integer},
    {NULL, NULL},
};

Type FloatType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "float", .construct = float_construct,
    .repr = float_repr_slot, .hash = float_hash_slot, .compare = float_compare,
    .binop = float_binop, .truthy = float_truthy, .methods = float_methods,
};
