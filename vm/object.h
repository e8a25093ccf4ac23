/*
 * object.h - values and objects of gild's VM: the contract every vm/ file
 * is written against.
 *
 * A Value is a small tagged struct passed by value. None, bool, int (64-bit)
 * and float are immediate: no allocation, no reference count. Everything
 * else is a heap Obj with a CPython-style reference count and a pointer to
 * its Type. Types are themselves (statically allocated, immortal) objects,
 * so `type(x)` returns one.
 *
 * Ownership, as in CPython:
 *   - arguments are borrowed (the callee increfs what it keeps);
 *   - every `Value *out` / `Obj *` result is a NEW reference;
 *   - functions return int status: 0 = ok, -1 = error with an exception set
 *     on the thread (vm_raise*). Iteration's `next` returns 1 (item), 0
 *     (exhausted, no exception set) or -1. Never longjmp.
 *
 * Only a thread holding the GIL may touch any of this (see gil.h). Reference
 * counts are plain integers for that reason.
 */
#ifndef GILD_OBJECT_H
#define GILD_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Obj Obj;
typedef struct Type Type;
typedef struct TState TState; /* one per OS thread, vm.h */
typedef struct Interp Interp; /* shared by all threads, vm.h */

/* ---- values --------------------------------------------------------------- */

typedef enum ValTag {
  T_UNDEF = 0, /* no value: an unbound local, a deleted key, "absent" kwarg */
  T_NONE,
  T_BOOL,
  T_INT,
  T_FLOAT,
  T_OBJ,
} ValTag;

typedef struct Value {
  ValTag tag;
  union {
    int64_t i; /* T_INT, and T_BOOL (0/1) */
    double f;
    Obj *o;
  } as;
} Value;

static inline Value v_undef(void) { Value v = {T_UNDEF, {.i = 0}}; return v; }
static inline Value v_none(void) { Value v = {T_NONE, {.i = 0}}; return v; }
static inline Value v_bool(bool b) { Value v = {T_BOOL, {.i = b ? 1 : 0}}; return v; }
static inline Value v_int(int64_t i) { Value v = {T_INT, {.i = i}}; return v; }
static inline Value v_float(double f) { Value v = {T_FLOAT, {.f = f}}; return v; }
static inline Value v_obj(Obj *o) { Value v = {T_OBJ, {.o = o}}; return v; }

static inline bool v_is_undef(Value v) { return v.tag == T_UNDEF; }
static inline bool v_is_none(Value v) { return v.tag == T_NONE; }
static inline bool v_is_int(Value v) { return v.tag == T_INT; }
static inline bool v_is_float(Value v) { return v.tag == T_FLOAT; }
static inline bool v_is_bool(Value v) { return v.tag == T_BOOL; }
static inline bool v_is_obj(Value v) { return v.tag == T_OBJ; }

/* ---- heap objects ------------------------------------------------------------ */

struct Obj {
  intptr_t refcnt;
  Type *type;
};

/* Objects whose type has TF_GC are allocated with this header in front of
 * them and are on the collector's list (gc.c). */
typedef struct GCHead {
  struct GCHead *prev, *next;
  intptr_t gc_refs;
} GCHead;
#define OBJ_GCHEAD(o) (((GCHead *)(o)) - 1)

#define IMMORTAL_REFCNT ((intptr_t)1 << 60)

void obj_dealloc(Obj *o); /* calls o->type->dealloc; alloc.c */

static inline void obj_incref(Obj *o) { o->refcnt++; }
static inline void obj_decref(Obj *o) {
  if (--o->refcnt == 0) obj_dealloc(o);
}
static inline void obj_xdecref(Obj *o) { if (o) obj_decref(o); }
static inline Value v_incref(Value v) { if (v.tag == T_OBJ) v.as.o->refcnt++; return v; }
static inline void v_decref(Value v) { if (v.tag == T_OBJ) obj_decref(v.as.o); }
/* Replace *slot with a new reference, releasing the old one last. */
static inline void v_set(Value *slot, Value nv) { Value old = *slot; *slot = nv; v_decref(old); }

/* Allocation (alloc.c). Sizes include the Obj header. Types with TF_GC get a
 * GCHead and are tracked by the cycle collector. On failure: NULL with
 * MemoryError raised on ts. */
Obj *vm_alloc(TState *ts, Type *type, size_t size);
void vm_free_obj(Obj *o); /* frees memory of an object being deallocated (untracks if GC) */
/* Counters for metrics: live objects and allocations since start. */
int64_t vm_alloc_live(void);
int64_t vm_alloc_total(void);

/* ---- types ---------------------------------------------------------------------- */

/* Builtin methods and functions all have this signature. `self` is the bound
 * object (T_NONE for plain functions), args are positional, kwargs is a
 * dict Obj (str keys) or NULL. */
typedef int (*CFunc)(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out);

typedef struct MethodDef {
  const char *name;
  CFunc fn;
} MethodDef;

enum {
  TF_GC = 1u << 0,        /* container: may be part of a reference cycle */
  TF_EXCEPTION = 1u << 1, /* a BaseException subclass */
  TF_ITERATOR = 1u << 2,
};

enum { CMP_LT, CMP_LE, CMP_EQ, CMP_NE, CMP_GT, CMP_GE };

/* Binary operators, also used by the compiler for BINARY_OP / INPLACE_OP. */
#define BINOP_LIST(X) \
  X(ADD, "+") X(SUB, "-") X(MUL, "*") X(TRUEDIV, "/") X(FLOORDIV, "//") X(MOD, "%") \
  X(POW, "**") X(LSHIFT, "<<") X(RSHIFT, ">>") X(AND, "&") X(OR, "|") X(XOR, "^") \
  X(MATMUL, "@")
typedef enum {
#define X(name, sym) BINOP_##name,
  BINOP_LIST(X)
#undef X
  BINOP_COUNT
} BinOp;
extern const char *const binop_symbol[BINOP_COUNT];

struct Type {
  Obj ob; /* ob.type == &TypeType; immortal */
  const char *name;
  Type *base;        /* single inheritance: exceptions, bool -> int */
  uint32_t flags;
  void (*dealloc)(Obj *self);                       /* release contents, then vm_free_obj */
  void (*traverse)(Obj *self, void (*visit)(Obj *, void *), void *arg); /* TF_GC */
  void (*clear)(Obj *self);                         /* TF_GC: drop references to break cycles */

  /* Protocol slots; NULL when unsupported (the abstract layer raises the
   * TypeError CPython would). `self` is a Value so immediates share them. */
  int (*construct)(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs, Value *out);
  int (*repr)(TState *ts, Value self, Value *out);  /* out: str */
  int (*str)(TState *ts, Value self, Value *out);   /* NULL: use repr */
  int (*hash)(TState *ts, Value self, int64_t *out);/* NULL: unhashable */
  /* Returns 0 and sets *out (a bool, or T_UNDEF for NotImplemented), or -1. */
  int (*compare)(TState *ts, Value a, Value b, int op, Value *out);
  /* Returns 0 and *out, or -1; *out T_UNDEF means NotImplemented. Called with
   * self as the left operand first, then the right operand's type. */
  int (*binop)(TState *ts, BinOp op, Value a, Value b, Value *out);
  int (*truthy)(TState *ts, Value self);            /* 1/0/-1; NULL: len, else true */
  int (*len)(TState *ts, Value self, int64_t *out);
  int (*getitem)(TState *ts, Value self, Value key, Value *out);
  /* val T_UNDEF means `del self[key]`. */
  int (*setitem)(TState *ts, Value self, Value key, Value val);
  int (*contains)(TState *ts, Value self, Value item); /* 1/0/-1 */
  int (*iter)(TState *ts, Value self, Value *out);
  int (*next)(TState *ts, Value self, Value *out);  /* 1/0/-1 */
  int (*call)(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out);
  /* Attribute lookup override (modules, exceptions, request objects). NULL:
   * the methods table, bound to self. Raise AttributeError when missing. */
  int (*getattr)(TState *ts, Value self, Obj *name, Value *out);
  int (*setattr)(TState *ts, Value self, Obj *name, Value val); /* NULL: AttributeError */

  const MethodDef *methods; /* terminated by {NULL, NULL} */
  Obj *method_dict;         /* built at start-up from `methods`: name -> builtin */
};

/* Type objects of the builtin types (defined next to each implementation). */
extern Type TypeType, NoneType, BoolType, IntType, FloatType, StrType, BytesType,
    ListType, TupleType, DictType, SetType, RangeType, FunctionType, BuiltinType,
    ModuleType, CodeType, CellType, NotImplementedType, IteratorType;

/* The type of any value; immediates included. */
static inline Type *v_type(Value v) {
  switch (v.tag) {
  case T_NONE: return &NoneType;
  case T_BOOL: return &BoolType;
  case T_INT: return &IntType;
  case T_FLOAT: return &FloatType;
  case T_OBJ: return v.as.o->type;
  default: return &NoneType;
  }
}
static inline bool v_is_type(Value v, Type *t) { return v.tag == T_OBJ && v.as.o->type == t; }
bool type_is_subtype(Type *t, Type *base);

/* ---- core object layouts ------------------------------------------------------ */

typedef struct StrObj {
  Obj ob;
  int64_t hash;       /* -1 until computed */
  size_t size;        /* bytes of UTF-8, without the terminating NUL */
  size_t length;      /* code points */
  bool ascii;         /* size == length */
  char data[];        /* UTF-8, NUL-terminated */
} StrObj;

typedef struct BytesObj {
  Obj ob;
  int64_t hash;
  size_t size;
  unsigned char data[]; /* NUL-terminated for convenience */
} BytesObj;

typedef struct ListObj {
  Obj ob;
  size_t len, cap;
  Value *items;
} ListObj;

typedef struct TupleObj {
  Obj ob;
  int64_t hash;
  size_t len;
  Value items[];
} TupleObj;

/* Insertion-ordered hash table (CPython 3.6+ layout): `entries` in order,
 * `index` maps hash slots to entry positions. Deleted entries have key
 * T_UNDEF. */
typedef struct DictEntry {
  int64_t hash;
  Value key, value;
} DictEntry;
typedef struct DictObj {
  Obj ob;
  size_t used;        /* live entries */
  size_t nentries;    /* entries in use, including deleted */
  size_t cap_entries;
  size_t index_size;  /* power of two */
  int64_t *index;     /* -1 empty, -2 dummy, else entry position */
  DictEntry *entries;
  uint64_t version;   /* bumped on every mutation (iteration checks) */
} DictObj;

/* Hash set with CPython's probing, so sets of small ints iterate (and
 * print) in the same order as CPython. */
typedef struct SetEntry {
  int64_t hash;
  Value key; /* T_UNDEF = empty; dummy marked by hash == -1 && key T_UNDEF? see set.c */
} SetEntry;
typedef struct SetObj {
  Obj ob;
  size_t fill, used, mask;
  SetEntry *table;
  int64_t finger;
  bool frozen;
} SetObj;

typedef struct RangeObj {
  Obj ob;
  int64_t start, stop, step, length;
} RangeObj;

typedef struct BuiltinObj {
  Obj ob;
  const MethodDef *def;
  Value self;       /* bound object, T_NONE for plain functions */
  Obj *module_name; /* str or NULL, for repr */
} BuiltinObj;

typedef struct ModuleObj {
  Obj ob;
  Obj *name;  /* str */
  Obj *dict;  /* globals: DictObj */
  Obj *file;  /* str or NULL */
} ModuleObj;

/* Exceptions: every exception type is a Type with TF_EXCEPTION whose
 * instances have this layout. */
typedef struct ExcObj {
  Obj ob;
  Obj *args;      /* tuple */
  Value cause;    /* __cause__ (raise X from Y), T_NONE if none */
  Value context;  /* __context__ */
  bool suppress_context;
  Obj *traceback; /* list of (filename, line, funcname) tuples, innermost last; or NULL */
} ExcObj;

extern Type BaseException_Type, Exception_Type, ValueError_Type, TypeError_Type,
    KeyError_Type, IndexError_Type, LookupError_Type, ArithmeticError_Type,
    ZeroDivisionError_Type, AttributeError_Type, NameError_Type,
    UnboundLocalError_Type, RuntimeError_Type, RecursionError_Type,
    OverflowError_Type, MemoryError_Type, AssertionError_Type,
    StopIteration_Type, NotImplementedError_Type, OSError_Type,
    FileNotFoundError_Type, TimeoutError_Type, KeyboardInterrupt_Type,
    SystemExit_Type, SyntaxError_Type, ImportError_Type,
    ModuleNotFoundError_Type, UnicodeDecodeError_Type, UnicodeError_Type,
    FileExistsError_Type, PermissionError_Type, IsADirectoryError_Type,
    NotADirectoryError_Type, ConnectionError_Type, ConnectionRefusedError_Type,
    ConnectionResetError_Type, BrokenPipeError_Type, InterruptedError_Type;

/* ---- constructors (new references; NULL + MemoryError on failure) ------------- */

Obj *str_new(TState *ts, const char *utf8, size_t size);   /* validates nothing: caller gives UTF-8 */
Obj *str_from_cstr(TState *ts, const char *s);
Obj *str_fmt(TState *ts, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
Obj *str_intern(const char *s); /* immortal, for names used by C code; GIL held */
Obj *bytes_new(TState *ts, const void *data, size_t size);
Obj *list_new(TState *ts, size_t len);            /* len items set to None */
int list_append(TState *ts, Obj *list, Value v);   /* increfs v */
Obj *tuple_new(TState *ts, size_t len);           /* items T_NONE; fill with owned refs */
Obj *tuple_pack(TState *ts, size_t n, ...);        /* n Values, borrowed (increfed) */
Obj *dict_new(TState *ts);
int dict_set(TState *ts, Obj *dict, Value key, Value val);        /* increfs both */
int dict_get(TState *ts, Obj *dict, Value key, Value *out);       /* 1 found (new ref), 0 not, -1 err */
int dict_del(TState *ts, Obj *dict, Value key);                   /* 1 deleted, 0 missing, -1 err */
int dict_set_str(TState *ts, Obj *dict, const char *key, Value val);
/* Borrowed lookup for str keys without error (hash computed, no exception). */
Value dict_get_str_borrowed(Obj *dict, Obj *strkey);
Obj *set_new(TState *ts);
int set_add(TState *ts, Obj *set, Value key);
Obj *range_new(TState *ts, int64_t start, int64_t stop, int64_t step);
Obj *builtin_new(TState *ts, const MethodDef *def, Value self, Obj *module_name);
Obj *module_new(TState *ts, const char *name);
/* A new exception instance of `type` with args (message str) */
Obj *exc_new(TState *ts, Type *type, Obj *args_tuple);

static inline StrObj *as_str(Value v) { return (StrObj *)v.as.o; }
static inline ListObj *as_list(Value v) { return (ListObj *)v.as.o; }
static inline TupleObj *as_tuple(Value v) { return (TupleObj *)v.as.o; }
static inline DictObj *as_dict(Value v) { return (DictObj *)v.as.o; }

/* ---- the abstract layer (abstract.c): what the interpreter and the
 * builtins call; dispatches on type slots, raises CPython's errors ---------- */

int vm_repr(TState *ts, Value v, Value *out);
int vm_str(TState *ts, Value v, Value *out);
int vm_hash(TState *ts, Value v, int64_t *out);
int vm_truthy(TState *ts, Value v);                            /* 1/0/-1 */
int vm_compare(TState *ts, Value a, Value b, int op, Value *out); /* rich compare, result any value */
int vm_compare_bool(TState *ts, Value a, Value b, int op);     /* 1/0/-1 */
int vm_equal(TState *ts, Value a, Value b);                    /* 1/0/-1; identity first */
bool vm_is(Value a, Value b);                                  /* `is` */
int vm_binop(TState *ts, BinOp op, Value a, Value b, Value *out);
int vm_inplace_op(TState *ts, BinOp op, Value a, Value b, Value *out); /* list += etc. */
int vm_neg(TState *ts, Value a, Value *out);
int vm_pos(TState *ts, Value a, Value *out);
int vm_invert(TState *ts, Value a, Value *out);
int vm_len(TState *ts, Value v, int64_t *out);
int vm_getitem(TState *ts, Value obj, Value key, Value *out);
int vm_setitem(TState *ts, Value obj, Value key, Value val);
int vm_delitem(TState *ts, Value obj, Value key);
int vm_contains(TState *ts, Value container, Value item);      /* 1/0/-1 */
int vm_iter(TState *ts, Value v, Value *out);
int vm_next(TState *ts, Value it, Value *out);                 /* 1/0/-1 */
int vm_getattr(TState *ts, Value obj, Obj *name, Value *out);
int vm_hasattr(TState *ts, Value obj, Obj *name);              /* 1/0 (-1 only on non-AttributeError) */
int vm_setattr(TState *ts, Value obj, Obj *name, Value val);
/* Finds a builtin method of v's type without binding it; NULL if none. */
const MethodDef *vm_find_method(Value v, Obj *name);
/* Collect any iterable into a new list. */
int vm_to_list(TState *ts, Value iterable, Obj **out);
int vm_isinstance(TState *ts, Value v, Value cls_or_tuple);    /* 1/0/-1 */
/* format(value, spec), as in f"{x:spec}". */
int vm_format(TState *ts, Value v, Obj *spec, Value *out);
/* Shortest repr of a double, exactly as CPython's float.__repr__. buf >= 32. */
void float_repr(double d, char *buf, size_t buflen);

/* Calling anything: Python functions, builtins, types. Implemented by the
 * interpreter (interp.c). */
int vm_call(TState *ts, Value callable, const Value *args, int nargs, Obj *kwargs, Value *out);

/* ---- errors (errors.c) -------------------------------------------------------- */

/* Raise `type(msg)`; returns -1 so callers can `return vm_raise(...)`. */
int vm_raise(TState *ts, Type *type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vm_raise_value(TState *ts, Value exc);   /* steals nothing: increfs */
int vm_raise_key_error(TState *ts, Value key); /* KeyError(key), the key itself as its arg */
int vm_raise_nomem(TState *ts);
/* The exception raised on ts, or T_UNDEF. */
Value vm_exc_current(TState *ts);
bool vm_exc_matches(TState *ts, Type *type);
void vm_exc_clear(TState *ts);
/* Takes the current exception (new reference) and clears it. */
Value vm_exc_fetch(TState *ts);

/* Argument parsing for builtins. `names` lists the parameter names in
 * order; parameters from index `npos` on are keyword-only; the first
 * `nrequired` are required. Fills out[] with BORROWED values, T_UNDEF for
 * absent optional ones. Raises TypeError exactly as CPython words it for
 * too many/missing/unexpected arguments. */
int vm_parse_args(TState *ts, const char *fname, const Value *args, int nargs, Obj *kwargs,
                  const char *const *names, int nnames, int npos, int nrequired, Value *out);

#endif
