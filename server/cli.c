/*
 * cli.c - gild's command line: parse the flags, load the configuration,
 * apply the flags over it, then either check it (--check, like nginx -t) or
 * open the logs and serve.
 *
 * Exit status: 0 after a clean run or a good --check; 2 for a bad command
 * line, a bad configuration or a handler that does not load or resolve
 * (always before listening); 1 when the server cannot start for another
 * reason (address in use, out of memory) or stops on an error.
 */
#include "config.h"
#include "config_flags.h"
#include "handler.h"
#include "log.h"
#include "router.h"
#include "server.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CLI_DEFAULT_CONFIG "config/gild.json"

typedef struct cli_opts {
  const char *config;
  const char *listen;
  const char *threads;
  const char *gil_policy;
  const char *switch_interval;
  int check, version, help;
} cli_opts;

static const char cli_usage[] =
    "usage: gild [--config FILE] [--listen ADDR:PORT] [--threads N]\n"
    "            [--gil-policy P] [--switch-interval S] [--check] [--version] [--help]\n"
    "       gild run FILE.py [ARGS] | gild run -c CODE [ARGS] | gild dis FILE.py\n"
    "\n"
    "  --config FILE          JSON configuration (default: " CLI_DEFAULT_CONFIG " if it\n"
    "                         exists, else the built-in defaults; see docs/config.md)\n"
    "  --listen ADDR:PORT     listen address, e.g. 127.0.0.1:8080 or [::1]:0 (0 = any port)\n"
    "  --threads N            worker threads, 1..256\n"
    "  --gil-policy P         cpython | fifo | io-priority | legacy\n"
    "  --switch-interval S    GIL switch interval in seconds, in (0, 1]\n"
    "  --check                validate the configuration and the handlers, then exit 0 or 2\n"
    "  --version              print the version and exit\n"
    "  --help                 print this help and exit\n"
    "Flags override the configuration file; --flag=value works too.\n";

/* Returns 0, or 2 after printing why the command line is wrong. */
static int cli_parse(int argc, char **argv, cli_opts *o) {
  static const struct {
    const char *name;
    size_t offset; /* of the `const char *` in cli_opts, or of the int flag */
    int takes_value;
  } opts[] = {
      {"config", offsetof(cli_opts, config), 1},
      {"listen", offsetof(cli_opts, listen), 1},
      {"threads", offsetof(cli_opts, threads), 1},
      {"gil-policy", offsetof(cli_opts, gil_policy), 1},
      {"switch-interval", offsetof(cli_opts, switch_interval), 1},
      {"check", offsetof(cli_opts, check), 0},
      {"version", offsetof(cli_opts, version), 0},
      {"help", offsetof(cli_opts, help), 0},
  };
  memset(o, 0, sizeof *o);
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0) {
      o->help = 1;
      continue;
    }
    if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
      fprintf(stderr, "gild: unexpected argument '%s'; see gild --help\n", arg);
      return 2;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    size_t k, n = sizeof opts / sizeof opts[0];
    for (k = 0; k < n; k++)
      if (strlen(opts[k].name) == nlen && strncmp(opts[k].name, name, nlen) == 0) break;
    if (k == n) {
      fprintf(stderr, "gild: unknown option '--%.*s'; see gild --help\n", (int)nlen, name);
      return 2;
    }
    char *slot = (char *)o + opts[k].offset;
    if (!opts[k].takes_value) {
      if (eq) {
        fprintf(stderr, "gild: --%s takes no value\n", opts[k].name);
        return 2;
      }
      *(int *)slot = 1;
      continue;
    }
    const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!value) {
      fprintf(stderr, "gild: --%s needs a value; see gild --help\n", opts[k].name);
      return 2;
    }
    *(const char **)slot = value;
  }
  return 0;
}

/* The flags override whatever the file said. */
static int cli_apply(gild_config *c, const cli_opts *o, char *err, size_t errlen) {
  if (o->listen && gild_config_set_listen(c, o->listen, err, errlen) < 0) return -1;
  if (o->threads && gild_config_set_threads(c, o->threads, err, errlen) < 0) return -1;
  if (o->gil_policy && gild_config_set_gil_policy(c, o->gil_policy, err, errlen) < 0) return -1;
  if (o->switch_interval &&
      gild_config_set_switch_interval(c, o->switch_interval, err, errlen) < 0)
    return -1;
  return 0;
}

/* --check: the table builds, and with a runtime every handler loads and
 * every route's handler name resolves. Returns the exit status. */
static int cli_check(const gild_config *c, gild_handler_ops *ops) {
  char err[4096];
  const char *file = c->path ? c->path : "(built-in defaults)";
  gild_router *router;
  if (gild_router_build(&router, c->routes, c->n_routes, err, sizeof err) < 0) {
    fprintf(stderr, "%s:%s\n", file, err);
    return 2;
  }
  gild_router_free(router);
  if (ops) {
    err[0] = '\0';
    if (gild_runtime_load(c, ops, err, sizeof err) < 0) {
      fprintf(stderr, "gild: %s\n", err);
      return 2;
    }
    int status = 0;
    for (size_t i = 0; i < c->n_routes && status == 0; i++) {
      const gild_route_conf *r = &c->routes[i];
      void *handle = NULL;
      err[0] = '\0';
      if (ops->resolve && ops->resolve(ops->ctx, r->handler, &handle, err, sizeof err) < 0) {
        fprintf(stderr, "%s:%d:%d: route '%s %s': handler '%s': %s\n", file, r->line, r->column,
                r->method, r->pattern, r->handler, err[0] ? err : "does not resolve");
        status = 2;
      }
    }
    if (ops->unload) ops->unload(ops->ctx);
    if (status) return status;
  }
  printf("gild: configuration %s is ok\n", file);
  fflush(stdout);
  return 0;
}

/* A runtime for a binary built without one and a configuration without
 * routes: it loads nothing, resolves nothing, and never gets a request,
 * because only /healthz and the 404s are left to answer. */
static int cli_none_load(void *ctx, const char *dir, char *err, size_t errlen) {
  (void)ctx, (void)dir, (void)err, (void)errlen;
  return 0;
}
static int cli_none_resolve(void *ctx, const char *name, void **handle, char *err, size_t errlen) {
  (void)ctx, (void)handle;
  snprintf(err, errlen, "no handler runtime to resolve '%s'", name);
  return GILD_ENOENT;
}
static int cli_none_thread_start(void *ctx, int worker_index, void **tstate) {
  (void)ctx, (void)worker_index;
  *tstate = NULL;
  return 0;
}
static void cli_none_thread_stop(void *ctx, void *tstate) { (void)ctx, (void)tstate; }
static void cli_none_handle(void *ctx, void *tstate, const gild_request *req,
                            gild_response *resp) {
  (void)ctx, (void)tstate, (void)req;
  gild_response_set_status(resp, 404);
}
static void cli_none_unload(void *ctx) { (void)ctx; }

static int cli_serve(const gild_config *c, gild_handler_ops *ops) {
  char err[1024] = "";
  gild_log *log;
  gild_server *srv;
  gild_handler_ops none = {.name = "none",
                           .load = cli_none_load,
                           .resolve = cli_none_resolve,
                           .thread_start = cli_none_thread_start,
                           .thread_stop = cli_none_thread_stop,
                           .handle = cli_none_handle,
                           .unload = cli_none_unload};
  if (!ops) {
    if (c->n_routes > 0) {
      fprintf(stderr, "gild: no handler runtime is built into this binary\n");
      return 2;
    }
    ops = &none;
  }
  if (gild_log_open(&log, c, err, sizeof err) < 0) {
    fprintf(stderr, "gild: %s\n", err);
    return 2;
  }
  int rv = gild_server_create(&srv, c, ops, log, err, sizeof err);
  if (rv < 0) {
    fprintf(stderr, "gild: %s\n", err[0] ? err : "cannot start the server");
    gild_log_close(log);
    /* A handler that does not load or resolve is a configuration error. */
    return rv == GILD_EINVAL || rv == GILD_ENOENT ? 2 : 1;
  }
  int v6 = strchr(c->listen_host, ':') != NULL;
  printf("gild listening on http://%s%s%s:%d/\n", v6 ? "[" : "", c->listen_host, v6 ? "]" : "",
         gild_server_port(srv));
  fflush(stdout);
  rv = gild_server_run(srv);
  gild_server_free(srv);
  gild_log_close(log);
  return rv;
}

int gild_main(int argc, char **argv, gild_handler_ops *ops) {
  cli_opts o;
  gild_config cfg;
  char err[1024] = "";
  int rv = cli_parse(argc, argv, &o);
  if (rv) return rv;
  if (o.help) {
    fputs(cli_usage, stdout);
    return 0;
  }
  if (o.version) {
    printf("gild %s\n", GILD_VERSION);
    return 0;
  }

  gild_config_defaults(&cfg);
  const char *file = o.config;
  /* Without --config the default file is optional: a bare `gild` in an
   * empty directory runs on the built-in defaults. */
  if (!file && access(CLI_DEFAULT_CONFIG, F_OK) == 0) file = CLI_DEFAULT_CONFIG;
  if (file && gild_config_load_file(&cfg, file, err, sizeof err) < 0) {
    fprintf(stderr, "%s\n", err);
    gild_config_free(&cfg);
    return 2;
  }
  if (cli_apply(&cfg, &o, err, sizeof err) < 0) {
    fprintf(stderr, "gild: %s\n", err);
    gild_config_free(&cfg);
    return 2;
  }
  rv = o.check ? cli_check(&cfg, ops) : cli_serve(&cfg, ops);
  gild_config_free(&cfg);
  return rv;
}
