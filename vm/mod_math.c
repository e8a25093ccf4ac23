/*
 * mod_math.c - the math module over libm, with CPython's error rules
 * (Modules/mathmodule.c): a NaN result from a non-NaN argument is
 * "math domain error" (ValueError); an infinite result from a finite
 * argument is "math range error" (OverflowError) for the functions that
 * can overflow, else a domain error.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "modules.h"
#include "objimpl.h"

static int two_args(TState *ts, const char *name, int nargs, Obj *kwargs) {
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", name);
  if (nargs != 2)
    return vm_raise(ts, &TypeError_Type, "%s expected 2 arguments, got %d", name, nargs);
  return 0;
}

static int need_int(TState *ts, Value v, int64_t *out) {
  if (v_is_int(v) || v_is_bool(v)) {
    *out = v.as.i;
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                  v_type(v)->name);
}

static int domain_error(TState *ts) { return vm_raise(ts, &ValueError_Type, "math domain error"); }

/* CPython's is_error/math_1 result check. */
static int check_result(TState *ts, double x, double r, bool can_overflow, Value *out) {
  if (isnan(r) && !isnan(x)) return domain_error(ts);
  if (isinf(r) && isfinite(x)) {
    if (can_overflow) return vm_raise(ts, &OverflowError_Type, "math range error");
    return domain_error(ts);
  }
  *out = v_float(r);
  return 0;
}

typedef struct Math1 {
  const char *qualname;
  double (*fn)(double);
  bool can_overflow;
} Math1;

static int math_1(TState *ts, const Math1 *m, const Value *args, int nargs, Obj *kwargs,
                  Value *out) {
  double x;
  if (module_one_arg(ts, m->qualname, nargs, kwargs) < 0 || module_real_arg(ts, args[0], &x) < 0)
    return -1;
  return check_result(ts, x, m->fn(x), m->can_overflow, out);
}

static double degrees_of(double x) { return x * (180.0 / M_PI); }
static double radians_of(double x) { return x * (M_PI / 180.0); }

#define MATH_1(name, fn, ovf)                                                               \
  static int math_##name(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, \
                         Value *out) {                                                      \
    (void)self;                                                                             \
    static const Math1 m = {"math." #name, fn, ovf};                                        \
    return math_1(ts, &m, args, nargs, kwargs, out);                                        \
  }

MATH_1(sqrt, sqrt, false)
MATH_1(exp, exp, true)
MATH_1(log2, log2, false)
MATH_1(log10, log10, false)
MATH_1(sin, sin, false)
MATH_1(cos, cos, false)
MATH_1(tan, tan, false)
MATH_1(asin, asin, false)
MATH_1(acos, acos, false)
MATH_1(atan, atan, false)
MATH_1(sinh, sinh, true)
MATH_1(cosh, cosh, true)
MATH_1(tanh, tanh, false)
MATH_1(fabs, fabs, false)
MATH_1(degrees, degrees_of, true)
MATH_1(radians, radians_of, false)

/* ---- float -> int ---------------------------------------------------------------------- */

static int math_float_to_int(TState *ts, double r, Value *out) {
  if (isnan(r)) return vm_raise(ts, &ValueError_Type, "cannot convert float NaN to integer");
  if (isinf(r)) return vm_raise(ts, &OverflowError_Type, "cannot convert float infinity to integer");
  if (r >= 9223372036854775808.0 || r < -9223372036854775808.0)
    return vm_raise(ts, &OverflowError_Type, "int too large to convert to int64");
  *out = v_int((int64_t)r);
  return 0;
}

static int to_int_with(TState *ts, const char *qualname, const Value *args, int nargs,
                       Obj *kwargs, double (*fn)(double), Value *out) {
  if (module_one_arg(ts, qualname, nargs, kwargs) < 0) return -1;
  Value v = args[0];
  if (v_is_int(v) || v_is_bool(v)) {
    *out = v_int(v.as.i);
    return 0;
  }
  if (!v_is_float(v)) {
    if (fn == trunc)
      return vm_raise(ts, &TypeError_Type, "type %s doesn't define __trunc__ method",
                      v_type(v)->name);
    return vm_raise(ts, &TypeError_Type, "must be real number, not %s", v_type(v)->name);
  }
  return math_float_to_int(ts, fn(v.as.f), out);
}

static int math_floor(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  return to_int_with(ts, "math.floor", args, nargs, kwargs, floor, out);
}
static int math_ceil(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  return to_int_with(ts, "math.ceil", args, nargs, kwargs, ceil, out);
}
static int math_trunc(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  return to_int_with(ts, "math.trunc", args, nargs, kwargs, trunc, out);
}

/* ---- two-argument functions -------------------------------------------------------------- */

static int real_pair(TState *ts, const char *name, const Value *args, int nargs, Obj *kwargs,
                     double *x, double *y) {
  if (two_args(ts, name, nargs, kwargs) < 0) return -1;
  if (module_real_arg(ts, args[0], x) < 0 || module_real_arg(ts, args[1], y) < 0) return -1;
  return 0;
}

static int math_atan2(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  double x, y;
  if (real_pair(ts, "atan2", args, nargs, kwargs, &y, &x) < 0) return -1;
  *out = v_float(atan2(y, x));
  return 0;
}

static int math_copysign(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)self;
  double x, y;
  if (real_pair(ts, "copysign", args, nargs, kwargs, &x, &y) < 0) return -1;
  *out = v_float(copysign(x, y));
  return 0;
}

static int math_fmod(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  double x, y;
  if (real_pair(ts, "fmod", args, nargs, kwargs, &x, &y) < 0) return -1;
  /* fmod(x, inf) is x for finite x; fmod(inf, y) and fmod(x, 0) are domain errors. */
  if (isinf(y) && isfinite(x)) {
    *out = v_float(x);
    return 0;
  }
  double r = fmod(x, y);
  if (isnan(r) && !isnan(x) && !isnan(y)) return domain_error(ts);
  *out = v_float(r);
  return 0;
}

/* math.pow follows C99 Annex F except that CPython turns the cases C
 * reports as errors into exceptions. */
static int math_pow(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  double x, y;
  if (real_pair(ts, "pow", args, nargs, kwargs, &x, &y) < 0) return -1;
  if (!isfinite(x) || !isfinite(y)) {
    *out = v_float(pow(x, y));
    return 0;
  }
  if (x == 0.0 && y < 0.0) return domain_error(ts);
  if (x < 0.0 && y != floor(y)) return domain_error(ts);
  double r = pow(x, y);
  if (isinf(r)) return vm_raise(ts, &OverflowError_Type, "math range error");
  *out = v_float(r);
  return 0;
}

static int math_log(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "math.log() takes no keyword arguments");
  if (nargs < 1 || nargs > 2)
    return vm_raise(ts, &TypeError_Type, "math.log requires 1 to 2 arguments");
  double x, base = 0;
  if (module_real_arg(ts, args[0], &x) < 0) return -1;
  if (nargs == 2 && module_real_arg(ts, args[1], &base) < 0) return -1;
  if (isnan(x) || (nargs == 2 && isnan(base))) {
    *out = v_float(NAN);
    return 0;
  }
  if (x <= 0 || (nargs == 2 && base <= 0)) return domain_error(ts);
  double num = log(x);
  if (nargs == 1) {
    *out = v_float(num);
    return 0;
  }
  double den = log(base);
  if (den == 0) return vm_raise(ts, &ZeroDivisionError_Type, "float division by zero");
  *out = v_float(num / den);
  return 0;
}

static int math_modf(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  double x, ip;
  if (module_one_arg(ts, "math.modf", nargs, kwargs) < 0 || module_real_arg(ts, args[0], &x) < 0)
    return -1;
  double fp = isinf(x) ? copysign(0.0, x) : modf(x, &ip);
  if (isinf(x)) ip = x;
  Obj *t = tuple_pack(ts, 2, v_float(fp), v_float(ip));
  if (!t) return -1;
  *out = v_obj(t);
  return 0;
}

/* ---- predicates --------------------------------------------------------------------------- */

#define MATH_PRED(name, test)                                                               \
  static int math_##name(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, \
                         Value *out) {                                                      \
    (void)self;                                                                             \
    double x;                                                                               \
    if (module_one_arg(ts, "math." #name, nargs, kwargs) < 0 || module_real_arg(ts, args[0], &x) < 0) \
      return -1;                                                                            \
    *out = v_bool(test(x));                                                                 \
    return 0;                                                                               \
  }

MATH_PRED(isnan, isnan)
MATH_PRED(isinf, isinf)
MATH_PRED(isfinite, isfinite)

static int math_isclose(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)self;
  static const char *const names[] = {"a", "b", "rel_tol", "abs_tol"};
  Value a[4];
  double x, y, rel = 1e-09, abs_tol = 0.0;
  if (vm_parse_args(ts, "isclose", args, nargs, kwargs, names, 4, 2, 2, a) < 0) return -1;
  if (module_real_arg(ts, a[0], &x) < 0 || module_real_arg(ts, a[1], &y) < 0) return -1;
  if (!v_is_undef(a[2]) && module_real_arg(ts, a[2], &rel) < 0) return -1;
  if (!v_is_undef(a[3]) && module_real_arg(ts, a[3], &abs_tol) < 0) return -1;
  if (rel < 0.0 || abs_tol < 0.0)
    return vm_raise(ts, &ValueError_Type, "tolerances must be non-negative");
  if (x == y) {
    *out = v_bool(true);
    return 0;
  }
  if (isinf(x) || isinf(y)) {
    *out = v_bool(false);
    return 0;
  }
  double diff = fabs(y - x);
  *out = v_bool((diff <= fabs(rel * y)) || (diff <= fabs(rel * x)) || (diff <= abs_tol));
  return 0;
}

/* ---- integer functions --------------------------------------------------------------------- */

static int math_factorial(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)self;
  int64_t n = 0;
  if (module_one_arg(ts, "math.factorial", nargs, kwargs) < 0 || need_int(ts, args[0], &n) < 0)
    return -1;
  if (n < 0) return vm_raise(ts, &ValueError_Type, "factorial() not defined for negative values");
  /* 20! is the largest factorial an int64 holds; gild's ints are 64-bit. */
  if (n > 20) return vm_raise(ts, &OverflowError_Type, "factorial() result does not fit in 64 bits");
  int64_t r = 1;
  for (int64_t i = 2; i <= n; i++) r *= i;
  *out = v_int(r);
  return 0;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static int math_gcd(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "gcd() takes no keyword arguments");
  uint64_t g = 0;
  for (int i = 0; i < nargs; i++) {
    int64_t v = 0;
    if (need_int(ts, args[i], &v) < 0) return -1;
    g = gcd_u64(g, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
  }
  if (g > INT64_MAX) return vm_raise(ts, &OverflowError_Type, "gcd() result does not fit in 64 bits");
  *out = v_int((int64_t)g);
  return 0;
}

static int math_lcm(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "lcm() takes no keyword arguments");
  uint64_t l = 1;
  for (int i = 0; i < nargs; i++) {
    int64_t v = 0;
    if (need_int(ts, args[i], &v) < 0) return -1;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (l == 0 || a == 0) {
      l = 0;
      continue;
    }
    unsigned __int128 r = (unsigned __int128)(l / gcd_u64(l, a)) * a;
    if (r > INT64_MAX) return vm_raise(ts, &OverflowError_Type, "lcm() result does not fit in 64 bits");
    l = (uint64_t)r;
  }
  *out = v_int((int64_t)l);
  return 0;
}

static int math_isqrt(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  int64_t n = 0;
  if (module_one_arg(ts, "math.isqrt", nargs, kwargs) < 0 || need_int(ts, args[0], &n) < 0) return -1;
  if (n < 0) return vm_raise(ts, &ValueError_Type, "isqrt() argument must be nonnegative");
  /* the double estimate is within one of the answer; correct it exactly */
  uint64_t r = (uint64_t)sqrt((double)n);
  while (r > 0 && (unsigned __int128)r * r > (uint64_t)n) r--;
  while ((unsigned __int128)(r + 1) * (r + 1) <= (uint64_t)n) r++;
  *out = v_int((int64_t)r);
  return 0;
}

/* n! / (n-k)!, and divided by k! for comb; exact, 128-bit intermediates.
 * Dividing at each step keeps comb's partial products exact binomials. */
static int perm_comb(TState *ts, const char *name, int64_t n, int64_t k, bool comb, Value *out) {
  if (n < 0) return vm_raise(ts, &ValueError_Type, "n must be a non-negative integer");
  if (k < 0) return vm_raise(ts, &ValueError_Type, "k must be a non-negative integer");
  if (k > n) {
    *out = v_int(0);
    return 0;
  }
  if (comb && k > n - k) k = n - k;
  unsigned __int128 r = 1;
  for (int64_t i = 0; i < k; i++) {
    r *= (uint64_t)(n - i);
    if (comb) r /= (uint64_t)(i + 1);
    if (r > INT64_MAX)
      return vm_raise(ts, &OverflowError_Type, "%s() result does not fit in 64 bits", name);
  }
  *out = v_int((int64_t)r);
  return 0;
}

static int math_comb(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  int64_t n = 0, k = 0;
  if (two_args(ts, "comb", nargs, kwargs) < 0 || need_int(ts, args[0], &n) < 0 ||
      need_int(ts, args[1], &k) < 0)
    return -1;
  return perm_comb(ts, "comb", n, k, true, out);
}

static int math_perm(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "perm() takes no keyword arguments");
  if (nargs < 1) return vm_raise(ts, &TypeError_Type, "perm expected at least 1 argument, got %d", nargs);
  if (nargs > 2) return vm_raise(ts, &TypeError_Type, "perm expected at most 2 arguments, got %d", nargs);
  int64_t n = 0, k = 0;
  if (need_int(ts, args[0], &n) < 0) return -1;
  if (nargs == 2 && !v_is_none(args[1])) {
    if (need_int(ts, args[1], &k) < 0) return -1;
  } else {
    if (n < 0) return vm_raise(ts, &ValueError_Type, "n must be a non-negative integer");
    k = n;
  }
  return perm_comb(ts, "perm", n, k, false, out);
}

/* prod(iterable, /, *, start=1): the `*` operator, so ints overflow as
 * everywhere else and floats mix in. */
static int math_prod(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  Value acc = v_int(1);
  if (kwargs && ((DictObj *)kwargs)->used) {
    size_t pos = 0;
    Value k, v;
    while (dict_next(kwargs, &pos, &k, &v)) {
      if (!v_is_type(k, &StrType) || strcmp(as_str(k)->data, "start") != 0)
        return vm_raise(ts, &TypeError_Type, "'%s' is an invalid keyword argument for prod()",
                        v_is_type(k, &StrType) ? as_str(k)->data : "?");
      acc = v;
    }
  }
  if (nargs != 1)
    return vm_raise(ts, &TypeError_Type, "prod() takes exactly 1 positional argument (%d given)", nargs);
  v_incref(acc);
  Value it, item;
  if (vm_iter(ts, args[0], &it) < 0) {
    v_decref(acc);
    return -1;
  }
  int r;
  while ((r = vm_next(ts, it, &item)) > 0) {
    Value p;
    int rc = vm_binop(ts, BINOP_MUL, acc, item, &p);
    v_decref(item);
    if (rc < 0) {
      r = -1;
      break;
    }
    v_decref(acc);
    acc = p;
  }
  v_decref(it);
  if (r < 0) {
    v_decref(acc);
    return -1;
  }
  *out = acc;
  return 0;
}

static int math_hypot(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "hypot() takes no keyword arguments");
  double r = 0.0;
  bool inf = false, nan = false;
  for (int i = 0; i < nargs; i++) {
    double x;
    if (module_real_arg(ts, args[i], &x) < 0) return -1;
    inf |= isinf(x);
    nan |= isnan(x);
    r = hypot(r, x);
  }
  *out = v_float(inf ? INFINITY : nan ? NAN : r);
  return 0;
}

/* Shewchuk's exact summation of partials, as CPython's fsum (without its
 * special handling of intermediate overflow). */
static int fsum_add(TState *ts, double *partials, int *n, double x) {
  int i = 0;
  for (int j = 0; j < *n; j++) {
    double y = partials[j];
    if (fabs(x) < fabs(y)) {
      double t = x;
      x = y;
      y = t;
    }
    double hi = x + y, lo = y - (hi - x);
    if (lo != 0.0) partials[i++] = lo;
    x = hi;
  }
  if (i >= 64) return vm_raise(ts, &MemoryError_Type, "math.fsum partials");
  partials[i++] = x;
  *n = i;
  return 0;
}

static double fsum_result(const double *p, int n) {
  if (n == 0) return 0.0;
  double hi = p[--n], lo = 0;
  while (n > 0) {
    double x = hi, y = p[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo != 0.0) break;
  }
  /* Round half-even correctly when the rest of the partials tip it. */
  if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
    double y = lo * 2, x = hi + y;
    if (y == x - hi) hi = x;
  }
  return hi;
}

static int math_fsum(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  if (module_one_arg(ts, "math.fsum", nargs, kwargs) < 0) return -1;
  double partials[64];
  int n = 0;
  double special = 0.0;
  Value it, item;
  if (vm_iter(ts, args[0], &it) < 0) return -1;
  int r;
  while ((r = vm_next(ts, it, &item)) > 0) {
    double x;
    int rc = module_real_arg(ts, item, &x);
    v_decref(item);
    if (rc < 0) break;
    if (!isfinite(x)) special += x;
    else if (fsum_add(ts, partials, &n, x) < 0) rc = -1;
    if (rc < 0) {
      r = -1;
      break;
    }
  }
  v_decref(it);
  if (r < 0) return -1;
  if (special != 0.0 || isnan(special)) {
    if (isnan(special)) return vm_raise(ts, &ValueError_Type, "-inf + inf in fsum");
    *out = v_float(special);
    return 0;
  }
  *out = v_float(fsum_result(partials, n));
  return 0;
}

static const MethodDef math_functions[] = {
    {"sqrt", math_sqrt},   {"exp", math_exp},         {"log", math_log},
    {"log2", math_log2},   {"log10", math_log10},     {"sin", math_sin},
    {"cos", math_cos},     {"tan", math_tan},         {"asin", math_asin},
    {"acos", math_acos},   {"atan", math_atan},       {"atan2", math_atan2},
    {"sinh", math_sinh},   {"cosh", math_cosh},       {"tanh", math_tanh},
    {"fabs", math_fabs},   {"degrees", math_degrees}, {"radians", math_radians},
    {"floor", math_floor}, {"ceil", math_ceil},       {"trunc", math_trunc},
    {"pow", math_pow},     {"fmod", math_fmod},       {"copysign", math_copysign},
    {"modf", math_modf},   {"isnan", math_isnan},     {"isinf", math_isinf},
    {"isfinite", math_isfinite}, {"isclose", math_isclose}, {"factorial", math_factorial},
    {"gcd", math_gcd},     {"hypot", math_hypot},     {"fsum", math_fsum},
    {"lcm", math_lcm},     {"isqrt", math_isqrt},     {"comb", math_comb},
    {"perm", math_perm},   {"prod", math_prod},
    {NULL, NULL},
};

static int math_init(TState *ts, Obj *m) {
  if (module_add_functions(ts, m, math_functions) < 0) return -1;
  if (module_add(ts, m, "pi", v_float(M_PI)) < 0 || module_add(ts, m, "e", v_float(M_E)) < 0 ||
      module_add(ts, m, "tau", v_float(2 * M_PI)) < 0 ||
      module_add(ts, m, "inf", v_float(INFINITY)) < 0 || module_add(ts, m, "nan", v_float(NAN)) < 0)
    return -1;
  return 0;
}

const NativeModuleDef mod_math_def = {"math", math_init};
