/*
 * debug.h - the GIL's debug endpoints, answered on the loop thread:
 * GET /debug/gil (the dashboard page, compiled into the binary) and
 * GET /debug/gil/trace?seconds=N (a GIL timeline in Chrome trace-event
 * JSON, recorded by the runtime's trace_start/trace_stop for N seconds).
 *
 * A trace does not block anything: the request waits on a uv_timer while
 * the loop serves everything else, then `done` gets the JSON. One trace
 * runs at a time.
 */
#ifndef GILD_DEBUG_H
#define GILD_DEBUG_H

#include <stddef.h>
#include <uv.h>
#include "handler.h"

/* The dashboard page's bytes. */
void gild_debug_dashboard(const unsigned char **data, size_t *len);

/* Called on the loop thread when a trace ends, with the recorded JSON
 * (which the callee may take over: set json->data to NULL). */
typedef void (*gild_trace_done_cb)(void *req, gild_buf *json);

typedef struct gild_trace {
  uv_timer_t timer;
  gild_handler_ops *ops;
  double max_seconds;
  void *req;            /* the waiting request, NULL when none */
  gild_trace_done_cb done;
  int ready;            /* timer initialised, not closed */
} gild_trace;

void gild_trace_init(gild_trace *t, uv_loop_t *loop, gild_handler_ops *ops, double max_seconds);

/* Starts a trace for the request with query `query` (?seconds=N). Returns
 * 0 when recording started (`done` is called later), else the status to
 * answer now: 400 (N missing or not in (0, max]; `why` says what is
 * wrong), 404 (the runtime has no tracer), 409 (a trace is running). */
int gild_trace_begin(gild_trace *t, const char *query, size_t query_len, void *req,
                     gild_trace_done_cb done, char *why, size_t whylen);

/* Ends a running trace now (drain, shutdown); its request gets what was
 * recorded so far. */
void gild_trace_finish(gild_trace *t);

/* Finishes any trace and closes the timer; the loop must run once more. */
void gild_trace_close(gild_trace *t);

#endif
