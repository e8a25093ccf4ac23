/*
 * compiler.h - syntax tree -> code objects.
 *
 * Scope analysis first (symtable.c decides, for every name of every
 * function, whether it is a local slot, a cell shared with a closure, a
 * free variable of one, or a global), then code generation: one CodeObj
 * per def, lambda and comprehension, nested in the module's constants.
 */
#ifndef GILD_COMPILER_H
#define GILD_COMPILER_H

#include "code.h"

/* Compiles a module's source. On error: NULL with SyntaxError raised. */
CodeObj *compile_source(TState *ts, const char *src, size_t len, const char *filename);

#endif
