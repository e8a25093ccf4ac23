/*
 * mod_http.c - gild's own `http` module (not CPython's http package): a
 * small HTTP/1.1 client for handlers that call upstream services.
 *
 *   import http
 *   status, headers, body = http.request(method, url, body=None, headers=None, timeout=10)
 *
 *   - url: "http://HOST[:PORT]/PATH?QUERY" with HOST an IP literal ("[::1]"
 *     for IPv6) or "localhost"; https:// and anything else is ValueError.
 *   - body: None, bytes, or str (sent as UTF-8); Content-Length is added
 *     (also 0 for POST/PUT/PATCH without a body). headers: a dict of str to
 *     str added to the request; CR or LF in a name or value is ValueError.
 *     The request always carries Host and "Connection: close".
 *   - timeout: seconds for the WHOLE exchange (connect, send, receive),
 *     None for no limit; past it: TimeoutError("timed out").
 *   - returns (status: int, headers: dict with lower-case names, repeated
 *     headers joined with ", ", body: bytes). The body is read up to
 *     Content-Length, through the chunked coding, or until the server
 *     closes; 1xx interim responses are skipped; HEAD, 204 and 304 have
 *     none. Any status is returned, 404 and 500 included (no exception).
 *   - errors: ConnectionRefusedError and the other OSErrors of connect and
 *     I/O, TimeoutError, ConnectionError for a malformed or truncated
 *     response or one past the limits (headers 64 KiB, body 64 MiB).
 *
 * The whole network exchange runs in http_exchange with the GIL released:
 * the request is serialised into C memory first, the response is read and
 * de-chunked into C buffers, and the Python objects are built after the GIL
 * is taken back. The response parser is our own (http-parser is linked into
 * the server, not the VM).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "modules.h"
#include "netio.h"
#include "vm_gil.h"

#define HEAD_MAX (64 * 1024)
#define BODY_MAX (64 * 1024 * 1024)

/* ---- growable C buffer (no GIL: raises nothing) -------------------------------------------- */

typedef struct Buf {
  char *data;
  size_t len, cap;
} Buf;

static bool buf_reserve(Buf *b, size_t extra) {
  if (b->len + extra <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + extra) cap *= 2;
  char *d = realloc(b->data, cap);
  if (!d) return false;
  b->data = d;
  b->cap = cap;
  return true;
}

static bool buf_add(Buf *b, const void *p, size_t n) {
  if (!buf_reserve(b, n + 1)) return false;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
  return true;
}

static bool buf_adds(Buf *b, const char *s) { return buf_add(b, s, strlen(s)); }

/* ---- the request, built under the GIL ------------------------------------------------------- */

typedef struct Url {
  char host[256]; /* without brackets */
  int port;
  bool ipv6;
  const char *path; /* into the url str, which the caller holds */
  size_t path_len;
} Url;

static int bad_url(TState *ts, const char *url) {
  return vm_raise(ts, &ValueError_Type, "invalid URL for http.request: '%s'", url);
}

/* http://host[:port][/path][?query][#fragment] */
static int parse_url(TState *ts, const char *url, Url *u) {
  for (const char *p = url; *p; p++)
    if ((unsigned char)*p <= ' ' || *p == 0x7f) return bad_url(ts, url);
  if (strncasecmp(url, "https://", 8) == 0)
    return vm_raise(ts, &ValueError_Type, "http.request supports http:// only, not https: '%s'",
                    url);
  if (strncasecmp(url, "http://", 7) != 0) return bad_url(ts, url);
  const char *a = url + 7, *end = a + strcspn(a, "/?#");
  const char *h = a, *hend;
  const char *colon;
  if (*a == '[') {
    h = a + 1;
    hend = memchr(h, ']', (size_t)(end - h));
    if (!hend) return bad_url(ts, url);
    colon = hend + 1 < end && hend[1] == ':' ? hend + 1 : NULL;
    if (hend + 1 < end && !colon) return bad_url(ts, url);
    u->ipv6 = true;
  } else {
    colon = memchr(a, ':', (size_t)(end - a));
    hend = colon ? colon : end;
    u->ipv6 = false;
  }
  size_t hlen = (size_t)(hend - h);
  if (hlen == 0 || hlen >= sizeof u->host || memchr(h, '@', hlen)) return bad_url(ts, url);
  memcpy(u->host, h, hlen);
  u->host[hlen] = 0;
  u->port = 80;
  if (colon && colon + 1 < end) {
    long port = 0;
    for (const char *p = colon + 1; p < end; p++) {
      if (!isdigit((unsigned char)*p) || (port = port * 10 + (*p - '0')) > 65535)
        return bad_url(ts, url);
    }
    if (port == 0) return bad_url(ts, url);
    u->port = (int)port;
  }
  u->path = end;
  u->path_len = strcspn(end, "#");
  return 0;
}

static bool is_token(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s)) return false;
  return true;
}

static bool has_crlf(const char *s, size_t n) { return memchr(s, '\r', n) || memchr(s, '\n', n); }

/* The user's headers, checked; notes whether Host was given. Connection
 * and Content-Length are ours (we read until close, and count the body). */
static int add_user_headers(TState *ts, Buf *req, Obj *headers, bool *has_host) {
  DictObj *d = (DictObj *)headers;
  for (size_t i = 0; i < d->nentries; i++) {
    DictEntry *e = &d->entries[i];
    if (v_is_undef(e->key)) continue;
    if (!v_is_type(e->key, &StrType) || !v_is_type(e->value, &StrType))
      return vm_raise(ts, &TypeError_Type, "http.request() headers must be str: str");
    StrObj *k = as_str(e->key), *v = as_str(e->value);
    if (!is_token(k->data)) return vm_raise(ts, &ValueError_Type, "Invalid header name '%s'", k->data);
    if (has_crlf(v->data, v->size))
      return vm_raise(ts, &ValueError_Type, "Invalid header value for '%s'", k->data);
    if (strcasecmp(k->data, "connection") == 0 || strcasecmp(k->data, "content-length") == 0)
      continue;
    *has_host |= strcasecmp(k->data, "host") == 0;
    if (!buf_adds(req, k->data) || !buf_adds(req, ": ") || !buf_add(req, v->data, v->size) ||
        !buf_adds(req, "\r\n"))
      return vm_raise_nomem(ts);
  }
  return 0;
}

static int build_request(TState *ts, const char *method, const Url *u, Obj *headers,
                         const char *body, size_t body_len, bool has_body, Buf *req) {
  bool ok = buf_adds(req, method) && buf_adds(req, " ") &&
            (u->path_len == 0 || u->path[0] == '?' ? buf_adds(req, "/") : true) &&
            buf_add(req, u->path, u->path_len) && buf_adds(req, " HTTP/1.1\r\n");
  if (!ok) return vm_raise_nomem(ts);
  bool has_host = false;
  if (headers && add_user_headers(ts, req, headers, &has_host) < 0) return -1;
  char line[400];
  if (!has_host) {
    char port[16] = "";
    if (u->port != 80) snprintf(port, sizeof port, ":%d", u->port);
    snprintf(line, sizeof line, "Host: %s%s%s%s\r\n", u->ipv6 ? "[" : "", u->host,
             u->ipv6 ? "]" : "", port);
    if (!buf_adds(req, line)) return vm_raise_nomem(ts);
  }
  bool wants_length = has_body || !strcmp(method, "POST") || !strcmp(method, "PUT") ||
                      !strcmp(method, "PATCH");
  if (wants_length) {
    snprintf(line, sizeof line, "Content-Length: %zu\r\n", body_len);
    if (!buf_adds(req, line)) return vm_raise_nomem(ts);
  }
  if (!buf_adds(req, "Connection: close\r\n\r\n") || !buf_add(req, body, body_len))
    return vm_raise_nomem(ts);
  return 0;
}

/* ---- the response, read without the GIL ----------------------------------------------------- */

typedef struct Response {
  int rc, gai;         /* netio status of the exchange */
  const char *error;   /* a malformed/oversized response (static text), or NULL */
  int status;
  Buf head;            /* the header lines after the status line, NUL-terminated */
  Buf body;
} Response;

/* The value of header `name` in head (lines "Name: value\r\n"), trimmed. */
static bool head_find(const Buf *head, const char *name, const char **val, size_t *vlen) {
  size_t nlen = strlen(name);
  for (const char *p = head->data, *end = p + head->len; p && p < end;) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *lend = eol ? eol : end;
    if ((size_t)(lend - p) > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
      const char *v = p + nlen + 1, *ve = lend;
      while (v < ve && (*v == ' ' || *v == '\t')) v++;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
      *val = v;
      *vlen = (size_t)(ve - v);
      return true;
    }
    p = eol ? eol + 1 : NULL;
  }
  return false;
}

/* Reads more of the response into raw: 0, or the netio status; *eof at end. */
static int recv_more(int fd, Buf *raw, int64_t deadline, bool *eof) {
  if (!buf_reserve(raw, 16384)) return ENOMEM;
  size_t got;
  int rc = netio_recv(fd, raw->data + raw->len, raw->cap - raw->len - 1, deadline, &got);
  if (rc) return rc;
  raw->len += got;
  raw->data[raw->len] = 0;
  *eof = got == 0;
  return 0;
}

/* "HTTP/1.1 200 OK" -> 200; -1 if it is not a status line. */
static int parse_status(const char *line, size_t n) {
  if (n < 12 || strncmp(line, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)line[7]) ||
      line[8] != ' ')
    return -1;
  int s = 0;
  for (int i = 9; i < 12; i++) {
    if (!isdigit((unsigned char)line[i])) return -1;
    s = s * 10 + (line[i] - '0');
  }
  return n == 12 || line[12] == ' ' || line[12] == '\r' ? s : -1;
}

/* Reads until a whole head is in raw, parses the status line and moves
 * the header lines into r->head; consumes them from raw. 0, a netio status
 * (r->rc), or 1 with r->error set. */
static int read_head(int fd, Buf *raw, int64_t deadline, Response *r) {
  for (;;) {
    char *end = raw->len ? strstr(raw->data, "\r\n\r\n") : NULL;
    if (end) {
      size_t head_len = (size_t)(end - raw->data) + 4;
      char *eol = memchr(raw->data, '\n', head_len);
      r->status = parse_status(raw->data, (size_t)(eol - raw->data));
      if (r->status < 0) {
        r->error = "malformed status line in the response";
        return 1;
      }
      r->head.len = 0;
      if (!buf_add(&r->head, eol + 1, head_len - (size_t)(eol + 1 - raw->data))) return ENOMEM;
      memmove(raw->data, raw->data + head_len, raw->len - head_len + 1);
      raw->len -= head_len;
      return 0;
    }
    if (raw->len > HEAD_MAX) {
      r->error = "response headers larger than 64 KiB";
      return 1;
    }
    bool eof;
    int rc = recv_more(fd, raw, deadline, &eof);
    if (rc) return rc;
    if (eof) {
      r->error = "Remote end closed connection without response";
      return 1;
    }
  }
}

/* The chunked transfer coding, decoded incrementally from raw into body. */
enum { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER, CH_DONE };

typedef struct Chunked {
  int state;
  size_t left; /* bytes of the current chunk still to copy */
} Chunked;

/* Consumes what it can of raw; returns 0 (need more or done), ENOMEM, or
 * 1 with *error set. */
static int chunked_feed(Chunked *c, Buf *raw, Buf *body, const char **error) {
  size_t pos = 0;
  while (c->state != CH_DONE && pos < raw->len) {
    char *p = raw->data + pos;
    size_t avail = raw->len - pos;
    if (c->state == CH_DATA) {
      size_t n = avail < c->left ? avail : c->left;
      if (!buf_add(body, p, n)) return ENOMEM;
      c->left -= n;
      pos += n;
      if (c->left == 0) c->state = CH_DATA_END;
      continue;
    }
    char *eol = memchr(p, '\n', avail);
    if (!eol) {
      if (avail > 4096) {
        *error = "malformed chunked response";
        return 1;
      }
      break;
    }
    size_t line_len = (size_t)(eol - p) + 1;
    if (c->state == CH_SIZE) {
      char *hex_end;
      errno = 0;
      unsigned long long size = strtoull(p, &hex_end, 16);
      if (hex_end == p || !isxdigit((unsigned char)*p) || errno) {
        *error = "malformed chunk size in the response";
        return 1;
      }
      if (size > BODY_MAX || body->len + size > BODY_MAX) {
        *error = "response body larger than 64 MiB";
        return 1;
      }
      c->left = (size_t)size;
      c->state = size ? CH_DATA : CH_TRAILER;
    } else if (c->state == CH_DATA_END) {
      c->state = CH_SIZE;
    } else if (line_len <= 2) { /* CH_TRAILER: the empty line ends the message */
      c->state = CH_DONE;
    }
    pos += line_len;
  }
  if (pos) {
    memmove(raw->data, raw->data + pos, raw->len - pos);
    raw->len -= pos;
    raw->data[raw->len] = 0;
  }
  return 0;
}

static int read_chunked(int fd, Buf *raw, int64_t deadline, Response *r) {
  Chunked c = {CH_SIZE, 0};
  for (;;) {
    int rc = chunked_feed(&c, raw, &r->body, &r->error);
    if (rc || c.state == CH_DONE) return rc;
    bool eof;
    if ((rc = recv_more(fd, raw, deadline, &eof))) return rc;
    if (eof) {
      r->error = "connection closed in the middle of a chunked response";
      return 1;
    }
  }
}

/* Content-Length (length >= 0) or until the server closes (length < 0). */
static int read_plain(int fd, Buf *raw, int64_t deadline, long long length, Response *r) {
  for (;;) {
    if (length >= 0 && raw->len >= (size_t)length) {
      raw->len = (size_t)length; /* anything after it is not ours */
      break;
    }
    if (raw->len > BODY_MAX) {
      r->error = "response body larger than 64 MiB";
      return 1;
    }
    bool eof;
    int rc = recv_more(fd, raw, deadline, &eof);
    if (rc) return rc;
    if (eof) {
      if (length >= 0) {
        r->error = "connection closed before the end of the response body";
        return 1;
      }
      break;
    }
  }
  /* The raw buffer is the body: hand it over. */
  r->body = *raw;
  memset(raw, 0, sizeof *raw);
  return 0;
}

static bool head_has_token(const Buf *head, const char *name, const char *token) {
  const char *v;
  size_t n;
  if (!head_find(head, name, &v, &n)) return false;
  for (size_t i = 0; i + strlen(token) <= n; i++)
    if (strncasecmp(v + i, token, strlen(token)) == 0) return true;
  return false;
}

/* After the head: which framing the body has, and reading it. */
static int read_body(int fd, Buf *raw, int64_t deadline, bool head_request, Response *r) {
  if (head_request || r->status == 204 || r->status == 304) return 0;
  if (head_has_token(&r->head, "transfer-encoding", "chunked"))
    return read_chunked(fd, raw, deadline, r);
  const char *v;
  size_t n;
  long long length = -1;
  if (head_find(&r->head, "content-length", &v, &n)) {
    length = 0;
    for (size_t i = 0; i < n; i++) {
      if (!isdigit((unsigned char)v[i]) || (length = length * 10 + (v[i] - '0')) > BODY_MAX) {
        r->error = length > BODY_MAX ? "response body larger than 64 MiB"
                                     : "invalid Content-Length in the response";
        return 1;
      }
    }
    if (n == 0) {
      r->error = "invalid Content-Length in the response";
      return 1;
    }
  }
  return read_plain(fd, raw, deadline, length, r);
}

/* Sends the request and reads the response. Runs WITHOUT the GIL: only
 * its arguments (C memory) and r are touched. */
static void http_exchange(const char *host, int port, const Buf *req, bool head_request,
                          int64_t deadline, Response *r) {
  int fd = -1;
  Buf raw = {0};
  size_t sent;
  int rc = netio_connect_host(host, port, deadline, &fd, &r->gai);
  if (rc == 0) rc = netio_send_all(fd, req->data, req->len, deadline, &sent);
  /* 1xx interim responses (100 Continue, 103 Early Hints) precede the real one. */
  while (rc == 0) {
    rc = read_head(fd, &raw, deadline, r);
    if (rc || r->status >= 200 || r->status == 101) break;
  }
  if (rc == 0) rc = read_body(fd, &raw, deadline, head_request, r);
  if (rc == 1) rc = 0; /* r->error says what */
  r->rc = rc;
  free(raw.data);
  if (fd >= 0) close(fd);
}

/* ---- the result, built under the GIL -------------------------------------------------------- */

static int add_header(TState *ts, Obj *dict, const char *name, size_t nlen, const char *val,
                      size_t vlen) {
  char *lower = malloc(nlen + 1);
  if (!lower) return vm_raise_nomem(ts);
  for (size_t i = 0; i < nlen; i++) lower[i] = (char)tolower((unsigned char)name[i]);
  Obj *k = str_new(ts, lower, nlen);
  free(lower);
  if (!k) return -1;
  /* Repeated headers: one value, joined with ", ". */
  Value old = dict_get_str_borrowed(dict, k);
  Obj *v = v_is_undef(old) ? str_new(ts, val, vlen)
                           : str_fmt(ts, "%s, %.*s", as_str(old)->data, (int)vlen, val);
  int rc = v ? dict_set(ts, dict, v_obj(k), v_obj(v)) : -1;
  obj_decref(k);
  obj_xdecref(v);
  return rc;
}

/* Header bytes are Latin-1 in HTTP; gild's str is UTF-8, so a non-ASCII
 * byte is decoded as the code point of the same value, as CPython does. */
static char *latin1_to_utf8(const char *s, size_t n, size_t *out_len) {
  char *o = malloc(2 * n + 1), *w = o;
  if (!o) return NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      *w++ = (char)c;
    } else {
      *w++ = (char)(0xC0 | (c >> 6));
      *w++ = (char)(0x80 | (c & 0x3F));
    }
  }
  *out_len = (size_t)(w - o);
  return o;
}

static Obj *headers_dict(TState *ts, const Buf *head) {
  size_t len;
  char *text = latin1_to_utf8(head->data ? head->data : "", head->len, &len);
  if (!text) {
    vm_raise_nomem(ts);
    return NULL;
  }
  Obj *d = dict_new(ts);
  for (const char *p = text, *end = text + len; d && p < end;) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *lend = eol ? eol : end, *colon = memchr(p, ':', (size_t)(lend - p));
    if (colon && colon > p) {
      const char *v = colon + 1, *ve = lend;
      while (v < ve && (*v == ' ' || *v == '\t')) v++;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
      if (add_header(ts, d, p, (size_t)(colon - p), v, (size_t)(ve - v)) < 0) {
        obj_decref(d);
        d = NULL;
      }
    }
    p = eol ? eol + 1 : end;
  }
  free(text);
  return d;
}

static int response_result(TState *ts, Response *r, double timeout, Value *out) {
  if (r->rc == ENOMEM) return vm_raise_nomem(ts);
  if (r->rc) return socket_raise_error(ts, r->rc, r->gai, timeout == 0 ? 1 : timeout);
  if (r->error) return vm_raise(ts, &ConnectionError_Type, "%s", r->error);
  Obj *headers = headers_dict(ts, &r->head);
  if (!headers) return -1;
  Obj *body = bytes_new(ts, r->body.data ? r->body.data : "", r->body.len);
  Obj *t = body ? tuple_pack(ts, 3, v_int(r->status), v_obj(headers), v_obj(body)) : NULL;
  obj_decref(headers);
  obj_xdecref(body);
  if (!t) return -1;
  *out = v_obj(t);
  return 0;
}

/* ---- http.request ---------------------------------------------------------------------------- */

static int body_arg(TState *ts, Value v, const char **data, size_t *len, bool *has) {
  *has = !v_is_undef(v) && !v_is_none(v);
  *data = "";
  *len = 0;
  if (!*has) return 0;
  if (v_is_type(v, &BytesType)) {
    *data = (const char *)((BytesObj *)v.as.o)->data;
    *len = ((BytesObj *)v.as.o)->size;
  } else if (v_is_type(v, &StrType)) {
    *data = as_str(v)->data;
    *len = as_str(v)->size;
  } else {
    return vm_raise(ts, &TypeError_Type, "http.request() body must be bytes, str or None, not %s",
                    v_type(v)->name);
  }
  return 0;
}

static int http_request(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)self;
  static const char *const names[] = {"method", "url", "body", "headers", "timeout"};
  Value a[5];
  if (vm_parse_args(ts, "request", args, nargs, kwargs, names, 5, 5, 2, a) < 0) return -1;
  if (!v_is_type(a[0], &StrType) || !v_is_type(a[1], &StrType))
    return vm_raise(ts, &TypeError_Type, "http.request() method and url must be str");
  const char *method = as_str(a[0])->data;
  if (!is_token(method)) return vm_raise(ts, &ValueError_Type, "invalid HTTP method '%s'", method);
  Obj *headers = NULL;
  if (!v_is_undef(a[3]) && !v_is_none(a[3])) {
    if (!v_is_type(a[3], &DictType))
      return vm_raise(ts, &TypeError_Type, "http.request() headers must be a dict, not %s",
                      v_type(a[3])->name);
    headers = a[3].as.o;
  }
  double timeout = 10; /* None: -1, no limit */
  if (v_is_none(a[4])) {
    timeout = -1;
  } else if (!v_is_undef(a[4])) {
    if (module_real_arg(ts, a[4], &timeout) < 0) return -1;
    if (timeout < 0) return vm_raise(ts, &ValueError_Type, "Timeout value out of range");
  }
  Url u;
  const char *body;
  size_t body_len;
  bool has_body;
  Buf req = {0};
  if (parse_url(ts, as_str(a[1])->data, &u) < 0 ||
      body_arg(ts, a[2], &body, &body_len, &has_body) < 0 ||
      build_request(ts, method, &u, headers, body, body_len, has_body, &req) < 0) {
    free(req.data);
    return -1;
  }
  Response r = {0};
  bool head_request = strcmp(method, "HEAD") == 0;
  /* Everything the exchange needs is now C memory (req, u.host). */
  vm_blocking_begin(ts);
  http_exchange(u.host, u.port, &req, head_request, netio_deadline(timeout), &r);
  vm_blocking_end(ts);
  free(req.data);
  int rc = response_result(ts, &r, timeout, out);
  free(r.head.data);
  free(r.body.data);
  return rc;
}

static const MethodDef http_functions[] = {
    {"request", http_request},
    {NULL, NULL},
};

static int http_init(TState *ts, Obj *m) { return module_add_functions(ts, m, http_functions); }

const NativeModuleDef mod_http_def = {"http", http_init};
