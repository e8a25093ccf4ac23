/*
 * buf.h - the server's side of gild_buf (handler.h): a growable byte buffer
 * the metrics page, the runtime's metrics and the GIL trace are written into.
 * An allocation failure sets `oom` and later appends do nothing, so a writer
 * can append freely and check once at the end.
 */
#ifndef GILD_BUF_H
#define GILD_BUF_H

#include <stddef.h>
#include "handler.h"

void gild_buf_init(gild_buf *b);
void gild_buf_free(gild_buf *b);
/* Empties the buffer, keeping its memory for the next use. */
void gild_buf_reset(gild_buf *b);
/* Makes room for `more` bytes past len; 0 or GILD_ENOMEM (oom set). */
int gild_buf_reserve(gild_buf *b, size_t more);

#endif
