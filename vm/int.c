/*
 * int.c - int, bool, None and NotImplemented: the immediate values.
 *
 * ints are 64-bit (the one documented difference from CPython): results
 * that do not fit raise OverflowError instead of growing. Everything else
 * follows CPython: // and % floor toward -inf, / is true division, ** with
 * a negative exponent gives a float, bools are ints in arithmetic, and
 * hash(n) is n mod 2**61-1 as in CPython (so dicts and sets of ints behave
 * identically).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

#define HASH_MODULUS (((int64_t)1 << 61) - 1)

int64_t int_hash(int64_t x) {
  int64_t h;
  if (x >= 0) {
    h = x % HASH_MODULUS;
  } else {
    /* -x may overflow for INT64_MIN; work on the magnitude as unsigned */
    uint64_t m = (uint64_t)0 - (uint64_t)x;
    h = -(int64_t)(m % (uint64_t)HASH_MODULUS);
  }
  return h == -1 ? -2 : h;
}

static int overflow(TState *ts) {
  return vm_raise(ts, &OverflowError_Type, "int too large: gild ints are 64-bit");
}

static bool is_intlike(Value v) { return v.tag == T_INT || v.tag == T_BOOL; }

/* a ** b for b >= 0, by squaring, with overflow checks. */
static int int_pow(TState *ts, int64_t a, int64_t b, Value *out) {
  int64_t result = 1, base = a;
  while (b > 0) {
    if (b & 1) {
      if (__builtin_mul_overflow(result, base, &result)) return overflow(ts);
    }
    b >>= 1;
    if (b > 0 && __builtin_mul_overflow(base, base, &base)) return overflow(ts);
  }
  *out = v_int(result);
  return 0;
}

int64_t int_floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

int64_t int_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

/* Both operands int or bool. */
int int_binop_ints(TState *ts, BinOp op, int64_t a, int64_t b, Value *out) {
  int64_t r;
  switch (op) {
  case BINOP_ADD:
    if (__builtin_add_overflow(a, b, &r)) return overflow(ts);
    break;
  case BINOP_SUB:
    if (__builtin_sub_overflow(a, b, &r)) return overflow(ts);
    break;
  case BINOP_MUL:
    if (__builtin_mul_overflow(a, b, &r)) return overflow(ts);
    break;
  case BINOP_TRUEDIV:
    if (b == 0) return vm_raise(ts, &ZeroDivisionError_Type, "division by zero");
    *out = v_float((double)a / (double)b);
    return 0;
  case BINOP_FLOORDIV:
    if (b == 0) return vm_raise(ts, &ZeroDivisionError_Type, "integer division or modulo by zero");
    if (a == INT64_MIN && b == -1) return overflow(ts);
    r = int_floordiv(a, b);
    break;
  case BINOP_MOD:
    if (b == 0) return vm_raise(ts, &ZeroDivisionError_Type, "integer modulo by zero");
    r = (b == -1) ? 0 : int_mod(a, b);
    break;
  case BINOP_POW:
    if (b < 0) {
      if (a == 0)
        return vm_raise(ts, &ZeroDivisionError_Type, "0.0 cannot be raised to a negative power");
      *out = v_float(pow((double)a, (double)b));
      return 0;
    }
    return int_pow(ts, a, b, out);
  case BINOP_LSHIFT:
    if (b < 0) return vm_raise(ts, &ValueError_Type, "negative shift count");
    if (a == 0) {
      r = 0;
      break;
    }
    if (b >= 63) return overflow(ts);
    r = (int64_t)((uint64_t)a << b);
    if ((r >> b) != a) return overflow(ts);
    break;
  case BINOP_RSHIFT:
    if (b < 0) return vm_raise(ts, &ValueError_Type, "negative shift count");
    r = b >= 63 ? (a < 0 ? -1 : 0) : (a >> b);
    break;
  case BINOP_AND: r = a & b; break;
  case BINOP_OR: r = a | b; break;
  case BINOP_XOR: r = a ^ b; break;
  default:
    *out = v_undef();
    return 0;
  }
  *out = v_int(r);
  return 0;
}

static int int_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  if (!is_intlike(a) || !is_intlike(b)) {
    *out = v_undef(); /* floats and the rest: their own slot */
    return 0;
  }
  return int_binop_ints(ts, op, a.as.i, b.as.i, out);
}

static int bool_binop(TState *ts, BinOp op, Value a, Value b, Value *out) {
  /* True & False stays a bool, as in CPython */
  if (a.tag == T_BOOL && b.tag == T_BOOL &&
      (op == BINOP_AND || op == BINOP_OR || op == BINOP_XOR)) {
    int64_t r = op == BINOP_AND ? (a.as.i & b.as.i) : op == BINOP_OR ? (a.as.i | b.as.i)
                                                                       : (a.as.i ^ b.as.i);
    *out = v_bool(r != 0);
    return 0;
  }
  return int_binop(ts, op, a, b, out);
}

int num_compare_result(int c, int op) {
  switch (op) {
  case CMP_LT: return c < 0;
  case CMP_LE: return c <= 0;
  case CMP_EQ: return c == 0;
  case CMP_NE: return c != 0;
  case CMP_GT: return c > 0;
  default: return c >= 0;
  }
}

static int int_compare(TState *ts, Value a, Value b, int op, Value *out) {
  (void)ts;
  if (!is_intlike(a) || !is_intlike(b)) {
    *out = v_undef();
    return 0;
  }
  int c = a.as.i < b.as.i ? -1 : a.as.i > b.as.i;
  *out = v_bool(num_compare_result(c, op));
  return 0;
}

static int int_repr(TState *ts, Value self, Value *out) {
  Obj *s = str_fmt(ts, "%lld", (long long)self.as.i);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int bool_repr(TState *ts, Value self, Value *out) {
  (void)ts;
  *out = v_obj(str_intern(self.as.i ? "True" : "False"));
  return 0;
}

static int int_hash_slot(TState *ts, Value self, int64_t *out) {
  (void)ts;
  *out = int_hash(self.as.i);
  return 0;
}

static int int_truthy(TState *ts, Value self) {
  (void)ts;
  return self.as.i != 0;
}

static bool digit_value(char c, int *d) {
  if (c >= '0' && c <= '9') *d = c - '0';
  else if (c >= 'a' && c <= 'z') *d = c - 'a' + 10;
  else if (c >= 'A' && c <= 'Z') *d = c - 'A' + 10;
  else return false;
  return true;
}

/* int(text, base): CPython's rules (whitespace around, sign, underscores
 * between digits, 0x/0o/0b prefixes with their base or base 0). Returns 1
 * ok, 0 invalid literal, -1 overflow raised. */
int int_parse(TState *ts, const char *s, size_t n, int base, int64_t *out) {
  size_t i = 0, end = n;
  while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                     s[i] == '\f' || s[i] == '\v'))
    i++;
  while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' ||
                     s[end - 1] == '\r' || s[end - 1] == '\f' || s[end - 1] == '\v'))
    end--;
  bool neg = false;
  if (i < end && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i + 1 < end && s[i] == '0') {
    char p = (char)(s[i + 1] | 0x20);
    int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (pb && (base == 0 || base == pb)) {
      base = pb;
      i += 2;
      if (i < end && s[i] == '_') i++;
    }
  }
  if (base == 0) {
    base = 10;
    /* "010" is not a valid base-0 literal, "0", "00" are */
    if (i < end && s[i] == '0') {
      for (size_t k = i; k < end; k++)
        if (s[k] != '0' && s[k] != '_') return 0;
    }
  }
  if (i >= end) return 0;
  uint64_t acc = 0;
  bool prev_digit = false;
  for (; i < end; i++) {
    int d;
    if (s[i] == '_') {
      if (!prev_digit) return 0;
      prev_digit = false;
      continue;
    }
    if (!digit_value(s[i], &d) || d >= base) return 0;
    if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
      overflow(ts);
      return -1;
    }
    acc = acc * (uint64_t)base + (uint64_t)d;
    prev_digit = true;
  }
  if (!prev_digit) return 0;
  if (neg ? acc > (uint64_t)INT64_MAX + 1 : acc > (uint64_t)INT64_MAX) {
    overflow(ts);
    return -1;
  }
  *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
  return 1;
}

int float_to_int(TState *ts, double d, Value *out) {
  if (isinf(d)) return vm_raise(ts, &OverflowError_Type, "cannot convert float infinity to integer");
  if (isnan(d)) return vm_raise(ts, &ValueError_Type, "cannot convert float NaN to integer");
  double t = trunc(d);
  if (t >= 9223372036854775808.0 || t < -9223372036854775808.0) return overflow(ts);
  *out = v_int((int64_t)t);
  return 0;
}

static int int_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)type;
  static const char *const names[] = {"x", "base"};
  Value a[2];
  if (vm_parse_args(ts, "int", args, nargs, kwargs, names, 2, 2, 0, a) < 0) return -1;
  if (v_is_undef(a[0])) {
    if (!v_is_undef(a[1])) return vm_raise(ts, &TypeError_Type, "int() missing string argument");
    *out = v_int(0);
    return 0;
  }
  Value x = a[0];
  if (!v_is_undef(a[1])) {
    if (!is_intlike(a[1]))
      return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                      v_type(a[1])->name);
    int64_t base = a[1].as.i;
    if (base != 0 && (base < 2 || base > 36))
      return vm_raise(ts, &ValueError_Type, "int() base must be >= 2 and <= 36, or 0");
    if (!v_is_type(x, &StrType) && !v_is_type(x, &BytesType))
      return vm_raise(ts, &TypeError_Type, "int() can't convert non-string with explicit base");
    const char *s = v_is_type(x, &StrType) ? as_str(x)->data : (const char *)((BytesObj *)x.as.o)->data;
    size_t n = v_is_type(x, &StrType) ? as_str(x)->size : ((BytesObj *)x.as.o)->size;
    int64_t r;
    int rc = int_parse(ts, s, n, (int)base, &r);
    if (rc < 0) return -1;
    if (rc == 0) {
      Value rep;
      if (vm_repr(ts, x, &rep) < 0) return -1;
      vm_raise(ts, &ValueError_Type, "invalid literal for int() with base %d: %s", (int)base,
               as_str(rep)->data);
      v_decref(rep);
      return -1;
    }
    *out = v_int(r);
    return 0;
  }
  switch (x.tag) {
  case T_INT:
  case T_BOOL: *out = v_int(x.as.i); return 0;
  case T_FLOAT: return float_to_int(ts, x.as.f, out);
  default: break;
  }
  if (v_is_type(x, &StrType) || v_is_type(x, &BytesType)) {
    Value b10[2] = {x, v_int(10)};
    return int_construct(ts, type, b10, 2, NULL, out);
  }
  return vm_raise(ts, &TypeError_Type,
                  "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                  v_type(x)->name);
}

static int bool_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)type;
  if (kwargs && as_dict(v_obj(kwargs))->used)
    return vm_raise(ts, &TypeError_Type, "bool() takes no keyword arguments");
  if (nargs > 1) return vm_raise(ts, &TypeError_Type, "bool expected at most 1 argument, got %d", nargs);
  if (nargs == 0) {
    *out = v_bool(false);
    return 0;
  }
  int t = vm_truthy(ts, args[0]);
  if (t < 0) return -1;
  *out = v_bool(t);
  return 0;
}

static int none_repr(TState *ts, Value self, Value *out) {
  (void)ts;
  (void)self;
  *out = v_obj(str_intern("None"));
  return 0;
}

static int none_hash(TState *ts, Value self, int64_t *out) {
  (void)ts;
  (void)self;
  *out = 0xFCA86420; /* any constant: None's hash only has to be stable */
  return 0;
}

static int none_truthy(TState *ts, Value self) {
  (void)ts;
  (void)self;
  return 0;
}

static void immortal_dealloc(Obj *self) { self->refcnt = IMMORTAL_REFCNT; }

Type IntType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "int", .construct = int_construct,
    .repr = int_repr, .hash = int_hash_slot, .compare = int_compare, .binop = int_binop,
    .truthy = int_truthy,
};

Type BoolType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "bool", .base = &IntType,
    .construct = bool_construct, .repr = bool_repr, .hash = int_hash_slot,
    .compare = int_compare, .binop = bool_binop, .truthy = int_truthy,
};

Type NoneType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "NoneType", .repr = none_repr,
    .hash = none_hash, .truthy = none_truthy,
};

static int notimpl_repr(TState *ts, Value self, Value *out) {
  (void)ts;
  (void)self;
  *out = v_obj(str_intern("NotImplemented"));
  return 0;
}

Type NotImplementedType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "NotImplementedType", .dealloc = immortal_dealloc,
    .repr = notimpl_repr,
};

/* The NotImplemented singleton, for the builtins table. */
Obj NotImplemented_Obj = {IMMORTAL_REFCNT, &NotImplementedType};
