/*
 * native.h - the native tier: pure int functions run as x86-64 machine code
 * (native.c says which functions, and why re-running is always safe).
 */
#ifndef GILD_NATIVE_H
#define GILD_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#include "code.h"
#include "vm.h"

/* What CodeObj.native_state says. */
enum {
  NATIVE_UNKNOWN = 0, /* not looked at yet: the first call compiles */
  NATIVE_READY = 1,   /* CodeObj.native holds machine code */
  NATIVE_NO = -1,     /* not eligible (or the tier is off, or not x86-64) */
};

/* Runs fn(args) natively, the caller's frame being at call depth `depth`.
 * 1: done, *out is the int result. 0: run it in the interpreter instead
 * (not eligible, an argument is not an int, or the native code bailed out);
 * nothing was changed and no exception is set. Needs the GIL. */
int native_call(TState *ts, FunctionObj *fn, const Value *args, int nargs, int depth, int64_t *out);

/* At a back-edge to `header` of co: runs the loop there natively if it is
 * a compiled region and the locals it uses are ints. Returns the pc where
 * the interpreter goes on, having written the locals back and pushed what
 * the value stack holds there at *spp; -1: not run, nothing changed. */
int native_loop_run(TState *ts, CodeObj *co, Value *locals, int header, Value **spp);

/* Whether co can be compiled; if not, why, in why[] ("CALL at 12: not a
 * call of the function itself"). For `gild dis`. */
bool native_eligible(CodeObj *co, char *why, size_t whylen);

/* `gild dis`: one line listing co's while loops as regions LO-HI and
 * whether each runs natively (nothing when co has no loop). */
void native_describe_loops(CodeObj *co, void *file);

/* Frees co's machine code (code_dealloc). */
void native_free(CodeObj *co);

/* The tier's switch: GILD_NATIVE=0 in the environment, or --no-native. */
bool native_enabled_by_env(void);

#endif
