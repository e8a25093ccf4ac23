/*
 * test_format.c - vm_format, format_percent and format_str_format against
 * outputs recorded from CPython 3.11 (format_cases.h, by gen_cases.py).
 */
#include <math.h>
#include <stdint.h>

#include "methods.h"
#include "vmunit.h"

typedef struct { int64_t v; const char *spec, *want; } IntCase;
typedef struct { double v; const char *spec, *want; } FloatCase;
typedef struct { const char *v, *spec, *want; } StrCase;

static TState *ts;
static Value S(const char *s) { return v_obj(str_from_cstr(ts, s)); }

static void check_format(Value v, const char *spec, const char *want) {
  Obj *sp = str_from_cstr(ts, spec);
  Value out = v_undef();
  int rc = vm_format(ts, v, sp, &out);
  char what[128];
  snprintf(what, sizeof what, "format(%s, '%s')", v_type(v)->name, spec);
  vmunit_expect_str(ts, rc, out, want, what);
  obj_decref(sp);
}

static void check_percent(const char *fmt, Value *args, int n, const char *want) {
  Value f = S(fmt);
  Obj *t = tuple_new(ts, (size_t)n);
  for (int i = 0; i < n; i++) as_tuple(v_obj(t))->items[i] = args[i];
  Value out = v_undef();
  int rc = format_percent(ts, f, v_obj(t), &out);
  vmunit_expect_str(ts, rc, out, want, fmt);
  obj_decref(t);
  v_decref(f);
}

static void check_str_format(const char *fmt, Value *args, int n, const char *want) {
  Value f = S(fmt);
  Value out = v_undef();
  int rc = format_str_format(ts, f.as.o, args, n, NULL, &out);
  vmunit_expect_str(ts, rc, out, want, fmt);
  for (int i = 0; i < n; i++) v_decref(args[i]);
  v_decref(f);
}

#include "format_cases.h"

/* Errors: the exception type and CPython's message. */
static void check_format_error(Value v, const char *spec, Type *type, const char *msg) {
  Obj *sp = str_from_cstr(ts, spec);
  Value out;
  vmunit_checks++;
  if (vm_format(ts, v, sp, &out) == 0) {
    vmunit_failures++;
    fprintf(stderr, "FAIL format('%s') did not raise\n", spec);
    v_decref(out);
  } else {
    char buf[256], want[256];
    bool type_ok = vm_exc_matches(ts, type);
    snprintf(want, sizeof want, "%s: %s", type->name, msg);
    vmunit_exc_text(ts, buf, sizeof buf);
    if (!type_ok || strcmp(buf, want) != 0) {
      vmunit_failures++;
      fprintf(stderr, "FAIL format('%s'): got %s, want %s\n", spec, buf, want);
    }
  }
  obj_decref(sp);
}

int main(void) {
  ts = vmunit_setup();
  for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++)
    check_format(v_int(int_cases[i].v), int_cases[i].spec, int_cases[i].want);
  for (size_t i = 0; i < sizeof float_cases / sizeof float_cases[0]; i++)
    check_format(v_float(float_cases[i].v), float_cases[i].spec, float_cases[i].want);
  for (size_t i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++) {
    Value s = S(str_cases[i].v);
    check_format(s, str_cases[i].spec, str_cases[i].want);
    v_decref(s);
  }
  check_format(v_bool(true), "", "True");
  check_format(v_bool(true), ">5", "    1");
  check_format(v_none(), "", "None");
  run_percent_cases();
  run_strformat_cases();
  check_format_error(v_none(), ">3", &TypeError_Type,
                     "unsupported format string passed to NoneType.__format__");
  check_format_error(v_int(5), "abc", &ValueError_Type,
                     "Invalid format specifier 'abc' for object of type 'int'");
  check_format_error(v_int(5), ",x", &ValueError_Type, "Cannot specify ',' with 'x'.");
  check_format_error(v_int(5), ",_", &ValueError_Type, "Cannot specify both ',' and '_'.");
  check_format_error(v_int(5), ".2", &ValueError_Type,
                     "Precision not allowed in integer format specifier");
  check_format_error(v_int(-1), "c", &OverflowError_Type, "%c arg not in range(0x110000)");
  check_format_error(v_float(1.0), "d", &ValueError_Type,
                     "Unknown format code 'd' for object of type 'float'");
  check_format_error(v_int(1), ".", &ValueError_Type, "Format specifier missing precision");
  return vmunit_finish("test_format");
}
