/*
 * compiler.c - code generation: syntax tree + scopes -> CodeObj.
 *
 * Each def/lambda/comprehension is compiled in its own Unit. The compiler
 * tracks the value-stack depth statically (every emit applies the
 * opcode's stack effect), which gives each frame's stack size and each
 * exception handler's depth. Exception handling is table-driven (as in
 * CPython 3.11): every emitted word records the handler active at that
 * point; the table of ranges is built at the end. `finally` bodies are
 * compiled twice, once for the normal path and once for the exceptional
 * one; `return`, `break` and `continue` inside try/with/except compile the
 * pending finally bodies and exits inline before jumping.
 *
 * Generator expressions are compiled like list comprehensions and their
 * list's iterator is what the consumer receives: `sum(x for x in xs)`
 * works, but the whole sequence is computed first (documented in
 * docs/language.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "objimpl.h"
#include "parser.h"
#include "symtable.h"
#include "vm.h"

typedef struct Handler {
  int target; /* pc, -1 until placed */
  int depth;
} Handler;

/* FB_POP_VALUE: a finally body inlined by a return sits above the return
 * value; a break, continue or return inside it drops that value. */
enum { FB_WHILE, FB_FOR, FB_TRY_EXCEPT, FB_FINALLY_TRY, FB_FINALLY_END, FB_HANDLER, FB_WITH, FB_POP_VALUE };

typedef struct FBlock {
  int kind;
  int outer_handler; /* the handler active outside this block */
  NodeList *finalbody; /* FB_FINALLY_TRY */
  const char *name;    /* FB_HANDLER: the `as` name */
  int *breaks;         /* loops: pcs of break jumps to patch */
  int nbreaks, capbreaks;
  int continue_target;
  int *continues;
  int ncontinues, capcontinues;
} FBlock;

typedef struct JumpRef {
  int pc;
  bool word; /* the target is the extra word at pc (superinstructions) */
} JumpRef;

typedef struct Unit {
  Scope *scope;
  uint32_t *code;
  int *lines;
  int *handler_of;
  int n, cap;
  Value *consts;
  int nconsts, capconsts;
  Obj **names;
  int nnames, capnames;
  Handler *handlers;
  int nhandlers, caphandlers;
  int cur_handler;
  FBlock fblocks[64];
  int nfblocks;
  int depth, maxdepth;
  int ngcache;
  int line;
  bool is_module;
} Unit;

typedef struct Compiler {
  TState *ts;
  Arena *arena;
  const char *filename;
  const char *src;
  size_t srclen;
  Unit *u;
  bool failed;
  char msg[256];
  int err_line, err_col;
  bool unsupported;
} Compiler;

static void compile_expr(Compiler *c, Node *n);
static void compile_stmts(Compiler *c, NodeList *l);
static void compile_stmt(Compiler *c, Node *n);
static CodeObj *compile_unit(Compiler *c, Scope *s, Node *node);

static void cerror(Compiler *c, Node *at, bool unsupported, const char *msg) {
  if (c->failed) return;
  c->failed = true;
  snprintf(c->msg, sizeof c->msg, "%s", msg);
  c->err_line = at ? at->line : c->u->line;
  c->err_col = at ? at->col : 1;
  c->unsupported = unsupported;
}

static void oom(void) {
  fputs("gild: out of memory while compiling\n", stderr);
  abort();
}

static void *grow(void *p, int *cap, int need, size_t elem) {
  if (need <= *cap) return p;
  int nc = *cap ? *cap * 2 : 64;
  while (nc < need) nc *= 2;
  void *q = realloc(p, (size_t)nc * elem);
  if (!q) oom();
  *cap = nc;
  return q;
}

/* ---- emitting ------------------------------------------------------------------- */

static int stack_effect(int op, int arg) {
  switch (op) {
  case OP_POP_TOP: return -1;
  case OP_DUP_TOP: return 1;
  case OP_DUP_TOP_TWO: return 2;
  case OP_LOAD_CONST: case OP_LOAD_FAST: case OP_LOAD_DEREF: case OP_LOAD_CLOSURE:
  case OP_LOAD_GLOBAL: return 1;
  case OP_STORE_FAST: case OP_STORE_DEREF: case OP_STORE_GLOBAL: return -1;
  case OP_STORE_ATTR: return -2;
  case OP_LOAD_METHOD: return 1;
  case OP_BINARY_OP: case OP_INPLACE_OP: case OP_COMPARE_OP: case OP_IS_OP:
  case OP_CONTAINS_OP: case OP_BINARY_SUBSCR: return -1;
  case OP_STORE_SUBSCR: return -3;
  case OP_DELETE_SUBSCR: return -2;
  case OP_BUILD_SLICE: return 1 - arg;
  case OP_BUILD_LIST: case OP_BUILD_TUPLE: case OP_BUILD_STRING: return 1 - arg;
  case OP_BUILD_SET: return 1 - (arg & 0xfffff);
  case OP_BUILD_MAP: return 1 - 2 * arg;
  case OP_LIST_APPEND: case OP_SET_ADD: case OP_LIST_EXTEND: case OP_SET_UPDATE:
  case OP_DICT_UPDATE: return -1;
  case OP_MAP_ADD: return -2;
  case OP_UNPACK_SEQUENCE: return arg - 1;
  case OP_UNPACK_EX: return (arg & 0xff) + (arg >> 8);
  case OP_FORMAT_VALUE: return (arg & 4) ? -1 : 0;
  case OP_POP_JUMP_IF_FALSE: case OP_POP_JUMP_IF_TRUE: case OP_JUMP_IF_FALSE_OR_POP:
  case OP_JUMP_IF_TRUE_OR_POP: return -1;
  case OP_FOR_ITER: return 1;
  case OP_CALL: return -arg;
  case OP_CALL_KW: return -arg - 1;
  case OP_CALL_EX: return -1 - (arg & 1);
  case OP_CALL_METHOD: return -arg - 1;
  case OP_CALL_METHOD_KW: return -arg - 2;
  case OP_MAKE_FUNCTION: return -__builtin_popcount((unsigned)arg);
  case OP_RETURN_VALUE: return -1;
  case OP_RAISE: return -arg;
  case OP_RERAISE: return -1;
  case OP_PUSH_EXC_INFO: return 1;
  case OP_POP_EXCEPT: return -1;
  case OP_POP_EXCEPT_RERAISE: return -2;
  case OP_RAISE_ASSERT: return -arg;
  case OP_BEFORE_WITH: return 1;
  case OP_WITH_EXIT: return -1;
  case OP_WITH_EXCEPT_START: return 1;
  case OP_IMPORT_NAME: case OP_IMPORT_FROM: return 1;
  case OP_IMPORT_STAR: return -1;
  case OP_LOAD_FAST_FAST: return 2;
  case OP_BINOP_FAST_CONST: case OP_BINOP_FAST_INT: return 1;
  default: return 0;
  }
}

static void emit_word(Compiler *c, uint32_t w) {
  Unit *u = c->u;
  if (u->n >= u->cap) {
    int cap = u->cap, cap2 = u->cap, cap3 = u->cap;
    u->code = grow(u->code, &cap, u->n + 1, sizeof(uint32_t));
    u->lines = grow(u->lines, &cap2, u->n + 1, sizeof(int));
    u->handler_of = grow(u->handler_of, &cap3, u->n + 1, sizeof(int));
    u->cap = cap;
  }
  u->code[u->n] = w;
  u->lines[u->n] = u->line;
  u->handler_of[u->n] = u->cur_handler;
  u->n++;
}

static int emit(Compiler *c, int op, int arg) {
  Unit *u = c->u;
  if (arg < 0 || arg > INSN_ARG_MAX) {
    cerror(c, NULL, false, "too many constants, names or locals in one function");
    arg = 0;
  }
  int pc = u->n;
  emit_word(c, INSN(op, arg));
  u->depth += stack_effect(op, arg);
  if (u->depth > u->maxdepth) u->maxdepth = u->depth;
  return pc;
}

static JumpRef emit_jump(Compiler *c, int op) {
  JumpRef r = {emit(c, op, 0), false};
  return r;
}

static void patch_to(Compiler *c, JumpRef r, int target) {
  if (r.word)
    c->u->code[r.pc] = (uint32_t)target;
  else
    c->u->code[r.pc] = INSN(INSN_OP(c->u->code[r.pc]), target);
}

static void patch_here(Compiler *c, JumpRef r) { patch_to(c, r, c->u->n); }

static int add_const(Compiler *c, Value v) {
  Unit *u = c->u;
  /* reuse equal immediates and strings; code objects are always new */
  for (int i = 0; i < u->nconsts; i++) {
    Value k = u->consts[i];
    if (k.tag != v.tag) continue;
    if ((v.tag == T_INT || v.tag == T_BOOL) && k.as.i == v.as.i) goto found;
    if (v.tag == T_NONE) goto found;
    if (v.tag == T_FLOAT && memcmp(&k.as.f, &v.as.f, sizeof(double)) == 0) goto found;
    if (v.tag == T_OBJ && v.as.o->type == &StrType && k.as.o->type == &StrType &&
        str_eq(k.as.o, v.as.o))
      goto found;
    continue;
  found:
    v_decref(v);
    return i;
  }
  u->consts = grow(u->consts, &u->capconsts, u->nconsts + 1, sizeof(Value));
  u->consts[u->nconsts] = v;
  return u->nconsts++;
}

static int add_name(Compiler *c, const char *name) {
  Unit *u = c->u;
  Obj *s = str_intern(name);
  for (int i = 0; i < u->nnames; i++)
    if (u->names[i] == s) return i;
  u->names = grow(u->names, &u->capnames, u->nnames + 1, sizeof(Obj *));
  u->names[u->nnames] = s;
  return u->nnames++;
}

static void load_const(Compiler *c, Value v) { emit(c, OP_LOAD_CONST, add_const(c, v)); }

static Value str_const(Compiler *c, const char *s, size_t n) {
  Obj *o = str_new(c->ts, s, n);
  if (!o) oom();
  return v_obj(o);
}

static int new_handler(Compiler *c, int depth) {
  Unit *u = c->u;
  u->handlers = grow(u->handlers, &u->caphandlers, u->nhandlers + 1, sizeof(Handler));
  u->handlers[u->nhandlers].target = -1;
  u->handlers[u->nhandlers].depth = depth;
  return u->nhandlers++;
}

static void place_handler(Compiler *c, int h) {
  c->u->handlers[h].target = c->u->n;
  c->u->depth = c->u->handlers[h].depth + 1; /* the exception is pushed */
  if (c->u->depth > c->u->maxdepth) c->u->maxdepth = c->u->depth;
}

/* ---- names ---------------------------------------------------------------------- */

typedef enum { ACC_LOAD, ACC_STORE, ACC_DELETE } Access;

static void name_op(Compiler *c, const char *name, Access acc) {
  int idx = 0;
  NameKind k = symtable_resolve(c->u->scope, name, &idx);
  switch (k) {
  case NAME_FAST:
    emit(c, acc == ACC_LOAD ? OP_LOAD_FAST : acc == ACC_STORE ? OP_STORE_FAST : OP_DELETE_FAST, idx);
    break;
  case NAME_DEREF:
    emit(c, acc == ACC_LOAD ? OP_LOAD_DEREF : acc == ACC_STORE ? OP_STORE_DEREF : OP_DELETE_DEREF, idx);
    break;
  case NAME_GLOBAL:
    if (acc == ACC_LOAD) {
      emit(c, OP_LOAD_GLOBAL, add_name(c, name));
      emit_word(c, (uint32_t)c->u->ngcache++);
    } else {
      emit(c, acc == ACC_STORE ? OP_STORE_GLOBAL : OP_DELETE_GLOBAL, add_name(c, name));
    }
    break;
  }
}

/* An int literal that fits the int32 immediate of the *_FAST_INT
 * superinstructions (no constant load, no tag check at run time). */
static bool is_int32(Node *n) { return n->kind == E_INT && n->ival >= INT32_MIN && n->ival <= INT32_MAX; }

/* BINOP_FAST_INT and INPLACE_FAST_INT are `+` and `-` only: the immediate
 * is the addend (negated for `-`), so the fast path is one checked add. */
static bool addend_int32(Node *n, int op, int32_t *imm) {
  if ((op != BINOP_ADD && op != BINOP_SUB) || n->kind != E_INT || n->ival <= INT32_MIN || n->ival > INT32_MAX)
    return false;
  *imm = (int32_t)(op == BINOP_SUB ? -n->ival : n->ival);
  return true;
}

static bool is_fast_local(Compiler *c, Node *n, int *slot) {
  if (n->kind != E_NAME) return false;
  return symtable_resolve(c->u->scope, n->name, slot) == NAME_FAST;
}

/* ---- expressions ---------------------------------------------------------------- */


/* Emits a conditional jump whose target is patched later: all the refs
 * collected in refs[] jump to the same place. */
typedef struct JumpList {
  JumpRef refs[64];
  int n;
  JumpRef *more;
  int nmore, capmore;
} JumpList;

static void jl_add(JumpList *l, JumpRef r) {
  if (l->n < 64) {
    l->refs[l->n++] = r;
    return;
  }
  l->more = grow(l->more, &l->capmore, l->nmore + 1, sizeof(JumpRef));
  l->more[l->nmore++] = r;
}

static void jl_patch(Compiler *c, JumpList *l, int target) {
  for (int i = 0; i < l->n; i++) patch_to(c, l->refs[i], target);
  for (int i = 0; i < l->nmore; i++) patch_to(c, l->more[i], target);
  free(l->more);
  l->more = NULL;
  l->n = l->nmore = l->capmore = 0;
}

static void jump_if(Compiler *c, Node *e, bool cond, JumpList *jl);

/* The arg of JUMP_IF_FAST_INT and RETURN_IF_FAST_INT: the comparison,
 * bit 4 set when acting on true, and bits 8-10 whether to act when
 * local <, ==, > imm (interp.c's int path reads only those). */
static int fast_int_test_arg(int cmp, bool cond) {
  static const uint8_t holds[6] = {0x1, 0x3, 0x2, 0x5, 0x4, 0x6}; /* < <= == != > >= */
  int mask = cond ? holds[cmp] : (~holds[cmp] & 7);
  return cmp | (cond ? 16 : 0) | mask << 8;
}

static void jump_if(Compiler *c, Node *e, bool cond, JumpList *jl) {
  if (e->kind == E_UNARY && e->op == '!') {
    jump_if(c, e->a, !cond, jl);
    return;
  }
  if (e->kind == E_BOOLOP) {
    bool is_and = e->op == 'a';
    if (is_and != cond) {
      /* `a and b` jumping when false (or `a or b` when true): any operand decides */
      for (int i = 0; i < e->list.n; i++) jump_if(c, e->list.items[i], cond, jl);
    } else {
      JumpList skip = {0};
      for (int i = 0; i < e->list.n - 1; i++) jump_if(c, e->list.items[i], !cond, &skip);
      jump_if(c, e->list.items[e->list.n - 1], cond, jl);
      jl_patch(c, &skip, c->u->n);
    }
    return;
  }
  if (e->kind == E_CONST) {
    /* `while True`, `if False`: the truth is known (ival 1 is True) */
    if (cond == (e->ival == 1)) jl_add(jl, emit_jump(c, OP_JUMP));
    return;
  }
  int slot;
  if (e->kind == E_COMPARE && e->list.n == 1 && e->ops[0] <= CMP_GE && is_fast_local(c, e->a, &slot) &&
      (e->list.items[0]->kind == E_INT || e->list.items[0]->kind == E_FLOAT)) {
    /* local CMP constant + conditional jump: one superinstruction */
    Node *k = e->list.items[0];
    bool imm = is_int32(k);
    int ci = imm ? (int)(int32_t)k->ival : add_const(c, k->kind == E_INT ? v_int(k->ival) : v_float(k->fval));
    int line = c->u->line;
    c->u->line = e->line;
    emit(c, imm ? OP_JUMP_IF_FAST_INT : OP_JUMP_IF_FAST_CONST,
         imm ? fast_int_test_arg(e->ops[0], cond) : e->ops[0] | (cond ? 16 : 0));
    emit_word(c, (uint32_t)slot);
    emit_word(c, (uint32_t)ci);
    JumpRef r = {c->u->n, true};
    emit_word(c, 0);
    c->u->line = line;
    jl_add(jl, r);
    return;
  }
  compile_expr(c, e);
  jl_add(jl, emit_jump(c, cond ? OP_POP_JUMP_IF_TRUE : OP_POP_JUMP_IF_FALSE));
}

static void compile_compare(Compiler *c, Node *e) {
  compile_expr(c, e->a);
  JumpList cleanup = {0};
  for (int i = 0; i < e->list.n; i++) {
    compile_expr(c, e->list.items[i]);
    bool last = i == e->list.n - 1;
    if (!last) {
      emit(c, OP_DUP_TOP, 0);
      emit(c, OP_ROT_THREE, 0);
    }
    int op = e->ops[i];
    if (op <= CMP_GE)
      emit(c, OP_COMPARE_OP, op);
    else if (op == CMPX_IN || op == CMPX_NOT_IN)
      emit(c, OP_CONTAINS_OP, op == CMPX_NOT_IN);
    else
      emit(c, OP_IS_OP, op == CMPX_IS_NOT);
    if (!last) jl_add(&cleanup, emit_jump(c, OP_JUMP_IF_FALSE_OR_POP));
  }
  if (cleanup.n) {
    JumpRef end = emit_jump(c, OP_JUMP);
    int d = c->u->depth;
    jl_patch(c, &cleanup, c->u->n);
    c->u->depth = d + 1; /* [middle, False] */
    emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_TOP, 0);
    patch_here(c, end);
  }
}

/* Builds a sequence with starred items: BUILD_LIST 0 + appends/extends. */
static void compile_starred_seq(Compiler *c, NodeList *items, int kind) {
  bool set = kind == E_SET;
  emit(c, set ? OP_BUILD_SET : OP_BUILD_LIST, 0);
  for (int i = 0; i < items->n; i++) {
    Node *it = items->items[i];
    if (it->kind == E_STARRED) {
      compile_expr(c, it->a);
      emit(c, set ? OP_SET_UPDATE : OP_LIST_EXTEND, 1);
    } else {
      compile_expr(c, it);
      emit(c, set ? OP_SET_ADD : OP_LIST_APPEND, 1);
    }
  }
  if (kind == E_TUPLE) emit(c, OP_LIST_TO_TUPLE, 0);
}

static bool has_starred(NodeList *l) {
  for (int i = 0; i < l->n; i++)
    if (l->items[i] && l->items[i]->kind == E_STARRED) return true;
  return false;
}

static void make_closure(Compiler *c, Scope *child, CodeObj *co, int flags) {
  if (child->nfrees > 0) {
    for (int i = 0; i < child->nfrees; i++) {
      int idx = 0;
      NameKind k = symtable_resolve(c->u->scope, child->freenames[i], &idx);
      if (k != NAME_DEREF) {
        cerror(c, child->node, false, "internal error: free variable not found");
        return;
      }
      emit(c, OP_LOAD_CLOSURE, idx);
    }
    emit(c, OP_BUILD_TUPLE, child->nfrees);
    flags |= 8;
  }
  load_const(c, v_obj(&co->ob));
  emit(c, OP_MAKE_FUNCTION, flags);
}

/* Defaults, then the function object, for def and lambda. */
static void compile_function(Compiler *c, Node *n) {
  int flags = 0, npos = 0, nkw = 0;
  for (int i = 0; i < n->params.n; i++) {
    Node *p = n->params.items[i];
    if (p->a && p->op == PARAM_POS) {
      compile_expr(c, p->a);
      npos++;
    }
  }
  if (npos) {
    emit(c, OP_BUILD_TUPLE, npos);
    flags |= 1;
  }
  for (int i = 0; i < n->params.n; i++) {
    Node *p = n->params.items[i];
    if (p->a && p->op == PARAM_KWONLY) {
      load_const(c, str_const(c, p->name, strlen(p->name)));
      compile_expr(c, p->a);
      nkw++;
    }
  }
  if (nkw) {
    emit(c, OP_BUILD_MAP, nkw);
    flags |= 2;
  }
  Scope *s = n->scope;
  CodeObj *co = compile_unit(c, s, n);
  if (!co) return;
  make_closure(c, s, co, flags);
}

static void compile_comprehension(Compiler *c, Node *n) {
  Scope *s = n->scope;
  CodeObj *co = compile_unit(c, s, n);
  if (!co) return;
  make_closure(c, s, co, 0);
  compile_expr(c, n->list.items[0]->b);
  emit(c, OP_GET_ITER, 0);
  emit(c, OP_CALL, 1);
  if (n->kind == E_GENEXP) emit(c, OP_GET_ITER, 0);
}

static void compile_call(Compiler *c, Node *n) {
  int line = c->u->line;
  Node *f = n->a;
  bool star = has_starred(&n->list);
  bool dstar = false;
  for (int i = 0; i < n->list2.n; i++) dstar |= n->list2.items[i]->name == NULL;
  if (star || dstar) {
    compile_expr(c, f);
    c->u->line = n->line;
    compile_starred_seq(c, &n->list, E_TUPLE);
    if (n->list2.n) {
      emit(c, OP_BUILD_MAP, 0);
      for (int i = 0; i < n->list2.n; i++) {
        Node *k = n->list2.items[i];
        if (k->name) {
          load_const(c, v_obj(str_intern(k->name)));
          compile_expr(c, k->a);
          emit(c, OP_MAP_ADD, 1);
        } else {
          compile_expr(c, k->a);
          emit(c, OP_DICT_UPDATE, 1);
        }
      }
    }
    c->u->line = n->line;
    emit(c, OP_CALL_EX, n->list2.n ? 1 : 0);
    c->u->line = line;
    return;
  }
  bool method = f->kind == E_ATTR;
  if (method) {
    compile_expr(c, f->a);
    c->u->line = n->line;
    emit(c, OP_LOAD_METHOD, add_name(c, f->name));
  } else {
    compile_expr(c, f);
  }
  for (int i = 0; i < n->list.n; i++) compile_expr(c, n->list.items[i]);
  int nk = n->list2.n;
  if (nk) {
    for (int i = 0; i < nk; i++) {
      for (int j = 0; j < i; j++)
        if (strcmp(n->list2.items[j]->name, n->list2.items[i]->name) == 0) {
          cerror(c, n->list2.items[i], false, "keyword argument repeated");
          char buf[128];
          snprintf(buf, sizeof buf, "keyword argument repeated: %s", n->list2.items[i]->name);
          snprintf(c->msg, sizeof c->msg, "%s", buf);
        }
      compile_expr(c, n->list2.items[i]->a);
    }
    Obj *names = tuple_new(c->ts, (size_t)nk);
    if (!names) oom();
    for (int i = 0; i < nk; i++) ((TupleObj *)names)->items[i] = v_obj(str_intern(n->list2.items[i]->name));
    load_const(c, v_obj(names));
  }
  c->u->line = n->line;
  int total = n->list.n + nk;
  if (method)
    emit(c, nk ? OP_CALL_METHOD_KW : OP_CALL_METHOD, total);
  else
    emit(c, nk ? OP_CALL_KW : OP_CALL, total);
  c->u->line = line;
}

static void compile_fstring(Compiler *c, Node *n) {
  int parts = 0;
  for (int i = 0; i < n->list.n; i++) {
    Node *p = n->list.items[i];
    if (p->kind == E_STR) {
      load_const(c, str_const(c, p->str, p->slen));
    } else {
      compile_expr(c, p->a);
      int conv = p->ival == 's' ? 1 : p->ival == 'r' ? 2 : p->ival == 'a' ? 3 : 0;
      if (p->b) compile_fstring(c, p->b);
      emit(c, OP_FORMAT_VALUE, conv | (p->b ? 4 : 0));
    }
    parts++;
  }
  if (parts == 0)
    load_const(c, str_const(c, "", 0));
  else if (parts > 1 || n->list.items[0]->kind != E_FORMATTED)
    emit(c, OP_BUILD_STRING, parts);
}

static void compile_slice_part(Compiler *c, Node *n) {
  if (n)
    compile_expr(c, n);
  else
    load_const(c, v_none());
}

static void compile_subscript_key(Compiler *c, Node *k) {
  if (k->kind == E_SLICE) {
    compile_slice_part(c, k->a);
    compile_slice_part(c, k->b);
    if (k->c) {
      compile_expr(c, k->c);
      emit(c, OP_BUILD_SLICE, 3);
    } else {
      emit(c, OP_BUILD_SLICE, 2);
    }
  } else if (k->kind == E_TUPLE) {
    for (int i = 0; i < k->list.n; i++) compile_subscript_key(c, k->list.items[i]);
    emit(c, OP_BUILD_TUPLE, k->list.n);
  } else {
    compile_expr(c, k);
  }
}

#define FOLD_LIMIT ((__int128)1 << 100)

/* Folds integer constant expressions at compile time in 128 bits, so that
 * -2**63 and -1 << 63, whose intermediate 2**63 does not fit in an int64,
 * give CPython's result. Anything unusual is left to the runtime. */
static bool fold_int(Node *n, __int128 *out) {
  __int128 a, b;
  switch (n->kind) {
  case E_INT:
    *out = n->op == 1 ? (__int128)INT64_MAX + 1 : n->ival;
    return true;
  case E_UNARY:
    if (n->op == '!' || !fold_int(n->a, &a)) return false;
    *out = n->op == '-' ? -a : n->op == '~' ? ~a : a;
    return true;
  case E_BINOP:
    if (!fold_int(n->a, &a) || !fold_int(n->b, &b)) return false;
    switch (n->op) {
    case BINOP_ADD: *out = a + b; break;
    case BINOP_SUB: *out = a - b; break;
    case BINOP_MUL:
      if (a > ((__int128)1 << 62) || a < -((__int128)1 << 62) || b > ((__int128)1 << 62) || b < -((__int128)1 << 62))
        return false;
      *out = a * b;
      break;
    case BINOP_POW: {
      if (b < 0 || b > 127) return false;
      __int128 r = 1;
      for (int i = 0; i < (int)b; i++) {
        r *= a;
        if (r > FOLD_LIMIT || r < -FOLD_LIMIT) return false;
      }
      *out = r;
      break;
    }
    case BINOP_LSHIFT:
      if (b < 0 || b > 64 || a > ((__int128)1 << 32) || a < -((__int128)1 << 32)) return false;
      *out = a * ((__int128)1 << (int)b);
      break;
    default: return false;
    }
    return *out <= FOLD_LIMIT && *out >= -FOLD_LIMIT;
  default: return false;
  }
}

static bool all_constants(NodeList *l) {
  for (int i = 0; i < l->n; i++) {
    NodeKind k = l->items[i]->kind;
    if (k != E_INT && k != E_FLOAT && k != E_STR && k != E_BYTES && k != E_CONST) return false;
  }
  return true;
}

static void compile_expr_node(Compiler *c, Node *n);

/* An expression's instructions carry the line it starts on, as CPython
 * 3.11's locations do: an error inside a multi-line expression names the
 * line of the failing operation (`(3\n % d)` raises on the line of `3`),
 * not the statement's first line. */
static void compile_expr(Compiler *c, Node *n) {
  int line = c->u->line;
  if (n->line > 0) c->u->line = n->line;
  compile_expr_node(c, n);
  c->u->line = line;
}

static void compile_expr_node(Compiler *c, Node *n) {
  if (c->failed) return;
  int slot;
  __int128 folded;
  if ((n->kind == E_BINOP || n->kind == E_UNARY) && fold_int(n, &folded) && folded <= INT64_MAX &&
      folded >= INT64_MIN) {
    load_const(c, v_int((int64_t)folded));
    return;
  }
  switch (n->kind) {
  case E_NAME: name_op(c, n->name, ACC_LOAD); break;
  case E_INT:
    if (n->op == 1) cerror(c, n, false, "integer literal too large: gild ints are 64-bit");
    load_const(c, v_int(n->ival));
    break;
  case E_FLOAT: load_const(c, v_float(n->fval)); break;
  case E_STR: load_const(c, str_const(c, n->str, n->slen)); break;
  case E_BYTES: {
    Obj *b = bytes_new(c->ts, n->str, n->slen);
    if (!b) oom();
    load_const(c, v_obj(b));
    break;
  }
  case E_CONST: load_const(c, n->ival == 0 ? v_none() : v_bool(n->ival == 1)); break;
  case E_FSTRING: compile_fstring(c, n); break;
  case E_BINOP:
    if (is_fast_local(c, n->a, &slot) && (n->b->kind == E_INT || n->b->kind == E_FLOAT)) {
      int32_t addend;
      bool imm = addend_int32(n->b, n->op, &addend);
      int ci = imm ? (int)addend
                   : add_const(c, n->b->kind == E_INT ? v_int(n->b->ival) : v_float(n->b->fval));
      int line = c->u->line;
      c->u->line = n->line;
      emit(c, imm ? OP_BINOP_FAST_INT : OP_BINOP_FAST_CONST, n->op);
      emit_word(c, (uint32_t)slot);
      emit_word(c, (uint32_t)ci);
      c->u->line = line;
      break;
    }
    compile_expr(c, n->a);
    compile_expr(c, n->b);
    emit(c, OP_BINARY_OP, n->op);
    break;
  case E_UNARY:
    compile_expr(c, n->a);
    emit(c, n->op == '-' ? OP_UNARY_NEG : n->op == '+' ? OP_UNARY_POS : n->op == '~' ? OP_UNARY_INVERT : OP_UNARY_NOT, 0);
    break;
  case E_BOOLOP: {
    JumpList end = {0};
    for (int i = 0; i < n->list.n; i++) {
      compile_expr(c, n->list.items[i]);
      if (i < n->list.n - 1) jl_add(&end, emit_jump(c, n->op == 'a' ? OP_JUMP_IF_FALSE_OR_POP : OP_JUMP_IF_TRUE_OR_POP));
    }
    jl_patch(c, &end, c->u->n);
    break;
  }
  case E_COMPARE: compile_compare(c, n); break;
  case E_IFEXP: {
    JumpList orelse = {0};
    jump_if(c, n->a, false, &orelse);
    int d = c->u->depth;
    compile_expr(c, n->b);
    JumpRef end = emit_jump(c, OP_JUMP);
    jl_patch(c, &orelse, c->u->n);
    c->u->depth = d;
    compile_expr(c, n->c);
    patch_here(c, end);
    break;
  }
  case E_LAMBDA: compile_function(c, n); break;
  case E_CALL: compile_call(c, n); break;
  case E_ATTR:
    compile_expr(c, n->a);
    emit(c, OP_LOAD_ATTR, add_name(c, n->name));
    break;
  case E_SUBSCRIPT:
    compile_expr(c, n->a);
    compile_subscript_key(c, n->b);
    emit(c, OP_BINARY_SUBSCR, 0);
    break;
  case E_SLICE: compile_subscript_key(c, n); break;
  case E_STARRED: cerror(c, n, false, "can't use starred expression here"); break;
  case E_LIST:
  case E_TUPLE:
  case E_SET:
    if (has_starred(&n->list)) {
      compile_starred_seq(c, &n->list, n->kind);
      break;
    }
    for (int i = 0; i < n->list.n; i++) compile_expr(c, n->list.items[i]);
    if (n->kind == E_SET && n->list.n >= 3 && all_constants(&n->list)) {
      /* CPython builds these from a frozenset constant: same order here */
      emit(c, OP_BUILD_SET, n->list.n | (1 << 20));
      break;
    }
    emit(c, n->kind == E_LIST ? OP_BUILD_LIST : n->kind == E_TUPLE ? OP_BUILD_TUPLE : OP_BUILD_SET, n->list.n);
    break;
  case E_DICT: {
    bool dstar = false;
    for (int i = 0; i < n->list.n; i++) dstar |= n->list.items[i] == NULL;
    if (!dstar) {
      for (int i = 0; i < n->list.n; i++) {
        compile_expr(c, n->list.items[i]);
        compile_expr(c, n->list2.items[i]);
      }
      emit(c, OP_BUILD_MAP, n->list.n);
      break;
    }
    emit(c, OP_BUILD_MAP, 0);
    for (int i = 0; i < n->list.n; i++) {
      if (n->list.items[i]) {
        compile_expr(c, n->list.items[i]);
        compile_expr(c, n->list2.items[i]);
        emit(c, OP_MAP_ADD, 1);
      } else {
        compile_expr(c, n->list2.items[i]);
        emit(c, OP_DICT_UPDATE, 1);
      }
    }
    break;
  }
  case E_LISTCOMP:
  case E_SETCOMP:
  case E_DICTCOMP:
  case E_GENEXP: compile_comprehension(c, n); break;
  default: cerror(c, n, false, "invalid syntax"); break;
  }
}

/* ---- assignment ------------------------------------------------------------------ */

static void compile_store(Compiler *c, Node *t) {
  switch (t->kind) {
  case E_NAME: name_op(c, t->name, ACC_STORE); break;
  case E_ATTR:
    compile_expr(c, t->a);
    emit(c, OP_STORE_ATTR, add_name(c, t->name));
    break;
  case E_SUBSCRIPT:
    compile_expr(c, t->a);
    compile_subscript_key(c, t->b);
    emit(c, OP_STORE_SUBSCR, 0);
    break;
  case E_TUPLE:
  case E_LIST: {
    int star = -1;
    for (int i = 0; i < t->list.n; i++)
      if (t->list.items[i]->kind == E_STARRED) {
        if (star >= 0) {
          cerror(c, t, false, "multiple starred expressions in assignment");
          return;
        }
        star = i;
      }
    if (star >= 0)
      emit(c, OP_UNPACK_EX, star | ((t->list.n - star - 1) << 8));
    else
      emit(c, OP_UNPACK_SEQUENCE, t->list.n);
    for (int i = 0; i < t->list.n; i++) {
      Node *x = t->list.items[i];
      compile_store(c, x->kind == E_STARRED ? x->a : x);
    }
    break;
  }
  case E_STARRED: cerror(c, t, false, "starred assignment target must be in a list or tuple"); break;
  default: cerror(c, t, false, "cannot assign to expression"); break;
  }
}

static void compile_delete(Compiler *c, Node *t) {
  switch (t->kind) {
  case E_NAME: name_op(c, t->name, ACC_DELETE); break;
  case E_SUBSCRIPT:
    compile_expr(c, t->a);
    compile_subscript_key(c, t->b);
    emit(c, OP_DELETE_SUBSCR, 0);
    break;
  case E_TUPLE:
  case E_LIST:
    for (int i = 0; i < t->list.n; i++) compile_delete(c, t->list.items[i]);
    break;
  case E_ATTR: cerror(c, t, true, "deleting attributes is not supported"); break;
  default: cerror(c, t, false, "cannot delete expression"); break;
  }
}

static void compile_augassign(Compiler *c, Node *n) {
  Node *t = n->a;
  int slot;
  if (is_fast_local(c, t, &slot) && (n->b->kind == E_INT || n->b->kind == E_FLOAT)) {
    int32_t addend;
    bool imm = addend_int32(n->b, n->op, &addend);
    int ci = imm ? (int)addend
                 : add_const(c, n->b->kind == E_INT ? v_int(n->b->ival) : v_float(n->b->fval));
    emit(c, imm ? OP_INPLACE_FAST_INT : OP_INPLACE_FAST_CONST, n->op);
    emit_word(c, (uint32_t)slot);
    emit_word(c, (uint32_t)ci);
    return;
  }
  switch (t->kind) {
  case E_NAME:
    name_op(c, t->name, ACC_LOAD);
    compile_expr(c, n->b);
    emit(c, OP_INPLACE_OP, n->op);
    name_op(c, t->name, ACC_STORE);
    break;
  case E_ATTR:
    compile_expr(c, t->a);
    emit(c, OP_DUP_TOP, 0);
    emit(c, OP_LOAD_ATTR, add_name(c, t->name));
    compile_expr(c, n->b);
    emit(c, OP_INPLACE_OP, n->op);
    emit(c, OP_ROT_TWO, 0);
    emit(c, OP_STORE_ATTR, add_name(c, t->name));
    break;
  case E_SUBSCRIPT:
    compile_expr(c, t->a);
    compile_subscript_key(c, t->b);
    emit(c, OP_DUP_TOP_TWO, 0);
    emit(c, OP_BINARY_SUBSCR, 0);
    compile_expr(c, n->b);
    emit(c, OP_INPLACE_OP, n->op);
    emit(c, OP_ROT_THREE, 0);
    emit(c, OP_STORE_SUBSCR, 0);
    break;
  default: cerror(c, t, false, "illegal expression for augmented assignment"); break;
  }
}

/* ---- blocks and unwinding ------------------------------------------------------- */

static FBlock *push_fblock(Compiler *c, int kind) {
  Unit *u = c->u;
  if (u->nfblocks >= 64) {
    cerror(c, NULL, false, "too many statically nested blocks");
    return &u->fblocks[63];
  }
  FBlock *b = &u->fblocks[u->nfblocks++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  b->outer_handler = u->cur_handler;
  return b;
}

static void pop_fblock(Compiler *c) { c->u->nfblocks--; }

/* Leaves block b on the way out of it (return/break/continue), keeping the
 * return value on top of the stack if preserve. */
static void unwind_block(Compiler *c, FBlock *b, bool preserve) {
  Unit *u = c->u;
  u->cur_handler = b->outer_handler;
  switch (b->kind) {
  case FB_FOR:
    if (preserve) emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_TOP, 0);
    break;
  case FB_FINALLY_TRY: {
    /* the finally body runs with this block gone, so a break inside it
     * goes to the enclosing loop */
    FBlock saved = *b;
    int idx = (int)(b - u->fblocks);
    int n = u->nfblocks;
    u->nfblocks = idx;
    if (preserve) push_fblock(c, FB_POP_VALUE);
    compile_stmts(c, saved.finalbody);
    u->nfblocks = n;
    u->fblocks[idx] = saved;
    break;
  }
  case FB_POP_VALUE:
    if (preserve) emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_TOP, 0);
    break;
  case FB_FINALLY_END:
    if (preserve) emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_TOP, 0);
    if (preserve) emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_EXCEPT, 0);
    break;
  case FB_HANDLER:
    if (preserve) emit(c, OP_ROT_TWO, 0);
    emit(c, OP_POP_EXCEPT, 0);
    if (b->name) {
      load_const(c, v_none());
      name_op(c, b->name, ACC_STORE);
      name_op(c, b->name, ACC_DELETE);
    }
    break;
  case FB_WITH:
    if (preserve) emit(c, OP_ROT_TWO, 0);
    emit(c, OP_WITH_EXIT, 0);
    break;
  default: break;
  }
}

/* Whether a return here leaves a block that needs code on the way out
 * (finally, with, a for's iterator, an except's exception). */
static bool return_unwinds(Unit *u) {
  for (int i = u->nfblocks - 1; i >= 0; i--)
    if (u->fblocks[i].kind != FB_WHILE && u->fblocks[i].kind != FB_TRY_EXCEPT) return true;
  return false;
}

/* `return`, `return None/True/False` or `return <int>`: the constant's
 * index, else -1. */
static int return_const(Compiler *c, Node *a) {
  if (a && a->kind != E_CONST && a->kind != E_INT) return -1;
  Value v = !a ? v_none() : a->kind == E_INT ? v_int(a->ival) : a->ival == 0 ? v_none() : v_bool(a->ival == 1);
  return add_const(c, v);
}

static void compile_return(Compiler *c, Node *n) {
  Unit *u = c->u;
  int depth = u->depth, handler = u->cur_handler;
  bool has_value = n->a != NULL;
  bool unwinds = return_unwinds(u);
  int slot, k;
  if (!unwinds && n->a && is_fast_local(c, n->a, &slot)) {
    emit(c, OP_RETURN_FAST, slot);
    return;
  }
  if (!unwinds && (k = return_const(c, n->a)) >= 0) {
    emit(c, OP_RETURN_CONST, k);
    return;
  }
  if (has_value)
    compile_expr(c, n->a);
  else
    load_const(c, v_none());
  for (int i = u->nfblocks - 1; i >= 0; i--) unwind_block(c, &u->fblocks[i], true);
  emit(c, OP_RETURN_VALUE, 0);
  u->depth = depth;
  u->cur_handler = handler;
}

static void compile_break_continue(Compiler *c, Node *n, bool is_break) {
  Unit *u = c->u;
  int depth = u->depth, handler = u->cur_handler;
  int i;
  for (i = u->nfblocks - 1; i >= 0; i--) {
    FBlock *b = &u->fblocks[i];
    if (b->kind == FB_WHILE || b->kind == FB_FOR) break;
  }
  if (i < 0) {
    cerror(c, n, false, is_break ? "'break' outside loop" : "'continue' not properly in loop");
    return;
  }
  for (int k = u->nfblocks - 1; k > i; k--) unwind_block(c, &u->fblocks[k], false);
  FBlock *loop = &u->fblocks[i];
  u->cur_handler = handler;
  if (is_break) {
    if (loop->kind == FB_FOR) emit(c, OP_POP_TOP, 0);
    loop->breaks = grow(loop->breaks, &loop->capbreaks, loop->nbreaks + 1, sizeof(int));
    loop->breaks[loop->nbreaks++] = emit(c, OP_JUMP, 0);
  } else if (loop->continue_target >= 0) {
    emit(c, OP_JUMP, loop->continue_target);
  } else {
    loop->continues = grow(loop->continues, &loop->capcontinues, loop->ncontinues + 1, sizeof(int));
    loop->continues[loop->ncontinues++] = emit(c, OP_JUMP, 0);
  }
  u->depth = depth;
}

static void finish_loop(Compiler *c, FBlock *loop, int break_target) {
  for (int i = 0; i < loop->nbreaks; i++) {
    JumpRef r = {loop->breaks[i], false};
    patch_to(c, r, break_target);
  }
  free(loop->breaks);
  free(loop->continues);
}

static void compile_while(Compiler *c, Node *n) {
  Unit *u = c->u;
  JumpList exit = {0};
  jump_if(c, n->a, false, &exit);
  int top = u->n;
  FBlock *loop = push_fblock(c, FB_WHILE);
  loop->continue_target = -1;
  compile_stmts(c, &n->list);
  int test = u->n;
  loop = &u->fblocks[u->nfblocks - 1];
  for (int i = 0; i < loop->ncontinues; i++) {
    JumpRef r = {loop->continues[i], false};
    patch_to(c, r, test);
  }
  /* the test again at the bottom: one conditional jump per iteration */
  u->line = n->line;
  JumpList back = {0};
  jump_if(c, n->a, true, &back);
  jl_patch(c, &back, top);
  FBlock saved = *loop;
  pop_fblock(c);
  jl_patch(c, &exit, u->n);
  compile_stmts(c, &n->list2);
  finish_loop(c, &saved, u->n);
}

static void compile_for(Compiler *c, Node *n) {
  Unit *u = c->u;
  compile_expr(c, n->b);
  emit(c, OP_GET_ITER, 0);
  int d = u->depth;
  int top = u->n;
  u->line = n->line;
  JumpRef done = emit_jump(c, OP_FOR_ITER);
  FBlock *loop = push_fblock(c, FB_FOR);
  loop->continue_target = top;
  compile_store(c, n->a);
  compile_stmts(c, &n->list);
  u->line = n->line;
  emit(c, OP_JUMP, top);
  FBlock saved = u->fblocks[u->nfblocks - 1];
  pop_fblock(c);
  patch_here(c, done);
  u->depth = d - 1;
  compile_stmts(c, &n->list2);
  finish_loop(c, &saved, u->n);
}

static void compile_try_except(Compiler *c, Node *n) {
  Unit *u = c->u;
  int d = u->depth, outer = u->cur_handler;
  int h_exc = new_handler(c, d);
  u->cur_handler = h_exc;
  push_fblock(c, FB_TRY_EXCEPT);
  compile_stmts(c, &n->list);
  pop_fblock(c);
  u->cur_handler = outer;
  compile_stmts(c, &n->list3);
  JumpList end = {0};
  jl_add(&end, emit_jump(c, OP_JUMP));
  /* the handlers: [exc] */
  place_handler(c, h_exc);
  emit(c, OP_PUSH_EXC_INFO, 0); /* [prev, exc] */
  int h_cleanup = new_handler(c, d + 1);
  u->cur_handler = h_cleanup;
  for (int i = 0; i < n->list2.n; i++) {
    Node *h = n->list2.items[i];
    u->line = h->line;
    JumpRef next = {-1, false};
    if (h->a) {
      compile_expr(c, h->a);
      emit(c, OP_CHECK_EXC_MATCH, 0);
      next = emit_jump(c, OP_POP_JUMP_IF_FALSE);
    }
    if (h->name)
      name_op(c, h->name, ACC_STORE);
    else
      emit(c, OP_POP_TOP, 0); /* [prev] */
    FBlock *fb = push_fblock(c, FB_HANDLER);
    fb->name = h->name;
    fb->outer_handler = outer;
    compile_stmts(c, &h->list);
    pop_fblock(c);
    u->cur_handler = outer;
    emit(c, OP_POP_EXCEPT, 0);
    if (h->name) {
      load_const(c, v_none());
      name_op(c, h->name, ACC_STORE);
      name_op(c, h->name, ACC_DELETE);
    }
    jl_add(&end, emit_jump(c, OP_JUMP));
    u->cur_handler = h_cleanup;
    u->depth = d + 2;
    if (next.pc >= 0) patch_here(c, next);
    if (!h->a) break;
  }
  if (n->list2.n == 0 || n->list2.items[n->list2.n - 1]->a) emit(c, OP_RERAISE, 0);
  u->cur_handler = outer;
  place_handler(c, h_cleanup);
  emit(c, OP_POP_EXCEPT_RERAISE, 0);
  jl_patch(c, &end, u->n);
  u->depth = d;
}

static void compile_try(Compiler *c, Node *n) {
  if (n->list4.n == 0) {
    compile_try_except(c, n);
    return;
  }
  Unit *u = c->u;
  int d = u->depth, outer = u->cur_handler;
  int h_fin = new_handler(c, d);
  u->cur_handler = h_fin;
  /* A return/break/continue in the body inlines the finally body from
   * this copy: n->list4 is emptied while the except part compiles. */
  NodeList finalbody = n->list4;
  FBlock *fb = push_fblock(c, FB_FINALLY_TRY);
  fb->outer_handler = outer;
  fb->finalbody = &finalbody;
  if (n->list2.n) {
    n->list4.n = 0;
    compile_try_except(c, n);
    n->list4 = finalbody;
  } else {
    compile_stmts(c, &n->list);
  }
  pop_fblock(c);
  u->cur_handler = outer;
  compile_stmts(c, &n->list4);
  JumpRef end = emit_jump(c, OP_JUMP);
  place_handler(c, h_fin);
  emit(c, OP_PUSH_EXC_INFO, 0);
  int h_cleanup = new_handler(c, d + 1);
  u->cur_handler = h_cleanup;
  FBlock *fe = push_fblock(c, FB_FINALLY_END);
  fe->outer_handler = h_cleanup;
  compile_stmts(c, &n->list4);
  pop_fblock(c);
  emit(c, OP_RERAISE, 0);
  u->cur_handler = outer;
  place_handler(c, h_cleanup);
  emit(c, OP_POP_EXCEPT_RERAISE, 0);
  patch_here(c, end);
  u->depth = d;
}

static void compile_with_items(Compiler *c, Node *n, int item) {
  Unit *u = c->u;
  Node *it = n->list.items[item];
  compile_expr(c, it->a);
  u->line = n->line;
  emit(c, OP_BEFORE_WITH, 0); /* [exit, value] */
  int d = u->depth - 1, outer = u->cur_handler;
  int h_with = new_handler(c, d);
  u->cur_handler = h_with;
  FBlock *fb = push_fblock(c, FB_WITH);
  fb->outer_handler = outer;
  if (it->b)
    compile_store(c, it->b);
  else
    emit(c, OP_POP_TOP, 0);
  if (item + 1 < n->list.n)
    compile_with_items(c, n, item + 1);
  else
    compile_stmts(c, &n->list2);
  pop_fblock(c);
  u->cur_handler = outer;
  u->line = n->line;
  emit(c, OP_WITH_EXIT, 0);
  JumpRef end = emit_jump(c, OP_JUMP);
  place_handler(c, h_with); /* [exit, exc] */
  emit(c, OP_PUSH_EXC_INFO, 0); /* [exit, prev, exc] */
  int h_cleanup = new_handler(c, d + 1);
  u->cur_handler = h_cleanup;
  emit(c, OP_WITH_EXCEPT_START, 0);
  JumpRef suppress = emit_jump(c, OP_POP_JUMP_IF_TRUE);
  emit(c, OP_RERAISE, 0);
  patch_here(c, suppress);
  u->depth = d + 2; /* [exit, prev, exc] */
  u->cur_handler = outer;
  emit(c, OP_POP_TOP, 0);
  emit(c, OP_POP_EXCEPT, 0);
  emit(c, OP_POP_TOP, 0);
  JumpRef end2 = emit_jump(c, OP_JUMP);
  place_handler(c, h_cleanup);
  emit(c, OP_POP_EXCEPT_RERAISE, 0);
  patch_here(c, end);
  patch_here(c, end2);
  /* d counts the exit slot, which WITH_EXIT (or the suppress path) popped:
   * one more here would make every later handler in this code keep a
   * stale stack slot and release it twice. */
  u->depth = d - 1;
}

static void compile_import(Compiler *c, Node *n) {
  for (int i = 0; i < n->names.n; i++) {
    const char *mod = n->names.items[i];
    const char *as = n->names2.items[i];
    emit(c, OP_IMPORT_NAME, add_name(c, mod) | (as ? 1 << 20 : 0));
    if (as) {
      name_op(c, as, ACC_STORE);
    } else {
      char buf[256];
      snprintf(buf, sizeof buf, "%s", mod);
      char *dot = strchr(buf, '.');
      if (dot) *dot = 0;
      name_op(c, buf, ACC_STORE);
    }
  }
}

static void compile_import_from(Compiler *c, Node *n) {
  emit(c, OP_IMPORT_NAME, add_name(c, n->name) | (1 << 20));
  if (n->names.n == 1 && strcmp(n->names.items[0], "*") == 0) {
    emit(c, OP_IMPORT_STAR, 0);
    return;
  }
  for (int i = 0; i < n->names.n; i++) {
    emit(c, OP_IMPORT_FROM, add_name(c, n->names.items[i]));
    name_op(c, n->names2.items[i] ? n->names2.items[i] : n->names.items[i], ACC_STORE);
  }
  emit(c, OP_POP_TOP, 0);
}

static void compile_stmt_body(Compiler *c, Node *n);

/* Every statement leaves the value stack as it found it. The handler depths
 * in the exception table come from this static count, so a wrong count is
 * a double release at run time: refuse to produce such code. */
/* `if <local> CMP <int32>: return <that local or a constant>`, the base
 * case of most recursive functions: one RETURN_IF_FAST_INT instead of a
 * JUMP_IF_FAST_INT and a return, so half the calls of a recursion (its
 * leaves) dispatch one instruction less. Only where nothing in the return
 * can raise (the local is bound: it was just compared) and nothing needs
 * unwinding; the else branch, if any, simply follows. */
static bool compile_if_return(Compiler *c, Node *n) {
  Node *e = n->a, *ret = n->list.n == 1 ? n->list.items[0] : NULL;
  int slot, rslot;
  if (!ret || ret->kind != S_RETURN || return_unwinds(c->u)) return false;
  if (e->kind != E_COMPARE || e->list.n != 1 || e->ops[0] > CMP_GE || !is_fast_local(c, e->a, &slot) ||
      !is_int32(e->list.items[0]))
    return false;
  uint32_t what;
  if (ret->a && is_fast_local(c, ret->a, &rslot)) {
    if (rslot != slot) return false;
    what = RETURN_THE_LOCAL;
  } else {
    int k = return_const(c, ret->a);
    if (k < 0) return false;
    what = (uint32_t)k;
  }
  int line = c->u->line;
  c->u->line = e->line;
  emit(c, OP_RETURN_IF_FAST_INT, fast_int_test_arg(e->ops[0], true));
  emit_word(c, (uint32_t)slot);
  emit_word(c, (uint32_t)(int32_t)e->list.items[0]->ival);
  emit_word(c, what);
  c->u->line = line;
  return true;
}

static void compile_stmt(Compiler *c, Node *n) {
  if (c->failed) return;
  int depth = c->u->depth;
  compile_stmt_body(c, n);
  if (!c->failed && c->u->depth != depth) {
    char msg[96];
    snprintf(msg, sizeof msg, "internal compiler error: stack depth %d after a statement, expected %d",
             c->u->depth, depth);
    cerror(c, n, false, msg);
  }
}

static void compile_stmt_body(Compiler *c, Node *n) {
  Unit *u = c->u;
  u->line = n->line;
  switch (n->kind) {
  case S_EXPR:
    compile_expr(c, n->a);
    emit(c, OP_POP_TOP, 0);
    break;
  case S_ASSIGN:
    compile_expr(c, n->a);
    for (int i = 0; i < n->list.n; i++) {
      if (i < n->list.n - 1) emit(c, OP_DUP_TOP, 0);
      compile_store(c, n->list.items[i]);
    }
    break;
  case S_AUGASSIGN: compile_augassign(c, n); break;
  case S_IF: {
    if (compile_if_return(c, n)) {
      compile_stmts(c, &n->list2);
      break;
    }
    JumpList orelse = {0};
    jump_if(c, n->a, false, &orelse);
    compile_stmts(c, &n->list);
    if (n->list2.n) {
      JumpRef end = emit_jump(c, OP_JUMP);
      jl_patch(c, &orelse, u->n);
      compile_stmts(c, &n->list2);
      patch_here(c, end);
    } else {
      jl_patch(c, &orelse, u->n);
    }
    break;
  }
  case S_WHILE: compile_while(c, n); break;
  case S_FOR: compile_for(c, n); break;
  case S_BREAK: compile_break_continue(c, n, true); break;
  case S_CONTINUE: compile_break_continue(c, n, false); break;
  case S_PASS:
  case S_GLOBAL:
  case S_NONLOCAL: break;
  case S_RETURN: compile_return(c, n); break;
  case S_DEF:
    compile_function(c, n);
    u->line = n->line;
    name_op(c, n->name, ACC_STORE);
    break;
  case S_DEL:
    for (int i = 0; i < n->list.n; i++) compile_delete(c, n->list.items[i]);
    break;
  case S_ASSERT: {
    JumpList ok = {0};
    jump_if(c, n->a, true, &ok);
    if (n->b) compile_expr(c, n->b);
    emit(c, OP_RAISE_ASSERT, n->b ? 1 : 0);
    jl_patch(c, &ok, u->n);
    break;
  }
  case S_TRY: compile_try(c, n); break;
  case S_RAISE:
    if (n->a) compile_expr(c, n->a);
    if (n->b) compile_expr(c, n->b);
    emit(c, OP_RAISE, n->b ? 2 : n->a ? 1 : 0);
    break;
  case S_WITH: compile_with_items(c, n, 0); break;
  case S_IMPORT: compile_import(c, n); break;
  case S_IMPORTFROM: compile_import_from(c, n); break;
  default: cerror(c, n, false, "invalid syntax"); break;
  }
}

static void compile_stmts(Compiler *c, NodeList *l) {
  for (int i = 0; i < l->n && !c->failed; i++) compile_stmt(c, l->items[i]);
}

/* ---- units ---------------------------------------------------------------------- */

static Obj *intern_dup(const char *s) { return str_intern(s); }

static CodeObj *finish_unit(Compiler *c, Unit *u, Scope *s, Node *node) {
  CodeObj *co = (CodeObj *)code_new(c->ts);
  if (!co) oom();
  co->code = u->code;
  co->lines = u->lines;
  co->ncode = u->n;
  co->consts = u->consts;
  co->nconsts = u->nconsts;
  co->names = u->names;
  co->nnames = u->nnames;
  u->code = NULL;
  u->lines = NULL;
  u->consts = NULL;
  u->names = NULL;
  u->nconsts = u->nnames = 0;
  co->stacksize = u->maxdepth + 2;
  co->firstline = node ? node->line : 1;
  co->filename = str_from_cstr(c->ts, c->filename);
  co->name = intern_dup(s->name);
  obj_incref(co->name);
  co->qualname = str_from_cstr(c->ts, s->qualname);
  if (s->kind == SCOPE_FUNCTION) {
    co->nlocals = s->nlocals;
    co->ncells = s->ncells;
    co->nfrees = s->nfrees;
    int nv = s->nlocals + s->ncells + s->nfrees;
    co->varnames = malloc(sizeof(Obj *) * (size_t)(nv ? nv : 1));
    if (!co->varnames) oom();
    for (int i = 0; i < s->nlocals; i++) co->varnames[i] = str_intern(s->localnames[i]);
    for (int i = 0; i < s->ncells; i++) co->varnames[s->nlocals + i] = str_intern(s->cellnames[i]);
    for (int i = 0; i < s->nfrees; i++) co->varnames[s->nlocals + s->ncells + i] = str_intern(s->freenames[i]);
    co->cell_param = malloc(sizeof(int) * (size_t)(s->ncells ? s->ncells : 1));
    if (!co->cell_param) oom();
    int nparams = 0;
    NodeList *params = node && (node->kind == S_DEF || node->kind == E_LAMBDA) ? &node->params : NULL;
    if (params) {
      for (int i = 0; i < params->n; i++) {
        Node *p = params->items[i];
        if (p->op == PARAM_POS) co->argcount++;
        else if (p->op == PARAM_KWONLY) co->kwonlycount++;
        else if (p->op == PARAM_VARARGS) co->flags |= CO_VARARGS;
        else co->flags |= CO_VARKW;
      }
      nparams = params->n;
    } else {
      co->argcount = 1; /* comprehension: .0 */
      nparams = 1;
    }
    for (int i = 0; i < s->ncells; i++) {
      co->cell_param[i] = -1;
      for (int k = 0; k < nparams && k < s->nlocals; k++)
        if (strcmp(s->localnames[k], s->cellnames[i]) == 0) co->cell_param[i] = k;
    }
    if (!(co->flags & (CO_VARARGS | CO_VARKW)) && !co->kwonlycount && !co->ncells && !co->nfrees) {
      co->flags |= CO_SIMPLE;
      co->framesize = co->nlocals + FRAME_VALUES + co->stacksize + 2 + co->argcount + 1;
    }
  } else {
    co->flags |= CO_MODULE;
  }
  /* the exception table: runs of words with the same handler */
  int nexc = 0;
  co->exctab = malloc(sizeof(ExcEntry) * (size_t)(u->n + 1));
  if (!co->exctab) oom();
  for (int pc = 0; pc < u->n;) {
    int h = u->handler_of[pc];
    int start = pc;
    while (pc < u->n && u->handler_of[pc] == h) pc++;
    if (h < 0) continue;
    ExcEntry *e = &co->exctab[nexc++];
    e->start = (uint32_t)start;
    e->end = (uint32_t)pc;
    e->target = (uint32_t)u->handlers[h].target;
    e->depth = (uint32_t)u->handlers[h].depth;
  }
  co->nexc = nexc;
  co->ngcache = u->ngcache;
  co->gcache = calloc((size_t)(u->ngcache ? u->ngcache : 1), sizeof(GlobalCache));
  if (!co->gcache) oom();
  for (int i = 0; i < u->ngcache; i++) co->gcache[i].index = -1;
  return co;
}

static void unit_free(Unit *u) {
  for (int i = 0; i < u->nconsts; i++) v_decref(u->consts[i]);
  free(u->consts);
  free(u->code);
  free(u->lines);
  free(u->handler_of);
  free(u->names);
  free(u->handlers);
}

static CodeObj *compile_unit(Compiler *c, Scope *s, Node *node) {
  Unit unit;
  memset(&unit, 0, sizeof unit);
  unit.scope = s;
  unit.cur_handler = -1;
  unit.line = node ? node->line : 1;
  unit.is_module = s->kind == SCOPE_MODULE;
  Unit *outer = c->u;
  c->u = &unit;
  if (!node) {
    /* module: the caller passes statements through c->u->scope->node == NULL */
  } else if (node->kind == S_DEF) {
    compile_stmts(c, &node->list);
    emit(c, OP_RETURN_CONST, add_const(c, v_none()));
  } else if (node->kind == E_LAMBDA) {
    compile_expr(c, node->a);
    emit(c, OP_RETURN_VALUE, 0);
  } else {
    /* comprehension: .0 is the iterator of the first `for` */
    int kind = node->kind;
    emit(c, kind == E_DICTCOMP ? OP_BUILD_MAP : kind == E_SETCOMP ? OP_BUILD_SET : OP_BUILD_LIST, 0);
    JumpRef ends[32];
    int tops[32];
    int nloops = node->list.n > 32 ? 32 : node->list.n;
    for (int i = 0; i < nloops; i++) {
      Node *f = node->list.items[i];
      if (i == 0) {
        emit(c, OP_LOAD_FAST, 0);
      } else {
        compile_expr(c, f->b);
        emit(c, OP_GET_ITER, 0);
      }
      tops[i] = unit.n;
      ends[i] = emit_jump(c, OP_FOR_ITER);
      compile_store(c, f->a);
      for (int k = 0; k < f->list.n; k++) {
        JumpList skip = {0};
        jump_if(c, f->list.items[k], false, &skip);
        jl_patch(c, &skip, tops[i]);
      }
    }
    if (kind == E_DICTCOMP) {
      compile_expr(c, node->a);
      compile_expr(c, node->b);
      emit(c, OP_MAP_ADD, nloops + 1);
    } else {
      compile_expr(c, node->a);
      emit(c, kind == E_SETCOMP ? OP_SET_ADD : OP_LIST_APPEND, nloops + 1);
    }
    for (int i = nloops - 1; i >= 0; i--) {
      emit(c, OP_JUMP, tops[i]);
      patch_here(c, ends[i]);
      unit.depth--;
    }
    emit(c, OP_RETURN_VALUE, 0);
  }
  CodeObj *co = NULL;
  if (!c->failed) co = finish_unit(c, &unit, s, node);
  unit_free(&unit);
  c->u = outer;
  return co;
}

static int line_col_text(Compiler *c, int line, Value *text) {
  const char *p = c->src, *end = c->src + c->srclen;
  for (int l = 1; l < line && p < end; p++)
    if (*p == '\n') l++;
  const char *e = p;
  while (e < end && *e != '\n') e++;
  Obj *s = str_new(c->ts, p, (size_t)(e - p));
  if (!s) return -1;
  *text = v_obj(s);
  return 0;
}

/* SyntaxError(msg, (filename, line, col, text)), as CPython builds it. */
static void raise_syntax_error(Compiler *c, Type *type, const char *msg, int line, int col,
                               bool unsupported) {
  TState *ts = c->ts;
  Value text = v_none();
  if (line_col_text(c, line, &text) < 0) return;
  /* Outside the subset: the last line reads FILE:LINE:COL: SyntaxError: ...
   * (a third argument carries the location prefix for vm_print_exception). */
  char where[512];
  snprintf(where, sizeof where, "%s:%d:%d", c->filename, line, col);
  Obj *m = str_from_cstr(ts, msg);
  Obj *f = str_from_cstr(ts, c->filename);
  Obj *w = str_from_cstr(ts, where);
  Obj *loc = m && f && w ? tuple_pack(ts, 4, v_obj(f), v_int(line), v_int(col), text) : NULL;
  Obj *args = loc ? (unsupported ? tuple_pack(ts, 3, v_obj(m), v_obj(loc), v_obj(w))
                                 : tuple_pack(ts, 2, v_obj(m), v_obj(loc)))
                  : NULL;
  obj_xdecref(w);
  Obj *e = args ? exc_new(ts, type, args) : NULL;
  if (e) vm_raise_value(ts, v_obj(e));
  obj_xdecref(e);
  obj_xdecref(args);
  obj_xdecref(loc);
  obj_xdecref(f);
  obj_xdecref(m);
  v_decref(text);
}

extern Type IndentationError_Type;

CodeObj *compile_source(TState *ts, const char *src, size_t len, const char *filename) {
  Compiler c;
  memset(&c, 0, sizeof c);
  c.ts = ts;
  c.filename = filename;
  c.src = src;
  c.srclen = len;
  c.arena = arena_new();
  NodeList module;
  ParseError perr;
  CodeObj *co = NULL;
  if (!parse_module(c.arena, src, len, &module, &perr)) {
    raise_syntax_error(&c, perr.indentation ? &IndentationError_Type : &SyntaxError_Type, perr.msg,
                       perr.line, perr.col, perr.unsupported);
    arena_free(c.arena);
    return NULL;
  }
  Scope *top;
  char msg[256];
  int line = 0, col = 0;
  if (!symtable_build(c.arena, &module, &top, msg, sizeof msg, &line, &col)) {
    raise_syntax_error(&c, &SyntaxError_Type, msg, line, col, false);
    arena_free(c.arena);
    return NULL;
  }
  Unit unit;
  memset(&unit, 0, sizeof unit);
  unit.scope = top;
  unit.cur_handler = -1;
  unit.line = 1;
  unit.is_module = true;
  c.u = &unit;
  compile_stmts(&c, &module);
  emit(&c, OP_RETURN_CONST, add_const(&c, v_none()));
  if (!c.failed) co = finish_unit(&c, &unit, top, NULL);
  unit_free(&unit);
  if (c.failed) {
    raise_syntax_error(&c, &SyntaxError_Type, c.msg, c.err_line, c.err_col, c.unsupported);
    if (co) obj_decref(&co->ob);
    co = NULL;
  }
  arena_free(c.arena);
  return co;
}
