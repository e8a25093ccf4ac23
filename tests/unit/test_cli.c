/* test_cli.c - gild_main's command line, in process: flags, exit statuses,
 * messages, and --check with and without a handler runtime. Nothing here
 * listens; serving is the integration tests' job. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "server.h"
#include "unit.h"

#define GOOD GILD_SOURCE_DIR "/config/gild.json"

static char out[8192], err[8192];

static void read_into(int fd, char *buf, size_t len) {
  ssize_t n = pread(fd, buf, len - 1, 0);
  buf[n > 0 ? n : 0] = '\0';
}

/* Runs gild_main with the NULL-terminated arguments, capturing stdout and
 * stderr into `out` and `err`. */
static int run(gild_handler_ops *ops, ...) {
  char *argv[32];
  int argc = 0;
  va_list ap;
  argv[argc++] = "gild";
  va_start(ap, ops);
  for (char *a; argc < 31 && (a = va_arg(ap, char *));) argv[argc++] = a;
  va_end(ap);
  argv[argc] = NULL;

  char opath[] = "/tmp/gild-unit-cli-out-XXXXXX", epath[] = "/tmp/gild-unit-cli-err-XXXXXX";
  int ofd = mkstemp(opath), efd = mkstemp(epath);
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  dup2(ofd, 1);
  dup2(efd, 2);
  int rv = gild_main(argc, argv, ops);
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  read_into(ofd, out, sizeof out);
  read_into(efd, err, sizeof err);
  close(ofd);
  close(efd);
  unlink(opath);
  unlink(epath);
  return rv;
}

/* A fake handler runtime: counts calls, fails where told to. */
typedef struct fake {
  int loads, resolves, unloads;
  int fail_load;
  const char *fail_name;
  char dir[512];
} fake;

static int fake_load(void *ctx, const char *dir, char *e, size_t elen) {
  fake *f = ctx;
  f->loads++;
  snprintf(f->dir, sizeof f->dir, "%s", dir);
  if (f->fail_load) {
    snprintf(e, elen, "handlers/app.py:3:5: SyntaxError: invalid syntax");
    return GILD_EINVAL;
  }
  return 0;
}
static int fake_resolve(void *ctx, const char *name, void **handle, char *e, size_t elen) {
  fake *f = ctx;
  f->resolves++;
  if (f->fail_name && strcmp(name, f->fail_name) == 0) {
    snprintf(e, elen, "no function '%s'", strchr(name, '.') + 1);
    return GILD_ENOENT;
  }
  *handle = f;
  return 0;
}
static void fake_unload(void *ctx) { ((fake *)ctx)->unloads++; }

static gild_handler_ops fake_ops(fake *f) {
  memset(f, 0, sizeof *f);
  return (gild_handler_ops){.name = "fake", .load = fake_load, .resolve = fake_resolve,
                            .unload = fake_unload, .ctx = f};
}

static void test_flags(void) {
  CHECK(run(NULL, "--version", NULL) == 0);
  CHECK_STR(out, "gild " GILD_VERSION "\n");
  CHECK(run(NULL, "--help", NULL) == 0);
  CHECK_CONTAINS(out, "usage: gild [--config FILE]");
  CHECK(run(NULL, "--bogus", NULL) == 2);
  CHECK_STR(err, "gild: unknown option '--bogus'; see gild --help\n");
  CHECK(run(NULL, "--threads", NULL) == 2);
  CHECK_STR(err, "gild: --threads needs a value; see gild --help\n");
  CHECK(run(NULL, "--check=yes", NULL) == 2);
  CHECK_STR(err, "gild: --check takes no value\n");
  CHECK(run(NULL, "serve", NULL) == 2);
  CHECK_STR(err, "gild: unexpected argument 'serve'; see gild --help\n");
  CHECK(run(NULL, "--check", "--config", GOOD, "--threads=0", NULL) == 2);
  CHECK_STR(err, "gild: --threads: expected an integer in 1..256, got '0'\n");
  CHECK(run(NULL, "--check", "--config", GOOD, "--listen", "localhost:1", NULL) == 2);
  CHECK_CONTAINS(err, "--listen 'localhost:1'");
  CHECK(run(NULL, "--check", "--config", GOOD, "--gil-policy=lifo", NULL) == 2);
  CHECK(run(NULL, "--check", "--config", GOOD, "--switch-interval", "2", NULL) == 2);
  CHECK(run(NULL, "--check", "--config=" GOOD, "--listen=[::1]:0", "--threads", "3",
            "--gil-policy", "legacy", "--switch-interval=0.5", NULL) == 0);
  CHECK_STR(out, "gild: configuration " GOOD " is ok\n");
}

static void test_check(void) {
  CHECK(run(NULL, "--check", "--config", GOOD, NULL) == 0);
  CHECK_STR(out, "gild: configuration " GOOD " is ok\n");
  CHECK_STR(err, "");

  CHECK(run(NULL, "--check", "--config", GILD_UNIT_CONFIGS "/out_of_range.json", NULL) == 2);
  CHECK_STR(err, GILD_UNIT_CONFIGS "/out_of_range.json:3:41: key 'limits.max_body_bytes': "
                 "expected an integer in 1..1073741824\n");
  CHECK_STR(out, "");
  CHECK(run(NULL, "--check", "--config", GILD_UNIT_CONFIGS "/missing.json", NULL) == 2);
  CHECK_CONTAINS(err, "missing.json: cannot open the configuration");

  /* With a runtime: every handler loads and every route resolves. */
  fake f;
  gild_handler_ops ops = fake_ops(&f);
  CHECK(run(&ops, "--check", "--config", GOOD, NULL) == 0);
  CHECK(f.loads == 1 && f.resolves == 8 && f.unloads == 1);
  CHECK_STR(f.dir, GILD_SOURCE_DIR "/config/../handlers");

  ops = fake_ops(&f);
  f.fail_name = "app.cpu";
  CHECK(run(&ops, "--check", "--config", GOOD, NULL) == 2);
  CHECK_STR(err, GOOD ":8:5: route 'GET /cpu': handler 'app.cpu': no function 'cpu'\n");
  CHECK(f.unloads == 1);

  ops = fake_ops(&f);
  f.fail_load = 1;
  CHECK(run(&ops, "--check", "--config", GOOD, NULL) == 2);
  CHECK_STR(err, "gild: handlers/app.py:3:5: SyntaxError: invalid syntax\n");
  CHECK(f.resolves == 0);
}

static void test_default_file(void) {
  char cwd[1024], dir[] = "/tmp/gild-unit-cli-XXXXXX";
  if (!getcwd(cwd, sizeof cwd) || !mkdtemp(dir)) {
    unit_failures++;
    return;
  }
  /* Without config/gild.json the built-in defaults apply. */
  CHECK(chdir(dir) == 0);
  CHECK(run(NULL, "--check", NULL) == 0);
  CHECK_STR(out, "gild: configuration (built-in defaults) is ok\n");
  /* From the source tree, config/gild.json is picked up; it has routes, so
   * this binary (no runtime) refuses to serve it, before listening. */
  CHECK(chdir(GILD_SOURCE_DIR) == 0);
  CHECK(run(NULL, "--check", NULL) == 0);
  CHECK_STR(out, "gild: configuration config/gild.json is ok\n");
  CHECK(run(NULL, NULL) == 2);
  CHECK_STR(err, "gild: no handler runtime is built into this binary\n");
  CHECK_STR(out, "");
  CHECK(chdir(cwd) == 0);
  rmdir(dir);
}

int main(void) {
  test_flags();
  test_check();
  test_default_file();
  return unit_exit("unit.cli");
}
