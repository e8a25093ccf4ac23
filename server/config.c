/*
 * config.c - defaults, the JSON configuration file, and the overrides of
 * the command line.
 *
 * jansson parses and type-checks, but it only knows positions for syntax
 * errors. To name the line and column of a key whose *value* is wrong, a
 * small second scanner walks the same text, tracking line and column (in
 * characters, as jansson counts them) and recording, for every object key,
 * its dotted path ("limits.max_body_bytes", "routes.GET /hello") and where
 * its opening quote stands. The scanner trusts jansson for syntax: it only
 * runs to completion on text jansson accepted, or up to the duplicate key
 * jansson refused.
 *
 * Validation then walks each object's keys in file order, so the first
 * error reported is the first one in the file.
 */
#include "config.h"
#include "config_flags.h"
#include "handler.h"
#include "router.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_FILE_MAX (16u << 20)

/* ---- strings ------------------------------------------------------------ */

static char *conf_strdup(const char *s) {
  if (!s) return NULL;
  size_t len = strlen(s);
  char *d = malloc(len + 1);
  if (d) memcpy(d, s, len + 1);
  return d;
}

/* Replaces *slot with a copy of s (NULL allowed). */
static int conf_set_str(char **slot, const char *s) {
  char *d = NULL;
  if (s && !(d = conf_strdup(s))) return GILD_ENOMEM;
  free(*slot);
  *slot = d;
  return 0;
}

/* ---- defaults and freeing ----------------------------------------------- */

void gild_config_defaults(gild_config *c) {
  memset(c, 0, sizeof *c);
  c->listen_host = conf_strdup("127.0.0.1");
  c->listen_port = 8080;
  c->threads = 8;
  c->backlog = 511;
  c->max_connections = 10000;
  c->queue_size = 1024;
  c->handler_dir = conf_strdup("handlers");
  c->max_header_bytes = 16384;
  c->max_url_bytes = 8192;
  c->max_body_bytes = 1048576;
  c->max_headers = 100;
  c->header_timeout_ms = 10000;
  c->keepalive_timeout_ms = 5000;
  c->write_timeout_ms = 10000;
  c->body_timeout_ms = 30000;
  c->drain_timeout_ms = 10000;
  c->handler_timeout_ms = 30000;
  c->retry_after_s = 1;
  c->access_log = conf_strdup("-");
  c->error_log = conf_strdup("-");
  c->log_level = GILD_LOG_INFO;
  c->healthz_path = conf_strdup("/healthz");
  c->metrics_path = conf_strdup("/metrics");
  c->dashboard_path = conf_strdup("/debug/gil");
  c->trace_path = conf_strdup("/debug/gil/trace");
  c->trace_max_seconds = 10;
  c->server_timing = 1;
  c->sched_slice_us = 100;
  c->sched_cpu_slice_us = 3000;
  c->gil_policy = conf_strdup("cpython");
  c->gil_switch_interval = 0.005;
}

static void conf_free_routes(gild_route_conf *routes, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(routes[i].method);
    free(routes[i].pattern);
    free(routes[i].handler);
  }
  free(routes);
}

void gild_config_free(gild_config *c) {
  free(c->path);
  free(c->listen_host);
  free(c->handler_dir);
  free(c->access_log);
  free(c->error_log);
  free(c->healthz_path);
  free(c->metrics_path);
  free(c->dashboard_path);
  free(c->trace_path);
  free(c->gil_policy);
  conf_free_routes(c->routes, c->n_routes);
  memset(c, 0, sizeof *c);
}

/* ---- the key scanner ---------------------------------------------------- */

typedef struct conf_pos {
  char *path;
  int line, column;
} conf_pos;

typedef struct conf_scan {
  const char *p, *end;
  int line, column;
  conf_pos *v;
  size_t n, cap;
  long dup;        /* index in v of the first duplicate key, or -1 */
  long dup_first;  /* index of the key it repeats */
  int nomem;
} conf_scan;

static void scan_advance(conf_scan *s) {
  unsigned char c = (unsigned char)*s->p++;
  if (c == '\n') {
    s->line++;
    s->column = 1;
  } else if ((c & 0xC0) != 0x80) {
    /* UTF-8 continuation bytes do not start a new column. */
    s->column++;
  }
}

static void scan_ws(conf_scan *s) {
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    scan_advance(s);
}

static int scan_hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int c = (unsigned char)p[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v * 16 + (unsigned)d;
  }
  *out = v;
  return 0;
}

static size_t scan_utf8(unsigned cp, char *out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Reads a string at s->p (on its '"'); returns it unescaped, as jansson
 * would give it, or NULL (*bad set) when it is not a valid string. */
static char *scan_string(conf_scan *s, int want, int *bad) {
  char *out = NULL;
  size_t o = 0;
  const char *start = s->p + 1;
  *bad = 1;
  scan_advance(s);
  /* The unescaped key is never longer than its source text. */
  if (want) {
    const char *q = start;
    while (q < s->end && *q != '"') q += (*q == '\\' && q + 1 < s->end) ? 2 : 1;
    if (!(out = malloc((size_t)(q - start) + 1))) {
      s->nomem = 1;
      return NULL;
    }
  }
  while (s->p < s->end && *s->p != '"') {
    char c = *s->p;
    if (c != '\\') {
      if (out) out[o++] = c;
      scan_advance(s);
      continue;
    }
    scan_advance(s);
    if (s->p >= s->end) break;
    char e = *s->p;
    scan_advance(s);
    char ch = 0;
    switch (e) {
      case '"': ch = '"'; break;
      case '\\': ch = '\\'; break;
      case '/': ch = '/'; break;
      case 'b': ch = '\b'; break;
      case 'f': ch = '\f'; break;
      case 'n': ch = '\n'; break;
      case 'r': ch = '\r'; break;
      case 't': ch = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        if (s->end - s->p < 4 || scan_hex4(s->p, &cp) < 0) goto fail;
        for (int i = 0; i < 4; i++) scan_advance(s);
        /* A high surrogate must be followed by \uDC00..\uDFFF. */
        if (cp >= 0xD800 && cp <= 0xDBFF && s->end - s->p >= 6 && s->p[0] == '\\' &&
            s->p[1] == 'u' && scan_hex4(s->p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          for (int i = 0; i < 6; i++) scan_advance(s);
        }
        if (out) o += scan_utf8(cp, out + o);
        continue;
      }
      default: goto fail;
    }
    if (out) out[o++] = ch;
  }
  if (s->p >= s->end) goto fail;
  scan_advance(s); /* closing quote */
  *bad = 0;
  if (out) out[o] = '\0';
  return out;
fail:
  free(out);
  return NULL;
}

static int scan_value(conf_scan *s, const char *path, int depth);

static char *scan_join(const char *path, const char *key) {
  size_t a = path ? strlen(path) : 0, b = strlen(key);
  char *j = malloc(a + b + 2);
  if (!j) return NULL;
  if (a) {
    memcpy(j, path, a);
    j[a++] = '.';
  }
  memcpy(j + a, key, b + 1);
  return j;
}

static int scan_record(conf_scan *s, char *path, int line, int column) {
  for (size_t i = 0; i < s->n; i++) {
    if (s->dup < 0 && strcmp(s->v[i].path, path) == 0) {
      s->dup = (long)s->n;
      s->dup_first = (long)i;
      break;
    }
  }
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 32;
    conf_pos *v = realloc(s->v, cap * sizeof *v);
    if (!v) {
      s->nomem = 1;
      return -1;
    }
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = (conf_pos){path, line, column};
  return 0;
}

/* Steps over an object's '{' or an array's '['; 1 when the closer follows at
 * once (the container is empty and has been read). */
static int scan_open(conf_scan *s, char close) {
  scan_advance(s);
  scan_ws(s);
  if (s->p < s->end && *s->p == close) {
    scan_advance(s);
    return 1;
  }
  return 0;
}

/* After a member or element: 1 at the closer (read), 0 after a ',' (another
 * follows), -1 on anything else. */
static int scan_next(conf_scan *s, char close) {
  scan_ws(s);
  if (s->p >= s->end) return -1;
  if (*s->p == close) {
    scan_advance(s);
    return 1;
  }
  if (*s->p != ',') return -1;
  scan_advance(s);
  return 0;
}

static int scan_object(conf_scan *s, const char *path, int depth) {
  int bad, more;
  if (scan_open(s, '}')) return 0;
  for (;;) {
    scan_ws(s);
    if (s->p >= s->end || *s->p != '"') return -1;
    int line = s->line, column = s->column;
    char *key = scan_string(s, 1, &bad);
    if (!key) return -1;
    char *child = scan_join(path, key);
    free(key);
    if (!child) {
      s->nomem = 1;
      return -1;
    }
    if (scan_record(s, child, line, column) < 0) {
      free(child);
      return -1;
    }
    scan_ws(s);
    if (s->p >= s->end || *s->p != ':') return -1;
    scan_advance(s);
    if (scan_value(s, child, depth + 1) < 0) return -1;
    if ((more = scan_next(s, '}')) != 0) return more < 0 ? -1 : 0;
  }
}

static int scan_array(conf_scan *s, const char *path, int depth) {
  char child[64];
  int more;
  if (scan_open(s, ']')) return 0;
  for (size_t i = 0;; i++) {
    /* Elements are named "path[i]"; keys inside them get that prefix. */
    char *elem;
    snprintf(child, sizeof child, "[%zu]", i);
    size_t a = path ? strlen(path) : 0;
    if (!(elem = malloc(a + strlen(child) + 1))) {
      s->nomem = 1;
      return -1;
    }
    memcpy(elem, path ? path : "", a);
    strcpy(elem + a, child);
    int rv = scan_value(s, elem, depth + 1);
    free(elem);
    if (rv < 0) return -1;
    if ((more = scan_next(s, ']')) != 0) return more < 0 ? -1 : 0;
  }
}

static int scan_value(conf_scan *s, const char *path, int depth) {
  int bad;
  /* jansson refuses deeper nesting too (JSON_PARSER_MAX_DEPTH is 2048). */
  if (depth > 2048) return -1;
  scan_ws(s);
  if (s->p >= s->end) return -1;
  switch (*s->p) {
    case '{': return scan_object(s, path, depth);
    case '[': return scan_array(s, path, depth);
    case '"': scan_string(s, 0, &bad); return bad ? -1 : 0;
    default:
      while (s->p < s->end && !strchr(",]} \t\r\n", *s->p)) scan_advance(s);
      return 0;
  }
}

static void scan_free(conf_scan *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i].path);
  free(s->v);
}

static const conf_pos *scan_find(const conf_scan *s, const char *path) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->v[i].path, path) == 0) return &s->v[i];
  return NULL;
}

/* ---- validation --------------------------------------------------------- */

typedef struct conf_ctx {
  const char *file;
  const char *dir;  /* the config file's directory, "" for the cwd */
  conf_scan scan;
  gild_config *c;
  char *err;
  size_t errlen;
} conf_ctx;

/* "FILE:LINE:COL: key 'PATH': <reason>" */
__attribute__((format(printf, 3, 4)))
static int conf_fail(conf_ctx *x, const char *path, const char *fmt, ...) {
  char reason[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  const conf_pos *pos = scan_find(&x->scan, path);
  if (x->err && x->errlen)
    snprintf(x->err, x->errlen, "%s:%d:%d: key '%s': %s", x->file, pos ? pos->line : 1,
             pos ? pos->column : 1, path, reason);
  return GILD_EINVAL;
}

typedef enum { CONF_INT, CONF_SIZE, CONF_MS, CONF_SECTION, CONF_SPECIAL } conf_kind;

typedef struct conf_field conf_field;
struct conf_field {
  const char *name;
  conf_kind kind;
  long long lo, hi;
  size_t offset;              /* into gild_config, for CONF_INT/SIZE/MS */
  const conf_field *section;  /* for CONF_SECTION */
};

#define CONF_END {NULL, CONF_SPECIAL, 0, 0, 0, NULL}
#define CONF_AT(f) offsetof(gild_config, f)

static const conf_field conf_limits[] = {
  {"max_header_bytes", CONF_SIZE, 1, 1048576, CONF_AT(max_header_bytes), NULL},
  {"max_url_bytes", CONF_SIZE, 1, 1048576, CONF_AT(max_url_bytes), NULL},
  {"max_body_bytes", CONF_SIZE, 1, 1073741824, CONF_AT(max_body_bytes), NULL},
  {"max_headers", CONF_INT, 1, 10000, CONF_AT(max_headers), NULL},
  {"max_connections", CONF_INT, 1, 1000000, CONF_AT(max_connections), NULL},
  {"queue_size", CONF_INT, 1, 1048576, CONF_AT(queue_size), NULL},
  {"backlog", CONF_INT, 1, 65535, CONF_AT(backlog), NULL},
  CONF_END};

static const conf_field conf_timeouts[] = {
  {"header_ms", CONF_MS, 1, 3600000, CONF_AT(header_timeout_ms), NULL},
  {"keepalive_ms", CONF_MS, 1, 3600000, CONF_AT(keepalive_timeout_ms), NULL},
  {"write_ms", CONF_MS, 1, 3600000, CONF_AT(write_timeout_ms), NULL},
  {"body_ms", CONF_MS, 1, 3600000, CONF_AT(body_timeout_ms), NULL},
  {"drain_ms", CONF_MS, 1, 3600000, CONF_AT(drain_timeout_ms), NULL},
  {"handler_ms", CONF_MS, 1, 3600000, CONF_AT(handler_timeout_ms), NULL},
  CONF_END};

static const conf_field conf_log[] = {
  {"access", CONF_SPECIAL, 0, 0, 0, NULL},
  {"error", CONF_SPECIAL, 0, 0, 0, NULL},
  {"level", CONF_SPECIAL, 0, 0, 0, NULL},
  CONF_END};

static const conf_field conf_gil[] = {
  {"policy", CONF_SPECIAL, 0, 0, 0, NULL},
  {"switch_interval", CONF_SPECIAL, 0, 0, 0, NULL},
  CONF_END};

static const conf_field conf_trace[] = {
  {"path", CONF_SPECIAL, 0, 0, 0, NULL},
  {"max_seconds", CONF_SPECIAL, 0, 0, 0, NULL},
  CONF_END};

static const conf_field conf_top[] = {
  {"listen", CONF_SPECIAL, 0, 0, 0, NULL},
  {"threads", CONF_INT, 1, 256, CONF_AT(threads), NULL},
  {"handlers", CONF_SPECIAL, 0, 0, 0, NULL},
  {"routes", CONF_SPECIAL, 0, 0, 0, NULL},
  {"limits", CONF_SECTION, 0, 0, 0, conf_limits},
  {"timeouts", CONF_SECTION, 0, 0, 0, conf_timeouts},
  {"log", CONF_SECTION, 0, 0, 0, conf_log},
  {"healthz", CONF_SPECIAL, 0, 0, 0, NULL},
  {"metrics", CONF_SPECIAL, 0, 0, 0, NULL},
  {"dashboard", CONF_SPECIAL, 0, 0, 0, NULL},
  {"trace", CONF_SPECIAL, 0, 0, 0, NULL},
  {"server_timing", CONF_SPECIAL, 0, 0, 0, NULL},
  {"retry_after", CONF_SPECIAL, 0, 0, 0, NULL},
  {"sched_slice_us", CONF_SPECIAL, 0, 0, 0, NULL},
  {"sched_cpu_slice_us", CONF_SPECIAL, 0, 0, 0, NULL},
  {"loop_nice", CONF_INT, -20, 19, CONF_AT(loop_nice), NULL},
  {"gil", CONF_SECTION, 0, 0, 0, conf_gil},
  CONF_END};

static const char *const conf_gil_policies[] = {"cpython", "fifo", "io-priority", "legacy", NULL};

/* Splits "HOST:PORT" or "[V6]:PORT"; the host must be an IP address since
 * the server binds without resolving names. Returns NULL or the reason. */
static const char *conf_parse_listen(const char *s, char **host, int *port) {
  const char *colon, *hbeg, *hend;
  if (s[0] == '[') {
    hbeg = s + 1;
    hend = strchr(s, ']');
    if (!hend || hend[1] != ':') return "expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080";
    colon = hend + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon) return "expected HOST:PORT such as 127.0.0.1:8080";
    hbeg = s;
    hend = colon;
    if (memchr(s, ':', (size_t)(colon - s)))
      return "an IPv6 address needs brackets, e.g. [::1]:8080";
  }
  const char *digits = colon + 1;
  long v = 0;
  if (!*digits) return "the port is missing; expected a port in 0..65535";
  for (const char *d = digits; *d; d++) {
    if (*d < '0' || *d > '9' || d - digits > 5) return "expected a port in 0..65535";
    v = v * 10 + (*d - '0');
  }
  if (v > 65535) return "expected a port in 0..65535";
  size_t hlen = (size_t)(hend - hbeg);
  char buf[INET6_ADDRSTRLEN + 1];
  unsigned char addr[16];
  if (hlen == 0 || hlen >= sizeof buf) return "expected an IP address such as 127.0.0.1 before ':'";
  memcpy(buf, hbeg, hlen);
  buf[hlen] = '\0';
  int v6 = s[0] == '[';
  if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1)
    return v6 ? "expected an IPv6 address inside [...]"
              : "expected an IP address such as 127.0.0.1 (names are not resolved)";
  if (!(*host = conf_strdup(buf))) return "out of memory";
  *port = (int)v;
  return NULL;
}

static int conf_int(conf_ctx *x, const char *path, json_t *v, long long lo, long long hi,
                    long long *out) {
  if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
    return conf_fail(x, path, "expected an integer in %lld..%lld", lo, hi);
  *out = json_integer_value(v);
  return 0;
}

/* A URL path for a built-in endpoint, or null to turn it off. */
static int conf_endpoint(conf_ctx *x, const char *path, json_t *v, char **slot) {
  if (json_is_null(v)) return conf_set_str(slot, NULL);
  const char *s = json_is_string(v) ? json_string_value(v) : NULL;
  int ok = s && s[0] == '/';
  for (const char *p = s; ok && *p; p++)
    if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '?' || *p == '#') ok = 0;
  if (!ok) return conf_fail(x, path, "expected null (off) or a path starting with '/'");
  return conf_set_str(slot, s);
}

static int conf_handler_name_ok(const char *s) {
  int start = 1;
  if (!*s) return 0;
  for (; *s; s++) {
    char c = *s;
    if (c == '.') {
      if (start) return 0;
      start = 1;
      continue;
    }
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (!start && c >= '0' && c <= '9')))
      return 0;
    start = 0;
  }
  return !start;
}

/* Method: an HTTP token in upper case, then one space, then "/...". */
static int conf_route_key_ok(const char *k) {
  const char *sp = strchr(k, ' ');
  if (!sp || sp == k || sp[1] != '/') return 0;
  for (const char *p = k; p < sp; p++) {
    char c = *p;
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c)))
      return 0;
  }
  return 1;
}

/* Keys of one object, sorted by where they stand in the file. */
typedef struct conf_key {
  const char *key;
  char *path;
  int line, column;
} conf_key;

static int conf_key_cmp(const void *a, const void *b) {
  const conf_key *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  return (x->column > y->column) - (x->column < y->column);
}

static void conf_keys_free(conf_key *keys, size_t n) {
  for (size_t i = 0; i < n; i++) free(keys[i].path);
  free(keys);
}

static int conf_keys(conf_ctx *x, json_t *obj, const char *prefix, conf_key **out, size_t *n) {
  size_t cnt = json_object_size(obj), i = 0;
  const char *key;
  json_t *v;
  conf_key *keys = calloc(cnt ? cnt : 1, sizeof *keys);
  if (!keys) return GILD_ENOMEM;
  json_object_foreach(obj, key, v) {
    char *path = scan_join(prefix, key);
    if (!path) {
      conf_keys_free(keys, i);
      return GILD_ENOMEM;
    }
    const conf_pos *pos = scan_find(&x->scan, path);
    keys[i++] = (conf_key){key, path, pos ? pos->line : 0, pos ? pos->column : 0};
  }
  qsort(keys, i, sizeof *keys, conf_key_cmp);
  *out = keys;
  *n = i;
  return 0;
}

static int conf_routes(conf_ctx *x, const char *path, json_t *obj) {
  conf_key *keys;
  size_t n;
  int rv;
  if (!json_is_object(obj))
    return conf_fail(x, path, "expected an object of \"METHOD /path\": \"module.function\"");
  if ((rv = conf_keys(x, obj, path, &keys, &n)) < 0) return rv;
  gild_route_conf *routes = calloc(n ? n : 1, sizeof *routes);
  if (!routes) {
    conf_keys_free(keys, n);
    return GILD_ENOMEM;
  }
  for (size_t i = 0; i < n && rv == 0; i++) {
    const char *k = keys[i].key;
    json_t *v = json_object_get(obj, k);
    if (!conf_route_key_ok(k)) {
      rv = conf_fail(x, keys[i].path,
                     "expected \"METHOD /path\": an upper-case method such as GET, one space, "
                     "and a path starting with '/'");
      break;
    }
    if (!json_is_string(v) || !conf_handler_name_ok(json_string_value(v))) {
      rv = conf_fail(x, keys[i].path, "expected a handler name such as \"app.hello\"");
      break;
    }
    const char *sp = strchr(k, ' ');
    gild_route_conf *r = &routes[i];
    r->method = strndup(k, (size_t)(sp - k));
    r->pattern = conf_strdup(sp + 1);
    r->handler = conf_strdup(json_string_value(v));
    r->line = keys[i].line;
    r->column = keys[i].column;
    if (!r->method || !r->pattern || !r->handler) rv = GILD_ENOMEM;
  }
  conf_keys_free(keys, n);
  if (rv < 0) {
    conf_free_routes(routes, n);
    return rv;
  }

  /* The patterns themselves are checked by building the table once; its
   * messages start with the route's LINE:COL. */
  gild_router *router;
  char msg[512];
  if ((rv = gild_router_build(&router, routes, n, msg, sizeof msg)) < 0) {
    if (x->err && x->errlen) snprintf(x->err, x->errlen, "%s:%s", x->file, msg);
    conf_free_routes(routes, n);
    return rv;
  }
  gild_router_free(router);
  conf_free_routes(x->c->routes, x->c->n_routes);
  x->c->routes = routes;
  x->c->n_routes = n;
  return 0;
}

static int conf_section(conf_ctx *x, const char *prefix, json_t *obj, const conf_field *fields);

static int conf_special(conf_ctx *x, const char *path, json_t *v) {
  gild_config *c = x->c;
  const char *s = json_is_string(v) ? json_string_value(v) : NULL;

  if (strcmp(path, "listen") == 0) {
    char *host = NULL;
    int port;
    const char *why = s ? conf_parse_listen(s, &host, &port)
                        : "expected a string \"HOST:PORT\" such as \"127.0.0.1:8080\"";
    if (why) return conf_fail(x, path, "%s", why);
    free(c->listen_host);
    c->listen_host = host;
    c->listen_port = port;
    return 0;
  }
  if (strcmp(path, "handlers") == 0) {
    if (!s || !s[0]) return conf_fail(x, path, "expected a directory path");
    /* Relative to the configuration file, so the file can be used from
     * any working directory. */
    if (s[0] == '/' || !x->dir[0]) return conf_set_str(&c->handler_dir, s);
    size_t len = strlen(x->dir) + 1 + strlen(s) + 1;
    char *joined = malloc(len);
    if (!joined) return GILD_ENOMEM;
    int root = x->dir[strlen(x->dir) - 1] == '/';
    snprintf(joined, len, "%s%s%s", x->dir, root ? "" : "/", s);
    free(c->handler_dir);
    c->handler_dir = joined;
    return 0;
  }
  if (strcmp(path, "routes") == 0) return conf_routes(x, path, v);
  if (strcmp(path, "healthz") == 0) return conf_endpoint(x, path, v, &c->healthz_path);
  if (strcmp(path, "metrics") == 0) return conf_endpoint(x, path, v, &c->metrics_path);
  if (strcmp(path, "dashboard") == 0) return conf_endpoint(x, path, v, &c->dashboard_path);
  if (strcmp(path, "server_timing") == 0) {
    if (!json_is_boolean(v)) return conf_fail(x, path, "expected true or false");
    c->server_timing = json_is_true(v);
    return 0;
  }
  /* "trace": null turns the timeline endpoint off; an object sets its
   * path and bound, keys left out keep their defaults. */
  if (strcmp(path, "trace") == 0) {
    if (json_is_null(v)) return conf_set_str(&c->trace_path, NULL);
    if (!json_is_object(v))
      return conf_fail(x, path, "expected null (off) or an object {\"path\": ..., \"max_seconds\": ...}");
    return conf_section(x, path, v, conf_trace);
  }
  if (strcmp(path, "trace.path") == 0) {
    if (!s || s[0] != '/')
      return conf_fail(x, path, "expected a path starting with '/' (\"trace\": null turns tracing off)");
    return conf_endpoint(x, path, v, &c->trace_path);
  }
  if (strcmp(path, "trace.max_seconds") == 0) {
    double d = json_is_number(v) ? json_number_value(v) : -1;
    if (!(d > 0 && d <= 600)) return conf_fail(x, path, "expected a number of seconds in (0, 600]");
    c->trace_max_seconds = d;
    return 0;
  }
  if (strcmp(path, "sched_slice_us") == 0 || strcmp(path, "sched_cpu_slice_us") == 0) {
    int cpu = strcmp(path, "sched_cpu_slice_us") == 0;
    long long n = 0;
    if (conf_int(x, path, v, 0, 100000, &n) < 0) return GILD_EINVAL;
    if (n != 0 && n < 100)
      return conf_fail(x, path, cpu ? "expected 0 (off) or microseconds in 100..100000"
                                    : "expected 0 (the kernel's default) or microseconds in "
                                      "100..100000");
    *(cpu ? &c->sched_cpu_slice_us : &c->sched_slice_us) = (int)n;
    return 0;
  }
  if (strcmp(path, "retry_after") == 0) {
    long long n = 0;
    if (conf_int(x, path, v, 0, 3600, &n) < 0) return GILD_EINVAL;
    c->retry_after_s = (int)n;
    return 0;
  }
  if (strcmp(path, "log.access") == 0) {
    if (json_is_null(v) || (s && strcmp(s, "off") == 0)) return conf_set_str(&c->access_log, NULL);
    if (!s || !s[0]) return conf_fail(x, path, "expected \"-\" (stdout), \"off\", null or a file path");
    return conf_set_str(&c->access_log, s);
  }
  if (strcmp(path, "log.error") == 0) {
    if (!s || !s[0]) return conf_fail(x, path, "expected \"-\" (stderr) or a file path");
    return conf_set_str(&c->error_log, s);
  }
  if (strcmp(path, "log.level") == 0) {
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; s && i < 4; i++) {
      if (strcmp(s, names[i]) == 0) {
        c->log_level = (gild_log_level)i;
        return 0;
      }
    }
    return conf_fail(x, path, "expected one of \"debug\", \"info\", \"warn\", \"error\"");
  }
  if (strcmp(path, "gil.policy") == 0) {
    for (int i = 0; s && conf_gil_policies[i]; i++)
      if (strcmp(s, conf_gil_policies[i]) == 0) return conf_set_str(&c->gil_policy, s);
    return conf_fail(x, path,
                     "expected one of \"cpython\", \"fifo\", \"io-priority\", \"legacy\"");
  }
  if (strcmp(path, "gil.switch_interval") == 0) {
    double d = json_is_number(v) ? json_number_value(v) : -1;
    if (!(d > 0 && d <= 1)) return conf_fail(x, path, "expected a number of seconds in (0, 1]");
    c->gil_switch_interval = d;
    return 0;
  }
  return conf_fail(x, path, "internal error: no rule for this key");
}

static int conf_section(conf_ctx *x, const char *prefix, json_t *obj, const conf_field *fields) {
  conf_key *keys;
  size_t n;
  int rv;
  if ((rv = conf_keys(x, obj, prefix, &keys, &n)) < 0) return rv;
  for (size_t i = 0; i < n && rv == 0; i++) {
    const conf_field *f = fields;
    json_t *v = json_object_get(obj, keys[i].key);
    while (f->name && strcmp(f->name, keys[i].key) != 0) f++;
    if (!f->name) {
      char known[512] = "";
      size_t o = 0;
      for (const conf_field *g = fields; g->name && o < sizeof known; g++)
        o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", o ? ", " : "", g->name);
      rv = conf_fail(x, keys[i].path, "unknown key; the keys here are: %s", known);
      break;
    }
    long long num = 0;
    void *at = (char *)x->c + f->offset;
    switch (f->kind) {
      case CONF_INT:
        if ((rv = conf_int(x, keys[i].path, v, f->lo, f->hi, &num)) == 0) *(int *)at = (int)num;
        break;
      case CONF_SIZE:
        if ((rv = conf_int(x, keys[i].path, v, f->lo, f->hi, &num)) == 0) *(size_t *)at = (size_t)num;
        break;
      case CONF_MS:
        if ((rv = conf_int(x, keys[i].path, v, f->lo, f->hi, &num)) == 0) *(uint64_t *)at = (uint64_t)num;
        break;
      case CONF_SECTION:
        if (!json_is_object(v))
          rv = conf_fail(x, keys[i].path, "expected an object");
        else
          rv = conf_section(x, keys[i].path, v, f->section);
        break;
      case CONF_SPECIAL:
        rv = conf_special(x, keys[i].path, v);
        break;
    }
  }
  conf_keys_free(keys, n);
  return rv;
}

static char *conf_read_file(const char *path, size_t *len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (!f) {
    snprintf(err, errlen, "%s: cannot open the configuration: %s", path, strerror(errno));
    return NULL;
  }
  for (;;) {
    if (n == cap) {
      if (cap >= CONF_FILE_MAX) {
        snprintf(err, errlen, "%s: the configuration is larger than 16 MiB", path);
        goto fail;
      }
      cap = cap ? cap * 2 : 8192;
      char *b = realloc(buf, cap + 1);
      if (!b) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail;
      }
      buf = b;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    snprintf(err, errlen, "%s: cannot read the configuration: %s", path, strerror(errno));
    goto fail;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
fail:
  fclose(f);
  free(buf);
  return NULL;
}

int gild_config_load_file(gild_config *c, const char *path, char *err, size_t errlen) {
  char dummy[1];
  if (!err || !errlen) {
    err = dummy;
    errlen = sizeof dummy;
  }
  err[0] = '\0';
  size_t len;
  char *text = conf_read_file(path, &len, err, errlen);
  if (!text) return GILD_ENOENT;

  conf_ctx x = {.file = path, .c = c, .err = err, .errlen = errlen};
  x.scan = (conf_scan){.p = text, .end = text + len, .line = 1, .column = 1, .dup = -1,
                       .dup_first = -1};
  char *dir = conf_strdup(path);
  int rv = GILD_EINVAL;
  json_error_t jerr;
  json_t *root = NULL;
  if (!dir) {
    rv = GILD_ENOMEM;
    goto out;
  }
  char *slash = strrchr(dir, '/');
  /* "config/gild.json" -> "config", "/gild.json" -> "/", "gild.json" -> "". */
  if (!slash)
    dir[0] = '\0';
  else if (slash == dir)
    slash[1] = '\0';
  else
    *slash = '\0';
  x.dir = dir;

  root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  /* Walk the text whatever jansson said: on a duplicate key the scan gets
   * at least as far as that key. */
  scan_value(&x.scan, NULL, 0);
  if (x.scan.nomem) {
    snprintf(err, errlen, "%s: out of memory", path);
    rv = GILD_ENOMEM;
    goto out;
  }
  if (!root) {
    if (x.scan.dup >= 0) {
      const conf_pos *d = &x.scan.v[x.scan.dup], *first = &x.scan.v[x.scan.dup_first];
      snprintf(err, errlen, "%s:%d:%d: key '%s': duplicate key (first written at %d:%d)", path,
               d->line, d->column, d->path, first->line, first->column);
    } else {
      snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line < 1 ? 1 : jerr.line,
               jerr.column < 1 ? 1 : jerr.column, jerr.text);
    }
    goto out;
  }
  if (!json_is_object(root)) {
    snprintf(err, errlen, "%s:1:1: the configuration must be a JSON object {...}", path);
    goto out;
  }
  if ((rv = conf_set_str(&c->path, path)) < 0) goto out;
  rv = conf_section(&x, NULL, root, conf_top);
  if (rv == GILD_ENOMEM && !err[0]) snprintf(err, errlen, "%s: out of memory", path);

out:
  json_decref(root);
  scan_free(&x.scan);
  free(dir);
  free(text);
  return rv;
}

/* ---- command-line overrides --------------------------------------------- */

int gild_config_set_listen(gild_config *c, const char *addr_port, char *err, size_t errlen) {
  char *host = NULL;
  int port;
  const char *why = conf_parse_listen(addr_port, &host, &port);
  if (why) {
    if (err && errlen) snprintf(err, errlen, "--listen '%s': %s", addr_port, why);
    return GILD_EINVAL;
  }
  free(c->listen_host);
  c->listen_host = host;
  c->listen_port = port;
  return 0;
}

int gild_config_set_threads(gild_config *c, const char *value, char *err, size_t errlen) {
  char *end;
  errno = 0;
  long v = strtol(value, &end, 10);
  if (errno || end == value || *end || v < 1 || v > 256) {
    if (err && errlen) snprintf(err, errlen, "--threads: expected an integer in 1..256, got '%s'", value);
    return GILD_EINVAL;
  }
  c->threads = (int)v;
  return 0;
}

int gild_config_set_gil_policy(gild_config *c, const char *value, char *err, size_t errlen) {
  for (int i = 0; conf_gil_policies[i]; i++)
    if (strcmp(value, conf_gil_policies[i]) == 0) return conf_set_str(&c->gil_policy, value);
  if (err && errlen)
    snprintf(err, errlen, "--gil-policy: expected cpython, fifo, io-priority or legacy, got '%s'",
             value);
  return GILD_EINVAL;
}

int gild_config_set_switch_interval(gild_config *c, const char *value, char *err, size_t errlen) {
  char *end;
  errno = 0;
  double d = strtod(value, &end);
  if (errno || end == value || *end || !(d > 0 && d <= 1)) {
    if (err && errlen)
      snprintf(err, errlen, "--switch-interval: expected seconds in (0, 1], got '%s'", value);
    return GILD_EINVAL;
  }
  c->gil_switch_interval = d;
  return 0;
}
