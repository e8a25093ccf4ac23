/*
 * parser.h - recursive-descent parser: tokens -> syntax tree (ast.h).
 *
 * Constructs outside gild's subset are refused here, at their position,
 * with "<construct> is not supported".
 */
#ifndef GILD_PARSER_H
#define GILD_PARSER_H

#include <stdbool.h>

#include "ast.h"

typedef struct ParseError {
  char msg[256];
  int line, col;
  bool unsupported; /* outside the subset (vs. a plain syntax error) */
  bool indentation; /* an IndentationError */
} ParseError;

/* Parses a whole module; returns a list of statements in *out (arena
 * memory), or false with *err filled. */
bool parse_module(Arena *arena, const char *src, size_t len, NodeList *out, ParseError *err);

#endif
