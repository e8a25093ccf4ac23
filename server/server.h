/*
 * server.h - the HTTP server: one libuv loop thread that accepts, reads,
 * parses (http-parser) and writes; a pool of worker threads that run the
 * handlers through a gild_handler_ops table.
 */
#ifndef GILD_SERVER_H
#define GILD_SERVER_H

#include "config.h"
#include "handler.h"
#include "log.h"

typedef struct gild_server gild_server;

/* Builds the router, resolves handlers, binds and listens. Prints nothing;
 * errors go into err. */
int gild_server_create(gild_server **out, const gild_config *cfg, gild_handler_ops *ops,
                       gild_log *log, char *err, size_t errlen);
/* The bound port (useful when the config asked for port 0). */
int gild_server_port(const gild_server *s);
/* Runs the loop until SIGTERM/SIGINT and a graceful drain. Returns the exit
 * code (0 after a clean shutdown). */
int gild_server_run(gild_server *s);
void gild_server_free(gild_server *s);

/* Configures and loads the handler runtime (ops->configure, ops->load).
 * Used by gild_server_create and by `gild --check`. */
int gild_runtime_load(const gild_config *cfg, gild_handler_ops *ops, char *err, size_t errlen);

/* The whole program: parses argv (--config, --listen, --threads, --check,
 * --version, --help), loads the config, loads the handler runtime, serves.
 * Returns the process exit status (2 for a bad config or command line). */
int gild_main(int argc, char **argv, gild_handler_ops *ops);

#endif
