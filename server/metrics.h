/*
 * metrics.h - the server's own Prometheus metrics (text format 0.0.4):
 * requests and their durations per route, the GIL and I/O time each route
 * cost (from the runtime's per-request gild_timing), connections, the pool
 * queue, the errors the server answers itself, and the process.
 *
 * Everything here is updated and read on the loop thread only: responses
 * are finalised there (conn_flush), so plain counters suffice; nothing a
 * worker writes is kept here. The runtime's metrics (gild_gil_*, per-worker
 * gild_worker_gil_*, the VM's) are appended after these by ops->write_metrics.
 *
 * Route label: the configured pattern ("/users/{id}"), the method being a
 * label of its own; routes sharing a pattern under different methods share
 * the route's series. Built-in endpoints (/healthz, /metrics, /debug/gil,
 * /debug/gil/trace) are routes labelled with their configured path.
 * Requests that matched no route (404, 405, bad requests, timeouts) have
 * route="none"; a request that failed before its method was read has
 * method="none".
 */
#ifndef GILD_METRICS_H
#define GILD_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "handler.h"

typedef struct gild_metrics gild_metrics;

/* The route slot of requests that matched nothing. */
#define GILD_METRICS_NO_ROUTE 0

int gild_metrics_create(gild_metrics **out, const gild_config *cfg);
void gild_metrics_free(gild_metrics *m);

/* The slot of the config's route number `route_index`. */
int gild_metrics_route(const gild_metrics *m, size_t route_index);
/* The slot of a built-in endpoint by its configured path (registered at
 * create for healthz, metrics, dashboard and trace), or NO_ROUTE. */
int gild_metrics_builtin(const gild_metrics *m, const char *path);

/* One response written: `method` is a static string or NULL ("none");
 * `timing` is the runtime's report or NULL (answered by the loop). */
void gild_metrics_response(gild_metrics *m, int route, const char *method, int status,
                           uint64_t duration_ns, const gild_timing *timing);
/* An error answered by the server itself (not by a handler); `reason` is
 * a static string: "header_too_large", "queue_full", ... */
void gild_metrics_error(gild_metrics *m, int status, const char *reason);
void gild_metrics_accepted(gild_metrics *m);
/* Time a request spent between submit and a worker taking it. */
void gild_metrics_queue_wait(gild_metrics *m, uint64_t ns);

/* Gauges the server knows at the time of the scrape. */
typedef struct gild_metrics_gauges {
  uint64_t connections_open;
  uint64_t queue_depth;
  uint64_t in_flight;
} gild_metrics_gauges;

/* Appends every server and process metric to out. */
void gild_metrics_write(const gild_metrics *m, const gild_metrics_gauges *g, gild_buf *out);

/* Appends `s` with '\', '"' and newline escaped as label values need. */
void gild_metrics_label_value(gild_buf *out, const char *s);

#endif
