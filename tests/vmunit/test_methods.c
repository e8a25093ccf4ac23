/*
 * test_methods.c - str, bytes, list, tuple and dict methods called
 * directly (no compiler needed), against CPython 3.11's results recorded
 * by gen_method_cases.py: "repr(result) | repr(receiver afterwards)", or
 * "ExceptionType: message".
 */
#include <stdarg.h>
#include <stdint.h>

#include "vmunit.h"

static TState *ts;

static Value S(const char *s) { return v_obj(str_from_cstr(ts, s)); }
static Value BY(const char *s, size_t n) { return v_obj(bytes_new(ts, s, n)); }

/* Containers take ownership of the item values passed in. */
static Value LI(int n, ...) {
  va_list ap;
  va_start(ap, n);
  Obj *l = list_new(ts, (size_t)n);
  for (int i = 0; i < n; i++) ((ListObj *)l)->items[i] = va_arg(ap, Value);
  va_end(ap);
  return v_obj(l);
}

static Value TU(int n, ...) {
  va_list ap;
  va_start(ap, n);
  Obj *t = tuple_new(ts, (size_t)n);
  for (int i = 0; i < n; i++) ((TupleObj *)t)->items[i] = va_arg(ap, Value);
  va_end(ap);
  return v_obj(t);
}

static Value DI(int n, ...) {
  va_list ap;
  va_start(ap, n);
  Obj *d = dict_new(ts);
  for (int i = 0; i < n; i++) {
    Value k = va_arg(ap, Value), v = va_arg(ap, Value);
    dict_set(ts, d, k, v);
    v_decref(k);
    v_decref(v);
  }
  va_end(ap);
  return v_obj(d);
}

static Value SE(int n, ...) {
  va_list ap;
  va_start(ap, n);
  Obj *s = set_new(ts);
  for (int i = 0; i < n; i++) {
    Value k = va_arg(ap, Value);
    set_add(ts, s, k);
    v_decref(k);
  }
  va_end(ap);
  return v_obj(s);
}

static Value RA(int64_t a, int64_t b, int64_t c) { return v_obj(range_new(ts, a, b, c)); }

static void check_method(Value recv, const char *name, Value *args, int nargs, Obj *kwargs,
                         const char *want) {
  char got[4096], buf[1024];
  const MethodDef *m = vm_find_method(recv, str_intern(name));
  vmunit_checks++;
  if (!m) {
    vmunit_failures++;
    fprintf(stderr, "FAIL %s.%s: no such method\n", v_type(recv)->name, name);
    return;
  }
  Value out;
  if (m->fn(ts, recv, args, nargs, kwargs, &out) < 0) {
    snprintf(got, sizeof got, "%s", vmunit_exc_text(ts, buf, sizeof buf));
  } else {
    Value r1, r2;
    vm_repr(ts, out, &r1);
    vm_repr(ts, recv, &r2);
    snprintf(got, sizeof got, "%s | %s", as_str(r1)->data, as_str(r2)->data);
    v_decref(r1);
    v_decref(r2);
    v_decref(out);
  }
  if (strcmp(got, want) != 0) {
    vmunit_failures++;
    fprintf(stderr, "FAIL %s.%s:\n  got  %s\n  want %s\n", v_type(recv)->name, name, got, want);
  }
  for (int i = 0; i < nargs; i++) v_decref(args[i]);
  if (!nargs) v_decref(args[0]);
  if (kwargs) obj_decref(kwargs);
  v_decref(recv);
}

#include "method_cases.h"

int main(void) {
  ts = vmunit_setup();
  run_method_cases();
  return vmunit_finish("test_methods");
}
