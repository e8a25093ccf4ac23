/*
 * mod_json.c - json.dumps / json.loads (and dump / load on file objects).
 *
 * loads parses with jansson (objects keep their insertion order since
 * jansson 2.8; integers and reals stay distinct) and converts the tree to
 * VM objects.
 *
 * dumps does NOT use jansson's encoder: jansson cannot reproduce CPython's
 * output byte for byte (its separators and indentation differ, it formats
 * reals with "%.17g" instead of the shortest repr, and it rejects NaN), so
 * the encoder below follows Lib/json/encoder.py instead: default separators
 * ', ' and ': ' (',' with indent), floats through float_repr, ensure_ascii
 * \uXXXX escapes with surrogate pairs, non-str keys converted.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "modules.h"

/* ---- output buffer ----------------------------------------------------------------------- */

typedef struct Out {
  char *data;
  size_t len, cap;
} Out;

static int out_put(TState *ts, Out *o, const char *s, size_t n) {
  if (o->len + n + 1 > o->cap) {
    size_t cap = o->cap ? o->cap : 256;
    while (cap < o->len + n + 1) cap *= 2;
    char *d = realloc(o->data, cap);
    if (!d) return vm_raise_nomem(ts);
    o->data = d;
    o->cap = cap;
  }
  memcpy(o->data + o->len, s, n);
  o->len += n;
  return 0;
}

static int out_cstr(TState *ts, Out *o, const char *s) { return out_put(ts, o, s, strlen(s)); }

/* ---- the encoder ------------------------------------------------------------------------- */

typedef struct Enc {
  TState *ts;
  Out out;
  const char *indent; /* NULL: no newlines */
  const char *item_sep, *key_sep;
  bool ensure_ascii, allow_nan, sort_keys, skipkeys;
  Value default_fn; /* T_UNDEF or a callable */
  int level;
  Obj *stack[256]; /* containers being encoded, for the circular check */
  int depth;
} Enc;

static uint32_t utf8_next(const unsigned char *s, size_t *i) {
  unsigned char c = s[*i];
  uint32_t cp;
  size_t len;
  if (c < 0x80) { cp = c; len = 1; }
  else if (c < 0xE0) { cp = c & 0x1F; len = 2; }
  else if (c < 0xF0) { cp = c & 0x0F; len = 3; }
  else { cp = c & 0x07; len = 4; }
  for (size_t k = 1; k < len; k++) cp = (cp << 6) | (s[*i + k] & 0x3F);
  *i += len;
  return cp;
}

static int put_u_escape(Enc *e, uint32_t u) {
  char buf[16];
  snprintf(buf, sizeof buf, "\\u%04x", (unsigned)(u & 0xFFFF));
  return out_put(e->ts, &e->out, buf, 6);
}

static int encode_char(Enc *e, uint32_t cp, const unsigned char *raw, size_t rawlen) {
  const char *esc = NULL;
  switch (cp) {
  case '"': esc = "\\\""; break;
  case '\\': esc = "\\\\"; break;
  case '\n': esc = "\\n"; break;
  case '\r': esc = "\\r"; break;
  case '\t': esc = "\\t"; break;
  case '\b': esc = "\\b"; break;
  case '\f': esc = "\\f"; break;
  default: break;
  }
  if (esc) return out_cstr(e->ts, &e->out, esc);
  if (cp < 0x20 || (e->ensure_ascii && cp >= 0x7F)) {
    if (cp < 0x10000) return put_u_escape(e, cp);
    uint32_t v = cp - 0x10000;
    if (put_u_escape(e, 0xD800 | (v >> 10)) < 0) return -1;
    return put_u_escape(e, 0xDC00 | (v & 0x3FF));
  }
  return out_put(e->ts, &e->out, (const char *)raw, rawlen);
}

static int encode_str(Enc *e, Obj *str) {
  StrObj *s = (StrObj *)str;
  const unsigned char *d = (const unsigned char *)s->data;
  if (out_put(e->ts, &e->out, "\"", 1) < 0) return -1;
  for (size_t i = 0; i < s->size;) {
    size_t start = i;
    uint32_t cp = utf8_next(d, &i);
    if (encode_char(e, cp, d + start, i - start) < 0) return -1;
  }
  return out_put(e->ts, &e->out, "\"", 1);
}

static int encode_float(Enc *e, double f) {
  if (!isfinite(f)) {
    if (!e->allow_nan)
      return vm_raise(e->ts, &ValueError_Type, "Out of range float values are not JSON compliant");
    return out_cstr(e->ts, &e->out, isnan(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
  }
  char buf[64];
  float_repr(f, buf, sizeof buf);
  return out_cstr(e->ts, &e->out, buf);
}

static int encode_value(Enc *e, Value v);

static int newline_indent(Enc *e) {
  if (!e->indent) return 0;
  if (out_put(e->ts, &e->out, "\n", 1) < 0) return -1;
  for (int i = 0; i < e->level; i++)
    if (out_cstr(e->ts, &e->out, e->indent) < 0) return -1;
  return 0;
}

static int enter(Enc *e, Obj *o) {
  for (int i = 0; i < e->depth; i++)
    if (e->stack[i] == o) return vm_raise(e->ts, &ValueError_Type, "Circular reference detected");
  if (e->depth == (int)(sizeof e->stack / sizeof e->stack[0]))
    return vm_raise(e->ts, &RecursionError_Type, "maximum recursion depth exceeded while encoding a JSON object");
  e->stack[e->depth++] = o;
  e->level++;
  return newline_indent(e);
}

static int leave(Enc *e, const char *close) {
  e->depth--;
  e->level--;
  if (newline_indent(e) < 0) return -1;
  return out_cstr(e->ts, &e->out, close);
}

static int encode_array(Enc *e, Obj *o, const Value *items, size_t n) {
  if (n == 0) return out_cstr(e->ts, &e->out, "[]");
  if (out_put(e->ts, &e->out, "[", 1) < 0 || enter(e, o) < 0) return -1;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && (out_cstr(e->ts, &e->out, e->item_sep) < 0 || newline_indent(e) < 0)) return -1;
    if (encode_value(e, items[i]) < 0) return -1;
  }
  return leave(e, "]");
}

/* A dict key as JSON text: 1 written, 0 skipped (skipkeys), -1 error. */
static int encode_key(Enc *e, Value k) {
  const char *lit = NULL;
  char buf[64];
  if (v_is_type(k, &StrType)) return encode_str(e, k.as.o) < 0 ? -1 : 1;
  if (v_is_float(k)) {
    if (isfinite(k.as.f)) float_repr(k.as.f, buf, sizeof buf);
    else snprintf(buf, sizeof buf, "%s", isnan(k.as.f) ? "NaN" : k.as.f > 0 ? "Infinity" : "-Infinity");
    lit = buf;
  } else if (v_is_bool(k)) {
    lit = k.as.i ? "true" : "false";
  } else if (v_is_none(k)) {
    lit = "null";
  } else if (v_is_int(k)) {
    snprintf(buf, sizeof buf, "%lld", (long long)k.as.i);
    lit = buf;
  } else if (e->skipkeys) {
    return 0;
  } else {
    return vm_raise(e->ts, &TypeError_Type, "keys must be str, int, float, bool or None, not %s",
                    v_type(k)->name);
  }
  if (out_put(e->ts, &e->out, "\"", 1) < 0 || out_cstr(e->ts, &e->out, lit) < 0) return -1;
  return out_put(e->ts, &e->out, "\"", 1) < 0 ? -1 : 1;
}

/* sorted(d.items()) order: sort the keys with list.sort. */
static int sorted_keys(Enc *e, Value dict, Obj **out) {
  if (vm_to_list(e->ts, dict, out) < 0) return -1;
  const MethodDef *sort = vm_find_method(v_obj(*out), str_intern("sort"));
  Value res;
  if (!sort) return 0;
  if (sort->fn(e->ts, v_obj(*out), NULL, 0, NULL, &res) < 0) {
    obj_decref(*out);
    return -1;
  }
  v_decref(res);
  return 0;
}

static int encode_pair(Enc *e, Value k, Value v, bool *first) {
  size_t mark = e->out.len;
  if (!*first && (out_cstr(e->ts, &e->out, e->item_sep) < 0 || newline_indent(e) < 0)) return -1;
  int r = encode_key(e, k);
  if (r <= 0) {
    e->out.len = mark; /* skipped key: undo its separator */
    return r;
  }
  *first = false;
  if (out_cstr(e->ts, &e->out, e->key_sep) < 0) return -1;
  return encode_value(e, v);
}

static int encode_dict(Enc *e, Value dict) {
  DictObj *d = as_dict(dict);
  if (d->used == 0) return out_cstr(e->ts, &e->out, "{}");
  if (out_put(e->ts, &e->out, "{", 1) < 0 || enter(e, dict.as.o) < 0) return -1;
  bool first = true;
  int rc = 0;
  if (e->sort_keys) {
    Obj *keys;
    if (sorted_keys(e, dict, &keys) < 0) return -1;
    ListObj *l = (ListObj *)keys;
    for (size_t i = 0; i < l->len && rc >= 0; i++) {
      Value v;
      rc = dict_get(e->ts, dict.as.o, l->items[i], &v);
      if (rc > 0) {
        rc = encode_pair(e, l->items[i], v, &first);
        v_decref(v);
      }
    }
    obj_decref(keys);
  } else {
    for (size_t i = 0; i < d->nentries && rc >= 0; i++) {
      if (v_is_undef(d->entries[i].key)) continue;
      rc = encode_pair(e, d->entries[i].key, d->entries[i].value, &first);
    }
  }
  if (rc < 0) return -1;
  return leave(e, "}");
}

static int encode_other(Enc *e, Value v) {
  if (v_is_undef(e->default_fn) || v_is_none(e->default_fn))
    return vm_raise(e->ts, &TypeError_Type, "Object of type %s is not JSON serializable",
                    v_type(v)->name);
  /* default() may return the same object again: that is a cycle too. */
  for (int i = 0; v_is_obj(v) && i < e->depth; i++)
    if (e->stack[i] == v.as.o) return vm_raise(e->ts, &ValueError_Type, "Circular reference detected");
  if (e->depth == (int)(sizeof e->stack / sizeof e->stack[0]))
    return vm_raise(e->ts, &RecursionError_Type, "maximum recursion depth exceeded");
  e->stack[e->depth++] = v_is_obj(v) ? v.as.o : NULL;
  Value r;
  int rc = vm_call(e->ts, e->default_fn, &v, 1, NULL, &r);
  if (rc == 0) {
    rc = encode_value(e, r);
    v_decref(r);
  }
  e->depth--;
  return rc;
}

static int encode_value(Enc *e, Value v) {
  switch (v.tag) {
  case T_NONE: return out_cstr(e->ts, &e->out, "null");
  case T_BOOL: return out_cstr(e->ts, &e->out, v.as.i ? "true" : "false");
  case T_INT: {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v.as.i);
    return out_cstr(e->ts, &e->out, buf);
  }
  case T_FLOAT: return encode_float(e, v.as.f);
  default: break;
  }
  Type *t = v_type(v);
  if (t == &StrType) return encode_str(e, v.as.o);
  if (t == &ListType) return encode_array(e, v.as.o, as_list(v)->items, as_list(v)->len);
  if (t == &TupleType) return encode_array(e, v.as.o, as_tuple(v)->items, as_tuple(v)->len);
  if (t == &DictType) return encode_dict(e, v);
  return encode_other(e, v);
}

/* ---- dumps arguments ----------------------------------------------------------------------- */

static const char *const dumps_names[] = {"obj",    "skipkeys",   "ensure_ascii", "check_circular",
                                          "allow_nan", "cls",     "indent",       "separators",
                                          "default", "sort_keys"};
#define NDUMPS 10

static int opt_bool(TState *ts, Value v, bool dflt, bool *out) {
  if (v_is_undef(v)) {
    *out = dflt;
    return 0;
  }
  int t = vm_truthy(ts, v);
  if (t < 0) return -1;
  *out = t;
  return 0;
}

/* indent: None, an int (that many spaces) or a str. */
static int make_indent(TState *ts, Value v, char **out) {
  *out = NULL;
  if (v_is_undef(v) || v_is_none(v)) return 0;
  if (v_is_type(v, &StrType)) {
    *out = strdup(as_str(v)->data);
  } else if (v_is_int(v)) {
    int64_t n = v.as.i < 0 ? 0 : v.as.i;
    if (n > 4096) n = 4096;
    *out = malloc((size_t)n + 1);
    if (*out) {
      memset(*out, ' ', (size_t)n);
      (*out)[n] = 0;
    }
  } else {
    return vm_raise(ts, &TypeError_Type, "can't multiply sequence by non-int of type '%s'",
                    v_type(v)->name);
  }
  return *out ? 0 : vm_raise_nomem(ts);
}

static int set_separators(Enc *e, Value seps) {
  e->item_sep = e->indent ? "," : ", ";
  e->key_sep = ": ";
  if (v_is_undef(seps) || v_is_none(seps)) return 0;
  Value a, b;
  if ((v_is_type(seps, &TupleType) && as_tuple(seps)->len == 2)) {
    a = as_tuple(seps)->items[0];
    b = as_tuple(seps)->items[1];
  } else if (v_is_type(seps, &ListType) && as_list(seps)->len == 2) {
    a = as_list(seps)->items[0];
    b = as_list(seps)->items[1];
  } else {
    return vm_raise(e->ts, &ValueError_Type, "too many values to unpack (expected 2)");
  }
  if (!v_is_type(a, &StrType) || !v_is_type(b, &StrType))
    return vm_raise(e->ts, &TypeError_Type, "make_encoder() argument 6 must be str, not %s",
                    v_type(v_is_type(a, &StrType) ? b : a)->name);
  e->item_sep = as_str(a)->data;
  e->key_sep = as_str(b)->data;
  return 0;
}

static int dumps_to_str(TState *ts, const char *fname, const Value *a, Value *out) {
  Enc e = {.ts = ts, .default_fn = a[8]};
  char *indent = NULL;
  int rc = -1;
  if (opt_bool(ts, a[1], false, &e.skipkeys) < 0 || opt_bool(ts, a[2], true, &e.ensure_ascii) < 0 ||
      opt_bool(ts, a[4], true, &e.allow_nan) < 0 || opt_bool(ts, a[9], false, &e.sort_keys) < 0 ||
      make_indent(ts, a[6], &indent) < 0)
    return -1;
  (void)fname;
  e.indent = indent;
  if (set_separators(&e, a[7]) == 0 && encode_value(&e, a[0]) == 0) {
    Obj *s = str_new(ts, e.out.data ? e.out.data : "", e.out.len);
    if (s) {
      *out = v_obj(s);
      rc = 0;
    }
  }
  free(e.out.data);
  free(indent);
  return rc;
}

static int jm_dumps(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  Value a[NDUMPS];
  if (vm_parse_args(ts, "dumps", args, nargs, kwargs, dumps_names, NDUMPS, 1, 1, a) < 0) return -1;
  return dumps_to_str(ts, "dumps", a, out);
}

/* json.dump(obj, fp, **kw): dumps then fp.write. */
static int jm_dump(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  if (nargs < 2)
    return vm_raise(ts, &TypeError_Type, "dump() missing %d required positional argument%s",
                    2 - nargs, nargs == 1 ? ": 'fp'" : "s: 'obj' and 'fp'");
  if (nargs > 2)
    return vm_raise(ts, &TypeError_Type, "dump() takes 2 positional arguments but %d were given",
                    nargs);
  Value a[NDUMPS];
  if (vm_parse_args(ts, "dump", args, 1, kwargs, dumps_names, NDUMPS, 1, 1, a) < 0) return -1;
  Value s;
  if (dumps_to_str(ts, "dump", a, &s) < 0) return -1;
  int rc = file_write_str(ts, args[1], s);
  v_decref(s);
  if (rc < 0) return -1;
  *out = v_none();
  return 0;
}

/* ---- loads ------------------------------------------------------------------------------------ */

static int from_json(TState *ts, json_t *j, Value *out, int depth);

static int from_json_array(TState *ts, json_t *j, Value *out, int depth) {
  Obj *list = list_new(ts, 0);
  if (!list) return -1;
  size_t i;
  json_t *item;
  json_array_foreach(j, i, item) {
    Value v;
    int rc = from_json(ts, item, &v, depth + 1);
    if (rc == 0) {
      rc = list_append(ts, list, v);
      v_decref(v);
    }
    if (rc < 0) {
      obj_decref(list);
      return -1;
    }
  }
  *out = v_obj(list);
  return 0;
}

static int from_json_object(TState *ts, json_t *j, Value *out, int depth) {
  Obj *d = dict_new(ts);
  if (!d) return -1;
  const char *key;
  size_t klen;
  json_t *val;
  void *tmp;
  json_object_keylen_foreach_safe(j, tmp, key, klen, val) {
    Value v;
    Obj *k = str_new(ts, key, klen);
    int rc = k ? from_json(ts, val, &v, depth + 1) : -1;
    if (rc == 0) {
      rc = dict_set(ts, d, v_obj(k), v);
      v_decref(v);
    }
    obj_xdecref(k);
    if (rc < 0) {
      obj_decref(d);
      return -1;
    }
  }
  *out = v_obj(d);
  return 0;
}

static int from_json(TState *ts, json_t *j, Value *out, int depth) {
  if (depth > ts->interp->recursion_limit)
    return vm_raise(ts, &RecursionError_Type, "maximum recursion depth exceeded while decoding a JSON document");
  switch (json_typeof(j)) {
  case JSON_OBJECT: return from_json_object(ts, j, out, depth);
  case JSON_ARRAY: return from_json_array(ts, j, out, depth);
  case JSON_STRING: {
    Obj *s = str_new(ts, json_string_value(j), json_string_length(j));
    if (!s) return -1;
    *out = v_obj(s);
    return 0;
  }
  case JSON_INTEGER: *out = v_int(json_integer_value(j)); return 0;
  case JSON_REAL: *out = v_float(json_real_value(j)); return 0;
  case JSON_TRUE: *out = v_bool(true); return 0;
  case JSON_FALSE: *out = v_bool(false); return 0;
  default: *out = v_none(); return 0;
  }
}

/* CPython raises json.JSONDecodeError (a ValueError) worded after what it
 * expected, at the offending character; jansson words it differently and
 * points after the offending token ("... near 'tok'"). Translate its
 * common cases: the token's start is the position minus its length. */
static const char *decode_error_what(const json_error_t *err, const char *text, size_t pos,
                                     bool at_eof) {
  if (json_error_code(err) == json_error_end_of_input_expected) return "Extra data";
  if (strstr(err->text, "string or '}' expected")) return "Expecting property name enclosed in double quotes";
  if (strstr(err->text, "':' expected")) return "Expecting ':' delimiter";
  if (strstr(err->text, "premature end of input near '\"")) return "Unterminated string starting at";
  if (strstr(err->text, "']' expected") || strstr(err->text, "'}' expected")) {
    /* At the end after "[1," a value is missing; after "[1" a comma. */
    size_t i = pos;
    while (at_eof && i > 0 && strchr(" \t\r\n", text[i - 1])) i--;
    if (at_eof && i > 0 && (text[i - 1] == ',' || text[i - 1] == '[' || text[i - 1] == ':'))
      return "Expecting value";
    return "Expecting ',' delimiter";
  }
  return "Expecting value";
}

static int raise_decode_error(TState *ts, const json_error_t *err, const char *text, size_t n) {
  size_t pos = (size_t)err->position;
  const char *near = strstr(err->text, "near '");
  bool at_eof = !near;
  if (near) {
    size_t toklen = strlen(near + 6);
    if (toklen > 0) toklen--; /* the closing quote */
    pos = pos >= toklen ? pos - toklen : 0;
  }
  if (pos > n) pos = n;
  const char *what = decode_error_what(err, text, pos, at_eof);
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < pos; i++)
    if (text[i] == '\n') {
      line++;
      line_start = i + 1;
    }
  return vm_raise(ts, &ValueError_Type, "%s: line %d column %zu (char %zu)", what, line,
                  pos - line_start + 1, pos);
}

static int loads_text(TState *ts, const char *text, size_t n, Value *out) {
  json_error_t err;
  json_t *j = json_loadb(text, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
  if (!j) return raise_decode_error(ts, &err, text, n);
  int rc = from_json(ts, j, out, 0);
  json_decref(j);
  return rc;
}

static int jm_loads(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  static const char *const names[] = {"s"};
  Value a[1];
  if (vm_parse_args(ts, "loads", args, nargs, kwargs, names, 1, 1, 1, a) < 0) return -1;
  if (v_is_type(a[0], &StrType)) return loads_text(ts, as_str(a[0])->data, as_str(a[0])->size, out);
  if (v_is_type(a[0], &BytesType))
    return loads_text(ts, (const char *)((BytesObj *)a[0].as.o)->data,
                      ((BytesObj *)a[0].as.o)->size, out);
  return vm_raise(ts, &TypeError_Type, "the JSON object must be str, bytes or bytearray, not %s",
                  v_type(a[0])->name);
}

static int jm_load(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  static const char *const names[] = {"fp"};
  Value a[1], read, text;
  if (vm_parse_args(ts, "load", args, nargs, kwargs, names, 1, 1, 1, a) < 0) return -1;
  if (vm_getattr(ts, a[0], str_intern("read"), &read) < 0) return -1;
  int rc = vm_call(ts, read, NULL, 0, NULL, &text);
  v_decref(read);
  if (rc < 0) return -1;
  rc = jm_loads(ts, v_none(), &text, 1, NULL, out);
  v_decref(text);
  return rc;
}

static const MethodDef json_functions[] = {
    {"dumps", jm_dumps}, {"loads", jm_loads}, {"dump", jm_dump}, {"load", jm_load},
    {NULL, NULL},
};

static int json_init(TState *ts, Obj *m) {
  if (module_add_functions(ts, m, json_functions) < 0) return -1;
  /* json.JSONDecodeError: ValueError until the VM has a subclass for it. */
  return module_add(ts, m, "JSONDecodeError", v_obj(&ValueError_Type.ob));
}

const NativeModuleDef mod_json_def = {"json", json_init};
