/*
 * test_metrics_unit.c - the pieces of the metrics page without a server:
 * gild_buf growth, label escaping, the 2-decimal millisecond figures of
 * Server-Timing, route slots and the exactness of the sums.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "metrics.h"
#include "response.h"

static int failures;

#define CHECK(cond, ...)                                  \
  do {                                                    \
    if (!(cond)) {                                        \
      failures++;                                         \
      fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);     \
      fprintf(stderr, __VA_ARGS__);                       \
      fputc('\n', stderr);                                \
    }                                                     \
  } while (0)

static void test_buf(void) {
  gild_buf b;
  int i;
  gild_buf_init(&b);
  /* Past the first allocation, through several doublings. */
  for (i = 0; i < 5000; i++)
    gild_buf_printf(&b, "line %d\n", i);
  gild_buf_append(&b, "", 1);
  CHECK(!b.oom, "oom");
  CHECK(strncmp(b.data, "line 0\nline 1\n", 14) == 0, "start %.14s", b.data);
  CHECK(strstr(b.data, "line 4999\n") != NULL, "end missing");
  gild_buf_reset(&b);
  gild_buf_printf(&b, "%s", "");
  CHECK(b.len == 0, "empty printf len %zu", b.len);
  gild_buf_free(&b);
}

static void test_label(void) {
  gild_buf b;
  gild_buf_init(&b);
  gild_metrics_label_value(&b, "a\\b\"c\nd/{id}");
  gild_buf_append(&b, "", 1);
  CHECK(strcmp(b.data, "a\\\\b\\\"c\\nd/{id}") == 0, "escaped %s", b.data);
  gild_buf_free(&b);
}

static void test_ms2(void) {
  static const struct { unsigned long long ns; const char *want; } cases[] = {
      {0, "0.00"}, {4999, "0.00"}, {5000, "0.01"}, {410000, "0.41"}, {1204999, "1.20"},
      {10050000, "10.05"}, {999995000, "1000.00"}, {123456789012ull, "123456.79"}};
  char out[32];
  size_t i, n;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    n = gild_fmt_ms2(out, cases[i].ns);
    out[n] = '\0';
    CHECK(strcmp(out, cases[i].want) == 0, "%llu ns -> %s, want %s", cases[i].ns, out,
          cases[i].want);
  }
  gild_timing t = {410000, 1200000, 10050000, 3};
  char line[GILD_SERVER_TIMING_MAX];
  gild_resp_server_timing(line, &t);
  CHECK(strcmp(line, "Server-Timing: gil-wait;dur=0.41, gil;dur=1.20, io;dur=10.05\r\n") == 0,
        "%s", line);
  gild_timing big = {~0ull, ~0ull, ~0ull, 0};
  CHECK(gild_resp_server_timing(line, &big) < GILD_SERVER_TIMING_MAX, "longest line fits");
}

static void test_page(void) {
  gild_config cfg;
  gild_route_conf routes[3] = {{"GET", "/users/{id}", "app.u", 1, 1},
                               {"POST", "/users/{id}", "app.u2", 2, 1},
                               {"GET", "/q\"x", "app.q", 3, 1}};
  gild_metrics *m;
  gild_metrics_gauges g = {3, 2, 5};
  gild_timing t = {1, 1000000001ull, 7, 0};
  gild_buf b;
  int i;
  gild_config_defaults(&cfg);
  cfg.routes = routes;
  cfg.n_routes = 3;
  CHECK(gild_metrics_create(&m, &cfg) == 0, "create");
  /* Same pattern, two methods: one route series. */
  CHECK(gild_metrics_route(m, 0) == gild_metrics_route(m, 1), "shared pattern");
  CHECK(gild_metrics_route(m, 0) != GILD_METRICS_NO_ROUTE, "slot");
  CHECK(gild_metrics_builtin(m, "/metrics") != GILD_METRICS_NO_ROUTE, "builtin slot");
  for (i = 0; i < 3; i++)
    gild_metrics_response(m, gild_metrics_route(m, 0), "GET", 200, 2000000, &t);
  gild_metrics_response(m, gild_metrics_route(m, 1), "POST", 201, 40000000000ull, NULL);
  gild_metrics_response(m, GILD_METRICS_NO_ROUTE, NULL, 408, 1, NULL);
  gild_metrics_error(m, 408, "timeout");
  gild_metrics_queue_wait(m, 20000);
  gild_buf_init(&b);
  gild_metrics_write(m, &g, &b);
  gild_buf_append(&b, "", 1);
  CHECK(!b.oom, "oom");
#define HAS(s) CHECK(strstr(b.data, s) != NULL, "missing: %s", s)
  HAS("gild_http_requests_total{route=\"/users/{id}\",method=\"GET\",status=\"200\"} 3\n");
  HAS("gild_http_requests_total{route=\"/users/{id}\",method=\"POST\",status=\"201\"} 1\n");
  HAS("gild_http_requests_total{route=\"none\",method=\"none\",status=\"408\"} 1\n");
  HAS("gild_http_request_duration_seconds_bucket{route=\"/users/{id}\",le=\"0.0025\"} 3\n");
  HAS("gild_http_request_duration_seconds_bucket{route=\"/users/{id}\",le=\"30\"} 3\n");
  HAS("gild_http_request_duration_seconds_bucket{route=\"/users/{id}\",le=\"+Inf\"} 4\n");
  HAS("gild_http_request_duration_seconds_count{route=\"/users/{id}\"} 4\n");
  HAS("gild_http_request_duration_seconds_sum{route=\"/users/{id}\"} 40.006000000\n");
  HAS("gild_route_gil_held_seconds_total{route=\"/users/{id}\"} 3.000000003\n");
  HAS("gild_route_io_seconds_total{route=\"/users/{id}\"} 0.000000021\n");
  HAS("gild_route_gil_held_seconds_total{route=\"/q\\\"x\"} 0.000000000\n");
  HAS("gild_http_errors_total{status=\"408\",reason=\"timeout\"} 1\n");
  HAS("gild_connections_open 3\n");
  HAS("gild_queue_depth 2\n");
  HAS("gild_requests_in_flight 5\n");
  HAS("gild_queue_wait_seconds_bucket{le=\"5e-05\"} 1\n");
  HAS("gild_queue_wait_seconds_count 1\n");
  HAS("# TYPE process_cpu_seconds_total counter\n");
  HAS("process_start_time_seconds ");
#undef HAS
  gild_buf_free(&b);
  gild_metrics_free(m);
  cfg.routes = NULL;
  cfg.n_routes = 0;
  gild_config_free(&cfg);
}

int main(void) {
  test_buf();
  test_label();
  test_ms2();
  test_page();
  if (failures) {
    fprintf(stderr, "%d failure(s)\n", failures);
    return 1;
  }
  printf("ok\n");
  return 0;
}
