/*
 * netio.c - blocking network calls that run without the GIL (netio.h).
 *
 * Every wait is a poll(2) against a monotonic deadline, retried after
 * EINTR with the time that is left, so a signal neither cuts a timeout
 * short nor stretches it.
 */
#include "netio.h"

#include <errno.h>
#include <stdio.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t netio_deadline(double timeout_s) {
  if (timeout_s < 0) return NETIO_FOREVER;
  if (timeout_s > 1e9) return NETIO_FOREVER;
  /* Rounded up: a timeout of 0.0001 s still polls once with 1 ms. */
  return now_ms() + (int64_t)(timeout_s * 1000.0 + 0.999);
}

int netio_wait(int fd, short events, int64_t deadline) {
  for (;;) {
    int ms = -1;
    if (deadline != NETIO_FOREVER) {
      int64_t left = deadline - now_ms();
      ms = left <= 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
    }
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, ms);
    if (n > 0) return 0; /* ready, or an error the next call will report */
    if (n == 0) return NETIO_TIMEDOUT;
    if (errno != EINTR) return errno;
  }
}

int netio_socket(int family, int type, int proto, int *fd) {
  *fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  return *fd < 0 ? errno : 0;
}

int netio_resolve(const char *host, int port, int socktype, struct addrinfo **out,
                  int *gai_err) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  hints.ai_flags = AI_NUMERICSERV;
  /* Only numeric addresses and "localhost" (from /etc/hosts): handlers
   * call loopback services, and a DNS lookup would block for seconds. */
  if (strcmp(host, "localhost") != 0) hints.ai_flags |= AI_NUMERICHOST;
  char service[16];
  snprintf(service, sizeof service, "%d", port);
  int rc = getaddrinfo(host, service, &hints, out);
  if (rc == 0) return 0;
  *gai_err = rc;
  return NETIO_GAI;
}

int netio_connect_fd(int fd, const struct sockaddr *addr, socklen_t len, int64_t deadline) {
  if (connect(fd, addr, len) == 0) return 0;
  if (errno != EINPROGRESS && errno != EINTR) return errno;
  int rc = netio_wait(fd, POLLOUT, deadline);
  if (rc) return rc;
  int err = 0;
  socklen_t elen = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) return errno;
  return err;
}

int netio_connect_host(const char *host, int port, int64_t deadline, int *fd, int *gai_err) {
  struct addrinfo *ai;
  int rc = netio_resolve(host, port, SOCK_STREAM, &ai, gai_err);
  if (rc) return rc;
  rc = ECONNREFUSED;
  for (struct addrinfo *a = ai; a; a = a->ai_next) {
    rc = netio_socket(a->ai_family, a->ai_socktype, a->ai_protocol, fd);
    if (rc) continue;
    rc = netio_connect_fd(*fd, a->ai_addr, a->ai_addrlen, deadline);
    if (rc == 0) break;
    close(*fd);
    *fd = -1;
    if (rc == NETIO_TIMEDOUT) break; /* the deadline is shared: no time left */
  }
  freeaddrinfo(ai);
  return rc;
}

int netio_send(int fd, const void *data, size_t n, int64_t deadline, size_t *sent) {
  *sent = 0;
  for (;;) {
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w >= 0) {
      *sent = (size_t)w;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return errno;
    int rc = netio_wait(fd, POLLOUT, deadline);
    if (rc) return rc;
  }
}

int netio_send_all(int fd, const void *data, size_t n, int64_t deadline, size_t *sent) {
  *sent = 0;
  while (*sent < n) {
    size_t w;
    int rc = netio_send(fd, (const char *)data + *sent, n - *sent, deadline, &w);
    if (rc) return rc;
    *sent += w;
  }
  return 0;
}

int netio_recv(int fd, void *buf, size_t n, int64_t deadline, size_t *got) {
  *got = 0;
  for (;;) {
    ssize_t r = recv(fd, buf, n, 0);
    if (r >= 0) {
      *got = (size_t)r;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return errno;
    int rc = netio_wait(fd, POLLIN, deadline);
    if (rc) return rc;
  }
}

int netio_accept(int fd, int64_t deadline, int *conn, struct sockaddr_storage *peer,
                 socklen_t *peerlen) {
  for (;;) {
    *peerlen = sizeof *peer;
    *conn = accept4(fd, (struct sockaddr *)peer, peerlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (*conn >= 0) return 0;
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return errno;
    int rc = netio_wait(fd, POLLIN, deadline);
    if (rc) return rc;
  }
}
