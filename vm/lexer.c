/*
 * lexer.c - see lexer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

void lexer_init(Lexer *lx, const char *src, size_t len, int first_line) {
  memset(lx, 0, sizeof *lx);
  lx->src = lx->p = lx->line_start = src;
  lx->end = src + len;
  lx->line = first_line;
  lx->indents[0] = 0;
  lx->nindents = 1;
  lx->at_line_start = true;
}

static void lx_error(Lexer *lx, int line, int col, const char *msg) {
  if (!lx->error[0]) {
    snprintf(lx->error, sizeof lx->error, "%s", msg);
    lx->err_line = line;
    lx->err_col = col;
  }
}

static void make(Lexer *lx, Token *t, TokType type, const char *start) {
  t->type = type;
  t->start = start;
  t->len = (int)(lx->p - start);
  t->line = lx->line;
  t->col = (int)(start - lx->line_start) + 1;
  t->str = NULL;
}

static void error_tok(Lexer *lx, Token *t, const char *at, const char *msg) {
  lx_error(lx, lx->line, (int)(at - lx->line_start) + 1, msg);
  make(lx, t, TK_ERROR, at);
}

static bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
static bool is_ident(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

/* Measures the indentation of the line at lx->p; skips blank and comment
 * lines. Returns false at end of input. */
static bool measure_indent(Lexer *lx, int *width) {
  for (;;) {
    int w = 0;
    const char *q = lx->p;
    while (q < lx->end && (*q == ' ' || *q == '\t' || *q == '\f')) {
      w = *q == '\t' ? (w / 8 + 1) * 8 : *q == ' ' ? w + 1 : 0;
      q++;
    }
    if (q >= lx->end) {
      lx->p = q;
      return false;
    }
    if (*q == '#' || *q == '\n' || *q == '\r') {
      while (q < lx->end && *q != '\n') q++;
      if (q < lx->end) q++;
      lx->p = q;
      lx->line++;
      lx->line_start = q;
      continue;
    }
    lx->p = q;
    *width = w;
    return true;
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xc0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

char *lexer_unescape(Lexer *lx, const char *s, size_t n, bool bytes, size_t *outlen, int line,
                     int col) {
  char *out = malloc(n * 4 + 1);
  if (!out) abort();
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c != '\\' || i + 1 >= n) {
      out[o++] = c;
      continue;
    }
    char e = s[++i];
    switch (e) {
    case '\n': break;
    case '\r':
      if (i + 1 < n && s[i + 1] == '\n') i++;
      break;
    case '\\': out[o++] = '\\'; break;
    case '\'': out[o++] = '\''; break;
    case '"': out[o++] = '"'; break;
    case 'a': out[o++] = '\a'; break;
    case 'b': out[o++] = '\b'; break;
    case 'f': out[o++] = '\f'; break;
    case 'n': out[o++] = '\n'; break;
    case 'r': out[o++] = '\r'; break;
    case 't': out[o++] = '\t'; break;
    case 'v': out[o++] = '\v'; break;
    case 'x': {
      int h1 = i + 1 < n ? hexval(s[i + 1]) : -1, h2 = i + 2 < n ? hexval(s[i + 2]) : -1;
      if (h1 < 0 || h2 < 0) {
        lx_error(lx, line, col, bytes ? "(value error) invalid \\x escape at position 0"
                                      : "(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\xXX escape");
        free(out);
        return NULL;
      }
      uint32_t v = (uint32_t)(h1 * 16 + h2);
      if (bytes)
        out[o++] = (char)v;
      else
        o += (size_t)put_utf8(out + o, v);
      i += 2;
      break;
    }
    case 'u':
    case 'U': {
      if (bytes) {
        out[o++] = '\\';
        out[o++] = e;
        break;
      }
      int digits = e == 'u' ? 4 : 8;
      uint32_t v = 0;
      for (int k = 1; k <= digits; k++) {
        int h = i + (size_t)k < n ? hexval(s[i + (size_t)k]) : -1;
        if (h < 0) {
          lx_error(lx, line, col, "(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\uXXXX escape");
          free(out);
          return NULL;
        }
        v = v * 16 + (uint32_t)h;
      }
      o += (size_t)put_utf8(out + o, v);
      i += (size_t)digits;
      break;
    }
    case 'N':
      lx_error(lx, line, col, "\\N{...} escapes are not supported");
      free(out);
      return NULL;
    default:
      if (e >= '0' && e <= '7') {
        uint32_t v = 0;
        int k = 0;
        while (k < 3 && i < n && s[i] >= '0' && s[i] <= '7') {
          v = v * 8 + (uint32_t)(s[i] - '0');
          i++;
          k++;
        }
        i--;
        if (bytes)
          out[o++] = (char)v;
        else
          o += (size_t)put_utf8(out + o, v);
      } else {
        out[o++] = '\\';
        out[o++] = e;
      }
    }
  }
  out[o] = 0;
  *outlen = o;
  return out;
}

static void lex_string(Lexer *lx, Token *t, const char *start, int flags) {
  char q = *lx->p;
  bool triple = lx->p + 2 < lx->end && lx->p[1] == q && lx->p[2] == q;
  int startline = lx->line;
  const char *startls = lx->line_start;
  lx->p += triple ? 3 : 1;
  const char *body = lx->p;
  for (;;) {
    if (lx->p >= lx->end || (!triple && *lx->p == '\n')) {
      int col = (int)(start - startls) + 1;
      lx->line = startline;
      lx->line_start = startls;
      char msg[128];
      if (triple)
        snprintf(msg, sizeof msg, "unterminated triple-quoted string literal (detected at line %d)", lx->line);
      else
        snprintf(msg, sizeof msg, "unterminated string literal (detected at line %d)", startline);
      lx_error(lx, startline, col, msg);
      make(lx, t, TK_ERROR, start);
      return;
    }
    char c = *lx->p;
    if (c == '\\' && lx->p + 1 < lx->end) {
      if (lx->p[1] == '\n') {
        lx->line++;
        lx->line_start = lx->p + 2;
      }
      lx->p += 2;
      continue;
    }
    if (c == '\n') {
      lx->line++;
      lx->line_start = lx->p + 1;
    }
    if (c == q && (!triple || (lx->p + 2 < lx->end && lx->p[1] == q && lx->p[2] == q))) break;
    lx->p++;
  }
  const char *bend = lx->p;
  lx->p += triple ? 3 : 1;
  t->type = TK_STRING;
  t->start = start;
  t->len = (int)(lx->p - start);
  t->line = startline;
  t->col = (int)(start - startls) + 1;
  t->strflags = flags;
  size_t n = (size_t)(bend - body);
  if ((flags & STR_RAW) || (flags & STR_FSTRING)) {
    t->str = malloc(n + 1);
    if (!t->str) abort();
    memcpy(t->str, body, n);
    t->str[n] = 0;
    t->strlen = n;
  } else {
    t->str = lexer_unescape(lx, body, n, flags & STR_BYTES, &t->strlen, startline, t->col);
    if (!t->str) t->type = TK_ERROR;
  }
  if (flags & STR_BYTES) {
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)body[i] >= 0x80) {
        lx_error(lx, startline, t->col, "bytes can only contain ASCII literal characters");
        free(t->str);
        t->str = NULL;
        t->type = TK_ERROR;
        return;
      }
  }
}

static void lex_number(Lexer *lx, Token *t) {
  const char *start = lx->p;
  char buf[128];
  int n = 0;
  bool is_float = false;
  int base = 10;
  const char *p = lx->p;
  if (p[0] == '0' && p + 1 < lx->end && strchr("xXoObB", p[1])) {
    char k = (char)(p[1] | 0x20);
    base = k == 'x' ? 16 : k == 'o' ? 8 : 2;
    p += 2;
  }
  while (p < lx->end && n < 120) {
    char c = *p;
    if (c == '_') {
      p++;
      continue;
    }
    if (base == 16 ? hexval(c) >= 0 : (c >= '0' && c <= '9')) {
      buf[n++] = c;
      p++;
      continue;
    }
    if (base == 10 && c == '.' ) {
      is_float = true;
      buf[n++] = c;
      p++;
      continue;
    }
    if (base == 10 && (c == 'e' || c == 'E')) {
      const char *q = p + 1;
      if (q < lx->end && (*q == '+' || *q == '-')) q++;
      if (q < lx->end && *q >= '0' && *q <= '9') {
        is_float = true;
        buf[n++] = 'e';
        if (p[1] == '+' || p[1] == '-') buf[n++] = p[1];
        p = q;
        continue;
      }
    }
    break;
  }
  buf[n] = 0;
  lx->p = p;
  if (p < lx->end && (*p == 'j' || *p == 'J')) {
    lx->p++;
    error_tok(lx, t, start, "complex numbers are not supported");
    return;
  }
  if (p < lx->end && is_ident(*p)) {
    error_tok(lx, t, start, "invalid decimal literal");
    return;
  }
  make(lx, t, is_float ? TK_FLOAT : TK_INT, start);
  t->int_min_magnitude = false;
  if (is_float) {
    t->fval = strtod(buf, NULL);
    return;
  }
  if (base == 10 && n > 1 && buf[0] == '0') {
    for (int i = 0; i < n; i++)
      if (buf[i] != '0') {
        error_tok(lx, t, start,
                  "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
        return;
      }
  }
  if (base != 10 && n == 0) {
    error_tok(lx, t, start, "invalid hexadecimal literal");
    return;
  }
  uint64_t v = 0;
  for (int i = 0; i < n; i++) {
    int d = hexval(buf[i]);
    if (d < 0 || d >= base) {
      error_tok(lx, t, start, "invalid digit in literal");
      return;
    }
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base || v * (uint64_t)base + (uint64_t)d > (uint64_t)INT64_MAX + 1) {
      error_tok(lx, t, start, "integer literal too large: gild ints are 64-bit");
      return;
    }
    v = v * (uint64_t)base + (uint64_t)d;
  }
  t->int_min_magnitude = v == (uint64_t)INT64_MAX + 1;
  t->ival = (int64_t)v;
}

static const char *const ops3[] = {"**=", "//=", ">>=", "<<=", "...", NULL};
static const char *const ops2[] = {"->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=",
                                   "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", NULL};

void lexer_next(Lexer *lx, Token *t) {
  t->str = NULL;
  if (lx->pending_dedents > 0) {
    lx->pending_dedents--;
    make(lx, t, TK_DEDENT, lx->p);
    return;
  }
  if (lx->at_line_start && lx->paren_depth == 0) {
    lx->at_line_start = false;
    int w;
    if (!measure_indent(lx, &w)) goto eof;
    int top = lx->indents[lx->nindents - 1];
    if (w > top) {
      if (lx->nindents >= 128) {
        error_tok(lx, t, lx->p, "too many levels of indentation");
        return;
      }
      lx->indents[lx->nindents++] = w;
      make(lx, t, TK_INDENT, lx->p);
      return;
    }
    if (w < top) {
      while (lx->nindents > 1 && lx->indents[lx->nindents - 1] > w) {
        lx->nindents--;
        lx->pending_dedents++;
      }
      if (lx->indents[lx->nindents - 1] != w) {
        lx->indent_error = true;
        error_tok(lx, t, lx->p, "unindent does not match any outer indentation level");
        return;
      }
      lx->pending_dedents--;
      make(lx, t, TK_DEDENT, lx->p);
      return;
    }
  }
  /* skip spaces, comments and (inside brackets or after \) newlines */
  for (;;) {
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\f' || *lx->p == '\r')) lx->p++;
    if (lx->p < lx->end && *lx->p == '#')
      while (lx->p < lx->end && *lx->p != '\n') lx->p++;
    if (lx->p + 1 < lx->end && *lx->p == '\\' && (lx->p[1] == '\n' || lx->p[1] == '\r')) {
      lx->p += lx->p[1] == '\r' && lx->p + 2 < lx->end && lx->p[2] == '\n' ? 3 : 2;
      lx->line++;
      lx->line_start = lx->p;
      continue;
    }
    if (lx->p < lx->end && *lx->p == '\n' && lx->paren_depth > 0) {
      lx->p++;
      lx->line++;
      lx->line_start = lx->p;
      continue;
    }
    break;
  }
  if (lx->p >= lx->end) goto eof;
  const char *start = lx->p;
  unsigned char c = (unsigned char)*lx->p;
  if (c == '\n') {
    make(lx, t, TK_NEWLINE, start);
    lx->p++;
    lx->line++;
    lx->line_start = lx->p;
    lx->at_line_start = true;
    return;
  }
  if (is_ident_start(c)) {
    const char *q = lx->p;
    while (q < lx->end && is_ident((unsigned char)*q)) q++;
    /* a string prefix directly followed by a quote */
    if (q < lx->end && (*q == '\'' || *q == '"') && q - lx->p <= 2) {
      int flags = 0;
      bool ok = true;
      for (const char *k = lx->p; k < q; k++) {
        char l = (char)(*k | 0x20);
        if (l == 'b') flags |= STR_BYTES;
        else if (l == 'r') flags |= STR_RAW;
        else if (l == 'f') flags |= STR_FSTRING;
        else if (l == 'u' && q - lx->p == 1) ;
        else ok = false;
      }
      if (ok && !((flags & STR_BYTES) && (flags & STR_FSTRING))) {
        lx->p = q;
        lex_string(lx, t, start, flags);
        return;
      }
    }
    lx->p = q;
    make(lx, t, TK_NAME, start);
    return;
  }
  if ((c >= '0' && c <= '9') || (c == '.' && lx->p + 1 < lx->end && lx->p[1] >= '0' && lx->p[1] <= '9')) {
    lex_number(lx, t);
    return;
  }
  if (c == '\'' || c == '"') {
    lex_string(lx, t, start, 0);
    return;
  }
  for (int i = 0; ops3[i]; i++)
    if (lx->end - lx->p >= 3 && memcmp(lx->p, ops3[i], 3) == 0) {
      lx->p += 3;
      make(lx, t, TK_OP, start);
      return;
    }
  for (int i = 0; ops2[i]; i++)
    if (lx->end - lx->p >= 2 && memcmp(lx->p, ops2[i], 2) == 0) {
      lx->p += 2;
      make(lx, t, TK_OP, start);
      return;
    }
  if (strchr("+-*/%&|^~<>()[]{},:.;=@", c)) {
    if (c == '(' || c == '[' || c == '{') lx->paren_depth++;
    if ((c == ')' || c == ']' || c == '}') && lx->paren_depth > 0) lx->paren_depth--;
    lx->p++;
    make(lx, t, TK_OP, start);
    return;
  }
  if (c == '!' ) {
    lx->p++;
    make(lx, t, TK_OP, start);
    return;
  }
  lx->p++;
  char msg[64];
  snprintf(msg, sizeof msg, c == '$' || c == '?' || c == '`' ? "invalid syntax" : "invalid character '%c' (U+%04X)", c, c);
  error_tok(lx, t, start, msg);
  return;
eof:
  /* a final NEWLINE if the last line lacked one, then the DEDENTs, then EOF */
  if (!lx->emitted_eof_newline) {
    lx->emitted_eof_newline = true;
    if (!lx->at_line_start) {
      make(lx, t, TK_NEWLINE, lx->p);
      lx->at_line_start = true;
      return;
    }
  }
  if (lx->nindents > 1) {
    lx->nindents--;
    make(lx, t, TK_DEDENT, lx->p);
    return;
  }
  make(lx, t, TK_EOF, lx->p);
}
