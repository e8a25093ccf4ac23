/*
 * gc.h - the cycle collector. Reference counting frees everything that is
 * not part of a cycle; this finds unreachable cycles among container
 * objects (types with TF_GC), as CPython's gc module does.
 *
 * alloc.c calls gc_track when it allocates a TF_GC object and gc_untrack
 * before freeing one. Collections run when allocations minus deallocations
 * of tracked objects pass a threshold (gc_maybe_collect, called by the
 * interpreter at the eval breaker) and on gc.collect().
 */
#ifndef GILD_GC_H
#define GILD_GC_H

#include "object.h"

void gc_track(TState *ts, Obj *o);
void gc_untrack(Obj *o);
/* Returns the number of unreachable objects found, or -1 on error. */
int64_t gc_collect(TState *ts);
/* Runs a collection if the allocation threshold was passed and gc is enabled. */
void gc_maybe_collect(TState *ts);
void gc_set_enabled(TState *ts, bool on);
bool gc_is_enabled(TState *ts);
int64_t gc_collections(void); /* for metrics */

#endif
