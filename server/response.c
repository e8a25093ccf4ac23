/*
 * response.c - gild_response_* (the handler side of handler.h) and the
 * serialization of a response head.
 */
#include "response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void gild_resp_init(gild_response *r) {
  memset(r, 0, sizeof(*r));
  r->status = 200;
  r->timing.worker = -1;
}

void gild_resp_free(gild_response *r) {
  free(r->hdrs);
  free(r->body);
  gild_resp_init(r);
}

void gild_resp_reset(gild_response *r) {
  r->status = 200;
  r->hdrs_len = 0;
  r->body_len = 0;
  r->oom = 0;
}

/* Grows *buf to hold at least `need` bytes, doubling so appends stay linear. */
static int resp_reserve(char **buf, size_t *cap, size_t need) {
  size_t ncap;
  char *nb;
  if (need <= *cap)
    return 0;
  ncap = *cap ? *cap : 64;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2)
      return GILD_ENOMEM;
    ncap *= 2;
  }
  nb = realloc(*buf, ncap);
  if (nb == NULL)
    return GILD_ENOMEM;
  *buf = nb;
  *cap = ncap;
  return 0;
}

void gild_response_set_status(gild_response *r, int status) {
  r->status = status;
}

void gild_response_set_timing(gild_response *r, const gild_timing *t) {
  if (t == NULL) {
    r->has_timing = 0;
    return;
  }
  r->timing = *t;
  r->has_timing = 1;
}

/* RFC 9110 tchar. */
static int resp_is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int resp_name_is(const char *name, size_t len, const char *lit) {
  return strlen(lit) == len && strncasecmp(name, lit, len) == 0;
}

int gild_response_add_header(gild_response *r, const char *name, size_t name_len,
                             const char *value, size_t value_len) {
  size_t i, need;
  if (name == NULL || name_len == 0 || (value == NULL && value_len != 0))
    return GILD_EINVAL;
  for (i = 0; i < name_len; i++)
    if (!resp_is_tchar((unsigned char)name[i]))
      return GILD_EINVAL;
  /* CR, LF or NUL in a value would let a handler split the response. */
  for (i = 0; i < value_len; i++)
    if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0')
      return GILD_EINVAL;
  /* The server owns framing and these fields; a handler's copy would
   * contradict what is actually written. */
  if (resp_name_is(name, name_len, "content-length") ||
      resp_name_is(name, name_len, "transfer-encoding") ||
      resp_name_is(name, name_len, "connection") || resp_name_is(name, name_len, "date") ||
      resp_name_is(name, name_len, "server"))
    return GILD_OK;
  need = r->hdrs_len + name_len + value_len + 4;
  if (resp_reserve(&r->hdrs, &r->hdrs_cap, need) != 0) {
    r->oom = 1;
    return GILD_ENOMEM;
  }
  memcpy(r->hdrs + r->hdrs_len, name, name_len);
  r->hdrs_len += name_len;
  r->hdrs[r->hdrs_len++] = ':';
  r->hdrs[r->hdrs_len++] = ' ';
  if (value_len)
    memcpy(r->hdrs + r->hdrs_len, value, value_len);
  r->hdrs_len += value_len;
  r->hdrs[r->hdrs_len++] = '\r';
  r->hdrs[r->hdrs_len++] = '\n';
  return GILD_OK;
}

int gild_response_set_body(gild_response *r, const void *data, size_t len) {
  r->body_len = 0;
  return gild_response_append_body(r, data, len);
}

int gild_response_append_body(gild_response *r, const void *data, size_t len) {
  if (len == 0)
    return GILD_OK;
  if (data == NULL)
    return GILD_EINVAL;
  if (r->body_len > SIZE_MAX - len || resp_reserve(&r->body, &r->body_cap, r->body_len + len)) {
    r->oom = 1;
    return GILD_ENOMEM;
  }
  memcpy(r->body + r->body_len, data, len);
  r->body_len += len;
  return GILD_OK;
}

const char *gild_http_reason(int status) {
  switch (status) {
  case 100: return "Continue";
  case 101: return "Switching Protocols";
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 203: return "Non-Authoritative Information";
  case 204: return "No Content";
  case 205: return "Reset Content";
  case 206: return "Partial Content";
  case 300: return "Multiple Choices";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 307: return "Temporary Redirect";
  case 308: return "Permanent Redirect";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 402: return "Payment Required";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 406: return "Not Acceptable";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 411: return "Length Required";
  case 412: return "Precondition Failed";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 415: return "Unsupported Media Type";
  case 416: return "Range Not Satisfiable";
  case 417: return "Expectation Failed";
  case 418: return "I'm a teapot";
  case 421: return "Misdirected Request";
  case 422: return "Unprocessable Content";
  case 425: return "Too Early";
  case 426: return "Upgrade Required";
  case 428: return "Precondition Required";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 451: return "Unavailable For Legal Reasons";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  case 505: return "HTTP Version Not Supported";
  default: return "Unknown";
  }
}

void gild_http_date(int64_t t, char *out) {
  static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  time_t tt = (time_t)t;
  gmtime_r(&tt, &tm);
  char tmp[64];
  /* Via a roomy buffer: the compiler cannot see the fields' real ranges. */
  snprintf(tmp, sizeof(tmp), "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
           tm.tm_mday % 100, months[tm.tm_mon % 12], (tm.tm_year + 1900) % 10000,
           tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
  memcpy(out, tmp, GILD_HTTP_DATE_LEN);
  out[GILD_HTTP_DATE_LEN] = '\0';
}

int gild_resp_set_error(gild_response *r, int status) {
  static const char ct[] = "Content-Type";
  static const char tp[] = "text/plain; charset=utf-8";
  const char *reason = gild_http_reason(status);
  gild_resp_reset(r);
  r->status = status;
  if (gild_response_add_header(r, ct, sizeof(ct) - 1, tp, sizeof(tp) - 1) != 0 ||
      gild_response_set_body(r, reason, strlen(reason)) != 0 ||
      gild_response_append_body(r, "\n", 1) != 0)
    return GILD_ENOMEM;
  return GILD_OK;
}

int gild_resp_status_bodyless(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

size_t gild_fmt_uint(char *out, uint64_t v) {
  char tmp[24];
  size_t n = 0, i;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  return n;
}

size_t gild_fmt_ms2(char *out, uint64_t ns) {
  /* Hundredths of a millisecond, rounded half up: 10 us units. */
  uint64_t v = ns / 10000 + (ns % 10000 >= 5000);
  size_t n = gild_fmt_uint(out, v / 100);
  out[n++] = '.';
  out[n++] = (char)('0' + (v % 100) / 10);
  out[n++] = (char)('0' + v % 10);
  return n;
}

#define RESP_PUT_LIT(buf, len, lit)          \
  do {                                       \
    memcpy((buf) + (len), lit, sizeof(lit) - 1); \
    (len) += sizeof(lit) - 1;                \
  } while (0)

size_t gild_resp_server_timing(char *out, const gild_timing *t) {
  /* Each figure is at most 23 bytes: 118 in all, under the 128 given. */
  size_t len = 0;
  RESP_PUT_LIT(out, len, "Server-Timing: gil-wait;dur=");
  len += gild_fmt_ms2(out + len, t->gil_wait_ns);
  RESP_PUT_LIT(out, len, ", gil;dur=");
  len += gild_fmt_ms2(out + len, t->gil_held_ns);
  RESP_PUT_LIT(out, len, ", io;dur=");
  len += gild_fmt_ms2(out + len, t->io_ns);
  RESP_PUT_LIT(out, len, "\r\n");
  out[len] = '\0';
  return len;
}

int gild_resp_serialize_head(const gild_response *r, const gild_head_opts *o, char **out,
                             size_t *out_len) {
  const char *reason = gild_http_reason(r->status);
  size_t reason_len = strlen(reason);
  size_t extra_len = o->extra ? strlen(o->extra) : 0;
  /* Fixed part: status line, Server, Date, Content-Length, Connection. */
  size_t cap = 192 + strlen(GILD_VERSION) + reason_len + r->hdrs_len + extra_len;
  char *buf = malloc(cap);
  size_t len = 0;
  int status = r->status >= 100 && r->status <= 999 ? r->status : 500;
  if (buf == NULL)
    return GILD_ENOMEM;
  RESP_PUT_LIT(buf, len, "HTTP/1.1 ");
  len += gild_fmt_uint(buf + len, (uint64_t)status);
  buf[len++] = ' ';
  memcpy(buf + len, reason, reason_len);
  len += reason_len;
  RESP_PUT_LIT(buf, len, "\r\nServer: gild/" GILD_VERSION "\r\nDate: ");
  memcpy(buf + len, o->date, GILD_HTTP_DATE_LEN);
  len += GILD_HTTP_DATE_LEN;
  RESP_PUT_LIT(buf, len, "\r\n");
  /* RFC 9110 8.6: no Content-Length in 1xx or 204; a 304 would have to
   * repeat the representation's length, which the server does not know. */
  if (!gild_resp_status_bodyless(status)) {
    RESP_PUT_LIT(buf, len, "Content-Length: ");
    len += gild_fmt_uint(buf + len, (uint64_t)r->body_len);
    RESP_PUT_LIT(buf, len, "\r\n");
  }
  if (!o->keep_alive)
    RESP_PUT_LIT(buf, len, "Connection: close\r\n");
  else if (o->http10)
    RESP_PUT_LIT(buf, len, "Connection: keep-alive\r\n");
  if (extra_len) {
    memcpy(buf + len, o->extra, extra_len);
    len += extra_len;
  }
  if (r->hdrs_len) {
    memcpy(buf + len, r->hdrs, r->hdrs_len);
    len += r->hdrs_len;
  }
  buf[len++] = '\r';
  buf[len++] = '\n';
  *out = buf;
  *out_len = len;
  return GILD_OK;
}
