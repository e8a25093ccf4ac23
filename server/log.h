/*
 * log.h - the error log (levels, to stderr or a file) and the access log
 * (one line per request, to stdout or a file). Both are safe to call from
 * any thread: each line is formatted into a local buffer and written with a
 * single write(2), so lines never interleave.
 */
#ifndef GILD_LOG_H
#define GILD_LOG_H

#include <stdint.h>
#include "config.h"
#include "handler.h"

typedef struct gild_log gild_log;

int gild_log_open(gild_log **out, const gild_config *c, char *err, size_t errlen);
void gild_log_close(gild_log *l);

void gild_log_error(gild_log *l, gild_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct gild_access_entry {
  const char *remote;
  const char *method; size_t method_len;
  const char *path; size_t path_len;   /* raw path as sent, with query */
  int status;
  uint64_t bytes;                      /* response bytes written */
  double duration_s;                   /* from request start to response queued */
} gild_access_entry;

void gild_log_access(gild_log *l, const gild_access_entry *e);
/* The same line with the runtime's GIL wait, GIL held and I/O figures
 * appended (`timing` NULL: as gild_log_access). */
void gild_log_access_timed(gild_log *l, const gild_access_entry *e, const gild_timing *timing);

/* For one thread (the server's loop): appends the line to a batch written
 * by gild_log_flush (or when the batch fills). Returns 1 when the batch was
 * empty before, i.e. the caller must make sure a flush follows. */
int gild_log_access_batch(gild_log *l, const gild_access_entry *e, const gild_timing *timing);
/* Writes the batch; same thread as gild_log_access_batch. */
void gild_log_flush(gild_log *l);

#endif
