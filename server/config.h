/*
 * config.h - gild's configuration: defaults, the JSON file (jansson), and
 * command-line overrides. Every value the server uses lives here, already
 * validated; nothing else in server/ reads JSON or argv.
 */
#ifndef GILD_CONFIG_H
#define GILD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef struct gild_route_conf {
  char *method;   /* "GET" */
  char *pattern;  /* "/users/{id}" */
  char *handler;  /* "app.user" */
  int line, column; /* where it was written in the file, for errors */
} gild_route_conf;

typedef enum { GILD_LOG_DEBUG, GILD_LOG_INFO, GILD_LOG_WARN, GILD_LOG_ERROR } gild_log_level;

typedef struct gild_config {
  char *path;               /* file it was read from, or NULL */
  char *listen_host;        /* "127.0.0.1" */
  int listen_port;          /* 8080; 0 = ephemeral */
  int threads;              /* worker threads, default 8, 1..256 */
  int backlog;              /* listen backlog, default 511 */
  int max_connections;      /* default 10000 */
  int queue_size;           /* bounded request queue, default 1024 */
  char *handler_dir;        /* "handlers", relative to the config file's dir */

  /* limits */
  size_t max_header_bytes;  /* request line + headers, default 16384 -> 431 */
  size_t max_url_bytes;     /* default 8192 -> 414 */
  size_t max_body_bytes;    /* default 1048576 -> 413 */
  int max_headers;          /* default 100 -> 431 */

  /* timeouts, milliseconds */
  uint64_t header_timeout_ms;    /* default 10000 -> 408 */
  uint64_t keepalive_timeout_ms; /* default 5000 */
  uint64_t write_timeout_ms;     /* default 10000 */
  uint64_t body_timeout_ms;      /* default 30000: body must arrive within */
  uint64_t drain_timeout_ms;     /* graceful shutdown bound, default 10000 */
  uint64_t handler_timeout_ms;   /* default 30000 (enforced by the runtime) */
  int retry_after_s;             /* Retry-After on 503 when the queue is full, default 1 */

  /* logging */
  char *access_log;         /* "-" = stdout, NULL/"off" = none, else a file */
  char *error_log;          /* "-" = stderr, else a file */
  gild_log_level log_level; /* default info */

  /* built-in endpoints answered by the loop thread */
  char *healthz_path;       /* default "/healthz", NULL = off */
  char *metrics_path;       /* default "/metrics", NULL = off */
  char *dashboard_path;     /* GIL dashboard page, default "/debug/gil", NULL = off */
  char *trace_path;         /* GIL timeline, default "/debug/gil/trace", NULL = off */
  double trace_max_seconds; /* longest ?seconds= a trace may ask, default 10 */

  /* per-request instrumentation */
  int server_timing;        /* Server-Timing header on handler answers, default 1 */

  /* the scheduler slice the loop and worker threads ask for (Linux >= 6.12),
   * microseconds; default 100, 0 = the kernel's default (thread_sched.h) */
  int sched_slice_us;
  /* ... and the one a worker asks for while it runs CPU-bound work (the GIL
   * policy io-priority says which): longer, so that the short-slice threads
   * preempt it at once; default 3000, 0 = off (it keeps sched_slice_us) */
  int sched_cpu_slice_us;
  /* the event-loop thread's nice value (-20..19), like nginx's
   * worker_priority; below 0 needs CAP_SYS_NICE or RLIMIT_NICE, else gild
   * logs a warning and keeps the one it has; default 0 */
  int loop_nice;

  /* GIL (filled by the GIL issue) */
  char *gil_policy;          /* "cpython" */
  double gil_switch_interval;/* seconds, default 0.005 */

  gild_route_conf *routes;
  size_t n_routes;
} gild_config;

/* Fills every field with its default. */
void gild_config_defaults(gild_config *c);
/* Reads a JSON file over the current values. On error returns a negative
 * code and writes "FILE:LINE:COL: key 'limits.max_body_bytes': expected an
 * integer in 1..1073741824" into err. */
int gild_config_load_file(gild_config *c, const char *path, char *err, size_t errlen);
/* Command-line overrides: `--listen 127.0.0.1:0` etc. */
int gild_config_set_listen(gild_config *c, const char *addr_port, char *err, size_t errlen);
void gild_config_free(gild_config *c);

#endif
