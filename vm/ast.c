/*
 * ast.c - the arena the syntax tree lives in, and node constructors.
 * Growing lists copy into fresh arena memory (the old block is simply
 * abandoned): trees are small and freed all at once.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

#define CHUNK 65536

struct Arena {
  struct Block {
    struct Block *next;
    size_t used, cap;
    char data[];
  } *blocks;
};

Arena *arena_new(void) {
  Arena *a = calloc(1, sizeof(Arena));
  if (!a) abort();
  return a;
}

void *arena_alloc(Arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (!a->blocks || a->blocks->used + n > a->blocks->cap) {
    size_t cap = n > CHUNK ? n : CHUNK;
    struct Block *b = malloc(sizeof(struct Block) + cap);
    if (!b) abort();
    b->next = a->blocks;
    b->used = 0;
    b->cap = cap;
    a->blocks = b;
  }
  void *p = a->blocks->data + a->blocks->used;
  a->blocks->used += n;
  memset(p, 0, n);
  return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *d = arena_alloc(a, n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

void arena_free(Arena *a) {
  if (!a) return;
  struct Block *b = a->blocks;
  while (b) {
    struct Block *n = b->next;
    free(b);
    b = n;
  }
  free(a);
}

Node *node_new(Arena *a, NodeKind kind, int line, int col) {
  Node *n = arena_alloc(a, sizeof(Node));
  n->kind = kind;
  n->line = line;
  n->col = col;
  return n;
}

static bool is_pow2(int n) { return (n & (n - 1)) == 0; }

void nodelist_push(Arena *a, NodeList *l, Node *n) {
  /* capacity doubles at powers of two */
  if (l->n == 0 || (l->n >= 4 && is_pow2(l->n))) {
    int cap = l->n < 4 ? 4 : l->n * 2;
    Node **items = arena_alloc(a, (size_t)cap * sizeof(Node *));
    if (l->n) memcpy(items, l->items, (size_t)l->n * sizeof(Node *));
    l->items = items;
  }
  l->items[l->n++] = n;
}

void namelist_push(Arena *a, NameList *l, char *s) {
  if (l->n == 0 || (l->n >= 4 && is_pow2(l->n))) {
    int cap = l->n < 4 ? 4 : l->n * 2;
    char **items = arena_alloc(a, (size_t)cap * sizeof(char *));
    if (l->n) memcpy(items, l->items, (size_t)l->n * sizeof(char *));
    l->items = items;
  }
  l->items[l->n++] = s;
}
