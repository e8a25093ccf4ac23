/*
 * test_set_order.c - sets of ints iterate (and print) in CPython 3.11's
 * order: after adds, after discards and re-adds (dummy reuse, resizes),
 * and through pop(). Expected reprs recorded by gen_cases.py.
 */
#include <stdint.h>

#include "vmunit.h"

typedef struct {
  const int64_t *seq;
  size_t n;
  const char *after_add, *after_edit, *after_pop;
} SetCase;

#include "set_cases.h"

static TState *ts;

static void expect_repr(Value v, const char *want, const char *what) {
  Value r = v_undef();
  int rc = vm_repr(ts, v, &r);
  vmunit_expect_str(ts, rc, r, want, what);
}

static int call_method(Value self, const char *name, Value arg, Value *out) {
  const MethodDef *m = vm_find_method(self, str_intern(name));
  if (!m) return -1;
  return m->fn(ts, self, &arg, v_is_undef(arg) ? 0 : 1, NULL, out);
}

static void run_case(const SetCase *c) {
  Obj *s = set_new(ts);
  for (size_t i = 0; i < c->n; i++) set_add(ts, s, v_int(c->seq[i]));
  expect_repr(v_obj(s), c->after_add, "after add");
  /* after = set(s); discard every 3rd; add v+1 for every 5th */
  Value copy, r;
  VMUNIT_CHECK(call_method(v_obj(s), "copy", v_undef(), &copy) == 0);
  for (size_t i = 0; i < c->n; i += 3) {
    VMUNIT_CHECK(call_method(copy, "discard", v_int(c->seq[i]), &r) == 0);
  }
  for (size_t i = 0; i < c->n; i += 5) set_add(ts, copy.as.o, v_int(c->seq[i] + 1));
  expect_repr(copy, c->after_edit, "after discard/add");
  v_decref(copy);
  /* popped = set(s); three pops */
  Value popped;
  VMUNIT_CHECK(call_method(v_obj(s), "copy", v_undef(), &popped) == 0);
  char buf[8192] = "[";
  size_t npop = c->n < 3 ? c->n : 3;
  for (size_t i = 0; i < npop; i++) {
    Value item, ir;
    VMUNIT_CHECK(call_method(popped, "pop", v_undef(), &item) == 0);
    vm_repr(ts, item, &ir);
    if (i) strcat(buf, ", ");
    strcat(buf, as_str(ir)->data);
    v_decref(ir);
  }
  strcat(buf, "] ");
  Value pr;
  vm_repr(ts, popped, &pr);
  strncat(buf, as_str(pr)->data, sizeof buf - strlen(buf) - 1);
  v_decref(pr);
  vmunit_checks++;
  if (strcmp(buf, c->after_pop) != 0) {
    vmunit_failures++;
    fprintf(stderr, "FAIL pop: got %s, want %s\n", buf, c->after_pop);
  }
  v_decref(popped);
  obj_decref(s);
}

int main(void) {
  ts = vmunit_setup();
  for (size_t i = 0; i < sizeof set_cases / sizeof set_cases[0]; i++) run_case(&set_cases[i]);
  return vmunit_finish("test_set_order");
}
