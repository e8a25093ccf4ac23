/*
 * conn.h - one client connection: reading, http-parser glue, limits and
 * timeouts, the ordered response slots for pipelining, writing, keep-alive
 * and (lingering) close.
 *
 * Each request is parsed into a request object that owns copies of
 * everything it needs (URL, headers, body, parameters, remote address), so
 * it can run on a worker while the connection reads on, and can outlive the
 * connection: a request whose connection closed is an orphan whose response
 * is dropped when it comes back.
 *
 * Requests take a slot in arrival order; responses are written strictly in
 * slot order, whether they come from a worker or from the loop itself
 * (errors, /healthz, 503 on a full queue).
 */
#ifndef GILD_CONN_H
#define GILD_CONN_H

#include "pool.h"
#include "server_state.h"

/* Most requests one connection may have between parsed and written; past
 * it, reading stops until responses went out. */
#define GILD_CONN_MAX_PIPELINE 64

/* The listener's connection callback: accepts one connection. Past
 * max_connections the connection is answered 503 and closed at once. */
void gild_conn_accept(gild_server *s);

/* Graceful shutdown: closes the connection if it is idle, otherwise lets it
 * finish what it has and close ("Connection: close" on the last answer). */
void gild_conn_drain(gild_conn *c);

/* Closes the connection now, dropping unwritten responses. */
void gild_conn_close(gild_conn *c);

/* The pool's done callback (arg = the server). */
void gild_conn_task_done(gild_pool_task *t, void *arg);

/* Next connection in the server's list (for the drain). */
gild_conn *gild_conn_next(const gild_conn *c);

#endif
