/*
 * interp.c - the bytecode interpreter: one dispatch function (run_frame),
 * computed goto under GCC/Clang and a switch otherwise.
 *
 * Frames live on the thread's value stack (code.h), so a call from Python
 * to Python pushes a frame and continues in the same C loop: Python
 * recursion never recurses in C, and the recursion limit raises
 * RecursionError long before the C stack is in danger. Only calls that come
 * from C (a builtin calling a key function, say) enter run_frame again.
 *
 * Exceptions are status returns: a failing operation sets ts->exc and the
 * loop goes to `error`, which records a traceback entry, looks the
 * instruction up in the code's exception table and either jumps to the
 * handler (with the value stack cut to the handler's depth and the
 * exception pushed) or pops the frame and continues unwinding in the
 * caller. Nothing longjmps, so every reference is released on the way.
 *
 * The eval breaker (GIL drop requests, async exceptions, GC) is checked on
 * backward jumps and on every Python call, never merely every N
 * instructions.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "gc.h"
#include "methods.h"
#include "native.h"
#include "objimpl.h"
#include "seqiter.h"
#include "setobject.h"
#include "vm.h"
#include "vm_gil.h"

static int run_frame(TState *ts, Frame *f, Value *result);
extern Type SystemError_Type; /* errors.c: for "can't happen" paths */

/* ---- the eval breaker ------------------------------------------------------------ */

int vm_handle_eval_breaker(TState *ts) {
  Interp *in = ts->interp;
  uint32_t eb = atomic_load_explicit(&in->eval_breaker, memory_order_relaxed);
  if (eb & EB_GC) {
    atomic_fetch_and(&in->eval_breaker, ~(uint32_t)EB_GC);
    gc_maybe_collect(ts);
  }
  /* Another thread asked for the GIL: drop it, let that thread run, take
   * it back (gil.c decides who runs next and when we get it again). */
  if (eb & EB_GIL_DROP_REQUEST) vm_gil_eval_breaker(ts);
  uint32_t p = atomic_load_explicit(&ts->pending, memory_order_relaxed);
  if (p & EB_ASYNC_EXC) {
    atomic_fetch_and(&ts->pending, ~(uint32_t)EB_ASYNC_EXC);
    Type *t = ts->async_exc_type ? ts->async_exc_type : &KeyboardInterrupt_Type;
    ts->async_exc_type = NULL;
    return vm_raise(ts, t, "%s", t == &TimeoutError_Type ? "handler timed out" : "");
  }
  return 0;
}

static inline bool breaker_set(TState *ts) {
  return (atomic_load_explicit(&ts->interp->eval_breaker, memory_order_relaxed) |
          atomic_load_explicit(&ts->pending, memory_order_relaxed)) != 0;
}

/* ---- frames ---------------------------------------------------------------------- */

static Value *stack_top(TState *ts) {
  Frame *f = ts->frame;
  return f ? FRAME_STACK(f) + f->code->stacksize : ts->stack;
}

/* The depth lives in the frames (one store per call, no counter in ts to
 * increment and decrement): the innermost frame's is the thread's. */
int vm_recursion_depth(TState *ts) { return ts->frame ? ts->frame->depth : 0; }

static int frame_space(CodeObj *co) {
  return co->nlocals + co->ncells + co->nfrees + FRAME_VALUES + co->stacksize + 2;
}

static int recursion_error(TState *ts) {
  return vm_raise(ts, &RecursionError_Type, "maximum recursion depth exceeded");
}

/* Completes a frame whose locals are filled: cells, frees, header. */
static Frame *frame_setup(TState *ts, FunctionObj *fn, CodeObj *co, Obj *globals, Value *ret,
                          Value *locals) {
  Value *cells = locals + co->nlocals;
  for (int i = 0; i < co->ncells; i++) {
    int p = co->cell_param[i];
    Obj *c = cell_new(ts, p >= 0 ? locals[p] : v_undef());
    if (!c) {
      for (int k = 0; k < i; k++) v_decref(cells[k]);
      for (int k = i; k < co->ncells + co->nfrees; k++) cells[k] = v_undef();
      return NULL;
    }
    cells[i] = v_obj(c);
  }
  for (int i = 0; i < co->nfrees; i++)
    cells[co->ncells + i] = v_incref(((TupleObj *)fn->closure)->items[i]);
  Frame *f = (Frame *)(cells + co->ncells + co->nfrees);
  f->prev = ts->frame;
  f->ret_ip = f->prev ? f->prev->ip : NULL;
  f->code = co;
  f->globals = globals;
  f->ip = co->code;
  f->ret = ret;
  f->locals = locals;
  f->sp = FRAME_STACK(f);
  f->depth = vm_recursion_depth(ts) + 1;
  ts->frame = f;
  return f;
}

static void values_release(Value *from, Value *to) {
  for (Value *v = from; v < to; v++) v_decref(*v);
}

/* Releases everything a frame holds (callable slot, locals, cells, stack). */
static void frame_clear(TState *ts, Frame *f, Value *sp) {
  CodeObj *co = f->code;
  Value *end = f->locals + co->nlocals + co->ncells + co->nfrees;
  for (Value *v = f->ret; v < end; v++) v_decref(*v);
  for (Value *v = FRAME_STACK(f); v < sp; v++) v_decref(*v);
  ts->frame = f->prev;
}

/* Binds arguments for a call of fn whose callable sits at ret and whose
 * positional args start at args (on the value stack, owned). The args are
 * moved aside first because the locals overlap them. Returns the frame, or
 * NULL with an exception (args released either way). */
static Frame *push_call(TState *ts, FunctionObj *fn, Value *ret, Value *locals, Value *args,
                        int nargs, Obj *kwnames, Obj *kwdict) {
  CodeObj *co = fn->code;
  int nkw = kwnames ? (int)((TupleObj *)kwnames)->len : 0;
  int total = nargs + nkw;
  if (vm_recursion_depth(ts) >= ts->interp->recursion_limit) {
    for (int i = 0; i < total; i++) v_decref(args[i]);
    recursion_error(ts);
    return NULL;
  }
  Value *scratch = locals + frame_space(co);
  if (scratch + total + 1 >= ts->stack_end) {
    for (int i = 0; i < total; i++) v_decref(args[i]);
    recursion_error(ts);
    return NULL;
  }
  /* plain positional call: the arguments already are the first locals */
  if (!nkw && !kwdict && nargs == co->argcount && !(co->flags & (CO_VARARGS | CO_VARKW)) &&
      !co->kwonlycount && args == locals) {
    for (int i = nargs; i < co->nlocals; i++) locals[i] = v_undef();
  } else {
    memmove(scratch, args, sizeof(Value) * (size_t)total);
    for (int i = 0; i < co->nlocals; i++) locals[i] = v_undef();
    int rc = function_bind_args(ts, fn, scratch, nargs, kwnames, scratch + nargs, kwdict, locals);
    for (int i = 0; i < total; i++) v_decref(scratch[i]);
    if (rc < 0) {
      for (int i = 0; i < co->nlocals; i++) v_decref(locals[i]);
      for (int i = 0; i < co->nlocals; i++) locals[i] = v_undef();
      return NULL;
    }
  }
  Frame *f = frame_setup(ts, fn, co, fn->globals, ret, locals);
  if (!f) {
    for (int i = 0; i < co->nlocals; i++) v_set(&locals[i], v_undef());
    return NULL;
  }
  return f;
}

/* Any callable, from C: Python functions get a frame and a nested loop. */
int vm_call(TState *ts, Value callable, const Value *args, int nargs, Obj *kwargs, Value *out) {
  if (v_is_type(callable, &FunctionType)) {
    FunctionObj *fn = (FunctionObj *)callable.as.o;
    /* Pure int code runs natively from C too (a thread's target,
     * sorted's key, a handler's helper): native.c; 0 means as usual. */
    int64_t res;
    if (fn->code->native_state >= NATIVE_UNKNOWN && fn->fast_nargs == nargs &&
        !(kwargs && as_dict(v_obj(kwargs))->used) &&
        native_call(ts, fn, args, nargs, vm_recursion_depth(ts), &res)) {
      *out = v_int(res);
      return 0;
    }
    Value *base = stack_top(ts);
    if (base + 2 + nargs + frame_space(fn->code) >= ts->stack_end) return recursion_error(ts);
    base[0] = v_incref(callable);
    Value *locals = base + 1;
    for (int i = 0; i < nargs; i++) locals[i] = v_incref(args[i]);
    Frame *f = push_call(ts, fn, base, locals, locals, nargs, NULL,
                         kwargs && as_dict(v_obj(kwargs))->used ? kwargs : NULL);
    if (!f) {
      v_decref(base[0]);
      return -1;
    }
    return run_frame(ts, f, out);
  }
  Type *t = v_type(callable);
  if (!t->call) return vm_raise(ts, &TypeError_Type, "'%s' object is not callable", t->name);
  return t->call(ts, callable, args, nargs, kwargs, out);
}

int interp_run_module(TState *ts, CodeObj *co, Obj *globals) {
  Value *base = stack_top(ts);
  if (base + 2 + frame_space(co) >= ts->stack_end) return recursion_error(ts);
  base[0] = v_none();
  Frame *f = frame_setup(ts, NULL, co, globals, base, base + 1);
  if (!f) return -1;
  Value r;
  if (run_frame(ts, f, &r) < 0) return -1;
  v_decref(r);
  return 0;
}

/* ---- helpers of the instructions ------------------------------------------------ */

static int add_traceback(TState *ts, Frame *f, const uint32_t *ip) {
  Value exc = ts->exc;
  if (!v_is_obj(exc) || !(exc.as.o->type->flags & TF_EXCEPTION)) return 0;
  ExcObj *e = (ExcObj *)exc.as.o;
  CodeObj *co = f->code;
  int line = code_line_at(co, (int)(ip - co->code) - 1);
  Obj *name = (co->flags & CO_MODULE) ? str_intern("<module>") : co->name;
  Obj *entry = tuple_pack(ts, 3, v_obj(co->filename), v_int(line), v_obj(name));
  if (!entry) return -1;
  if (!e->traceback) {
    e->traceback = list_new(ts, 0);
    if (!e->traceback) {
      obj_decref(entry);
      return -1;
    }
  }
  /* unwinding goes outward: each frame's entry goes in front */
  ListObj *tb = (ListObj *)e->traceback;
  if (list_append(ts, e->traceback, v_none()) < 0) {
    obj_decref(entry);
    return -1;
  }
  memmove(tb->items + 1, tb->items, sizeof(Value) * (tb->len - 1));
  tb->items[0] = v_obj(entry);
  return 0;
}

static const ExcEntry *find_handler(CodeObj *co, int pc) {
  for (int i = 0; i < co->nexc; i++)
    if ((int)co->exctab[i].start <= pc && pc < (int)co->exctab[i].end) return &co->exctab[i];
  return NULL;
}

static int unbound_local(TState *ts, CodeObj *co, int slot) {
  return vm_raise(ts, &UnboundLocalError_Type,
                  "cannot access local variable '%s' where it is not associated with a value",
                  ((StrObj *)co->varnames[slot])->data);
}

static int unbound_deref(TState *ts, CodeObj *co, int idx) {
  const char *name = ((StrObj *)co->varnames[co->nlocals + idx])->data;
  if (idx < co->ncells)
    return vm_raise(ts, &UnboundLocalError_Type,
                    "cannot access local variable '%s' where it is not associated with a value", name);
  return vm_raise(ts, &NameError_Type,
                  "cannot access free variable '%s' where it is not associated with a value in enclosing scope",
                  name);
}

static int load_global_slow(TState *ts, Frame *f, Obj *name, GlobalCache *gc, Value *out) {
  DictObj *g = (DictObj *)f->globals;
  int64_t ix = dict_lookup_str_index(f->globals, name);
  gc->name = name;
  gc->globals = f->globals;
  gc->globals_version = g->version;
  if (ix >= 0) {
    gc->index = ix;
    gc->value = g->entries[ix].value;
    *out = v_incref(g->entries[ix].value);
    return 0;
  }
  Obj *b = ts->interp->builtins;
  ix = dict_lookup_str_index(b, name);
  if (ix >= 0) {
    gc->index = -ix - 2;
    *out = v_incref(((DictObj *)b)->entries[ix].value);
    return 0;
  }
  return vm_raise(ts, &NameError_Type, "name '%s' is not defined", ((StrObj *)name)->data);
}

static Obj *kwargs_dict(TState *ts, Obj *kwnames, const Value *values) {
  Obj *d = dict_new(ts);
  if (!d) return NULL;
  TupleObj *kn = (TupleObj *)kwnames;
  for (size_t i = 0; i < kn->len; i++)
    if (dict_set(ts, d, kn->items[i], values[i]) < 0) {
      obj_decref(d);
      return NULL;
    }
  return d;
}

static int unpack(TState *ts, Value v, int n, Value *dst /* n slots, first item last */) {
  Value *items = NULL;
  size_t len = 0;
  Obj *tmp = NULL;
  if (v_is_type(v, &TupleType)) {
    items = as_tuple(v)->items;
    len = as_tuple(v)->len;
  } else if (v_is_type(v, &ListType)) {
    items = as_list(v)->items;
    len = as_list(v)->len;
  } else {
    if (!v_type(v)->iter && !v_type(v)->getitem)
      return vm_raise(ts, &TypeError_Type, "cannot unpack non-iterable %s object", v_type(v)->name);
    if (vm_to_list(ts, v, &tmp) < 0) return -1;
    items = ((ListObj *)tmp)->items;
    len = ((ListObj *)tmp)->len;
  }
  if ((int64_t)len != n) {
    obj_xdecref(tmp);
    if ((int64_t)len < n)
      return vm_raise(ts, &ValueError_Type, "not enough values to unpack (expected %d, got %zu)", n, len);
    return vm_raise(ts, &ValueError_Type, "too many values to unpack (expected %d)", n);
  }
  for (int i = 0; i < n; i++) dst[n - 1 - i] = v_incref(items[i]);
  obj_xdecref(tmp);
  return 0;
}

static int unpack_ex(TState *ts, Value v, int before, int after, Value *dst) {
  if (!v_type(v)->iter && !v_type(v)->getitem)
    return vm_raise(ts, &TypeError_Type, "cannot unpack non-iterable %s object", v_type(v)->name);
  Obj *l;
  if (vm_to_list(ts, v, &l) < 0) return -1;
  ListObj *lo = (ListObj *)l;
  if ((int)lo->len < before + after) {
    size_t got = lo->len;
    obj_decref(l);
    return vm_raise(ts, &ValueError_Type, "not enough values to unpack (expected at least %d, got %zu)",
                    before + after, got);
  }
  int total = before + after + 1, k = 0;
  /* dst[total-1] is the first target */
  for (int i = 0; i < before; i++) dst[total - 1 - k++] = v_incref(lo->items[i]);
  size_t mid = lo->len - (size_t)before - (size_t)after;
  Obj *m = list_from_array(ts, lo->items + before, mid);
  if (!m) {
    for (int i = 0; i < k; i++) v_decref(dst[total - 1 - i]);
    obj_decref(l);
    return -1;
  }
  dst[total - 1 - k++] = v_obj(m);
  for (int i = 0; i < after; i++) dst[total - 1 - k++] = v_incref(lo->items[before + mid + (size_t)i]);
  obj_decref(l);
  return 0;
}

static int do_raise(TState *ts, Value exc, Value cause) {
  Value inst;
  if (v_is_type(exc, &TypeType) && (((Type *)exc.as.o)->flags & TF_EXCEPTION)) {
    if (vm_call(ts, exc, NULL, 0, NULL, &inst) < 0) return -1;
  } else if (v_is_obj(exc) && (exc.as.o->type->flags & TF_EXCEPTION)) {
    inst = v_incref(exc);
  } else {
    return vm_raise(ts, &TypeError_Type, "exceptions must derive from BaseException");
  }
  if (!v_is_undef(cause)) {
    Value c;
    if (v_is_none(cause)) {
      c = v_none();
    } else if (v_is_type(cause, &TypeType) && (((Type *)cause.as.o)->flags & TF_EXCEPTION)) {
      if (vm_call(ts, cause, NULL, 0, NULL, &c) < 0) {
        v_decref(inst);
        return -1;
      }
    } else if (v_is_obj(cause) && (cause.as.o->type->flags & TF_EXCEPTION)) {
      c = v_incref(cause);
    } else {
      v_decref(inst);
      return vm_raise(ts, &TypeError_Type, "exception causes must derive from BaseException");
    }
    ExcObj *e = (ExcObj *)inst.as.o;
    v_set(&e->cause, c);
    e->suppress_context = true;
  }
  vm_raise_value(ts, inst);
  v_decref(inst);
  return -1;
}

static int exc_match(TState *ts, Value exc, Value type) {
  if (v_is_type(type, &TupleType)) {
    TupleObj *t = as_tuple(type);
    for (size_t i = 0; i < t->len; i++) {
      int r = exc_match(ts, exc, t->items[i]);
      if (r) return r;
    }
    return 0;
  }
  if (!v_is_type(type, &TypeType) || !(((Type *)type.as.o)->flags & TF_EXCEPTION))
    return vm_raise(ts, &TypeError_Type, "catching classes that do not inherit from BaseException is not allowed");
  return type_is_subtype(v_type(exc), (Type *)type.as.o);
}

static int format_value(TState *ts, Value v, int flags, Value spec, Value *out) {
  int conv = flags & 3;
  Value c;
  if (conv == 1) {
    if (vm_str(ts, v, &c) < 0) return -1;
  } else if (conv == 2 || conv == 3) {
    if (vm_repr(ts, v, &c) < 0) return -1;
  } else {
    c = v_incref(v);
  }
  int rc;
  if ((flags & 4) && as_str(spec)->size > 0) {
    rc = vm_format(ts, c, spec.as.o, out);
  } else if (v_is_type(c, &StrType)) {
    *out = v_incref(c);
    rc = 0;
  } else {
    rc = vm_str(ts, c, out);
  }
  v_decref(c);
  return rc;
}

static int build_string(TState *ts, Value *items, int n, Value *out) {
  StrBuf b;
  size_t total = 0;
  for (int i = 0; i < n; i++) total += as_str(items[i])->size;
  if (sb_init(ts, &b, total + 1) < 0) return -1;
  for (int i = 0; i < n; i++) sb_add_str(ts, &b, items[i]);
  Obj *s = sb_finish(ts, &b);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int import_from(TState *ts, Value mod, Obj *name, Value *out) {
  if (vm_getattr(ts, mod, name, out) == 0) return 0;
  if (!vm_exc_matches(ts, &AttributeError_Type)) return -1;
  vm_exc_clear(ts);
  const char *mname = "?";
  if (v_is_type(mod, &ModuleType)) mname = ((StrObj *)((ModuleObj *)mod.as.o)->name)->data;
  ModuleObj *m = (ModuleObj *)mod.as.o;
  if (v_is_type(mod, &ModuleType) && m->file)
    return vm_raise(ts, &ImportError_Type, "cannot import name '%s' from '%s' (%s)", ((StrObj *)name)->data,
                    mname, ((StrObj *)m->file)->data);
  return vm_raise(ts, &ImportError_Type, "cannot import name '%s' from '%s' (unknown location)",
                  ((StrObj *)name)->data, mname);
}

static int import_star(TState *ts, Value mod, Obj *globals) {
  if (!v_is_type(mod, &ModuleType)) return 0;
  Obj *d = ((ModuleObj *)mod.as.o)->dict;
  size_t pos = 0;
  Value k, v;
  while (dict_next(d, &pos, &k, &v)) {
    if (v_is_type(k, &StrType) && as_str(k)->data[0] == '_') continue;
    if (dict_set(ts, globals, k, v) < 0) return -1;
  }
  return 0;
}

static int before_with(TState *ts, Value ctx, Value *exit, Value *res) {
  Value enter;
  if (vm_getattr(ts, ctx, str_intern("__enter__"), &enter) < 0 ||
      (vm_getattr(ts, ctx, str_intern("__exit__"), exit) < 0 && (v_decref(enter), 1))) {
    if (vm_exc_matches(ts, &AttributeError_Type)) {
      vm_exc_clear(ts);
      return vm_raise(ts, &TypeError_Type, "'%s' object does not support the context manager protocol",
                      v_type(ctx)->name);
    }
    return -1;
  }
  int rc = vm_call(ts, enter, NULL, 0, NULL, res);
  v_decref(enter);
  if (rc < 0) v_decref(*exit);
  return rc;
}

/* Writes a whole Value with one 16-byte store. The fast paths used to
 * write only the tag or only the payload; the next instruction's 16-byte
 * load of the same slot (a POP, a LOAD_FAST, RETURN_VALUE) then could not
 * be forwarded from the narrower stores and stalled for a dozen cycles. */
#if defined(__SSE2__)
#include <emmintrin.h>
static inline void put_value(Value *slot, ValTag tag, int64_t bits) {
  _mm_storeu_si128((__m128i *)(void *)slot, _mm_set_epi64x(bits, (int64_t)tag));
}
#else
static inline void put_value(Value *slot, ValTag tag, int64_t bits) {
  slot->tag = tag;
  slot->as.i = bits;
}
#endif

/* int fast paths for the hottest binary operators. */
static inline bool int_fast_binop(int op, int64_t a, int64_t b, int64_t *out) {
  /* add and subtract first: plain predictable branches, no jump table */
  if (op == BINOP_ADD) return !__builtin_add_overflow(a, b, out);
  if (op == BINOP_SUB) return !__builtin_sub_overflow(a, b, out);
  switch (op) {
  case BINOP_MUL: return !__builtin_mul_overflow(a, b, out);
  case BINOP_AND: *out = a & b; return true;
  case BINOP_OR: *out = a | b; return true;
  case BINOP_XOR: *out = a ^ b; return true;
  case BINOP_FLOORDIV:
    if (b <= 0) return false;
    *out = int_floordiv(a, b);
    return true;
  case BINOP_MOD:
    if (b <= 0) return false;
    *out = int_mod(a, b);
    return true;
  default: return false;
  }
}

/* Branch-free: bit (sign(a - b) + 1) of a per-operator mask says whether
 * the comparison holds. */
static inline bool int_fast_compare(int op, int64_t a, int64_t b) {
  static const uint8_t holds[6] = {0x1, 0x3, 0x2, 0x5, 0x4, 0x6}; /* < <= == != > >= */
  int c = (a > b) - (a < b);
  return (holds[op] >> (c + 1)) & 1;
}

static inline int truth(TState *ts, Value v) {
  if (v.tag == T_BOOL) return (int)v.as.i;
  return vm_truthy(ts, v);
}

/* ---- the loop ---------------------------------------------------------------------- */

/* Computed goto where the compiler has it; -DGILD_SWITCH_DISPATCH forces
 * the portable switch (kept compiling by building it now and then). */
#if defined(__GNUC__) && !defined(GILD_SWITCH_DISPATCH)
#define USE_COMPUTED_GOTO 1
#else
#define USE_COMPUTED_GOTO 0
#endif

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define PEEK(n) (sp[-(n)])

#if USE_COMPUTED_GOTO
#define TARGET(name) L_##name:
#define DISPATCH() \
  do { \
    w = *ip++; \
    goto *dispatch_table[INSN_OP(w)]; \
  } while (0)
#else
#define TARGET(name) case OP_##name:
/* A goto, not `continue`: DISPATCH is used inside do { } while (0) macros,
 * where `continue` would only leave the do-while and fall through. */
#define DISPATCH() goto dispatch_next
#endif

/* The int fast path of BINARY_OP and INPLACE_OP: stores the result in
 * *dst and dispatches, or falls through to the generic operation. `+` gets
 * its own store and dispatch: sharing one tail with the other operators
 * made GCC pass every result through a stack slot. */
#define INT_BINOP_FAST(dst, op, x, y) \
  do { \
    int64_t res_; \
    if ((op) == BINOP_ADD) { \
      if (LIKELY(!__builtin_add_overflow(x, y, &res_))) { \
        put_value(dst, T_INT, res_); \
        DISPATCH(); \
      } \
    } else if (int_fast_binop(op, x, y, &res_)) { \
      put_value(dst, T_INT, res_); \
      DISPATCH(); \
    } \
  } while (0)

/* JUMP_IF_FAST_INT and RETURN_IF_FAST_INT: t = whether to act, that is
 * whether (local CMP imm) is what bit 4 of arg asks for. For an int, bits
 * 8-10 of arg say it for local <, ==, > imm (no comparison to dispatch);
 * anything else is compared for real, which may raise. */
#define FAST_INT_TEST(t, a, imm, slot) \
  do { \
    if (LIKELY((a).tag == T_INT)) { \
      t = (arg >> (8 + ((a).as.i >= (imm)) + ((a).as.i > (imm)))) & 1; \
    } else { \
      SAVE(); \
      if ((a).tag == T_UNDEF) { \
        unbound_local(ts, co, slot); \
        goto error; \
      } \
      int c_ = vm_compare_bool(ts, a, v_int(imm), arg & 15); \
      if (c_ < 0) goto error; \
      t = c_ == ((arg >> 4) & 1); \
    } \
  } while (0)

/* Both instructions' operands: the local's slot, the int immediate, and a
 * third word the caller reads as ip[-1] (the jump target, or what to
 * return). Declares the local `a` and the verdict `t`. */
#define FAST_INT_OPERANDS_TEST(t, a) \
  arg = (int)INSN_ARG(w); \
  int slot_ = (int)ip[0]; \
  int64_t imm_ = (int32_t)ip[1]; \
  Value a = locals[slot_]; \
  ip += 3; \
  int t; \
  FAST_INT_TEST(t, a, imm_, slot_)

/* Save the registers before anything that may run other frames or inspect
 * this one (calls, the eval breaker, errors). */
#define SAVE() (f->ip = ip, f->sp = sp)
#define LOAD_FRAME() \
  do { \
    co = f->code; \
    ip = f->ip; \
    sp = f->sp; \
    locals = f->locals; \
    consts = co->consts; \
  } while (0)
#define CHECK_BREAKER() \
  do { \
    if (UNLIKELY(breaker_set(ts))) { \
      SAVE(); \
      if (vm_handle_eval_breaker(ts) < 0) goto error; \
    } \
  } while (0)

/* Jumps within the code; a backward jump is a loop's back-edge (`while`,
 * `for`, `while not done:`), where the GIL and async exceptions get their
 * check. */
#define JUMP_TO(dest) \
  do { \
    const uint32_t *to_ = (dest); \
    bool back_ = to_ < ip; \
    ip = to_; \
    if (back_) { \
      CHECK_BREAKER(); \
      NATIVE_LOOP(); \
    } \
  } while (0)
/* At a back-edge: a while loop of int code runs natively (native.c) until
 * it leaves the loop or meets what only the interpreter does. */
#define NATIVE_LOOP() \
  do { \
    if (UNLIKELY(co->native_loops_state >= NATIVE_UNKNOWN)) { \
      int rpc_ = native_loop_run(ts, co, locals, (int)(ip - co->code), &sp); \
      if (rpc_ >= 0) ip = co->code + rpc_; \
    } \
  } while (0)

/* GCC's manual, on computed gotos: "you may get better run-time
 * performance if you disable the global common subexpression elimination
 * pass". Here it keeps a few more of the loop's registers out of stack
 * slots (fib(32): about 3% fewer cycles). */
#if USE_COMPUTED_GOTO && defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-gcse")))
#endif
static int run_frame(TState *ts, Frame *f, Value *result) {
#if USE_COMPUTED_GOTO
  static void *const dispatch_table[OP__COUNT] = {
#define X(name, extra, kind) &&L_##name,
      OPCODE_LIST(X)
#undef X
  };
#endif
  /* co, locals and consts are copies of the frame's, for the instructions
   * to read without first loading f. Reading them through f instead saved
   * ~4% of the instructions of a call (GCC keeps them in stack slots and
   * stores them on every call and return) but was ~8% slower on fib: a
   * stack slot's reload is almost free, while f->locals is one more load
   * on the dependency chain of every instruction after a call or return.
   * The thread's flag words and limits are read through ts (branches
   * only, off that chain). */
  CodeObj *co;
  const uint32_t *ip;
  Value *sp, *locals, *consts;
  uint32_t w;
  int arg;
  bool reraise = false;
  Value v, r;
  int64_t fast;
  /* The frame this call of run_frame was entered with (from C): returning
   * from it, or unwinding past it, leaves the loop. Kept here rather than
   * as a flag in every frame, which the fast CALL would have to store. */
  Frame *const entry = f;
  LOAD_FRAME();
  if (breaker_set(ts) && vm_handle_eval_breaker(ts) < 0) goto error;

#if USE_COMPUTED_GOTO
  DISPATCH();
#else
  for (;;) {
  dispatch_next:
    w = *ip++;
    switch (INSN_OP(w)) {
#endif

  TARGET(NOP) { DISPATCH(); }
  TARGET(POP_TOP) {
    v = POP();
    v_decref(v);
    DISPATCH();
  }
  TARGET(DUP_TOP) {
    v = TOP();
    PUSH(v_incref(v));
    DISPATCH();
  }
  TARGET(DUP_TOP_TWO) {
    Value a = PEEK(2), b = PEEK(1);
    PUSH(v_incref(a));
    PUSH(v_incref(b));
    DISPATCH();
  }
  TARGET(ROT_TWO) {
    v = sp[-1];
    sp[-1] = sp[-2];
    sp[-2] = v;
    DISPATCH();
  }
  TARGET(ROT_THREE) {
    v = sp[-1];
    sp[-1] = sp[-2];
    sp[-2] = sp[-3];
    sp[-3] = v;
    DISPATCH();
  }
  TARGET(ROT_FOUR) {
    v = sp[-1];
    sp[-1] = sp[-2];
    sp[-2] = sp[-3];
    sp[-3] = sp[-4];
    sp[-4] = v;
    DISPATCH();
  }
  TARGET(LOAD_CONST) {
    v = consts[INSN_ARG(w)];
    PUSH(v_incref(v));
    DISPATCH();
  }
  TARGET(LOAD_FAST) {
    arg = (int)INSN_ARG(w);
    v = locals[arg];
    if (UNLIKELY(v.tag == T_UNDEF)) {
      SAVE();
      unbound_local(ts, co, arg);
      goto error;
    }
    PUSH(v_incref(v));
    DISPATCH();
  }
  TARGET(STORE_FAST) {
    v = POP();
    v_set(&locals[INSN_ARG(w)], v);
    DISPATCH();
  }
  TARGET(DELETE_FAST) {
    arg = (int)INSN_ARG(w);
    if (v_is_undef(locals[arg])) {
      SAVE();
      unbound_local(ts, co, arg);
      goto error;
    }
    v_set(&locals[arg], v_undef());
    DISPATCH();
  }
  TARGET(LOAD_DEREF) {
    arg = (int)INSN_ARG(w);
    CellObj *c = (CellObj *)locals[co->nlocals + arg].as.o;
    if (v_is_undef(c->value)) {
      SAVE();
      unbound_deref(ts, co, arg);
      goto error;
    }
    PUSH(v_incref(c->value));
    DISPATCH();
  }
  TARGET(STORE_DEREF) {
    CellObj *c = (CellObj *)locals[co->nlocals + INSN_ARG(w)].as.o;
    v = POP();
    v_set(&c->value, v);
    DISPATCH();
  }
  TARGET(DELETE_DEREF) {
    arg = (int)INSN_ARG(w);
    CellObj *c = (CellObj *)locals[co->nlocals + arg].as.o;
    if (v_is_undef(c->value)) {
      SAVE();
      unbound_deref(ts, co, arg);
      goto error;
    }
    v_set(&c->value, v_undef());
    DISPATCH();
  }
  TARGET(LOAD_CLOSURE) {
    v = locals[co->nlocals + INSN_ARG(w)];
    PUSH(v_incref(v));
    DISPATCH();
  }
  TARGET(LOAD_GLOBAL) {
    /* Three levels of cache (code.h, GlobalCache). Globals not changed
     * since the cache was filled (any store bumps the dict's version): the
     * value cached is still the global's, or the name is still not a
     * global. A function called through a global (every recursive call)
     * then waits for three dependent loads instead of five before CALL can
     * read it. Else the entry index, checked against the name: a global
     * reassigned costs one refill, not a lookup. */
    GlobalCache *gc = &co->gcache[*ip++];
    Obj *name = gc->name;
    DictObj *g = (DictObj *)f->globals;
    int64_t ix = gc->index;
    bool unchanged = gc->globals_version == g->version && gc->globals == &g->ob;
    if (ix >= 0) {
      if (LIKELY(unchanged)) {
        PUSH(v_incref(gc->value));
        DISPATCH();
      }
      if ((size_t)ix < g->nentries && g->entries[ix].key.tag == T_OBJ && g->entries[ix].key.as.o == name) {
        gc->globals_version = g->version;
        gc->value = g->entries[ix].value;
        PUSH(v_incref(gc->value));
        DISPATCH();
      }
    } else if (ix <= -2 && unchanged) {
      DictObj *b = (DictObj *)ts->interp->builtins;
      size_t bix = (size_t)(-ix - 2);
      if (bix < b->nentries && b->entries[bix].key.tag == T_OBJ && b->entries[bix].key.as.o == name) {
        PUSH(v_incref(b->entries[bix].value));
        DISPATCH();
      }
    }
    SAVE();
    if (load_global_slow(ts, f, co->names[INSN_ARG(w)], gc, &v) < 0) goto error;
    PUSH(v);
    DISPATCH();
  }
  TARGET(STORE_GLOBAL) {
    v = POP();
    SAVE();
    int rc = dict_set(ts, f->globals, v_obj(co->names[INSN_ARG(w)]), v);
    v_decref(v);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(DELETE_GLOBAL) {
    SAVE();
    Obj *name = co->names[INSN_ARG(w)];
    int rc = dict_del(ts, f->globals, v_obj(name));
    if (rc < 0) goto error;
    if (rc == 0) {
      vm_raise(ts, &NameError_Type, "name '%s' is not defined", ((StrObj *)name)->data);
      goto error;
    }
    DISPATCH();
  }
  TARGET(LOAD_ATTR) {
    SAVE();
    v = TOP();
    if (vm_getattr(ts, v, co->names[INSN_ARG(w)], &r) < 0) goto error;
    TOP() = r;
    v_decref(v);
    DISPATCH();
  }
  TARGET(STORE_ATTR) {
    SAVE();
    Value obj = POP(), val = POP();
    int rc = vm_setattr(ts, obj, co->names[INSN_ARG(w)], val);
    v_decref(obj);
    v_decref(val);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(LOAD_METHOD) {
    /* [obj] -> [unbound builtin, obj] or [attribute, UNDEF] */
    Obj *name = co->names[INSN_ARG(w)];
    v = TOP();
    Type *t = v_type(v);
    if (!t->getattr) {
      Obj *m = type_lookup_method(t, name);
      if (m) {
        obj_incref(m);
        TOP() = v_obj(m);
        PUSH(v);
        DISPATCH();
      }
    }
    SAVE();
    if (vm_getattr(ts, v, name, &r) < 0) goto error;
    TOP() = r;
    v_decref(v);
    PUSH(v_undef());
    DISPATCH();
  }
  TARGET(BINARY_OP) {
    Value b = POP(), a = TOP();
    arg = (int)INSN_ARG(w);
    if (LIKELY(a.tag == T_INT && b.tag == T_INT)) INT_BINOP_FAST(&sp[-1], arg, a.as.i, b.as.i);
    SAVE();
    int rc = vm_binop(ts, (BinOp)arg, a, b, &r);
    v_decref(b);
    if (rc < 0) {
      f->sp = sp;
      goto error;
    }
    v_decref(a);
    TOP() = r;
    DISPATCH();
  }
  TARGET(INPLACE_OP) {
    Value b = POP(), a = TOP();
    arg = (int)INSN_ARG(w);
    if (LIKELY(a.tag == T_INT && b.tag == T_INT)) INT_BINOP_FAST(&sp[-1], arg, a.as.i, b.as.i);
    SAVE();
    int rc = vm_inplace_op(ts, (BinOp)arg, a, b, &r);
    v_decref(b);
    if (rc < 0) goto error;
    v_decref(a);
    TOP() = r;
    DISPATCH();
  }
  TARGET(UNARY_NEG) {
    v = TOP();
    SAVE();
    if (vm_neg(ts, v, &r) < 0) goto error;
    v_decref(v);
    TOP() = r;
    DISPATCH();
  }
  TARGET(UNARY_POS) {
    v = TOP();
    SAVE();
    if (vm_pos(ts, v, &r) < 0) goto error;
    v_decref(v);
    TOP() = r;
    DISPATCH();
  }
  TARGET(UNARY_INVERT) {
    v = TOP();
    SAVE();
    if (vm_invert(ts, v, &r) < 0) goto error;
    v_decref(v);
    TOP() = r;
    DISPATCH();
  }
  TARGET(UNARY_NOT) {
    v = TOP();
    SAVE();
    int t = truth(ts, v);
    if (t < 0) goto error;
    v_decref(v);
    TOP() = v_bool(!t);
    DISPATCH();
  }
  TARGET(COMPARE_OP) {
    Value b = POP(), a = TOP();
    arg = (int)INSN_ARG(w);
    if (a.tag == T_INT && b.tag == T_INT) {
      put_value(&sp[-1], T_BOOL, int_fast_compare(arg, a.as.i, b.as.i));
      DISPATCH();
    }
    SAVE();
    int rc = vm_compare(ts, a, b, arg, &r);
    v_decref(b);
    if (rc < 0) goto error;
    v_decref(a);
    TOP() = r;
    DISPATCH();
  }
  TARGET(IS_OP) {
    Value b = POP(), a = TOP();
    bool same = vm_is(a, b);
    v_decref(a);
    v_decref(b);
    TOP() = v_bool(INSN_ARG(w) ? !same : same);
    DISPATCH();
  }
  TARGET(CONTAINS_OP) {
    Value b = POP(), a = TOP();
    SAVE();
    int rc = vm_contains(ts, b, a);
    v_decref(b);
    if (rc < 0) goto error;
    v_decref(a);
    TOP() = v_bool(INSN_ARG(w) ? !rc : rc);
    DISPATCH();
  }
  TARGET(BINARY_SUBSCR) {
    Value key = POP(), obj = TOP();
    if (v_is_type(obj, &ListType) && key.tag == T_INT) {
      ListObj *l = as_list(obj);
      int64_t i = key.as.i < 0 ? key.as.i + (int64_t)l->len : key.as.i;
      if (i >= 0 && i < (int64_t)l->len) {
        r = v_incref(l->items[i]);
        v_decref(obj);
        TOP() = r;
        DISPATCH();
      }
    }
    SAVE();
    int rc = vm_getitem(ts, obj, key, &r);
    v_decref(key);
    if (rc < 0) goto error;
    v_decref(obj);
    TOP() = r;
    DISPATCH();
  }
  TARGET(STORE_SUBSCR) {
    Value key = POP(), obj = POP(), val = POP();
    SAVE();
    int rc;
    if (v_is_type(obj, &ListType) && key.tag == T_INT && key.as.i >= 0 &&
        key.as.i < (int64_t)as_list(obj)->len) {
      v_set(&as_list(obj)->items[key.as.i], val);
      v_decref(obj);
      DISPATCH();
    }
    rc = vm_setitem(ts, obj, key, val);
    v_decref(key);
    v_decref(obj);
    v_decref(val);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(DELETE_SUBSCR) {
    Value key = POP(), obj = POP();
    SAVE();
    int rc = vm_delitem(ts, obj, key);
    v_decref(key);
    v_decref(obj);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(BUILD_SLICE) {
    arg = (int)INSN_ARG(w);
    Value step = arg == 3 ? POP() : v_none();
    Value stop = POP(), start = POP();
    SAVE();
    Obj *s = slice_new(ts, start, stop, step);
    v_decref(start);
    v_decref(stop);
    v_decref(step);
    if (!s) goto error;
    PUSH(v_obj(s));
    DISPATCH();
  }
  TARGET(BUILD_LIST) {
    arg = (int)INSN_ARG(w);
    SAVE();
    Obj *l = list_new(ts, (size_t)arg);
    if (!l) goto error;
    sp -= arg;
    if (arg) memcpy(((ListObj *)l)->items, sp, sizeof(Value) * (size_t)arg);
    PUSH(v_obj(l));
    DISPATCH();
  }
  TARGET(BUILD_TUPLE) {
    arg = (int)INSN_ARG(w);
    SAVE();
    Obj *t = tuple_new(ts, (size_t)arg);
    if (!t) goto error;
    sp -= arg;
    if (arg) memcpy(((TupleObj *)t)->items, sp, sizeof(Value) * (size_t)arg);
    PUSH(v_obj(t));
    DISPATCH();
  }
  TARGET(BUILD_SET) {
    arg = (int)INSN_ARG(w);
    SAVE();
    Obj *s;
    if (arg & (1 << 20)) {
      arg &= 0xfffff;
      s = set_from_constants(ts, sp - arg, (size_t)arg);
      if (!s) goto error;
      for (int i = 0; i < arg; i++) v_decref(POP());
      PUSH(v_obj(s));
      DISPATCH();
    }
    s = set_new(ts);
    if (!s) goto error;
    for (int i = arg; i > 0; i--)
      if (set_add(ts, s, PEEK(i)) < 0) {
        obj_decref(s);
        goto error;
      }
    for (int i = 0; i < arg; i++) v_decref(POP());
    PUSH(v_obj(s));
    DISPATCH();
  }
  TARGET(BUILD_MAP) {
    arg = (int)INSN_ARG(w);
    SAVE();
    Obj *d = dict_new(ts);
    if (!d) goto error;
    for (int i = 2 * arg; i > 0; i -= 2)
      if (dict_set(ts, d, PEEK(i), PEEK(i - 1)) < 0) {
        obj_decref(d);
        goto error;
      }
    for (int i = 0; i < 2 * arg; i++) v_decref(POP());
    PUSH(v_obj(d));
    DISPATCH();
  }
  TARGET(BUILD_STRING) {
    arg = (int)INSN_ARG(w);
    SAVE();
    if (build_string(ts, sp - arg, arg, &r) < 0) goto error;
    for (int i = 0; i < arg; i++) v_decref(POP());
    PUSH(r);
    DISPATCH();
  }
  TARGET(LIST_APPEND) {
    v = POP();
    Value l = PEEK((int)INSN_ARG(w));
    ListObj *lo = as_list(l);
    if (lo->len < lo->cap) {
      lo->items[lo->len++] = v;
      DISPATCH();
    }
    SAVE();
    int rc = list_append(ts, l.as.o, v);
    v_decref(v);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(SET_ADD) {
    v = POP();
    SAVE();
    int rc = set_add(ts, PEEK((int)INSN_ARG(w)).as.o, v);
    v_decref(v);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(MAP_ADD) {
    Value val = POP(), key = POP();
    SAVE();
    int rc = dict_set(ts, PEEK((int)INSN_ARG(w)).as.o, key, val);
    v_decref(key);
    v_decref(val);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(LIST_EXTEND) {
    v = POP();
    SAVE();
    int rc = list_extend(ts, PEEK((int)INSN_ARG(w)).as.o, v);
    if (rc < 0 && vm_exc_matches(ts, &TypeError_Type) && !v_type(v)->iter) {
      vm_exc_clear(ts);
      vm_raise(ts, &TypeError_Type, "Value after * must be an iterable, not %s", v_type(v)->name);
    }
    v_decref(v);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(SET_UPDATE) {
    v = POP();
    SAVE();
    Value it, item;
    Obj *s = PEEK((int)INSN_ARG(w)).as.o;
    int rc = vm_iter(ts, v, &it);
    if (rc == 0) {
      while ((rc = vm_next(ts, it, &item)) == 1) {
        rc = set_add(ts, s, item);
        v_decref(item);
        if (rc < 0) break;
      }
      v_decref(it);
    }
    v_decref(v);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(DICT_UPDATE) {
    v = POP();
    SAVE();
    int rc;
    if (!v_is_type(v, &DictType)) {
      rc = vm_raise(ts, &TypeError_Type, "argument after ** must be a mapping, not %s", v_type(v)->name);
    } else {
      rc = dict_update(ts, PEEK((int)INSN_ARG(w)).as.o, v);
    }
    v_decref(v);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(LIST_TO_TUPLE) {
    v = TOP();
    SAVE();
    Obj *t = tuple_from_array(ts, as_list(v)->items, as_list(v)->len);
    if (!t) goto error;
    v_decref(v);
    TOP() = v_obj(t);
    DISPATCH();
  }
  TARGET(UNPACK_SEQUENCE) {
    arg = (int)INSN_ARG(w);
    v = POP();
    SAVE();
    if (unpack(ts, v, arg, sp) < 0) {
      v_decref(v);
      goto error;
    }
    v_decref(v);
    sp += arg;
    DISPATCH();
  }
  TARGET(UNPACK_EX) {
    arg = (int)INSN_ARG(w);
    int before = arg & 0xff, after = arg >> 8;
    v = POP();
    SAVE();
    if (unpack_ex(ts, v, before, after, sp) < 0) {
      v_decref(v);
      goto error;
    }
    v_decref(v);
    sp += before + after + 1;
    DISPATCH();
  }
  TARGET(FORMAT_VALUE) {
    arg = (int)INSN_ARG(w);
    Value spec = (arg & 4) ? POP() : v_undef();
    v = TOP();
    SAVE();
    int rc = format_value(ts, v, arg, spec, &r);
    v_decref(spec);
    if (rc < 0) goto error;
    v_decref(v);
    TOP() = r;
    DISPATCH();
  }
  TARGET(JUMP) {
    JUMP_TO(co->code + INSN_ARG(w));
    DISPATCH();
  }
  TARGET(POP_JUMP_IF_FALSE) {
    v = POP();
    int t;
    if (v.tag == T_BOOL) {
      t = (int)v.as.i;
    } else {
      SAVE();
      t = vm_truthy(ts, v);
      v_decref(v);
      if (t < 0) goto error;
    }
    if (!t) JUMP_TO(co->code + INSN_ARG(w));
    DISPATCH();
  }
  TARGET(POP_JUMP_IF_TRUE) {
    v = POP();
    int t;
    if (v.tag == T_BOOL) {
      t = (int)v.as.i;
    } else {
      SAVE();
      t = vm_truthy(ts, v);
      v_decref(v);
      if (t < 0) goto error;
    }
    if (t) JUMP_TO(co->code + INSN_ARG(w));
    DISPATCH();
  }
  TARGET(JUMP_IF_FALSE_OR_POP) {
    v = TOP();
    SAVE();
    int t = truth(ts, v);
    if (t < 0) goto error;
    if (!t) {
      ip = co->code + INSN_ARG(w);
    } else {
      sp--;
      v_decref(v);
    }
    DISPATCH();
  }
  TARGET(JUMP_IF_TRUE_OR_POP) {
    v = TOP();
    SAVE();
    int t = truth(ts, v);
    if (t < 0) goto error;
    if (t) {
      ip = co->code + INSN_ARG(w);
    } else {
      sp--;
      v_decref(v);
    }
    DISPATCH();
  }
  TARGET(GET_ITER) {
    v = TOP();
    if (v_is_type(v, &IteratorType)) DISPATCH();
    SAVE();
    if (vm_iter(ts, v, &r) < 0) goto error;
    v_decref(v);
    TOP() = r;
    DISPATCH();
  }
  TARGET(FOR_ITER) {
    v = TOP();
    int rc;
    if (v_is_type(v, &IteratorType)) {
      SeqIterObj *it = (SeqIterObj *)v.as.o;
      if (it->kind == IT_RANGE && !v_is_undef(it->seq)) {
        RangeObj *rg = (RangeObj *)it->seq.as.o;
        if (it->pos < rg->length) {
          put_value(sp++, T_INT, rg->start + it->pos++ * rg->step);
          DISPATCH();
        }
      } else if (it->kind == IT_LIST && !v_is_undef(it->seq)) {
        ListObj *l = as_list(it->seq);
        if ((size_t)it->pos < l->len) {
          PUSH(v_incref(l->items[it->pos++]));
          DISPATCH();
        }
      }
      SAVE();
      rc = seqiter_next(ts, v, &r);
    } else {
      SAVE();
      rc = vm_next(ts, v, &r);
    }
    if (rc < 0) goto error;
    if (rc == 1) {
      PUSH(r);
      DISPATCH();
    }
    sp--;
    v_decref(v);
    ip = co->code + INSN_ARG(w);
    DISPATCH();
  }

  {
    /* The calls. `fnslot` is the callable's slot; `args` the first
     * positional argument; `self` a bound method's object (LOAD_METHOD). */
    Value *fnslot, *args;
    int nargs;
    Obj *kwnames;
    Value self;

    TARGET(CALL) {
      nargs = (int)INSN_ARG(w);
      fnslot = sp - nargs - 1;
      /* The hot path: a Python function called with exactly its positional
       * parameters (CO_SIMPLE: no defaults needed, no *args or **kwargs, no
       * cells). The arguments already sit where the callee's first locals
       * go, so the frame is the header and nothing else: no binding, no
       * dict, no copy. Anything unusual (arity, recursion limit, stack
       * room) takes the general path, which raises the right error. */
      if (LIKELY(v_is_type(*fnslot, &FunctionType))) {
        FunctionObj *fn = (FunctionObj *)fnslot->as.o;
        Value *nl = fnslot + 1;
        if (LIKELY(fn->fast_nargs == nargs && f->depth < ts->interp->recursion_limit &&
                   nl + fn->framesize < ts->stack_end)) {
          CodeObj *nco = fn->code;
          /* Pure int code runs natively (native.c); 0 means: as usual. It
           * may let the GIL go, so the frame's registers are saved first. */
          if (UNLIKELY(nco->native_state >= NATIVE_UNKNOWN) && (SAVE(), native_call(ts, fn, nl, nargs, f->depth, &fast))) {
            put_value(fnslot, T_INT, fast); /* ints only: no argument to release */
            sp = fnslot + 1;
            obj_decref(&fn->ob);
            DISPATCH();
          }
          f->ip = ip;
          f->sp = fnslot; /* the callee owns everything from fnslot up */
          if (UNLIKELY(nargs < fn->nlocals))
            for (int i = nargs; i < fn->nlocals; i++) nl[i] = v_undef();
          Frame *nf = (Frame *)(nl + fn->nlocals);
          nf->ret_ip = ip;
          nf->prev = f;
          nf->code = nco;
          nf->globals = fn->globals;
          nf->ret = fnslot;
          nf->locals = nl;
          nf->depth = f->depth + 1;
          ts->frame = nf;
          f = nf;
          co = nco;
          ip = fn->entry;
          sp = FRAME_STACK(nf);
          locals = nl;
          consts = nco->consts;
          CHECK_BREAKER();
          DISPATCH();
        }
      }
      args = fnslot + 1;
      kwnames = NULL;
      self = v_undef();
      goto do_call;
    }
    TARGET(CALL_KW) {
      v = POP();
      kwnames = v.as.o;
      nargs = (int)INSN_ARG(w);
      fnslot = sp - nargs - 1;
      args = fnslot + 1;
      self = v_undef();
      nargs -= (int)((TupleObj *)kwnames)->len;
      goto do_call;
    }
    TARGET(CALL_METHOD) {
      nargs = (int)INSN_ARG(w);
      fnslot = sp - nargs - 2;
      args = fnslot + 2;
      kwnames = NULL;
      self = fnslot[1];
      goto do_call;
    }
    TARGET(CALL_METHOD_KW) {
      v = POP();
      kwnames = v.as.o;
      nargs = (int)INSN_ARG(w);
      fnslot = sp - nargs - 2;
      args = fnslot + 2;
      self = fnslot[1];
      nargs -= (int)((TupleObj *)kwnames)->len;
      goto do_call;
    }
  do_call: {
    Value callable = *fnslot;
    if (v_is_type(callable, &FunctionType)) {
      SAVE();
      f->sp = fnslot; /* the callee owns everything from fnslot up */
      Frame *nf = push_call(ts, (FunctionObj *)callable.as.o, fnslot, args, args, nargs, kwnames, NULL);
      if (kwnames) obj_decref(kwnames);
      if (!nf) {
        /* args are released; the callable (and self slot) remain */
        sp = args;
        f->sp = sp;
        goto error;
      }
      f = nf;
      LOAD_FRAME();
      CHECK_BREAKER();
      DISPATCH();
    }
    SAVE();
    Obj *kwd = NULL;
    if (kwnames) {
      kwd = kwargs_dict(ts, kwnames, args + nargs);
      obj_decref(kwnames);
      if (!kwd) goto error;
    }
    int rc;
    if (!v_is_undef(self) && v_is_type(callable, &BuiltinType) && v_is_undef(((BuiltinObj *)callable.as.o)->self))
      rc = ((BuiltinObj *)callable.as.o)->def->fn(ts, self, args, nargs, kwd, &r);
    else
      rc = vm_call(ts, callable, args, nargs, kwd, &r);
    obj_xdecref(kwd);
    while (sp > fnslot) v_decref(POP());
    if (rc < 0) {
      f->sp = sp;
      goto error;
    }
    PUSH(r);
    DISPATCH();
  }
  }
  TARGET(CALL_EX) {
    Value kw = (INSN_ARG(w) & 1) ? POP() : v_undef();
    Value targs = POP(), callable = POP();
    SAVE();
    int rc;
    if (v_is_type(callable, &FunctionType)) {
      /* spread the tuple on the stack and bind like any call */
      TupleObj *t = as_tuple(targs);
      Value *fs = sp;
      *sp++ = callable;
      for (size_t i = 0; i < t->len; i++) *sp++ = v_incref(t->items[i]);
      f->sp = fs;
      Obj *kwd = v_is_undef(kw) ? NULL : kw.as.o;
      Frame *nf = push_call(ts, (FunctionObj *)callable.as.o, fs, fs + 1, fs + 1, (int)t->len, NULL,
                            kwd && as_dict(kw)->used ? kwd : NULL);
      v_decref(targs);
      v_decref(kw);
      if (!nf) {
        sp = fs + 1;
        f->sp = sp;
        goto error;
      }
      f = nf;
      LOAD_FRAME();
      CHECK_BREAKER();
      DISPATCH();
    }
    rc = vm_call(ts, callable, as_tuple(targs)->items, (int)as_tuple(targs)->len,
                 v_is_undef(kw) ? NULL : kw.as.o, &r);
    v_decref(kw);
    v_decref(targs);
    v_decref(callable);
    if (rc < 0) goto error;
    PUSH(r);
    DISPATCH();
  }
  TARGET(MAKE_FUNCTION) {
    arg = (int)INSN_ARG(w);
    Value code = POP();
    Value closure = (arg & 8) ? POP() : v_undef();
    Value kwdefaults = (arg & 2) ? POP() : v_undef();
    Value defaults = (arg & 1) ? POP() : v_undef();
    SAVE();
    Obj *fo = function_new(ts, (CodeObj *)code.as.o, f->globals);
    v_decref(code);
    if (!fo) {
      v_decref(closure);
      v_decref(kwdefaults);
      v_decref(defaults);
      goto error;
    }
    FunctionObj *fn = (FunctionObj *)fo;
    fn->closure = v_is_undef(closure) ? NULL : closure.as.o;
    fn->kwdefaults = v_is_undef(kwdefaults) ? NULL : kwdefaults.as.o;
    fn->defaults = v_is_undef(defaults) ? NULL : defaults.as.o;
    PUSH(v_obj(fo));
    DISPATCH();
  }
  /* Each return is expanded in place (RETURN_FROM_FRAME). The result goes
   * into the callable's slot first, taking the callable out: then nothing
   * needs to stay in registers across the releases (which may call out),
   * and the callable, the locals and the cells are released in one pass
   * over the slots below the header (frame_setup's layout). A return
   * usually leaves an empty evaluation stack; a `for` or `with` block
   * leaves its iterator or exit below. */
#define RETURN_FROM_FRAME(res) \
  do { \
    Value *ret_ = f->ret; \
    Value callee_ = *ret_; \
    *ret_ = (res); \
    if (LIKELY(callee_.tag == T_OBJ)) obj_decref(callee_.as.o); \
    for (Value *p_ = ret_ + 1; p_ < (Value *)f; p_++) v_decref(*p_); \
    if (UNLIKELY(sp > FRAME_STACK(f))) values_release(FRAME_STACK(f), sp); \
    ts->frame = f->prev; \
    if (UNLIKELY(f == entry)) { \
      *result = *ret_; \
      return 0; \
    } \
    ip = f->ret_ip; /* not f->prev->ip: one dependent load less */ \
    f = f->prev; \
    co = f->code; \
    locals = f->locals; \
    consts = co->consts; \
    sp = ret_ + 1; \
    DISPATCH(); \
  } while (0)
  TARGET(RETURN_FAST) {
    arg = (int)INSN_ARG(w);
    Value res = locals[arg];
    if (UNLIKELY(res.tag == T_UNDEF)) {
      SAVE();
      unbound_local(ts, co, arg);
      goto error;
    }
    v_incref(res);
    RETURN_FROM_FRAME(res);
  }
  TARGET(RETURN_CONST) {
    Value res = v_incref(consts[INSN_ARG(w)]);
    RETURN_FROM_FRAME(res);
  }
  TARGET(RETURN_VALUE) {
    Value res = *--sp;
    RETURN_FROM_FRAME(res);
  }
  TARGET(RETURN_IF_FAST_INT) {
    FAST_INT_OPERANDS_TEST(t, a);
    if (!t) DISPATCH();
    Value res = ip[-1] == RETURN_THE_LOCAL ? a : consts[ip[-1]];
    v_incref(res);
    RETURN_FROM_FRAME(res);
  }
  TARGET(RAISE) {
    arg = (int)INSN_ARG(w);
    SAVE();
    if (arg == 0) {
      if (!v_is_obj(ts->handled)) {
        vm_raise(ts, &RuntimeError_Type, "No active exception to reraise");
        goto error;
      }
      v_set(&ts->exc, v_incref(ts->handled));
      reraise = true;
      goto error;
    }
    Value cause = arg == 2 ? POP() : v_undef();
    v = POP();
    f->sp = sp;
    do_raise(ts, v, cause);
    v_decref(v);
    v_decref(cause);
    goto error;
  }
  TARGET(RERAISE) {
    v = POP();
    SAVE();
    v_set(&ts->exc, v);
    reraise = true;
    goto error;
  }
  TARGET(PUSH_EXC_INFO) {
    /* [exc] -> [previously handled, exc]; exc is being handled now */
    v = TOP();
    TOP() = ts->handled.tag == T_UNDEF ? v_none() : ts->handled;
    ts->handled = v_incref(v);
    PUSH(v);
    DISPATCH();
  }
  TARGET(POP_EXCEPT) {
    v = POP();
    Value old = ts->handled;
    ts->handled = v_is_none(v) ? v_undef() : v;
    v_decref(old);
    DISPATCH();
  }
  TARGET(POP_EXCEPT_RERAISE) {
    Value exc = POP();
    v = POP();
    Value old = ts->handled;
    ts->handled = v_is_none(v) ? v_undef() : v;
    v_decref(old);
    SAVE();
    v_set(&ts->exc, exc);
    reraise = true;
    goto error;
  }
  TARGET(CHECK_EXC_MATCH) {
    Value type = POP();
    SAVE();
    int rc = exc_match(ts, TOP(), type);
    v_decref(type);
    if (rc < 0) goto error;
    PUSH(v_bool(rc));
    DISPATCH();
  }
  TARGET(RAISE_ASSERT) {
    SAVE();
    if (INSN_ARG(w)) {
      Value msg = POP();
      f->sp = sp;
      Obj *args = tuple_pack(ts, 1, msg);
      v_decref(msg);
      if (!args) goto error;
      Obj *e = exc_new(ts, &AssertionError_Type, args);
      obj_decref(args);
      if (!e) goto error;
      vm_raise_value(ts, v_obj(e));
      obj_decref(e);
    } else {
      Obj *e = exc_new(ts, &AssertionError_Type, NULL);
      if (!e) goto error;
      vm_raise_value(ts, v_obj(e));
      obj_decref(e);
    }
    goto error;
  }
  TARGET(BEFORE_WITH) {
    v = TOP();
    SAVE();
    Value exit;
    if (before_with(ts, v, &exit, &r) < 0) goto error;
    v_decref(v);
    TOP() = exit;
    PUSH(r);
    DISPATCH();
  }
  TARGET(WITH_EXIT) {
    Value exit = POP();
    SAVE();
    Value a[3] = {v_none(), v_none(), v_none()};
    int rc = vm_call(ts, exit, a, 3, NULL, &r);
    v_decref(exit);
    if (rc < 0) goto error;
    v_decref(r);
    DISPATCH();
  }
  TARGET(WITH_EXCEPT_START) {
    /* [exit, prev, exc] -> [exit, prev, exc, exit(type, exc, None)] */
    Value exc = PEEK(1), exit = PEEK(3);
    SAVE();
    Value a[3] = {v_obj(&v_type(exc)->ob), exc, v_none()};
    if (vm_call(ts, exit, a, 3, NULL, &r) < 0) goto error;
    PUSH(r);
    DISPATCH();
  }
  TARGET(IMPORT_NAME) {
    arg = (int)INSN_ARG(w);
    SAVE();
    if (vm_import(ts, co->names[arg & 0xfffff], (arg >> 20) & 1, &r) < 0) goto error;
    PUSH(r);
    DISPATCH();
  }
  TARGET(IMPORT_FROM) {
    SAVE();
    if (import_from(ts, TOP(), co->names[INSN_ARG(w)], &r) < 0) goto error;
    PUSH(r);
    DISPATCH();
  }
  TARGET(IMPORT_STAR) {
    v = POP();
    SAVE();
    int rc = import_star(ts, v, f->globals);
    v_decref(v);
    if (rc < 0) goto error;
    DISPATCH();
  }
  TARGET(LOAD_FAST_FAST) {
    arg = (int)INSN_ARG(w);
    Value a = locals[arg & 0xfff], b = locals[arg >> 12];
    if (a.tag == T_UNDEF || b.tag == T_UNDEF) {
      SAVE();
      unbound_local(ts, co, a.tag == T_UNDEF ? (arg & 0xfff) : (arg >> 12));
      goto error;
    }
    PUSH(v_incref(a));
    PUSH(v_incref(b));
    DISPATCH();
  }
  TARGET(BINOP_FAST_CONST) {
    arg = (int)INSN_ARG(w);
    int slot = (int)ip[0];
    Value a = locals[slot], k = consts[ip[1]];
    ip += 2;
    if (a.tag == T_INT && k.tag == T_INT && int_fast_binop(arg, a.as.i, k.as.i, &fast)) {
      put_value(sp++, T_INT, fast);
      DISPATCH();
    }
    SAVE();
    if (a.tag == T_UNDEF) {
      unbound_local(ts, co, slot);
      goto error;
    }
    if (vm_binop(ts, (BinOp)arg, a, k, &r) < 0) goto error;
    PUSH(r);
    DISPATCH();
  }
  TARGET(INPLACE_FAST_CONST) {
    arg = (int)INSN_ARG(w);
    int slot = (int)ip[0];
    Value a = locals[slot], k = consts[ip[1]];
    ip += 2;
    if (a.tag == T_INT && k.tag == T_INT && int_fast_binop(arg, a.as.i, k.as.i, &fast)) {
      put_value(&locals[slot], T_INT, fast);
      DISPATCH();
    }
    SAVE();
    if (a.tag == T_UNDEF) {
      unbound_local(ts, co, slot);
      goto error;
    }
    if (vm_inplace_op(ts, (BinOp)arg, a, k, &r) < 0) goto error;
    v_set(&locals[slot], r);
    DISPATCH();
  }
  TARGET(JUMP_IF_FAST_CONST) {
    arg = (int)INSN_ARG(w);
    int slot = (int)ip[0];
    Value a = locals[slot], k = consts[ip[1]];
    const uint32_t *target = co->code + ip[2];
    ip += 3;
    int want = (arg & 16) != 0, t;
    if (a.tag == T_INT && k.tag == T_INT) {
      t = int_fast_compare(arg & 15, a.as.i, k.as.i);
    } else {
      SAVE();
      if (a.tag == T_UNDEF) {
        unbound_local(ts, co, slot);
        goto error;
      }
      t = vm_compare_bool(ts, a, k, arg & 15);
      if (t < 0) goto error;
    }
    if (t == want) JUMP_TO(target);
    DISPATCH();
  }

  /* The *_FAST_INT forms: the constant is an int32 immediate, so the fast
   * path checks one tag and loads nothing from the constants. */
  TARGET(BINOP_FAST_INT) {
    /* local + imm (imm is negated for `-`, so int `-` is an add too) */
    int slot = (int)ip[0];
    int64_t imm = (int32_t)ip[1];
    Value a = locals[slot];
    ip += 2;
    if (LIKELY(a.tag == T_INT && !__builtin_add_overflow(a.as.i, imm, &fast))) {
      put_value(sp++, T_INT, fast);
      DISPATCH();
    }
    SAVE();
    if (a.tag == T_UNDEF) {
      unbound_local(ts, co, slot);
      goto error;
    }
    arg = (int)INSN_ARG(w);
    if (vm_binop(ts, (BinOp)arg, a, v_int(arg == BINOP_SUB ? -imm : imm), &r) < 0) goto error;
    PUSH(r);
    DISPATCH();
  }
  TARGET(INPLACE_FAST_INT) {
    int slot = (int)ip[0];
    int64_t imm = (int32_t)ip[1];
    Value a = locals[slot];
    ip += 2;
    if (LIKELY(a.tag == T_INT && !__builtin_add_overflow(a.as.i, imm, &fast))) {
      put_value(&locals[slot], T_INT, fast);
      DISPATCH();
    }
    SAVE();
    if (a.tag == T_UNDEF) {
      unbound_local(ts, co, slot);
      goto error;
    }
    arg = (int)INSN_ARG(w);
    if (vm_inplace_op(ts, (BinOp)arg, a, v_int(arg == BINOP_SUB ? -imm : imm), &r) < 0) goto error;
    v_set(&locals[slot], r);
    DISPATCH();
  }
  TARGET(JUMP_IF_FAST_INT) {
    FAST_INT_OPERANDS_TEST(t, a);
    if (t) JUMP_TO(co->code + ip[-1]); /* the target is read only when taken */
    DISPATCH();
  }

#if !USE_COMPUTED_GOTO
    default:
      vm_raise(ts, &SystemError_Type, "bad opcode %u", INSN_OP(w));
      goto error;
    }
  }
#endif

error : {
  /* ts->exc is set; f->ip points past the failing instruction */
  if (v_is_undef(ts->exc)) vm_raise(ts, &SystemError_Type, "error return without exception set");
  if (!reraise) add_traceback(ts, f, f->ip);
  reraise = false;
  for (;;) {
    co = f->code;
    const ExcEntry *h = find_handler(co, (int)(f->ip - co->code) - 1);
    if (h) {
      Value *keep = FRAME_STACK(f) + h->depth;
      for (Value *p = f->sp; p > keep;) v_decref(*--p);
      sp = keep;
      PUSH(vm_exc_fetch(ts));
      ip = co->code + h->target;
      locals = f->locals;
      consts = co->consts;
      DISPATCH();
    }
    bool last = f == entry;
    frame_clear(ts, f, f->sp);
    if (last) return -1;
    f = ts->frame;
    add_traceback(ts, f, f->ip);
  }
}
}
