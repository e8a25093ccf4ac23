/*
 * buf.c - gild_buf: append and printf into a growable buffer (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gild_buf_init(gild_buf *b) {
  memset(b, 0, sizeof(*b));
}

void gild_buf_free(gild_buf *b) {
  free(b->data);
  gild_buf_init(b);
}

void gild_buf_reset(gild_buf *b) {
  b->len = 0;
  b->oom = 0;
}

int gild_buf_reserve(gild_buf *b, size_t more) {
  size_t need, ncap;
  char *nd;
  if (b->oom)
    return GILD_ENOMEM;
  if (more > SIZE_MAX - b->len - 1)
    goto fail;
  /* One spare byte so printf's terminating NUL always fits. */
  need = b->len + more + 1;
  if (need <= b->cap)
    return 0;
  ncap = b->cap ? b->cap : 4096;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2)
      goto fail;
    ncap *= 2;
  }
  nd = realloc(b->data, ncap);
  if (nd == NULL)
    goto fail;
  b->data = nd;
  b->cap = ncap;
  return 0;
fail:
  b->oom = 1;
  return GILD_ENOMEM;
}

void gild_buf_append(gild_buf *b, const void *data, size_t len) {
  if (len == 0 || gild_buf_reserve(b, len) != 0)
    return;
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

void gild_buf_printf(gild_buf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  if (b->oom)
    return;
  /* Try in the space already there; most lines fit, so one vsnprintf. */
  if (b->cap > b->len) {
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
      return;
    if ((size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
  } else {
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
      return;
  }
  if (gild_buf_reserve(b, (size_t)n) != 0)
    return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}
