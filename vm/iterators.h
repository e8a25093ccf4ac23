/*
 * iterators.h - the iterator types behind the builtins enumerate, zip, map,
 * filter, reversed and iter(callable, sentinel) (iterators.c). The types
 * are registered in builtins by name; calling one constructs an iterator.
 */
#ifndef GILD_ITERATORS_H
#define GILD_ITERATORS_H

#include "object.h"

extern Type EnumerateType, ZipType, MapType, FilterType, ReversedType, CallIterType;

/* iter(callable, sentinel) */
int calliter_new(TState *ts, Value callable, Value sentinel, Value *out);

#endif
