/*
 * modules.h - helpers the native module files (mod_*.c) share to fill a
 * module's dict; modules.c also holds the registry vm_native_module looks
 * names up in (declared in vm.h).
 */
#ifndef GILD_MODULES_H
#define GILD_MODULES_H

#include "object.h"

/* Adds a builtin function per entry of `defs` (terminated by {NULL, NULL}). */
int module_add_functions(TState *ts, Obj *module, const MethodDef *defs);
/* Binds `name` to v in the module's dict; v is borrowed. */
int module_add(TState *ts, Obj *module, const char *name, Value v);
/* The same, but takes ownership of v (convenient right after creating it);
 * returns -1 if v is a failed allocation (T_OBJ with NULL). */
int module_add_owned(TState *ts, Obj *module, const char *name, Value v);
/* Same as module_add_owned, for an Obj * that may be NULL (allocation failed). */
int module_add_obj(TState *ts, Obj *module, const char *name, Obj *o);

#endif
