/*
 * mod_socket.c - the socket module: a subset of CPython's, with the same
 * names and behaviour. TCP over IPv4/IPv6: socket.create_connection,
 * socket objects (connect, send, sendall, recv, close, settimeout,
 * gettimeout, fileno, context manager) and the server side tests need
 * (socket.socket, bind, listen, accept, setsockopt, getsockname).
 *
 * Every call that may block runs with the GIL released; the calls
 * themselves are in netio.c, which knows nothing of the VM. A method copies
 * what the call needs (fd, timeout, host as a C string, the data pointer of
 * a bytes object it holds a reference to) into locals, releases the GIL,
 * calls netio, takes the GIL back and only then builds results or raises.
 *
 * As in CPython, a timeout (settimeout, create_connection's timeout) makes
 * every blocking call give up with TimeoutError("timed out"); timeout None
 * blocks forever; 0.0 makes the socket non-blocking (BlockingIOError). The
 * fd is always O_NONBLOCK underneath and the waiting is poll(2).
 *
 * Another thread may close() a socket this one is blocked on. The object
 * counts its calls in flight (`busy`, changed only under the GIL); close()
 * with calls in flight shuts the socket down, which wakes them, and leaves
 * the close(2) to the last one, so the fd number is never reused under a
 * running call.
 *
 * Known differences: host names other than "localhost" are refused (only
 * IP literals are resolved, so no DNS lookup blocks); no UDP, no makefile.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "modules.h"
#include "netio.h"
#include "vm_gil.h"

typedef struct SocketObj {
  Obj ob;
  int fd;         /* -1 once really closed */
  int family, type, proto;
  double timeout; /* seconds; negative: None (blocking) */
  int busy;       /* calls running on fd without the GIL */
  bool closed;    /* close() was called */
} SocketObj;

extern Type SocketType;
static Type GaiErrorType;

/* ---- errors ------------------------------------------------------------------------------- */

/* OSError(errno, strerror): the constructor picks the subclass
 * (ConnectionRefusedError, BrokenPipeError, ...) and str() prints
 * "[Errno 111] Connection refused", as in CPython. */
static int raise_errno_type(TState *ts, Type *type, int err, const char *msg) {
  Obj *s = str_from_cstr(ts, msg);
  if (!s) return -1;
  Value args[2] = {v_int(err), v_obj(s)}, exc;
  int rc = type->construct(ts, type, args, 2, NULL, &exc);
  obj_decref(s);
  if (rc < 0) return -1;
  vm_raise_value(ts, exc);
  v_decref(exc);
  return -1;
}

int socket_raise_error(TState *ts, int rc, int gai_err, double timeout) {
  if (rc == NETIO_TIMEDOUT) {
    if (timeout == 0) return raise_errno_type(ts, &OSError_Type, EAGAIN, strerror(EAGAIN));
    return vm_raise(ts, &TimeoutError_Type, "timed out");
  }
  if (rc == NETIO_GAI) {
    Type *t = GaiErrorType.name ? &GaiErrorType : &OSError_Type;
    return raise_errno_type(ts, t, gai_err, gai_strerror(gai_err));
  }
  return raise_errno_type(ts, &OSError_Type, rc, strerror(rc));
}

static int raise_net(TState *ts, SocketObj *s, int rc, int gai_err) {
  return socket_raise_error(ts, rc, gai_err, s->timeout);
}

static int check_open(TState *ts, SocketObj *s) {
  if (!s->closed) return 0;
  return raise_errno_type(ts, &OSError_Type, EBADF, strerror(EBADF));
}

/* ---- calls without the GIL ---------------------------------------------------------------- */

static int sock_enter(TState *ts, SocketObj *s) {
  s->busy++;
  vm_blocking_begin(ts);
  return s->fd;
}

static void sock_leave(TState *ts, SocketObj *s) {
  vm_blocking_end(ts);
  /* close() came while we were blocked: the last call closes the fd. */
  if (--s->busy == 0 && s->closed && s->fd >= 0) {
    int fd = s->fd;
    s->fd = -1;
    vm_blocking_begin(ts);
    close(fd);
    vm_blocking_end(ts);
  }
}

static int64_t sock_deadline(SocketObj *s) { return netio_deadline(s->timeout); }

/* ---- addresses ---------------------------------------------------------------------------- */

/* (host, port) -> a C string and port, checked as CPython does. */
static int parse_address(TState *ts, const char *fname, Value addr, char *host, size_t hostcap,
                         int *port) {
  if (!v_is_type(addr, &TupleType) || as_tuple(addr)->len != 2)
    return vm_raise(ts, &TypeError_Type, "%s(): AF_INET address must be tuple, not %s", fname,
                    v_type(addr)->name);
  Value h = as_tuple(addr)->items[0], p = as_tuple(addr)->items[1];
  if (!v_is_type(h, &StrType))
    return vm_raise(ts, &TypeError_Type, "str, bytes or bytearray expected, not %s",
                    v_type(h)->name);
  if (!v_is_int(p))
    return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                    v_type(p)->name);
  if (p.as.i < 0 || p.as.i > 65535)
    return vm_raise(ts, &OverflowError_Type, "%s(): port must be 0-65535.", fname);
  if (as_str(h)->size >= hostcap) return vm_raise(ts, &ValueError_Type, "host name too long");
  memcpy(host, as_str(h)->data, as_str(h)->size + 1);
  *port = (int)p.as.i;
  return 0;
}

/* A sockaddr -> (host, port) or, for IPv6, (host, port, flowinfo, scope_id). */
static int address_tuple(TState *ts, const struct sockaddr_storage *sa, Value *out) {
  char host[INET6_ADDRSTRLEN] = "";
  Obj *h, *t;
  if (sa->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    if (!(h = str_from_cstr(ts, host))) return -1;
    t = tuple_pack(ts, 4, v_obj(h), v_int(ntohs(a->sin6_port)), v_int(ntohl(a->sin6_flowinfo)),
                   v_int(a->sin6_scope_id));
  } else {
    const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    if (!(h = str_from_cstr(ts, host))) return -1;
    t = tuple_pack(ts, 2, v_obj(h), v_int(ntohs(a->sin_port)));
  }
  obj_decref(h);
  if (!t) return -1;
  *out = v_obj(t);
  return 0;
}

/* ---- construction ------------------------------------------------------------------------- */

static SocketObj *socket_wrap(TState *ts, int fd, int family, int type, int proto,
                              double timeout) {
  SocketObj *s = (SocketObj *)vm_alloc(ts, &SocketType, sizeof *s);
  if (!s) {
    close(fd);
    return NULL;
  }
  s->fd = fd;
  s->family = family;
  s->type = type;
  s->proto = proto;
  s->timeout = timeout;
  s->busy = 0;
  s->closed = false;
  return s;
}

/* None -> -1 (blocking); a number >= 0 -> seconds. */
static int timeout_arg(TState *ts, Value v, double *out) {
  if (v_is_undef(v) || v_is_none(v)) {
    *out = -1;
    return 0;
  }
  if (module_real_arg(ts, v, out) < 0) return -1;
  if (*out < 0) return vm_raise(ts, &ValueError_Type, "Timeout value out of range");
  return 0;
}

static int int_arg(TState *ts, Value v, int dflt, int *out) {
  if (v_is_undef(v)) *out = dflt;
  else if (v_is_int(v) || v_is_bool(v)) *out = (int)v.as.i;
  else
    return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                    v_type(v)->name);
  return 0;
}

/* socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0): socket(2)
 * does not block. */
static int socket_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  (void)type;
  static const char *const names[] = {"family", "type", "proto", "fileno"};
  Value a[4];
  int family = 0, stype = 0, proto = 0, fd = -1;
  if (vm_parse_args(ts, "socket", args, nargs, kwargs, names, 4, 4, 0, a) < 0 ||
      int_arg(ts, a[0], AF_INET, &family) < 0 || int_arg(ts, a[1], SOCK_STREAM, &stype) < 0 ||
      int_arg(ts, a[2], 0, &proto) < 0)
    return -1;
  if (!v_is_undef(a[3]) && !v_is_none(a[3]))
    return vm_raise(ts, &ValueError_Type, "socket(fileno=...) is not supported");
  int rc = netio_socket(family, stype, proto, &fd);
  if (rc) return socket_raise_error(ts, rc, 0, -1);
  SocketObj *s = socket_wrap(ts, fd, family, stype, proto, -1);
  if (!s) return -1;
  *out = v_obj(&s->ob);
  return 0;
}

/* socket.create_connection(address, timeout=None, source_address=None). */
static int socket_create_connection(TState *ts, Value self, const Value *args, int nargs,
                                    Obj *kwargs, Value *out) {
  (void)self;
  static const char *const names[] = {"address", "timeout", "source_address"};
  Value a[3];
  char host[256];
  int port, fd = -1, gai = 0;
  double timeout;
  if (vm_parse_args(ts, "create_connection", args, nargs, kwargs, names, 3, 3, 1, a) < 0 ||
      parse_address(ts, "create_connection", a[0], host, sizeof host, &port) < 0 ||
      timeout_arg(ts, a[1], &timeout) < 0)
    return -1;
  if (!v_is_undef(a[2]) && !v_is_none(a[2]))
    return vm_raise(ts, &ValueError_Type, "create_connection(source_address=...) is not supported");
  /* Resolution and connect with the GIL released: host is our copy. */
  vm_blocking_begin(ts);
  int rc = netio_connect_host(host, port, netio_deadline(timeout), &fd, &gai);
  vm_blocking_end(ts);
  if (rc) return socket_raise_error(ts, rc, gai, timeout);
  struct sockaddr_storage sa;
  socklen_t len = sizeof sa;
  int family = getsockname(fd, (struct sockaddr *)&sa, &len) == 0 ? sa.ss_family : AF_INET;
  SocketObj *s = socket_wrap(ts, fd, family, SOCK_STREAM, IPPROTO_TCP, timeout);
  if (!s) return -1;
  *out = v_obj(&s->ob);
  return 0;
}

/* ---- methods ------------------------------------------------------------------------------ */

#define SOCK(self) ((SocketObj *)(self).as.o)

static int sock_connect(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  SocketObj *s = SOCK(self);
  static const char *const names[] = {"/address"};
  Value a[1];
  char host[256];
  int port, gai = 0;
  if (vm_parse_args(ts, "connect", args, nargs, kwargs, names, 1, 1, 1, a) < 0 ||
      check_open(ts, s) < 0 || parse_address(ts, "connect", a[0], host, sizeof host, &port) < 0)
    return -1;
  int64_t deadline = sock_deadline(s);
  int family = s->family;
  int fd = sock_enter(ts, s);
  struct addrinfo *ai = NULL;
  int rc = netio_resolve(host, port, SOCK_STREAM, &ai, &gai);
  if (rc == 0) {
    rc = EAFNOSUPPORT;
    for (struct addrinfo *p = ai; p && rc; p = p->ai_next)
      if (p->ai_family == family) rc = netio_connect_fd(fd, p->ai_addr, p->ai_addrlen, deadline);
    freeaddrinfo(ai);
  }
  sock_leave(ts, s);
  if (rc) return raise_net(ts, s, rc, gai);
  *out = v_none();
  return 0;
}

/* bind() does not block: the address is numeric ("" is any address). */
static int sock_bind(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  SocketObj *s = SOCK(self);
  static const char *const names[] = {"/address"};
  Value a[1];
  char host[256];
  int port;
  if (vm_parse_args(ts, "bind", args, nargs, kwargs, names, 1, 1, 1, a) < 0 ||
      check_open(ts, s) < 0 || parse_address(ts, "bind", a[0], host, sizeof host, &port) < 0)
    return -1;
  struct sockaddr_storage sa;
  memset(&sa, 0, sizeof sa);
  socklen_t len;
  int ok;
  if (s->family == AF_INET6) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&sa;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    ok = !*host || inet_pton(AF_INET6, host, &a6->sin6_addr) == 1;
    len = sizeof *a6;
  } else {
    struct sockaddr_in *a4 = (struct sockaddr_in *)&sa;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
    ok = !*host || inet_pton(AF_INET, host, &a4->sin_addr) == 1;
    len = sizeof *a4;
  }
  if (!ok) return socket_raise_error(ts, NETIO_GAI, EAI_NONAME, -1);
  if (bind(s->fd, (struct sockaddr *)&sa, len) != 0) return raise_net(ts, s, errno, 0);
  *out = v_none();
  return 0;
}

static int sock_listen(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  SocketObj *s = SOCK(self);
  static const char *const names[] = {"/backlog"};
  Value a[1];
  int backlog = 0;
  if (vm_parse_args(ts, "listen", args, nargs, kwargs, names, 1, 1, 0, a) < 0 ||
      check_open(ts, s) < 0 || int_arg(ts, a[0], 128, &backlog) < 0)
    return -1;
  if (listen(s->fd, backlog < 0 ? 0 : backlog) != 0) return raise_net(ts, s, errno, 0);
  *out = v_none();
  return 0;
}

static int sock_accept(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  SocketObj *s = SOCK(self);
  if (vm_parse_args(ts, "accept", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0 ||
      check_open(ts, s) < 0)
    return -1;
  struct sockaddr_storage peer;
  socklen_t len;
  int conn = -1;
  int64_t deadline = sock_deadline(s);
  int fd = sock_enter(ts, s);
  int rc = netio_accept(fd, deadline, &conn, &peer, &len);
  sock_leave(ts, s);
  if (rc) return raise_net(ts, s, rc, 0);
  /* As in CPython, the new socket blocks (timeout None) whatever ours is. */
  SocketObj *c = socket_wrap(ts, conn, s->family, s->type, s->proto, -1);
  if (!c) return -1;
  Value addr;
  if (address_tuple(ts, &peer, &addr) < 0) {
    obj_decref(&c->ob);
    return -1;
  }
  Obj *t = tuple_pack(ts, 2, v_obj(&c->ob), addr);
  obj_decref(&c->ob);
  v_decref(addr);
  if (!t) return -1;
  *out = v_obj(t);
  return 0;
}

static int data_arg(TState *ts, Value v) {
  if (v_is_type(v, &BytesType)) return 0;
  return vm_raise(ts, &TypeError_Type, "a bytes-like object is required, not '%s'",
                  v_type(v)->name);
}

/* send and sendall: the bytes object is immutable and we hold a reference
 * to it for the call, so its data pointer is used without the GIL. */
static int send_common(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       bool all, Value *out) {
  SocketObj *s = SOCK(self);
  static const char *const names[] = {"/data", "/flags"};
  Value a[2];
  if (vm_parse_args(ts, all ? "sendall" : "send", args, nargs, kwargs, names, 2, 2, 1, a) < 0 ||
      data_arg(ts, a[0]) < 0 || check_open(ts, s) < 0)
    return -1;
  BytesObj *b = (BytesObj *)a[0].as.o;
  obj_incref(&b->ob);
  size_t sent = 0;
  int64_t deadline = sock_deadline(s);
  int fd = sock_enter(ts, s);
  int rc = all ? netio_send_all(fd, b->data, b->size, deadline, &sent)
               : netio_send(fd, b->data, b->size, deadline, &sent);
  sock_leave(ts, s);
  obj_decref(&b->ob);
  if (rc) return raise_net(ts, s, rc, 0);
  *out = all ? v_none() : v_int((int64_t)sent);
  return 0;
}

static int sock_send(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  return send_common(ts, self, args, nargs, kwargs, false, out);
}

static int sock_sendall(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  return send_common(ts, self, args, nargs, kwargs, true, out);
}

/* recv(bufsize): into a malloc'd buffer without the GIL, then bytes. */
static int sock_recv(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  SocketObj *s = SOCK(self);
  static const char *const names[] = {"/bufsize", "/flags"};
  Value a[2];
  int n = 0;
  if (vm_parse_args(ts, "recv", args, nargs, kwargs, names, 2, 2, 1, a) < 0 ||
      int_arg(ts, a[0], 0, &n) < 0)
    return -1;
  if (n < 0) return vm_raise(ts, &ValueError_Type, "negative buffersize in recv");
  if (check_open(ts, s) < 0) return -1;
  char *buf = malloc(n ? (size_t)n : 1);
  if (!buf) return vm_raise_nomem(ts);
  size_t got = 0;
  int64_t deadline = sock_deadline(s);
  int fd = sock_enter(ts, s);
  int rc = n ? netio_recv(fd, buf, (size_t)n, deadline, &got) : 0;
  sock_leave(ts, s);
  Obj *b = rc ? NULL : bytes_new(ts, buf, got);
  free(buf);
  if (rc) return raise_net(ts, s, rc, 0);
  if (!b) return -1;
  *out = v_obj(b);
  return 0;
}

/* close(): with calls in flight on other threads, shutdown(2) wakes them
 * and the last one closes the fd (sock_leave); otherwise close(2) here,
 * without the GIL (it may linger to flush). */
static int socket_close(TState *ts, SocketObj *s) {
  if (s->closed) return 0;
  s->closed = true;
  if (s->fd < 0) return 0;
  if (s->busy) {
    shutdown(s->fd, SHUT_RDWR);
    return 0;
  }
  int fd = s->fd;
  s->fd = -1;
  vm_blocking_begin(ts);
  int err = close(fd) == 0 || errno == EINTR ? 0 : errno;
  vm_blocking_end(ts);
  return err ? raise_net(ts, s, err, 0) : 0;
}

static int sock_close(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  if (vm_parse_args(ts, "close", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0 ||
      socket_close(ts, SOCK(self)) < 0)
    return -1;
  *out = v_none();
  return 0;
}

static int sock_shutdown(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  SocketObj *s = SOCK(self);
  static const char *const names[] = {"/how"};
  Value a[1];
  int how = 0;
  if (vm_parse_args(ts, "shutdown", args, nargs, kwargs, names, 1, 1, 1, a) < 0 ||
      int_arg(ts, a[0], SHUT_RDWR, &how) < 0 || check_open(ts, s) < 0)
    return -1;
  if (shutdown(s->fd, how) != 0) return raise_net(ts, s, errno, 0);
  *out = v_none();
  return 0;
}

static int sock_settimeout(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  static const char *const names[] = {"/value"};
  Value a[1];
  double t;
  if (vm_parse_args(ts, "settimeout", args, nargs, kwargs, names, 1, 1, 1, a) < 0 ||
      timeout_arg(ts, a[0], &t) < 0)
    return -1;
  SOCK(self)->timeout = t;
  *out = v_none();
  return 0;
}

static int sock_gettimeout(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  if (vm_parse_args(ts, "gettimeout", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  double t = SOCK(self)->timeout;
  *out = t < 0 ? v_none() : v_float(t);
  return 0;
}

static int sock_setblocking(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  static const char *const names[] = {"/flag"};
  Value a[1];
  if (vm_parse_args(ts, "setblocking", args, nargs, kwargs, names, 1, 1, 1, a) < 0) return -1;
  int on = vm_truthy(ts, a[0]);
  if (on < 0) return -1;
  SOCK(self)->timeout = on ? -1 : 0;
  *out = v_none();
  return 0;
}

static int sock_fileno(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  if (vm_parse_args(ts, "fileno", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  *out = v_int(SOCK(self)->closed ? -1 : SOCK(self)->fd);
  return 0;
}

static int sock_setsockopt(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                           Value *out) {
  SocketObj *s = SOCK(self);
  static const char *const names[] = {"/level", "/optname", "/value"};
  Value a[3];
  int level = 0, opt = 0, val = 0;
  if (vm_parse_args(ts, "setsockopt", args, nargs, kwargs, names, 3, 3, 3, a) < 0 ||
      int_arg(ts, a[0], 0, &level) < 0 || int_arg(ts, a[1], 0, &opt) < 0 ||
      int_arg(ts, a[2], 0, &val) < 0 || check_open(ts, s) < 0)
    return -1;
  if (setsockopt(s->fd, level, opt, &val, sizeof val) != 0) return raise_net(ts, s, errno, 0);
  *out = v_none();
  return 0;
}

static int sock_name(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     const char *fname, bool peer, Value *out) {
  SocketObj *s = SOCK(self);
  if (vm_parse_args(ts, fname, args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0 ||
      check_open(ts, s) < 0)
    return -1;
  struct sockaddr_storage sa;
  socklen_t len = sizeof sa;
  int rc = peer ? getpeername(s->fd, (struct sockaddr *)&sa, &len)
                : getsockname(s->fd, (struct sockaddr *)&sa, &len);
  if (rc != 0) return raise_net(ts, s, errno, 0);
  return address_tuple(ts, &sa, out);
}

static int sock_getsockname(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  return sock_name(ts, self, args, nargs, kwargs, "getsockname", false, out);
}

static int sock_getpeername(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  return sock_name(ts, self, args, nargs, kwargs, "getpeername", true, out);
}

static int sock_enter_ctx(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)ts;
  (void)args;
  (void)nargs;
  (void)kwargs;
  *out = v_incref(self);
  return 0;
}

static int sock_exit_ctx(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)args;
  (void)nargs;
  (void)kwargs;
  if (socket_close(ts, SOCK(self)) < 0) return -1;
  *out = v_none();
  return 0;
}

static const MethodDef socket_methods[] = {
    {"connect", sock_connect},
    {"bind", sock_bind},
    {"listen", sock_listen},
    {"accept", sock_accept},
    {"send", sock_send},
    {"sendall", sock_sendall},
    {"recv", sock_recv},
    {"close", sock_close},
    {"shutdown", sock_shutdown},
    {"settimeout", sock_settimeout},
    {"gettimeout", sock_gettimeout},
    {"setblocking", sock_setblocking},
    {"fileno", sock_fileno},
    {"setsockopt", sock_setsockopt},
    {"getsockname", sock_getsockname},
    {"getpeername", sock_getpeername},
    {"__enter__", sock_enter_ctx},
    {"__exit__", sock_exit_ctx},
    {NULL, NULL},
};

/* ---- the type ---------------------------------------------------------------------------------- */

/* Runs with the GIL held and no thread state to raise on: close(2) here
 * may block (linger); close() or `with` avoid that. */
static void socket_dealloc(Obj *self) {
  SocketObj *s = (SocketObj *)self;
  if (s->fd >= 0) close(s->fd);
  vm_free_obj(self);
}

static int socket_repr(TState *ts, Value self, Value *out) {
  SocketObj *s = SOCK(self);
  Obj *r = str_fmt(ts, "<socket.socket fd=%d, family=%d, type=%d, proto=%d>",
                   s->closed ? -1 : s->fd, s->family, s->type, s->proto);
  if (!r) return -1;
  *out = v_obj(r);
  return 0;
}

/* Attributes, then the methods bound to self (as file.c does: no shared
 * method table to build lazily). */
static int socket_getattr(TState *ts, Value self, Obj *name, Value *out) {
  SocketObj *s = SOCK(self);
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "family") == 0 || strcmp(n, "type") == 0 || strcmp(n, "proto") == 0) {
    *out = v_int(n[0] == 'f' ? s->family : n[0] == 't' ? s->type : s->proto);
    return 0;
  }
  if (strcmp(n, "timeout") == 0) return sock_gettimeout(ts, self, NULL, 0, NULL, out);
  for (const MethodDef *d = socket_methods; d->name; d++) {
    if (strcmp(d->name, n) == 0) {
      Obj *m = builtin_new(ts, d, self, NULL);
      if (!m) return -1;
      *out = v_obj(m);
      return 0;
    }
  }
  return vm_raise(ts, &AttributeError_Type, "'socket' object has no attribute '%s'", n);
}

Type SocketType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "socket",
    .dealloc = socket_dealloc,
    .construct = socket_construct,
    .repr = socket_repr,
    .getattr = socket_getattr,
    .methods = socket_methods,
};

/* ---- the module ------------------------------------------------------------------------------- */

static const MethodDef socket_functions[] = {
    {"create_connection", socket_create_connection},
    {NULL, NULL},
};

/* socket.gaierror: an OSError subclass of its own, made once from
 * OSError's slots (its instances are ordinary OSError objects). */
static void gaierror_init(void) {
  if (GaiErrorType.name) return;
  GaiErrorType = OSError_Type;
  GaiErrorType.name = "gaierror";
  GaiErrorType.base = &OSError_Type;
  GaiErrorType.method_dict = NULL;
}

static int socket_init(TState *ts, Obj *m) {
  gaierror_init();
  if (module_add_functions(ts, m, socket_functions) < 0) return -1;
  static const struct {
    const char *name;
    int value;
  } consts[] = {
      {"AF_INET", AF_INET},         {"AF_INET6", AF_INET6},         {"SOCK_STREAM", SOCK_STREAM},
      {"SOL_SOCKET", SOL_SOCKET},   {"SO_REUSEADDR", SO_REUSEADDR}, {"SO_KEEPALIVE", SO_KEEPALIVE},
      {"IPPROTO_TCP", IPPROTO_TCP}, {"TCP_NODELAY", TCP_NODELAY},   {"SHUT_RD", SHUT_RD},
      {"SHUT_WR", SHUT_WR},         {"SHUT_RDWR", SHUT_RDWR},       {"SOMAXCONN", SOMAXCONN},
  };
  for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
    if (module_add(ts, m, consts[i].name, v_int(consts[i].value)) < 0) return -1;
  /* CPython 3.10+: socket.timeout is TimeoutError; socket.error is OSError. */
  if (module_add(ts, m, "socket", v_obj(&SocketType.ob)) < 0 ||
      module_add(ts, m, "SocketType", v_obj(&SocketType.ob)) < 0 ||
      module_add(ts, m, "timeout", v_obj(&TimeoutError_Type.ob)) < 0 ||
      module_add(ts, m, "error", v_obj(&OSError_Type.ob)) < 0 ||
      module_add(ts, m, "gaierror", v_obj(&GaiErrorType.ob)) < 0)
    return -1;
  return 0;
}

const NativeModuleDef mod_socket_def = {"socket", socket_init};
