/*
 * log.c - the error log and the access log.
 *
 * Line formats (UTC, millisecond precision):
 *   access: 2026-11-25T18:30:00.123Z 127.0.0.1:5555 "GET /hello?x=1" 200 13 0.000123 gil_wait=0.41ms gil=1.20ms io=10.05ms
 *           time, remote, "method path-with-query", status, response bytes,
 *           duration in seconds, then, for answers a handler made, the
 *           request's GIL wait, GIL held and I/O (GIL released) time in
 *           milliseconds with 2 decimals (the Server-Timing figures);
 *           answers of the server itself (errors, /healthz, /metrics)
 *           end after the duration.
 *   error:  2026-11-25T18:30:00.123Z [error] message
 *
 * Bytes a client controls (method, path) and messages are escaped so a line
 * stays one line: '"' and '\' get a backslash, control and non-ASCII bytes
 * become \xHH (as nginx does), so the log cannot be forged by a request.
 *
 * Thread safety needs no lock: each line is built in a buffer on the
 * caller's stack and handed to one write(2) on an O_APPEND descriptor, so
 * concurrent lines never interleave.
 *
 * The server's loop thread batches its access lines instead
 * (gild_log_access_batch): a write(2) per response cost it ~15% of its
 * /hello throughput, one per loop pass costs nothing measurable. Whole
 * lines only ever go into a batch, so lines still never interleave.
 */
#include "log.h"
#include "handler.h"
#include "response.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096

/* The loop thread's batch of access lines: flushed when full or when the
 * server's idle handle runs (gild_log_flush), i.e. once per loop pass. */
#define LOG_BATCH_CAP 65536

struct gild_log {
  int access_fd;  /* -1 = off */
  char *batch;    /* LOG_BATCH_CAP bytes once used, one thread only */
  size_t batch_len;
  /* The batch's thread caches "2026-11-25T18:30:00" for the current
   * second: gmtime_r and strftime cost more than the rest of a line. */
  time_t sec_cached;
  char sec_text[32];
  size_t sec_len;
  int error_fd;
  int own_access, own_error; /* opened here, closed here */
  gild_log_level level;
};

static int log_open_path(const char *path, char *err, size_t errlen, const char *what) {
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && err && errlen)
    snprintf(err, errlen, "cannot open the %s log '%s': %s", what, path, strerror(errno));
  return fd;
}

int gild_log_open(gild_log **out, const gild_config *c, char *err, size_t errlen) {
  gild_log *l = calloc(1, sizeof *l);
  *out = NULL;
  if (!l) return GILD_ENOMEM;
  l->level = c->log_level;
  l->access_fd = -1;
  l->error_fd = STDERR_FILENO;

  if (c->access_log && strcmp(c->access_log, "off") != 0) {
    if (strcmp(c->access_log, "-") == 0) {
      l->access_fd = STDOUT_FILENO;
    } else {
      if ((l->access_fd = log_open_path(c->access_log, err, errlen, "access")) < 0) {
        int rv = -errno;
        free(l);
        return rv;
      }
      l->own_access = 1;
    }
  }
  if (c->error_log && strcmp(c->error_log, "-") != 0) {
    if ((l->error_fd = log_open_path(c->error_log, err, errlen, "error")) < 0) {
      int rv = -errno;
      if (l->own_access) close(l->access_fd);
      free(l);
      return rv;
    }
    l->own_error = 1;
  }
  *out = l;
  return 0;
}

void gild_log_close(gild_log *l) {
  if (!l) return;
  gild_log_flush(l);
  free(l->batch);
  if (l->own_access) close(l->access_fd);
  if (l->own_error) close(l->error_fd);
  free(l);
}

/* "2026-11-25T18:30:00.123Z" into buf (at least 25 bytes); returns length. */
static size_t log_time(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  n += (size_t)snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
  return n;
}

/* Appends [s, s+n) escaped; stops (keeping room for the tail) when full. */
static size_t log_escape(char *buf, size_t o, size_t cap, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n && o + 4 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      buf[o++] = '\\';
      buf[o++] = (char)c;
    } else if (c < 0x20 || c >= 0x7f) {
      buf[o++] = '\\';
      buf[o++] = 'x';
      buf[o++] = hex[c >> 4];
      buf[o++] = hex[c & 15];
    } else {
      buf[o++] = (char)c;
    }
  }
  return o;
}

static void log_write(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return; /* nowhere left to report a failing log */
    }
    buf += n;
    len -= (size_t)n;
  }
}

void gild_log_error(gild_log *l, gild_log_level level, const char *fmt, ...) {
  static const char *const names[] = {"debug", "info", "warn", "error"};
  char msg[LOG_LINE_MAX], line[LOG_LINE_MAX];
  /* Without a log (before one is opened) messages go to stderr at info. */
  int fd = l ? l->error_fd : STDERR_FILENO;
  gild_log_level min = l ? l->level : GILD_LOG_INFO;
  if (level < min || level > GILD_LOG_ERROR) return;

  va_list ap;
  va_start(ap, fmt);
  int mlen = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (mlen < 0) return;
  if ((size_t)mlen >= sizeof msg) mlen = (int)sizeof msg - 1;

  size_t o = log_time(line, sizeof line);
  o += (size_t)snprintf(line + o, sizeof line - o, " [%s] ", names[level]);
  /* Messages are ours, not the client's, but may quote client bytes. */
  for (int i = 0; i < mlen && o + 5 < sizeof line; i++) {
    unsigned char c = (unsigned char)msg[i];
    if (c < 0x20 && c != '\t')
      o += (size_t)snprintf(line + o, sizeof line - o, "\\x%02x", c);
    else
      line[o++] = (char)c;
  }
  line[o++] = '\n';
  log_write(fd, line, o);
}

/* log_time through the one-second cache of l (batch thread only). */
static size_t log_time_cached(gild_log *l, char *buf) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (l->sec_len == 0 || ts.tv_sec != l->sec_cached) {
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    l->sec_len = strftime(l->sec_text, sizeof l->sec_text, "%Y-%m-%dT%H:%M:%S", &tm);
    l->sec_cached = ts.tv_sec;
  }
  memcpy(buf, l->sec_text, l->sec_len);
  size_t n = l->sec_len;
  long ms = ts.tv_nsec / 1000000;
  buf[n++] = '.';
  buf[n++] = (char)('0' + ms / 100);
  buf[n++] = (char)('0' + ms / 10 % 10);
  buf[n++] = (char)('0' + ms % 10);
  buf[n++] = 'Z';
  return n;
}

/* Formats one access line (with its '\n') into line; returns its length.
 * `cache` (the batch's log) saves the time formatting, or NULL. */
static size_t log_access_line(char *line, const gild_access_entry *e, const gild_timing *timing,
                              gild_log *cache) {
  size_t o = cache ? log_time_cached(cache, line) : log_time(line, LOG_LINE_MAX);
  line[o++] = ' ';
  /* The tail (status, bytes, duration: ~60 bytes; the GIL figures: at
   * most 3 x 23 + 23 bytes) needs under 180; the escaped path is cut short
   * before that. */
  size_t cap = (size_t)LOG_LINE_MAX - 180;
  const char *remote = e->remote && e->remote[0] ? e->remote : "-";
  o = log_escape(line, o, cap, remote, strlen(remote));
  line[o++] = ' ';
  line[o++] = '"';
  o = log_escape(line, o, cap, e->method ? e->method : "", e->method ? e->method_len : 0);
  line[o++] = ' ';
  o = log_escape(line, o, cap, e->path ? e->path : "", e->path ? e->path_len : 0);
  /* '" STATUS BYTES S.UUUUUU': at most 2 + 11 + 21 + 21 + 7 bytes. */
  double d = e->duration_s < 0 ? 0.0 : e->duration_s > 1e12 ? 1e12 : e->duration_s;
  unsigned long long us = (unsigned long long)(d * 1e6 + 0.5);
  line[o++] = '"';
  line[o++] = ' ';
  if (e->status < 0) {
    line[o++] = '-';
    o += gild_fmt_uint(line + o, (uint64_t)-(int64_t)e->status);
  } else {
    o += gild_fmt_uint(line + o, (uint64_t)e->status);
  }
  line[o++] = ' ';
  o += gild_fmt_uint(line + o, (uint64_t)e->bytes);
  line[o++] = ' ';
  o += gild_fmt_uint(line + o, us / 1000000);
  line[o++] = '.';
  for (unsigned long long div = 100000, f = us % 1000000; div; div /= 10)
    line[o++] = (char)('0' + f / div % 10);
  if (timing) {
    memcpy(line + o, " gil_wait=", 10);
    o += 10;
    o += gild_fmt_ms2(line + o, timing->gil_wait_ns);
    memcpy(line + o, "ms gil=", 7);
    o += 7;
    o += gild_fmt_ms2(line + o, timing->gil_held_ns);
    memcpy(line + o, "ms io=", 6);
    o += 6;
    o += gild_fmt_ms2(line + o, timing->io_ns);
    memcpy(line + o, "ms", 2);
    o += 2;
  }
  line[o++] = '\n';
  return o;
}

void gild_log_access(gild_log *l, const gild_access_entry *e) {
  gild_log_access_timed(l, e, NULL);
}

void gild_log_access_timed(gild_log *l, const gild_access_entry *e, const gild_timing *timing) {
  char line[LOG_LINE_MAX];
  if (!l || l->access_fd < 0) return;
  log_write(l->access_fd, line, log_access_line(line, e, timing, NULL));
}

int gild_log_access_batch(gild_log *l, const gild_access_entry *e, const gild_timing *timing) {
  int was_empty;
  if (!l || l->access_fd < 0) return 0;
  if (!l->batch && !(l->batch = malloc(LOG_BATCH_CAP))) {
    /* No memory for a batch: one write per line, as before. */
    gild_log_access_timed(l, e, timing);
    return 0;
  }
  if (LOG_BATCH_CAP - l->batch_len < LOG_LINE_MAX) gild_log_flush(l);
  was_empty = l->batch_len == 0;
  l->batch_len += log_access_line(l->batch + l->batch_len, e, timing, l);
  return was_empty;
}

void gild_log_flush(gild_log *l) {
  if (!l || l->batch_len == 0) return;
  log_write(l->access_fd, l->batch, l->batch_len);
  l->batch_len = 0;
}
