/*
 * vmunit.h - a minimal harness for unit tests of vm/ objects: a thread
 * state on a zeroed interpreter (enough for allocation, errors and the
 * object layer, without the compiler or interpreter), and check macros
 * that count failures. main() returns the failure count's truth value.
 */
#ifndef GILD_VMUNIT_H
#define GILD_VMUNIT_H

#include <stdio.h>
#include <string.h>

#include "object.h"
#include "vm.h"

static Interp vmunit_interp;
static TState vmunit_ts;
static int vmunit_failures, vmunit_checks;

static inline TState *vmunit_setup(void) {
  vmunit_ts.interp = &vmunit_interp;
  vmunit_ts.exc = v_undef();
  vmunit_ts.handled = v_undef();
  if (vm_types_init(&vmunit_ts) < 0) {
    fprintf(stderr, "vm_types_init failed\n");
    vmunit_failures++;
  }
  return &vmunit_ts;
}

/* The pending exception as "Type: message", for failure reports. */
static inline const char *vmunit_exc_text(TState *ts, char *buf, size_t n) {
  Value e = vm_exc_fetch(ts);
  if (v_is_undef(e)) { snprintf(buf, n, "(no exception)"); return buf; }
  Value s;
  if (vm_str(ts, e, &s) == 0) {
    snprintf(buf, n, "%s: %s", v_type(e)->name, as_str(s)->data);
    v_decref(s);
  } else {
    vm_exc_clear(ts);
    snprintf(buf, n, "%s", v_type(e)->name);
  }
  v_decref(e);
  return buf;
}

/* Compares a str result (consumed) with the expected UTF-8 text. */
static inline void vmunit_expect_str(TState *ts, int rc, Value got, const char *want, const char *what) {
  vmunit_checks++;
  char buf[512];
  if (rc < 0) {
    vmunit_failures++;
    fprintf(stderr, "FAIL %s: raised %s, want '%s'\n", what, vmunit_exc_text(ts, buf, sizeof buf), want);
    return;
  }
  if (!v_is_type(got, &StrType) || strcmp(as_str(got)->data, want) != 0) {
    vmunit_failures++;
    fprintf(stderr, "FAIL %s: got '%s', want '%s'\n", what,
            v_is_type(got, &StrType) ? as_str(got)->data : "(not a str)", want);
  }
  v_decref(got);
}

#define VMUNIT_CHECK(cond)                                                        \
  do {                                                                            \
    vmunit_checks++;                                                              \
    if (!(cond)) {                                                                \
      vmunit_failures++;                                                          \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
    }                                                                             \
  } while (0)

static inline int vmunit_finish(const char *name) {
  printf("%s: %d checks, %d failures\n", name, vmunit_checks, vmunit_failures);
  return vmunit_failures ? 1 : 0;
}

#endif
