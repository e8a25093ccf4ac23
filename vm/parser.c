/*
 * parser.c - see parser.h. One function per grammar rule, following
 * Python's grammar from loosest to tightest binding.
 *
 * A syntax error unwinds the whole parse with longjmp: the tree lives in an
 * arena and token text is copied into it at once, so nothing is leaked and
 * no reference count is involved (the VM itself never longjmps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "object.h"
#include "parser.h"

typedef struct Parser {
  Lexer lx;
  Token tok;      /* current token */
  Token prev;     /* the one before (its position ends statements) */
  Arena *arena;
  ParseError *err;
  jmp_buf *bail;
  int line_offset;
  int col_offset; /* for f-string sub-expressions */
  const char *genexp_ok; /* a '(' here may open a generator expression (a call argument) */
} Parser;

static Node *parse_test(Parser *p);
static Node *parse_expr(Parser *p);
static Node *parse_or_test(Parser *p);
static void parse_block(Parser *p, NodeList *out);
static void parse_statement(Parser *p, NodeList *out);
static Node *parse_testlist_star(Parser *p);
static Node *parse_atom_expr(Parser *p);

static _Noreturn void fail_at(Parser *p, int line, int col, bool unsupported, const char *fmt, ...) {
  if (!p->err->msg[0]) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
    p->err->line = line;
    p->err->col = col;
    p->err->unsupported = unsupported;
  }
  longjmp(*p->bail, 1);
}

static _Noreturn void fail(Parser *p, const char *msg) {
  fail_at(p, p->tok.line, p->tok.col, false, "%s", msg);
}

static _Noreturn void refuse(Parser *p, int line, int col, const char *what) {
  fail_at(p, line, col, true, "%s not supported", what);
}

static void advance(Parser *p) {
  free(p->prev.str);
  p->prev = p->tok;
  lexer_next(&p->lx, &p->tok);
  p->tok.line += p->line_offset;
  if (p->tok.line == 1 + p->line_offset) p->tok.col += p->col_offset;
  if (p->tok.type == TK_ERROR) {
    if (p->lx.indent_error) p->err->indentation = true;
    size_t n = strlen(p->lx.error);
    bool unsupported = n > 13 && strcmp(p->lx.error + n - 13, "not supported") == 0;
    fail_at(p, p->lx.err_line + p->line_offset, p->lx.err_col, unsupported, "%s", p->lx.error);
  }
}

static bool tok_is(Parser *p, TokType type, const char *text) {
  if (p->tok.type != type) return false;
  if (!text) return true;
  return (int)strlen(text) == p->tok.len && memcmp(p->tok.start, text, (size_t)p->tok.len) == 0;
}
static bool is_op(Parser *p, const char *op) { return tok_is(p, TK_OP, op); }
static bool is_kw(Parser *p, const char *kw) { return tok_is(p, TK_NAME, kw); }

static bool accept_op(Parser *p, const char *op) {
  if (!is_op(p, op)) return false;
  advance(p);
  return true;
}
static bool accept_kw(Parser *p, const char *kw) {
  if (!is_kw(p, kw)) return false;
  advance(p);
  return true;
}

static void expect_op(Parser *p, const char *op) {
  if (accept_op(p, op)) return;
  if (p->tok.type == TK_NEWLINE || p->tok.type == TK_EOF) {
    if (strcmp(op, ":") == 0) fail_at(p, p->prev.line, p->prev.col + p->prev.len, false, "expected ':'");
    if (strcmp(op, ")") == 0 || strcmp(op, "]") == 0 || strcmp(op, "}") == 0)
      fail(p, "invalid syntax");
  }
  if (strcmp(op, ":") == 0) fail(p, "expected ':'");
  fail(p, "invalid syntax");
}

static const char *const keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
    "try", "while", "with", "yield", NULL};

static bool tok_is_keyword(Parser *p) {
  if (p->tok.type != TK_NAME) return false;
  for (int i = 0; keywords[i]; i++)
    if ((int)strlen(keywords[i]) == p->tok.len && memcmp(p->tok.start, keywords[i], (size_t)p->tok.len) == 0)
      return true;
  return false;
}

static char *expect_name(Parser *p) {
  if (p->tok.type != TK_NAME || tok_is_keyword(p)) fail(p, "invalid syntax");
  char *s = arena_strndup(p->arena, p->tok.start, (size_t)p->tok.len);
  advance(p);
  return s;
}

static Node *new_node(Parser *p, NodeKind k) { return node_new(p->arena, k, p->tok.line, p->tok.col); }
static Node *new_at(Parser *p, NodeKind k, Node *at) {
  (void)p;
  return node_new(p->arena, k, at->line, at->col);
}

/* ---- f-strings ----------------------------------------------------------------- */

static Node *parse_fstring_body(Parser *p, const char *s, size_t n, bool raw, int line, int col);

/* Parses the expression text of one replacement field. */
static Node *parse_sub_expression(Parser *p, const char *s, size_t n, int line, int col) {
  Parser sub;
  memset(&sub, 0, sizeof sub);
  /* wrap in parentheses so newlines inside are fine */
  char *buf = arena_alloc(p->arena, n + 3);
  buf[0] = '(';
  memcpy(buf + 1, s, n);
  buf[n + 1] = ')';
  lexer_init(&sub.lx, buf, n + 2, 1);
  sub.arena = p->arena;
  sub.err = p->err;
  sub.bail = p->bail;
  sub.line_offset = line - 1;
  sub.col_offset = col - 2;
  lexer_next(&sub.lx, &sub.tok);
  sub.tok.line += sub.line_offset;
  if (sub.tok.type == TK_ERROR) fail_at(p, line, col, false, "f-string: %s", sub.lx.error);
  if (n == 0 || strspn(s, " \t\n") == n) fail_at(p, line, col, false, "f-string: empty expression not allowed");
  advance(&sub); /* the '(' we wrapped it in */
  Node *e = parse_testlist_star(&sub);
  if (!is_op(&sub, ")")) fail_at(p, line, col, false, "f-string: expecting '}'");
  free(sub.tok.str);
  free(sub.prev.str);
  return e;
}

static void push_text(Parser *p, Node *fs, const char *s, size_t n, bool raw, int line, int col) {
  if (n == 0) return;
  Node *t = node_new(p->arena, E_STR, line, col);
  if (raw) {
    t->str = arena_strndup(p->arena, s, n);
    t->slen = n;
  } else {
    size_t len;
    char *d = lexer_unescape(&p->lx, s, n, false, &len, line, col);
    if (!d) fail_at(p, line, col, false, "%s", p->lx.error);
    t->str = arena_strndup(p->arena, d, len);
    t->slen = len;
    free(d);
  }
  nodelist_push(p->arena, &fs->list, t);
}

static Node *parse_fstring_body(Parser *p, const char *s, size_t n, bool raw, int line, int col) {
  Node *fs = node_new(p->arena, E_FSTRING, line, col);
  char *text = arena_alloc(p->arena, n + 1);
  size_t tn = 0;
  for (size_t i = 0; i < n;) {
    char c = s[i];
    if (c == '{' && i + 1 < n && s[i + 1] == '{') {
      text[tn++] = '{';
      i += 2;
      continue;
    }
    if (c == '}' && i + 1 < n && s[i + 1] == '}') {
      text[tn++] = '}';
      i += 2;
      continue;
    }
    if (c == '}') fail_at(p, line, col, false, "f-string: single '}' is not allowed");
    if (c == '\\' && !raw && i + 1 < n) {
      text[tn++] = s[i++];
      text[tn++] = s[i++];
      continue;
    }
    if (c != '{') {
      text[tn++] = c;
      i++;
      continue;
    }
    push_text(p, fs, text, tn, raw, line, col);
    tn = 0;
    /* find the end of the expression: a top-level ! : = or } */
    size_t j = i + 1, start = j;
    int depth = 0;
    char quote = 0;
    while (j < n) {
      char d = s[j];
      if (quote) {
        if (d == quote) quote = 0;
      } else if (d == '\'' || d == '"') {
        quote = d;
      } else if (d == '(' || d == '[' || d == '{') {
        depth++;
      } else if (d == ')' || d == ']' || d == '}') {
        if (d == '}' && depth == 0) break;
        depth--;
      } else if (depth == 0 && (d == ':' || (d == '!' && j + 1 < n && s[j + 1] != '=') ||
                                (d == '=' && j + 1 < n && s[j + 1] != '=' && j > start &&
                                 !strchr("=!<>", s[j - 1])))) {
        break;
      }
      j++;
    }
    if (j >= n) fail_at(p, line, col, false, "f-string: expecting '}'");
    Node *f = node_new(p->arena, E_FORMATTED, line, col);
    f->a = parse_sub_expression(p, s + start, j - start, line, col);
    bool debug = false;
    if (s[j] == '=') {
      debug = true;
      /* f"{x=}" prints the source text too */
      push_text(p, fs, s + start, j + 1 - start, true, line, col);
      j++;
    }
    if (j < n && s[j] == '!') {
      if (j + 1 >= n || !strchr("rsa", s[j + 1]))
        fail_at(p, line, col, false, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
      f->ival = s[j + 1];
      j += 2;
    } else if (debug) {
      f->ival = 'r';
    }
    if (j < n && s[j] == ':') {
      /* the spec runs to the matching }, and may itself hold {fields} */
      size_t k = j + 1;
      int d2 = 0;
      while (k < n && !(s[k] == '}' && d2 == 0)) {
        if (s[k] == '{') d2++;
        if (s[k] == '}') d2--;
        k++;
      }
      if (k >= n) fail_at(p, line, col, false, "f-string: expecting '}'");
      f->b = parse_fstring_body(p, s + j + 1, k - j - 1, raw, line, col);
      if (debug && !s[j]) f->ival = 0;
      if (debug && f->ival == 'r' && s[j - 1] != 'r') f->ival = 0; /* spec given: format, not repr */
      j = k;
    }
    if (j >= n || s[j] != '}') fail_at(p, line, col, false, "f-string: expecting '}'");
    nodelist_push(p->arena, &fs->list, f);
    i = j + 1;
  }
  push_text(p, fs, text, tn, raw, line, col);
  return fs;
}

/* ---- atoms --------------------------------------------------------------------- */

static Node *parse_strings(Parser *p) {
  Node *first = new_node(p, E_STR);
  bool bytes = (p->tok.strflags & STR_BYTES) != 0;
  bool any_f = false;
  Node *fs = new_node(p, E_FSTRING);
  while (p->tok.type == TK_STRING) {
    if (((p->tok.strflags & STR_BYTES) != 0) != bytes) fail(p, "cannot mix bytes and nonbytes literals");
    if (p->tok.strflags & STR_FSTRING) {
      any_f = true;
      Node *part = parse_fstring_body(p, p->tok.str, p->tok.strlen, p->tok.strflags & STR_RAW,
                                      p->tok.line, p->tok.col);
      for (int i = 0; i < part->list.n; i++) nodelist_push(p->arena, &fs->list, part->list.items[i]);
    } else {
      Node *t = new_node(p, E_STR);
      t->str = arena_strndup(p->arena, p->tok.str, p->tok.strlen);
      t->slen = p->tok.strlen;
      nodelist_push(p->arena, &fs->list, t);
    }
    advance(p);
  }
  if (any_f) return fs;
  /* plain concatenation */
  size_t total = 0;
  for (int i = 0; i < fs->list.n; i++) total += fs->list.items[i]->slen;
  char *buf = arena_alloc(p->arena, total + 1);
  size_t o = 0;
  for (int i = 0; i < fs->list.n; i++) {
    memcpy(buf + o, fs->list.items[i]->str, fs->list.items[i]->slen);
    o += fs->list.items[i]->slen;
  }
  first->kind = bytes ? E_BYTES : E_STR;
  first->str = buf;
  first->slen = total;
  return first;
}

static Node *parse_comp_for(Parser *p, Node *comp);

/* After '(' '[' or '{' and a first element: a comprehension's clauses. */
static bool at_comp_for(Parser *p) {
  if (is_kw(p, "async")) refuse(p, p->tok.line, p->tok.col, "async comprehensions are");
  return is_kw(p, "for");
}

static Node *parse_star_or_test(Parser *p) {
  if (is_op(p, "*")) {
    Node *s = new_node(p, E_STARRED);
    advance(p);
    s->a = parse_expr(p);
    return s;
  }
  return parse_test(p);
}

static Node *parse_paren(Parser *p) {
  Node *t = new_node(p, E_TUPLE);
  bool genexp_ok = p->genexp_ok == p->tok.start;
  advance(p);
  if (accept_op(p, ")")) return t;
  if (is_kw(p, "yield")) refuse(p, p->tok.line, p->tok.col, "yield expressions (generators) are");
  Node *first = parse_star_or_test(p);
  if (is_op(p, ":=")) refuse(p, p->tok.line, p->tok.col, "assignment expressions (:=) are");
  if (at_comp_for(p)) {
    if (!genexp_ok) refuse(p, t->line, t->col, "generator expressions outside a call are");
    Node *g = new_at(p, E_GENEXP, first);
    g->a = first;
    parse_comp_for(p, g);
    expect_op(p, ")");
    return g;
  }
  if (accept_op(p, ")")) {
    if (first->kind == E_STARRED) fail(p, "cannot use starred expression here");
    return first;
  }
  nodelist_push(p->arena, &t->list, first);
  while (accept_op(p, ",")) {
    if (is_op(p, ")")) break;
    nodelist_push(p->arena, &t->list, parse_star_or_test(p));
  }
  expect_op(p, ")");
  return t;
}

static Node *parse_list_display(Parser *p) {
  Node *l = new_node(p, E_LIST);
  advance(p);
  if (accept_op(p, "]")) return l;
  Node *first = parse_star_or_test(p);
  if (at_comp_for(p)) {
    Node *c = new_at(p, E_LISTCOMP, first);
    c->a = first;
    parse_comp_for(p, c);
    expect_op(p, "]");
    return c;
  }
  nodelist_push(p->arena, &l->list, first);
  while (accept_op(p, ",")) {
    if (is_op(p, "]")) break;
    nodelist_push(p->arena, &l->list, parse_star_or_test(p));
  }
  expect_op(p, "]");
  return l;
}

static Node *parse_brace_display(Parser *p) {
  Node *d = new_node(p, E_DICT);
  advance(p);
  if (accept_op(p, "}")) return d;
  if (accept_op(p, "**")) {
    nodelist_push(p->arena, &d->list, NULL);
    nodelist_push(p->arena, &d->list2, parse_expr(p));
  } else {
    Node *first = parse_star_or_test(p);
    if (first->kind != E_STARRED && accept_op(p, ":")) {
      Node *v = parse_test(p);
      if (at_comp_for(p)) {
        Node *c = new_at(p, E_DICTCOMP, first);
        c->a = first;
        c->b = v;
        parse_comp_for(p, c);
        expect_op(p, "}");
        return c;
      }
      nodelist_push(p->arena, &d->list, first);
      nodelist_push(p->arena, &d->list2, v);
    } else {
      /* a set */
      Node *s = new_at(p, E_SET, first);
      if (at_comp_for(p)) {
        s->kind = E_SETCOMP;
        s->a = first;
        parse_comp_for(p, s);
        expect_op(p, "}");
        return s;
      }
      nodelist_push(p->arena, &s->list, first);
      while (accept_op(p, ",")) {
        if (is_op(p, "}")) break;
        nodelist_push(p->arena, &s->list, parse_star_or_test(p));
      }
      expect_op(p, "}");
      return s;
    }
  }
  while (accept_op(p, ",")) {
    if (is_op(p, "}")) break;
    if (accept_op(p, "**")) {
      nodelist_push(p->arena, &d->list, NULL);
      nodelist_push(p->arena, &d->list2, parse_expr(p));
      continue;
    }
    Node *k = parse_test(p);
    expect_op(p, ":");
    nodelist_push(p->arena, &d->list, k);
    nodelist_push(p->arena, &d->list2, parse_test(p));
  }
  expect_op(p, "}");
  return d;
}

static Node *parse_atom(Parser *p) {
  Token *t = &p->tok;
  Node *n;
  switch (t->type) {
  case TK_INT:
    n = new_node(p, E_INT);
    n->ival = t->ival;
    n->op = t->int_min_magnitude; /* 2**63: must be negated */
    advance(p);
    return n;
  case TK_FLOAT:
    n = new_node(p, E_FLOAT);
    n->fval = t->fval;
    advance(p);
    return n;
  case TK_STRING: return parse_strings(p);
  case TK_NAME:
    if (is_kw(p, "None") || is_kw(p, "True") || is_kw(p, "False")) {
      n = new_node(p, E_CONST);
      n->ival = is_kw(p, "None") ? 0 : is_kw(p, "True") ? 1 : 2;
      advance(p);
      return n;
    }
    if (is_kw(p, "yield")) refuse(p, t->line, t->col, "yield (generators) is");
    if (is_kw(p, "await")) refuse(p, t->line, t->col, "async/await is");
    if (tok_is_keyword(p)) fail(p, "invalid syntax");
    n = new_node(p, E_NAME);
    n->name = expect_name(p);
    return n;
  case TK_OP:
    if (is_op(p, "(")) return parse_paren(p);
    if (is_op(p, "[")) return parse_list_display(p);
    if (is_op(p, "{")) return parse_brace_display(p);
    if (is_op(p, "...")) refuse(p, t->line, t->col, "Ellipsis (...) is");
    fail(p, "invalid syntax");
  default:
    if (t->type == TK_INDENT) fail_at(p, t->line, t->col, false, "unexpected indent");
    fail(p, "invalid syntax");
  }
}

static Node *parse_subscript_item(Parser *p) {
  Node *lower = NULL;
  int line = p->tok.line, col = p->tok.col;
  if (!is_op(p, ":")) {
    lower = parse_test(p);
    if (!is_op(p, ":")) return lower;
  }
  Node *s = node_new(p->arena, E_SLICE, line, col);
  s->a = lower;
  advance(p); /* ':' */
  if (!is_op(p, ":") && !is_op(p, "]") && !is_op(p, ",")) s->b = parse_test(p);
  if (accept_op(p, ":"))
    if (!is_op(p, "]") && !is_op(p, ",")) s->c = parse_test(p);
  return s;
}

static void parse_call_args(Parser *p, Node *call) {
  while (!is_op(p, ")")) {
    if (accept_op(p, "*")) {
      Node *s = new_node(p, E_STARRED);
      s->a = parse_test(p);
      nodelist_push(p->arena, &call->list, s);
    } else if (accept_op(p, "**")) {
      Node *k = new_node(p, E_KEYWORD);
      k->a = parse_test(p);
      nodelist_push(p->arena, &call->list2, k);
    } else {
      p->genexp_ok = p->tok.start;
      Node *a = parse_test(p);
      if (is_op(p, "=") && a->kind == E_NAME) {
        advance(p);
        Node *k = new_at(p, E_KEYWORD, a);
        k->name = a->name;
        k->a = parse_test(p);
        nodelist_push(p->arena, &call->list2, k);
      } else if (is_op(p, "=")) {
        fail(p, "expression cannot contain assignment, perhaps you meant \"==\"?");
      } else if (is_op(p, ":=")) {
        refuse(p, p->tok.line, p->tok.col, "assignment expressions (:=) are");
      } else if (at_comp_for(p)) {
        Node *g = new_at(p, E_GENEXP, a);
        g->a = a;
        parse_comp_for(p, g);
        nodelist_push(p->arena, &call->list, g);
      } else {
        if (call->list2.n > 0) {
          bool any_named = false;
          for (int i = 0; i < call->list2.n; i++) any_named |= call->list2.items[i]->name != NULL;
          fail_at(p, a->line, a->col, false,
                  any_named ? "positional argument follows keyword argument"
                            : "positional argument follows keyword argument unpacking");
        }
        nodelist_push(p->arena, &call->list, a);
      }
    }
    if (!accept_op(p, ",")) break;
  }
  expect_op(p, ")");
}

static Node *parse_atom_expr(Parser *p) {
  Node *e = parse_atom(p);
  for (;;) {
    if (is_op(p, "(")) {
      Node *c = new_node(p, E_CALL);
      c->line = e->line;
      c->col = e->col;
      advance(p);
      c->a = e;
      parse_call_args(p, c);
      e = c;
    } else if (is_op(p, "[")) {
      Node *s = new_at(p, E_SUBSCRIPT, e);
      advance(p);
      s->a = e;
      Node *first = parse_subscript_item(p);
      if (is_op(p, ",")) {
        Node *t = new_at(p, E_TUPLE, first);
        nodelist_push(p->arena, &t->list, first);
        while (accept_op(p, ",")) {
          if (is_op(p, "]")) break;
          nodelist_push(p->arena, &t->list, parse_subscript_item(p));
        }
        first = t;
      }
      s->b = first;
      expect_op(p, "]");
      e = s;
    } else if (is_op(p, ".")) {
      advance(p);
      Node *a = new_at(p, E_ATTR, e);
      a->a = e;
      a->name = expect_name(p);
      e = a;
    } else {
      return e;
    }
  }
}

static Node *parse_factor(Parser *p);

static Node *parse_power(Parser *p) {
  if (is_kw(p, "await")) refuse(p, p->tok.line, p->tok.col, "async/await is");
  Node *e = parse_atom_expr(p);
  if (is_op(p, "**")) {
    Node *b = new_at(p, E_BINOP, e);
    advance(p);
    b->op = BINOP_POW;
    b->a = e;
    b->b = parse_factor(p);
    return b;
  }
  return e;
}

static Node *parse_factor(Parser *p) {
  if (is_op(p, "-") || is_op(p, "+") || is_op(p, "~")) {
    Node *u = new_node(p, E_UNARY);
    u->op = p->tok.start[0];
    advance(p);
    u->a = parse_factor(p);
    /* fold -<number> so that -9223372036854775808 and constants work */
    if (u->op == '-' && u->a->kind == E_INT && (u->a->ival >= 0 || u->a->op == 1)) {
      if (u->a->op == 1)
        u->a->op = 0; /* -9223372036854775808 */
      else
        u->a->ival = -u->a->ival;
      u->a->line = u->line;
      u->a->col = u->col;
      return u->a;
    }
    if (u->op == '-' && u->a->kind == E_FLOAT) {
      u->a->fval = -u->a->fval;
      return u->a;
    }
    return u;
  }
  return parse_power(p);
}

typedef struct BinLevel {
  const char *ops[5];
  int binops[5];
} BinLevel;

static const BinLevel levels[] = {
    {{"|"}, {BINOP_OR}},
    {{"^"}, {BINOP_XOR}},
    {{"&"}, {BINOP_AND}},
    {{"<<", ">>"}, {BINOP_LSHIFT, BINOP_RSHIFT}},
    {{"+", "-"}, {BINOP_ADD, BINOP_SUB}},
    {{"*", "/", "//", "%", "@"}, {BINOP_MUL, BINOP_TRUEDIV, BINOP_FLOORDIV, BINOP_MOD, BINOP_MATMUL}},
};

static Node *parse_binary(Parser *p, int level) {
  if (level >= (int)(sizeof levels / sizeof levels[0])) return parse_factor(p);
  Node *e = parse_binary(p, level + 1);
  for (;;) {
    int which = -1;
    for (int i = 0; i < 5 && levels[level].ops[i]; i++)
      if (is_op(p, levels[level].ops[i])) which = i;
    if (which < 0) return e;
    Node *b = new_at(p, E_BINOP, e);
    advance(p);
    b->op = levels[level].binops[which];
    b->a = e;
    b->b = parse_binary(p, level + 1);
    e = b;
  }
}

static Node *parse_expr(Parser *p) { return parse_binary(p, 0); }

static int comp_op(Parser *p) {
  static const char *const syms[] = {"<", "<=", "==", "!=", ">", ">="};
  for (int i = 0; i < 6; i++)
    if (is_op(p, syms[i])) {
      advance(p);
      return i;
    }
  if (is_op(p, "<>")) fail(p, "invalid syntax");
  if (accept_kw(p, "in")) return CMPX_IN;
  if (is_kw(p, "not")) {
    advance(p);
    if (!accept_kw(p, "in")) fail(p, "invalid syntax");
    return CMPX_NOT_IN;
  }
  if (accept_kw(p, "is")) return accept_kw(p, "not") ? CMPX_IS_NOT : CMPX_IS;
  return -1;
}

static Node *parse_comparison(Parser *p) {
  Node *e = parse_expr(p);
  int op = comp_op(p);
  if (op < 0) return e;
  Node *c = new_at(p, E_COMPARE, e);
  c->a = e;
  int cap = 8, n = 0;
  c->ops = arena_alloc(p->arena, sizeof(int) * (size_t)cap);
  while (op >= 0) {
    if (n == cap) {
      int *nops = arena_alloc(p->arena, sizeof(int) * (size_t)cap * 2);
      memcpy(nops, c->ops, sizeof(int) * (size_t)cap);
      c->ops = nops;
      cap *= 2;
    }
    c->ops[n++] = op;
    nodelist_push(p->arena, &c->list, parse_expr(p));
    op = comp_op(p);
  }
  return c;
}

static Node *parse_not_test(Parser *p) {
  if (is_kw(p, "not")) {
    Node *u = new_node(p, E_UNARY);
    advance(p);
    u->op = '!';
    u->a = parse_not_test(p);
    return u;
  }
  return parse_comparison(p);
}

static Node *parse_bool(Parser *p, bool is_or) {
  Node *e = is_or ? parse_bool(p, false) : parse_not_test(p);
  if (!is_kw(p, is_or ? "or" : "and")) return e;
  Node *b = new_at(p, E_BOOLOP, e);
  b->op = is_or ? 'o' : 'a';
  nodelist_push(p->arena, &b->list, e);
  while (accept_kw(p, is_or ? "or" : "and"))
    nodelist_push(p->arena, &b->list, is_or ? parse_bool(p, false) : parse_not_test(p));
  return b;
}

static Node *parse_or_test(Parser *p) { return parse_bool(p, true); }

/* Parameters of def (with annotations allowed) and lambda (without). */
static void parse_params(Parser *p, NodeList *out, const char *end, bool is_lambda) {
  int kind = PARAM_POS;
  bool seen_default = false;
  while (!is_op(p, end)) {
    Node *prm = new_node(p, E_PARAM);
    if (accept_op(p, "/")) refuse(p, prm->line, prm->col, "positional-only parameters (/) are");
    if (accept_op(p, "**")) {
      prm->op = PARAM_VARKW;
      prm->name = expect_name(p);
    } else if (accept_op(p, "*")) {
      kind = PARAM_KWONLY;
      if (is_op(p, ",")) {
        advance(p);
        continue; /* bare *: the rest is keyword-only */
      }
      prm->op = PARAM_VARARGS;
      prm->name = expect_name(p);
    } else {
      prm->op = kind;
      prm->name = expect_name(p);
    }
    if (!is_lambda && accept_op(p, ":")) (void)parse_test(p); /* annotation: ignored */
    if (accept_op(p, "=")) {
      if (prm->op == PARAM_VARARGS || prm->op == PARAM_VARKW) fail(p, "invalid syntax");
      prm->a = parse_test(p);
      if (prm->op == PARAM_POS) seen_default = true;
    } else if (prm->op == PARAM_POS && seen_default) {
      fail_at(p, prm->line, prm->col, false, "non-default argument follows default argument");
    }
    for (int i = 0; i < out->n; i++)
      if (strcmp(out->items[i]->name, prm->name) == 0)
        fail_at(p, prm->line, prm->col, false, "duplicate argument '%s' in function definition", prm->name);
    nodelist_push(p->arena, out, prm);
    if (prm->op == PARAM_VARKW) {
      accept_op(p, ",");
      break;
    }
    if (!accept_op(p, ",")) break;
  }
}

static Node *parse_lambda(Parser *p) {
  Node *l = new_node(p, E_LAMBDA);
  advance(p);
  parse_params(p, &l->params, ":", true);
  expect_op(p, ":");
  l->a = parse_test(p);
  return l;
}

static Node *parse_test(Parser *p) {
  if (is_kw(p, "lambda")) return parse_lambda(p);
  Node *e = parse_or_test(p);
  if (is_kw(p, "if")) {
    Node *c = new_at(p, E_IFEXP, e);
    advance(p);
    c->b = e;
    c->a = parse_or_test(p);
    if (!accept_kw(p, "else")) fail(p, "expected 'else' after 'if' expression");
    c->c = parse_test(p);
    return c;
  }
  if (is_op(p, ":=")) refuse(p, p->tok.line, p->tok.col, "assignment expressions (:=) are");
  return e;
}

static Node *parse_test_nocond(Parser *p) { return parse_or_test(p); }

/* Targets of for loops and comprehensions: exprlist. */
static Node *parse_target_list(Parser *p) {
  Node *first = parse_star_or_test(p);
  if (first->kind != E_STARRED && !is_op(p, ",")) return first;
  Node *t = new_at(p, E_TUPLE, first);
  nodelist_push(p->arena, &t->list, first);
  while (accept_op(p, ",")) {
    if (is_kw(p, "in") || is_op(p, "=")) break;
    nodelist_push(p->arena, &t->list, parse_star_or_test(p));
  }
  return t;
}

static Node *parse_for_target(Parser *p) {
  Node *first = is_op(p, "*") ? parse_star_or_test(p) : parse_expr(p);
  if (first->kind != E_STARRED && !is_op(p, ",")) return first;
  Node *t = new_at(p, E_TUPLE, first);
  nodelist_push(p->arena, &t->list, first);
  while (accept_op(p, ",")) {
    if (is_kw(p, "in")) break;
    nodelist_push(p->arena, &t->list, is_op(p, "*") ? parse_star_or_test(p) : parse_expr(p));
  }
  return t;
}

static Node *parse_comp_for(Parser *p, Node *comp) {
  while (is_kw(p, "for")) {
    Node *f = new_node(p, E_COMPFOR);
    advance(p);
    f->a = parse_for_target(p);
    if (!accept_kw(p, "in")) fail(p, "invalid syntax");
    f->b = parse_test_nocond(p);
    while (is_kw(p, "if")) {
      advance(p);
      nodelist_push(p->arena, &f->list, parse_test_nocond(p));
    }
    nodelist_push(p->arena, &comp->list, f);
    if (is_kw(p, "async")) refuse(p, p->tok.line, p->tok.col, "async comprehensions are");
  }
  return comp;
}

/* testlist_star_expr: one expression, or a tuple if there are commas. */
static Node *parse_testlist_star(Parser *p) {
  Node *first = parse_star_or_test(p);
  if (!is_op(p, ",")) return first;
  Node *t = new_at(p, E_TUPLE, first);
  nodelist_push(p->arena, &t->list, first);
  while (accept_op(p, ",")) {
    if (p->tok.type == TK_NEWLINE || is_op(p, "=") || is_op(p, ")") || is_op(p, ";") ||
        p->tok.type == TK_EOF || (p->tok.type == TK_OP && strchr("+-*/%&|^<>@", p->tok.start[0]) &&
                                  p->tok.len >= 2 && p->tok.start[p->tok.len - 1] == '='))
      break;
    nodelist_push(p->arena, &t->list, parse_star_or_test(p));
  }
  return t;
}

/* ---- statements ---------------------------------------------------------------- */

static void check_target(Parser *p, Node *t, bool del) {
  switch (t->kind) {
  case E_NAME:
  case E_ATTR:
  case E_SUBSCRIPT: return;
  case E_TUPLE:
  case E_LIST:
    for (int i = 0; i < t->list.n; i++) check_target(p, t->list.items[i], del);
    return;
  case E_STARRED:
    if (del) break;
    check_target(p, t->a, del);
    return;
  case E_CALL:
    fail_at(p, t->line, t->col, false,
            del ? "cannot delete function call"
                : "cannot assign to function call here. Maybe you meant '==' instead of '='?");
  case E_INT:
  case E_FLOAT:
  case E_STR:
  case E_CONST:
    fail_at(p, t->line, t->col, false,
            del ? "cannot delete literal" : "cannot assign to literal here. Maybe you meant '==' instead of '='?");
  default: break;
  }
  fail_at(p, t->line, t->col, false, del ? "cannot delete expression" : "cannot assign to expression");
}

static const struct {
  const char *op;
  int binop;
} augops[] = {{"+=", BINOP_ADD},     {"-=", BINOP_SUB},      {"*=", BINOP_MUL},
              {"/=", BINOP_TRUEDIV}, {"//=", BINOP_FLOORDIV}, {"%=", BINOP_MOD},
              {"**=", BINOP_POW},    {"<<=", BINOP_LSHIFT},  {">>=", BINOP_RSHIFT},
              {"&=", BINOP_AND},     {"|=", BINOP_OR},       {"^=", BINOP_XOR},
              {"@=", BINOP_MATMUL}};

static Node *parse_expr_stmt(Parser *p) {
  int line = p->tok.line, col = p->tok.col;
  Node *first = parse_testlist_star(p);
  for (size_t i = 0; i < sizeof augops / sizeof augops[0]; i++) {
    if (is_op(p, augops[i].op)) {
      advance(p);
      if (first->kind != E_NAME && first->kind != E_ATTR && first->kind != E_SUBSCRIPT)
        fail_at(p, first->line, first->col, false, "'%s' is an illegal expression for augmented assignment",
                first->kind == E_TUPLE ? "tuple" : first->kind == E_LIST ? "list" : "expression");
      Node *s = node_new(p->arena, S_AUGASSIGN, line, col);
      s->a = first;
      s->op = augops[i].binop;
      if (is_kw(p, "yield")) refuse(p, p->tok.line, p->tok.col, "yield (generators) is");
      s->b = parse_testlist_star(p);
      return s;
    }
  }
  if (is_op(p, ":")) {
    /* annotated assignment: the annotation is ignored */
    advance(p);
    if (first->kind != E_NAME && first->kind != E_ATTR && first->kind != E_SUBSCRIPT)
      fail_at(p, first->line, first->col, false, "only single target (not tuple) can be annotated");
    (void)parse_test(p);
    if (!accept_op(p, "=")) {
      Node *s = node_new(p->arena, S_PASS, line, col);
      return s;
    }
    Node *s = node_new(p->arena, S_ASSIGN, line, col);
    nodelist_push(p->arena, &s->list, first);
    s->a = parse_testlist_star(p);
    return s;
  }
  if (!is_op(p, "=")) {
    Node *s = node_new(p->arena, S_EXPR, line, col);
    s->a = first;
    return s;
  }
  Node *s = node_new(p->arena, S_ASSIGN, line, col);
  Node *value = first;
  while (accept_op(p, "=")) {
    check_target(p, value, false);
    nodelist_push(p->arena, &s->list, value);
    if (is_kw(p, "yield")) refuse(p, p->tok.line, p->tok.col, "yield (generators) is");
    value = parse_testlist_star(p);
  }
  s->a = value;
  return s;
}

static char *parse_dotted_name(Parser *p) {
  char buf[512];
  size_t n = 0;
  for (;;) {
    char *part = expect_name(p);
    size_t l = strlen(part);
    if (n + l + 2 >= sizeof buf) fail(p, "module name too long");
    memcpy(buf + n, part, l);
    n += l;
    if (!is_op(p, ".")) break;
    advance(p);
    buf[n++] = '.';
  }
  return arena_strndup(p->arena, buf, n);
}

static Node *parse_import(Parser *p) {
  Node *s = new_node(p, S_IMPORT);
  advance(p);
  do {
    namelist_push(p->arena, &s->names, parse_dotted_name(p));
    namelist_push(p->arena, &s->names2, accept_kw(p, "as") ? expect_name(p) : NULL);
  } while (accept_op(p, ","));
  return s;
}

static Node *parse_from_import(Parser *p) {
  Node *s = new_node(p, S_IMPORTFROM);
  advance(p);
  if (is_op(p, ".") || is_op(p, "..."))
    refuse(p, p->tok.line, p->tok.col, "relative imports are");
  s->name = parse_dotted_name(p);
  if (!accept_kw(p, "import")) fail(p, "invalid syntax");
  if (accept_op(p, "*")) {
    namelist_push(p->arena, &s->names, arena_strndup(p->arena, "*", 1));
    namelist_push(p->arena, &s->names2, NULL);
    return s;
  }
  bool paren = accept_op(p, "(");
  do {
    if (paren && is_op(p, ")")) break;
    namelist_push(p->arena, &s->names, expect_name(p));
    namelist_push(p->arena, &s->names2, accept_kw(p, "as") ? expect_name(p) : NULL);
  } while (accept_op(p, ","));
  if (paren) expect_op(p, ")");
  return s;
}

static Node *parse_small_statement(Parser *p) {
  Token *t = &p->tok;
  Node *s;
  if (is_kw(p, "pass") || is_kw(p, "break") || is_kw(p, "continue")) {
    s = new_node(p, is_kw(p, "pass") ? S_PASS : is_kw(p, "break") ? S_BREAK : S_CONTINUE);
    advance(p);
    return s;
  }
  if (is_kw(p, "return")) {
    s = new_node(p, S_RETURN);
    advance(p);
    if (t->type != TK_NEWLINE && !is_op(p, ";") && t->type != TK_EOF) s->a = parse_testlist_star(p);
    return s;
  }
  if (is_kw(p, "raise")) {
    s = new_node(p, S_RAISE);
    advance(p);
    if (t->type != TK_NEWLINE && !is_op(p, ";") && t->type != TK_EOF) {
      s->a = parse_test(p);
      if (accept_kw(p, "from")) s->b = parse_test(p);
    }
    return s;
  }
  if (is_kw(p, "global") || is_kw(p, "nonlocal")) {
    s = new_node(p, is_kw(p, "global") ? S_GLOBAL : S_NONLOCAL);
    advance(p);
    do namelist_push(p->arena, &s->names, expect_name(p));
    while (accept_op(p, ","));
    return s;
  }
  if (is_kw(p, "del")) {
    s = new_node(p, S_DEL);
    advance(p);
    Node *targets = parse_target_list(p);
    if (targets->kind == E_TUPLE && !targets->list.n) fail(p, "invalid syntax");
    check_target(p, targets, true);
    nodelist_push(p->arena, &s->list, targets);
    return s;
  }
  if (is_kw(p, "assert")) {
    s = new_node(p, S_ASSERT);
    advance(p);
    s->a = parse_test(p);
    if (accept_op(p, ",")) s->b = parse_test(p);
    return s;
  }
  if (is_kw(p, "import")) return parse_import(p);
  if (is_kw(p, "from")) return parse_from_import(p);
  if (is_kw(p, "yield")) refuse(p, t->line, t->col, "yield (generators) is");
  return parse_expr_stmt(p);
}

static void parse_simple_statements(Parser *p, NodeList *out) {
  for (;;) {
    nodelist_push(p->arena, out, parse_small_statement(p));
    if (!accept_op(p, ";")) break;
    if (p->tok.type == TK_NEWLINE || p->tok.type == TK_EOF) break;
  }
  if (p->tok.type == TK_EOF) return;
  if (p->tok.type != TK_NEWLINE) {
    if (is_op(p, "=") ) fail(p, "invalid syntax");
    fail(p, "invalid syntax");
  }
  advance(p);
}

static void parse_block(Parser *p, NodeList *out) {
  expect_op(p, ":");
  if (p->tok.type != TK_NEWLINE) {
    parse_simple_statements(p, out);
    return;
  }
  int line = p->tok.line;
  advance(p);
  if (p->tok.type != TK_INDENT) {
    p->err->indentation = true;
    fail_at(p, p->tok.line, p->tok.col, false, "expected an indented block after line %d", line);
  }
  advance(p);
  while (p->tok.type != TK_DEDENT && p->tok.type != TK_EOF) parse_statement(p, out);
  if (p->tok.type == TK_DEDENT) advance(p);
}

static Node *parse_if(Parser *p) {
  Node *s = new_node(p, S_IF);
  advance(p);
  s->a = parse_test(p);
  parse_block(p, &s->list);
  if (is_kw(p, "elif")) {
    nodelist_push(p->arena, &s->list2, parse_if(p));
  } else if (accept_kw(p, "else")) {
    parse_block(p, &s->list2);
  }
  return s;
}

static Node *parse_try(Parser *p) {
  Node *s = new_node(p, S_TRY);
  advance(p);
  parse_block(p, &s->list);
  while (is_kw(p, "except")) {
    Node *h = new_node(p, S_HANDLER);
    advance(p);
    if (is_op(p, "*")) refuse(p, p->tok.line, p->tok.col, "except* (exception groups) is");
    if (!is_op(p, ":")) {
      h->a = parse_test(p);
      if (is_op(p, ",")) {
        fail(p, "multiple exception types must be parenthesized");
      }
      if (accept_kw(p, "as")) h->name = expect_name(p);
    }
    parse_block(p, &h->list);
    if (!h->a && is_kw(p, "except")) fail_at(p, h->line, h->col, false, "default 'except:' must be last");
    nodelist_push(p->arena, &s->list2, h);
  }
  if (accept_kw(p, "else")) {
    if (!s->list2.n) fail(p, "invalid syntax");
    parse_block(p, &s->list3);
  }
  if (accept_kw(p, "finally")) parse_block(p, &s->list4);
  if (!s->list2.n && !s->list4.n) fail(p, "expected 'except' or 'finally' block");
  return s;
}

static Node *parse_with(Parser *p) {
  Node *s = new_node(p, S_WITH);
  advance(p);
  do {
    Node *item = new_node(p, E_WITHITEM);
    item->a = parse_test(p);
    if (accept_kw(p, "as")) {
      item->b = parse_expr(p); /* one target: a comma starts the next item */
      check_target(p, item->b, false);
    }
    nodelist_push(p->arena, &s->list, item);
  } while (accept_op(p, ","));
  parse_block(p, &s->list2);
  return s;
}

static Node *parse_def(Parser *p) {
  Node *s = new_node(p, S_DEF);
  advance(p);
  s->name = expect_name(p);
  expect_op(p, "(");
  parse_params(p, &s->params, ")", false);
  expect_op(p, ")");
  if (accept_op(p, "->")) (void)parse_test(p); /* return annotation: ignored */
  parse_block(p, &s->list);
  return s;
}

static void parse_statement(Parser *p, NodeList *out) {
  Token *t = &p->tok;
  if (t->type == TK_NEWLINE) {
    advance(p);
    return;
  }
  if (t->type == TK_INDENT) fail_at(p, t->line, t->col, false, "unexpected indent");
  if (is_kw(p, "if")) {
    nodelist_push(p->arena, out, parse_if(p));
  } else if (is_kw(p, "while")) {
    Node *s = new_node(p, S_WHILE);
    advance(p);
    s->a = parse_test(p);
    parse_block(p, &s->list);
    if (accept_kw(p, "else")) parse_block(p, &s->list2);
    nodelist_push(p->arena, out, s);
  } else if (is_kw(p, "for")) {
    Node *s = new_node(p, S_FOR);
    advance(p);
    s->a = parse_for_target(p);
    check_target(p, s->a, false);
    if (!accept_kw(p, "in")) fail(p, "invalid syntax");
    s->b = parse_testlist_star(p);
    parse_block(p, &s->list);
    if (accept_kw(p, "else")) parse_block(p, &s->list2);
    nodelist_push(p->arena, out, s);
  } else if (is_kw(p, "try")) {
    nodelist_push(p->arena, out, parse_try(p));
  } else if (is_kw(p, "with")) {
    nodelist_push(p->arena, out, parse_with(p));
  } else if (is_kw(p, "def")) {
    nodelist_push(p->arena, out, parse_def(p));
  } else if (is_kw(p, "class")) {
    refuse(p, t->line, t->col, "class definitions are");
  } else if (is_op(p, "@")) {
    refuse(p, t->line, t->col, "decorators are");
  } else if (is_kw(p, "async")) {
    refuse(p, t->line, t->col, "async/await is");
  } else if (tok_is(p, TK_NAME, "match") && p->lx.p < p->lx.end) {
    /* `match` is a soft keyword: a statement if a subject follows that is
     * not an operator (match = 1, match(x) and match.x stay names) */
    const char *q = p->lx.p;
    while (q < p->lx.end && (*q == ' ' || *q == '\t')) q++;
    const char *eol = q;
    while (eol < p->lx.end && *eol != '\n') eol++;
    const char *last = eol;
    while (last > q && (last[-1] == ' ' || last[-1] == '\r')) last--;
    bool looks = q < eol && (q[0] == '_' || (q[0] >= 'a' && q[0] <= 'z') || (q[0] >= 'A' && q[0] <= 'Z') ||
                             q[0] == '[' || q[0] == '"' || q[0] == '\'' || (q[0] >= '0' && q[0] <= '9')) &&
                 last > q && last[-1] == ':';
    if (looks) refuse(p, t->line, t->col, "match statements are");
    parse_simple_statements(p, out);
  } else {
    parse_simple_statements(p, out);
  }
}

bool parse_module(Arena *arena, const char *src, size_t len, NodeList *out, ParseError *err) {
  Parser p;
  memset(&p, 0, sizeof p);
  memset(err, 0, sizeof *err);
  jmp_buf bail;
  p.arena = arena;
  p.err = err;
  p.bail = &bail;
  lexer_init(&p.lx, src, len, 1);
  out->n = 0;
  out->items = NULL;
  if (setjmp(bail)) {
    free(p.tok.str);
    free(p.prev.str);
    return false;
  }
  lexer_next(&p.lx, &p.tok);
  if (p.tok.type == TK_ERROR) fail_at(&p, p.lx.err_line, p.lx.err_col, false, "%s", p.lx.error);
  while (p.tok.type != TK_EOF) {
    if (p.tok.type == TK_DEDENT) {
      advance(&p);
      continue;
    }
    parse_statement(&p, out);
  }
  free(p.tok.str);
  free(p.prev.str);
  return true;
}
