/*
 * netio.h - the blocking network calls of the socket and http modules
 * (mod_socket.c, mod_http.c), written to run WITHOUT the GIL.
 *
 * Nothing here knows about the VM: no Value, no Obj, no exception. Inputs
 * are C data the caller copied out (or borrows from immutable objects it
 * holds); results are C data and a status the caller turns into Python
 * objects or exceptions once it has taken the GIL back:
 *   0               success
 *   > 0             an errno (ECONNREFUSED, ECONNRESET, ...)
 *   NETIO_TIMEDOUT  the deadline passed ("timed out")
 *   NETIO_GAI       name resolution failed; the getaddrinfo code is in
 *                   *gai_err
 *
 * Every socket is non-blocking; waiting is poll(2) against a deadline in
 * milliseconds of CLOCK_MONOTONIC (NETIO_FOREVER: no deadline), so a
 * timeout never needs a signal or a second thread.
 */
#ifndef GILD_NETIO_H
#define GILD_NETIO_H

#include <stddef.h>
#include <stdint.h>
#include <netdb.h>
#include <sys/socket.h>

enum { NETIO_TIMEDOUT = -1, NETIO_GAI = -2 };
#define NETIO_FOREVER INT64_MAX

/* The deadline `timeout_s` seconds from now; a negative timeout is
 * NETIO_FOREVER. */
int64_t netio_deadline(double timeout_s);

/* Waits until fd is ready for `events` (POLLIN/POLLOUT) or the deadline. */
int netio_wait(int fd, short events, int64_t deadline);

/* A non-blocking, close-on-exec socket; 0 or errno. */
int netio_socket(int family, int type, int proto, int *fd);

/* Resolves host (an IP literal, or "localhost") and port to the addresses
 * to try, in order; free with freeaddrinfo. 0 or NETIO_GAI. */
int netio_resolve(const char *host, int port, int socktype, struct addrinfo **out,
                  int *gai_err);

/* Connects an existing non-blocking socket. */
int netio_connect_fd(int fd, const struct sockaddr *addr, socklen_t len, int64_t deadline);

/* socket.create_connection: each resolved address in turn until one
 * connects; the error of the last attempt otherwise. */
int netio_connect_host(const char *host, int port, int64_t deadline, int *fd, int *gai_err);

/* One send / one recv of at most n bytes (recv: 0 bytes at end of stream). */
int netio_send(int fd, const void *data, size_t n, int64_t deadline, size_t *sent);
int netio_recv(int fd, void *buf, size_t n, int64_t deadline, size_t *got);
/* Sends all n bytes; *sent says how many went before an error. */
int netio_send_all(int fd, const void *data, size_t n, int64_t deadline, size_t *sent);

/* Accepts one connection: a non-blocking, close-on-exec fd and its peer. */
int netio_accept(int fd, int64_t deadline, int *conn, struct sockaddr_storage *peer,
                 socklen_t *peerlen);

#endif
