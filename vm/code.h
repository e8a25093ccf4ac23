/*
 * code.h - compiled code, functions, closures' cells, and the interpreter's
 * frames.
 *
 * A CodeObj is what the compiler makes of one function body (or a module):
 * its bytecode, constants, names, and the layout of its frame. A
 * FunctionObj pairs a code object with the globals it runs in, its default
 * values and its closure.
 */
#ifndef GILD_CODE_H
#define GILD_CODE_H

#include "opcodes.h"
#include "vm.h"

enum {
  CO_VARARGS = 1 << 0, /* *args */
  CO_VARKW = 1 << 1,   /* **kwargs */
  CO_MODULE = 1 << 2,
  /* Positional parameters only, no cells or frees: a call with exactly
   * argcount positional arguments needs no binding (interp.c's fast CALL). */
  CO_SIMPLE = 1 << 3,
};

/* One entry of the exception table: an instruction in [start, end) that
 * raises jumps to `target` with the value stack cut to `depth` items and
 * the exception pushed. Zero cost when nothing is raised. */
typedef struct ExcEntry {
  uint32_t start, end, target, depth;
} ExcEntry;

/* LOAD_GLOBAL's inline cache: where the name was found last time, and
 * the value itself while the globals dict is unchanged (interp.c). */
typedef struct GlobalCache {
  Obj *name;                /* the name looked up (interned), set when filled */
  Obj *globals;             /* the dict filled from (a code runs in one) */
  uint64_t globals_version; /* its version then: nothing stored or deleted since */
  int64_t index;            /* entry position in globals (>= 0) or builtins (~pos) */
  Value value;              /* globals[name] at globals_version (borrowed) */
} GlobalCache;

typedef struct CodeObj {
  Obj ob;
  uint32_t *code;
  int ncode;
  int *lines;          /* source line of each word */
  Value *consts;
  int nconsts;
  Obj **names;         /* interned str, for globals and attributes */
  int nnames;
  Obj **varnames;      /* nlocals locals, then ncells cell vars, then nfrees free vars */
  int nlocals, ncells, nfrees;
  int *cell_param;     /* per cell var: the parameter slot it comes from, or -1 */
  int argcount, kwonlycount, flags;
  int stacksize;       /* max depth of the value stack */
  int framesize;       /* values a frame needs from its first local up (CO_SIMPLE) */
  ExcEntry *exctab;
  int nexc;
  GlobalCache *gcache;
  int ngcache;
  Obj *name, *qualname, *filename; /* str */
  int firstline;
  /* The native tier (native.h): NATIVE_UNKNOWN until the first call,
   * then NATIVE_READY with its machine code, or NATIVE_NO. */
  int native_state;
  struct NativeCode *native;
  /* Its while loops as native regions: NATIVE_UNKNOWN until the first
   * back-edge, NATIVE_READY when at least one compiled, else NATIVE_NO. */
  int native_loops_state;
  struct NativeLoops *native_loops;
} CodeObj;

typedef struct FunctionObj {
  Obj ob;
  CodeObj *code;
  Obj *globals;   /* dict */
  Obj *defaults;  /* tuple or NULL */
  Obj *kwdefaults;/* dict or NULL */
  Obj *closure;   /* tuple of cells or NULL */
  Obj *module;    /* str: __name__ of the globals, or NULL */
  /* From the code (immutable), one load closer for the fast CALL: the
   * positional arity when the code is CO_SIMPLE, else -1, its framesize,
   * its number of locals (where the frame header goes) and its first
   * instruction. The callee's first instructions wait for these loads. */
  int fast_nargs;
  int framesize;
  int nlocals;
  const uint32_t *entry;
} FunctionObj;

typedef struct CellObj {
  Obj ob;
  Value value; /* T_UNDEF when empty */
} CellObj;

/* A frame lives on the thread's value stack, between the locals (and
 * cells) of its function and its evaluation stack:
 *   ret: the callable's slot, where the result goes
 *   [locals][cells+frees][Frame header][eval stack ...]
 * so calling a Python function from Python allocates nothing. The header
 * holds only what a return or an unwinding exception needs; the function
 * itself stays alive through the callable's slot. */
struct Frame {
  Frame *prev;
  CodeObj *code;
  Obj *globals;
  /* ip and sp are the loop's registers, stored only when something may
   * look at them (SAVE in interp.c: calls, errors, the eval breaker): a
   * frame pushed by the fast CALL starts without them. */
  const uint32_t *ip;  /* next instruction (saved on calls) */
  Value *ret;          /* slot receiving the result; everything from here up is the frame's */
  Value *locals;
  Value *sp;           /* saved stack top while a callee runs */
  const uint32_t *ret_ip; /* the caller's ip to return to (a copy of prev->ip, one load closer) */
  int depth;           /* frames on the thread's chain, this one included (RecursionError) */
};
#define FRAME_VALUES ((int)((sizeof(Frame) + sizeof(Value) - 1) / sizeof(Value)))
/* The bottom of a frame's evaluation stack, right above its header. */
#define FRAME_STACK(f) ((Value *)(f) + FRAME_VALUES)

Obj *code_new(TState *ts);
Obj *function_new(TState *ts, CodeObj *code, Obj *globals);
Obj *cell_new(TState *ts, Value v);
/* Prints the bytecode of code and of every code object in its constants. */
void code_disassemble(CodeObj *co, void *file);
/* Line of the instruction at word index pc. */
int code_line_at(CodeObj *co, int pc);

/* Binds args/kwargs to the locals of a new frame per the function's
 * signature: locals must have room for nlocals values, already T_UNDEF.
 * Raises CPython's TypeErrors. (function.c) */
int function_bind_args(TState *ts, FunctionObj *fn, const Value *args, int nargs,
                       Obj *kwnames, const Value *kwvalues, Obj *kwdict, Value *locals);

/* interp.c: runs a module's code in globals; result discarded. */
int interp_run_module(TState *ts, CodeObj *co, Obj *globals);


#endif
