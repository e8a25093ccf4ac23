/*
 * symtable.c - see symtable.h.
 *
 * Pass 1 walks the tree and records, per scope, every name that is bound
 * (assignment, for target, def, import, except-as, parameter, del) or
 * read, and the global/nonlocal declarations. Pass 2 resolves reads of
 * names not bound locally: the nearest enclosing function that binds the
 * name turns it into a cell, and every scope in between gets it as a free
 * variable to pass along; otherwise it is a global. Pass 3 numbers the
 * slots. Comprehensions and lambdas are function scopes, as in Python 3.
 * Everything lives in the compilation's arena.
 */
#include <stdio.h>
#include <string.h>

#include "symtable.h"

typedef struct Builder {
  Arena *arena;
  char *msg;
  size_t msglen;
  int line, col;
  bool failed;
} Builder;

static void st_error(Builder *b, Node *at, const char *msg, const char *name) {
  if (b->failed) return;
  b->failed = true;
  snprintf(b->msg, b->msglen, msg, name);
  b->line = at->line;
  b->col = at->col;
}

static Sym *sym_find(Scope *s, const char *name) {
  for (int i = 0; i < s->nsyms; i++)
    if (strcmp(s->syms[i].name, name) == 0) return &s->syms[i];
  return NULL;
}

static Sym *sym_add(Builder *b, Scope *s, const char *name, int flags) {
  Sym *y = sym_find(s, name);
  if (!y) {
    if (s->nsyms == s->capsyms) {
      int cap = s->capsyms ? s->capsyms * 2 : 8;
      Sym *n = arena_alloc(b->arena, sizeof(Sym) * (size_t)cap);
      if (s->nsyms) memcpy(n, s->syms, sizeof(Sym) * (size_t)s->nsyms);
      s->syms = n;
      s->capsyms = cap;
    }
    y = &s->syms[s->nsyms++];
    y->name = arena_strndup(b->arena, name, strlen(name));
    y->flags = 0;
    y->index = -1;
  }
  y->flags |= flags;
  return y;
}

static Scope *scope_new(Builder *b, Scope *parent, ScopeKind kind, Node *node, const char *name) {
  Scope *s = arena_alloc(b->arena, sizeof(Scope));
  s->kind = kind;
  s->parent = parent;
  s->node = node;
  s->name = arena_strndup(b->arena, name, strlen(name));
  if (parent && parent->kind == SCOPE_FUNCTION) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s.<locals>.%s", parent->qualname, name);
    s->qualname = arena_strndup(b->arena, buf, strlen(buf));
  } else {
    s->qualname = s->name;
  }
  if (node) node->scope = s;
  if (parent) {
    if (parent->nchildren == parent->capchildren) {
      int cap = parent->capchildren ? parent->capchildren * 2 : 4;
      Scope **n = arena_alloc(b->arena, sizeof(Scope *) * (size_t)cap);
      if (parent->nchildren) memcpy(n, parent->children, sizeof(Scope *) * (size_t)parent->nchildren);
      parent->children = n;
      parent->capchildren = cap;
    }
    parent->children[parent->nchildren++] = s;
  }
  return s;
}

static void visit_expr(Builder *b, Scope *s, Node *n);
static void visit_stmts(Builder *b, Scope *s, NodeList *l);

static void bind(Builder *b, Scope *s, const char *name, Node *at) {
  Sym *y = sym_find(s, name);
  if (y && (y->flags & SYM_GLOBAL) && s->kind == SCOPE_MODULE) return;
  (void)at;
  sym_add(b, s, name, SYM_ASSIGNED);
}

static void visit_target(Builder *b, Scope *s, Node *t) {
  switch (t->kind) {
  case E_NAME: bind(b, s, t->name, t); break;
  case E_TUPLE:
  case E_LIST:
    for (int i = 0; i < t->list.n; i++) visit_target(b, s, t->list.items[i]);
    break;
  case E_STARRED: visit_target(b, s, t->a); break;
  default: visit_expr(b, s, t); break;
  }
}

static void visit_list(Builder *b, Scope *s, NodeList *l) {
  for (int i = 0; i < l->n; i++)
    if (l->items[i]) visit_expr(b, s, l->items[i]);
}

static void visit_params_defaults(Builder *b, Scope *s, NodeList *params) {
  for (int i = 0; i < params->n; i++)
    if (params->items[i]->a) visit_expr(b, s, params->items[i]->a);
}

static void add_params(Builder *b, Scope *fs, NodeList *params) {
  for (int i = 0; i < params->n; i++) sym_add(b, fs, params->items[i]->name, SYM_PARAM | SYM_ASSIGNED);
}

static void visit_comprehension(Builder *b, Scope *s, Node *n, const char *name) {
  /* the first iterable is evaluated in the enclosing scope */
  Node *first = n->list.items[0];
  visit_expr(b, s, first->b);
  Scope *cs = scope_new(b, s, SCOPE_FUNCTION, n, name);
  sym_add(b, cs, ".0", SYM_PARAM | SYM_ASSIGNED);
  for (int i = 0; i < n->list.n; i++) {
    Node *f = n->list.items[i];
    if (i > 0) visit_expr(b, cs, f->b);
    visit_target(b, cs, f->a);
    visit_list(b, cs, &f->list);
  }
  if (n->a) visit_expr(b, cs, n->a);
  if (n->b) visit_expr(b, cs, n->b);
}

static void visit_expr(Builder *b, Scope *s, Node *n) {
  if (!n) return;
  switch (n->kind) {
  case E_NAME: sym_add(b, s, n->name, SYM_USED); break;
  case E_LAMBDA: {
    visit_params_defaults(b, s, &n->params);
    Scope *fs = scope_new(b, s, SCOPE_FUNCTION, n, "<lambda>");
    add_params(b, fs, &n->params);
    visit_expr(b, fs, n->a);
    break;
  }
  case E_LISTCOMP: visit_comprehension(b, s, n, "<listcomp>"); break;
  case E_SETCOMP: visit_comprehension(b, s, n, "<setcomp>"); break;
  case E_DICTCOMP: visit_comprehension(b, s, n, "<dictcomp>"); break;
  case E_GENEXP: visit_comprehension(b, s, n, "<genexpr>"); break;
  default:
    visit_expr(b, s, n->a);
    visit_expr(b, s, n->b);
    visit_expr(b, s, n->c);
    visit_list(b, s, &n->list);
    visit_list(b, s, &n->list2);
    break;
  }
}

static void visit_stmt(Builder *b, Scope *s, Node *n) {
  switch (n->kind) {
  case S_EXPR: visit_expr(b, s, n->a); break;
  case S_ASSIGN:
    visit_expr(b, s, n->a);
    for (int i = 0; i < n->list.n; i++) visit_target(b, s, n->list.items[i]);
    break;
  case S_AUGASSIGN:
    visit_expr(b, s, n->b);
    if (n->a->kind == E_NAME) sym_add(b, s, n->a->name, SYM_USED);
    visit_target(b, s, n->a);
    break;
  case S_IF:
  case S_WHILE:
    visit_expr(b, s, n->a);
    visit_stmts(b, s, &n->list);
    visit_stmts(b, s, &n->list2);
    break;
  case S_FOR:
    visit_expr(b, s, n->b);
    visit_target(b, s, n->a);
    visit_stmts(b, s, &n->list);
    visit_stmts(b, s, &n->list2);
    break;
  case S_RETURN:
    if (s->kind == SCOPE_MODULE) st_error(b, n, "'return' outside function", NULL);
    visit_expr(b, s, n->a);
    break;
  case S_DEF: {
    visit_params_defaults(b, s, &n->params);
    bind(b, s, n->name, n);
    Scope *fs = scope_new(b, s, SCOPE_FUNCTION, n, n->name);
    add_params(b, fs, &n->params);
    visit_stmts(b, fs, &n->list);
    break;
  }
  case S_GLOBAL:
  case S_NONLOCAL:
    for (int i = 0; i < n->names.n; i++) {
      const char *name = n->names.items[i];
      Sym *y = sym_find(s, name);
      if (n->kind == S_NONLOCAL && s->kind == SCOPE_MODULE) {
        st_error(b, n, "nonlocal declaration not allowed at module level", NULL);
        return;
      }
      if (y && (y->flags & SYM_PARAM)) {
        st_error(b, n, n->kind == S_GLOBAL ? "name '%s' is parameter and global"
                                           : "name '%s' is parameter and nonlocal", name);
        return;
      }
      if (y && (y->flags & (SYM_ASSIGNED | SYM_USED))) {
        st_error(b, n, n->kind == S_GLOBAL ? "name '%s' is used prior to global declaration"
                                           : "name '%s' is used prior to nonlocal declaration", name);
        return;
      }
      sym_add(b, s, name, n->kind == S_GLOBAL ? SYM_GLOBAL : SYM_NONLOCAL);
    }
    break;
  case S_DEL:
    for (int i = 0; i < n->list.n; i++) visit_target(b, s, n->list.items[i]);
    break;
  case S_ASSERT:
  case S_RAISE:
    visit_expr(b, s, n->a);
    visit_expr(b, s, n->b);
    break;
  case S_TRY:
    visit_stmts(b, s, &n->list);
    for (int i = 0; i < n->list2.n; i++) {
      Node *h = n->list2.items[i];
      visit_expr(b, s, h->a);
      if (h->name) bind(b, s, h->name, h);
      visit_stmts(b, s, &h->list);
    }
    visit_stmts(b, s, &n->list3);
    visit_stmts(b, s, &n->list4);
    break;
  case S_WITH:
    for (int i = 0; i < n->list.n; i++) {
      visit_expr(b, s, n->list.items[i]->a);
      if (n->list.items[i]->b) visit_target(b, s, n->list.items[i]->b);
    }
    visit_stmts(b, s, &n->list2);
    break;
  case S_IMPORT:
    for (int i = 0; i < n->names.n; i++) {
      if (n->names2.items[i]) {
        bind(b, s, n->names2.items[i], n);
      } else {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", n->names.items[i]);
        char *dot = strchr(buf, '.');
        if (dot) *dot = 0;
        bind(b, s, buf, n);
      }
    }
    break;
  case S_IMPORTFROM:
    for (int i = 0; i < n->names.n; i++) {
      if (strcmp(n->names.items[i], "*") == 0) {
        if (s->kind != SCOPE_MODULE) st_error(b, n, "import * only allowed at module level", NULL);
        continue;
      }
      bind(b, s, n->names2.items[i] ? n->names2.items[i] : n->names.items[i], n);
    }
    break;
  default: break;
  }
}

static void visit_stmts(Builder *b, Scope *s, NodeList *l) {
  for (int i = 0; i < l->n && !b->failed; i++) visit_stmt(b, s, l->items[i]);
}

static bool binds_locally(Sym *y) {
  return y && (y->flags & (SYM_ASSIGNED | SYM_PARAM)) && !(y->flags & (SYM_GLOBAL | SYM_NONLOCAL));
}

/* A name read (or declared nonlocal) in s but not bound there: find the
 * function that binds it, mark cell/free along the way. */
static bool resolve_free(Builder *b, Scope *s, Sym *y) {
  for (Scope *p = s->parent; p && p->kind == SCOPE_FUNCTION; p = p->parent) {
    Sym *py = sym_find(p, y->name);
    if (py && (py->flags & SYM_GLOBAL)) return false;
    if (binds_locally(py) || (py && (py->flags & (SYM_CELL)))) {
      py->flags |= SYM_CELL;
      for (Scope *q = s; q != p; q = q->parent) {
        Sym *qy = q == s ? y : sym_add(b, q, y->name, 0);
        qy->flags |= SYM_FREE;
      }
      return true;
    }
    if (py && (py->flags & (SYM_FREE | SYM_NONLOCAL))) {
      /* p gets it from further out: chain through p */
      for (Scope *q = s; q != p; q = q->parent) {
        Sym *qy = q == s ? y : sym_add(b, q, y->name, 0);
        qy->flags |= SYM_FREE;
      }
      return true;
    }
  }
  return false;
}

static void resolve_scope(Builder *b, Scope *s) {
  if (s->kind == SCOPE_FUNCTION) {
    for (int i = 0; i < s->nsyms && !b->failed; i++) {
      Sym *y = &s->syms[i];
      if (y->flags & SYM_GLOBAL) continue;
      if (y->flags & SYM_NONLOCAL) {
        if (!resolve_free(b, s, y)) st_error(b, s->node, "no binding for nonlocal '%s' found", y->name);
        continue;
      }
      if (binds_locally(y)) continue;
      if (y->flags & SYM_USED) resolve_free(b, s, y);
    }
  }
  for (int i = 0; i < s->nchildren; i++) resolve_scope(b, s->children[i]);
}

/* Children may add cells to parents, so all resolution is done before
 * any slot is numbered. */
static void number_scope(Builder *b, Scope *s) {
  if (s->kind == SCOPE_FUNCTION) {
    int nl = 0, nc = 0, nf = 0;
    s->localnames = arena_alloc(b->arena, sizeof(char *) * (size_t)(s->nsyms + 1));
    s->cellnames = arena_alloc(b->arena, sizeof(char *) * (size_t)(s->nsyms + 1));
    s->freenames = arena_alloc(b->arena, sizeof(char *) * (size_t)(s->nsyms + 1));
    /* parameters first, in order: they arrive in those slots */
    for (int i = 0; i < s->nsyms; i++)
      if (s->syms[i].flags & SYM_PARAM) s->localnames[nl++] = s->syms[i].name;
    for (int i = 0; i < s->nsyms; i++) {
      Sym *y = &s->syms[i];
      if (y->flags & SYM_PARAM) {
        for (int k = 0; k < nl; k++)
          if (strcmp(s->localnames[k], y->name) == 0) y->index = k;
        if (y->flags & SYM_CELL) {
          /* the argument lands in its slot, then moves into a cell */
          s->cellnames[nc] = y->name;
          y->index = nc++;
        }
      } else if (y->flags & SYM_CELL) {
        s->cellnames[nc] = y->name;
        y->index = nc++;
      } else if ((y->flags & SYM_FREE) && !binds_locally(y)) {
        y->index = -1; /* numbered after the cells */
      } else if (binds_locally(y)) {
        s->localnames[nl] = y->name;
        y->index = nl++;
      }
    }
    for (int i = 0; i < s->nsyms; i++) {
      Sym *y = &s->syms[i];
      if ((y->flags & SYM_FREE) && !(y->flags & SYM_CELL) && !binds_locally(y)) {
        s->freenames[nf] = y->name;
        y->index = nc + nf++;
      }
    }
    s->nlocals = nl;
    s->ncells = nc;
    s->nfrees = nf;
  }
  for (int i = 0; i < s->nchildren; i++) number_scope(b, s->children[i]);
}

bool symtable_build(Arena *arena, NodeList *module, Scope **out, char *msg, size_t msglen,
                    int *line, int *col) {
  Builder b = {arena, msg, msglen, 0, 0, false};
  Scope *top = scope_new(&b, NULL, SCOPE_MODULE, NULL, "<module>");
  visit_stmts(&b, top, module);
  if (!b.failed) resolve_scope(&b, top);
  if (!b.failed) number_scope(&b, top);
  *out = top;
  if (b.failed) {
    *line = b.line;
    *col = b.col;
  }
  return !b.failed;
}

NameKind symtable_resolve(Scope *s, const char *name, int *index) {
  if (s->kind == SCOPE_MODULE) return NAME_GLOBAL;
  Sym *y = sym_find(s, name);
  if (!y || (y->flags & SYM_GLOBAL)) return NAME_GLOBAL;
  if (y->flags & (SYM_CELL | SYM_FREE)) {
    if (y->flags & SYM_CELL || !binds_locally(y) || (y->flags & SYM_NONLOCAL)) {
      *index = y->index;
      return NAME_DEREF;
    }
  }
  if (binds_locally(y)) {
    *index = y->index;
    return NAME_FAST;
  }
  return NAME_GLOBAL;
}

void symtable_free(Scope *s) { (void)s; }
