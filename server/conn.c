/*
 * conn.c - connections and HTTP/1.x on http-parser (see conn.h).
 *
 * A connection is in one read phase at a time:
 *   IDLE     no byte of the next request yet (keep-alive timer, or the
 *            header timer counted from accept for a fresh connection),
 *   HEADERS  request line and headers arriving (header timer, counted from
 *            the request's first byte so trickling bytes never extend it),
 *   BODY     body arriving (body timer from the end of the headers).
 * One uv_timer per connection is armed at the earliest deadline among the
 * read phase's and the pending write's; it is only restarted when that
 * deadline changes.
 *
 * Errors the stream cannot recover from (bad syntax, limits, timeouts) get
 * an answer with "Connection: close" after the earlier pipelined answers,
 * then a lingering close: shut the write side, read and discard for a short
 * while, close. Closing at once would make the kernel reset the connection
 * if unread request bytes remain, and the client could lose the answer.
 */
#include "conn.h"

#include <http_parser.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "response.h"

#define CONN_LINGER_MS 2000
#define CONN_LINGER_DRAIN_MS 500
#define CONN_MAX_WBUFS 64
#define CONN_BODY_PREALLOC 65536

enum { PHASE_IDLE, PHASE_HEADERS, PHASE_BODY };
enum { REQ_PARSING, REQ_QUEUED, REQ_DONE };
enum { CB_NONE, CB_FIELD, CB_VALUE };
/* Endpoints the loop thread answers itself, never through the pool. */
enum { BUILTIN_NONE, BUILTIN_HEALTHZ, BUILTIN_METRICS, BUILTIN_DASHBOARD, BUILTIN_TRACE };

typedef struct req_hdr {
  size_t name_off, name_len, value_off, value_len;
} req_hdr;

/* One request and, later, its response. Everything a worker reads is owned
 * here, never borrowed from the connection. */
typedef struct conn_req {
  gild_pool_task task; /* first: the pool hands this pointer back */
  struct conn_req *slot_next;
  gild_conn *conn;     /* NULL once the connection closed (orphan) */
  gild_server *srv;
  int state;

  char *arena;         /* URL, header names and values, decoded path, ... */
  size_t arena_len, arena_cap;
  size_t url_off, url_len;
  size_t path_off, path_len, query_off, query_len, dpath_off, dpath_len;
  size_t remote_off, remote_len;
  req_hdr *hdrs;
  size_t n_hdrs, hdrs_cap;
  req_hdr params[GILD_ROUTE_MAX_PARAMS];
  size_t n_params;
  int last_cb;

  char *body;
  size_t body_len, body_cap;

  const char *method;  /* static string from http_method_str */
  const char *route;   /* pattern in the router, lives as long as the server */
  void *handler;
  unsigned keep_alive : 1, is_head : 1, http10 : 1, want_continue : 1;
  unsigned builtin : 3;
  int mroute;          /* the metrics' route slot, GILD_METRICS_NO_ROUTE */
  int err_status;      /* answered by the loop with this status */
  const char *err_reason; /* why the server answered an error itself (metrics) */
  char extra[160];     /* extra head lines: Allow, Retry-After, Server-Timing */
  uint64_t start_ns;

  gild_request req;
  gild_kv *kv;         /* headers, then parameters */
  gild_response resp;
  char *head;          /* serialized status line + headers while writing */
} conn_req;

struct gild_conn {
  uv_tcp_t tcp;
  uv_timer_t timer;
  gild_server *srv;
  gild_conn *prev, *next;
  http_parser parser;
  char remote[80];
  size_t remote_len;

  int phase;
  uint64_t accept_ms, phase_ms, idle_ms, write_ms, linger_ms;
  uint64_t timer_deadline;
  size_t write_left;    /* bytes libuv still had queued at the last check */
  size_t head_bytes;    /* request line + headers of the current request */
  uint64_t n_requests;  /* requests started on this connection */

  conn_req *cur;        /* being parsed */
  conn_req *slots_head, *slots_tail;
  size_t n_slots;
  conn_req *writing;    /* written by the outstanding uv_write */
  uv_write_t wreq;
  uv_shutdown_t sreq;
  uv_buf_t wbufs[CONN_MAX_WBUFS];
  int err_status;       /* set by a parser callback that failed the stream */

  char *pending;        /* unparsed bytes kept while parsing is paused */
  size_t pending_len;

  unsigned reading : 1, paused : 1, no_more : 1, writing_now : 1, close_after_write : 1,
      lingering : 1, closing : 1, continue_sent : 1, read_eof : 1;
  int handles_open;
};

static const char conn_continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

static void conn_flush(gild_conn *c);
static void conn_arm_timer(gild_conn *c);
static void conn_fail(gild_conn *c, int status);
static void conn_parse(gild_conn *c, const char *data, size_t len);

gild_conn *gild_conn_next(const gild_conn *c) {
  return c->next;
}

/* ---- request objects ------------------------------------------------ */

static conn_req *req_new(gild_conn *c) {
  conn_req *r = calloc(1, sizeof(*r));
  if (r == NULL)
    return NULL;
  r->conn = c;
  r->srv = c->srv;
  r->state = REQ_PARSING;
  r->task.req = &r->req;
  r->task.resp = &r->resp;
  r->start_ns = uv_hrtime();
  r->keep_alive = 1;
  gild_resp_init(&r->resp);
  return r;
}

static void req_free(conn_req *r) {
  free(r->arena);
  free(r->hdrs);
  free(r->body);
  free(r->kv);
  free(r->head);
  gild_resp_free(&r->resp);
  free(r);
}

/* Makes room for `len` more arena bytes. The arena moves as it grows, so
 * everything refers to it by offset until req_build. */
static int req_arena_reserve(conn_req *r, size_t len) {
  size_t ncap;
  char *na;
  if (r->arena_len + len <= r->arena_cap)
    return 0;
  ncap = r->arena_cap ? r->arena_cap : 512;
  while (ncap < r->arena_len + len)
    ncap *= 2;
  na = realloc(r->arena, ncap);
  if (na == NULL)
    return GILD_ENOMEM;
  r->arena = na;
  r->arena_cap = ncap;
  return 0;
}

/* Appends (lower-cased if asked) and returns the offset, or (size_t)-1 when
 * out of memory. `p` must not point into the arena. */
static size_t req_arena_add(conn_req *r, const char *p, size_t len, int lower) {
  size_t off = r->arena_len, i;
  if (req_arena_reserve(r, len) != 0)
    return (size_t)-1;
  if (lower) {
    for (i = 0; i < len; i++) {
      char ch = p[i];
      r->arena[off + i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
  } else if (len) {
    memcpy(r->arena + off, p, len);
  }
  r->arena_len += len;
  return off;
}

static gild_str req_str(const conn_req *r, size_t off, size_t len) {
  gild_str s;
  s.ptr = len ? r->arena + off : "";
  s.len = len;
  return s;
}

/* Turns offsets into the gild_request a worker reads. Called once, after
 * the arena stopped growing. */
static int req_build(conn_req *r) {
  size_t i, n = r->n_hdrs + r->n_params;
  gild_request *q = &r->req;
  if (n) {
    r->kv = malloc(n * sizeof(*r->kv));
    if (r->kv == NULL)
      return GILD_ENOMEM;
  }
  for (i = 0; i < r->n_hdrs; i++) {
    r->kv[i].name = req_str(r, r->hdrs[i].name_off, r->hdrs[i].name_len);
    r->kv[i].value = req_str(r, r->hdrs[i].value_off, r->hdrs[i].value_len);
  }
  for (i = 0; i < r->n_params; i++) {
    r->kv[r->n_hdrs + i].name = req_str(r, r->params[i].name_off, r->params[i].name_len);
    r->kv[r->n_hdrs + i].value = req_str(r, r->params[i].value_off, r->params[i].value_len);
  }
  q->method.ptr = r->method;
  q->method.len = strlen(r->method);
  q->path = req_str(r, r->dpath_off, r->dpath_len);
  q->raw_path = req_str(r, r->path_off, r->path_len);
  q->query = req_str(r, r->query_off, r->query_len);
  q->headers = r->kv;
  q->n_headers = r->n_hdrs;
  q->body.ptr = r->body ? r->body : "";
  q->body.len = r->body_len;
  q->params = r->kv ? r->kv + r->n_hdrs : NULL;
  q->n_params = r->n_params;
  q->remote = req_str(r, r->remote_off, r->remote_len);
  q->route.ptr = r->route ? r->route : "";
  q->route.len = r->route ? strlen(r->route) : 0;
  q->handler = r->handler;
  q->id = r->srv->next_request_id++;
  return 0;
}

/* The reason label of gild_http_errors_total for an error the server
 * answers itself; call sites with a more precise reason set r->err_reason
 * first. A 503 without one is an allocation that failed. */
static const char *req_error_reason(int status) {
  switch (status) {
  case 400: return "bad_request";
  case 404: return "not_found";
  case 405: return "method_not_allowed";
  case 408: return "timeout";
  case 409: return "conflict";
  case 413: return "body_too_large";
  case 414: return "url_too_long";
  case 431: return "header_too_large";
  case 500: return "handler_error";
  case 503: return "out_of_memory";
  case 505: return "version_not_supported";
  default: return "other";
  }
}

/* An answer made on the loop thread: an error page, with extra head lines
 * already in r->extra. */
static void req_set_error(conn_req *r, int status) {
  r->err_status = status;
  if (r->err_reason == NULL)
    r->err_reason = req_error_reason(status);
  if (gild_resp_set_error(&r->resp, status) != 0)
    r->resp.oom = 1;
  r->state = REQ_DONE;
}

/* ---- slots ------------------------------------------------------------ */

static void conn_slot_append(gild_conn *c, conn_req *r) {
  r->slot_next = NULL;
  if (c->slots_tail)
    c->slots_tail->slot_next = r;
  else
    c->slots_head = r;
  c->slots_tail = r;
  c->n_slots++;
}

/* Drops a list of requests owned by a closing connection; those still at a
 * worker become orphans and are freed when they come back. */
static void conn_drop_list(conn_req *r) {
  while (r) {
    conn_req *next = r->slot_next;
    if (r->state == REQ_QUEUED)
      r->conn = NULL;
    else
      req_free(r);
    r = next;
  }
}

/* ---- closing ---------------------------------------------------------- */

static void conn_on_close(uv_handle_t *h) {
  gild_conn *c = h->data;
  gild_server *s = c->srv;
  if (--c->handles_open > 0)
    return;
  conn_drop_list(c->slots_head);
  conn_drop_list(c->writing);
  if (c->cur)
    conn_drop_list(c->cur);
  free(c->pending);
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  s->n_conns--;
  free(c);
  gild_server_check_drained(s);
}

void gild_conn_close(gild_conn *c) {
  if (c->closing)
    return;
  c->closing = 1;
  uv_close((uv_handle_t *)&c->tcp, conn_on_close);
  uv_close((uv_handle_t *)&c->timer, conn_on_close);
}

static void conn_on_shutdown(uv_shutdown_t *req, int status) {
  gild_conn *c = req->data;
  if (status < 0)
    gild_conn_close(c);
}

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void conn_on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf);

/* Everything was written: send FIN, then read and discard until the client
 * closes or the linger time is over. */
static void conn_linger(gild_conn *c) {
  gild_server *s = c->srv;
  if (c->lingering || c->closing)
    return;
  c->lingering = 1;
  c->linger_ms = uv_now(&s->loop) + (s->draining ? CONN_LINGER_DRAIN_MS : CONN_LINGER_MS);
  c->sreq.data = c;
  if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, conn_on_shutdown) != 0 || c->read_eof) {
    gild_conn_close(c);
    return;
  }
  if (!c->reading) {
    if (uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_read) != 0) {
      gild_conn_close(c);
      return;
    }
    c->reading = 1;
  }
  conn_arm_timer(c);
}

static int conn_is_idle(const gild_conn *c) {
  return c->n_slots == 0 && c->writing == NULL && c->cur == NULL;
}

/* ---- timers ----------------------------------------------------------- */

enum { DL_NONE, DL_WRITE, DL_LINGER, DL_REQUEST, DL_FRESH, DL_KEEPALIVE };

/* The connection's next deadline and what happens when it passes. */
static uint64_t conn_deadline(const gild_conn *c, int *kind) {
  const gild_config *cfg = c->srv->cfg;
  uint64_t deadline = UINT64_MAX, d = UINT64_MAX;
  int k = DL_NONE;
  *kind = DL_NONE;
  if (c->closing)
    return UINT64_MAX;
  if (c->writing_now) {
    deadline = c->write_ms + cfg->write_timeout_ms;
    *kind = DL_WRITE;
  }
  if (c->lingering) {
    d = c->linger_ms;
    k = DL_LINGER;
  } else if (c->no_more) {
    d = UINT64_MAX;
  } else if (c->phase == PHASE_HEADERS) {
    /* The first request's headers are timed from accept. */
    d = (c->n_requests == 1 ? c->accept_ms : c->phase_ms) + cfg->header_timeout_ms;
    k = DL_REQUEST;
  } else if (c->phase == PHASE_BODY) {
    d = c->phase_ms + cfg->body_timeout_ms;
    k = DL_REQUEST;
  } else if (conn_is_idle(c) && !c->paused) {
    /* A fresh connection that never sent a request gets the header
     * timeout and a 408; an idle keep-alive one is closed silently. */
    if (c->n_requests == 0) {
      d = c->accept_ms + cfg->header_timeout_ms;
      k = DL_FRESH;
    } else {
      d = c->idle_ms + cfg->keepalive_timeout_ms;
      k = DL_KEEPALIVE;
    }
  } /* else waiting for a handler: the runtime bounds that */
  if (d < deadline) {
    deadline = d;
    *kind = k;
  }
  return deadline;
}

static void conn_on_timer(uv_timer_t *t) {
  gild_conn *c = t->data;
  gild_server *s = c->srv;
  uint64_t now = uv_now(&s->loop);
  int kind;
  uint64_t deadline = conn_deadline(c, &kind);
  c->timer_deadline = UINT64_MAX; /* one-shot: nothing armed now */
  if (now < deadline) {
    conn_arm_timer(c);
    return;
  }
  switch (kind) {
  case DL_WRITE: {
    /* The write timeout bounds a stall, not a long answer: as long as the
     * client keeps taking bytes, the clock restarts. */
    size_t left = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
    if (left < c->write_left) {
      c->write_left = left;
      c->write_ms = now;
      conn_arm_timer(c);
      return;
    }
    gild_log_error(s->log, GILD_LOG_INFO, "%s: write timeout, closing", c->remote);
    gild_conn_close(c);
    return;
  }
  case DL_REQUEST:
  case DL_FRESH:
    conn_fail(c, 408);
    conn_flush(c);
    return;
  case DL_LINGER:
  case DL_KEEPALIVE:
    gild_conn_close(c);
    return;
  default:
    return;
  }
}

/* Deadlines mostly move later (every request pushes the keep-alive one),
 * so the timer is only restarted when the new deadline is earlier than the
 * armed one; a timer that fires early finds its deadline moved and re-arms.
 * That keeps the timer heap out of the per-request path. */
static void conn_arm_timer(gild_conn *c) {
  int kind;
  uint64_t deadline = conn_deadline(c, &kind), now;
  if (deadline == UINT64_MAX || deadline >= c->timer_deadline)
    return;
  c->timer_deadline = deadline;
  now = uv_now(&c->srv->loop);
  uv_timer_start(&c->timer, conn_on_timer, deadline > now ? deadline - now : 0, 0);
}

/* ---- http-parser callbacks -------------------------------------------- */

static int conn_fail_cb(gild_conn *c, int status) {
  c->err_status = status;
  return -1;
}

static int conn_on_message_begin(http_parser *p) {
  gild_conn *c = p->data;
  conn_req *r = req_new(c);
  if (r == NULL)
    return conn_fail_cb(c, 503);
  r->remote_off = req_arena_add(r, c->remote, c->remote_len, 0);
  if (r->remote_off == (size_t)-1) {
    req_free(r);
    return conn_fail_cb(c, 503);
  }
  r->remote_len = c->remote_len;
  c->cur = r;
  c->head_bytes = 0;
  c->n_requests++;
  c->phase = PHASE_HEADERS;
  c->phase_ms = uv_now(&c->srv->loop);
  c->continue_sent = 0;
  conn_arm_timer(c);
  return 0;
}

/* Counts request line and header bytes against max_header_bytes. */
static int conn_count_head(gild_conn *c, size_t len) {
  c->head_bytes += len;
  return c->head_bytes > c->srv->cfg->max_header_bytes;
}

static int conn_on_url(http_parser *p, const char *at, size_t len) {
  gild_conn *c = p->data;
  conn_req *r = c->cur;
  if (r->url_len + len > c->srv->cfg->max_url_bytes)
    return conn_fail_cb(c, 414);
  /* The request line costs "METHOD " and " HTTP/1.1\r\n" on top of the URL. */
  if (conn_count_head(c, len + (r->url_len == 0 ? 20 : 0)))
    return conn_fail_cb(c, 431);
  if (r->url_len == 0)
    r->url_off = r->arena_len;
  if (req_arena_add(r, at, len, 0) == (size_t)-1)
    return conn_fail_cb(c, 503);
  r->url_len += len;
  return 0;
}

/* RFC 9110 tchar. */
static int conn_is_tchar(unsigned char ch) {
  if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
    return 1;
  return ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static int conn_on_header_field(http_parser *p, const char *at, size_t len) {
  gild_conn *c = p->data;
  conn_req *r = c->cur;
  req_hdr *h;
  size_t i;
  if (r->last_cb != CB_FIELD) {
    if (r->n_hdrs >= (size_t)c->srv->cfg->max_headers)
      return conn_fail_cb(c, 431);
    if (r->n_hdrs == r->hdrs_cap) {
      size_t ncap = r->hdrs_cap ? r->hdrs_cap * 2 : 16;
      req_hdr *nh = realloc(r->hdrs, ncap * sizeof(*nh));
      if (nh == NULL)
        return conn_fail_cb(c, 503);
      r->hdrs = nh;
      r->hdrs_cap = ncap;
    }
    h = &r->hdrs[r->n_hdrs++];
    memset(h, 0, sizeof(*h));
    h->name_off = r->arena_len;
    r->last_cb = CB_FIELD;
    /* ": " and CRLF. */
    if (conn_count_head(c, 4))
      return conn_fail_cb(c, 431);
  }
  h = &r->hdrs[r->n_hdrs - 1];
  if (conn_count_head(c, len))
    return conn_fail_cb(c, 431);
  /* http-parser lets "Transfer-Encoding :" through; a name that is not a
   * token is how requests get smuggled past proxies (RFC 9112 5.1). */
  for (i = 0; i < len; i++)
    if (!conn_is_tchar((unsigned char)at[i]))
      return conn_fail_cb(c, 400);
  if (req_arena_add(r, at, len, 1) == (size_t)-1)
    return conn_fail_cb(c, 503);
  h->name_len += len;
  return 0;
}

static int conn_on_header_value(http_parser *p, const char *at, size_t len) {
  gild_conn *c = p->data;
  conn_req *r = c->cur;
  req_hdr *h = &r->hdrs[r->n_hdrs - 1];
  if (r->last_cb != CB_VALUE) {
    h->value_off = r->arena_len;
    r->last_cb = CB_VALUE;
  }
  if (conn_count_head(c, len))
    return conn_fail_cb(c, 431);
  if (req_arena_add(r, at, len, 0) == (size_t)-1)
    return conn_fail_cb(c, 503);
  h->value_len += len;
  return 0;
}

static const req_hdr *req_find_header(const conn_req *r, const char *name) {
  size_t i, n = strlen(name);
  for (i = 0; i < r->n_hdrs; i++)
    if (r->hdrs[i].name_len == n && memcmp(r->arena + r->hdrs[i].name_off, name, n) == 0)
      return &r->hdrs[i];
  return NULL;
}

/* Splits the URL, decodes the path and matches the route. Returns 0 or the
 * status to answer (400, 404, 405), which does not break the stream. */
static int conn_route(gild_conn *c, conn_req *r) {
  gild_server *s = c->srv;
  struct http_parser_url u;
  gild_route_match *m = &s->match;
  const char *url = r->arena + r->url_off;
  size_t i;
  long dl;
  char *dst;

  http_parser_url_init(&u);
  if (r->url_len == 0 || http_parser_parse_url(url, r->url_len, 0, &u) != 0)
    return 400;
  if (u.field_set & (1 << UF_PATH)) {
    r->path_off = r->url_off + u.field_data[UF_PATH].off;
    r->path_len = u.field_data[UF_PATH].len;
  } else {
    /* "http://host" in absolute form means "/". */
    r->path_off = req_arena_add(r, "/", 1, 0);
    if (r->path_off == (size_t)-1)
      return 503;
    r->path_len = 1;
  }
  if (u.field_set & (1 << UF_QUERY)) {
    r->query_off = r->url_off + u.field_data[UF_QUERY].off;
    r->query_len = u.field_data[UF_QUERY].len;
  }
  if (r->arena[r->path_off] != '/')
    return 400;

  /* Decoded path: never longer than the raw one. */
  if (req_arena_reserve(r, r->path_len) != 0)
    return 503;
  r->dpath_off = r->arena_len;
  dst = r->arena + r->dpath_off;
  dl = gild_percent_decode(r->arena + r->path_off, r->path_len, dst, r->path_len, 0);
  if (dl < 0)
    return 400;
  r->dpath_len = (size_t)dl;
  r->arena_len = r->dpath_off + r->dpath_len;

  /* The liveness check, the metrics and the GIL's debug endpoints never
   * reach the pool: they must answer while every worker is busy. */
  if (strcmp(r->method, "GET") == 0 || r->is_head) {
    const char *path = r->arena + r->path_off;
    const char *bpath = NULL;
    if (s->cfg->healthz_path && r->path_len == s->healthz_len &&
        memcmp(path, s->cfg->healthz_path, s->healthz_len) == 0) {
      r->builtin = BUILTIN_HEALTHZ;
      bpath = s->cfg->healthz_path;
    } else if (s->cfg->metrics_path && r->path_len == s->metrics_len &&
               memcmp(path, s->cfg->metrics_path, s->metrics_len) == 0) {
      r->builtin = BUILTIN_METRICS;
      bpath = s->cfg->metrics_path;
    } else if (s->cfg->dashboard_path && r->path_len == s->dashboard_len &&
               memcmp(path, s->cfg->dashboard_path, s->dashboard_len) == 0) {
      r->builtin = BUILTIN_DASHBOARD;
      bpath = s->cfg->dashboard_path;
    } else if (s->cfg->trace_path && r->path_len == s->trace_len &&
               memcmp(path, s->cfg->trace_path, s->trace_len) == 0) {
      r->builtin = BUILTIN_TRACE;
      bpath = s->cfg->trace_path;
    }
    if (bpath != NULL) {
      if (s->metrics)
        r->mroute = gild_metrics_builtin(s->metrics, bpath);
      return 0;
    }
  }

  switch (gild_router_match(s->router, r->method, strlen(r->method), r->arena + r->path_off,
                            r->path_len, m)) {
  case GILD_ROUTE_FOUND:
    break;
  case GILD_ROUTE_METHOD_NOT_ALLOWED:
    snprintf(r->extra, sizeof(r->extra), "Allow: %s\r\n", m->allow);
    return 405;
  case GILD_ROUTE_BAD_PATH:
    return 400;
  default:
    return 404;
  }
  r->route = m->pattern;
  r->handler = m->handler;
  if (s->metrics)
    r->mroute = gild_metrics_route(s->metrics, m->route_index);
  for (i = 0; i < m->n_params; i++) {
    r->params[i].name_off = req_arena_add(r, m->params[i].name.ptr, m->params[i].name.len, 0);
    r->params[i].name_len = m->params[i].name.len;
    r->params[i].value_off = req_arena_add(r, m->params[i].value.ptr, m->params[i].value.len, 0);
    r->params[i].value_len = m->params[i].value.len;
    if (r->params[i].name_off == (size_t)-1 || r->params[i].value_off == (size_t)-1)
      return 503;
  }
  r->n_params = m->n_params;
  return 0;
}

static int conn_on_headers_complete(http_parser *p) {
  gild_conn *c = p->data;
  gild_server *s = c->srv;
  conn_req *r = c->cur;
  const req_hdr *h;
  int has_body, status;

  r->method = http_method_str((enum http_method)p->method);
  r->is_head = p->method == HTTP_HEAD;
  if (p->http_major != 1 || p->http_minor > 1)
    return conn_fail_cb(c, 505);
  /* RFC 9112 6.3: both framings at once is a smuggling attempt. */
  if ((p->flags & F_CHUNKED) && (p->flags & F_CONTENTLENGTH))
    return conn_fail_cb(c, 400);
  if (p->flags & F_CONTENTLENGTH && p->content_length > s->cfg->max_body_bytes)
    return conn_fail_cb(c, 413);
  r->http10 = p->http_minor == 0;
  r->keep_alive = http_should_keep_alive(p) && !s->draining;
  has_body = (p->flags & F_CHUNKED) || ((p->flags & F_CONTENTLENGTH) && p->content_length > 0);
  h = req_find_header(r, "expect");
  r->want_continue = has_body && !r->http10 && h != NULL && h->value_len == 12 &&
                     strncasecmp(r->arena + h->value_off, "100-continue", 12) == 0;

  status = conn_route(c, r);
  if (status != 0) {
    /* Do not invite a body we would only throw away: answer now, close. */
    if (r->want_continue)
      return conn_fail_cb(c, status);
    r->err_status = status;
  }
  if (has_body) {
    /* Reserve what was announced, up to a bound: a client that announces
     * a megabyte and sends nothing must not cost one. */
    if ((p->flags & F_CONTENTLENGTH) && r->err_status == 0) {
      size_t want = p->content_length < CONN_BODY_PREALLOC ? (size_t)p->content_length
                                                            : CONN_BODY_PREALLOC;
      r->body = malloc(want);
      if (r->body == NULL)
        return conn_fail_cb(c, 503);
      r->body_cap = want;
    }
    c->phase = PHASE_BODY;
    c->phase_ms = uv_now(&s->loop);
    conn_arm_timer(c);
  }
  return 0;
}

static int conn_on_body(http_parser *p, const char *at, size_t len) {
  gild_conn *c = p->data;
  conn_req *r = c->cur;
  size_t need = r->body_len + len;
  /* Chunked bodies are only known too large as they arrive. */
  if (need > c->srv->cfg->max_body_bytes)
    return conn_fail_cb(c, 413);
  if (r->err_status) {
    r->body_len = need; /* read and dropped: the answer is an error anyway */
    return 0;
  }
  if (need > r->body_cap) {
    size_t ncap = r->body_cap ? r->body_cap : 4096;
    char *nb;
    while (ncap < need)
      ncap *= 2;
    if (ncap > c->srv->cfg->max_body_bytes)
      ncap = c->srv->cfg->max_body_bytes;
    nb = realloc(r->body, ncap);
    if (nb == NULL)
      return conn_fail_cb(c, 503);
    r->body = nb;
    r->body_cap = ncap;
  }
  memcpy(r->body + r->body_len, at, len);
  r->body_len = need;
  return 0;
}

/* A trace ended: its request answers like one back from the pool. */
static void conn_trace_done(void *req, gild_buf *json) {
  conn_req *r = req;
  static const char ct[] = "application/json";
  gild_response *resp = &r->resp;
  if (json->oom) {
    r->err_reason = "out_of_memory";
    req_set_error(r, 500);
  } else if (gild_response_add_header(resp, "Content-Type", 12, ct, sizeof(ct) - 1) != 0 ||
             gild_response_add_header(resp, "Cache-Control", 13, "no-store", 8) != 0) {
    resp->oom = 1;
  } else {
    /* Hand the JSON over instead of copying what may be megabytes. */
    free(resp->body);
    resp->body = json->data;
    resp->body_len = json->len;
    resp->body_cap = json->cap;
    json->data = NULL;
  }
  gild_conn_task_done(&r->task, r->srv);
}

/* Answers a built-in endpoint on the loop thread. Returns 0 when the
 * answer is ready, 1 when it comes later (a trace recording). */
static int conn_builtin(gild_conn *c, conn_req *r) {
  gild_server *s = c->srv;
  gild_response *resp = &r->resp;
  static const char tp[] = "text/plain; charset=utf-8";
  switch (r->builtin) {
  case BUILTIN_HEALTHZ: {
    static const char ok[] = "ok\n";
    if (gild_response_add_header(resp, "Content-Type", 12, tp, sizeof(tp) - 1) != 0 ||
        gild_response_set_body(resp, ok, sizeof(ok) - 1) != 0)
      resp->oom = 1;
    return 0;
  }
  case BUILTIN_METRICS: {
    static const char ct[] = "text/plain; version=0.0.4; charset=utf-8";
    gild_buf b;
    gild_metrics_gauges g;
    g.connections_open = s->n_conns;
    g.queue_depth = gild_pool_depth(s->pool);
    g.in_flight = s->inflight;
    gild_buf_init(&b);
    /* Counters of the loop thread first, then the runtime's: read from
     * atomics, never the GIL, so this answers while every worker is busy. */
    if (s->metrics)
      gild_metrics_write(s->metrics, &g, &b);
    if (s->ops->write_metrics)
      s->ops->write_metrics(s->ops->ctx, &b);
    if (b.oom ||
        gild_response_add_header(resp, "Content-Type", 12, ct, sizeof(ct) - 1) != 0 ||
        gild_response_add_header(resp, "Cache-Control", 13, "no-store", 8) != 0) {
      resp->oom = 1;
      gild_buf_free(&b);
      return 0;
    }
    free(resp->body);
    resp->body = b.data;
    resp->body_len = b.len;
    resp->body_cap = b.cap;
    return 0;
  }
  case BUILTIN_DASHBOARD: {
    static const char ct[] = "text/html; charset=utf-8";
    const unsigned char *page;
    size_t len;
    gild_debug_dashboard(&page, &len);
    if (gild_response_add_header(resp, "Content-Type", 12, ct, sizeof(ct) - 1) != 0 ||
        gild_response_add_header(resp, "Cache-Control", 13, "no-store", 8) != 0 ||
        gild_response_set_body(resp, page, len) != 0)
      resp->oom = 1;
    return 0;
  }
  case BUILTIN_TRACE: {
    char why[160];
    int status = gild_trace_begin(&s->trace, r->arena + r->query_off, r->query_len, r,
                                  conn_trace_done, why, sizeof(why));
    if (status == 0) {
      /* Waits like a request at a worker: an orphan if the client goes. */
      r->state = REQ_QUEUED;
      s->inflight++;
      return 1;
    }
    if (status == 404)
      r->err_reason = "no_tracer";
    else if (status == 409)
      r->err_reason = "trace_running";
    req_set_error(r, status);
    if (status == 400 && gild_response_set_body(resp, why, strlen(why)) != 0)
      resp->oom = 1;
    return 0;
  }
  default:
    return 0;
  }
}

static int conn_on_message_complete(http_parser *p) {
  gild_conn *c = p->data;
  gild_server *s = c->srv;
  conn_req *r = c->cur;

  c->cur = NULL;
  c->phase = PHASE_IDLE;
  if (s->draining)
    r->keep_alive = 0;
  if (r->err_status) {
    r->body_len = 0;
    req_set_error(r, r->err_status);
  } else if (r->builtin) {
    if (conn_builtin(c, r) == 0)
      r->state = REQ_DONE;
  } else if (req_build(r) != 0) {
    req_set_error(r, 503);
  } else {
    r->task.queued_ns = s->metrics ? uv_hrtime() : 0;
    if (gild_pool_submit(s->pool, &r->task) != 0) {
      /* Queue full: refuse at once rather than let latency pile up. */
      snprintf(r->extra, sizeof(r->extra), "Retry-After: %d\r\n", s->cfg->retry_after_s);
      r->err_reason = "queue_full";
      req_set_error(r, 503);
    } else {
      r->state = REQ_QUEUED;
      s->inflight++;
    }
  }
  conn_slot_append(c, r);
  /* Stop parsing after a request that ends the connection, and when the
   * client pipelines faster than it reads: the rest of the buffer waits in
   * c->pending. */
  if (!r->keep_alive || p->upgrade) {
    r->keep_alive = 0;
    c->no_more = 1;
    http_parser_pause(p, 1);
  } else if (c->n_slots >= GILD_CONN_MAX_PIPELINE) {
    http_parser_pause(p, 1);
  }
  conn_arm_timer(c);
  return 0;
}

static const http_parser_settings conn_parser_settings = {
    .on_message_begin = conn_on_message_begin,
    .on_url = conn_on_url,
    .on_header_field = conn_on_header_field,
    .on_header_value = conn_on_header_value,
    .on_headers_complete = conn_on_headers_complete,
    .on_body = conn_on_body,
    .on_message_complete = conn_on_message_complete,
};

/* ---- reading ----------------------------------------------------------- */

static void conn_stop_reading(gild_conn *c) {
  if (c->reading) {
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
  }
}

/* Answers `status` after the earlier slots and ends the connection; the
 * request being parsed (if any) becomes that answer's slot. */
static void conn_fail(gild_conn *c, int status) {
  conn_req *r = c->cur;
  c->cur = NULL;
  if (r == NULL) {
    /* Nothing of a request line yet: the access log shows "-". */
    r = req_new(c);
    if (r == NULL) {
      gild_conn_close(c);
      return;
    }
  } else if (r->method == NULL) {
    r->method = http_method_str((enum http_method)c->parser.method);
  }
  r->keep_alive = 0;
  r->body_len = 0;
  if (status != 405)
    r->extra[0] = '\0';
  req_set_error(r, status);
  conn_slot_append(c, r);
  c->no_more = 1;
  c->phase = PHASE_IDLE;
  conn_stop_reading(c);
  free(c->pending);
  c->pending = NULL;
  c->pending_len = 0;
  conn_arm_timer(c);
}

static void conn_parse(gild_conn *c, const char *data, size_t len) {
  size_t n;
  enum http_errno e;
  if (c->no_more || c->closing)
    return;
  c->err_status = 0;
  n = http_parser_execute(&c->parser, &conn_parser_settings, data, len);
  e = HTTP_PARSER_ERRNO(&c->parser);
  if (e == HPE_PAUSED) {
    if (c->no_more) {
      conn_stop_reading(c);
      return;
    }
    /* Pipeline full: keep the rest for later, stop reading. */
    c->pending = malloc(len - n ? len - n : 1);
    if (c->pending == NULL) {
      gild_conn_close(c);
      return;
    }
    memcpy(c->pending, data + n, len - n);
    c->pending_len = len - n;
    c->paused = 1;
    conn_stop_reading(c);
    return;
  }
  if (e != HPE_OK) {
    int status = c->err_status;
    if (status == 0) {
      /* http-parser's own verdicts: all syntax, framing or size faults. */
      status = e == HPE_HEADER_OVERFLOW ? 431 : 400;
    }
    conn_fail(c, status);
    return;
  }
  if (c->parser.upgrade && c->slots_tail) {
    /* Upgrade or CONNECT: not spoken here; answer and end the stream. */
    c->slots_tail->keep_alive = 0;
    c->no_more = 1;
    conn_stop_reading(c);
  }
  (void)n;
}

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  gild_conn *c = h->data;
  (void)suggested;
  buf->base = c->srv->read_buf;
  buf->len = sizeof(c->srv->read_buf);
}

static void conn_on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf) {
  gild_conn *c = st->data;
  if (nread == 0)
    return;
  if (nread < 0) {
    c->read_eof = 1;
    conn_stop_reading(c);
    /* A request cut short or a lingering close: nothing more to say. The
     * answers already owed are still written, then the connection closes. */
    if (c->lingering || c->cur != NULL || nread != UV_EOF || conn_is_idle(c)) {
      gild_conn_close(c);
      return;
    }
    c->no_more = 1;
    if (c->slots_tail)
      c->slots_tail->keep_alive = 0;
    conn_arm_timer(c);
    return;
  }
  if (c->lingering)
    return;
  conn_parse(c, buf->base, (size_t)nread);
  conn_flush(c);
}

/* Parses what waited while the pipeline was full, then reads again. */
static void conn_resume(gild_conn *c) {
  char *pend = c->pending;
  size_t plen = c->pending_len;
  c->pending = NULL;
  c->pending_len = 0;
  c->paused = 0;
  http_parser_pause(&c->parser, 0);
  if (plen)
    conn_parse(c, pend, plen);
  free(pend);
  if (!c->paused && !c->no_more && !c->reading && !c->closing) {
    if (uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_read) != 0) {
      gild_conn_close(c);
      return;
    }
    c->reading = 1;
  }
  conn_arm_timer(c);
}

/* ---- writing ----------------------------------------------------------- */

/* The answers in c->writing are out (or failed): free them and move on. */
static void conn_after_write(gild_conn *c, int status) {
  conn_req *r = c->writing;
  c->writing = NULL;
  c->writing_now = 0;
  while (r) {
    conn_req *next = r->slot_next;
    req_free(r);
    r = next;
  }
  if (c->closing)
    return;
  if (status < 0) {
    gild_conn_close(c);
    return;
  }
  c->idle_ms = uv_now(&c->srv->loop);
  if (c->close_after_write) {
    conn_linger(c);
    return;
  }
  if (c->paused && c->n_slots < GILD_CONN_MAX_PIPELINE / 2)
    conn_resume(c);
  conn_flush(c);
  if (c->closing || c->lingering)
    return;
  if (c->srv->draining && conn_is_idle(c)) {
    gild_conn_close(c);
    return;
  }
  conn_arm_timer(c);
}

static void conn_on_write(uv_write_t *w, int status) {
  conn_after_write(w->data, status);
}

/* Accounts one response as it is written: metrics, then the access log.
 * Both read the same clock, so their durations agree. */
static void conn_log_access(gild_conn *c, conn_req *r, uint64_t bytes) {
  gild_server *s = c->srv;
  gild_access_entry e;
  const gild_timing *timing = r->resp.has_timing ? &r->resp.timing : NULL;
  uint64_t now = uv_hrtime();
  if (s->metrics) {
    gild_metrics_response(s->metrics, r->mroute, r->method, r->resp.status, now - r->start_ns,
                          timing);
    if (r->err_reason)
      gild_metrics_error(s->metrics, r->resp.status, r->err_reason);
  }
  if (s->log == NULL)
    return;
  e.remote = c->remote;
  e.method = r->method ? r->method : "-";
  e.method_len = strlen(e.method);
  e.path = r->url_len ? r->arena + r->url_off : "-";
  e.path_len = r->url_len ? r->url_len : 1;
  e.status = r->resp.status;
  e.bytes = bytes;
  e.duration_s = (double)(now - r->start_ns) / 1e9;
  if (gild_log_access_batch(s->log, &e, timing))
    gild_server_log_pending(s);
}

/* Writes every answer that is ready at the head of the slot list, in one
 * uv_write; one write is outstanding at a time, so answers that become
 * ready meanwhile go out together in the next one. */
static void conn_flush(gild_conn *c) {
  gild_server *s = c->srv;
  conn_req *r, *wtail = NULL;
  unsigned nbufs = 0, i;
  int n;
  if (c->writing_now || c->closing || c->lingering)
    return;
  while ((r = c->slots_head) != NULL && r->state == REQ_DONE && nbufs + 2 <= CONN_MAX_WBUFS) {
    gild_head_opts o;
    size_t head_len;
    int last;
    c->slots_head = r->slot_next;
    if (c->slots_head == NULL)
      c->slots_tail = NULL;
    c->n_slots--;
    /* The last answer of a draining or ending connection says so. */
    last = c->slots_head == NULL && c->cur == NULL;
    if (last && (s->draining || c->no_more))
      r->keep_alive = 0;
    if (r->resp.oom) {
      r->err_reason = "out_of_memory";
      req_set_error(r, 500);
    }
    o.date = s->date;
    o.keep_alive = r->keep_alive;
    o.http10 = r->http10;
    o.extra = r->extra[0] ? r->extra : NULL;
    if (s->cfg->server_timing && r->resp.has_timing) {
      /* Only handler answers carry a timing, and those have no extra
       * lines of the loop's (r->extra), so the line can stand in. */
      char *at = r->extra + strlen(r->extra);
      if (sizeof(r->extra) - (size_t)(at - r->extra) >= GILD_SERVER_TIMING_MAX) {
        gild_resp_server_timing(at, &r->resp.timing);
        o.extra = r->extra;
      }
    }
    if (gild_resp_serialize_head(&r->resp, &o, &r->head, &head_len) != 0) {
      req_free(r);
      gild_conn_close(c);
      return;
    }
    c->wbufs[nbufs++] = uv_buf_init(r->head, (unsigned)head_len);
    if (!r->is_head && r->resp.body_len && !gild_resp_status_bodyless(r->resp.status))
      c->wbufs[nbufs++] = uv_buf_init(r->resp.body, (unsigned)r->resp.body_len);
    conn_log_access(c, r, head_len + (r->is_head ? 0 : r->resp.body_len));
    r->slot_next = NULL;
    if (wtail)
      wtail->slot_next = r;
    else
      c->writing = r;
    wtail = r;
    if (!r->keep_alive) {
      c->close_after_write = 1;
      c->no_more = 1;
      break;
    }
  }
  /* A client waiting on "Expect: 100-continue" gets its go-ahead once the
   * answers before it are out, so it never lands inside another answer. */
  if (!c->close_after_write && c->slots_head == NULL && c->cur != NULL &&
      c->cur->want_continue && !c->continue_sent && c->phase == PHASE_BODY &&
      c->cur->err_status == 0 && nbufs < CONN_MAX_WBUFS) {
    c->wbufs[nbufs++] = uv_buf_init((char *)conn_continue_line, sizeof(conn_continue_line) - 1);
    c->continue_sent = 1;
  }
  if (nbufs == 0) {
    /* Nothing to write; a connection whose client finished sending and
     * got all its answers is done. */
    if (c->read_eof && conn_is_idle(c))
      gild_conn_close(c);
    return;
  }
  /* Most answers fit the socket buffer: writing them now spares libuv's
   * write request, its deferred callback and the epoll_ctl it costs. */
  n = uv_try_write((uv_stream_t *)&c->tcp, c->wbufs, nbufs);
  if (n < 0 && n != UV_EAGAIN) {
    conn_drop_list(c->writing);
    c->writing = NULL;
    gild_conn_close(c);
    return;
  }
  for (i = 0; n > 0 && i < nbufs; i++) {
    size_t take = (size_t)n < c->wbufs[i].len ? (size_t)n : c->wbufs[i].len;
    c->wbufs[i].base += take;
    c->wbufs[i].len -= take;
    n -= (int)take;
  }
  for (i = 0; i < nbufs && c->wbufs[i].len == 0; i++) {
  }
  if (i == nbufs) {
    c->writing_now = 1;
    conn_after_write(c, 0);
    return;
  }
  c->wreq.data = c;
  if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, c->wbufs + i, nbufs - i, conn_on_write) != 0) {
    conn_drop_list(c->writing);
    c->writing = NULL;
    gild_conn_close(c);
    return;
  }
  c->writing_now = 1;
  c->write_ms = uv_now(&s->loop);
  c->write_left = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
  conn_arm_timer(c);
}

/* ---- the pool's answers ------------------------------------------------ */

void gild_conn_task_done(gild_pool_task *t, void *arg) {
  gild_server *s = arg;
  conn_req *r = (conn_req *)t;
  gild_conn *c = r->conn;
  s->inflight--;
  if (s->metrics && t->queued_ns != 0 && t->taken_ns >= t->queued_ns)
    gild_metrics_queue_wait(s->metrics, t->taken_ns - t->queued_ns);
  if (c == NULL) {
    req_free(r);
    gild_server_check_drained(s);
    return;
  }
  r->state = REQ_DONE;
  /* A final answer must be 2xx..5xx; an informational one would leave the
   * client waiting for another. */
  if (r->resp.status < 200 || r->resp.status > 599) {
    gild_log_error(s->log, GILD_LOG_ERROR, "handler for '%s' returned status %d: answering 500",
                   r->route ? r->route : "?", r->resp.status);
    req_set_error(r, 500);
  }
  if (c->slots_head == r)
    conn_flush(c);
}

/* ---- accept, drain ----------------------------------------------------- */

static void conn_on_refused_close(uv_handle_t *h) {
  free(h);
}

static void conn_remote(gild_conn *c) {
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  char ip[INET6_ADDRSTRLEN];
  c->remote[0] = '\0';
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0) {
    snprintf(c->remote, sizeof(c->remote), "-");
  } else if (ss.ss_family == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    uv_ip6_name(a, ip, sizeof(ip));
    snprintf(c->remote, sizeof(c->remote), "[%s]:%d", ip, ntohs(a->sin6_port));
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    uv_ip4_name(a, ip, sizeof(ip));
    snprintf(c->remote, sizeof(c->remote), "%s:%d", ip, ntohs(a->sin_port));
  }
  c->remote_len = strlen(c->remote);
}

void gild_conn_accept(gild_server *s) {
  gild_conn *c;
  if (s->n_conns >= (size_t)s->cfg->max_connections) {
    /* Refuse quickly: a short 503 if the socket takes it, then close. */
    char busy[160];
    int n = snprintf(busy, sizeof(busy),
                     "HTTP/1.1 503 Service Unavailable\r\nServer: gild/" GILD_VERSION
                     "\r\nDate: %s\r\nContent-Length: 0\r\nConnection: close\r\n"
                     "Retry-After: %d\r\n\r\n",
                     s->date, s->cfg->retry_after_s);
    uv_tcp_t *t = malloc(sizeof(*t));
    uv_buf_t b = uv_buf_init(busy, (unsigned)n);
    if (s->metrics)
      gild_metrics_error(s->metrics, 503, "connection_limit");
    if (t == NULL || n < 0 || (size_t)n >= sizeof(busy)) {
      free(t);
      return;
    }
    uv_tcp_init(&s->loop, t);
    if (uv_accept((uv_stream_t *)&s->listener, (uv_stream_t *)t) == 0)
      (void)uv_try_write((uv_stream_t *)t, &b, 1);
    uv_close((uv_handle_t *)t, conn_on_refused_close);
    return;
  }
  c = calloc(1, sizeof(*c));
  if (c == NULL)
    return;
  c->srv = s;
  uv_tcp_init(&s->loop, &c->tcp);
  uv_timer_init(&s->loop, &c->timer);
  c->tcp.data = c->timer.data = c;
  c->handles_open = 2;
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  s->conns = c;
  s->n_conns++;
  if (s->metrics)
    gild_metrics_accepted(s->metrics);
  if (uv_accept((uv_stream_t *)&s->listener, (uv_stream_t *)&c->tcp) != 0) {
    gild_conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  conn_remote(c);
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->accept_ms = c->idle_ms = uv_now(&s->loop);
  c->timer_deadline = UINT64_MAX;
  if (uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_read) != 0) {
    gild_conn_close(c);
    return;
  }
  c->reading = 1;
  conn_arm_timer(c);
}

void gild_conn_drain(gild_conn *c) {
  if (c->closing || c->lingering)
    return;
  if (conn_is_idle(c)) {
    gild_conn_close(c);
    return;
  }
  /* Requests already here finish; the last answer carries "Connection:
   * close" (conn_flush) and nothing after it is read. */
  if (c->cur == NULL) {
    c->no_more = 1;
    conn_stop_reading(c);
  }
  conn_arm_timer(c);
}
