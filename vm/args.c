/*
 * args.c - vm_parse_args: binds a builtin's positional and keyword
 * arguments to its parameters, raising the TypeErrors CPython 3.11's
 * Argument Clinic raises (_PyArg_UnpackKeywords in Python/getargs.c),
 * checked in the same order so the same call gets the same message.
 *
 * `fname` is the bare function name ("round"); messages add the "()".
 * A name starting with '/' marks a positional-only parameter (the '/' is
 * not part of the name), as `def sum(iterable, /, start=0)` would; the
 * positional-only parameters come first.
 */
#include <string.h>

#include "object.h"

typedef struct ArgSpec {
  const char *fname;
  const char *const *names;
  int nnames, npos, nrequired, posonly;
} ArgSpec;

static const char *param_name(const ArgSpec *s, int i) {
  const char *n = s->names[i];
  return n[0] == '/' ? n + 1 : n;
}

static int count_posonly(const char *const *names, int nnames) {
  int n = 0;
  while (n < nnames && names[n][0] == '/') n++;
  return n;
}

/* Looks a keyword up by parameter name: a borrowed value or T_UNDEF. */
static Value find_kwarg(Obj *kwargs, const char *name) {
  DictObj *d = (DictObj *)kwargs;
  for (size_t i = 0; i < d->nentries; i++) {
    Value k = d->entries[i].key;
    if (v_is_undef(k) || !v_is_type(k, &StrType)) continue;
    if (strcmp(as_str(k)->data, name) == 0) return d->entries[i].value;
  }
  return v_undef();
}

static bool is_keyword_param(const ArgSpec *s, const char *key) {
  for (int i = s->posonly; i < s->nnames; i++)
    if (strcmp(s->names[i], key) == 0) return true;
  return false;
}

/* The first keyword that names no parameter, as CPython reports it. */
static int raise_unexpected_keyword(TState *ts, const ArgSpec *s, Obj *kwargs) {
  DictObj *d = (DictObj *)kwargs;
  for (size_t i = 0; i < d->nentries; i++) {
    Value k = d->entries[i].key;
    if (v_is_undef(k)) continue;
    if (!v_is_type(k, &StrType)) return vm_raise(ts, &TypeError_Type, "keywords must be strings");
    if (!is_keyword_param(s, as_str(k)->data))
      return vm_raise(ts, &TypeError_Type, "'%s' is an invalid keyword argument for %s()",
                      as_str(k)->data, s->fname);
  }
  return vm_raise(ts, &TypeError_Type, "%s() got an unexpected keyword argument", s->fname);
}

static int check_counts(TState *ts, const ArgSpec *s, int nargs, int nkwargs) {
  if (nargs + nkwargs > s->nnames) {
    /* "keyword " when nargs == 0: CPython's bpo-31229 wording. */
    return vm_raise(ts, &TypeError_Type, "%s() takes at most %d %sargument%s (%d given)",
                    s->fname, s->nnames, nargs == 0 ? "keyword " : "",
                    s->nnames == 1 ? "" : "s", nargs + nkwargs);
  }
  if (nargs > s->npos) {
    if (s->npos == 0)
      return vm_raise(ts, &TypeError_Type, "%s() takes no positional arguments", s->fname);
    return vm_raise(ts, &TypeError_Type, "%s() takes %s %d positional argument%s (%d given)",
                    s->fname, s->nrequired < s->npos ? "at most" : "exactly", s->npos,
                    s->npos == 1 ? "" : "s", nargs);
  }
  int minposonly = s->posonly < s->nrequired ? s->posonly : s->nrequired;
  if (nargs < minposonly) {
    return vm_raise(ts, &TypeError_Type, "%s() takes %s %d positional argument%s (%d given)",
                    s->fname, minposonly < s->npos ? "at least" : "exactly", minposonly,
                    minposonly == 1 ? "" : "s", nargs);
  }
  return 0;
}

/* Fills the parameters not given positionally from the keywords; returns
 * the number of keywords consumed, or -1. */
static int bind_keywords(TState *ts, const ArgSpec *s, int nargs, Obj *kwargs, Value *out) {
  int used = 0;
  int first = nargs > s->posonly ? nargs : s->posonly;
  for (int i = first; i < s->nnames; i++) {
    Value v = kwargs ? find_kwarg(kwargs, s->names[i]) : v_undef();
    out[i] = v;
    if (!v_is_undef(v)) {
      used++;
    } else if (i < s->nrequired) {
      return vm_raise(ts, &TypeError_Type, "%s() missing required argument '%s' (pos %d)",
                      s->fname, param_name(s, i), i + 1);
    }
  }
  return used;
}

static int raise_given_twice(TState *ts, const ArgSpec *s, int nargs, Obj *kwargs) {
  for (int i = s->posonly; i < nargs; i++) {
    if (!v_is_undef(find_kwarg(kwargs, s->names[i])))
      return vm_raise(ts, &TypeError_Type,
                      "argument for %s() given by name ('%s') and position (%d)", s->fname,
                      s->names[i], i + 1);
  }
  return 0;
}

int vm_parse_args(TState *ts, const char *fname, const Value *args, int nargs, Obj *kwargs,
                  const char *const *names, int nnames, int npos, int nrequired, Value *out) {
  ArgSpec s = {fname, names, nnames, npos, nrequired, count_posonly(names, nnames)};
  int nkwargs = kwargs ? (int)((DictObj *)kwargs)->used : 0;
  for (int i = 0; i < nnames; i++) out[i] = v_undef();
  if (check_counts(ts, &s, nargs, nkwargs) < 0) return -1;
  for (int i = 0; i < nargs; i++) out[i] = args[i];
  int used = bind_keywords(ts, &s, nargs, nkwargs ? kwargs : NULL, out);
  if (used < 0) return -1;
  if (used < nkwargs) {
    if (raise_given_twice(ts, &s, nargs, kwargs) < 0) return -1;
    return raise_unexpected_keyword(ts, &s, kwargs);
  }
  return 0;
}
