/*
 * unit.h - the unit tests' whole framework: CHECK records a failure and
 * goes on, so one run reports every broken expectation; main returns
 * unit_exit() so ctest sees the failure.
 */
#ifndef GILD_UNIT_H
#define GILD_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;

#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
      unit_failures++;                                                          \
    }                                                                           \
  } while (0)

#define CHECK_STR(got, want)                                                    \
  do {                                                                          \
    const char *g_ = (got), *w_ = (want);                                       \
    if (!g_ || strcmp(g_, w_) != 0) {                                           \
      fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:  %s\n  want: %s\n",  \
              __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_);                \
      unit_failures++;                                                          \
    }                                                                           \
  } while (0)

#define CHECK_CONTAINS(hay, needle)                                             \
  do {                                                                          \
    const char *h_ = (hay), *n_ = (needle);                                     \
    if (!h_ || !strstr(h_, n_)) {                                               \
      fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: %s\n  in:   %s\n  want: %s\n", \
              __FILE__, __LINE__, #hay, h_ ? h_ : "(null)", n_);                \
      unit_failures++;                                                          \
    }                                                                           \
  } while (0)

static inline int unit_exit(const char *name) {
  if (unit_failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, unit_failures);
    return 1;
  }
  printf("%s: all checks passed\n", name);
  return 0;
}

#endif
