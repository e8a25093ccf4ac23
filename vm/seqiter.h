/* seqiter.h - layout of IteratorType's objects, for FOR_ITER's fast path. */
#ifndef GILD_SEQITER_H
#define GILD_SEQITER_H

#include "object.h"

typedef struct SeqIterObj {
  Obj ob;
  int kind;       /* IT_* of objimpl.h */
  Value seq;      /* T_UNDEF once exhausted */
  int64_t pos;    /* item index, or byte offset for str */
  int64_t expect; /* dicts: the size iteration started with */
} SeqIterObj;

int seqiter_next(TState *ts, Value self, Value *out);

#endif
