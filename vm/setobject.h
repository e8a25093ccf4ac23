/*
 * setobject.h - what set.c offers beyond object.h's set_new/set_add, for
 * the compiler/interpreter and builtins.
 */
#ifndef GILD_SETOBJECT_H
#define GILD_SETOBJECT_H

#include "object.h"

/* s.update(iterable): presizes for sets and dicts as CPython does. */
int set_update(TState *ts, Obj *set, Value iterable);

/* A set display whose n >= 3 items are all constants ({1, 9, 17}).
 * CPython 3.11 compiles those to BUILD_SET 0; LOAD_CONST frozenset;
 * SET_UPDATE, so the items are first inserted into a frozenset and then
 * merged into the new set, which gives a different order from adding
 * them one by one when hashes collide. This reproduces that. New set. */
Obj *set_from_constants(TState *ts, const Value *items, size_t n);

#endif
