/*
 * test_handler.c - handlers written in C for the integration tests. Each
 * name of test.json resolves to one function; the handle is that function.
 * Query parameters are read from the raw query string ("ms=10&x=1").
 */
#include "test_handler.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*test_fn)(const gild_request *req, gild_response *resp);

static void test_text(gild_response *resp, const char *ctype, const char *s, size_t len) {
  gild_response_add_header(resp, "Content-Type", 12, ctype, strlen(ctype));
  gild_response_set_body(resp, s, len);
}

/* The integer value of query parameter `name`, or `def` when absent or not
 * a number; clamped into [lo, hi]. *ok is 0 when present but not valid. */
static long test_query_long(const gild_request *req, const char *name, long def, long lo, long hi,
                            int *ok) {
  size_t nlen = strlen(name), i = 0;
  const char *q = req->query.ptr;
  size_t len = req->query.len;
  if (ok)
    *ok = 1;
  while (i < len) {
    size_t end = i;
    while (end < len && q[end] != '&')
      end++;
    if (end - i > nlen && memcmp(q + i, name, nlen) == 0 && q[i + nlen] == '=') {
      char buf[32];
      char *stop;
      long v;
      size_t vl = end - i - nlen - 1;
      if (vl == 0 || vl >= sizeof(buf)) {
        if (ok)
          *ok = 0;
        return def;
      }
      memcpy(buf, q + i + nlen + 1, vl);
      buf[vl] = '\0';
      errno = 0;
      v = strtol(buf, &stop, 10);
      if (errno || *stop != '\0' || v < lo || v > hi) {
        if (ok)
          *ok = 0;
        return v < lo ? lo : (v > hi ? hi : def);
      }
      return v;
    }
    i = end + 1;
  }
  return def;
}

static void test_sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  /* Restart after a signal so the handler blocks its whole time. */
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static void test_hello(const gild_request *req, gild_response *resp) {
  static const char body[] = "Hello, World!";
  (void)req;
  test_text(resp, "text/plain", body, sizeof(body) - 1);
}

static void test_echo(const gild_request *req, gild_response *resp) {
  char n[32];
  int len = snprintf(n, sizeof(n), "%zu", req->body.len);
  gild_response_add_header(resp, "Content-Type", 12, "application/octet-stream", 24);
  gild_response_add_header(resp, "X-Body-Length", 13, n, (size_t)len);
  gild_response_set_body(resp, req->body.ptr, req->body.len);
}

static void test_sleep(const gild_request *req, gild_response *resp) {
  char b[32];
  long ms = test_query_long(req, "ms", 10, 0, 10000, NULL);
  int len;
  test_sleep_ms(ms);
  len = snprintf(b, sizeof(b), "slept %ld", ms);
  test_text(resp, "text/plain", b, (size_t)len);
}

static void test_order(const gild_request *req, gild_response *resp) {
  char b[32];
  long ms = test_query_long(req, "ms", 0, 0, 10000, NULL);
  int len;
  test_sleep_ms(ms);
  len = snprintf(b, sizeof(b), "order %ld", ms);
  test_text(resp, "text/plain", b, (size_t)len);
}

static void test_pairs(gild_response *resp, const gild_kv *kv, size_t n, const char *sep) {
  size_t i, seplen = strlen(sep);
  gild_response_add_header(resp, "Content-Type", 12, "text/plain", 10);
  for (i = 0; i < n; i++) {
    gild_response_append_body(resp, kv[i].name.ptr, kv[i].name.len);
    gild_response_append_body(resp, sep, seplen);
    gild_response_append_body(resp, kv[i].value.ptr, kv[i].value.len);
    gild_response_append_body(resp, "\n", 1);
  }
}

static void test_params(const gild_request *req, gild_response *resp) {
  test_pairs(resp, req->params, req->n_params, "=");
}

static void test_headers(const gild_request *req, gild_response *resp) {
  test_pairs(resp, req->headers, req->n_headers, ": ");
}

static void test_info(const gild_request *req, gild_response *resp) {
  json_t *o = json_object();
  char *s;
  json_object_set_new(o, "method", json_stringn(req->method.ptr, req->method.len));
  json_object_set_new(o, "path", json_stringn(req->path.ptr, req->path.len));
  json_object_set_new(o, "query", json_stringn(req->query.ptr, req->query.len));
  json_object_set_new(o, "remote", json_stringn(req->remote.ptr, req->remote.len));
  json_object_set_new(o, "route", json_stringn(req->route.ptr, req->route.len));
  s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(o);
  if (s == NULL) {
    gild_response_set_status(resp, 500);
    return;
  }
  test_text(resp, "application/json", s, strlen(s));
  free(s);
}

static void test_status(const gild_request *req, gild_response *resp) {
  char b[32];
  int ok, len;
  long code = test_query_long(req, "code", 200, 100, 599, &ok);
  if (!ok) {
    gild_response_set_status(resp, 400);
    test_text(resp, "text/plain", "bad code: expected 100..599\n", 28);
    return;
  }
  gild_response_set_status(resp, (int)code);
  len = snprintf(b, sizeof(b), "status %ld", code);
  test_text(resp, "text/plain", b, (size_t)len);
}

static void test_bad_header(const gild_request *req, gild_response *resp) {
  static const char evil[] = "a\r\nX-Injected: yes";
  int rc = gild_response_add_header(resp, "X-Evil", 6, evil, sizeof(evil) - 1);
  (void)req;
  if (rc == GILD_EINVAL) {
    gild_response_add_header(resp, "X-Refused", 9, "yes", 3);
    test_text(resp, "text/plain", "refused\n", 8);
  } else {
    gild_response_set_status(resp, 500);
    test_text(resp, "text/plain", "accepted a header value with CR/LF\n", 35);
  }
}

static void test_big(const gild_request *req, gild_response *resp) {
  static const size_t chunk_len = 65536;
  long n = test_query_long(req, "bytes", 1024, 0, 64L << 20, NULL);
  char *chunk = malloc(chunk_len);
  size_t left = (size_t)n;
  if (chunk == NULL) {
    gild_response_set_status(resp, 500);
    return;
  }
  /* Appended a chunk at a time: one copy of the body, not two. */
  memset(chunk, 'x', chunk_len);
  gild_response_add_header(resp, "Content-Type", 12, "text/plain", 10);
  while (left > 0) {
    size_t k = left < chunk_len ? left : chunk_len;
    if (gild_response_append_body(resp, chunk, k) != GILD_OK) {
      gild_response_set_status(resp, 500);
      break;
    }
    left -= k;
  }
  free(chunk);
}

static void test_cpu(const gild_request *req, gild_response *resp) {
  volatile long counter = test_query_long(req, "n", 100000, 0, 2000000000L, NULL);
  while (counter > 0)
    counter = counter - 1;
  test_text(resp, "text/plain", "done", 4);
}

typedef struct test_entry {
  const char *name;
  test_fn fn;
} test_entry;

static const test_entry test_table[] = {
    {"test.hello", test_hello},     {"test.echo", test_echo},
    {"test.sleep", test_sleep},     {"test.order", test_order},
    {"test.params", test_params},   {"test.headers", test_headers},
    {"test.info", test_info},       {"test.status", test_status},
    {"test.bad_header", test_bad_header}, {"test.big", test_big},
    {"test.cpu", test_cpu},
};

/* Function pointers cannot travel through a void*, so the handle is the
 * table entry's address. */
static int test_resolve(void *ctx, const char *name, void **handle, char *err, size_t errlen) {
  size_t i;
  (void)ctx;
  for (i = 0; i < sizeof(test_table) / sizeof(test_table[0]); i++) {
    if (strcmp(test_table[i].name, name) == 0) {
      *handle = (void *)&test_table[i];
      return GILD_OK;
    }
  }
  snprintf(err, errlen, "unknown test handler '%s' (the test runtime knows test.hello, test.echo, "
                        "test.sleep, test.order, test.params, test.headers, test.info, "
                        "test.status, test.bad_header, test.big, test.cpu)", name);
  return GILD_ENOENT;
}

static int test_load(void *ctx, const char *dir, char *err, size_t errlen) {
  (void)ctx, (void)dir, (void)err, (void)errlen;
  return GILD_OK;
}

static int test_thread_start(void *ctx, int worker_index, void **tstate) {
  (void)ctx, (void)worker_index;
  *tstate = NULL;
  return GILD_OK;
}

static void test_thread_stop(void *ctx, void *tstate) {
  (void)ctx, (void)tstate;
}

static void test_handle(void *ctx, void *tstate, const gild_request *req, gild_response *resp) {
  const test_entry *entry = req->handler;
  (void)ctx, (void)tstate;
  if (entry == NULL) {
    gild_response_set_status(resp, 500);
    return;
  }
  entry->fn(req, resp);
}

static void test_unload(void *ctx) {
  (void)ctx;
}

gild_handler_ops test_handler_ops = {
    .name = "test",
    .load = test_load,
    .resolve = test_resolve,
    .thread_start = test_thread_start,
    .thread_stop = test_thread_stop,
    .handle = test_handle,
    .unload = test_unload,
    .ctx = NULL,
};
