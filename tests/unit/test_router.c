/* test_router.c - the route table: matching, parameters, decoding, 404/405,
 * HEAD, a large table, and the errors of building one. */
#include <stdlib.h>

#include "router.h"
#include "unit.h"

#define R(m, p, h) {(char *)(m), (char *)(p), (char *)(h), 0, 0}

static const gild_route_conf table[] = {
    R("GET", "/hello", "app.hello"),
    R("GET", "/users/{id}", "app.user"),
    R("DELETE", "/users/{id}", "app.user_delete"),
    R("GET", "/users/me", "app.me"),
    R("GET", "/users/{id}/posts/{post}", "app.post"),
    R("GET", "/", "app.root"),
    R("POST", "/echo", "app.echo"),
    R("GET", "/files/{name}/", "app.dir"),
    R("HEAD", "/head-only", "app.head"),
    R("GET", "/caf%C3%A9", "app.cafe"),
    R("GET", "/a/b/c", "app.abc"),
};

static gild_route_match m;

static gild_route_result match(const gild_router *r, const char *method, const char *path) {
  return gild_router_match(r, method, strlen(method), path, strlen(path), &m);
}

static void test_table(void) {
  gild_router *r;
  char err[256] = "";
  int rv = gild_router_build(&r, table, sizeof table / sizeof table[0], err, sizeof err);
  CHECK(rv == 0);
  if (rv) {
    fprintf(stderr, "build: %s\n", err);
    return;
  }
  int handle = 7;
  gild_router_set_handle(r, 0, &handle);

  /* literal */
  CHECK(match(r, "GET", "/hello") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.hello");
  CHECK_STR(m.pattern, "GET /hello");
  CHECK(m.route_index == 0);
  CHECK(m.handler == &handle);
  CHECK(m.n_params == 0);
  CHECK(match(r, "GET", "/") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.root");
  CHECK(match(r, "GET", "/a/b/c") == GILD_ROUTE_FOUND);
  CHECK(match(r, "GET", "/a/b") == GILD_ROUTE_NOT_FOUND);
  CHECK(match(r, "GET", "/a/b/c/d") == GILD_ROUTE_NOT_FOUND);

  /* parameters */
  CHECK(match(r, "GET", "/users/42") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.user");
  CHECK(m.n_params == 1);
  CHECK(m.params[0].name.len == 2 && memcmp(m.params[0].name.ptr, "id", 2) == 0);
  CHECK(m.params[0].value.len == 2 && memcmp(m.params[0].value.ptr, "42", 2) == 0);
  CHECK(match(r, "DELETE", "/users/42") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.user_delete");

  /* a literal beats a parameter, and a dead-end literal backs up */
  CHECK(match(r, "GET", "/users/me") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.me");
  CHECK(match(r, "GET", "/users/me/posts/7") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.post");
  CHECK(m.n_params == 2);
  CHECK(m.params[0].value.len == 2 && memcmp(m.params[0].value.ptr, "me", 2) == 0);
  CHECK(m.params[1].name.len == 4 && memcmp(m.params[1].name.ptr, "post", 4) == 0);
  CHECK(m.params[1].value.len == 1 && m.params[1].value.ptr[0] == '7');
  /* DELETE on the literal path /users/me falls through to /users/{id} */
  CHECK(match(r, "DELETE", "/users/me") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.user_delete");

  /* percent-decoding: after splitting, so %2F stays inside the value */
  CHECK(match(r, "GET", "/users/a%20b") == GILD_ROUTE_FOUND);
  CHECK(m.params[0].value.len == 3 && memcmp(m.params[0].value.ptr, "a b", 3) == 0);
  CHECK(match(r, "GET", "/users/a%2Fb") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.user");
  CHECK(m.params[0].value.len == 3 && memcmp(m.params[0].value.ptr, "a/b", 3) == 0);
  CHECK(match(r, "GET", "/users/caf%c3%a9") == GILD_ROUTE_FOUND);
  CHECK(m.params[0].value.len == 5 && memcmp(m.params[0].value.ptr, "caf\xc3\xa9", 5) == 0);
  CHECK(match(r, "GET", "/users/a+b") == GILD_ROUTE_FOUND); /* '+' is not a space in paths */
  CHECK(m.params[0].value.len == 3 && memcmp(m.params[0].value.ptr, "a+b", 3) == 0);
  /* literal patterns are decoded too: both spellings reach them */
  CHECK(match(r, "GET", "/caf%C3%A9") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.cafe");
  CHECK(match(r, "GET", "/caf\xc3\xa9") == GILD_ROUTE_FOUND);
  CHECK(match(r, "GET", "/%68ello") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.hello");

  /* bad escapes, anywhere in the path */
  CHECK(match(r, "GET", "/users/%zz") == GILD_ROUTE_BAD_PATH);
  CHECK(match(r, "GET", "/users/%4") == GILD_ROUTE_BAD_PATH);
  CHECK(match(r, "GET", "/users/%") == GILD_ROUTE_BAD_PATH);
  CHECK(match(r, "GET", "/users/a%00b") == GILD_ROUTE_BAD_PATH);
  CHECK(match(r, "GET", "/nowhere/%g1") == GILD_ROUTE_BAD_PATH);

  /* 404 */
  CHECK(match(r, "GET", "/nope") == GILD_ROUTE_NOT_FOUND);
  CHECK(match(r, "GET", "/users") == GILD_ROUTE_NOT_FOUND);
  CHECK(match(r, "GET", "/users/") == GILD_ROUTE_NOT_FOUND); /* a parameter is never empty */
  CHECK(match(r, "GET", "/hello/") == GILD_ROUTE_NOT_FOUND);
  CHECK(match(r, "GET", "//hello") == GILD_ROUTE_NOT_FOUND);
  CHECK(match(r, "GET", "") == GILD_ROUTE_NOT_FOUND);
  CHECK(match(r, "OPTIONS", "*") == GILD_ROUTE_NOT_FOUND);
  CHECK(match(r, "get", "/nope") == GILD_ROUTE_NOT_FOUND);

  /* trailing slash is significant */
  CHECK(match(r, "GET", "/files/x/") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.dir");
  CHECK(m.n_params == 1 && m.params[0].value.len == 1);
  CHECK(match(r, "GET", "/files/x") == GILD_ROUTE_NOT_FOUND);

  /* 405 and Allow */
  CHECK(match(r, "PUT", "/users/42") == GILD_ROUTE_METHOD_NOT_ALLOWED);
  CHECK_STR(m.allow, "GET, HEAD, DELETE");
  CHECK(match(r, "POST", "/hello") == GILD_ROUTE_METHOD_NOT_ALLOWED);
  CHECK_STR(m.allow, "GET, HEAD");
  CHECK(match(r, "GET", "/echo") == GILD_ROUTE_METHOD_NOT_ALLOWED);
  CHECK_STR(m.allow, "POST");
  CHECK(match(r, "HEAD", "/echo") == GILD_ROUTE_METHOD_NOT_ALLOWED);
  CHECK_STR(m.allow, "POST");
  /* the union over every pattern that matches: /users/me and /users/{id} */
  CHECK(match(r, "POST", "/users/me") == GILD_ROUTE_METHOD_NOT_ALLOWED);
  CHECK_STR(m.allow, "GET, HEAD, DELETE");
  CHECK(match(r, "get", "/hello") == GILD_ROUTE_METHOD_NOT_ALLOWED); /* methods are case-sensitive */

  /* HEAD matches GET; an explicit HEAD route stands alone */
  CHECK(match(r, "HEAD", "/hello") == GILD_ROUTE_FOUND);
  CHECK_STR(m.pattern, "GET /hello");
  CHECK(match(r, "HEAD", "/users/7") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.user");
  CHECK(match(r, "HEAD", "/head-only") == GILD_ROUTE_FOUND);
  CHECK_STR(m.handler_name, "app.head");
  CHECK(match(r, "GET", "/head-only") == GILD_ROUTE_METHOD_NOT_ALLOWED);
  CHECK_STR(m.allow, "HEAD");

  /* a parameter value longer than the match buffer is refused, not cut */
  char *big = malloc(6000);
  memcpy(big, "/users/", 7);
  memset(big + 7, 'x', 5000);
  big[5007] = '\0';
  CHECK(match(r, "GET", big) == GILD_ROUTE_BAD_PATH);
  free(big);

  gild_router_free(r);
}

static void test_many(void) {
  enum { N = 2000 };
  gild_route_conf *routes = calloc(N, sizeof *routes);
  char (*patterns)[48] = calloc(N, sizeof *patterns);
  char (*names)[32] = calloc(N, sizeof *names);
  gild_router *r;
  char err[256];
  for (int i = 0; i < N; i++) {
    snprintf(patterns[i], sizeof patterns[i], "/r%d/x/{p}", i);
    snprintf(names[i], sizeof names[i], "app.h%d", i);
    routes[i] = (gild_route_conf){i % 2 ? "POST" : "GET", patterns[i], names[i], 0, 0};
  }
  CHECK(gild_router_build(&r, routes, N, err, sizeof err) == 0);
  for (int i = 0; i < N; i++) {
    char path[64], want[32];
    snprintf(path, sizeof path, "/r%d/x/v%d", i, i);
    snprintf(want, sizeof want, "v%d", i);
    if (match(r, i % 2 ? "POST" : "GET", path) != GILD_ROUTE_FOUND || m.route_index != (size_t)i ||
        m.params[0].value.len != strlen(want) ||
        memcmp(m.params[0].value.ptr, want, strlen(want)) != 0) {
      fprintf(stderr, "many: route %d does not match %s\n", i, path);
      unit_failures++;
      break;
    }
  }
  CHECK(match(r, "GET", "/r1/x/v") == GILD_ROUTE_METHOD_NOT_ALLOWED);
  CHECK_STR(m.allow, "POST");
  CHECK(match(r, "GET", "/r2000/x/v") == GILD_ROUTE_NOT_FOUND);
  gild_router_free(r);
  free(routes);
  free(patterns);
  free(names);
}

/* Builds a one- or two-route table that must fail with `want` in the message. */
static void build_fails(const char *method, const char *pattern, const char *second,
                        const char *want) {
  gild_route_conf rs[2] = {R(method, second ? second : pattern, "app.a"),
                           R(method, pattern, "app.b")};
  gild_router *r = (gild_router *)1;
  char err[512] = "";
  size_t n = second ? 2 : 1;
  int rv = gild_router_build(&r, second ? rs : rs + 1, n, err, sizeof err);
  if (rv >= 0 || r != NULL) {
    fprintf(stderr, "build of '%s %s' should have failed\n", method, pattern);
    unit_failures++;
    if (rv >= 0) gild_router_free(r);
    return;
  }
  CHECK_CONTAINS(err, want);
}

static void test_build_errors(void) {
  build_fails("GET", "/a/{", NULL, "route 'GET /a/{': bad segment '{'");
  build_fails("GET", "/a/{}", NULL, "bad parameter '{}'");
  build_fails("GET", "/a/{a}{b}", NULL, "bad segment '{a}{b}'");
  build_fails("GET", "/a/x{a}", NULL, "bad segment 'x{a}'");
  build_fails("GET", "/a/{a}x", NULL, "bad segment '{a}x'");
  build_fails("GET", "/a/}", NULL, "bad segment '}'");
  build_fails("GET", "/a/{1x}", NULL, "bad parameter '{1x}'");
  build_fails("GET", "/a//b", NULL, "empty path segment");
  build_fails("GET", "//", NULL, "empty path segment");
  build_fails("GET", "a/b", NULL, "must start with '/'");
  build_fails("GET", "", NULL, "must start with '/'");
  build_fails("GET", "/a b", NULL, "may not contain spaces");
  build_fails("GET", "/a?b", NULL, "'?'");
  build_fails("GET", "/%zz", NULL, "bad percent-escape");
  build_fails("GET", "/a%2Fb", NULL, "bad percent-escape");
  build_fails("GE(T", "/a", NULL, "not an HTTP token");
  build_fails("GET", "/{a}/{a}", NULL, "parameter '{a}' appears twice");
  build_fails("GET", "/u/{b}", "/u/{a}", "route 'GET /u/{b}': same method and path as route 'GET /u/{a}'");
  build_fails("GET", "/x", "/x", "same method and path");
  build_fails("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}/{l}/{m}/{n}/{o}/{p}/{q}", NULL,
              "more than 16 parameters");

  /* the same path with another method, or 16 parameters, are fine */
  gild_route_conf ok[] = {R("GET", "/u/{a}", "app.a"), R("PUT", "/u/{b}", "app.b"),
                          R("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}/{l}/{m}/{n}/{o}/{p}", "app.c")};
  gild_router *r;
  char err[256] = "";
  CHECK(gild_router_build(&r, ok, 3, err, sizeof err) == 0);
  CHECK(match(r, "PUT", "/u/1") == GILD_ROUTE_FOUND);
  CHECK(m.params[0].name.len == 1 && m.params[0].name.ptr[0] == 'b');
  CHECK(match(r, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16") == GILD_ROUTE_FOUND);
  CHECK(m.n_params == 16 && m.params[15].value.len == 2);
  gild_router_free(r);

  /* a route from a file names its line and column */
  gild_route_conf at[] = {{"GET", "/a", "app.a", 3, 5}, {"GET", "/a", "app.b", 4, 5}};
  CHECK(gild_router_build(&r, at, 2, err, sizeof err) < 0);
  CHECK_STR(err, "4:5: route 'GET /a': same method and path as route 'GET /a' (3:5)");
}

static void test_decode(void) {
  char out[16];
  CHECK(gild_percent_decode("a+b%20c", 7, out, sizeof out, 1) == 5);
  CHECK(memcmp(out, "a b c", 5) == 0);
  CHECK(gild_percent_decode("a+b", 3, out, sizeof out, 0) == 3);
  CHECK(memcmp(out, "a+b", 3) == 0);
  CHECK(gild_percent_decode("%41%6a", 6, out, sizeof out, 0) == 2);
  CHECK(memcmp(out, "Aj", 2) == 0);
  CHECK(gild_percent_decode("%4", 2, out, sizeof out, 0) == -1);
  CHECK(gild_percent_decode("%G0", 3, out, sizeof out, 0) == -1);
  CHECK(gild_percent_decode("abcdef", 6, out, 5, 0) == -1);
  CHECK(gild_percent_decode("", 0, out, sizeof out, 0) == 0);
}

int main(void) {
  test_table();
  test_many();
  test_build_errors();
  test_decode();
  return unit_exit("unit.router");
}
