/*
 * modules.h - helpers the native module files (mod_*.c) share to fill a
 * module's dict; modules.c also holds the registry vm_native_module looks
 * names up in (declared in vm.h).
 */
#ifndef GILD_MODULES_H
#define GILD_MODULES_H

#include "vm.h"

/* Adds a builtin function per entry of `defs` (terminated by {NULL, NULL}). */
int module_add_functions(TState *ts, Obj *module, const MethodDef *defs);
/* Binds `name` to v in the module's dict; v is borrowed. */
int module_add(TState *ts, Obj *module, const char *name, Value v);
/* The same, but takes ownership of v (convenient right after creating it);
 * returns -1 if v is a failed allocation (T_OBJ with NULL). */
int module_add_owned(TState *ts, Obj *module, const char *name, Value v);
/* Same as module_add_owned, for an Obj * that may be NULL (allocation failed). */
int module_add_obj(TState *ts, Obj *module, const char *name, Obj *o);

/* CPython's METH_NOARGS check: "time.time() takes no arguments (1 given)". */
int module_no_args(TState *ts, const char *qualname, int nargs, Obj *kwargs);
/* CPython's METH_O check: "math.sqrt() takes exactly one argument (2 given)". */
int module_one_arg(TState *ts, const char *qualname, int nargs, Obj *kwargs);
/* A float from an int or float argument ("must be real number, not str"). */
int module_real_arg(TState *ts, Value v, double *out);
/* An optional timeout argument (join, get, wait): absent or None -> -1
 * (forever), a negative number -> 0. */
int module_timeout_arg(TState *ts, Value v, double *out);

/* The module definitions of the mod_*.c files. */
extern const NativeModuleDef mod_sys_def, mod_time_def, mod_math_def, mod_json_def,
    mod_os_def, mod_os_path_def, mod_gc_def, mod_socket_def, mod_http_def;

/* Raises what a netio.h status means (mod_socket.c): TimeoutError("timed
 * out") -- or BlockingIOError when timeout is 0 -- for NETIO_TIMEDOUT,
 * socket.gaierror for NETIO_GAI, else OSError(errno, strerror) as its
 * subclass (ConnectionRefusedError, ...). Returns -1. */
int socket_raise_error(TState *ts, int rc, int gai_err, double timeout);

#endif
