/*
 * mp_marshal.h - the byte format multiprocessing's pool workers send their
 * results in (mp_marshal.c): None, bool, int, float, str, bytes, list,
 * tuple and dict, nested. Like pickle for the values a countdown or a
 * handler computes; anything else is refused with CPython's TypeError.
 */
#ifndef GILD_MP_MARSHAL_H
#define GILD_MP_MARSHAL_H

#include <stddef.h>

#include "object.h"

/* A growable byte buffer; plain C memory, usable without the GIL. */
typedef struct MBuf {
  unsigned char *data;
  size_t len, cap;
} MBuf;

void mbuf_free(MBuf *b);
/* Appends raw bytes; -1 on ENOMEM (no exception set). */
int mbuf_add(MBuf *b, const void *p, size_t n);

/* Appends v's encoding; -1 with TypeError ("cannot pickle 'set' object") or
 * MemoryError raised. */
int mp_marshal_dump(TState *ts, Value v, MBuf *b);
/* Decodes one value from data[0..size) starting at *pos, advancing it;
 * -1 with ValueError raised on malformed input. */
int mp_marshal_load(TState *ts, const unsigned char *data, size_t size, size_t *pos,
                    Value *out);

#endif
