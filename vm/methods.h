/*
 * methods.h - the method tables and formatting entry points that the
 * object-surface files (str_methods.c, list_methods.c, dict_methods.c,
 * bytes.c, set.c, format.c) provide to the core types.
 */
#ifndef GILD_METHODS_H
#define GILD_METHODS_H

#include "object.h"

extern const MethodDef str_methods[];   /* str_methods.c */
extern const MethodDef bytes_methods[]; /* bytes.c */
extern const MethodDef list_methods[];  /* list_methods.c */
extern const MethodDef dict_methods[];  /* dict_methods.c */
extern const MethodDef tuple_methods[]; /* list_methods.c: count, index */

/* format.c */
/* `fmt % args` for str (and bytes): CPython's printf-style formatting. */
int format_percent(TState *ts, Value fmt, Value args, Value *out);
/* `fmt.format(*args, **kwargs)` */
int format_str_format(TState *ts, Obj *fmt, const Value *args, int nargs, Obj *kwargs,
                      Value *out);

#endif
