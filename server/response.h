/*
 * response.h - the response a handler fills (struct gild_response behind the
 * gild_response_* calls of handler.h) and its serialization to HTTP/1.1.
 *
 * Handler headers are validated and stored already serialized
 * ("Name: value\r\n"), so writing a response costs one head buffer built on
 * the loop thread plus the body, which is written as its own buffer. The
 * server owns framing: handler-given Content-Length, Transfer-Encoding,
 * Connection, Date and Server headers are dropped.
 */
#ifndef GILD_RESPONSE_H
#define GILD_RESPONSE_H

#include <stddef.h>
#include <stdint.h>
#include "handler.h"

struct gild_response {
  int status;
  char *hdrs;          /* serialized "Name: value\r\n" lines */
  size_t hdrs_len, hdrs_cap;
  char *body;
  size_t body_len, body_cap;
  int oom;             /* an allocation failed: the server answers 500 */
  /* What the runtime reported through gild_response_set_timing; kept by
   * gild_resp_reset, since an error page replacing the handler's answer
   * still cost that GIL time. */
  gild_timing timing;
  int has_timing;
};

/* Length of a Date header value, "Sun, 06 Nov 1994 08:49:37 GMT". */
#define GILD_HTTP_DATE_LEN 29

void gild_resp_init(gild_response *r);
void gild_resp_free(gild_response *r);
/* Drops headers and body, status back to 200; keeps the timing. */
void gild_resp_reset(gild_response *r);

/* The reason phrase for a status ("Not Found"); "Unknown" if none. */
const char *gild_http_reason(int status);

/* Formats `t` (seconds since the epoch) as an IMF-fixdate into out, which
 * holds at least GILD_HTTP_DATE_LEN + 1 bytes. */
void gild_http_date(int64_t t, char *out);

/* Replaces the response by a plain-text error page for `status` whose body
 * is the reason phrase; keeps nothing the handler set. */
int gild_resp_set_error(gild_response *r, int status);

typedef struct gild_head_opts {
  const char *date;    /* cached Date value, GILD_HTTP_DATE_LEN bytes */
  int keep_alive;      /* 0: "Connection: close" */
  int http10;          /* 1.0 client kept alive: "Connection: keep-alive" */
  const char *extra;   /* extra serialized header lines, or NULL */
} gild_head_opts;

/* Room for the longest Server-Timing line, its NUL included. */
#define GILD_SERVER_TIMING_MAX 128

/* Writes "Server-Timing: gil-wait;dur=0.41, gil;dur=1.20, io;dur=10.05\r\n"
 * (milliseconds, 2 decimals) and a NUL into out (GILD_SERVER_TIMING_MAX
 * bytes); returns the length without the NUL. */
size_t gild_resp_server_timing(char *out, const gild_timing *t);

/* Writes the decimal form of v into out (at least 20 bytes, no NUL);
 * returns the length. No snprintf: it costs more than the rest of a
 * response head, and this runs for every response and log line. */
size_t gild_fmt_uint(char *out, uint64_t v);

/* Writes "D.DD" (milliseconds, rounded to 2 decimals) for `ns` into out,
 * which holds at least 24 bytes; returns the length. No snprintf: this
 * runs for every response. */
size_t gild_fmt_ms2(char *out, uint64_t ns);

/* Whether a response with this status carries no body (1xx, 204, 304). */
int gild_resp_status_bodyless(int status);

/* Serializes the status line and headers of r into a new malloc'd buffer
 * (*out, *out_len). Returns 0 or GILD_ENOMEM. */
int gild_resp_serialize_head(const gild_response *r, const gild_head_opts *o, char **out,
                             size_t *out_len);

#endif
