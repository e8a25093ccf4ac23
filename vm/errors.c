/*
 * errors.c - the exception types (CPython's hierarchy), raising and
 * inspecting the current exception, and printing a traceback in CPython's
 * exact format.
 *
 * An exception travels as a status return: the raiser stores it in
 * ts->exc and returns -1, and every caller returns -1 in turn until an
 * exception table entry of some frame catches it (interp.c). Raising while
 * another exception is being handled (ts->handled) chains it as
 * __context__, as CPython does implicitly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "vm.h"

static void exc_dealloc(Obj *self);
static void exc_traverse(Obj *self, void (*visit)(Obj *, void *), void *arg);
static void exc_clear(Obj *self);
static int exc_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                         Value *out);
static int exc_repr(TState *ts, Value self, Value *out);
static int exc_str(TState *ts, Value self, Value *out);
static int exc_getattr(TState *ts, Value self, Obj *name, Value *out);
static int exc_setattr(TState *ts, Value self, Obj *name, Value val);
static int exc_hash(TState *ts, Value self, int64_t *out) {
  *out = (int64_t)((uintptr_t)self.as.o >> 4);
  (void)ts;
  return 0;
}

#define EXC_TYPE(cname, pyname, basep) \
  Type cname = { \
      .ob = {IMMORTAL_REFCNT, &TypeType}, .name = pyname, .base = basep, \
      .flags = TF_EXCEPTION | TF_GC, .dealloc = exc_dealloc, .traverse = exc_traverse, \
      .clear = exc_clear, .construct = exc_construct, .repr = exc_repr, .str = exc_str, \
      .hash = exc_hash, .getattr = exc_getattr, .setattr = exc_setattr, \
  };

/* The hierarchy, parents before children, as in CPython's builtins. */
#define EXC_LIST(X) \
  X(BaseException_Type, "BaseException", NULL) \
  X(SystemExit_Type, "SystemExit", &BaseException_Type) \
  X(KeyboardInterrupt_Type, "KeyboardInterrupt", &BaseException_Type) \
  X(GeneratorExit_Type, "GeneratorExit", &BaseException_Type) \
  X(Exception_Type, "Exception", &BaseException_Type) \
  X(ArithmeticError_Type, "ArithmeticError", &Exception_Type) \
  X(ZeroDivisionError_Type, "ZeroDivisionError", &ArithmeticError_Type) \
  X(OverflowError_Type, "OverflowError", &ArithmeticError_Type) \
  X(FloatingPointError_Type, "FloatingPointError", &ArithmeticError_Type) \
  X(AssertionError_Type, "AssertionError", &Exception_Type) \
  X(AttributeError_Type, "AttributeError", &Exception_Type) \
  X(BufferError_Type, "BufferError", &Exception_Type) \
  X(EOFError_Type, "EOFError", &Exception_Type) \
  X(ImportError_Type, "ImportError", &Exception_Type) \
  X(ModuleNotFoundError_Type, "ModuleNotFoundError", &ImportError_Type) \
  X(LookupError_Type, "LookupError", &Exception_Type) \
  X(IndexError_Type, "IndexError", &LookupError_Type) \
  X(KeyError_Type, "KeyError", &LookupError_Type) \
  X(MemoryError_Type, "MemoryError", &Exception_Type) \
  X(NameError_Type, "NameError", &Exception_Type) \
  X(UnboundLocalError_Type, "UnboundLocalError", &NameError_Type) \
  X(OSError_Type, "OSError", &Exception_Type) \
  X(BlockingIOError_Type, "BlockingIOError", &OSError_Type) \
  X(ChildProcessError_Type, "ChildProcessError", &OSError_Type) \
  X(ConnectionError_Type, "ConnectionError", &OSError_Type) \
  X(BrokenPipeError_Type, "BrokenPipeError", &ConnectionError_Type) \
  X(ConnectionAbortedError_Type, "ConnectionAbortedError", &ConnectionError_Type) \
  X(ConnectionRefusedError_Type, "ConnectionRefusedError", &ConnectionError_Type) \
  X(ConnectionResetError_Type, "ConnectionResetError", &ConnectionError_Type) \
  X(FileExistsError_Type, "FileExistsError", &OSError_Type) \
  X(FileNotFoundError_Type, "FileNotFoundError", &OSError_Type) \
  X(InterruptedError_Type, "InterruptedError", &OSError_Type) \
  X(IsADirectoryError_Type, "IsADirectoryError", &OSError_Type) \
  X(NotADirectoryError_Type, "NotADirectoryError", &OSError_Type) \
  X(PermissionError_Type, "PermissionError", &OSError_Type) \
  X(ProcessLookupError_Type, "ProcessLookupError", &OSError_Type) \
  X(TimeoutError_Type, "TimeoutError", &OSError_Type) \
  X(ReferenceError_Type, "ReferenceError", &Exception_Type) \
  X(RuntimeError_Type, "RuntimeError", &Exception_Type) \
  X(NotImplementedError_Type, "NotImplementedError", &RuntimeError_Type) \
  X(RecursionError_Type, "RecursionError", &RuntimeError_Type) \
  X(StopIteration_Type, "StopIteration", &Exception_Type) \
  X(SyntaxError_Type, "SyntaxError", &Exception_Type) \
  X(IndentationError_Type, "IndentationError", &SyntaxError_Type) \
  X(SystemError_Type, "SystemError", &Exception_Type) \
  X(TypeError_Type, "TypeError", &Exception_Type) \
  X(ValueError_Type, "ValueError", &Exception_Type) \
  X(UnicodeError_Type, "UnicodeError", &ValueError_Type) \
  X(UnicodeDecodeError_Type, "UnicodeDecodeError", &UnicodeError_Type) \
  X(UnicodeEncodeError_Type, "UnicodeEncodeError", &UnicodeError_Type)

Type GeneratorExit_Type, FloatingPointError_Type, BufferError_Type, EOFError_Type,
    BlockingIOError_Type, ChildProcessError_Type, ConnectionAbortedError_Type,
    ProcessLookupError_Type, ReferenceError_Type, IndentationError_Type, SystemError_Type,
    UnicodeEncodeError_Type;

EXC_LIST(EXC_TYPE)

static Type *const all_exc_types[] = {
#define X(cname, pyname, basep) &cname,
    EXC_LIST(X)
#undef X
};

int vm_exceptions_init(TState *ts, Obj *builtins) {
  for (size_t i = 0; i < sizeof all_exc_types / sizeof all_exc_types[0]; i++) {
    Type *t = all_exc_types[i];
    if (dict_set_str(ts, builtins, t->name, v_obj(&t->ob)) < 0) return -1;
  }
  /* CPython's aliases of OSError. */
  if (dict_set_str(ts, builtins, "IOError", v_obj(&OSError_Type.ob)) < 0) return -1;
  if (dict_set_str(ts, builtins, "EnvironmentError", v_obj(&OSError_Type.ob)) < 0) return -1;
  return 0;
}

/* ---- exception objects ------------------------------------------------------ */

Obj *exc_new(TState *ts, Type *type, Obj *args_tuple) {
  ExcObj *e = (ExcObj *)vm_alloc(ts, type, sizeof(ExcObj));
  if (!e) return NULL;
  if (args_tuple) {
    obj_incref(args_tuple);
  } else {
    args_tuple = tuple_new(ts, 0);
    if (!args_tuple) {
      e->args = NULL;
      e->cause = e->context = v_none();
      e->traceback = NULL;
      obj_decref(&e->ob);
      return NULL;
    }
  }
  e->args = args_tuple;
  e->cause = v_none();
  e->context = v_none();
  e->suppress_context = false;
  e->traceback = NULL;
  return &e->ob;
}

static void exc_clear(Obj *self) {
  ExcObj *e = (ExcObj *)self;
  Obj *a = e->args, *tb = e->traceback;
  Value c = e->cause, x = e->context;
  e->args = NULL;
  e->traceback = NULL;
  e->cause = e->context = v_none();
  obj_xdecref(a);
  obj_xdecref(tb);
  v_decref(c);
  v_decref(x);
}

static void exc_dealloc(Obj *self) {
  exc_clear(self);
  vm_free_obj(self);
}

static void exc_traverse(Obj *self, void (*visit)(Obj *, void *), void *arg) {
  ExcObj *e = (ExcObj *)self;
  if (e->args) visit(e->args, arg);
  if (e->traceback) visit(e->traceback, arg);
  if (v_is_obj(e->cause)) visit(e->cause.as.o, arg);
  if (v_is_obj(e->context)) visit(e->context.as.o, arg);
}

static int exc_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  if (kwargs && as_dict(v_obj(kwargs))->used > 0)
    return vm_raise(ts, &TypeError_Type, "%s() takes no keyword arguments", type->name);
  /* OSError(errno, msg) picks the subclass for errno, as CPython does */
  if (type == &OSError_Type && nargs >= 2 && v_is_int(args[0])) {
    switch (args[0].as.i) {
    case ENOENT: type = &FileNotFoundError_Type; break;
    case EEXIST: type = &FileExistsError_Type; break;
    case EACCES: case EPERM: type = &PermissionError_Type; break;
    case EISDIR: type = &IsADirectoryError_Type; break;
    case ENOTDIR: type = &NotADirectoryError_Type; break;
    case ETIMEDOUT: type = &TimeoutError_Type; break;
    case ECONNREFUSED: type = &ConnectionRefusedError_Type; break;
    case ECONNRESET: type = &ConnectionResetError_Type; break;
    case ECONNABORTED: type = &ConnectionAbortedError_Type; break;
    case EPIPE: case ESHUTDOWN: type = &BrokenPipeError_Type; break;
    case EINTR: type = &InterruptedError_Type; break;
    case EAGAIN: case EALREADY: case EINPROGRESS: type = &BlockingIOError_Type; break;
    case ECHILD: type = &ChildProcessError_Type; break;
    case ESRCH: type = &ProcessLookupError_Type; break;
    default: break;
    }
  }
  Obj *t = tuple_new(ts, (size_t)nargs);
  if (!t) return -1;
  for (int i = 0; i < nargs; i++) ((TupleObj *)t)->items[i] = v_incref(args[i]);
  Obj *e = exc_new(ts, type, t);
  obj_decref(t);
  if (!e) return -1;
  *out = v_obj(e);
  return 0;
}

static int exc_repr(TState *ts, Value self, Value *out) {
  ExcObj *e = (ExcObj *)self.as.o;
  TupleObj *a = (TupleObj *)e->args;
  Value r;
  if (a->len == 1) {
    if (vm_repr(ts, a->items[0], &r) < 0) return -1;
    Obj *s = str_fmt(ts, "%s(%s)", e->ob.type->name, as_str(r)->data);
    v_decref(r);
    if (!s) return -1;
    *out = v_obj(s);
    return 0;
  }
  if (vm_repr(ts, v_obj(e->args), &r) < 0) return -1;
  /* "(1, 2)" -> "Name(1, 2)"; the empty tuple "()" -> "Name()" */
  Obj *s = str_fmt(ts, "%s%s", e->ob.type->name, as_str(r)->data);
  v_decref(r);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int exc_str(TState *ts, Value self, Value *out) {
  ExcObj *e = (ExcObj *)self.as.o;
  TupleObj *a = (TupleObj *)e->args;
  Type *t = e->ob.type;
  /* OSError(errno, strerror[, filename]) prints as "[Errno 2] msg: 'file'". */
  if (type_is_subtype(t, &OSError_Type) && a->len >= 2 && a->len <= 3 &&
      v_is_int(a->items[0])) {
    Value s, f = v_undef();
    if (vm_str(ts, a->items[1], &s) < 0) return -1;
    if (a->len == 3 && vm_repr(ts, a->items[2], &f) < 0) {
      v_decref(s);
      return -1;
    }
    Obj *r = a->len == 3 ? str_fmt(ts, "[Errno %lld] %s: %s", (long long)a->items[0].as.i,
                                   as_str(s)->data, as_str(f)->data)
                         : str_fmt(ts, "[Errno %lld] %s", (long long)a->items[0].as.i,
                                   as_str(s)->data);
    v_decref(s);
    v_decref(f);
    if (!r) return -1;
    *out = v_obj(r);
    return 0;
  }
  if (a->len == 0) {
    Obj *s = str_from_cstr(ts, "");
    if (!s) return -1;
    *out = v_obj(s);
    return 0;
  }
  if (a->len == 1) {
    /* KeyError shows its key as a repr, so that an empty-string key shows. */
    if (type_is_subtype(t, &KeyError_Type)) return vm_repr(ts, a->items[0], out);
    return vm_str(ts, a->items[0], out);
  }
  return vm_str(ts, v_obj(e->args), out);
}

static bool name_is(Obj *name, const char *s) { return strcmp(((StrObj *)name)->data, s) == 0; }

static int exc_getattr(TState *ts, Value self, Obj *name, Value *out) {
  ExcObj *e = (ExcObj *)self.as.o;
  TupleObj *a = (TupleObj *)e->args;
  Type *t = e->ob.type;
  if (name_is(name, "args")) {
    *out = v_incref(v_obj(e->args));
    return 0;
  }
  if (name_is(name, "__cause__")) {
    *out = v_incref(e->cause);
    return 0;
  }
  if (name_is(name, "__context__")) {
    *out = v_incref(e->context);
    return 0;
  }
  if (name_is(name, "__suppress_context__")) {
    *out = v_bool(e->suppress_context);
    return 0;
  }
  if (name_is(name, "__traceback__")) {
    *out = v_none();
    return 0;
  }
  if (name_is(name, "__class__")) {
    *out = v_obj(&t->ob);
    return 0;
  }
  bool os = type_is_subtype(t, &OSError_Type);
  if (os && (name_is(name, "errno") || name_is(name, "strerror") || name_is(name, "filename"))) {
    size_t i = name_is(name, "errno") ? 0 : name_is(name, "strerror") ? 1 : 2;
    *out = (a->len >= 2 && i < a->len) ? v_incref(a->items[i]) : v_none();
    return 0;
  }
  if ((type_is_subtype(t, &SystemExit_Type) && name_is(name, "code")) ||
      (type_is_subtype(t, &StopIteration_Type) && name_is(name, "value"))) {
    *out = a->len == 0 ? v_none() : a->len == 1 ? v_incref(a->items[0]) : v_incref(v_obj(e->args));
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "'%s' object has no attribute '%s'", t->name,
                  ((StrObj *)name)->data);
}

static int exc_setattr(TState *ts, Value self, Obj *name, Value val) {
  ExcObj *e = (ExcObj *)self.as.o;
  if (name_is(name, "__cause__")) {
    v_set(&e->cause, v_incref(val));
    e->suppress_context = true;
    return 0;
  }
  if (name_is(name, "__context__")) {
    v_set(&e->context, v_incref(val));
    return 0;
  }
  if (name_is(name, "args")) {
    Obj *l;
    if (vm_to_list(ts, val, &l) < 0) return -1;
    ListObj *lo = (ListObj *)l;
    Obj *t = tuple_new(ts, lo->len);
    if (!t) {
      obj_decref(l);
      return -1;
    }
    for (size_t i = 0; i < lo->len; i++) ((TupleObj *)t)->items[i] = v_incref(lo->items[i]);
    obj_decref(l);
    Obj *old = e->args;
    e->args = t;
    obj_decref(old);
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "'%s' object attribute '%s' is read-only",
                  e->ob.type->name, ((StrObj *)name)->data);
}

/* ---- raising ------------------------------------------------------------------ */

static bool is_exc(Value v) { return v_is_obj(v) && (v.as.o->type->flags & TF_EXCEPTION); }

/* Implicit chaining: an exception raised while another is handled gets it
 * as __context__, unless that would make a cycle (CPython breaks it the
 * same way: by cutting the chain where the new exception appears). */
static void set_context(TState *ts, Value exc) {
  Value h = ts->handled;
  if (!is_exc(h) || !is_exc(exc) || h.as.o == exc.as.o) return;
  ExcObj *e = (ExcObj *)exc.as.o;
  Value o = h;
  while (is_exc(o)) {
    ExcObj *oe = (ExcObj *)o.as.o;
    if (is_exc(oe->context) && oe->context.as.o == exc.as.o) {
      v_set(&oe->context, v_none());
      break;
    }
    o = oe->context;
  }
  v_set(&e->context, v_incref(h));
}

static void set_exc(TState *ts, Value exc) {
  set_context(ts, exc);
  v_set(&ts->exc, exc);
}

int vm_raise_value(TState *ts, Value exc) {
  set_exc(ts, v_incref(exc));
  return -1;
}

int vm_raise_key_error(TState *ts, Value key) {
  Obj *t = tuple_pack(ts, 1, key);
  if (!t) return -1;
  Obj *e = exc_new(ts, &KeyError_Type, t);
  obj_decref(t);
  if (!e) return -1;
  vm_raise_value(ts, v_obj(e));
  obj_decref(e);
  return -1;
}

int vm_raise(TState *ts, Type *type, const char *fmt, ...) {
  char stackbuf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(stackbuf, sizeof stackbuf, fmt, ap);
  va_end(ap);
  char *buf = stackbuf;
  if (n >= (int)sizeof stackbuf) {
    buf = malloc((size_t)n + 1);
    if (!buf) return vm_raise_nomem(ts);
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  Obj *msg = str_new(ts, buf, (size_t)(n < 0 ? 0 : n));
  if (buf != stackbuf) free(buf);
  if (!msg) return -1;
  Obj *args = tuple_new(ts, 1);
  if (!args) {
    obj_decref(msg);
    return -1;
  }
  ((TupleObj *)args)->items[0] = v_obj(msg);
  Obj *e = exc_new(ts, type, args);
  obj_decref(args);
  if (!e) return -1;
  set_exc(ts, v_obj(e));
  return -1;
}

/* A preallocated MemoryError: raising one must not need memory. */
static struct {
  GCHead head; /* zeroed: untracked, as a static GC object must be */
  ExcObj e;
} nomem_static;
#define nomem_exc nomem_static.e

int vm_raise_nomem(TState *ts) {
  if (!nomem_exc.ob.type) {
    nomem_exc.ob.refcnt = IMMORTAL_REFCNT;
    nomem_exc.ob.type = &MemoryError_Type;
    nomem_exc.args = tuple_new(ts, 0); /* the static empty tuple */
    nomem_exc.cause = nomem_exc.context = v_none();
  }
  v_set(&ts->exc, v_obj(&nomem_exc.ob));
  nomem_exc.ob.refcnt++;
  return -1;
}

Value vm_exc_current(TState *ts) { return ts->exc; }

bool vm_exc_matches(TState *ts, Type *type) {
  return is_exc(ts->exc) && type_is_subtype(ts->exc.as.o->type, type);
}

void vm_exc_clear(TState *ts) { v_set(&ts->exc, v_undef()); }

Value vm_exc_fetch(TState *ts) {
  Value e = ts->exc;
  ts->exc = v_undef();
  return e;
}

/* ---- printing ----------------------------------------------------------------- */

/* Line `lineno` of `path` with leading and trailing whitespace stripped,
 * into buf; false if unreadable. */
static bool source_line(const char *path, int lineno, char *buf, size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  int line = 1;
  bool found = false;
  while (fgets(buf, (int)n, f)) {
    size_t len = strlen(buf);
    bool whole = len > 0 && buf[len - 1] == '\n';
    if (line == lineno) {
      found = true;
      break;
    }
    if (whole) line++;
  }
  fclose(f);
  if (!found) return false;
  char *s = buf;
  while (*s == ' ' || *s == '\t' || *s == '\f') s++;
  size_t len = strlen(s);
  while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ')) s[--len] = 0;
  memmove(buf, s, len + 1);
  return true;
}

static void print_tb(ExcObj *e, FILE *out) {
  if (!e->traceback || ((ListObj *)e->traceback)->len == 0) return;
  fputs("Traceback (most recent call last):\n", out);
  ListObj *tb = (ListObj *)e->traceback;
  for (size_t i = 0; i < tb->len; i++) {
    TupleObj *t = as_tuple(tb->items[i]);
    const char *file = as_str(t->items[0])->data;
    int line = (int)t->items[1].as.i;
    fprintf(out, "  File \"%s\", line %d, in %s\n", file, line, as_str(t->items[2])->data);
    char buf[1024];
    if (source_line(file, line, buf, sizeof buf) && buf[0]) fprintf(out, "    %s\n", buf);
  }
}

/* SyntaxError(msg, (filename, lineno, offset, text)) prints its location
 * the way CPython does, with a caret under the column. */
static bool print_syntax_error(TState *ts, ExcObj *e, FILE *out) {
  TupleObj *a = (TupleObj *)e->args;
  if (a->len < 2 || a->len > 3 || !v_is_type(a->items[1], &TupleType)) return false;
  TupleObj *loc = as_tuple(a->items[1]);
  if (loc->len != 4 || !v_is_type(loc->items[0], &StrType)) return false;
  fprintf(out, "  File \"%s\", line %lld\n", as_str(loc->items[0])->data,
          (long long)loc->items[1].as.i);
  if (v_is_type(loc->items[3], &StrType)) {
    const char *text = as_str(loc->items[3])->data;
    int indent = 0;
    while (text[indent] == ' ' || text[indent] == '\t') indent++;
    size_t len = strlen(text + indent);
    while (len > 0 && (text[indent + len - 1] == '\n' || text[indent + len - 1] == ' ')) len--;
    fprintf(out, "    %.*s\n", (int)len, text + indent);
    long long col = v_is_int(loc->items[2]) ? loc->items[2].as.i : 1;
    long long caret = col - 1 - indent;
    if (caret < 0) caret = 0;
    fprintf(out, "    %*s^\n", (int)caret, "");
  }
  Value s;
  if (vm_str(ts, a->items[0], &s) < 0) {
    vm_exc_clear(ts);
    return true;
  }
  if (a->len == 3 && v_is_type(a->items[2], &StrType))
    fprintf(out, "%s: %s: %s\n", as_str(a->items[2])->data, e->ob.type->name, as_str(s)->data);
  else
    fprintf(out, "%s: %s\n", e->ob.type->name, as_str(s)->data);
  v_decref(s);
  return true;
}

static void print_one(TState *ts, ExcObj *e, FILE *out) {
  if (type_is_subtype(e->ob.type, &SyntaxError_Type) && print_syntax_error(ts, e, out)) return;
  print_tb(e, out);
  Value s;
  if (vm_str(ts, v_obj(&e->ob), &s) < 0) {
    vm_exc_clear(ts);
    fprintf(out, "%s: <exception str() failed>\n", e->ob.type->name);
    return;
  }
  if (as_str(s)->size == 0)
    fprintf(out, "%s\n", e->ob.type->name);
  else
    fprintf(out, "%s: %s\n", e->ob.type->name, as_str(s)->data);
  v_decref(s);
}

static void print_chain(TState *ts, ExcObj *e, int depth, FILE *out) {
  /* Bounded, as CPython bounds it with a seen-set: chains are short. */
  if (depth < 100) {
    if (is_exc(e->cause)) {
      print_chain(ts, (ExcObj *)e->cause.as.o, depth + 1, out);
      fputs("\nThe above exception was the direct cause of the following exception:\n\n", out);
    } else if (is_exc(e->context) && !e->suppress_context) {
      print_chain(ts, (ExcObj *)e->context.as.o, depth + 1, out);
      fputs("\nDuring handling of the above exception, another exception occurred:\n\n", out);
    }
  }
  print_one(ts, e, out);
}

void vm_format_exception(TState *ts, FILE *out) {
  Value exc = vm_exc_fetch(ts);
  if (!is_exc(exc)) {
    v_decref(exc);
    return;
  }
  print_chain(ts, (ExcObj *)exc.as.o, 0, out);
  v_decref(exc);
}

void vm_print_exception(TState *ts) {
  fflush(stdout);
  vm_format_exception(ts, stderr);
  fflush(stderr);
}
