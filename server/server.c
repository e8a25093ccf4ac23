/*
 * server.c - the server object: router and handler resolution, the
 * listener, the cached Date, signals and the graceful drain. HTTP itself is
 * in conn.c, the workers in pool.c.
 *
 * Shutdown: the first SIGTERM/SIGINT closes the listener, closes idle
 * connections and lets the others finish what they have (their last answer
 * says "Connection: close"); when no connection and no request is left, or
 * the drain timeout passes (or a second signal comes), the pool is stopped
 * and every handle closed, so uv_run returns and gild_server_run returns 0.
 */
#include "server.h"

#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "server_state.h"
#include "thread_sched.h"

/* How long a forced stop waits for handlers still running. */
#define SERVER_FORCED_GRACE_MS 100

static void server_update_date(gild_server *s) {
  gild_http_date((int64_t)time(NULL), s->date);
}

static void server_on_date_timer(uv_timer_t *t) {
  server_update_date(t->data);
}

static void server_on_connection(uv_stream_t *listener, int status) {
  gild_server *s = listener->data;
  if (status < 0) {
    /* Out of descriptors, accept fails on every pass: say so once a second. */
    uint64_t now = uv_now(&s->loop);
    if (now >= s->accept_err_ms + 1000) {
      s->accept_err_ms = now;
      gild_log_error(s->log, GILD_LOG_WARN, "accept: %s (raise the descriptor limit, ulimit -n)",
                     uv_strerror(status));
    }
    return;
  }
  if (s->draining)
    return;
  gild_conn_accept(s);
}

static void server_on_handle_closed(uv_handle_t *h) {
  (void)h;
}

/* An idle handle rather than a prepare: it runs whatever phase the line
 * was logged in (a prepare handle may already have run this pass when the
 * pool's prepare hands back finished requests), and while it is active the
 * loop polls without blocking, so a batched line never waits for traffic. */
static void server_on_log_idle(uv_idle_t *h) {
  gild_server *s = h->data;
  gild_log_flush(s->log);
  uv_idle_stop(h);
}

void gild_server_log_pending(gild_server *s) {
  if (s->handles_ready)
    uv_idle_start(&s->log_idle, server_on_log_idle);
  else
    gild_log_flush(s->log);
}

/* Stops the pool and closes the server's own handles; uv_run then returns
 * once the last connection's close callback ran. */
static void server_finish(gild_server *s) {
  if (s->stopped)
    return;
  s->stopped = 1;
  /* After a forced drain, a handler still running gets a moment, then is
   * left behind (pool.h): the drain timeout bounds the exit. */
  if (gild_pool_stop(s->pool, s->forced ? SERVER_FORCED_GRACE_MS : -1) > 0)
    gild_log_error(s->log, GILD_LOG_WARN, "drain: left a handler running past the drain timeout");
  uv_close((uv_handle_t *)&s->date_timer, server_on_handle_closed);
  uv_close((uv_handle_t *)&s->drain_timer, server_on_handle_closed);
  uv_close((uv_handle_t *)&s->sigterm, server_on_handle_closed);
  uv_close((uv_handle_t *)&s->sigint, server_on_handle_closed);
  gild_trace_close(&s->trace);
  gild_log_flush(s->log);
  uv_close((uv_handle_t *)&s->log_idle, server_on_handle_closed);
  s->handles_ready = 0;
  gild_log_error(s->log, GILD_LOG_INFO, "stopped");
}

void gild_server_check_drained(gild_server *s) {
  if (!s->draining || s->stopped)
    return;
  /* After a forced close, requests still on a worker are orphans; the
   * pool's stop waits for them and drops their answers. */
  if (s->n_conns == 0 && (s->inflight == 0 || s->forced))
    server_finish(s);
}

static void server_force(gild_server *s) {
  gild_conn *c;
  s->forced = 1;
  gild_trace_finish(&s->trace);
  gild_log_error(s->log, GILD_LOG_WARN,
                 "drain: closing %zu connection(s) with %llu request(s) unfinished", s->n_conns,
                 (unsigned long long)s->inflight);
  for (c = s->conns; c != NULL; c = gild_conn_next(c))
    gild_conn_close(c);
  gild_server_check_drained(s);
}

static void server_on_drain_timeout(uv_timer_t *t) {
  server_force(t->data);
}

static void server_on_signal(uv_signal_t *h, int signum) {
  gild_server *s = h->data;
  gild_conn *c;
  if (s->stopped)
    return;
  if (s->draining) {
    server_force(s);
    return;
  }
  s->draining = 1;
  gild_log_error(s->log, GILD_LOG_INFO, "%s: draining %zu connection(s), %llu request(s) in flight",
                 signum == SIGTERM ? "SIGTERM" : "SIGINT", s->n_conns,
                 (unsigned long long)s->inflight);
  if (s->listening) {
    uv_close((uv_handle_t *)&s->listener, server_on_handle_closed);
    s->listening = 0;
  }
  uv_timer_start(&s->drain_timer, server_on_drain_timeout, s->cfg->drain_timeout_ms, 0);
  /* A trace in progress answers with what it has rather than hold the
   * drain up for its remaining seconds. */
  gild_trace_finish(&s->trace);
  for (c = s->conns; c != NULL; c = gild_conn_next(c))
    gild_conn_drain(c);
  gild_server_check_drained(s);
}

/* Numeric IPv4, numeric IPv6, then a name ("localhost"). */
static int server_resolve(gild_server *s, const char *host, int port,
                          struct sockaddr_storage *ss) {
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  int rc;
  memset(ss, 0, sizeof(*ss));
  if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0)
    return 0;
  if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0)
    return 0;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  rc = uv_getaddrinfo(&s->loop, &req, NULL, host, NULL, &hints);
  if (rc != 0)
    return rc;
  memcpy(ss, req.addrinfo->ai_addr, req.addrinfo->ai_addrlen);
  if (ss->ss_family == AF_INET6)
    ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
  else
    ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
  uv_freeaddrinfo(req.addrinfo);
  return 0;
}

static int server_listen(gild_server *s, char *err, size_t errlen) {
  const gild_config *cfg = s->cfg;
  struct sockaddr_storage ss;
  int rc = server_resolve(s, cfg->listen_host, cfg->listen_port, &ss);
  if (rc != 0) {
    snprintf(err, errlen, "listen address '%s': %s (use an IP address or a resolvable name)",
             cfg->listen_host, uv_strerror(rc));
    return rc;
  }
  uv_tcp_init(&s->loop, &s->listener);
  s->listener.data = s;
  s->listening = 1;
  rc = uv_tcp_bind(&s->listener, (const struct sockaddr *)&ss, 0);
  if (rc == 0)
    rc = uv_listen((uv_stream_t *)&s->listener, cfg->backlog, server_on_connection);
  if (rc != 0) {
    snprintf(err, errlen, "cannot listen on %s:%d: %s (pick another port with --listen)",
             cfg->listen_host, cfg->listen_port, uv_strerror(rc));
    return rc;
  }
  return 0;
}

static int server_resolve_handlers(gild_server *s, char *err, size_t errlen) {
  const gild_config *cfg = s->cfg;
  size_t i;
  for (i = 0; i < cfg->n_routes; i++) {
    const gild_route_conf *rc = &cfg->routes[i];
    void *h = NULL;
    char msg[256] = "";
    int r = s->ops->resolve ? s->ops->resolve(s->ops->ctx, rc->handler, &h, msg, sizeof(msg)) : 0;
    if (r < 0) {
      snprintf(err, errlen, "%s:%d:%d: route '%s %s': handler '%s': %s",
               cfg->path ? cfg->path : "(config)", rc->line, rc->column, rc->method, rc->pattern,
               rc->handler, msg[0] ? msg : "does not resolve");
      return r;
    }
    gild_router_set_handle(s->router, i, h);
  }
  return 0;
}

/* Hands the runtime its part of the configuration, then loads it. Shared
 * by the server and `gild --check`, so both see the same errors. */
int gild_runtime_load(const gild_config *cfg, gild_handler_ops *ops, char *err, size_t errlen) {
  char msg[4096] = "";
  int rc = 0;
  if (ops->configure) {
    gild_runtime_config rcfg;
    memset(&rcfg, 0, sizeof(rcfg));
    rcfg.handler_dir = cfg->handler_dir;
    rcfg.gil_policy = cfg->gil_policy;
    rcfg.switch_interval = cfg->gil_switch_interval;
    rcfg.handler_timeout_ms = cfg->handler_timeout_ms;
    rcfg.threads = cfg->threads;
    rc = ops->configure(ops->ctx, &rcfg, msg, sizeof(msg));
    if (rc < 0) {
      snprintf(err, errlen, "%s", msg[0] ? msg : "the handler runtime refused its configuration");
      return rc;
    }
  }
  if (ops->load) {
    rc = ops->load(ops->ctx, cfg->handler_dir, msg, sizeof(msg));
    if (rc < 0) snprintf(err, errlen, "%s", msg[0] ? msg : "the handlers failed to load");
  }
  return rc;
}

int gild_server_create(gild_server **out, const gild_config *cfg, gild_handler_ops *ops,
                       gild_log *log, char *err, size_t errlen) {
  gild_server *s;
  int rc;
  *out = NULL;
  s = calloc(1, sizeof(*s));
  if (s == NULL) {
    snprintf(err, errlen, "out of memory");
    return GILD_ENOMEM;
  }
  s->cfg = cfg;
  s->ops = ops;
  s->log = log;
  s->healthz_len = cfg->healthz_path ? strlen(cfg->healthz_path) : 0;
  s->metrics_len = cfg->metrics_path ? strlen(cfg->metrics_path) : 0;
  s->dashboard_len = cfg->dashboard_path ? strlen(cfg->dashboard_path) : 0;
  s->trace_len = cfg->trace_path ? strlen(cfg->trace_path) : 0;
  /* Without the endpoint nobody could read the counters: keep none, and
   * spend nothing on them per request. */
  if (cfg->metrics_path && gild_metrics_create(&s->metrics, cfg) != 0) {
    snprintf(err, errlen, "out of memory");
    free(s);
    return GILD_ENOMEM;
  }
  server_update_date(s);
  rc = gild_router_build(&s->router, cfg->routes, cfg->n_routes, err, errlen);
  /* gild_main leaves configuring and loading the runtime to the server,
   * which owns its lifetime: loaded here, unloaded in gild_server_free
   * after the workers stopped. */
  if (rc == 0) {
    rc = gild_runtime_load(cfg, ops, err, errlen);
    if (rc == 0) s->loaded = 1;
  }
  if (rc == 0)
    rc = server_resolve_handlers(s, err, errlen);
  if (rc == 0) {
    rc = uv_loop_init(&s->loop);
    if (rc != 0)
      snprintf(err, errlen, "event loop: %s", uv_strerror(rc));
    else
      s->loop_ready = 1;
  }
  if (rc == 0) {
    uv_timer_init(&s->loop, &s->date_timer);
    uv_timer_init(&s->loop, &s->drain_timer);
    uv_signal_init(&s->loop, &s->sigterm);
    uv_signal_init(&s->loop, &s->sigint);
    s->date_timer.data = s->drain_timer.data = s->sigterm.data = s->sigint.data = s;
    gild_trace_init(&s->trace, &s->loop, ops, cfg->trace_max_seconds);
    uv_idle_init(&s->loop, &s->log_idle);
    s->log_idle.data = s;
    s->handles_ready = 1;
    rc = gild_pool_create(&s->pool, &s->loop, cfg->threads, (size_t)cfg->queue_size,
                          cfg->sched_slice_us, cfg->sched_cpu_slice_us, ops,
                          gild_conn_task_done, s, err, errlen);
  }
  if (rc == 0)
    rc = server_listen(s, err, errlen);
  if (rc != 0) {
    gild_server_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int gild_server_port(const gild_server *s) {
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  if (!s->listening || uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len) != 0)
    return -1;
  if (ss.ss_family == AF_INET6)
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int gild_server_run(gild_server *s) {
  /* A client that vanishes mid-write must cost an EPIPE, not the process. */
  signal(SIGPIPE, SIG_IGN);
  uv_signal_start(&s->sigterm, server_on_signal, SIGTERM);
  uv_signal_start(&s->sigint, server_on_signal, SIGINT);
  uv_timer_start(&s->date_timer, server_on_date_timer, 1000, 1000);
  uv_unref((uv_handle_t *)&s->date_timer);
  /* The loop thread must get the core soon when a request or an answer is
   * ready, even next to a CPU-bound handler (thread_sched.h). */
  int rc = gild_thread_set_slice_us(s->cfg->sched_slice_us);
  if (rc < 0)
    gild_log_error(s->log, GILD_LOG_DEBUG, "sched_slice_us: the kernel refused a %d us slice (%s); "
                   "keeping its default", s->cfg->sched_slice_us, strerror(-rc));
  if (s->cfg->loop_nice != 0 && (rc = gild_thread_set_nice(s->cfg->loop_nice)) < 0)
    gild_log_error(s->log, GILD_LOG_WARN,
                   "loop_nice %d: %s; the event loop keeps its nice value. Give gild "
                   "CAP_SYS_NICE (systemd: AmbientCapabilities=CAP_SYS_NICE) or raise RLIMIT_NICE "
                   "(LimitNICE=), or set loop_nice to 0",
                   s->cfg->loop_nice, strerror(-rc));
  uv_run(&s->loop, UV_RUN_DEFAULT);
  return 0;
}

void gild_server_free(gild_server *s) {
  gild_conn *c;
  if (s == NULL)
    return;
  if (s->loop_ready) {
    for (c = s->conns; c != NULL; c = gild_conn_next(c))
      gild_conn_close(c);
    if (s->listening) {
      uv_close((uv_handle_t *)&s->listener, server_on_handle_closed);
      s->listening = 0;
    }
    if (s->pool)
      gild_pool_stop(s->pool, -1);
    if (s->handles_ready) {
      uv_close((uv_handle_t *)&s->date_timer, server_on_handle_closed);
      uv_close((uv_handle_t *)&s->drain_timer, server_on_handle_closed);
      uv_close((uv_handle_t *)&s->sigterm, server_on_handle_closed);
      uv_close((uv_handle_t *)&s->sigint, server_on_handle_closed);
      gild_trace_close(&s->trace);
      uv_close((uv_handle_t *)&s->log_idle, server_on_handle_closed);
      s->handles_ready = 0;
    }
    gild_log_flush(s->log);
    /* Lets every close callback run before the loop goes away. */
    uv_run(&s->loop, UV_RUN_DEFAULT);
    uv_loop_close(&s->loop);
  }
  /* A worker left running may still read the runtime, the router and the
   * request it holds: keep them all; the process is about to exit. */
  if (s->pool && gild_pool_abandoned(s->pool))
    return;
  gild_pool_free(s->pool);
  gild_metrics_free(s->metrics);
  if (s->loaded && s->ops->unload)
    s->ops->unload(s->ops->ctx);
  if (s->router)
    gild_router_free(s->router);
  free(s);
}
