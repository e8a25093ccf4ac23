/*
 * symtable.h - scope analysis: which names are locals, cells, free
 * variables and globals, for every function scope of a module.
 */
#ifndef GILD_SYMTABLE_H
#define GILD_SYMTABLE_H

#include <stdbool.h>

#include "ast.h"

enum {
  SYM_ASSIGNED = 1 << 0,
  SYM_USED = 1 << 1,
  SYM_PARAM = 1 << 2,
  SYM_GLOBAL = 1 << 3,   /* declared global */
  SYM_NONLOCAL = 1 << 4, /* declared nonlocal */
  SYM_CELL = 1 << 5,     /* local captured by an inner function */
  SYM_FREE = 1 << 6,     /* comes from an enclosing function */
};

typedef enum { SCOPE_MODULE, SCOPE_FUNCTION } ScopeKind;

typedef struct Sym {
  char *name;
  int flags;
  int index; /* slot: local index, or cell/free index */
} Sym;

typedef struct Scope Scope;
struct Scope {
  ScopeKind kind;
  Scope *parent;
  Node *node;
  char *name;      /* function name, "<lambda>", "<listcomp>", "<module>" */
  char *qualname;
  Sym *syms;
  int nsyms, capsyms;
  Scope **children;
  int nchildren, capchildren;
  /* computed by symtable_build: */
  int nlocals, ncells, nfrees;
  char **localnames; /* nlocals, in slot order (params first) */
  char **cellnames;
  char **freenames;
};

typedef enum { NAME_FAST, NAME_DEREF, NAME_GLOBAL } NameKind;

/* Builds the scopes of a module (stored in node->scope of each def,
 * lambda and comprehension). false with msg/line/col on error. */
bool symtable_build(Arena *arena, NodeList *module, Scope **out, char *msg, size_t msglen,
                    int *line, int *col);
/* How `name` is accessed in scope s; *index is the slot. */
NameKind symtable_resolve(Scope *s, const char *name, int *index);
void symtable_free(Scope *s);

#endif
