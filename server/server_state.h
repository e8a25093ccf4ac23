/*
 * server_state.h - the server object shared by server.c (loop, listener,
 * signals, drain) and conn.c (connections, HTTP). Loop thread only, except
 * what pool.c hands to workers.
 */
#ifndef GILD_SERVER_STATE_H
#define GILD_SERVER_STATE_H

#include <stdint.h>
#include <uv.h>
#include "config.h"
#include "debug.h"
#include "handler.h"
#include "log.h"
#include "metrics.h"
#include "pool.h"
#include "response.h"
#include "router.h"
#include "server.h"

typedef struct gild_conn gild_conn;

struct gild_server {
  const gild_config *cfg;
  gild_handler_ops *ops;
  gild_log *log;
  gild_router *router;
  gild_pool *pool;
  gild_metrics *metrics;   /* NULL when the metrics endpoint is off */
  gild_trace trace;        /* GET /debug/gil/trace; trace.ready once set up */

  uv_loop_t loop;
  uv_tcp_t listener;
  uv_signal_t sigterm, sigint;
  uv_timer_t date_timer;
  uv_timer_t drain_timer;
  uv_idle_t log_idle;      /* flushes the access log's batch, once a pass */
  int loop_ready, listening, handles_ready, loaded;

  char date[GILD_HTTP_DATE_LEN + 1]; /* refreshed once a second */
  size_t healthz_len, metrics_len, dashboard_len, trace_len;

  gild_conn *conns;        /* all open connections, for the drain */
  size_t n_conns;
  uint64_t inflight;       /* requests handed to the pool, not yet back */
  uint64_t next_request_id;
  uint64_t accept_err_ms;   /* last accept error logged, to rate-limit */
  int draining;
  int forced;              /* drain timed out or a second signal came */
  int stopped;             /* pool stopped, handles closing */

  char read_buf[65536];    /* shared: parsing is synchronous in read_cb */
  gild_route_match match;  /* scratch for the router, loop thread only */
};

/* server.c: the access log's batch just got its first line; it is written
 * at the start of the next loop pass. */
void gild_server_log_pending(gild_server *s);

/* server.c: called by conn.c when a connection closed or an orphaned
 * request came back; finishes a drain once nothing is left. */
void gild_server_check_drained(gild_server *s);

#endif
