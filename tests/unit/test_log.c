/* test_log.c - access and error line formats, level filtering, escaping,
 * and whole lines under concurrent writers, all into temporary files. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
  }
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* "2026-11-25T18:30:00.123Z" then a space: 25 bytes. */
static int is_stamp(const char *s) {
  static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ ";
  for (int i = 0; shape[i]; i++) {
    if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) return 0;
  }
  return 1;
}

/* Checks one line: a stamp, then exactly `rest`. Returns the next line. */
static const char *line_is(const char *p, const char *rest, int line) {
  if (!p || !*p) {
    fprintf(stderr, "line %d missing, want: %s", line, rest);
    unit_failures++;
    return p;
  }
  const char *nl = strchr(p, '\n');
  size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
  if (len < 25 || !is_stamp(p) || strlen(rest) != len - 25 || memcmp(p + 25, rest, len - 25)) {
    fprintf(stderr, "line %d:\n  got:  %.*s  want: <stamp> %s", line, (int)len, p, rest);
    unit_failures++;
  }
  return p + len;
}

static void test_formats(const char *dir) {
  char access[256], error[256], err[256] = "";
  snprintf(access, sizeof access, "%s/access.log", dir);
  snprintf(error, sizeof error, "%s/error.log", dir);
  gild_config c;
  gild_config_defaults(&c);
  free(c.access_log);
  free(c.error_log);
  c.access_log = strdup(access);
  c.error_log = strdup(error);
  c.log_level = GILD_LOG_WARN;

  gild_log *l;
  CHECK(gild_log_open(&l, &c, err, sizeof err) == 0);
  if (!l) return;
  gild_log_access(l, &(gild_access_entry){"127.0.0.1:5555", "GET", 3, "/hello?x=1", 10, 200, 13,
                                          0.000123});
  gild_log_access(l, &(gild_access_entry){"[::1]:80", "POST", 4, "/a\"b\\c\n", 7, 413, 0, 1.5});
  gild_log_access(l, &(gild_access_entry){NULL, "GET", 3, "/caf\xc3\xa9", 6, 404, 99, -1});
  gild_log_error(l, GILD_LOG_DEBUG, "hidden %d", 1);
  gild_log_error(l, GILD_LOG_INFO, "hidden %d", 2);
  gild_log_error(l, GILD_LOG_WARN, "queue full: %d waiting", 1024);
  gild_log_error(l, GILD_LOG_ERROR, "two\nlines");
  gild_log_close(l);

  char *a = slurp(access), *e = slurp(error);
  const char *p = a;
  p = line_is(p, "127.0.0.1:5555 \"GET /hello?x=1\" 200 13 0.000123\n", 1);
  p = line_is(p, "[::1]:80 \"POST /a\\\"b\\\\c\\x0a\" 413 0 1.500000\n", 2);
  p = line_is(p, "- \"GET /caf\\xc3\\xa9\" 404 99 0.000000\n", 3);
  CHECK(p && *p == '\0');
  p = e;
  p = line_is(p, "[warn] queue full: 1024 waiting\n", 1);
  p = line_is(p, "[error] two\\x0alines\n", 2);
  CHECK(p && *p == '\0');
  free(a);
  free(e);

  /* "off" (or NULL) turns the access log off; an unwritable path fails. */
  free(c.access_log);
  c.access_log = strdup("off");
  CHECK(gild_log_open(&l, &c, err, sizeof err) == 0);
  gild_log_access(l, &(gild_access_entry){"x", "GET", 3, "/", 1, 200, 0, 0});
  gild_log_close(l);
  a = slurp(access);
  CHECK(a && strlen(a) > 0 && strstr(a, "\"GET /\"") == NULL);
  free(a);
  free(c.error_log);
  c.error_log = strdup("/nonexistent-dir/error.log");
  CHECK(gild_log_open(&l, &c, err, sizeof err) < 0);
  CHECK_CONTAINS(err, "cannot open the error log '/nonexistent-dir/error.log'");
  gild_config_free(&c);
}

enum { WRITERS = 4, LINES = 2000 };

static void *writer(void *arg) {
  gild_log *l = arg;
  char path[600];
  /* Long lines make torn writes likely if lines were written in pieces. */
  memset(path, 'p', sizeof path);
  path[0] = '/';
  for (int i = 0; i < LINES; i++)
    gild_log_access(l, &(gild_access_entry){"127.0.0.1:1", "GET", 3, path, sizeof path, 200, 1, 0});
  return NULL;
}

static void test_threads(const char *dir) {
  char access[256], err[256];
  snprintf(access, sizeof access, "%s/threads.log", dir);
  gild_config c;
  gild_config_defaults(&c);
  free(c.access_log);
  c.access_log = strdup(access);
  gild_log *l;
  CHECK(gild_log_open(&l, &c, err, sizeof err) == 0);
  pthread_t t[WRITERS];
  for (int i = 0; i < WRITERS; i++) pthread_create(&t[i], NULL, writer, l);
  for (int i = 0; i < WRITERS; i++) pthread_join(t[i], NULL);
  gild_log_close(l);

  char *a = slurp(access), *p = a;
  int lines = 0, bad = 0;
  while (p && *p) {
    char *nl = strchr(p, '\n');
    if (!nl) break;
    size_t len = (size_t)(nl - p);
    /* stamp + "127.0.0.1:1 \"GET /ppp...\" 200 1 0.000000" */
    if (len != 25 + 17 + 600 + 16 || !is_stamp(p)) bad++;
    lines++;
    p = nl + 1;
  }
  CHECK(lines == WRITERS * LINES);
  CHECK(bad == 0);
  free(a);
  gild_config_free(&c);
}

int main(void) {
  char dir[] = "/tmp/gild-unit-log-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_formats(dir);
  test_threads(dir);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return unit_exit("unit.log");
}
