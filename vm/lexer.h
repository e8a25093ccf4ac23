/*
 * lexer.h - turns Python source into tokens, one at a time, for the parser.
 *
 * Handles INDENT/DEDENT from a stack of indentation widths, implicit line
 * joining inside brackets, backslash continuation, every string literal
 * form (prefixes r, b, f, u in any order and case, triple quotes, escapes)
 * and every number form (hex/octal/binary, underscores, floats, exponents).
 * f-strings come out raw: the parser splits them into text and
 * expressions.
 */
#ifndef GILD_LEXER_H
#define GILD_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum TokType {
  TK_EOF,
  TK_NEWLINE,
  TK_INDENT,
  TK_DEDENT,
  TK_NAME,
  TK_INT,
  TK_FLOAT,
  TK_STRING,
  TK_OP,
  TK_ERROR,
} TokType;

enum { STR_BYTES = 1, STR_FSTRING = 2, STR_RAW = 4 };

typedef struct Token {
  TokType type;
  const char *start; /* in the source */
  int len;
  int line, col;     /* col 1-based */
  int64_t ival;
  double fval;
  char *str;         /* TK_STRING: decoded (or raw body for f-strings), malloc'd */
  size_t strlen;
  int strflags;
  bool int_min_magnitude; /* TK_INT 9223372036854775808: valid only negated */
} Token;

typedef struct Lexer {
  const char *src, *p, *end;
  const char *line_start;
  int line;
  int indents[128];
  int nindents;
  int pending_dedents;
  int paren_depth;
  bool at_line_start;
  bool emitted_eof_newline;
  /* the first error: message and position */
  char error[256];
  int err_line, err_col;
  bool indent_error;
} Lexer;

void lexer_init(Lexer *lx, const char *src, size_t len, int first_line);
/* Next token; TK_ERROR sets lx->error. tok->str must be freed by the caller. */
void lexer_next(Lexer *lx, Token *tok);
/* Decodes the escapes of a string body into a malloc'd buffer. */
char *lexer_unescape(Lexer *lx, const char *s, size_t n, bool bytes, size_t *outlen, int line,
                     int col);

#endif
