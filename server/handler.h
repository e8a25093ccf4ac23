/*
 * handler.h - the boundary between server/ and whatever runs request handlers.
 *
 * server/ knows nothing about the VM. At start-up it asks a handler runtime
 * (a `gild_handler_ops` table) to load, to resolve each route's handler name
 * ("app.hello") into an opaque handle, and to set up one state per worker
 * thread. Per request, a worker thread calls `handle` with a read-only
 * `gild_request` (everything points into server-owned memory that stays valid
 * for the call) and fills a `gild_response` through the gild_response_* calls
 * below, which copy what they are given. The runtime never sees libuv, a
 * connection or a socket; the server never sees a VM object.
 *
 * Errors are negative return codes (GILD_E*), as in libuv.
 */
#ifndef GILD_HANDLER_H
#define GILD_HANDLER_H

#include <stddef.h>
#include <stdint.h>

#define GILD_OK 0
#define GILD_EINVAL (-22)   /* bad argument, e.g. CR/LF in a header */
#define GILD_ENOMEM (-12)
#define GILD_ENOENT (-2)    /* handler name does not resolve */
#define GILD_ETIMEDOUT (-110)

typedef struct gild_str {
  const char *ptr;
  size_t len;
} gild_str;

typedef struct gild_kv {
  gild_str name;   /* header names are lower-cased by the server */
  gild_str value;
} gild_kv;

typedef struct gild_request {
  gild_str method;        /* "GET" */
  gild_str path;          /* percent-decoded path, no query */
  gild_str raw_path;      /* path as sent */
  gild_str query;         /* raw query string without '?', may be empty */
  const gild_kv *headers; /* in arrival order, names lower-case */
  size_t n_headers;
  gild_str body;          /* de-chunked body, may be empty */
  const gild_kv *params;  /* path parameters from the route, percent-decoded */
  size_t n_params;
  gild_str remote;        /* "127.0.0.1:54321" */
  gild_str route;         /* the route pattern that matched, "GET /users/{id}" */
  void *handler;          /* the handle `resolve` returned for this route */
  uint64_t id;            /* server-wide request number */
} gild_request;

/* Owned by the server; filled by the runtime through the calls below. */
typedef struct gild_response gild_response;

void gild_response_set_status(gild_response *r, int status);
/* Copies name and value. Refuses (GILD_EINVAL) names that are not HTTP
 * tokens and values containing CR, LF or NUL; nothing is added then. */
int gild_response_add_header(gild_response *r, const char *name, size_t name_len,
                             const char *value, size_t value_len);
/* Replaces the body with a copy of [data, data+len). */
int gild_response_set_body(gild_response *r, const void *data, size_t len);
/* Appends to the body. */
int gild_response_append_body(gild_response *r, const void *data, size_t len);

/* Per-request cost the runtime reports back (copied, like everything in a
 * response): GIL wait, GIL held, and time spent with the GIL released in
 * blocking calls. The server turns it into the Server-Timing header, the
 * access log and the per-route metrics. */
typedef struct gild_timing {
  uint64_t gil_wait_ns;
  uint64_t gil_held_ns;
  uint64_t io_ns;
  int worker;  /* worker index that ran it, -1 if none */
} gild_timing;
void gild_response_set_timing(gild_response *r, const gild_timing *t);

/* Percent-decodes [in, in+len) into out (at most outlen bytes). Returns the
 * decoded length or -1 on a bad escape or overflow. `plus_is_space` for
 * query strings. The router uses it for paths; runtimes for query strings. */
long gild_percent_decode(const char *in, size_t len, char *out, size_t outlen, int plus_is_space);

/* A growable byte buffer the runtime writes metrics or traces into. */
typedef struct gild_buf {
  char *data;
  size_t len, cap;
  int oom;
} gild_buf;
void gild_buf_append(gild_buf *b, const void *data, size_t len);
void gild_buf_printf(gild_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The runtime's part of the configuration, handed over before `load`. */
typedef struct gild_runtime_config {
  const char *handler_dir;
  const char *gil_policy;      /* "cpython", "fifo", "io-priority", "legacy" */
  double switch_interval;      /* seconds */
  uint64_t handler_timeout_ms; /* a handler running longer is interrupted (503) */
  int threads;                 /* worker threads that will call thread_start */
} gild_runtime_config;

/* What the worker pool hands a runtime that runs one handler at a time
 * (see `serialize` below). The runtime calls them on the worker's own
 * thread, inside `handle`, around every call that blocks (sleep, file and
 * socket I/O): `blocking` after it let go of its lock, `unblocked` before
 * it takes the lock again. Both are cheap and never block for long. */
typedef struct gild_worker_hooks {
  void (*blocking)(void *arg);
  void (*unblocked)(void *arg);
  /* The runtime's lock policy judged the work this thread runs CPU-bound
   * (1), or no longer (0): the pool adjusts the thread's scheduler slice
   * (thread_sched.h). Only changes are reported, outside the lock. */
  void (*cpu_bound)(void *arg, int yes);
  void *arg;
} gild_worker_hooks;

typedef struct gild_handler_ops {
  const char *name; /* "vm", "test" */
  /* Called once on the main thread before listening. `dir` is the configured
   * handler directory. Returns 0 or a negative code; on error writes a
   * message ("handlers/app.py:3:5: SyntaxError: ...") into err. */
  int (*load)(void *ctx, const char *dir, char *err, size_t errlen);
  /* Resolves a route's handler name at start-up; an unknown name is a
   * configuration error reported before listening. */
  int (*resolve)(void *ctx, const char *name, void **handle, char *err, size_t errlen);
  /* Per worker thread, on that thread, before its first request. */
  int (*thread_start)(void *ctx, int worker_index, void **tstate);
  void (*thread_stop)(void *ctx, void *tstate);
  /* Runs one request on a worker thread. Must always leave a complete
   * response (status defaults to 200, no headers, empty body). */
  void (*handle)(void *ctx, void *tstate, const gild_request *req, gild_response *resp);
  /* Called once on the main thread after all workers stopped. */
  void (*unload)(void *ctx);
  void *ctx;
  /* Optional; called once on the main thread before `load`. */
  int (*configure)(void *ctx, const gild_runtime_config *rc, char *err, size_t errlen);
  /* Optional; appends the runtime's metrics (the GIL's, the VM's) in
   * Prometheus text format 0.0.4. Called on the event-loop thread while
   * workers run: it must not take the GIL, lock anything a worker holds
   * for long, or block: it reads atomics and copied-out data only. */
  void (*write_metrics)(void *ctx, gild_buf *out);
  /* Optional GIL timeline: trace_start begins recording every GIL state
   * change into a ring buffer (returns GILD_EINVAL if one is already
   * running); trace_stop ends it and appends Chrome trace-event JSON.
   * Both are called on the loop thread and never block. */
  int (*trace_start)(void *ctx);
  void (*trace_stop)(void *ctx, gild_buf *json_out);
  /* Optional, for a runtime whose handlers run one at a time however many
   * workers call them (a GIL). The pool then keeps a single worker running
   * requests while they do not block, instead of waking a thread per request
   * only for them to queue for the lock. Called on each worker thread after
   * thread_start; the runtime keeps `hooks` (valid until thread_stop) and
   * calls them around blocking. Returns how long (ns) a running handler may
   * keep other requests queued before each of them gets a worker of its own
   * and competes for the lock by its policy. */
  uint64_t (*serialize)(void *ctx, void *tstate, const gild_worker_hooks *hooks);
} gild_handler_ops;

#endif
