/*
 * debug.c - GET /debug/gil and GET /debug/gil/trace (see debug.h).
 */
#include "debug.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* The page's bytes come from the build (dashboard.h); binaries without
 * them get dashboard_fallback.c's stand-in. */
#include "dashboard.h"

void gild_debug_dashboard(const unsigned char **data, size_t *len) {
  *data = gild_dashboard_html;
  *len = gild_dashboard_html_len;
}

void gild_trace_init(gild_trace *t, uv_loop_t *loop, gild_handler_ops *ops, double max_seconds) {
  memset(t, 0, sizeof(*t));
  uv_timer_init(loop, &t->timer);
  t->timer.data = t;
  t->ops = ops;
  t->max_seconds = max_seconds;
  t->ready = 1;
}

/* The value of `seconds` in a query string as a number, or -1 when it is
 * absent or not a plain decimal ("2", "0.5"): no signs, exponents, hex,
 * "inf" or "nan", which strtod alone would take. */
static double trace_seconds(const char *q, size_t len) {
  const char *end = q + len, *p = q;
  while (p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *stop = amp ? amp : end;
    if (stop - p > 8 && memcmp(p, "seconds=", 8) == 0) {
      char num[32];
      size_t n = (size_t)(stop - p - 8), i;
      int dots = 0, digits = 0;
      if (n >= sizeof(num))
        return -1;
      memcpy(num, p + 8, n);
      num[n] = '\0';
      for (i = 0; i < n; i++) {
        if (num[i] == '.')
          dots++;
        else if (num[i] >= '0' && num[i] <= '9')
          digits++;
        else
          return -1;
      }
      if (dots > 1 || digits == 0)
        return -1;
      return strtod(num, NULL);
    }
    p = stop + 1;
  }
  return -1;
}

static void trace_end(gild_trace *t) {
  gild_buf json;
  void *req = t->req;
  if (req == NULL)
    return;
  t->req = NULL;
  uv_timer_stop(&t->timer);
  gild_buf_init(&json);
  t->ops->trace_stop(t->ops->ctx, &json);
  t->done(req, &json);
  gild_buf_free(&json);
}

static void trace_on_timer(uv_timer_t *h) {
  trace_end(h->data);
}

int gild_trace_begin(gild_trace *t, const char *query, size_t query_len, void *req,
                     gild_trace_done_cb done, char *why, size_t whylen) {
  double secs = trace_seconds(query, query_len);
  if (whylen)
    why[0] = '\0';
  if (!(secs > 0 && secs <= t->max_seconds)) {
    snprintf(why, whylen, "expected ?seconds=N with N a decimal number in (0, %g]\n",
             t->max_seconds);
    return 400;
  }
  if (t->ops->trace_start == NULL || t->ops->trace_stop == NULL)
    return 404;
  if (t->req != NULL || t->ops->trace_start(t->ops->ctx) != 0)
    return 409;
  t->req = req;
  t->done = done;
  uv_timer_start(&t->timer, trace_on_timer, (uint64_t)ceil(secs * 1000.0), 0);
  return 0;
}

void gild_trace_finish(gild_trace *t) {
  trace_end(t);
}

static void trace_on_close(uv_handle_t *h) {
  (void)h;
}

void gild_trace_close(gild_trace *t) {
  if (!t->ready)
    return;
  trace_end(t);
  uv_close((uv_handle_t *)&t->timer, trace_on_close);
  t->ready = 0;
}
