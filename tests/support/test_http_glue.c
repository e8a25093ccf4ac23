/*
 * test_http_glue.c - unit tests for the server's HTTP glue that need no
 * socket: response headers (refusals, framing headers the server owns),
 * head serialization, the Date format, error pages, and the worker pool's
 * batched handoff on a real loop. Connections and parsing are covered end
 * to end by tests/integration against gild-testd.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "pool.h"
#include "response.h"

static int failures;

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);         \
      failures++;                                                                      \
    }                                                                                  \
  } while (0)

static const char test_date[] = "Sun, 06 Nov 1994 08:49:37 GMT";

static void test_add_header(void) {
  gild_response r;
  gild_resp_init(&r);
  CHECK(r.status == 200);
  CHECK(gild_response_add_header(&r, "", 0, "v", 1) == GILD_EINVAL);
  CHECK(gild_response_add_header(&r, "Bad Name", 8, "v", 1) == GILD_EINVAL);
  CHECK(gild_response_add_header(&r, "X:Y", 3, "v", 1) == GILD_EINVAL);
  CHECK(gild_response_add_header(&r, "X-A", 3, "a\r\nX-B: b", 9) == GILD_EINVAL);
  CHECK(gild_response_add_header(&r, "X-A", 3, "a\nb", 3) == GILD_EINVAL);
  CHECK(gild_response_add_header(&r, "X-A", 3, "a\0b", 3) == GILD_EINVAL);
  CHECK(r.hdrs_len == 0);
  /* Framing and server-owned fields are accepted and dropped. */
  CHECK(gild_response_add_header(&r, "Content-Length", 14, "99", 2) == GILD_OK);
  CHECK(gild_response_add_header(&r, "transfer-encoding", 17, "chunked", 7) == GILD_OK);
  CHECK(gild_response_add_header(&r, "Connection", 10, "close", 5) == GILD_OK);
  CHECK(gild_response_add_header(&r, "DATE", 4, "x", 1) == GILD_OK);
  CHECK(r.hdrs_len == 0);
  CHECK(gild_response_add_header(&r, "X-Ok", 4, "fine value", 10) == GILD_OK);
  CHECK(r.hdrs_len == strlen("X-Ok: fine value\r\n"));
  CHECK(memcmp(r.hdrs, "X-Ok: fine value\r\n", r.hdrs_len) == 0);
  CHECK(gild_response_set_body(&r, "abc", 3) == GILD_OK);
  CHECK(gild_response_append_body(&r, "de", 2) == GILD_OK);
  CHECK(r.body_len == 5 && memcmp(r.body, "abcde", 5) == 0);
  CHECK(gild_response_set_body(&r, "z", 1) == GILD_OK);
  CHECK(r.body_len == 1 && r.body[0] == 'z');
  gild_resp_free(&r);
}

static char *test_head(gild_response *r, int keep_alive, int http10, const char *extra) {
  gild_head_opts o = {test_date, keep_alive, http10, extra};
  char *out = NULL, *z;
  size_t len = 0;
  CHECK(gild_resp_serialize_head(r, &o, &out, &len) == GILD_OK);
  z = malloc(len + 1);
  memcpy(z, out, len);
  z[len] = '\0';
  free(out);
  return z;
}

static void test_serialize(void) {
  gild_response r;
  char *h;
  gild_resp_init(&r);
  gild_response_add_header(&r, "Content-Type", 12, "text/plain", 10);
  gild_response_set_body(&r, "hello", 5);
  h = test_head(&r, 1, 0, NULL);
  CHECK(strcmp(h, "HTTP/1.1 200 OK\r\nServer: gild/" GILD_VERSION "\r\n"
                  "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 5\r\n"
                  "Content-Type: text/plain\r\n\r\n") == 0);
  free(h);
  h = test_head(&r, 0, 0, "Allow: GET, HEAD\r\n");
  CHECK(strstr(h, "\r\nConnection: close\r\n") != NULL);
  CHECK(strstr(h, "\r\nAllow: GET, HEAD\r\n") != NULL);
  free(h);
  h = test_head(&r, 1, 1, NULL);
  CHECK(strstr(h, "\r\nConnection: keep-alive\r\n") != NULL);
  free(h);
  gild_response_set_status(&r, 204);
  h = test_head(&r, 1, 0, NULL);
  CHECK(strncmp(h, "HTTP/1.1 204 No Content\r\n", 25) == 0);
  CHECK(strstr(h, "Content-Length") == NULL);
  free(h);
  CHECK(gild_resp_set_error(&r, 431) == GILD_OK);
  CHECK(r.status == 431);
  CHECK(r.body_len == strlen("Request Header Fields Too Large\n"));
  h = test_head(&r, 0, 0, NULL);
  CHECK(strncmp(h, "HTTP/1.1 431 Request Header Fields Too Large\r\n", 46) == 0);
  CHECK(strstr(h, "Content-Length: 32\r\n") != NULL);
  free(h);
  CHECK(strcmp(gild_http_reason(599), "Unknown") == 0);
  gild_resp_free(&r);
}

static void test_date_format(void) {
  char d[GILD_HTTP_DATE_LEN + 1];
  gild_http_date(784111777, d);
  CHECK(strcmp(d, test_date) == 0);
  gild_http_date(0, d);
  CHECK(strcmp(d, "Thu, 01 Jan 1970 00:00:00 GMT") == 0);
}

/* ---- the pool on a real loop ---- */

#define POOL_TASKS 3

typedef struct pool_case {
  gild_pool *pool;
  uv_timer_t guard;
  gild_pool_task tasks[POOL_TASKS + 1];
  gild_request reqs[POOL_TASKS + 1];
  gild_response resps[POOL_TASKS + 1];
  int done, starts, stops;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int gate_open;
  pthread_t loop_thread;
} pool_case;

static int pool_thread_start(void *ctx, int idx, void **tstate) {
  pool_case *pc = ctx;
  (void)idx;
  pthread_mutex_lock(&pc->mu);
  pc->starts++;
  pthread_mutex_unlock(&pc->mu);
  *tstate = pc;
  return 0;
}

static void pool_thread_stop(void *ctx, void *tstate) {
  pool_case *pc = ctx;
  (void)tstate;
  pthread_mutex_lock(&pc->mu);
  pc->stops++;
  pthread_mutex_unlock(&pc->mu);
}

/* Handlers wait for the gate so the queue fills up first. */
static void pool_handle(void *ctx, void *tstate, const gild_request *req, gild_response *resp) {
  pool_case *pc = ctx;
  (void)tstate;
  pthread_mutex_lock(&pc->mu);
  while (!pc->gate_open)
    pthread_cond_wait(&pc->cv, &pc->mu);
  pthread_mutex_unlock(&pc->mu);
  CHECK(!pthread_equal(pthread_self(), pc->loop_thread));
  gild_response_set_status(resp, 200 + (int)req->id);
}

static void pool_done(gild_pool_task *t, void *arg) {
  pool_case *pc = arg;
  CHECK(pthread_equal(pthread_self(), pc->loop_thread));
  CHECK(t->resp->status == 200 + (int)t->req->id);
  if (++pc->done == POOL_TASKS) {
    uv_timer_stop(&pc->guard);
    uv_close((uv_handle_t *)&pc->guard, NULL);
    CHECK(gild_pool_stop(pc->pool, -1) == 0);
  }
}

static void pool_on_guard(uv_timer_t *t) {
  pool_case *pc = t->data;
  fprintf(stderr, "pool: only %d of %d tasks came back in time\n", pc->done, POOL_TASKS);
  failures++;
  uv_close((uv_handle_t *)&pc->guard, NULL);
  pthread_mutex_lock(&pc->mu);
  pc->gate_open = 1;
  pthread_cond_broadcast(&pc->cv);
  pthread_mutex_unlock(&pc->mu);
  gild_pool_stop(pc->pool, -1);
}

/* Submits from a timer (outside the poll phase, as after a write), so the
 * prepare-handle flush is what hands the batch over. */
static void pool_on_submit(uv_timer_t *t) {
  pool_case *pc = t->data;
  int i;
  for (i = 0; i < POOL_TASKS; i++)
    CHECK(gild_pool_submit(pc->pool, &pc->tasks[i]) == 0);
  /* The queue holds POOL_TASKS: one more is refused (the server's 503). */
  CHECK(gild_pool_full(pc->pool));
  CHECK(gild_pool_submit(pc->pool, &pc->tasks[POOL_TASKS]) != 0);
  pthread_mutex_lock(&pc->mu);
  pc->gate_open = 1;
  pthread_cond_broadcast(&pc->cv);
  pthread_mutex_unlock(&pc->mu);
  uv_close((uv_handle_t *)t, NULL);
}

static void test_pool(void) {
  static pool_case pc;
  uv_loop_t loop;
  uv_timer_t submit;
  char err[256] = "";
  int i;
  gild_handler_ops ops = {.name = "unit",
                          .thread_start = pool_thread_start,
                          .thread_stop = pool_thread_stop,
                          .handle = pool_handle,
                          .ctx = &pc};
  memset(&pc, 0, sizeof(pc));
  pthread_mutex_init(&pc.mu, NULL);
  pthread_cond_init(&pc.cv, NULL);
  pc.loop_thread = pthread_self();
  for (i = 0; i <= POOL_TASKS; i++) {
    pc.reqs[i].id = (uint64_t)i;
    gild_resp_init(&pc.resps[i]);
    pc.tasks[i].req = &pc.reqs[i];
    pc.tasks[i].resp = &pc.resps[i];
  }
  uv_loop_init(&loop);
  CHECK(gild_pool_create(&pc.pool, &loop, 2, POOL_TASKS, 0, 0, &ops, pool_done, &pc, err,
                         sizeof(err)) == 0);
  CHECK(pc.starts == 2);
  uv_timer_init(&loop, &pc.guard);
  pc.guard.data = &pc;
  uv_timer_start(&pc.guard, pool_on_guard, 10000, 0);
  uv_timer_init(&loop, &submit);
  submit.data = &pc;
  uv_timer_start(&submit, pool_on_submit, 0, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(pc.done == POOL_TASKS);
  CHECK(pc.stops == 2);
  CHECK(uv_loop_close(&loop) == 0);
  gild_pool_free(pc.pool);
  for (i = 0; i <= POOL_TASKS; i++)
    gild_resp_free(&pc.resps[i]);
  pthread_mutex_destroy(&pc.mu);
  pthread_cond_destroy(&pc.cv);
}

int main(void) {
  test_add_header();
  test_serialize();
  test_date_format();
  test_pool();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("http glue: all checks passed\n");
  return 0;
}
