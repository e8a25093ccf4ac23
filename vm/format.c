/*
 * format.c - the three ways Python turns values into formatted text:
 *
 *   vm_format          format(value, spec) / f"{x:spec}": the format-spec
 *                      mini-language for int, bool, float and str;
 *   format_percent     "fmt" % args (printf-style);
 *   format_str_format  "fmt".format(*args, **kwargs).
 *
 * Everything here is written to reproduce CPython 3.11 byte for byte,
 * error messages included, so the structure follows CPython's
 * Python/formatter_unicode.c: parse the spec, split a number into sign,
 * prefix, digits and "remainder" (fraction, exponent, '%'), then pad.
 * Float digits come from the C library's printf, which rounds correctly
 * (glibc), and from float_repr for the shortest round-trip form.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "object.h"
#include "textbuf.h"
#include "vm.h"

/* ---- the format spec ------------------------------------------------------ */

typedef struct Spec {
  uint32_t fill;
  char align;      /* '<', '>', '^', '=' */
  char sign;       /* 0, '+', '-', ' ' */
  bool no_neg_zero;/* 'z' */
  bool alt;        /* '#' */
  int64_t width;   /* -1: none */
  char grouping;   /* 0, ',', '_' */
  int group_size;  /* 3, or 4 for '_' with b/o/x/X */
  int64_t precision; /* -1: none */
  char type;       /* 0: none */
} Spec;

static bool is_align(uint32_t c) { return c == '<' || c == '>' || c == '^' || c == '='; }

/* Reads a run of decimal digits; returns how many were consumed. */
static size_t read_int(const char *s, size_t n, size_t *pos, int64_t *out) {
  size_t start = *pos;
  int64_t v = 0;
  while (*pos < n && s[*pos] >= '0' && s[*pos] <= '9') {
    if (v < INT64_MAX / 16) v = v * 10 + (s[*pos] - '0');
    (*pos)++;
  }
  *out = v;
  return *pos - start;
}

static int bad_grouping(TState *ts, char sep, char type) {
  if (type > 32 && type < 127)
    return vm_raise(ts, &ValueError_Type, "Cannot specify '%c' with '%c'.", sep, type);
  return vm_raise(ts, &ValueError_Type, "Cannot specify '%c' with '\\x%x'.", sep,
                  (unsigned)(unsigned char)type);
}

/* CPython's parse_internal_render_format_spec, step for step. */
static int parse_spec(TState *ts, const char *s, size_t n, char default_align,
                      char default_type, const char *tname, Spec *sp) {
  memset(sp, 0, sizeof *sp);
  sp->fill = ' ';
  sp->align = default_align;
  sp->width = sp->precision = -1;
  sp->group_size = 3;
  sp->type = default_type; /* 's' for str, so that ',' is refused there */
  size_t pos = 0;
  bool fill_given = false, align_given = false;
  /* A fill character may be any code point, so decode the first one. */
  if (n > 0) {
    size_t p1 = 0;
    uint32_t c0 = tb_utf8_next(s, &p1);
    if (p1 < n && is_align((unsigned char)s[p1])) {
      sp->fill = c0;
      sp->align = s[p1];
      fill_given = align_given = true;
      pos = p1 + 1;
    } else if (is_align(c0)) {
      sp->align = (char)c0;
      align_given = true;
      pos = 1;
    }
  }
  if (pos < n && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) sp->sign = s[pos++];
  if (pos < n && s[pos] == 'z') { sp->no_neg_zero = true; pos++; }
  if (pos < n && s[pos] == '#') { sp->alt = true; pos++; }
  if (!fill_given && pos < n && s[pos] == '0') {
    sp->fill = '0';
    if (!align_given && default_align == '>') sp->align = '=';
    pos++;
  }
  if (read_int(s, n, &pos, &sp->width) == 0) sp->width = -1;
  if (pos < n && s[pos] == ',') { sp->grouping = ','; pos++; }
  if (pos < n && s[pos] == '_') {
    if (sp->grouping) return vm_raise(ts, &ValueError_Type, "Cannot specify both ',' and '_'.");
    sp->grouping = '_';
    pos++;
  }
  if (pos < n && s[pos] == ',' && sp->grouping == '_')
    return vm_raise(ts, &ValueError_Type, "Cannot specify both ',' and '_'.");
  if (pos < n && s[pos] == '.') {
    pos++;
    if (read_int(s, n, &pos, &sp->precision) == 0)
      return vm_raise(ts, &ValueError_Type, "Format specifier missing precision");
  }
  if (n - pos > 1)
    return vm_raise(ts, &ValueError_Type,
                    "Invalid format specifier '%.*s' for object of type '%s'", (int)n, s, tname);
  if (n - pos == 1) sp->type = s[pos];
  if (sp->grouping) {
    switch (sp->type) {
    case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
      break;
    case 'b': case 'o': case 'x': case 'X':
      if (sp->grouping == '_') { sp->group_size = 4; break; }
      return bad_grouping(ts, sp->grouping, sp->type);
    default:
      return bad_grouping(ts, sp->grouping, sp->type);
    }
  }
  return 0;
}

static int unknown_code(TState *ts, char type, const char *tname) {
  if (type > 32 && type < 127)
    return vm_raise(ts, &ValueError_Type, "Unknown format code '%c' for object of type '%s'",
                    type, tname);
  return vm_raise(ts, &ValueError_Type,
                  "Unknown format code '\\x%x' for object of type '%s'",
                  (unsigned)(unsigned char)type, tname);
}

static void put_fill(TextBuf *b, uint32_t fill, int64_t count) {
  char enc[4];
  size_t n = tb_utf8_encode(fill, enc);
  if (count > 0) tb_repeat(b, enc, n, (size_t)count);
}

/* ---- numbers: sign, prefix, grouped digits, remainder, padding ------------ */

/* Writes `digits` with separators every `group` digits (group 0: none),
 * zero-extended until the grouped text is at least `min_width` long, as
 * CPython's _PyUnicode_InsertThousandsGrouping does (it never starts with
 * a separator, so '08,' of 1234 gives '0,001,234'). */
static void put_grouped(TextBuf *b, const char *digits, int64_t n, char sep, int group,
                        int64_t min_width) {
  if (group == 0) {
    if (min_width > n) tb_repeat(b, "0", 1, (size_t)(min_width - n));
    tb_put(b, digits, (size_t)n);
    return;
  }
  /* Build right to left into a scratch buffer, then copy it out. */
  size_t cap = (size_t)(n + (min_width > 0 ? min_width : 0)) * 2 + 8;
  char *tmp = malloc(cap);
  if (!tmp) { b->oom = true; return; }
  size_t at = cap;
  int64_t remaining = n, minw = min_width;
  bool use_sep = false;
  for (;;) {
    int64_t l = remaining > minw ? remaining : minw;
    if (l < 1) l = 1;
    if (l > group) l = group;
    int64_t zeros = l - remaining > 0 ? l - remaining : 0;
    int64_t chars = remaining < l ? remaining : l;
    if (chars < 0) chars = 0;
    if (use_sep) tmp[--at] = sep;
    at -= (size_t)chars;
    memcpy(tmp + at, digits + remaining - chars, (size_t)chars);
    for (int64_t z = 0; z < zeros; z++) tmp[--at] = '0';
    use_sep = true;
    remaining -= chars;
    minw -= l;
    if (remaining <= 0 && minw <= 0) break;
    minw -= 1;
  }
  tb_put(b, tmp + at, cap - at);
  free(tmp);
}

static int64_t grouped_len(const char *digits, int64_t n, char sep, int group, int64_t minw) {
  TextBuf t;
  tb_init(&t);
  put_grouped(&t, digits, n, sep, group, minw);
  int64_t len = (int64_t)t.len;
  tb_free(&t);
  return len;
}

typedef struct NumParts {
  const char *sign;      /* "", "-", "+", " " */
  const char *prefix;    /* "", "0x", ... */
  const char *digits;    /* the integer digits (ASCII), or a 'c' character */
  int64_t ndigits;       /* bytes */
  int64_t digits_cps;    /* code points (differs only for 'c') */
  const char *rem;       /* ".5e+10%" and the like */
  int64_t nrem;
} NumParts;

/* CPython's calc_number_widths + fill_number. */
static void put_number(TextBuf *b, const Spec *sp, const NumParts *np) {
  int64_t nsign = (int64_t)strlen(np->sign), npre = (int64_t)strlen(np->prefix);
  int64_t nonpad = nsign + npre + np->nrem;
  int64_t min_width = 0;
  char sep = sp->grouping == '_' ? '_' : ',';
  int group = sp->grouping ? sp->group_size : 0;
  if (sp->fill == '0' && sp->align == '=') min_width = sp->width - nonpad;
  int64_t ngrouped = 0;
  if (np->ndigits > 0) {
    if (group == 0)
      ngrouped = np->digits_cps > min_width ? np->digits_cps : min_width;
    else
      ngrouped = grouped_len(np->digits, np->ndigits, sep, group, min_width);
  } else {
    min_width = 0;
  }
  int64_t pad = sp->width - (nonpad + ngrouped);
  int64_t lpad = 0, rpad = 0, spad = 0;
  if (pad > 0) {
    switch (sp->align) {
    case '<': rpad = pad; break;
    case '^': lpad = pad / 2; rpad = pad - lpad; break;
    case '=': spad = pad; break;
    default: lpad = pad; break;
    }
  }
  put_fill(b, sp->fill, lpad);
  tb_puts(b, np->sign);
  tb_puts(b, np->prefix);
  put_fill(b, sp->fill, spad);
  if (np->ndigits > 0) {
    if (group == 0 && min_width > np->digits_cps)
      tb_repeat(b, "0", 1, (size_t)(min_width - np->digits_cps));
    if (group == 0)
      tb_put(b, np->digits, (size_t)np->ndigits);
    else
      put_grouped(b, np->digits, np->ndigits, sep, group, min_width);
  }
  tb_put(b, np->rem, (size_t)np->nrem);
  put_fill(b, sp->fill, rpad);
}

static const char *sign_for(bool negative, char sign) {
  if (negative) return "-";
  if (sign == '+') return "+";
  if (sign == ' ') return " ";
  return "";
}

/* ---- float ---------------------------------------------------------------- */

static void strip_zeros(char *s) {
  /* Removes trailing zeros of a fraction, and the point if it is left bare. */
  char *dot = strchr(s, '.');
  if (!dot) return;
  char *end = s + strlen(s);
  while (end > dot + 1 && end[-1] == '0') end--;
  if (end == dot + 1) end = dot;
  *end = '\0';
}

/* printf into a fresh heap string, sized to fit ("%.300f" of 1e300 is long). */
static char *fmt_double(const char *fmt, int prec, double x) {
  int n = snprintf(NULL, 0, fmt, prec, x);
  char *s = malloc((size_t)n + 8);
  if (s) snprintf(s, (size_t)n + 1, fmt, prec, x);
  return s;
}

/* The type '' with a precision: like 'g', but switching to exponent form
 * one digit earlier and keeping a ".0" on integral results (CPython's
 * Py_DTSF_ADD_DOT_0 in format_float_short). */
static char *fmt_general_dot0(double x, int prec, bool alt) {
  if (prec == 0) prec = 1;
  char *e = fmt_double("%.*e", prec - 1, x);
  if (!e) return NULL;
  int exp10 = atoi(strchr(e, 'e') + 1);
  if (exp10 < -4 || exp10 >= prec - 1) {
    if (!alt) {
      char *ep = strchr(e, 'e');
      char tail[16];
      snprintf(tail, sizeof tail, "%s", ep);
      *ep = '\0';
      strip_zeros(e);
      strcat(e, tail);
    }
    return e;
  }
  free(e);
  char *f = fmt_double("%.*f", prec - 1 - exp10, x);
  if (!f) return NULL;
  if (!alt) strip_zeros(f);
  if (!strchr(f, '.')) strcat(f, ".0");
  return f;
}

/* Digits of |x| for a float presentation type; NULL on out of memory. */
static char *float_body(double x, char type, int64_t prec, bool alt) {
  char fmt[8] = "%.*";
  int p = (int)(prec > 100000 ? 100000 : prec);
  if (type == 'r') {
    char *s = malloc(40);
    if (s) float_repr(x, s, 40);
    return s;
  }
  if (type == 'R') return fmt_general_dot0(x, p, alt);
  if (alt) strcpy(fmt, "%#.*");
  size_t l = strlen(fmt);
  fmt[l] = type;
  fmt[l + 1] = '\0';
  return fmt_double(fmt, p, x);
}

static bool all_zero_digits(const char *s) {
  for (; *s && *s != 'e' && *s != 'E'; s++)
    if (*s >= '1' && *s <= '9') return false;
  return true;
}

static int format_float_spec(TState *ts, double x, const Spec *sp, TextBuf *b) {
  char type = sp->type;
  if (type && !strchr("eEfFgGn%", type)) return unknown_code(ts, type, "float");
  int64_t prec = sp->precision;
  bool pct = false;
  if (type == 0) type = prec < 0 ? 'r' : 'R';
  if (type == 'n') type = 'g';
  if (type == '%') { type = 'f'; x *= 100; pct = true; }
  if (prec < 0) prec = 6;
  bool neg = signbit(x) && !isnan(x);
  double ax = fabs(x);
  char *body;
  if (isinf(ax) || isnan(ax)) {
    bool upper = type == 'E' || type == 'F' || type == 'G';
    const char *w = isnan(ax) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    body = malloc(8);
    if (body) strcpy(body, w);
  } else {
    body = float_body(ax, type, prec, sp->alt);
  }
  if (!body) return vm_raise_nomem(ts);
  if (neg && sp->no_neg_zero && isfinite(x) && all_zero_digits(body)) neg = false;
  /* Split into leading digits and the rest, as CPython's parse_number. */
  size_t nd = 0;
  while (body[nd] >= '0' && body[nd] <= '9') nd++;
  TextBuf rem;
  tb_init(&rem);
  tb_puts(&rem, body + nd);
  if (pct) tb_putc(&rem, '%');
  NumParts np = {sign_for(neg, sp->sign), "", body, (int64_t)nd, (int64_t)nd,
                 rem.data ? rem.data : "", (int64_t)rem.len};
  put_number(b, sp, &np);
  tb_free(&rem);
  free(body);
  return 0;
}

/* ---- int ------------------------------------------------------------------ */

static int format_int_spec(TState *ts, int64_t v, const char *tname, const Spec *sp,
                           TextBuf *b) {
  char type = sp->type ? sp->type : 'd';
  switch (type) {
  case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
    return format_float_spec(ts, (double)v, sp, b);
  case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
    break;
  default:
    return unknown_code(ts, type, tname);
  }
  if (sp->precision >= 0)
    return vm_raise(ts, &ValueError_Type, "Precision not allowed in integer format specifier");
  if (sp->no_neg_zero)
    return vm_raise(ts, &ValueError_Type,
                    "Negative zero coercion (z) not allowed in integer format specifier");
  char digits[80];
  NumParts np = {"", "", digits, 0, 0, "", 0};
  if (type == 'c') {
    if (sp->sign)
      return vm_raise(ts, &ValueError_Type, "Sign not allowed with integer format specifier 'c'");
    if (sp->alt)
      return vm_raise(ts, &ValueError_Type,
                      "Alternate form (#) not allowed with integer format specifier 'c'");
    if (v < 0 || v > 0x10FFFF)
      return vm_raise(ts, &OverflowError_Type, "%%c arg not in range(0x110000)");
    np.ndigits = (int64_t)tb_utf8_encode((uint32_t)v, digits);
    np.digits_cps = 1;
    put_number(b, sp, &np);
    return 0;
  }
  uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  unsigned base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
  const char *alphabet = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  char rev[80];
  int n = 0;
  do { rev[n++] = alphabet[mag % base]; mag /= base; } while (mag);
  for (int i = 0; i < n; i++) digits[i] = rev[n - 1 - i];
  np.ndigits = np.digits_cps = n;
  np.sign = sign_for(v < 0, sp->sign);
  if (sp->alt && base != 10)
    np.prefix = type == 'b' ? "0b" : type == 'o' ? "0o" : type == 'x' ? "0x" : "0X";
  put_number(b, sp, &np);
  return 0;
}

/* ---- str ------------------------------------------------------------------ */

static int format_str_spec(TState *ts, StrObj *s, const Spec *sp, TextBuf *b) {
  if (sp->type && sp->type != 's') return unknown_code(ts, sp->type, "str");
  if (sp->sign)
    return vm_raise(ts, &ValueError_Type, "Sign not allowed in string format specifier");
  if (sp->no_neg_zero)
    return vm_raise(ts, &ValueError_Type,
                    "Negative zero coercion (z) not allowed in string format specifier");
  if (sp->alt)
    return vm_raise(ts, &ValueError_Type,
                    "Alternate form (#) not allowed in string format specifier");
  if (sp->align == '=')
    return vm_raise(ts, &ValueError_Type, "'=' alignment not allowed in string format specifier");
  int64_t len = (int64_t)s->length;
  if (sp->precision >= 0 && sp->precision < len) len = sp->precision;
  size_t nbytes = tb_cp_offset(s, len);
  int64_t pad = sp->width > len ? sp->width - len : 0;
  int64_t lpad = sp->align == '>' ? pad : sp->align == '^' ? pad / 2 : 0;
  put_fill(b, sp->fill, lpad);
  tb_put(b, s->data, nbytes);
  put_fill(b, sp->fill, pad - lpad);
  return 0;
}

/* ---- vm_format -------------------------------------------------------------- */

int vm_format(TState *ts, Value v, Obj *specobj, Value *out) {
  StrObj *spec = (StrObj *)specobj;
  size_t n = spec ? spec->size : 0;
  Type *t = v_type(v);
  bool is_str = v_is_obj(v) && type_is_subtype(t, &StrType);
  bool is_num = v_is_int(v) || v_is_bool(v) || v_is_float(v);
  if (n == 0 && !is_num) {
    if (is_str) { *out = v_incref(v); return 0; }
    return vm_str(ts, v, out);
  }
  if (n == 0 && (v_is_bool(v) || v_is_float(v))) return vm_str(ts, v, out);
  if (!is_str && !is_num)
    return vm_raise(ts, &TypeError_Type, "unsupported format string passed to %s.__format__",
                    t->name);
  Spec sp;
  const char *data = spec ? spec->data : "";
  if (parse_spec(ts, data, n, is_str ? '<' : '>', is_str ? 's' : 0, t->name, &sp) < 0) return -1;
  TextBuf b;
  tb_init(&b);
  int rc;
  if (is_str)
    rc = format_str_spec(ts, as_str(v), &sp, &b);
  else if (v_is_float(v))
    rc = format_float_spec(ts, v.as.f, &sp, &b);
  else
    rc = format_int_spec(ts, v.as.i, t->name, &sp, &b);
  if (rc < 0) { tb_free(&b); return -1; }
  Obj *res = tb_finish_str(ts, &b);
  if (!res) return -1;
  *out = v_obj(res);
  return 0;
}

/* ---- ascii() for !a and %a ------------------------------------------------- */

static int ascii_of(TState *ts, Value v, Value *out) {
  Value r = v_undef();
  if (vm_repr(ts, v, &r) < 0) return -1;
  StrObj *s = as_str(r);
  if (s->ascii) { *out = r; return 0; }
  TextBuf b;
  tb_init(&b);
  for (size_t pos = 0; pos < s->size;) {
    uint32_t cp = tb_utf8_next(s->data, &pos);
    char esc[16];
    if (cp < 0x80) { tb_putc(&b, (char)cp); continue; }
    if (cp < 0x100) snprintf(esc, sizeof esc, "\\x%02x", cp);
    else if (cp < 0x10000) snprintf(esc, sizeof esc, "\\u%04x", cp);
    else snprintf(esc, sizeof esc, "\\U%08x", cp);
    tb_puts(&b, esc);
  }
  v_decref(r);
  Obj *res = tb_finish_str(ts, &b);
  if (!res) return -1;
  *out = v_obj(res);
  return 0;
}

/* ---- printf-style: fmt % args ----------------------------------------------- */

typedef struct PctCtx {
  Value args;       /* the right operand, or the value a %(key) looked up */
  Value owned;      /* a looked-up value we hold a reference to */
  int64_t arglen;   /* -1: a single value */
  int64_t argidx;
  Value dict;       /* mapping for %(key), T_UNDEF if none */
} PctCtx;

static int pct_next_arg(TState *ts, PctCtx *c, Value *out) {
  if (c->argidx < c->arglen) {
    int64_t i = c->argidx++;
    *out = c->arglen < 0 ? c->args : as_tuple(c->args)->items[i];
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "not enough arguments for format string");
}

typedef struct PctSpec {
  bool left, zero, plus, space, alt;
  int64_t width, prec; /* -1: none */
} PctSpec;

/* Pads `body` (sign/prefix already split out) per printf flags. */
static void pct_put(TextBuf *b, const PctSpec *ps, const char *sign, const char *prefix,
                    const char *body, size_t nbody, int64_t body_cps, bool zero_ok) {
  int64_t len = (int64_t)(strlen(sign) + strlen(prefix)) + body_cps;
  int64_t pad = ps->width > len ? ps->width - len : 0;
  if (ps->left) {
    tb_puts(b, sign); tb_puts(b, prefix); tb_put(b, body, nbody);
    tb_repeat(b, " ", 1, (size_t)pad);
  } else if (ps->zero && zero_ok) {
    tb_puts(b, sign); tb_puts(b, prefix);
    tb_repeat(b, "0", 1, (size_t)pad);
    tb_put(b, body, nbody);
  } else {
    tb_repeat(b, " ", 1, (size_t)pad);
    tb_puts(b, sign); tb_puts(b, prefix); tb_put(b, body, nbody);
  }
}

static int pct_int(TState *ts, const PctSpec *ps, char type, Value v, TextBuf *b) {
  int64_t iv;
  if (v_is_int(v) || v_is_bool(v)) {
    iv = v.as.i;
  } else if (v_is_float(v) && (type == 'd' || type == 'i' || type == 'u')) {
    double d = v.as.f;
    if (isnan(d)) return vm_raise(ts, &ValueError_Type, "cannot convert float NaN to integer");
    if (isinf(d))
      return vm_raise(ts, &OverflowError_Type, "cannot convert float infinity to integer");
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0)
      return vm_raise(ts, &OverflowError_Type, "int too large to convert");
    iv = (int64_t)d;
  } else if (type == 'd' || type == 'i' || type == 'u') {
    return vm_raise(ts, &TypeError_Type, "%%%c format: a real number is required, not %s",
                    type, v_type(v)->name);
  } else {
    return vm_raise(ts, &TypeError_Type, "%%%c format: an integer is required, not %s", type,
                    v_type(v)->name);
  }
  uint64_t mag = iv < 0 ? (uint64_t)0 - (uint64_t)iv : (uint64_t)iv;
  unsigned base = type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
  const char *alphabet = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  char rev[80], digits[80 + 64];
  int n = 0;
  do { rev[n++] = alphabet[mag % base]; mag /= base; } while (mag);
  int zeros = ps->prec > n ? (int)(ps->prec > 64 + n ? 64 : ps->prec - n) : 0;
  int k = 0;
  for (int i = 0; i < zeros; i++) digits[k++] = '0';
  for (int i = 0; i < n; i++) digits[k++] = rev[n - 1 - i];
  const char *sign = iv < 0 ? "-" : ps->plus ? "+" : ps->space ? " " : "";
  const char *prefix = "";
  if (ps->alt && base == 8) prefix = "0o";
  if (ps->alt && type == 'x') prefix = "0x";
  if (ps->alt && type == 'X') prefix = "0X";
  pct_put(b, ps, sign, prefix, digits, (size_t)k, k, true);
  return 0;
}

static int pct_float(TState *ts, const PctSpec *ps, char type, Value v, TextBuf *b) {
  double d;
  if (v_is_float(v)) d = v.as.f;
  else if (v_is_int(v) || v_is_bool(v)) d = (double)v.as.i;
  else
    return vm_raise(ts, &TypeError_Type, "must be real number, not %s", v_type(v)->name);
  bool neg = signbit(d) && !isnan(d);
  double ax = fabs(d);
  char *body;
  if (isnan(ax) || isinf(ax)) {
    bool upper = type == 'E' || type == 'F' || type == 'G';
    body = malloc(8);
    if (body) strcpy(body, isnan(ax) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"));
  } else {
    body = float_body(ax, type, ps->prec < 0 ? 6 : ps->prec, ps->alt);
  }
  if (!body) return vm_raise_nomem(ts);
  const char *sign = neg ? "-" : ps->plus ? "+" : ps->space ? " " : "";
  pct_put(b, ps, sign, "", body, strlen(body), (int64_t)strlen(body), true);
  free(body);
  return 0;
}

static int pct_text(TState *ts, const PctSpec *ps, char type, Value v, TextBuf *b) {
  Value s = v_undef();
  int rc = type == 's' ? vm_str(ts, v, &s) : type == 'r' ? vm_repr(ts, v, &s) : ascii_of(ts, v, &s);
  if (rc < 0) return -1;
  StrObj *so = as_str(s);
  int64_t len = (int64_t)so->length;
  if (ps->prec >= 0 && ps->prec < len) len = ps->prec;
  pct_put(b, ps, "", "", so->data, tb_cp_offset(so, len), len, false);
  v_decref(s);
  return 0;
}

static int pct_char(TState *ts, const PctSpec *ps, Value v, TextBuf *b) {
  char enc[4];
  size_t n;
  if (v_is_int(v) || v_is_bool(v)) {
    if (v.as.i < 0 || v.as.i > 0x10FFFF)
      return vm_raise(ts, &OverflowError_Type, "%%c arg not in range(0x110000)");
    n = tb_utf8_encode((uint32_t)v.as.i, enc);
  } else if (v_is_type(v, &StrType) && as_str(v)->length == 1) {
    n = as_str(v)->size;
    memcpy(enc, as_str(v)->data, n);
  } else {
    return vm_raise(ts, &TypeError_Type, "%%c requires int or char");
  }
  pct_put(b, ps, "", "", enc, n, 1, false);
  return 0;
}

/* `*` in a width or precision takes the next argument, which must be an int. */
static int pct_star(TState *ts, PctCtx *c, int64_t *out) {
  Value a = v_undef();
  if (pct_next_arg(ts, c, &a) < 0) return -1;
  if (!v_is_int(a) && !v_is_bool(a)) return vm_raise(ts, &TypeError_Type, "* wants int");
  *out = a.as.i;
  return 0;
}

static int pct_key(TState *ts, PctCtx *c, const char *s, size_t n, size_t *pos) {
  if (v_is_undef(c->dict)) return vm_raise(ts, &TypeError_Type, "format requires a mapping");
  size_t start = ++*pos;
  int depth = 1;
  while (*pos < n && depth > 0) {
    if (s[*pos] == '(') depth++;
    else if (s[*pos] == ')') depth--;
    (*pos)++;
  }
  if (depth > 0) return vm_raise(ts, &ValueError_Type, "incomplete format key");
  Obj *key = str_new(ts, s + start, *pos - 1 - start);
  if (!key) return -1;
  Value val = v_undef();
  int rc = vm_getitem(ts, c->dict, v_obj(key), &val);
  obj_decref(key);
  if (rc < 0) return -1;
  v_set(&c->owned, val);
  c->args = val;
  c->arglen = -1;
  c->argidx = -2;
  return 0;
}

/* One conversion starting after the '%' at s[*pos]. */
static int pct_one(TState *ts, PctCtx *c, const char *s, size_t n, size_t *pos, TextBuf *b) {
  PctSpec ps = {false, false, false, false, false, -1, -1};
  if (*pos < n && s[*pos] == '(' && pct_key(ts, c, s, n, pos) < 0) return -1;
  for (; *pos < n; (*pos)++) {
    char f = s[*pos];
    if (f == '-') ps.left = true;
    else if (f == '+') ps.plus = true;
    else if (f == ' ') ps.space = true;
    else if (f == '#') ps.alt = true;
    else if (f == '0') ps.zero = true;
    else break;
  }
  if (*pos < n && s[*pos] == '*') {
    if (pct_star(ts, c, &ps.width) < 0) return -1;
    if (ps.width < 0) { ps.left = true; ps.width = -ps.width; }
    (*pos)++;
  } else {
    read_int(s, n, pos, &ps.width);
    if (ps.width == 0) ps.width = -1;
  }
  if (*pos < n && s[*pos] == '.') {
    (*pos)++;
    if (*pos < n && s[*pos] == '*') {
      if (pct_star(ts, c, &ps.prec) < 0) return -1;
      if (ps.prec < 0) ps.prec = 0;
      (*pos)++;
    } else {
      read_int(s, n, pos, &ps.prec);
    }
  }
  /* Length modifiers are accepted and ignored, as CPython does. */
  while (*pos < n && (s[*pos] == 'h' || s[*pos] == 'l' || s[*pos] == 'L')) (*pos)++;
  if (*pos >= n) return vm_raise(ts, &ValueError_Type, "incomplete format");
  size_t tpos = *pos;
  uint32_t type = tb_utf8_next(s, pos);
  Value arg = v_undef();
  if (pct_next_arg(ts, c, &arg) < 0) return -1;
  switch (type) {
  case 's': case 'r': case 'a': return pct_text(ts, &ps, (char)type, arg, b);
  case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
    return pct_int(ts, &ps, (char)type, arg, b);
  case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
    return pct_float(ts, &ps, (char)type, arg, b);
  case 'c': return pct_char(ts, &ps, arg, b);
  default:
    return vm_raise(ts, &ValueError_Type,
                    "unsupported format character '%.*s' (0x%x) at index %lld",
                    (int)(*pos - tpos), s + tpos, type, (long long)tb_utf8_count(s, tpos));
  }
}

/* A mapping for %(key): anything subscriptable that is not a tuple or str,
 * as CPython's PyMapping_Check (so a list counts, and silences the
 * "not all arguments converted" check). */
static bool pct_is_mapping(Value v) {
  if (!v_is_obj(v) || v_is_type(v, &TupleType) || v_is_type(v, &StrType)) return false;
  return v_type(v)->getitem != NULL;
}

int format_percent(TState *ts, Value fmt, Value args, Value *out) {
  StrObj *f = as_str(fmt);
  PctCtx c = {args, v_undef(), -1, -2, v_undef()};
  if (v_is_type(args, &TupleType)) { c.arglen = (int64_t)as_tuple(args)->len; c.argidx = 0; }
  if (pct_is_mapping(args)) c.dict = args;
  TextBuf b;
  tb_init(&b);
  size_t pos = 0;
  int rc = 0;
  while (pos < f->size && rc == 0) {
    const char *pct = memchr(f->data + pos, '%', f->size - pos);
    size_t stop = pct ? (size_t)(pct - f->data) : f->size;
    tb_put(&b, f->data + pos, stop - pos);
    pos = stop;
    if (pos >= f->size) break;
    pos++;
    if (pos < f->size && f->data[pos] == '%') { tb_putc(&b, '%'); pos++; continue; }
    rc = pct_one(ts, &c, f->data, f->size, &pos, &b);
  }
  if (rc == 0 && c.argidx < c.arglen && v_is_undef(c.dict))
    rc = vm_raise(ts, &TypeError_Type, "not all arguments converted during string formatting");
  v_decref(c.owned);
  if (rc < 0) { tb_free(&b); return -1; }
  Obj *res = tb_finish_str(ts, &b);
  if (!res) return -1;
  *out = v_obj(res);
  return 0;
}

/* ---- str.format ------------------------------------------------------------- */

typedef struct FmtCtx {
  const Value *args;
  int nargs;
  Obj *kwargs;
  int auto_idx;  /* next automatic index; -1 once manual numbering was used */
  bool manual;
} FmtCtx;

static bool all_digits(const char *s, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* The first part of a field name: an index, automatic, or a keyword. */
static int field_first(TState *ts, FmtCtx *c, const char *s, size_t n, Value *out) {
  if (n == 0 || all_digits(s, n)) {
    int64_t idx = 0;
    if (n == 0) {
      if (c->manual)
        return vm_raise(ts, &ValueError_Type,
                        "cannot switch from manual field specification to automatic field "
                        "numbering");
      idx = c->auto_idx++;
    } else {
      if (c->auto_idx > 0)
        return vm_raise(ts, &ValueError_Type,
                        "cannot switch from automatic field numbering to manual field "
                        "specification");
      c->manual = true;
      size_t p = 0;
      read_int(s, n, &p, &idx);
    }
    if (idx >= c->nargs)
      return vm_raise(ts, &IndexError_Type,
                      "Replacement index %lld out of range for positional args tuple",
                      (long long)idx);
    *out = v_incref(c->args[idx]);
    return 0;
  }
  Obj *key = str_new(ts, s, n);
  if (!key) return -1;
  int rc = 0;
  if (c->kwargs) rc = dict_get(ts, c->kwargs, v_obj(key), out);
  if (rc == 0) vm_raise_key_error(ts, v_obj(key));
  obj_decref(key);
  return rc == 1 ? 0 : -1;
}

/* Resolves "name.attr[key]..." to a value (new reference). */
static int field_value(TState *ts, FmtCtx *c, const char *s, size_t n, Value *out) {
  size_t i = 0;
  while (i < n && s[i] != '.' && s[i] != '[') i++;
  Value cur = v_undef();
  if (field_first(ts, c, s, i, &cur) < 0) return -1;
  while (i < n) {
    char kind = s[i++];
    size_t start = i;
    if (kind == '.') {
      while (i < n && s[i] != '.' && s[i] != '[') i++;
    } else {
      while (i < n && s[i] != ']') i++;
      if (i >= n) {
        v_decref(cur);
        return vm_raise(ts, &ValueError_Type, "Missing ']' in format string");
      }
    }
    if (i == start) {
      v_decref(cur);
      return vm_raise(ts, &ValueError_Type, "Empty attribute in format string");
    }
    Obj *name = str_new(ts, s + start, i - start);
    if (!name) { v_decref(cur); return -1; }
    Value next = v_undef();
    int rc;
    if (kind == '.') {
      rc = vm_getattr(ts, cur, name, &next);
    } else {
      Value key = v_obj(name);
      if (all_digits(s + start, i - start)) {
        int64_t k = 0;
        size_t p = 0;
        read_int(s + start, i - start, &p, &k);
        key = v_int(k);
      }
      rc = vm_getitem(ts, cur, key, &next);
      i++; /* the ']' */
    }
    obj_decref(name);
    v_decref(cur);
    if (rc < 0) return -1;
    cur = next;
  }
  *out = cur;
  return 0;
}

static int render(TState *ts, FmtCtx *c, const char *s, size_t n, int depth, TextBuf *b);

/* One replacement field, the text between its braces. */
static int render_field(TState *ts, FmtCtx *c, const char *s, size_t n, int depth,
                        TextBuf *b) {
  size_t i = 0;
  while (i < n && s[i] != '!' && s[i] != ':') {
    if (s[i] == '[') while (i < n && s[i] != ']') i++;
    if (i < n) i++;
  }
  size_t name_end = i;
  char conv = 0;
  if (i < n && s[i] == '!') {
    if (i + 1 >= n)
      return vm_raise(ts, &ValueError_Type,
                      "end of string while looking for conversion specifier");
    conv = s[i + 1];
    i += 2;
    if (i < n && s[i] != ':')
      return vm_raise(ts, &ValueError_Type, "expected ':' after conversion specifier");
  }
  const char *spec = i < n ? s + i + 1 : "";
  size_t nspec = i < n ? n - i - 1 : 0;
  Value v = v_undef();
  if (field_value(ts, c, s, name_end, &v) < 0) return -1;
  if (conv) {
    Value cv = v_undef();
    int rc;
    if (conv == 'r') rc = vm_repr(ts, v, &cv);
    else if (conv == 's') rc = vm_str(ts, v, &cv);
    else if (conv == 'a') rc = ascii_of(ts, v, &cv);
    else rc = vm_raise(ts, &ValueError_Type, "Unknown conversion specifier %c", conv);
    v_decref(v);
    if (rc < 0) return -1;
    v = cv;
  }
  /* The spec may itself hold fields ("{:{w}}"): render it first, one
   * level deeper (CPython allows two levels in all). */
  TextBuf sb;
  tb_init(&sb);
  if (memchr(spec, '{', nspec) || memchr(spec, '}', nspec)) {
    if (render(ts, c, spec, nspec, depth - 1, &sb) < 0) { tb_free(&sb); v_decref(v); return -1; }
  } else {
    tb_put(&sb, spec, nspec);
  }
  Obj *specobj = tb_finish_str(ts, &sb);
  if (!specobj) { v_decref(v); return -1; }
  Value r = v_undef();
  int rc = vm_format(ts, v, specobj, &r);
  obj_decref(specobj);
  v_decref(v);
  if (rc < 0) return -1;
  tb_put_value_str(b, r);
  v_decref(r);
  return 0;
}

static int render(TState *ts, FmtCtx *c, const char *s, size_t n, int depth, TextBuf *b) {
  if (depth <= 0) return vm_raise(ts, &ValueError_Type, "Max string recursion exceeded");
  size_t i = 0;
  while (i < n) {
    char ch = s[i];
    if (ch == '}') {
      if (i + 1 < n && s[i + 1] == '}') { tb_putc(b, '}'); i += 2; continue; }
      return vm_raise(ts, &ValueError_Type, "Single '}' encountered in format string");
    }
    if (ch != '{') { tb_putc(b, ch); i++; continue; }
    if (i + 1 < n && s[i + 1] == '{') { tb_putc(b, '{'); i += 2; continue; }
    if (i + 1 >= n)
      return vm_raise(ts, &ValueError_Type, "Single '{' encountered in format string");
    /* Find the matching '}', counting nested braces and skipping [...]. */
    size_t start = ++i;
    int count = 1;
    bool in_spec = false;
    while (i < n) {
      if (s[i] == ':') {
        in_spec = true;
      } else if (s[i] == '[' && !in_spec) {
        while (i < n && s[i] != ']') i++;
        if (i >= n) break;
      } else if (s[i] == '{') {
        count++;
      } else if (s[i] == '}' && --count == 0) {
        break;
      }
      i++;
    }
    if (count > 0) return vm_raise(ts, &ValueError_Type, "expected '}' before end of string");
    if (render_field(ts, c, s + start, i - start, depth, b) < 0) return -1;
    i++;
  }
  return 0;
}

int format_str_format(TState *ts, Obj *fmt, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  StrObj *f = (StrObj *)fmt;
  FmtCtx c = {args, nargs, kwargs, 0, false};
  TextBuf b;
  tb_init(&b);
  if (render(ts, &c, f->data, f->size, 2, &b) < 0) { tb_free(&b); return -1; }
  Obj *res = tb_finish_str(ts, &b);
  if (!res) return -1;
  *out = v_obj(res);
  return 0;
}
