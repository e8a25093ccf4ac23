/*
 * router.c - the route table: a trie of path segments built once.
 *
 * A pattern "/users/{id}/posts" is split on '/' into segments; each segment
 * is either a literal ("users", percent-decoded once at build time) or a
 * parameter ("{id}"). Every trie node keeps its literal children in an array
 * sorted by (length, bytes) and searched by bisection, at most one parameter
 * child, and the routes that end there (one per method).
 *
 * Matching walks the request path once, segment by segment, trying the
 * literal child before the parameter child and backing up when a literal
 * branch dead-ends (so "/users/me/posts" still reaches "/users/{id}/posts"
 * next to a literal "/users/me"). Each trie node sits at one fixed depth and
 * is reached by one path from the root, so a match visits every node at most
 * once: the cost is bounded by the table, never exponential.
 *
 * Rules, decided here and documented in docs/config.md:
 * - A pattern starts with '/'. "/" is the root. Segments may not be empty,
 *   except that one trailing '/' is allowed and significant ("/a/" and "/a"
 *   are different routes).
 * - A parameter is a whole segment "{name}", name = [A-Za-z_][A-Za-z0-9_]*;
 *   "x{a}", "{a}{b}", "{}", "/a/{" are errors, as is the same name twice.
 * - A parameter matches exactly one non-empty segment; its value is
 *   percent-decoded after splitting, so an encoded "%2F" stays inside it.
 * - Request paths with a bad escape or an encoded NUL give GILD_ROUTE_BAD_PATH
 *   before any lookup.
 * - HEAD matches a GET route unless a HEAD route exists for that path; the
 *   Allow list of a 405 is the union of the methods of every route whose
 *   pattern matches the path, with HEAD added after GET.
 */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Literal segments longer than this cannot be written in a pattern; it also
 * sizes the scratch buffer a request segment is decoded into. */
#define ROUTE_LITERAL_MAX 1024
#define ROUTE_ALLOW_MAX 32

typedef struct route_node route_node;

typedef struct route_literal {
  char *seg; /* decoded */
  size_t len;
  route_node *child;
} route_literal;

typedef struct route_end {
  size_t route_index;
} route_end;

struct route_node {
  route_literal *lits;
  size_t n_lits, cap_lits;
  route_node *param;
  route_end *ends;
  size_t n_ends;
};

typedef struct route_entry {
  char *method;
  size_t method_len;
  char *full;     /* "GET /users/{id}" */
  char *handler;  /* "app.user" */
  void *handle;
  size_t n_params;
  char *param_names[GILD_ROUTE_MAX_PARAMS];
  int line, column;
} route_entry;

struct gild_router {
  route_node root;
  route_entry *routes;
  size_t n_routes;
};

/* ---- percent-decoding --------------------------------------------------- */

static int route_hex(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Returns the decoded length, -1 on a bad escape, -2 when out is too small. */
static long route_decode(const char *in, size_t len, char *out, size_t outlen, int plus_is_space) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)in[i];
    if (c == '%') {
      if (i + 2 >= len) return -1;
      int hi = route_hex((unsigned char)in[i + 1]), lo = route_hex((unsigned char)in[i + 2]);
      if (hi < 0 || lo < 0) return -1;
      c = hi * 16 + lo;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (o >= outlen) return -2;
    out[o++] = (char)c;
  }
  return (long)o;
}

long gild_percent_decode(const char *in, size_t len, char *out, size_t outlen, int plus_is_space) {
  long n = route_decode(in, len, out, outlen, plus_is_space);
  return n < 0 ? -1 : n;
}

/* ---- building ----------------------------------------------------------- */

static int route_is_tchar(int c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return 1;
  return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int route_is_name(const char *s, size_t len) {
  if (len == 0) return 0;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)s[i];
    int ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
             (i > 0 && c >= '0' && c <= '9');
    if (!ok) return 0;
  }
  return 1;
}

/* Writes "LINE:COL: route 'GET /x': " (or without the position when the
 * route did not come from a file) and then the reason. */
static void route_err(char *err, size_t errlen, const gild_route_conf *rc, const char *fmt,
                      const char *a, const char *b) {
  char reason[512];
  if (!err || errlen == 0) return;
  snprintf(reason, sizeof reason, fmt, a ? a : "", b ? b : "");
  if (rc->line > 0)
    snprintf(err, errlen, "%d:%d: route '%s %s': %s", rc->line, rc->column, rc->method,
             rc->pattern, reason);
  else
    snprintf(err, errlen, "route '%s %s': %s", rc->method, rc->pattern, reason);
}

static int route_lit_cmp(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen != blen) return alen < blen ? -1 : 1;
  return memcmp(a, b, alen);
}

/* Bisection over the sorted literal children: returns the index of the
 * match, or -(insertion point) - 1. */
static long route_lit_find(const route_node *n, const char *seg, size_t len) {
  size_t lo = 0, hi = n->n_lits;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = route_lit_cmp(n->lits[mid].seg, n->lits[mid].len, seg, len);
    if (c == 0) return (long)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -(long)lo - 1;
}

static route_node *route_lit_child(route_node *n, const char *seg, size_t len) {
  long at = route_lit_find(n, seg, len);
  if (at >= 0) return n->lits[at].child;
  size_t ins = (size_t)(-at - 1);
  if (n->n_lits == n->cap_lits) {
    size_t cap = n->cap_lits ? n->cap_lits * 2 : 4;
    route_literal *lits = realloc(n->lits, cap * sizeof *lits);
    if (!lits) return NULL;
    n->lits = lits;
    n->cap_lits = cap;
  }
  route_node *child = calloc(1, sizeof *child);
  char *copy = malloc(len + 1);
  if (!child || !copy) {
    free(child);
    free(copy);
    return NULL;
  }
  memcpy(copy, seg, len);
  copy[len] = '\0';
  memmove(&n->lits[ins + 1], &n->lits[ins], (n->n_lits - ins) * sizeof *n->lits);
  n->lits[ins] = (route_literal){copy, len, child};
  n->n_lits++;
  return child;
}

static void route_node_free(route_node *n) {
  for (size_t i = 0; i < n->n_lits; i++) {
    route_node_free(n->lits[i].child);
    free(n->lits[i].child);
    free(n->lits[i].seg);
  }
  free(n->lits);
  if (n->param) {
    route_node_free(n->param);
    free(n->param);
  }
  free(n->ends);
}

static char *route_strdup(const char *s) {
  size_t len = strlen(s);
  char *d = malloc(len + 1);
  if (d) memcpy(d, s, len + 1);
  return d;
}

/* Parses one pattern and inserts it, recording the parameter names in e. */
static int route_insert(gild_router *r, size_t index, const gild_route_conf *rc,
                        char *err, size_t errlen) {
  route_entry *e = &r->routes[index];
  const char *p = rc->pattern;
  char lit[ROUTE_LITERAL_MAX];
  route_node *node = &r->root;

  if (p[0] != '/') {
    route_err(err, errlen, rc, "the pattern must start with '/'", NULL, NULL);
    return GILD_EINVAL;
  }
  const char *rest = p + 1, *end = p + strlen(p);
  /* "/" is the root itself: zero segments, the loop does not run. After a
   * trailing '/' it runs once more with an empty last segment. */
  for (int more = rest < end; more;) {
    const char *slash = memchr(rest, '/', (size_t)(end - rest));
    const char *segend = slash ? slash : end;
    size_t len = (size_t)(segend - rest);

    if (len == 0) {
      if (slash) {
        route_err(err, errlen, rc, "empty path segment ('//'); only one trailing '/' is allowed",
                  NULL, NULL);
        return GILD_EINVAL;
      }
      /* A trailing '/' is an empty literal segment of its own. */
      if (!(node = route_lit_child(node, "", 0))) return GILD_ENOMEM;
      break;
    }
    for (size_t i = 0; i < len; i++) {
      unsigned char c = (unsigned char)rest[i];
      if (c <= ' ' || c == 0x7f || c == '?' || c == '#') {
        route_err(err, errlen, rc,
                  "a pattern may not contain spaces, control characters, '?' or '#'", NULL, NULL);
        return GILD_EINVAL;
      }
    }
    const char *open = memchr(rest, '{', len), *close = memchr(rest, '}', len);
    if (open || close) {
      /* A parameter must be the whole segment: "{name}". */
      if (rest[0] != '{' || segend[-1] != '}' || len < 2 ||
          memchr(rest + 1, '{', len - 1) || memchr(rest, '}', len - 1)) {
        char seg[128];
        snprintf(seg, sizeof seg, "%.*s", (int)(len > 100 ? 100 : len), rest);
        route_err(err, errlen, rc,
                  "bad segment '%s': a parameter is a whole segment '{name}'", seg, NULL);
        return GILD_EINVAL;
      }
      if (!route_is_name(rest + 1, len - 2)) {
        char seg[128];
        snprintf(seg, sizeof seg, "%.*s", (int)(len > 100 ? 100 : len), rest);
        route_err(err, errlen, rc,
                  "bad parameter '%s': the name must match [A-Za-z_][A-Za-z0-9_]*", seg, NULL);
        return GILD_EINVAL;
      }
      if (e->n_params == GILD_ROUTE_MAX_PARAMS) {
        char max[16];
        snprintf(max, sizeof max, "%d", GILD_ROUTE_MAX_PARAMS);
        route_err(err, errlen, rc, "more than %s parameters", max, NULL);
        return GILD_EINVAL;
      }
      char *name = malloc(len - 1);
      if (!name) return GILD_ENOMEM;
      memcpy(name, rest + 1, len - 2);
      name[len - 2] = '\0';
      for (size_t i = 0; i < e->n_params; i++) {
        if (strcmp(e->param_names[i], name) == 0) {
          route_err(err, errlen, rc, "parameter '{%s}' appears twice", name, NULL);
          free(name);
          return GILD_EINVAL;
        }
      }
      e->param_names[e->n_params++] = name;
      if (!node->param && !(node->param = calloc(1, sizeof *node->param))) return GILD_ENOMEM;
      node = node->param;
    } else {
      long n = route_decode(rest, len, lit, sizeof lit, 0);
      if (n == -2) {
        route_err(err, errlen, rc, "a literal segment is longer than 1024 bytes", NULL, NULL);
        return GILD_EINVAL;
      }
      if (n < 0 || memchr(lit, '\0', (size_t)n) || memchr(lit, '/', (size_t)n)) {
        route_err(err, errlen, rc, "bad percent-escape in the pattern (or an encoded NUL or '/')",
                  NULL, NULL);
        return GILD_EINVAL;
      }
      node = route_lit_child(node, lit, (size_t)n);
      if (!node) return GILD_ENOMEM;
    }
    if (!slash) break;
    rest = slash + 1;
    more = 1;
  }

  for (size_t i = 0; i < node->n_ends; i++) {
    route_entry *other = &r->routes[node->ends[i].route_index];
    if (strcmp(other->method, e->method) == 0) {
      char where[48] = "";
      if (other->line > 0) snprintf(where, sizeof where, " (%d:%d)", other->line, other->column);
      route_err(err, errlen, rc, "same method and path as route '%s'%s", other->full, where);
      return GILD_EINVAL;
    }
  }
  route_end *ends = realloc(node->ends, (node->n_ends + 1) * sizeof *ends);
  if (!ends) return GILD_ENOMEM;
  node->ends = ends;
  node->ends[node->n_ends++] = (route_end){index};
  return 0;
}

int gild_router_build(gild_router **out, const gild_route_conf *routes, size_t n,
                      char *err, size_t errlen) {
  *out = NULL;
  if (err && errlen) err[0] = '\0';
  gild_router *r = calloc(1, sizeof *r);
  if (!r) return GILD_ENOMEM;
  if (n && !(r->routes = calloc(n, sizeof *r->routes))) {
    free(r);
    return GILD_ENOMEM;
  }
  r->n_routes = n;

  for (size_t i = 0; i < n; i++) {
    const gild_route_conf *rc = &routes[i];
    route_entry *e = &r->routes[i];
    int rv;
    if (!rc->method || !rc->pattern || !rc->handler || !rc->method[0]) {
      if (err && errlen) snprintf(err, errlen, "route %zu: missing method, pattern or handler", i);
      gild_router_free(r);
      return GILD_EINVAL;
    }
    for (const char *m = rc->method; *m; m++) {
      if (!route_is_tchar((unsigned char)*m)) {
        route_err(err, errlen, rc, "the method is not an HTTP token", NULL, NULL);
        gild_router_free(r);
        return GILD_EINVAL;
      }
    }
    size_t flen = strlen(rc->method) + 1 + strlen(rc->pattern) + 1;
    e->method = route_strdup(rc->method);
    e->handler = route_strdup(rc->handler);
    e->full = malloc(flen);
    if (!e->method || !e->handler || !e->full) {
      gild_router_free(r);
      return GILD_ENOMEM;
    }
    e->method_len = strlen(e->method);
    snprintf(e->full, flen, "%s %s", rc->method, rc->pattern);
    e->line = rc->line;
    e->column = rc->column;
    if ((rv = route_insert(r, i, rc, err, errlen)) < 0) {
      if (rv == GILD_ENOMEM && err && errlen) snprintf(err, errlen, "out of memory");
      gild_router_free(r);
      return rv;
    }
  }
  *out = r;
  return 0;
}

void gild_router_set_handle(gild_router *r, size_t route_index, void *handle) {
  if (r && route_index < r->n_routes) r->routes[route_index].handle = handle;
}

void gild_router_free(gild_router *r) {
  if (!r) return;
  route_node_free(&r->root);
  for (size_t i = 0; i < r->n_routes; i++) {
    route_entry *e = &r->routes[i];
    free(e->method);
    free(e->full);
    free(e->handler);
    for (size_t j = 0; j < e->n_params; j++) free(e->param_names[j]);
  }
  free(r->routes);
  free(r);
}

/* ---- matching ----------------------------------------------------------- */

typedef struct route_walk {
  const gild_router *r;
  const char *method;
  size_t method_len;
  int is_head;
  const char *end;            /* end of the path */
  gild_route_match *m;
  size_t buf_used;            /* bytes of m->buf holding parameter values */
  size_t n_values;
  gild_str values[GILD_ROUTE_MAX_PARAMS];
  int overflow;               /* a parameter value did not fit in m->buf */
  const route_entry *found;
  const char *allow[ROUTE_ALLOW_MAX]; /* methods of matching paths, for 405 */
  size_t n_allow;
  char scratch[ROUTE_LITERAL_MAX];
} route_walk;

static const route_entry *route_end_method(const route_walk *w, const route_node *n,
                                           const char *method, size_t len) {
  for (size_t i = 0; i < n->n_ends; i++) {
    const route_entry *e = &w->r->routes[n->ends[i].route_index];
    if (e->method_len == len && memcmp(e->method, method, len) == 0) return e;
  }
  return NULL;
}

static void route_allow_add(route_walk *w, const char *method) {
  for (size_t i = 0; i < w->n_allow; i++)
    if (strcmp(w->allow[i], method) == 0) return;
  if (w->n_allow < ROUTE_ALLOW_MAX) w->allow[w->n_allow++] = method;
}

/* At the end of the path: a route for the method (or GET for HEAD) wins;
 * otherwise remember the node's methods for the Allow header. */
static int route_terminal(route_walk *w, const route_node *n) {
  const route_entry *e = route_end_method(w, n, w->method, w->method_len);
  if (!e && w->is_head) e = route_end_method(w, n, "GET", 3);
  if (e) {
    w->found = e;
    return 1;
  }
  for (size_t i = 0; i < n->n_ends; i++)
    route_allow_add(w, w->r->routes[n->ends[i].route_index].method);
  return 0;
}

/* `p` is the start of the current segment, or NULL past the last one. */
static int route_walk_node(route_walk *w, const route_node *n, const char *p) {
  if (!p) return route_terminal(w, n);

  const char *slash = memchr(p, '/', (size_t)(w->end - p));
  const char *segend = slash ? slash : w->end;
  const char *next = slash ? slash + 1 : NULL;
  size_t len = (size_t)(segend - p);

  if (n->n_lits) {
    const char *seg = p;
    long dlen = (long)len;
    /* Only segments with escapes need decoding before the lookup; one that
     * does not fit in the scratch is longer than any literal anyway. */
    if (memchr(p, '%', len)) {
      dlen = route_decode(p, len, w->scratch, sizeof w->scratch, 0);
      seg = w->scratch;
    }
    if (dlen >= 0) {
      long at = route_lit_find(n, seg, (size_t)dlen);
      if (at >= 0 && route_walk_node(w, n->lits[at].child, next)) return 1;
    }
  }

  if (n->param && len > 0) {
    gild_route_match *m = w->m;
    size_t room = sizeof m->buf - w->buf_used;
    long dlen = room > 0 ? route_decode(p, len, m->buf + w->buf_used, room - 1, 0) : -2;
    if (dlen < 0) {
      w->overflow = 1;
      return 0;
    }
    /* NUL-terminated as a convenience for C handlers; len is authoritative. */
    m->buf[w->buf_used + (size_t)dlen] = '\0';
    size_t saved = w->buf_used;
    w->values[w->n_values++] = (gild_str){m->buf + w->buf_used, (size_t)dlen};
    w->buf_used += (size_t)dlen + 1;
    if (route_walk_node(w, n->param, next)) return 1;
    w->n_values--;
    w->buf_used = saved;
  }
  return 0;
}

/* Checks every escape once, so the walk's decoding can only run out of room. */
static int route_path_ok(const char *path, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (path[i] != '%') continue;
    if (i + 2 >= len) return 0;
    int hi = route_hex((unsigned char)path[i + 1]), lo = route_hex((unsigned char)path[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return 0;
    i += 2;
  }
  return 1;
}

static void route_allow_format(route_walk *w, char *out, size_t outlen) {
  size_t o = 0;
  int has_head = 0;
  for (size_t i = 0; i < w->n_allow; i++) has_head |= strcmp(w->allow[i], "HEAD") == 0;
  out[0] = '\0';
  for (size_t i = 0; i < w->n_allow; i++) {
    const char *names[2] = {w->allow[i], NULL};
    if (strcmp(w->allow[i], "GET") == 0 && !has_head) names[1] = "HEAD";
    for (int k = 0; k < 2 && names[k]; k++) {
      size_t len = strlen(names[k]);
      /* Drop what does not fit rather than cut a method in half. */
      if (o + (o ? 2 : 0) + len + 1 > outlen) return;
      if (o) {
        out[o++] = ',';
        out[o++] = ' ';
      }
      memcpy(out + o, names[k], len);
      o += len;
      out[o] = '\0';
    }
  }
}

gild_route_result gild_router_match(const gild_router *r, const char *method, size_t method_len,
                                    const char *path, size_t path_len, gild_route_match *m) {
  route_walk w;
  m->n_params = 0;
  m->allow[0] = '\0';
  m->handler = NULL;
  m->handler_name = NULL;
  m->pattern = NULL;
  if (path_len == 0 || path[0] != '/') return GILD_ROUTE_NOT_FOUND;
  if (!route_path_ok(path, path_len)) return GILD_ROUTE_BAD_PATH;

  w.r = r;
  w.method = method;
  w.method_len = method_len;
  w.is_head = method_len == 4 && memcmp(method, "HEAD", 4) == 0;
  w.end = path + path_len;
  w.m = m;
  w.buf_used = 0;
  w.n_values = 0;
  w.overflow = 0;
  w.found = NULL;
  w.n_allow = 0;

  /* "/" is the root: no segments at all. */
  const char *first = path_len == 1 ? NULL : path + 1;
  if (route_walk_node(&w, &r->root, first)) {
    const route_entry *e = w.found;
    m->route_index = (size_t)(e - r->routes);
    m->handler_name = e->handler;
    m->pattern = e->full;
    m->handler = e->handle;
    m->n_params = e->n_params;
    for (size_t i = 0; i < e->n_params; i++) {
      m->params[i].name = (gild_str){e->param_names[i], strlen(e->param_names[i])};
      m->params[i].value = w.values[i];
    }
    return GILD_ROUTE_FOUND;
  }
  if (w.n_allow) {
    route_allow_format(&w, m->allow, sizeof m->allow);
    return GILD_ROUTE_METHOD_NOT_ALLOWED;
  }
  /* Parameter values longer than the match buffer: the path is refused
   * rather than silently routed elsewhere. */
  if (w.overflow) return GILD_ROUTE_BAD_PATH;
  return GILD_ROUTE_NOT_FOUND;
}
