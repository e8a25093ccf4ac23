/*
 * router.h - maps "METHOD /path/{param}" patterns to handler names.
 *
 * The table is built once at start-up (a trie of path segments: literal
 * children looked up by hash, one `{param}` child per node), so a request
 * costs one walk over its segments, not a compare against every route.
 */
#ifndef GILD_ROUTER_H
#define GILD_ROUTER_H

#include <stddef.h>
#include "config.h"
#include "handler.h"

#define GILD_ROUTE_MAX_PARAMS 16

typedef struct gild_router gild_router;

typedef enum {
  GILD_ROUTE_FOUND = 0,
  GILD_ROUTE_NOT_FOUND = 1,          /* -> 404 */
  GILD_ROUTE_METHOD_NOT_ALLOWED = 2, /* -> 405, `allow` is set */
  GILD_ROUTE_BAD_PATH = 3            /* bad percent-encoding -> 400 */
} gild_route_result;

typedef struct gild_route_match {
  size_t route_index;                    /* index into the config's routes */
  const char *handler_name;              /* "app.user" */
  const char *pattern;                   /* "GET /users/{id}" */
  void *handler;                         /* handle stored with gild_router_set_handle */
  size_t n_params;
  gild_kv params[GILD_ROUTE_MAX_PARAMS]; /* names point into the router, values into `buf` */
  char allow[128];                       /* "GET, HEAD" for 405 */
  char buf[4096];                        /* decoded parameter values */
} gild_route_match;

/* Builds the table. Errors (duplicate route, bad pattern such as "/a/{",
 * more than GILD_ROUTE_MAX_PARAMS parameters) name the route. */
int gild_router_build(gild_router **out, const gild_route_conf *routes, size_t n,
                      char *err, size_t errlen);
void gild_router_set_handle(gild_router *r, size_t route_index, void *handle);
/* `path` is the raw (still percent-encoded) path without the query. A HEAD
 * request matches a GET route. */
gild_route_result gild_router_match(const gild_router *r, const char *method, size_t method_len,
                                    const char *path, size_t path_len, gild_route_match *m);
void gild_router_free(gild_router *r);

#endif
