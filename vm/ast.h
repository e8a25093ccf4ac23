/*
 * ast.h - the syntax tree the parser builds and the compiler walks.
 *
 * One node struct for every kind keeps the tree small to declare; the
 * comment on each kind says which fields it uses. Nodes and their arrays
 * live in an arena freed all at once after compilation.
 */
#ifndef GILD_AST_H
#define GILD_AST_H

#include <stddef.h>
#include <stdint.h>

typedef enum NodeKind {
  /* expressions */
  E_NAME,      /* name */
  E_INT,       /* ival */
  E_FLOAT,     /* fval */
  E_STR,       /* str, slen */
  E_BYTES,     /* str, slen */
  E_CONST,     /* ival: 0 None, 1 True, 2 False, 3 Ellipsis */
  E_FSTRING,   /* list: E_STR and E_FORMATTED parts */
  E_FORMATTED, /* a: value, ival: conversion char or 0, b: spec (E_FSTRING) or NULL */
  E_BINOP,     /* op: BinOp, a, b */
  E_UNARY,     /* op: '-', '+', '~', '!' (not), a */
  E_BOOLOP,    /* op: 'a' and / 'o' or, list */
  E_COMPARE,   /* a: left, list: comparators, ops: CMP_* or CMPX_* per comparator */
  E_IFEXP,     /* a: test, b: body, c: orelse */
  E_LAMBDA,    /* params, a: body */
  E_CALL,      /* a: func, list: args (E_STARRED for *x), list2: E_KEYWORD */
  E_KEYWORD,   /* name (NULL for **a), a */
  E_ATTR,      /* a, name */
  E_SUBSCRIPT, /* a, b */
  E_SLICE,     /* a, b, c: each may be NULL */
  E_STARRED,   /* a */
  E_LIST,      /* list */
  E_TUPLE,     /* list */
  E_SET,       /* list */
  E_DICT,      /* list: keys (NULL key: **value), list2: values */
  E_LISTCOMP,  /* a: elt, list: E_COMPFOR */
  E_SETCOMP,   /* a: elt, list */
  E_DICTCOMP,  /* a: key, b: value, list */
  E_GENEXP,    /* a: elt, list */
  E_COMPFOR,   /* a: target, b: iter, list: ifs */
  E_PARAM,     /* name, a: default or NULL, op: PARAM_* */
  /* statements */
  S_EXPR,      /* a */
  S_ASSIGN,    /* list: targets, a: value */
  S_AUGASSIGN, /* a: target, op: BinOp, b: value */
  S_IF,        /* a: test, list: body, list2: orelse */
  S_WHILE,     /* a: test, list: body, list2: orelse */
  S_FOR,       /* a: target, b: iter, list: body, list2: orelse */
  S_BREAK,
  S_CONTINUE,
  S_PASS,
  S_RETURN,    /* a or NULL */
  S_DEF,       /* name, params, list: body */
  S_GLOBAL,    /* names */
  S_NONLOCAL,  /* names */
  S_DEL,       /* list: targets */
  S_ASSERT,    /* a: test, b: msg or NULL */
  S_TRY,       /* list: body, list2: handlers (S_HANDLER), list3: orelse, list4: finally */
  S_HANDLER,   /* a: type or NULL, name or NULL, list: body */
  S_RAISE,     /* a: exc or NULL, b: cause or NULL */
  S_WITH,      /* list: items (E_WITHITEM), list2: body */
  E_WITHITEM,  /* a: context, b: target or NULL */
  S_IMPORT,    /* names: dotted module names, names2: as-names (NULL entries) */
  S_IMPORTFROM,/* name: module, names: imported, names2: as-names */
} NodeKind;

enum { PARAM_POS, PARAM_VARARGS, PARAM_KWONLY, PARAM_VARKW };
/* comparison operators beyond CMP_*: */
enum { CMPX_IN = 6, CMPX_NOT_IN, CMPX_IS, CMPX_IS_NOT };

typedef struct Node Node;
typedef struct NodeList {
  Node **items;
  int n;
} NodeList;
typedef struct NameList {
  char **items;
  int n;
} NameList;

struct Node {
  NodeKind kind;
  int line, col;
  int op;
  Node *a, *b, *c;
  NodeList list, list2, list3, list4;
  NodeList params; /* E_PARAM */
  NameList names, names2;
  int *ops;
  char *name;
  char *str;
  size_t slen;
  int64_t ival;
  double fval;
  void *scope; /* compiler: the Scope of a def, lambda or comprehension */
};

typedef struct Arena Arena;
Arena *arena_new(void);
void *arena_alloc(Arena *a, size_t n);
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

Node *node_new(Arena *a, NodeKind kind, int line, int col);
void nodelist_push(Arena *a, NodeList *l, Node *n);
void namelist_push(Arena *a, NameList *l, char *s);

#endif
