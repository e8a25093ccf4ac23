/*
 * textbuf.h - a growable byte buffer and UTF-8 helpers shared by the object
 * surface (str methods, bytes, formatting, reprs of sets and views).
 *
 * Building a result in a TextBuf and turning it into a str or bytes at the
 * end keeps each method to one allocation of the final object. Out of
 * memory is remembered in the buffer (`oom`) so callers can append freely
 * and check once, when they finish.
 */
#ifndef GILD_TEXTBUF_H
#define GILD_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "object.h"

typedef struct TextBuf {
  char *data;
  size_t len, cap;
  bool oom;
} TextBuf;

void tb_init(TextBuf *b);
void tb_free(TextBuf *b);
void tb_put(TextBuf *b, const void *s, size_t n);
void tb_putc(TextBuf *b, char c);
void tb_puts(TextBuf *b, const char *s);
void tb_put_cp(TextBuf *b, uint32_t cp);        /* one code point as UTF-8 */
void tb_repeat(TextBuf *b, const char *s, size_t n, size_t times);
void tb_put_value_str(TextBuf *b, Value strv);  /* appends a str object's bytes */
/* Finish: a new str/bytes from the contents (the buffer is freed either
 * way). NULL with MemoryError raised when anything failed. */
Obj *tb_finish_str(TState *ts, TextBuf *b);
Obj *tb_finish_bytes(TState *ts, TextBuf *b);

/* UTF-8. Strings are valid UTF-8 by construction (str_new's contract). */
uint32_t tb_utf8_next(const char *s, size_t *pos);  /* decodes at *pos, advances */
size_t tb_utf8_encode(uint32_t cp, char out[4]);
/* Byte offset of code point `index` (0 <= index <= length) in a str. */
size_t tb_cp_offset(const StrObj *s, int64_t index);
/* Number of code points in s[0..nbytes). */
int64_t tb_utf8_count(const char *s, size_t nbytes);

/* Byte offset of needle[0..nn) in hay[from..to), searching from the left or
 * the right; -1 if absent. str and bytes search alike: UTF-8 is
 * self-synchronising, so a byte match of valid UTF-8 is a code point match. */
int64_t tb_find(const void *hay, size_t from, size_t to, const void *needle, size_t nn,
                bool reverse);
/* ljust/rjust/center ('l', 'r', 'c'): s[0..n), of `len` characters, padded
 * with `fill` (one character of nfill bytes) to `width` > len characters;
 * CPython's rounding for center. */
void tb_put_padded(TextBuf *b, const void *s, size_t n, int64_t len, int64_t width, char kind,
                   const char *fill, size_t nfill);
/* zfill: s[0..n) with `zeros` '0's after its sign, if any. */
void tb_put_zfilled(TextBuf *b, const char *s, size_t n, size_t zeros);

/* Python's str.isspace() set of code points. */
bool tb_is_space(uint32_t cp);

/* Simple case mappings, codec names and slice bounds, defined in str_methods.c and shared
 * with bytes.c. tb_codec_name: "utf-8", "ascii", "latin-1" or NULL. */
uint32_t tb_cp_lower(uint32_t c);
uint32_t tb_cp_upper(uint32_t c);
const char *tb_codec_name(const char *name);
/* The optional start/end arguments args[at], args[at+1] of find, count,
 * startswith... as bounds in [0, len], clamped like CPython's ADJUST_INDICES;
 * TypeError for a bound that is not an int or None. */
int tb_slice_bounds(TState *ts, const Value *args, int nargs, int at, int64_t len, int64_t *s,
                    int64_t *e);

#endif
