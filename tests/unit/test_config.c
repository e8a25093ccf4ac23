/* test_config.c - the configuration loader: defaults, the shipped files,
 * and one bad file per kind of error, each with its exact message (key path
 * and LINE:COL). */
#include <stdlib.h>

#include "config.h"
#include "config_flags.h"
#include "handler.h"
#include "unit.h"

#define CONFIGS GILD_UNIT_CONFIGS "/"

static void test_defaults(void) {
  gild_config c;
  gild_config_defaults(&c);
  CHECK_STR(c.listen_host, "127.0.0.1");
  CHECK(c.listen_port == 8080);
  CHECK(c.threads == 8);
  CHECK(c.backlog == 511);
  CHECK(c.max_connections == 10000);
  CHECK(c.queue_size == 1024);
  CHECK_STR(c.handler_dir, "handlers");
  CHECK(c.max_header_bytes == 16384);
  CHECK(c.max_url_bytes == 8192);
  CHECK(c.max_body_bytes == 1048576);
  CHECK(c.max_headers == 100);
  CHECK(c.header_timeout_ms == 10000);
  CHECK(c.keepalive_timeout_ms == 5000);
  CHECK(c.write_timeout_ms == 10000);
  CHECK(c.body_timeout_ms == 30000);
  CHECK(c.drain_timeout_ms == 10000);
  CHECK(c.handler_timeout_ms == 30000);
  CHECK(c.retry_after_s == 1);
  CHECK(c.sched_slice_us == 100);
  CHECK(c.sched_cpu_slice_us == 3000);
  CHECK(c.loop_nice == 0);
  CHECK_STR(c.access_log, "-");
  CHECK_STR(c.error_log, "-");
  CHECK(c.log_level == GILD_LOG_INFO);
  CHECK_STR(c.healthz_path, "/healthz");
  CHECK_STR(c.metrics_path, "/metrics");
  CHECK_STR(c.gil_policy, "cpython");
  CHECK(c.gil_switch_interval == 0.005);
  CHECK(c.n_routes == 0 && c.routes == NULL && c.path == NULL);
  gild_config_free(&c);
}

/* The shipped default file says exactly the defaults, plus the routes. */
static void test_default_file(void) {
  gild_config c, d;
  char err[1024] = "";
  gild_config_defaults(&c);
  gild_config_defaults(&d);
  int rv = gild_config_load_file(&c, GILD_SOURCE_DIR "/config/gild.json", err, sizeof err);
  CHECK(rv == 0);
  if (rv) fprintf(stderr, "%s\n", err);
  CHECK_STR(c.path, GILD_SOURCE_DIR "/config/gild.json");
  CHECK_STR(c.handler_dir, GILD_SOURCE_DIR "/config/../handlers");
  CHECK_STR(c.listen_host, d.listen_host);
  CHECK(c.listen_port == d.listen_port && c.threads == d.threads && c.backlog == d.backlog);
  CHECK(c.max_connections == d.max_connections && c.queue_size == d.queue_size);
  CHECK(c.max_header_bytes == d.max_header_bytes && c.max_url_bytes == d.max_url_bytes);
  CHECK(c.max_body_bytes == d.max_body_bytes && c.max_headers == d.max_headers);
  CHECK(c.header_timeout_ms == d.header_timeout_ms);
  CHECK(c.keepalive_timeout_ms == d.keepalive_timeout_ms);
  CHECK(c.write_timeout_ms == d.write_timeout_ms && c.body_timeout_ms == d.body_timeout_ms);
  CHECK(c.drain_timeout_ms == d.drain_timeout_ms);
  CHECK(c.handler_timeout_ms == d.handler_timeout_ms && c.retry_after_s == d.retry_after_s);
  CHECK_STR(c.access_log, "-");
  CHECK_STR(c.error_log, "-");
  CHECK(c.log_level == d.log_level);
  CHECK_STR(c.healthz_path, "/healthz");
  CHECK_STR(c.metrics_path, "/metrics");
  CHECK_STR(c.gil_policy, "cpython");
  CHECK(c.gil_switch_interval == d.gil_switch_interval);

  static const char *const want[][3] = {
      {"GET", "/hello", "app.hello"},     {"GET", "/json", "app.json_hello"},
      {"GET", "/cpu", "app.cpu"},         {"GET", "/io", "app.io"},
      {"GET", "/file", "app.file"},       {"POST", "/echo", "app.echo"},
      {"GET", "/upstream", "app.upstream"}, {"GET", "/users/{id}", "app.user"}};
  CHECK(c.n_routes == 8);
  for (size_t i = 0; i < c.n_routes && i < 8; i++) {
    CHECK_STR(c.routes[i].method, want[i][0]);
    CHECK_STR(c.routes[i].pattern, want[i][1]);
    CHECK_STR(c.routes[i].handler, want[i][2]);
    /* in file order, one per line from line 6, each key at column 5 */
    CHECK(c.routes[i].line == 6 + (int)i && c.routes[i].column == 5);
  }
  gild_config_free(&c);
  gild_config_free(&d);
}

/* config/example.json changes every knob away from its default. */
static void test_example_file(void) {
  gild_config c, d;
  char err[1024] = "";
  gild_config_defaults(&c);
  gild_config_defaults(&d);
  int rv = gild_config_load_file(&c, GILD_SOURCE_DIR "/config/example.json", err, sizeof err);
  CHECK(rv == 0);
  if (rv) fprintf(stderr, "%s\n", err);
  CHECK(strcmp(c.listen_host, d.listen_host) != 0 || c.listen_port != d.listen_port);
  CHECK(c.threads != d.threads && c.backlog != d.backlog);
  CHECK(c.max_connections != d.max_connections && c.queue_size != d.queue_size);
  CHECK(c.max_header_bytes != d.max_header_bytes && c.max_url_bytes != d.max_url_bytes);
  CHECK(c.max_body_bytes != d.max_body_bytes && c.max_headers != d.max_headers);
  CHECK(c.header_timeout_ms != d.header_timeout_ms);
  CHECK(c.keepalive_timeout_ms != d.keepalive_timeout_ms);
  CHECK(c.write_timeout_ms != d.write_timeout_ms && c.body_timeout_ms != d.body_timeout_ms);
  CHECK(c.drain_timeout_ms != d.drain_timeout_ms);
  CHECK(c.handler_timeout_ms != d.handler_timeout_ms && c.retry_after_s != d.retry_after_s);
  CHECK(c.sched_slice_us != d.sched_slice_us);
  CHECK(c.sched_cpu_slice_us != d.sched_cpu_slice_us);
  CHECK(c.loop_nice == -5);
  CHECK_STR(c.access_log, "/tmp/gild-access.log");
  CHECK_STR(c.error_log, "/tmp/gild-error.log");
  CHECK(c.log_level == GILD_LOG_DEBUG);
  CHECK_STR(c.healthz_path, "/livez");
  CHECK(c.metrics_path == NULL);
  CHECK_STR(c.gil_policy, "fifo");
  CHECK(c.gil_switch_interval == 0.01);
  CHECK(c.n_routes == 6);
  gild_config_free(&c);
  gild_config_free(&d);
}

/* Loads CONFIGS/name and expects exactly "CONFIGS/name:" + want. */
static void bad(const char *name, const char *want) {
  char path[512], full[1024], err[1024] = "";
  gild_config c;
  snprintf(path, sizeof path, CONFIGS "%s", name);
  snprintf(full, sizeof full, "%s:%s", path, want);
  gild_config_defaults(&c);
  int rv = gild_config_load_file(&c, path, err, sizeof err);
  if (rv >= 0) {
    fprintf(stderr, "%s: loaded, but should have failed with %s\n", name, want);
    unit_failures++;
  } else {
    CHECK_STR(err, full);
  }
  gild_config_free(&c);
}

static void test_bad_files(void) {
  bad("unknown_key.json",
      "5:5: key 'limits.max_body': unknown key; the keys here are: max_header_bytes, "
      "max_url_bytes, max_body_bytes, max_headers, max_connections, queue_size, backlog");
  bad("wrong_type.json", "3:3: key 'threads': expected an integer in 1..256");
  bad("real_for_int.json", "2:3: key 'threads': expected an integer in 1..256");
  bad("out_of_range.json",
      "3:41: key 'limits.max_body_bytes': expected an integer in 1..1073741824");
  bad("bad_route_key.json",
      "4:5: key 'routes.get /x': expected \"METHOD /path\": an upper-case method such as GET, "
      "one space, and a path starting with '/'");
  bad("bad_route_pattern.json",
      "4:5: route 'GET /a/{': bad segment '{': a parameter is a whole segment '{name}'");
  bad("duplicate_route.json",
      "4:5: route 'GET /u/{name}': same method and path as route 'GET /u/{id}' (3:5)");
  bad("syntax.json", "3:1: string or '}' expected near '}'");
  bad("duplicate_key.json", "4:3: key 'threads': duplicate key (first written at 2:3)");
  bad("duplicate_nested.json",
      "4:22: key 'timeouts.header_ms': duplicate key (first written at 3:5)");
  /* columns count characters, as jansson's do, not bytes */
  bad("unicode_column.json", "2:22: key 'retry_after': expected an integer in 0..3600");
  bad("wrong_section_type.json", "2:3: key 'log': expected an object");
  bad("bad_listen.json",
      "2:3: key 'listen': expected an IP address such as 127.0.0.1 (names are not resolved)");
  bad("bad_gil.json", "4:5: key 'gil.switch_interval': expected a number of seconds in (0, 1]");
  bad("bad_healthz.json", "2:3: key 'healthz': expected null (off) or a path starting with '/'");
  bad("top_array.json", "1:1: the configuration must be a JSON object {...}");
  bad("bad_slice.json",
      "2:3: key 'sched_slice_us': expected 0 (the kernel's default) or microseconds in 100..100000");
  bad("bad_loop_nice.json", "2:3: key 'loop_nice': expected an integer in -20..19");
  bad("bad_cpu_slice.json",
      "3:3: key 'sched_cpu_slice_us': expected 0 (off) or microseconds in 100..100000");

  char err[1024];
  gild_config c;
  gild_config_defaults(&c);
  CHECK(gild_config_load_file(&c, CONFIGS "no-such-file.json", err, sizeof err) < 0);
  CHECK_CONTAINS(err, "no-such-file.json: cannot open the configuration: No such file");
  gild_config_free(&c);
}

static void test_flags(void) {
  gild_config c;
  char err[256] = "";
  gild_config_defaults(&c);
  CHECK(gild_config_set_listen(&c, "127.0.0.1:0", err, sizeof err) == 0);
  CHECK_STR(c.listen_host, "127.0.0.1");
  CHECK(c.listen_port == 0);
  CHECK(gild_config_set_listen(&c, "[::1]:65535", err, sizeof err) == 0);
  CHECK_STR(c.listen_host, "::1");
  CHECK(c.listen_port == 65535);
  CHECK(gild_config_set_listen(&c, "127.0.0.1:65536", err, sizeof err) == GILD_EINVAL);
  CHECK_STR(err, "--listen '127.0.0.1:65536': expected a port in 0..65535");
  CHECK(gild_config_set_listen(&c, "127.0.0.1", err, sizeof err) < 0);
  CHECK(gild_config_set_listen(&c, "127.0.0.1:", err, sizeof err) < 0);
  CHECK(gild_config_set_listen(&c, ":80", err, sizeof err) < 0);
  CHECK(gild_config_set_listen(&c, "::1:80", err, sizeof err) < 0);
  CHECK_CONTAINS(err, "brackets");
  CHECK(gild_config_set_listen(&c, "127.0.0.1:8x", err, sizeof err) < 0);
  CHECK_STR(c.listen_host, "::1"); /* unchanged after the errors */

  CHECK(gild_config_set_threads(&c, "16", err, sizeof err) == 0 && c.threads == 16);
  CHECK(gild_config_set_threads(&c, "0", err, sizeof err) < 0);
  CHECK_STR(err, "--threads: expected an integer in 1..256, got '0'");
  CHECK(gild_config_set_threads(&c, "257", err, sizeof err) < 0);
  CHECK(gild_config_set_threads(&c, "8x", err, sizeof err) < 0 && c.threads == 16);
  CHECK(gild_config_set_gil_policy(&c, "io-priority", err, sizeof err) == 0);
  CHECK_STR(c.gil_policy, "io-priority");
  CHECK(gild_config_set_gil_policy(&c, "lifo", err, sizeof err) < 0);
  CHECK_STR(c.gil_policy, "io-priority");
  CHECK(gild_config_set_switch_interval(&c, "0.001", err, sizeof err) == 0);
  CHECK(c.gil_switch_interval == 0.001);
  CHECK(gild_config_set_switch_interval(&c, "0", err, sizeof err) < 0);
  CHECK(gild_config_set_switch_interval(&c, "1.5", err, sizeof err) < 0);
  CHECK(gild_config_set_switch_interval(&c, "1", err, sizeof err) == 0);
  gild_config_free(&c);
}

int main(void) {
  test_defaults();
  test_default_file();
  test_example_file();
  test_bad_files();
  test_flags();
  return unit_exit("unit.config");
}
