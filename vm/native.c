/*
 * native.c - the native tier: pure int functions compiled to x86-64.
 *
 * Which functions. A function whose every reachable instruction works on
 * ints only: local loads and stores, int constants, + - * // % & | ^ and
 * unary - + ~ not, comparisons feeding if/while/and/or, jumps, returns of an
 * int, and calls of the function itself (by its global name, with exactly its
 * positional parameters). No defaults used, no *args, no cells, no try or
 * with, no other global, no other call. fib and countdown are such
 * functions, and so is much of the arithmetic a handler calls in a loop.
 * Everything else stays in the interpreter; `gild dis` says why.
 *
 * Why throwing work away is safe. Such a function has no side effects: it
 * reads its arguments and its own global binding, allocates nothing and
 * writes nothing outside its frame. So when anything unusual happens (an
 * argument that is not an int, int64 overflow, a division by zero or by a
 * negative number, the recursion budget used up, the eval breaker set
 * because another thread wants the GIL, a signal or a handler timeout), the
 * native code "bails out": the whole call returns to the interpreter, which
 * runs it again from its first instruction and does what it always does
 * (raise OverflowError, RecursionError, drop the GIL, ...). Nobody can tell
 * the first attempt happened, except by the clock.
 *
 * The GIL. Native code holds it and checks the eval breaker where the
 * interpreter does (on entry to every call and on loop back-edges). A GIL
 * drop request is served right there, as the interpreter serves it: native
 * frames hold no objects, so other threads may run meanwhile. Anything else
 * the breaker asks for (an async exception, a signal, a collection) bails.
 * The self-binding every recursive call relies on is checked on entry and
 * again after each time the GIL came back, since other threads may have
 * rebound the name; between those points nothing else can change it.
 *
 * The code. A template compiler: each instruction becomes a few
 * instructions over a frame on the C stack (locals, then the value stack,
 * 8 bytes each, at fixed rbp offsets the analysis computed), with rax and
 * rcx as scratch. Recursive calls are plain x86 calls; the arguments are
 * read from the caller's value stack. Registers kept across the whole run:
 * r15 the NativeCtx, r14 the recursion budget, r12 and r13 the two eval
 * breaker words. A bail sets ctx->bailed and returns up through every frame
 * (each call site checks the flag), so the stack unwinds by ordinary
 * returns (no longjmp, nothing a shadow stack would object to).
 *
 * Loop regions. The while loops of any function, pure or not, compile the
 * same way, a region at a time: the instructions from a back-edge's target
 * to the last back-edge to it. The interpreter enters one at a back-edge
 * when the locals the region uses are ints; the locals are copied into a
 * frame of int64s, and the code runs until it must hand over: a jump out of
 * the loop, a return, an instruction it does not compile (a call, a str or
 * float operation, a global), a bail-out (overflow, a division it does not
 * do) or the eval breaker at a back-edge. Every such point is an exit stub
 * that returns its instruction's pc; the locals are written back, the value
 * stack the analysis knows for that pc is rebuilt (ints and comparison
 * bools), and the interpreter runs that very instruction next. Unlike a
 * whole function, a region has effects (its locals), so it never re-runs:
 * it stops exactly where the interpreter must go on, before any effect of
 * that instruction. The breaker is left to the interpreter, at the
 * back-edge, which may enter the region again right after. A for loop's
 * region starts with its FOR_ITER: over a range iterator (the interpreter's
 * stack holds it, below the region's own) the next value is computed
 * natively and the iterator's position written back at once; its
 * exhaustion is handed to the interpreter's FOR_ITER, which pops it.
 *
 * The code lives in its own mmap'd pages, written, then made read+execute
 * (never both writable and executable). It is built at a function's first
 * call, under the GIL, and freed with its code object.
 */
#include "native.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objimpl.h"
#include "opcodes.h"
#include "seqiter.h"
#include "vm_gil.h"

#if defined(__x86_64__) && defined(__linux__)
#define NATIVE_X86_64 1
#include <sys/mman.h>
#else
#define NATIVE_X86_64 0
#endif

/* Limits of what is compiled: at most this many parameters, locals (the
 * definite-assignment analysis keeps them in one 64-bit mask) and values
 * on the value stack. */
#define NATIVE_MAX_ARGS 8
#define NATIVE_MAX_LOCALS 64
#define NATIVE_MAX_STACK 32
/* C stack the native recursion may use; deeper recursion bails out and the
 * interpreter (whose frames are on its own value stack) goes on. */
#define NATIVE_STACK_BYTES (256 * 1024)

bool native_enabled_by_env(void) {
  const char *e = getenv("GILD_NATIVE");
  return !(e && (strcmp(e, "0") == 0 || strcmp(e, "off") == 0 || strcmp(e, "no") == 0));
}

/* ---- the analysis: is the function (or the loop) int code? ------------------------ */

/* The static type of a value on the stack: an int, a bool (a comparison's
 * result, only for jumps and `not`), or the function itself (LOAD_GLOBAL of
 * its own name, only for CALL). */
enum { TY_INT = 1, TY_BOOL = 2, TY_SELF = 3 };

typedef struct AState {
  bool seen, queued;
  bool exit; /* loop regions: the interpreter takes over here (see analyze_region) */
  int8_t depth;
  uint8_t types[NATIVE_MAX_STACK];
  uint64_t assigned; /* locals surely bound here */
} AState;

typedef struct Analysis {
  CodeObj *co;
  /* A loop region [lo, hi] of any function instead of a whole function:
   * jumps out of it, returns and instructions not compiled are exits. */
  bool region;
  int lo, hi;
  uint64_t int_mask; /* the locals that were ints when the region was compiled */
  uint64_t touched; /* locals the compiled instructions read or write */
  int nflows;       /* calls of flow(), to tell an instruction's own refusal */
  AState *at; /* per instruction word; only instruction starts are used */
  int *work;
  int nwork;
  int maxdepth;
  bool self_calls;
  char *why;
  size_t whylen;
} Analysis;

static bool refuse(Analysis *a, int pc, const char *msg) {
  if (a->why) {
    if (pc >= 0)
      snprintf(a->why, a->whylen, "%s at %d: %s", opcode_names[INSN_OP(a->co->code[pc])], pc, msg);
    else
      snprintf(a->why, a->whylen, "%s", msg);
  }
  return false;
}

static bool const_is_int(CodeObj *co, uint32_t k) { return k < (uint32_t)co->nconsts && co->consts[k].tag == T_INT; }

/* The int operators the native code does (the others stay interpreted). */
static bool binop_native(int op) {
  return op == BINOP_ADD || op == BINOP_SUB || op == BINOP_MUL || op == BINOP_FLOORDIV || op == BINOP_MOD ||
         op == BINOP_AND || op == BINOP_OR || op == BINOP_XOR;
}

/* Flows state s into instruction `to`: the first arrival records it, later
 * ones must agree on the stack and narrow the assigned locals. */
static bool flow(Analysis *a, int from, int to, const AState *s) {
  CodeObj *co = a->co;
  a->nflows++;
  if (to < 0 || to >= co->ncode) return refuse(a, from, "jump out of the code");
  AState *t = &a->at[to];
  if (a->region && (to < a->lo || to > a->hi)) {
    /* leaving the loop: the interpreter goes on at `to` with this stack */
    if (t->seen && (t->depth != s->depth || memcmp(t->types, s->types, (size_t)s->depth) != 0))
      return refuse(a, from, "the value stack differs where paths leave the loop");
    *t = *s;
    t->seen = t->exit = true;
    return true;
  }
  if (!t->seen) {
    *t = *s;
    t->seen = t->queued = true;
    a->work[a->nwork++] = to;
    return true;
  }
  if (t->depth != s->depth || memcmp(t->types, s->types, (size_t)s->depth) != 0)
    return refuse(a, from, "the value stack differs where paths meet");
  uint64_t m = t->assigned & s->assigned;
  if (m != t->assigned) {
    t->assigned = m;
    if (!t->queued) {
      t->queued = true;
      a->work[a->nwork++] = to;
    }
  }
  return true;
}

static bool push(Analysis *a, int pc, AState *s, int ty) {
  if (s->depth >= NATIVE_MAX_STACK) return refuse(a, pc, "value stack too deep");
  s->types[s->depth++] = (uint8_t)ty;
  if (s->depth > a->maxdepth) a->maxdepth = s->depth;
  return true;
}

/* Pops one value of type `want` (TY_INT also accepts a bool when
 * `bool_ok`). */
static bool pop(Analysis *a, int pc, AState *s, bool bool_ok) {
  if (s->depth <= 0) return refuse(a, pc, "value stack underflow");
  int ty = s->types[--s->depth];
  if (ty == TY_INT || (bool_ok && ty == TY_BOOL)) return true;
  return refuse(a, pc, ty == TY_BOOL ? "a comparison's bool used as a value" : "the function used as a value");
}

static bool local_read(Analysis *a, int pc, const AState *s, uint32_t slot) {
  if (slot >= (uint32_t)a->co->nlocals) return refuse(a, pc, "not a plain local");
  if (!(s->assigned >> slot & 1)) return refuse(a, pc, "local may be unbound here");
  a->touched |= (uint64_t)1 << slot;
  return true;
}

/* What only a whole function compiles: its returns and its calls of
 * itself. In a loop region they are exits to the interpreter, as is every
 * instruction analyze_insn refuses there (see analysis_run). */
static bool function_only(int op) {
  return op == OP_LOAD_GLOBAL || op == OP_CALL || op == OP_RETURN_FAST || op == OP_RETURN_CONST ||
         op == OP_RETURN_VALUE;
}

/* One instruction: checks it and flows its state to its successors. */
static bool analyze_insn(Analysis *a, int pc) {
  CodeObj *co = a->co;
  uint32_t w = co->code[pc];
  int op = (int)INSN_OP(w);
  uint32_t arg = INSN_ARG(w);
  if (op >= OP__COUNT) return refuse(a, -1, "bad opcode");
  const uint32_t *x = &co->code[pc + 1];
  int next = pc + 1 + opcode_extra_words[op];
  AState s = a->at[pc];
  if (a->region && op == OP_FOR_ITER && pc == a->lo) {
    /* a for loop's head: the range iterator sits below the region's own
     * stack; the next int goes on top, exhaustion is the interpreter's */
    if (!push(a, pc, &s, TY_INT)) return false;
    return flow(a, pc, next, &s);
  }
  if (a->region && function_only(op)) {
    a->at[pc].exit = true; /* the interpreter runs it */
    return true;
  }
  switch (op) {
  case OP_NOP: break;
  case OP_POP_TOP:
    if (!pop(a, pc, &s, true)) return false;
    break;
  case OP_DUP_TOP:
    if (s.depth < 1 || s.types[s.depth - 1] == TY_SELF) return refuse(a, pc, "not an int");
    if (!push(a, pc, &s, s.types[s.depth - 1])) return false;
    break;
  case OP_DUP_TOP_TWO:
    if (s.depth < 2 || s.types[s.depth - 1] == TY_SELF || s.types[s.depth - 2] == TY_SELF)
      return refuse(a, pc, "not an int");
    if (!push(a, pc, &s, s.types[s.depth - 2]) || !push(a, pc, &s, s.types[s.depth - 2])) return false;
    break;
  case OP_ROT_TWO:
  case OP_ROT_THREE:
  case OP_ROT_FOUR: {
    int n = op == OP_ROT_TWO ? 2 : op == OP_ROT_THREE ? 3 : 4;
    if (s.depth < n) return refuse(a, pc, "value stack underflow");
    uint8_t *t = &s.types[s.depth - n];
    for (int i = 0; i < n; i++)
      if (t[i] == TY_SELF) return refuse(a, pc, "the function used as a value");
    uint8_t top = t[n - 1];
    memmove(t + 1, t, (size_t)(n - 1));
    t[0] = top;
    break;
  }
  case OP_LOAD_CONST:
    if (!const_is_int(co, arg)) return refuse(a, pc, "not an int constant");
    if (!push(a, pc, &s, TY_INT)) return false;
    break;
  case OP_LOAD_FAST:
    if (!local_read(a, pc, &s, arg) || !push(a, pc, &s, TY_INT)) return false;
    break;
  case OP_LOAD_FAST_FAST:
    if (!local_read(a, pc, &s, arg & 0xfff) || !local_read(a, pc, &s, arg >> 12) || !push(a, pc, &s, TY_INT) ||
        !push(a, pc, &s, TY_INT))
      return false;
    break;
  case OP_STORE_FAST:
    if (arg >= (uint32_t)co->nlocals) return refuse(a, pc, "not a plain local");
    if (a->region && !(a->int_mask >> arg & 1)) return refuse(a, pc, "not an int local");
    if (!pop(a, pc, &s, false)) return false;
    s.assigned |= (uint64_t)1 << arg;
    a->touched |= (uint64_t)1 << arg;
    break;
  case OP_LOAD_GLOBAL: {
    Obj *name = co->names[arg];
    if (!str_eq(name, co->name)) return refuse(a, pc, "a global other than the function itself");
    a->self_calls = true;
    if (!push(a, pc, &s, TY_SELF)) return false;
    break;
  }
  case OP_BINARY_OP:
  case OP_INPLACE_OP:
    if (!binop_native((int)arg)) return refuse(a, pc, "operator not compiled");
    if (!pop(a, pc, &s, false) || !pop(a, pc, &s, false) || !push(a, pc, &s, TY_INT)) return false;
    break;
  case OP_UNARY_NEG:
  case OP_UNARY_POS:
  case OP_UNARY_INVERT:
    if (!pop(a, pc, &s, false) || !push(a, pc, &s, TY_INT)) return false;
    break;
  case OP_UNARY_NOT:
    if (!pop(a, pc, &s, true) || !push(a, pc, &s, TY_BOOL)) return false;
    break;
  case OP_COMPARE_OP:
    if (arg > CMP_GE) return refuse(a, pc, "comparison not compiled");
    if (!pop(a, pc, &s, false) || !pop(a, pc, &s, false) || !push(a, pc, &s, TY_BOOL)) return false;
    break;
  case OP_JUMP: return flow(a, pc, (int)arg, &s);
  case OP_POP_JUMP_IF_FALSE:
  case OP_POP_JUMP_IF_TRUE:
    if (!pop(a, pc, &s, true) || !flow(a, pc, (int)arg, &s)) return false;
    break;
  case OP_JUMP_IF_FALSE_OR_POP:
  case OP_JUMP_IF_TRUE_OR_POP:
    if (s.depth < 1 || s.types[s.depth - 1] == TY_SELF) return refuse(a, pc, "not an int");
    if (!flow(a, pc, (int)arg, &s)) return false;
    s.depth--;
    break;
  case OP_BINOP_FAST_INT:
  case OP_BINOP_FAST_CONST:
    if (op == OP_BINOP_FAST_CONST && (!binop_native((int)arg) || !const_is_int(co, x[1])))
      return refuse(a, pc, "not an int operation");
    if (!local_read(a, pc, &s, x[0]) || !push(a, pc, &s, TY_INT)) return false;
    break;
  case OP_INPLACE_FAST_INT:
  case OP_INPLACE_FAST_CONST:
    if (op == OP_INPLACE_FAST_CONST && (!binop_native((int)arg) || !const_is_int(co, x[1])))
      return refuse(a, pc, "not an int operation");
    if (!local_read(a, pc, &s, x[0])) return false;
    break;
  case OP_JUMP_IF_FAST_INT:
  case OP_JUMP_IF_FAST_CONST:
    if (op == OP_JUMP_IF_FAST_CONST && ((arg & 15) > CMP_GE || !const_is_int(co, x[1])))
      return refuse(a, pc, "not an int comparison");
    if (!local_read(a, pc, &s, x[0]) || !flow(a, pc, (int)x[2], &s)) return false;
    break;
  case OP_RETURN_IF_FAST_INT:
    if (!local_read(a, pc, &s, x[0])) return false;
    if (!a->region && x[2] != RETURN_THE_LOCAL && !const_is_int(co, x[2]))
      return refuse(a, pc, "returns a non-int constant");
    break;
  case OP_RETURN_FAST: return local_read(a, pc, &s, arg);
  case OP_RETURN_CONST:
    return const_is_int(co, arg) ? true : refuse(a, pc, "returns a non-int constant");
  case OP_RETURN_VALUE: return pop(a, pc, &s, false);
  case OP_CALL: {
    if ((int)arg != co->argcount) return refuse(a, pc, "not a call with the function's own arity");
    for (uint32_t i = 0; i < arg; i++)
      if (!pop(a, pc, &s, false)) return false;
    if (s.depth < 1 || s.types[s.depth - 1] != TY_SELF) return refuse(a, pc, "not a call of the function itself");
    s.depth--;
    if (!push(a, pc, &s, TY_INT)) return false;
    break;
  }
  default: return refuse(a, pc, "not compiled by the native tier");
  }
  return flow(a, pc, next, &s);
}

/* The work list from `start`, entered with state `entry`, until every
 * reachable instruction is analysed and its state settled. In a loop
 * region an instruction refused before it flowed anywhere (a str constant,
 * a bool stored, an operator not compiled) is the interpreter's: an exit;
 * anywhere else, and where paths meet, a refusal refuses everything. */
static bool analysis_run(Analysis *a, int start, const AState *entry) {
  CodeObj *co = a->co;
  if (co->nlocals > NATIVE_MAX_LOCALS) return refuse(a, -1, "too many locals");
  a->at = calloc((size_t)co->ncode, sizeof(AState));
  /* an instruction is on the work list at most once at a time */
  a->work = malloc((size_t)co->ncode * sizeof(int));
  if (!a->at || !a->work) return refuse(a, -1, "out of memory");
  a->nwork = 0;
  if (!flow(a, -1, start, entry)) return false;
  while (a->nwork > 0) {
    int pc = a->work[--a->nwork];
    a->at[pc].queued = false;
    int flows = a->nflows, maxdepth = a->maxdepth;
    uint64_t touched = a->touched;
    if (analyze_insn(a, pc)) continue;
    if (!a->region || a->nflows != flows) return false;
    a->at[pc].exit = true;
    a->maxdepth = maxdepth;
    a->touched = touched;
  }
  return true;
}

/* Runs the analysis; on success a->at[pc].seen marks the reachable
 * instructions and a->at[pc].depth their stack depth on entry. */
static bool analyze(Analysis *a, CodeObj *co) {
  a->co = co;
  if (co->flags & CO_MODULE) return refuse(a, -1, "module code");
  if (!(co->flags & CO_SIMPLE) || co->ncells || co->nfrees || co->kwonlycount)
    return refuse(a, -1, "not a function of positional parameters only (defaults, *args, cells)");
  if (co->nexc) return refuse(a, -1, "has try, with or an exception handler");
  if (co->argcount > NATIVE_MAX_ARGS) return refuse(a, -1, "too many parameters");
  if (co->ncode <= 0) return refuse(a, -1, "no code");
  AState entry = {0};
  entry.assigned = co->argcount >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << co->argcount) - 1);
  return analysis_run(a, 0, &entry);
}

/* A loop region: the instructions from a back-edge's target `lo` to the
 * last word of the last back-edge to it, `hi`, entered at lo with an empty
 * value stack (of its own) and the locals in int_mask ints (those it
 * touches are checked on every entry). Reading or storing any other local
 * (a list, a str, unbound) is an exit. */
static bool analyze_region(Analysis *a, CodeObj *co, int lo, int hi, uint64_t int_mask) {
  a->co = co;
  a->region = true;
  a->lo = lo;
  a->hi = hi;
  a->int_mask = int_mask;
  AState entry = {0};
  entry.assigned = int_mask;
  if (!analysis_run(a, lo, &entry)) return false;
  /* a loop whose first instruction is the interpreter's (it reads a local
   * that is not an int, or a global) has nothing to run natively */
  return a->at[lo].exit ? refuse(a, lo, "the loop starts with an instruction not compiled") : true;
}

static void analysis_free(Analysis *a) {
  free(a->at);
  free(a->work);
}

bool native_eligible(CodeObj *co, char *why, size_t whylen) {
  Analysis a = {0};
  a.why = why;
  a.whylen = whylen;
  bool ok = analyze(&a, co);
  analysis_free(&a);
#if !NATIVE_X86_64
  if (ok) {
    snprintf(why, whylen, "the native tier needs x86-64 Linux");
    ok = false;
  }
#endif
  return ok;
}

#if NATIVE_X86_64

static struct NativeLoops *find_loops(CodeObj *co);

/* ---- machine code ------------------------------------------------------------------ */

/* The context a native run shares with its code; the offsets are baked
 * into the instructions below. */
typedef struct NativeCtx NativeCtx;
struct NativeCtx {
  int32_t bailed;                    /* 0: BAIL_* */
  int32_t pad;
  int64_t budget;                    /* 8: activations allowed, plus one */
  int64_t result;                    /* 16 */
  const _Atomic uint32_t *eb_interp; /* 24 */
  const _Atomic uint32_t *eb_thread; /* 32 */
  int (*breaker)(NativeCtx *ctx);    /* 40: the eval breaker is set; 1: bail */
  TState *ts;                        /* 48 */
  FunctionObj *fn;                   /* 56: the function entered (its self-binding is rechecked) */
  int64_t *slots_top;                /* 64: a loop region's frame (its rbp) */
  /* 72-96: a `for x in range(...)` region: its iterator's position, and
   * the range (FOR_ITER at the region's head, see emit_insn) */
  int64_t *iter_pos;                 /* 72 */
  int64_t range_start;               /* 80 */
  int64_t range_step;                /* 88 */
  int64_t range_len;                 /* 96 */
};
_Static_assert(offsetof(NativeCtx, budget) == 8 && offsetof(NativeCtx, result) == 16 &&
                   offsetof(NativeCtx, eb_interp) == 24 && offsetof(NativeCtx, eb_thread) == 32 &&
                   offsetof(NativeCtx, breaker) == 40 && offsetof(NativeCtx, slots_top) == 64 &&
                   offsetof(NativeCtx, iter_pos) == 72 && offsetof(NativeCtx, range_start) == 80 &&
                   offsetof(NativeCtx, range_step) == 88 && offsetof(NativeCtx, range_len) == 96,
               "NativeCtx offsets are baked into the machine code");

/* Why a run bailed out: the recursion budget is told apart, because the
 * interpreter then recurses deeper than native code may (native_call). */
enum { BAIL_NONE = 0, BAIL_OTHER = 1, BAIL_DEPTH = 2 };

typedef struct NativeCode {
  void *mem;
  size_t size;
  void (*entry)(NativeCtx *ctx, const int64_t *args_last);
  int64_t max_depth; /* activations the C stack allows */
  bool self_calls;   /* it calls itself: its global binding is checked */
} NativeCode;

/* A loop region's machine code: entry(ctx) runs it on the frame at
 * ctx->slots_top and returns the instruction where the interpreter goes
 * on; resume[] says what is on the value stack there. */
typedef struct ResumePoint {
  int pc;
  int8_t depth;
  uint8_t types[NATIVE_MAX_STACK];
} ResumePoint;

typedef struct NativeLoop {
  int lo, hi;       /* the region: the back-edges' target, the end of the last back-edge */
  int state;        /* NATIVE_UNKNOWN until its first back-edge, then READY or NO */
  void *mem;        /* NULL: not compiled */
  size_t size;
  int (*entry)(NativeCtx *ctx);
  uint64_t touched; /* locals read or written: ints on entry, written back */
  bool for_range;   /* headed by FOR_ITER: runs only over a range iterator */
  int nslots;
  ResumePoint *resume;
  int nresume;
} NativeLoop;

struct NativeLoops {
  int n;
  NativeLoop loop[];
};

typedef struct Fixup {
  size_t at; /* where the rel32 is */
  int target_pc;
  bool stub; /* to the exit stub for target_pc (loop regions), not its code */
} Fixup;

typedef struct Emitter {
  uint8_t *buf;
  size_t len, cap;
  bool oom;
  size_t *pc_at; /* machine-code offset of each instruction */
  Fixup *fix;
  int nfix, capfix;
  size_t bail_at;      /* bail out: ctx->bailed = BAIL_OTHER, return */
  size_t bail_depth_at; /* the same with BAIL_DEPTH */
  size_t unwind_at;     /* a callee bailed: just return */
  size_t body_at; /* the function's first instruction (recursive calls) */
  int nlocals;
  /* loop regions: [lo, hi], and the instruction being emitted, where a
   * bail-out hands over to the interpreter */
  bool region;
  int lo, hi, cur_pc;
} Emitter;

static void emit_bytes(Emitter *e, const void *p, size_t n) {
  if (e->len + n > e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 1024;
    while (cap < e->len + n) cap *= 2;
    uint8_t *nb = realloc(e->buf, cap);
    if (!nb) {
      e->oom = true;
      return;
    }
    e->buf = nb;
    e->cap = cap;
  }
  memcpy(e->buf + e->len, p, n);
  e->len += n;
}
#define EMIT(e, ...) \
  do { \
    static const uint8_t b_[] = {__VA_ARGS__}; \
    emit_bytes(e, b_, sizeof b_); \
  } while (0)

static void emit_u32(Emitter *e, uint32_t v) { emit_bytes(e, &v, 4); }

/* Points the rel32 at `at` (emitted earlier) to machine-code offset
 * `target`. After a failed allocation nothing is written (the code is
 * thrown away anyway). */
static void patch_rel32(Emitter *e, size_t at, size_t target) {
  if (e->oom || at + 4 > e->len) return;
  int32_t rel = (int32_t)((int64_t)target - (int64_t)(at + 4));
  memcpy(e->buf + at, &rel, 4);
}
static void emit_u64(Emitter *e, uint64_t v) { emit_bytes(e, &v, 8); }

/* rbp offsets: local i, then value-stack slot k below the locals. */
static int32_t disp_local(int i) { return -8 * (1 + i); }
static int32_t disp_stack(Emitter *e, int k) { return -8 * (1 + e->nlocals + k); }

/* mov rax/rcx, [rbp+d] and mov [rbp+d], rax/rcx */
enum { RAX = 0, RCX = 1 };
static void load(Emitter *e, int reg, int32_t d) {
  uint8_t b[3] = {0x48, 0x8b, (uint8_t)(0x85 | reg << 3)};
  emit_bytes(e, b, 3);
  emit_u32(e, (uint32_t)d);
}
static void store(Emitter *e, int reg, int32_t d) {
  uint8_t b[3] = {0x48, 0x89, (uint8_t)(0x85 | reg << 3)};
  emit_bytes(e, b, 3);
  emit_u32(e, (uint32_t)d);
}
static void load_imm(Emitter *e, int reg, int64_t v) { /* mov r64, imm64 */
  uint8_t b[2] = {0x48, (uint8_t)(0xb8 + reg)};
  emit_bytes(e, b, 2);
  emit_u64(e, (uint64_t)v);
}

/* A rel32 jump or call to a known offset, or a conditional jump
 * (cc = the low nibble of 0F 8x). */
static void rel32_to(Emitter *e, size_t target) { emit_u32(e, (uint32_t)(int32_t)((int64_t)target - (int64_t)(e->len + 4))); }
static void jcc_to(Emitter *e, int cc, size_t target) {
  uint8_t b[2] = {0x0f, (uint8_t)(0x80 | cc)};
  emit_bytes(e, b, 2);
  rel32_to(e, target);
}
static void jump_pc(Emitter *e, int cc, int target_pc, bool stub);

/* A jump (cc < 0) or conditional jump to the loop region's exit stub that
 * hands over to the interpreter at pc. */
static void stub_jump(Emitter *e, int cc, int pc) { jump_pc(e, cc, pc, true); }

/* Bail out when cc holds: a function returns up to the interpreter, which
 * runs the call again; a loop region hands the current instruction over. */
static void bail_if(Emitter *e, int cc) {
  if (e->region)
    stub_jump(e, cc, e->cur_pc);
  else
    jcc_to(e, cc, e->bail_at);
}

/* A jump (cc < 0) or conditional jump to the instruction target_pc (or, with
 * `stub`, to its exit stub), patched once every offset is known. */
static void jump_pc(Emitter *e, int cc, int target_pc, bool stub) {
  if (cc < 0) {
    EMIT(e, 0xe9);
  } else {
    uint8_t b[2] = {0x0f, (uint8_t)(0x80 | cc)};
    emit_bytes(e, b, 2);
  }
  if (e->nfix == e->capfix) {
    int cap = e->capfix ? e->capfix * 2 : 64;
    Fixup *nf = realloc(e->fix, (size_t)cap * sizeof(Fixup));
    if (!nf) {
      e->oom = true;
      return;
    }
    e->fix = nf;
    e->capfix = cap;
  }
  e->fix[e->nfix++] = (Fixup){e->len, target_pc, stub};
  emit_u32(e, 0);
}

/* Condition codes (the low nibble of jcc/setcc). */
enum { CC_O = 0x0, CC_E = 0x4, CC_NE = 0x5, CC_LE = 0xe, CC_G = 0xf, CC_L = 0xc, CC_GE = 0xd, CC_NS = 0x9 };
static int cc_invert(int cc) { return cc ^ 1; }
/* the condition for `a CMP b` after cmp a, b */
static int cc_of_cmp(int cmp) {
  static const int cc[6] = {CC_L, CC_LE, CC_E, CC_NE, CC_G, CC_GE};
  return cc[cmp];
}

/* The eval breaker: both words, as breaker_set() in interp.c reads them.
 * When either is set, ctx->breaker (native_breaker) lets the GIL go if
 * another thread asked for it, or says to bail. No register holds a value
 * here (rsp is 16-byte aligned in every body), so the C call saves nothing. */
static void check_breaker(Emitter *e) {
  EMIT(e, 0x41, 0x8b, 0x04, 0x24); /* mov eax, [r12] */
  EMIT(e, 0x41, 0x0b, 0x45, 0x00); /* or eax, [r13] */
  if (e->region) { /* the interpreter serves it, at this back-edge */
    stub_jump(e, CC_NE, e->cur_pc);
    return;
  }
  EMIT(e, 0x74, 0x0f);             /* jz over the next 15 bytes */
  EMIT(e, 0x4c, 0x89, 0xff);       /* mov rdi, r15 */
  EMIT(e, 0x41, 0xff, 0x57, 0x28); /* call [r15+40] */
  EMIT(e, 0x85, 0xc0);             /* test eax, eax */
  bail_if(e, CC_NE);               /* 6 bytes */
}

/* A forward jump over code not emitted yet, taken unless cc holds (cc < 0:
 * no jump); skip_end() patches it to land where the code then ends. */
static size_t skip_unless(Emitter *e, int cc) {
  if (cc < 0) return 0;
  uint8_t b[2] = {0x0f, (uint8_t)(0x80 | cc_invert(cc))};
  emit_bytes(e, b, 2);
  size_t at = e->len;
  emit_u32(e, 0);
  return at;
}
static void skip_end(Emitter *e, size_t at) {
  if (at) patch_rel32(e, at, e->len);
}

/* A jump to target_pc when condition cc holds (cc < 0: always). A
 * backward jump is a loop's back-edge and checks the breaker first, as
 * interp.c's JUMP_TO does. */
static void jump_when(Emitter *e, int pc, int cc, int target_pc) {
  if (e->region && (target_pc < e->lo || target_pc > e->hi)) {
    stub_jump(e, cc, target_pc); /* out of the loop */
    return;
  }
  if (target_pc > pc) {
    jump_pc(e, cc, target_pc, false);
    return;
  }
  size_t skip = skip_unless(e, cc);
  check_breaker(e);
  jump_pc(e, -1, target_pc, false);
  skip_end(e, skip);
}

/* rax = rax OP rcx for the int operators; overflow and the divisions
 * the interpreter's fast path does not do bail out. */
static void emit_binop(Emitter *e, int op) {
  switch (op) {
  case BINOP_ADD: EMIT(e, 0x48, 0x01, 0xc8); bail_if(e, CC_O); break;       /* add rax, rcx */
  case BINOP_SUB: EMIT(e, 0x48, 0x29, 0xc8); bail_if(e, CC_O); break;       /* sub rax, rcx */
  case BINOP_MUL: EMIT(e, 0x48, 0x0f, 0xaf, 0xc1); bail_if(e, CC_O); break; /* imul rax, rcx */
  case BINOP_AND: EMIT(e, 0x48, 0x21, 0xc8); break;
  case BINOP_OR: EMIT(e, 0x48, 0x09, 0xc8); break;
  case BINOP_XOR: EMIT(e, 0x48, 0x31, 0xc8); break;
  case BINOP_FLOORDIV:
  case BINOP_MOD: {
    /* Only a positive divisor (as interp.c's fast path): zero raises, and
     * INT64_MIN // -1 would trap. Truncating idiv, then floored: a
     * remainder below zero moves the quotient down and the remainder up
     * by the divisor. */
    EMIT(e, 0x48, 0x85, 0xc9); /* test rcx, rcx */
    bail_if(e, CC_LE);
    EMIT(e, 0x48, 0x99);       /* cqo */
    EMIT(e, 0x48, 0xf7, 0xf9); /* idiv rcx */
    EMIT(e, 0x48, 0x85, 0xd2); /* test rdx, rdx */
    EMIT(e, 0x79, 0x03);       /* jns over the next 3 bytes */
    if (op == BINOP_FLOORDIV) {
      EMIT(e, 0x48, 0xff, 0xc8); /* dec rax */
    } else {
      EMIT(e, 0x48, 0x01, 0xca); /* add rdx, rcx */
      EMIT(e, 0x48, 0x89, 0xd0); /* mov rax, rdx (on both paths) */
    }
    break;
  }
  }
}

/* Return rax to the caller: one activation less. */
static void emit_return(Emitter *e) {
  EMIT(e, 0x49, 0xff, 0xc6); /* inc r14 */
  EMIT(e, 0xc9, 0xc3);       /* leave; ret */
}

/* One instruction at pc, the value stack `d` deep on entry. */
static void emit_insn(Emitter *e, CodeObj *co, int pc, int d) {
  uint32_t w = co->code[pc];
  int op = (int)INSN_OP(w);
  uint32_t arg = INSN_ARG(w);
  const uint32_t *x = &co->code[pc + 1];
  switch (op) {
  case OP_NOP:
  case OP_POP_TOP:
  case OP_UNARY_POS:
  case OP_LOAD_GLOBAL: /* the function itself: checked on entry, nothing to load */
    break;
  case OP_DUP_TOP:
    load(e, RAX, disp_stack(e, d - 1));
    store(e, RAX, disp_stack(e, d));
    break;
  case OP_DUP_TOP_TWO:
    load(e, RAX, disp_stack(e, d - 2));
    store(e, RAX, disp_stack(e, d));
    load(e, RAX, disp_stack(e, d - 1));
    store(e, RAX, disp_stack(e, d + 1));
    break;
  case OP_ROT_TWO:
  case OP_ROT_THREE:
  case OP_ROT_FOUR: {
    int n = op == OP_ROT_TWO ? 2 : op == OP_ROT_THREE ? 3 : 4;
    load(e, RAX, disp_stack(e, d - 1)); /* the top goes n-1 down, the others up one */
    for (int i = d - 1; i > d - n; i--) {
      load(e, RCX, disp_stack(e, i - 1));
      store(e, RCX, disp_stack(e, i));
    }
    store(e, RAX, disp_stack(e, d - n));
    break;
  }
  case OP_LOAD_CONST:
    load_imm(e, RAX, co->consts[arg].as.i);
    store(e, RAX, disp_stack(e, d));
    break;
  case OP_LOAD_FAST:
    load(e, RAX, disp_local((int)arg));
    store(e, RAX, disp_stack(e, d));
    break;
  case OP_LOAD_FAST_FAST:
    load(e, RAX, disp_local((int)(arg & 0xfff)));
    store(e, RAX, disp_stack(e, d));
    load(e, RAX, disp_local((int)(arg >> 12)));
    store(e, RAX, disp_stack(e, d + 1));
    break;
  case OP_STORE_FAST:
    load(e, RAX, disp_stack(e, d - 1));
    store(e, RAX, disp_local((int)arg));
    break;
  case OP_BINARY_OP:
  case OP_INPLACE_OP:
    load(e, RAX, disp_stack(e, d - 2));
    load(e, RCX, disp_stack(e, d - 1));
    emit_binop(e, (int)arg);
    store(e, RAX, disp_stack(e, d - 2));
    break;
  case OP_BINOP_FAST_INT:
  case OP_INPLACE_FAST_INT:
    /* the immediate is the addend (already negated for `-`) */
    load(e, RAX, disp_local((int)x[0]));
    EMIT(e, 0x48, 0x05); /* add rax, imm32 */
    emit_u32(e, x[1]);
    bail_if(e, CC_O);
    store(e, RAX, op == OP_BINOP_FAST_INT ? disp_stack(e, d) : disp_local((int)x[0]));
    break;
  case OP_BINOP_FAST_CONST:
  case OP_INPLACE_FAST_CONST:
    load(e, RAX, disp_local((int)x[0]));
    load_imm(e, RCX, co->consts[x[1]].as.i);
    emit_binop(e, (int)arg);
    store(e, RAX, op == OP_BINOP_FAST_CONST ? disp_stack(e, d) : disp_local((int)x[0]));
    break;
  case OP_UNARY_NEG:
    load(e, RAX, disp_stack(e, d - 1));
    EMIT(e, 0x48, 0xf7, 0xd8); /* neg rax */
    bail_if(e, CC_O);
    store(e, RAX, disp_stack(e, d - 1));
    break;
  case OP_UNARY_INVERT:
    load(e, RAX, disp_stack(e, d - 1));
    EMIT(e, 0x48, 0xf7, 0xd0); /* not rax */
    store(e, RAX, disp_stack(e, d - 1));
    break;
  case OP_UNARY_NOT:
    load(e, RAX, disp_stack(e, d - 1));
    EMIT(e, 0x48, 0x85, 0xc0);       /* test rax, rax */
    EMIT(e, 0x0f, 0x94, 0xc0);       /* sete al */
    EMIT(e, 0x48, 0x0f, 0xb6, 0xc0); /* movzx rax, al */
    store(e, RAX, disp_stack(e, d - 1));
    break;
  case OP_COMPARE_OP: {
    load(e, RAX, disp_stack(e, d - 2));
    load(e, RCX, disp_stack(e, d - 1));
    EMIT(e, 0x48, 0x39, 0xc8); /* cmp rax, rcx */
    uint8_t b[3] = {0x0f, (uint8_t)(0x90 | cc_of_cmp((int)arg)), 0xc0};
    emit_bytes(e, b, 3);             /* setcc al */
    EMIT(e, 0x48, 0x0f, 0xb6, 0xc0); /* movzx rax, al */
    store(e, RAX, disp_stack(e, d - 2));
    break;
  }
  case OP_JUMP: jump_when(e, pc, -1, (int)arg); break;
  case OP_POP_JUMP_IF_FALSE:
  case OP_POP_JUMP_IF_TRUE:
  case OP_JUMP_IF_FALSE_OR_POP:
  case OP_JUMP_IF_TRUE_OR_POP: {
    load(e, RAX, disp_stack(e, d - 1));
    EMIT(e, 0x48, 0x85, 0xc0); /* test rax, rax */
    bool on_true = op == OP_POP_JUMP_IF_TRUE || op == OP_JUMP_IF_TRUE_OR_POP;
    jump_when(e, pc, on_true ? CC_NE : CC_E, (int)arg);
    break;
  }
  case OP_JUMP_IF_FAST_INT:
  case OP_RETURN_IF_FAST_INT: {
    /* bits 8-10 of arg: act when local <, ==, > imm */
    static const int act_cc[8] = {-2, CC_L, CC_E, CC_LE, CC_G, CC_NE, CC_GE, -1};
    int cc = act_cc[(arg >> 8) & 7];
    load(e, RAX, disp_local((int)x[0]));
    EMIT(e, 0x48, 0x3d); /* cmp rax, imm32 */
    emit_u32(e, x[1]);
    if (op == OP_JUMP_IF_FAST_INT) {
      if (cc != -2) jump_when(e, pc, cc, (int)x[2]);
      break;
    }
    if (cc == -2) break; /* never returns */
    if (e->region) { /* the interpreter returns */
      stub_jump(e, cc, pc);
      break;
    }
    size_t skip = skip_unless(e, cc);
    if (x[2] != RETURN_THE_LOCAL) load_imm(e, RAX, co->consts[x[2]].as.i);
    emit_return(e);
    skip_end(e, skip);
    break;
  }
  case OP_JUMP_IF_FAST_CONST: {
    load(e, RAX, disp_local((int)x[0]));
    load_imm(e, RCX, co->consts[x[1]].as.i);
    EMIT(e, 0x48, 0x39, 0xc8); /* cmp rax, rcx */
    int cc = cc_of_cmp((int)(arg & 15));
    jump_when(e, pc, (arg & 16) ? cc : cc_invert(cc), (int)x[2]);
    break;
  }
  case OP_RETURN_FAST:
    load(e, RAX, disp_local((int)arg));
    emit_return(e);
    break;
  case OP_RETURN_CONST:
    load_imm(e, RAX, co->consts[arg].as.i);
    emit_return(e);
    break;
  case OP_RETURN_VALUE:
    load(e, RAX, disp_stack(e, d - 1));
    emit_return(e);
    break;
  case OP_FOR_ITER:
    /* only at a loop region's head (analyze_insn): the next value of the
     * range iterator below the region's stack, or, when it is exhausted,
     * the interpreter's FOR_ITER (which pops it and leaves the loop) */
    EMIT(e, 0x49, 0x8b, 0x4f, 0x48);       /* mov rcx, [r15+72]: &it->pos */
    EMIT(e, 0x48, 0x8b, 0x01);             /* mov rax, [rcx] */
    EMIT(e, 0x49, 0x3b, 0x47, 0x60);       /* cmp rax, [r15+96]: length */
    stub_jump(e, CC_GE, pc);
    EMIT(e, 0x48, 0x8d, 0x50, 0x01);       /* lea rdx, [rax+1] */
    EMIT(e, 0x48, 0x89, 0x11);             /* mov [rcx], rdx */
    EMIT(e, 0x49, 0x0f, 0xaf, 0x47, 0x58); /* imul rax, [r15+88]: step */
    EMIT(e, 0x49, 0x03, 0x47, 0x50);       /* add rax, [r15+80]: start */
    store(e, RAX, disp_stack(e, d));
    break;
  case OP_CALL: {
    /* [self][arg0 .. argn-1]: the callee reads arg i at [rdi - 8i] */
    int n = (int)arg;
    EMIT(e, 0x48, 0x8d, 0xbd); /* lea rdi, [rbp+d32] */
    emit_u32(e, (uint32_t)disp_stack(e, d - n));
    EMIT(e, 0xe8); /* call body */
    rel32_to(e, e->body_at);
    EMIT(e, 0x41, 0x83, 0x3f, 0x00); /* cmp dword [r15], 0: bailed below? */
    jcc_to(e, CC_NE, e->unwind_at);
    store(e, RAX, disp_stack(e, d - n - 1));
    break;
  }
  }
}

/* Both entries from C (a function's, a loop region's) start alike: the
 * callee-saved registers pushed, r15 = the NativeCtx (first argument), r12
 * and r13 its two eval-breaker words; and they return alike. */
static void emit_enter_from_c(Emitter *e) {
  EMIT(e, 0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57); /* push rbx rbp r12-r15 */
  EMIT(e, 0x49, 0x89, 0xff);       /* mov r15, rdi */
  EMIT(e, 0x4d, 0x8b, 0x67, 0x18); /* mov r12, [r15+24] */
  EMIT(e, 0x4d, 0x8b, 0x6f, 0x20); /* mov r13, [r15+32] */
}
static void emit_return_to_c(Emitter *e) {
  EMIT(e, 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3); /* pop r15-r12 rbp rbx; ret */
}

/* The instructions from lo to hi, each at its e->pc_at; in a loop region
 * an exit is a jump to its stub. */
static void emit_body(Emitter *e, CodeObj *co, const Analysis *a, int lo, int hi) {
  for (int pc = lo; pc <= hi;) {
    int op = (int)INSN_OP(co->code[pc]);
    e->pc_at[pc] = e->len;
    e->cur_pc = pc;
    if (a->at[pc].seen && a->at[pc].exit)
      stub_jump(e, -1, pc);
    else if (a->at[pc].seen)
      emit_insn(e, co, pc, a->at[pc].depth);
    pc += 1 + opcode_extra_words[op];
  }
}

/* Points every jump at its instruction, or at its exit stub (stub_at[pc],
 * loop regions only). */
static void patch_jumps(Emitter *e, const size_t *stub_at) {
  for (int i = 0; i < e->nfix; i++) {
    const Fixup *f = &e->fix[i];
    patch_rel32(e, f->at, f->stub ? stub_at[f->target_pc] : e->pc_at[f->target_pc]);
  }
}

/* The entry from C: entry(ctx, args_last) saves the callee-saved
 * registers, loads the run's registers, calls the body and stores its
 * result in ctx->result. */
static void emit_entry(Emitter *e) {
  emit_enter_from_c(e);
  EMIT(e, 0x4d, 0x8b, 0x77, 0x08); /* mov r14, [r15+8] */
  EMIT(e, 0x48, 0x89, 0xf7);       /* mov rdi, rsi */
  EMIT(e, 0x48, 0x83, 0xec, 0x08); /* sub rsp, 8: the body's frames 16-byte aligned */
  EMIT(e, 0xe8);                   /* call body (patched: the body follows the bail code) */
}

/* Copies the finished code into its own pages, then makes them read and
 * execute only. Frees the emitter's buffers either way. */
static bool install(Emitter *e, void **mem_out, size_t *size_out) {
  free(e->pc_at);
  free(e->fix);
  e->pc_at = NULL;
  e->fix = NULL;
  if (e->oom) {
    free(e->buf);
    return false;
  }
  size_t size = (e->len + 4095) & ~(size_t)4095;
  void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    free(e->buf);
    return false;
  }
  memcpy(mem, e->buf, e->len);
  free(e->buf);
  if (mprotect(mem, size, PROT_READ | PROT_EXEC) != 0) {
    munmap(mem, size);
    return false;
  }
  *mem_out = mem;
  *size_out = size;
  return true;
}

static bool compile(CodeObj *co, Analysis *a, NativeCode *out) {
  Emitter e = {0};
  e.nlocals = co->nlocals;
  e.pc_at = calloc((size_t)co->ncode, sizeof(size_t));
  if (!e.pc_at) return false;
  emit_entry(&e);
  size_t call_rel = e.len;
  emit_u32(&e, 0);
  EMIT(&e, 0x48, 0x83, 0xc4, 0x08); /* add rsp, 8 */
  EMIT(&e, 0x49, 0x89, 0x47, 0x10); /* mov [r15+16], rax */
  emit_return_to_c(&e);
  /* bail: flag it, leave this activation; each caller's check unwinds */
  e.bail_at = e.len;
  EMIT(&e, 0x41, 0xc7, 0x07, BAIL_OTHER, 0x00, 0x00, 0x00); /* mov dword [r15], BAIL_OTHER */
  EMIT(&e, 0xc9, 0xc3);                                     /* leave; ret */
  e.bail_depth_at = e.len;
  EMIT(&e, 0x41, 0xc7, 0x07, BAIL_DEPTH, 0x00, 0x00, 0x00); /* mov dword [r15], BAIL_DEPTH */
  e.unwind_at = e.len;
  EMIT(&e, 0xc9, 0xc3); /* leave; ret */

  /* the body: frame, budget, breaker, arguments */
  e.body_at = e.len;
  patch_rel32(&e, call_rel, e.body_at);
  int slots = co->nlocals + a->maxdepth;
  int32_t frame = (int32_t)((slots * 8 + 15) & ~15);
  EMIT(&e, 0x55, 0x48, 0x89, 0xe5); /* push rbp; mov rbp, rsp */
  EMIT(&e, 0x48, 0x81, 0xec);       /* sub rsp, imm32 */
  emit_u32(&e, (uint32_t)frame);
  EMIT(&e, 0x49, 0xff, 0xce); /* dec r14: one activation more */
  jcc_to(&e, CC_E, e.bail_depth_at);
  for (int i = 0; i < co->argcount; i++) {
    EMIT(&e, 0x48, 0x8b, 0x87); /* mov rax, [rdi+d32] */
    emit_u32(&e, (uint32_t)(-8 * i));
    store(&e, RAX, disp_local(i));
  }
  check_breaker(&e); /* after the arguments: rdi is free */
  emit_body(&e, co, a, 0, co->ncode - 1);
  patch_jumps(&e, NULL);
  if (!install(&e, &out->mem, &out->size)) return false;
  /* data pointer to function pointer: POSIX guarantees this works (dlsym) */
  void (*entry)(NativeCtx *, const int64_t *);
  memcpy(&entry, &out->mem, sizeof entry);
  out->entry = entry;
  out->max_depth = NATIVE_STACK_BYTES / (frame + 16);
  out->self_calls = a->self_calls;
  return true;
}

/* ---- loop regions: the while loops of any function ------------------------------- */

/* The exit stubs of a loop region, one per instruction where the
 * interpreter may take over: eax = that pc, then the epilogue. Fills
 * l->resume with what the value stack holds at each. */
static bool emit_stubs(Emitter *e, Analysis *a, size_t epilogue, NativeLoop *l) {
  size_t *stub_at = calloc((size_t)a->co->ncode, sizeof(size_t));
  l->resume = calloc((size_t)e->nfix + 1, sizeof(ResumePoint));
  if (!stub_at || !l->resume) {
    free(stub_at);
    return false;
  }
  for (int i = 0; i < e->nfix; i++) {
    int pc = e->fix[i].target_pc;
    if (!e->fix[i].stub || stub_at[pc]) continue;
    stub_at[pc] = e->len;
    ResumePoint *r = &l->resume[l->nresume++];
    r->pc = pc;
    r->depth = a->at[pc].depth;
    memcpy(r->types, a->at[pc].types, sizeof r->types);
    EMIT(e, 0xb8); /* mov eax, pc */
    emit_u32(e, (uint32_t)pc);
    EMIT(e, 0xe9); /* jmp epilogue */
    rel32_to(e, epilogue);
  }
  patch_jumps(e, stub_at);
  free(stub_at);
  return true;
}

/* entry(ctx): saves the callee-saved registers, points rbp at the frame in
 * ctx->slots_top, runs the loop from lo; every exit stub comes back to the
 * epilogue with the pc to resume at in eax. No calls: the breaker and every
 * bail-out hand over to the interpreter. */
static bool compile_region(CodeObj *co, Analysis *a, NativeLoop *l) {
  Emitter e = {0};
  e.nlocals = co->nlocals;
  e.region = true;
  e.lo = a->lo;
  e.hi = a->hi;
  e.pc_at = calloc((size_t)co->ncode, sizeof(size_t));
  if (!e.pc_at) return false;
  emit_enter_from_c(&e);
  EMIT(&e, 0x49, 0x8b, 0x6f, 0x40); /* mov rbp, [r15+64] */
  jump_pc(&e, -1, a->lo, false);
  size_t epilogue = e.len;
  emit_return_to_c(&e);
  emit_body(&e, co, a, a->lo, a->hi);
  /* the last instruction falling through leaves the loop */
  if (a->hi + 1 < co->ncode && a->at[a->hi + 1].seen) stub_jump(&e, -1, a->hi + 1);
  bool stubs = emit_stubs(&e, a, epilogue, l);
  if (!install(&e, &l->mem, &l->size) || !stubs) { /* install frees the buffers either way */
    if (l->mem) munmap(l->mem, l->size);
    free(l->resume);
    l->resume = NULL;
    l->nresume = 0;
    l->mem = NULL;
    return false;
  }
  int (*entry)(NativeCtx *);
  memcpy(&entry, &l->mem, sizeof entry);
  l->entry = entry;
  l->touched = a->touched;
  l->nslots = co->nlocals + a->maxdepth;
  return true;
}

/* The loops of co: every backward jump's target heads a region that ends
 * with the last back-edge to it. NULL when there are none. */
static struct NativeLoops *find_loops(CodeObj *co) {
  int n = 0;
  struct NativeLoops *ls = NULL;
  for (int pc = 0; pc < co->ncode;) {
    uint32_t w = co->code[pc];
    int op = (int)INSN_OP(w);
    int end = pc + opcode_extra_words[op];
    int target = -1;
    if (op == OP_JUMP || op == OP_POP_JUMP_IF_FALSE || op == OP_POP_JUMP_IF_TRUE ||
        op == OP_JUMP_IF_FALSE_OR_POP || op == OP_JUMP_IF_TRUE_OR_POP)
      target = (int)INSN_ARG(w);
    else if (op == OP_JUMP_IF_FAST_INT || op == OP_JUMP_IF_FAST_CONST)
      target = (int)co->code[pc + 3];
    pc = end + 1;
    if (target < 0 || target > end) continue;
    int i = 0;
    while (i < n && ls->loop[i].lo != target) i++;
    if (i == n) {
      struct NativeLoops *nl = realloc(ls, sizeof *ls + (size_t)(n + 1) * sizeof(NativeLoop));
      if (!nl) break;
      ls = nl;
      memset(&ls->loop[n], 0, sizeof(NativeLoop));
      ls->loop[n].lo = target;
      ls->loop[n].for_range = INSN_OP(co->code[target]) == OP_FOR_ITER;
      n++;
    }
    if (end > ls->loop[i].hi) ls->loop[i].hi = end;
  }
  if (ls) ls->n = n;
  return ls;
}

/* At co's first back-edge: finds its loops. Each is compiled at its own
 * first back-edge, for the locals that are ints then. */
static void loops_prepare(TState *ts, CodeObj *co) {
  co->native_loops_state = NATIVE_NO;
  if (!ts->interp->native_enabled) return;
  co->native_loops = find_loops(co);
  if (co->native_loops) co->native_loops_state = NATIVE_READY;
}

static void loop_compile(CodeObj *co, NativeLoop *l, const Value *locals) {
  uint64_t ints = 0;
  for (int i = 0; i < co->nlocals && i < NATIVE_MAX_LOCALS; i++)
    if (locals[i].tag == T_INT) ints |= (uint64_t)1 << i;
  Analysis a = {0};
  l->state = analyze_region(&a, co, l->lo, l->hi, ints) && compile_region(co, &a, l) ? NATIVE_READY : NATIVE_NO;
  analysis_free(&a);
}

int native_loop_run(TState *ts, CodeObj *co, Value *locals, int header, Value **spp) {
  if (co->native_loops_state == NATIVE_UNKNOWN) loops_prepare(ts, co);
  if (co->native_loops_state != NATIVE_READY) return -1;
  NativeLoop *l = NULL;
  for (int i = 0; i < co->native_loops->n; i++)
    if (co->native_loops->loop[i].lo == header) {
      l = &co->native_loops->loop[i];
      break;
    }
  if (!l) return -1;
  if (l->state == NATIVE_UNKNOWN) loop_compile(co, l, locals);
  if (l->state != NATIVE_READY) return -1;
  int64_t slots[NATIVE_MAX_LOCALS + NATIVE_MAX_STACK];
  int64_t *top = slots + l->nslots;
  for (uint64_t m = l->touched; m; m &= m - 1) {
    int i = __builtin_ctzll(m);
    if (locals[i].tag != T_INT) return -1;
    top[-1 - i] = locals[i].as.i;
  }
  Interp *in = ts->interp;
  NativeCtx ctx = {.eb_interp = &in->eval_breaker, .eb_thread = &ts->pending, .ts = ts, .slots_top = top};
  if (l->for_range) {
    /* the for loop's iterator, on the interpreter's stack below the region */
    Value itv = (*spp)[-1];
    if (!v_is_type(itv, &IteratorType)) return -1;
    SeqIterObj *it = (SeqIterObj *)itv.as.o;
    if (it->kind != IT_RANGE || v_is_undef(it->seq)) return -1;
    RangeObj *rg = (RangeObj *)it->seq.as.o;
    ctx.iter_pos = &it->pos;
    ctx.range_start = rg->start;
    ctx.range_step = rg->step;
    ctx.range_len = rg->length;
  }
  int pc = l->entry(&ctx);
  /* the touched locals were ints: overwriting them releases nothing */
  for (uint64_t m = l->touched; m; m &= m - 1) {
    int i = __builtin_ctzll(m);
    locals[i] = v_int(top[-1 - i]);
  }
  const ResumePoint *r = l->resume, *end = r + l->nresume;
  while (r < end && r->pc != pc) r++;
  if (r == end) { /* every exit has its stub and resume point: cannot happen */
    fprintf(stderr, "gild: native loop returned an unknown pc %d in %s\n", pc, ((StrObj *)co->name)->data);
    abort();
  }
  Value *sp = *spp;
  for (int k = 0; k < r->depth; k++) {
    int64_t v = top[-1 - co->nlocals - k];
    sp[k] = r->types[k] == TY_BOOL ? v_bool(v != 0) : v_int(v);
  }
  *spp = sp + r->depth;
  atomic_fetch_add_explicit(&in->native_loop_runs, 1, memory_order_relaxed);
  return pc;
}

/* The first call: analyse and compile, once per code object. */
static NativeCode *native_prepare(TState *ts, CodeObj *co) {
  co->native_state = NATIVE_NO;
  if (!ts->interp->native_enabled) return NULL;
  Analysis a = {0};
  NativeCode *nc = NULL;
  if (analyze(&a, co)) {
    nc = calloc(1, sizeof *nc);
    if (nc && !compile(co, &a, nc)) {
      free(nc);
      nc = NULL;
    }
  }
  analysis_free(&a);
  if (nc) {
    co->native = nc;
    co->native_state = NATIVE_READY;
  }
  return nc;
}

/* The self-binding every recursive call relies on: the function's name
 * in its globals is a function with this same code and globals, taking
 * exactly these positional arguments. */
static bool self_binding_holds(FunctionObj *fn) {
  CodeObj *co = fn->code;
  Value g = dict_get_str_borrowed(fn->globals, co->name);
  if (!v_is_type(g, &FunctionType)) return false;
  FunctionObj *self = (FunctionObj *)g.as.o;
  return self->code == co && self->globals == fn->globals && self->fast_nargs == co->argcount;
}

/* The eval breaker is set in native code. Only a GIL drop request is
 * served here, as the interpreter serves it (native frames hold no
 * objects, and the caller's frame and the function stay alive through the
 * interpreter's stack); everything else, and a self-binding changed by
 * the threads that ran meanwhile, bails out to the interpreter. */
static int native_breaker(NativeCtx *ctx) {
  TState *ts = ctx->ts;
  Interp *in = ts->interp;
  if (vm_async_exc_pending(ts)) return 1;
  uint32_t eb = atomic_load_explicit(&in->eval_breaker, memory_order_relaxed);
  if (eb & ~(uint32_t)EB_GIL_DROP_REQUEST) return 1;
  if (eb & EB_GIL_DROP_REQUEST) {
    vm_gil_eval_breaker(ts);
    if (ctx->fn->code->native->self_calls && !self_binding_holds(ctx->fn)) return 1;
  }
  return vm_async_exc_pending(ts);
}

int native_call(TState *ts, FunctionObj *fn, const Value *args, int nargs, int depth, int64_t *out) {
  CodeObj *co = fn->code;
  NativeCode *nc = co->native_state == NATIVE_READY ? co->native : NULL;
  if (!nc && (co->native_state != NATIVE_UNKNOWN || !(nc = native_prepare(ts, co)))) return 0;
  if (nargs != co->argcount || nargs > NATIVE_MAX_ARGS) return 0;
  /* the arguments, last first: the code reads argument i at [rdi - 8i] */
  int64_t argv[NATIVE_MAX_ARGS];
  for (int i = 0; i < nargs; i++) {
    if (args[i].tag != T_INT) return 0;
    argv[NATIVE_MAX_ARGS - 1 - i] = args[i].as.i;
  }
  /* After a depth bail the interpreter recurses past where native code
   * may: no native entry below that depth until it is back above it (else
   * every interpreted level would retry, and bail, again). */
  if (ts->native_deep_from) {
    if (depth >= ts->native_deep_from) return 0;
    ts->native_deep_from = 0;
  }
  if (nc->self_calls && !self_binding_holds(fn)) return 0;
  Interp *in = ts->interp;
  /* Activation k (the callee is 1) is at depth depth + k; the interpreter
   * makes it when depth + k - 1 < the limit. The body bails when its
   * decrement reaches 0, so the budget is that bound plus one (and the C
   * stack's bound plus one). */
  int64_t budget = (int64_t)in->recursion_limit - depth + 1;
  if (budget > nc->max_depth + 1) budget = nc->max_depth + 1;
  if (budget < 2) return 0;
  NativeCtx ctx = {.bailed = BAIL_NONE, .budget = budget, .eb_interp = &in->eval_breaker,
                   .eb_thread = &ts->pending, .breaker = native_breaker, .ts = ts, .fn = fn};
  atomic_fetch_add_explicit(&in->native_entered, 1, memory_order_relaxed);
  nc->entry(&ctx, &argv[NATIVE_MAX_ARGS - 1]);
  if (ctx.bailed != BAIL_NONE) {
    if (ctx.bailed == BAIL_DEPTH) ts->native_deep_from = depth + 1;
    atomic_fetch_add_explicit(&in->native_bailed, 1, memory_order_relaxed);
    return 0;
  }
  atomic_fetch_add_explicit(&in->native_done, 1, memory_order_relaxed);
  *out = ctx.result;
  return 1;
}

void native_free(CodeObj *co) {
  NativeCode *nc = co->native;
  if (nc) {
    munmap(nc->mem, nc->size);
    free(nc);
  }
  co->native = NULL;
  co->native_state = NATIVE_NO;
  struct NativeLoops *ls = co->native_loops;
  if (ls) {
    for (int i = 0; i < ls->n; i++) {
      if (ls->loop[i].mem) munmap(ls->loop[i].mem, ls->loop[i].size);
      free(ls->loop[i].resume);
    }
    free(ls);
  }
  co->native_loops = NULL;
  co->native_loops_state = NATIVE_NO;
}

void native_describe_loops(CodeObj *co, void *file) {
  FILE *f = file;
  struct NativeLoops *ls = find_loops(co);
  if (!ls) return;
  fputs("  native loops:", f);
  for (int i = 0; i < ls->n; i++) {
    char why[160];
    Analysis a = {0};
    a.why = why;
    a.whylen = sizeof why;
    if (analyze_region(&a, co, ls->loop[i].lo, ls->loop[i].hi, ~(uint64_t)0))
      fprintf(f, "%s %d-%d yes%s", i ? "," : "", ls->loop[i].lo, ls->loop[i].hi,
              ls->loop[i].for_range ? " (over a range)" : "");
    else
      fprintf(f, "%s %d-%d no (%s)", i ? "," : "", ls->loop[i].lo, ls->loop[i].hi, why);
    analysis_free(&a);
  }
  fputc('\n', f);
  free(ls);
}

#else /* not x86-64 Linux: everything runs in the interpreter */

int native_call(TState *ts, FunctionObj *fn, const Value *args, int nargs, int depth, int64_t *out) {
  (void)ts, (void)args, (void)nargs, (void)depth, (void)out;
  fn->code->native_state = NATIVE_NO;
  return 0;
}

int native_loop_run(TState *ts, CodeObj *co, Value *locals, int header, Value **spp) {
  (void)ts, (void)locals, (void)header, (void)spp;
  co->native_loops_state = NATIVE_NO;
  return -1;
}

void native_free(CodeObj *co) { (void)co; }

void native_describe_loops(CodeObj *co, void *file) { (void)co, (void)file; }

#endif
