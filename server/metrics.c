/*
 * metrics.c - the server's Prometheus metrics (see metrics.h).
 *
 * Per route the counters are a few plain integers and one fixed-bucket
 * histogram; `gild_http_requests_total{route,method,status}` keeps a short
 * list of (method, status) pairs per route, searched linearly: a route
 * sees a handful of pairs, and the search costs less than a hash would.
 * Times are summed in nanoseconds and printed exactly as seconds
 * ("12.000345678"), so the sums never drift and never print as 1e-05.
 *
 * Histogram buckets are kept non-cumulative (one increment per observation)
 * and cumulated when the page is written.
 */
#include "metrics.h"

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

#define MET_NSEC 1000000000ull
/* Request durations: 0.5 ms .. 30 s. */
static const uint64_t met_duration_le[] = {
    500000ull,    1000000ull,    2500000ull,    5000000ull,     10000000ull,
    25000000ull,  50000000ull,   100000000ull,  250000000ull,   500000000ull,
    1000000000ull, 2500000000ull, 5000000000ull, 10000000000ull, 30000000000ull};
#define MET_DURATION_N (sizeof(met_duration_le) / sizeof(met_duration_le[0]))
/* Queue waits: 10 us .. 1 s; an idle pool hands over in microseconds. */
static const uint64_t met_queue_le[] = {
    10000ull,    50000ull,    100000ull,    250000ull,    500000ull,
    1000000ull,  2500000ull,  5000000ull,   10000000ull,  25000000ull,
    50000000ull, 100000000ull, 250000000ull, 500000000ull, 1000000000ull};
#define MET_QUEUE_N (sizeof(met_queue_le) / sizeof(met_queue_le[0]))

_Static_assert(MET_QUEUE_N == MET_DURATION_N, "met_hist holds both histograms' buckets");

typedef struct met_hist {
  uint64_t bucket[MET_DURATION_N + 1]; /* last: above every bound (+Inf only) */
  uint64_t count;
  uint64_t sum_ns;
} met_hist;

/* A count per (status, name): a route's (method, status) pairs, and the
 * server's own errors by (status, reason). The names are static strings or
 * the router's, compared by pointer first. */
typedef struct met_count {
  const char *name;
  int status;
  uint64_t count;
} met_count;

typedef struct met_counts {
  met_count *v;
  size_t n, cap;
} met_counts;

typedef struct met_route {
  char *label;          /* "/users/{id}", "none" */
  met_counts pairs;     /* name: the method */
  met_hist duration;
  uint64_t gil_held_ns, gil_wait_ns, io_ns;
} met_route;

struct gild_metrics {
  met_route *routes;    /* [0] = "none" */
  size_t n_routes;
  int *by_config;       /* config route index -> slot */
  size_t n_config;
  met_counts errors;    /* name: the reason */
  uint64_t accepted;
  met_hist queue_wait;  /* uses MET_QUEUE_N + 1 of the buckets */
  double start_time;    /* process start, seconds since the epoch */
  long clk_tck, page_size;
};

/* ---- setup ------------------------------------------------------------- */

/* The slot labelled `label`, added if new; -1 when out of memory. */
static int met_slot(gild_metrics *m, const char *label) {
  size_t i;
  met_route *nr;
  for (i = 0; i < m->n_routes; i++)
    if (strcmp(m->routes[i].label, label) == 0)
      return (int)i;
  nr = realloc(m->routes, (m->n_routes + 1) * sizeof(*nr));
  if (nr == NULL)
    return -1;
  m->routes = nr;
  memset(&nr[m->n_routes], 0, sizeof(*nr));
  nr[m->n_routes].label = strdup(label);
  if (nr[m->n_routes].label == NULL)
    return -1;
  return (int)m->n_routes++;
}

/* When the process started, as process_start_time_seconds wants it: the
 * kernel's start tick (/proc/self/stat field 22) over the boot time
 * (/proc/stat btime). Falls back to now, which is close: this runs at
 * start-up. */
static double met_process_start(long clk_tck) {
  char buf[4096];
  const char *p;
  FILE *f;
  size_t n;
  unsigned long long start_ticks = 0, btime = 0;
  int field;
  f = fopen("/proc/self/stat", "r");
  if (f != NULL) {
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces and ')': fields start after the
     * last ')', with field 3 (state) first. */
    p = strrchr(buf, ')');
    for (field = 2; p != NULL && field < 22; field++) {
      p = strchr(p + 1, ' ');
    }
    if (p != NULL)
      start_ticks = strtoull(p + 1, NULL, 10);
  }
  f = fopen("/proc/stat", "r");
  if (f != NULL) {
    while (fgets(buf, sizeof(buf), f) != NULL)
      if (strncmp(buf, "btime ", 6) == 0)
        btime = strtoull(buf + 6, NULL, 10);
    fclose(f);
  }
  if (btime == 0 || start_ticks == 0 || clk_tck <= 0) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
  }
  return (double)btime + (double)start_ticks / (double)clk_tck;
}

int gild_metrics_create(gild_metrics **out, const gild_config *cfg) {
  gild_metrics *m = calloc(1, sizeof(*m));
  size_t i;
  const char *builtins[4];
  *out = NULL;
  if (m == NULL)
    return GILD_ENOMEM;
  m->n_config = cfg->n_routes;
  m->by_config = calloc(cfg->n_routes ? cfg->n_routes : 1, sizeof(int));
  if (m->by_config == NULL || met_slot(m, "none") != GILD_METRICS_NO_ROUTE)
    goto fail;
  for (i = 0; i < cfg->n_routes; i++)
    if ((m->by_config[i] = met_slot(m, cfg->routes[i].pattern)) < 0)
      goto fail;
  builtins[0] = cfg->healthz_path;
  builtins[1] = cfg->metrics_path;
  builtins[2] = cfg->dashboard_path;
  builtins[3] = cfg->trace_path;
  for (i = 0; i < 4; i++)
    if (builtins[i] && met_slot(m, builtins[i]) < 0)
      goto fail;
  m->clk_tck = sysconf(_SC_CLK_TCK);
  m->page_size = sysconf(_SC_PAGESIZE);
  m->start_time = met_process_start(m->clk_tck);
  *out = m;
  return 0;
fail:
  gild_metrics_free(m);
  return GILD_ENOMEM;
}

void gild_metrics_free(gild_metrics *m) {
  size_t i;
  if (m == NULL)
    return;
  for (i = 0; i < m->n_routes; i++) {
    free(m->routes[i].label);
    free(m->routes[i].pairs.v);
  }
  free(m->routes);
  free(m->by_config);
  free(m->errors.v);
  free(m);
}

int gild_metrics_route(const gild_metrics *m, size_t route_index) {
  return route_index < m->n_config ? m->by_config[route_index] : GILD_METRICS_NO_ROUTE;
}

int gild_metrics_builtin(const gild_metrics *m, const char *path) {
  size_t i;
  for (i = 1; path && i < m->n_routes; i++)
    if (strcmp(m->routes[i].label, path) == 0)
      return (int)i;
  return GILD_METRICS_NO_ROUTE;
}

/* ---- observations (loop thread) ----------------------------------------- */

static void met_observe(met_hist *h, const uint64_t *le, size_t n, uint64_t ns) {
  size_t i = 0;
  while (i < n && ns > le[i])
    i++;
  h->bucket[i]++;
  h->count++;
  h->sum_ns += ns;
}

static int met_same(const char *a, const char *b) {
  return a == b || strcmp(a, b) == 0;
}

/* Counts one more (status, name), adding the entry on first sight. Out of
 * memory, the count is lost rather than the response failed. */
static void met_count_inc(met_counts *c, int status, const char *name) {
  size_t i;
  for (i = 0; i < c->n; i++)
    if (c->v[i].status == status && met_same(c->v[i].name, name))
      break;
  if (i == c->n) {
    if (c->n == c->cap) {
      size_t ncap = c->cap ? c->cap * 2 : 4;
      met_count *nv = realloc(c->v, ncap * sizeof(*nv));
      if (nv == NULL)
        return;
      c->v = nv;
      c->cap = ncap;
    }
    c->v[i].name = name;
    c->v[i].status = status;
    c->v[i].count = 0;
    c->n++;
  }
  c->v[i].count++;
}

void gild_metrics_response(gild_metrics *m, int route, const char *method, int status,
                           uint64_t duration_ns, const gild_timing *timing) {
  met_route *r;
  if (route < 0 || (size_t)route >= m->n_routes)
    route = GILD_METRICS_NO_ROUTE;
  r = &m->routes[route];
  if (method == NULL)
    method = "none";
  met_count_inc(&r->pairs, status, method);
  met_observe(&r->duration, met_duration_le, MET_DURATION_N, duration_ns);
  if (timing != NULL) {
    r->gil_held_ns += timing->gil_held_ns;
    r->gil_wait_ns += timing->gil_wait_ns;
    r->io_ns += timing->io_ns;
  }
}

void gild_metrics_error(gild_metrics *m, int status, const char *reason) {
  met_count_inc(&m->errors, status, reason);
}

void gild_metrics_accepted(gild_metrics *m) {
  m->accepted++;
}

void gild_metrics_queue_wait(gild_metrics *m, uint64_t ns) {
  met_observe(&m->queue_wait, met_queue_le, MET_QUEUE_N, ns);
}

/* ---- the page ----------------------------------------------------------- */

void gild_metrics_label_value(gild_buf *out, const char *s) {
  const char *run = s;
  for (; *s; s++) {
    const char *esc = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : NULL;
    if (esc == NULL)
      continue;
    gild_buf_append(out, run, (size_t)(s - run));
    gild_buf_append(out, esc, 2);
    run = s + 1;
  }
  gild_buf_append(out, run, (size_t)(s - run));
}

static void met_head(gild_buf *out, const char *name, const char *type, const char *help) {
  gild_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Nanoseconds as exact decimal seconds. */
static void met_seconds(gild_buf *out, uint64_t ns) {
  gild_buf_printf(out, "%llu.%09llu", (unsigned long long)(ns / MET_NSEC),
                  (unsigned long long)(ns % MET_NSEC));
}

static void met_le(gild_buf *out, uint64_t ns) {
  /* %g of the bound in seconds: 0.0005, 0.01, 2.5, 30. */
  gild_buf_printf(out, "%g", (double)ns / 1e9);
}

/* One histogram's lines; `label` is "route=\"/x\"," or "" (already escaped). */
static void met_hist_write(gild_buf *out, const char *name, const char *label,
                           const met_hist *h, const uint64_t *le, size_t n) {
  uint64_t cum = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    cum += h->bucket[i];
    gild_buf_printf(out, "%s_bucket{%sle=\"", name, label);
    met_le(out, le[i]);
    gild_buf_printf(out, "\"} %llu\n", (unsigned long long)cum);
  }
  gild_buf_printf(out, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, label,
                  (unsigned long long)h->count);
  if (label[0]) {
    /* Drop the trailing ',' for _sum and _count. */
    gild_buf_printf(out, "%s_sum{%.*s} ", name, (int)(strlen(label) - 1), label);
    met_seconds(out, h->sum_ns);
    gild_buf_printf(out, "\n%s_count{%.*s} %llu\n", name, (int)(strlen(label) - 1), label,
                    (unsigned long long)h->count);
  } else {
    gild_buf_printf(out, "%s_sum ", name);
    met_seconds(out, h->sum_ns);
    gild_buf_printf(out, "\n%s_count %llu\n", name, (unsigned long long)h->count);
  }
}

/* `name{route="..."} <seconds>` for each route, from the field at `off`. */
static void met_route_seconds(const gild_metrics *m, gild_buf *out, const char *name,
                              const char *help, size_t off) {
  size_t i;
  met_head(out, name, "counter", help);
  for (i = 0; i < m->n_routes; i++) {
    uint64_t ns = *(const uint64_t *)((const char *)&m->routes[i] + off);
    gild_buf_printf(out, "%s{route=\"", name);
    gild_metrics_label_value(out, m->routes[i].label);
    gild_buf_append(out, "\"} ", 3);
    met_seconds(out, ns);
    gild_buf_append(out, "\n", 1);
  }
}

/* process_* from /proc/self: CPU, resident memory, descriptors. */
static void met_process(const gild_metrics *m, gild_buf *out) {
  char buf[4096];
  const char *p;
  FILE *f;
  size_t n;
  int field;
  unsigned long long utime = 0, stime = 0, vsize = 0, rss = 0;
  long fds = 0;
  DIR *d;
  struct dirent *e;
  f = fopen("/proc/self/stat", "r");
  if (f != NULL) {
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    /* After ')': field 3 is the state; utime and stime are 14 and 15,
     * vsize 23, rss (pages) 24. */
    for (field = 2; p != NULL && field < 24; ) {
      p = strchr(p + 1, ' ');
      if (p == NULL)
        break;
      field++;
      if (field == 14) utime = strtoull(p + 1, NULL, 10);
      else if (field == 15) stime = strtoull(p + 1, NULL, 10);
      else if (field == 23) vsize = strtoull(p + 1, NULL, 10);
      else if (field == 24) rss = strtoull(p + 1, NULL, 10);
    }
  }
  d = opendir("/proc/self/fd");
  if (d != NULL) {
    while ((e = readdir(d)) != NULL)
      if (e->d_name[0] != '.')
        fds++;
    closedir(d);
    fds--; /* the descriptor opendir itself holds */
  }
  met_head(out, "process_cpu_seconds_total", "counter",
           "Total user and system CPU time spent in seconds.");
  gild_buf_printf(out, "process_cpu_seconds_total %.2f\n",
                  m->clk_tck > 0 ? (double)(utime + stime) / (double)m->clk_tck : 0.0);
  met_head(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  gild_buf_printf(out, "process_resident_memory_bytes %llu\n",
                  rss * (unsigned long long)(m->page_size > 0 ? m->page_size : 4096));
  met_head(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  gild_buf_printf(out, "process_virtual_memory_bytes %llu\n", vsize);
  met_head(out, "process_open_fds", "gauge", "Number of open file descriptors.");
  gild_buf_printf(out, "process_open_fds %ld\n", fds < 0 ? 0 : fds);
  met_head(out, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.");
  gild_buf_printf(out, "process_start_time_seconds %.2f\n", m->start_time);
}

void gild_metrics_write(const gild_metrics *m, const gild_metrics_gauges *g, gild_buf *out) {
  size_t i, j;
  char label[512];

  met_head(out, "gild_build_info", "gauge", "gild's version; always 1.");
  gild_buf_printf(out, "gild_build_info{version=\"%s\"} 1\n", GILD_VERSION);

  met_head(out, "gild_http_requests_total", "counter",
           "HTTP responses written, by route pattern, method and status.");
  for (i = 0; i < m->n_routes; i++) {
    const met_route *r = &m->routes[i];
    for (j = 0; j < r->pairs.n; j++) {
      const met_count *c = &r->pairs.v[j];
      gild_buf_append(out, "gild_http_requests_total{route=\"", 32);
      gild_metrics_label_value(out, r->label);
      gild_buf_append(out, "\",method=\"", 10);
      gild_metrics_label_value(out, c->name);
      gild_buf_printf(out, "\",status=\"%d\"} %llu\n", c->status, (unsigned long long)c->count);
    }
  }

  met_head(out, "gild_http_request_duration_seconds", "histogram",
           "Time from a request's first byte to its response being written, by route.");
  for (i = 0; i < m->n_routes; i++) {
    gild_buf esc;
    gild_buf_init(&esc);
    gild_metrics_label_value(&esc, m->routes[i].label);
    if (esc.oom || esc.len > sizeof(label) - 16) {
      gild_buf_free(&esc);
      continue;
    }
    snprintf(label, sizeof(label), "route=\"%.*s\",", (int)esc.len, esc.data ? esc.data : "");
    gild_buf_free(&esc);
    met_hist_write(out, "gild_http_request_duration_seconds", label, &m->routes[i].duration,
                   met_duration_le, MET_DURATION_N);
  }

  met_route_seconds(m, out, "gild_route_gil_held_seconds_total",
                    "Seconds the route's handlers held the GIL.",
                    offsetof(met_route, gil_held_ns));
  met_route_seconds(m, out, "gild_route_gil_wait_seconds_total",
                    "Seconds the route's handlers waited for the GIL.",
                    offsetof(met_route, gil_wait_ns));
  met_route_seconds(m, out, "gild_route_io_seconds_total",
                    "Seconds the route's handlers spent in blocking calls with the GIL released.",
                    offsetof(met_route, io_ns));

  met_head(out, "gild_connections_open", "gauge", "Client connections open now.");
  gild_buf_printf(out, "gild_connections_open %llu\n", (unsigned long long)g->connections_open);
  met_head(out, "gild_connections_accepted_total", "counter", "Client connections accepted.");
  gild_buf_printf(out, "gild_connections_accepted_total %llu\n", (unsigned long long)m->accepted);
  met_head(out, "gild_requests_in_flight", "gauge",
           "Requests handed to the worker pool and not answered yet.");
  gild_buf_printf(out, "gild_requests_in_flight %llu\n", (unsigned long long)g->in_flight);
  met_head(out, "gild_queue_depth", "gauge", "Requests waiting for a worker thread now.");
  gild_buf_printf(out, "gild_queue_depth %llu\n", (unsigned long long)g->queue_depth);
  met_head(out, "gild_queue_wait_seconds", "histogram",
           "Time a request waited in the pool queue before a worker took it.");
  met_hist_write(out, "gild_queue_wait_seconds", "", &m->queue_wait, met_queue_le, MET_QUEUE_N);

  met_head(out, "gild_http_errors_total", "counter",
           "Error responses (4xx, 5xx) the server produced itself, by status and reason.");
  for (i = 0; i < m->errors.n; i++) {
    const met_count *c = &m->errors.v[i];
    gild_buf_printf(out, "gild_http_errors_total{status=\"%d\",reason=\"", c->status);
    gild_metrics_label_value(out, c->name);
    gild_buf_printf(out, "\"} %llu\n", (unsigned long long)c->count);
  }

  met_process(m, out);
}
