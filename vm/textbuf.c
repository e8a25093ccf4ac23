/*
 * textbuf.c - growable byte buffer and UTF-8 helpers (see textbuf.h).
 */
#include "textbuf.h"

#include <stdlib.h>
#include <string.h>

void tb_init(TextBuf *b) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->oom = false;
}

void tb_free(TextBuf *b) {
  free(b->data);
  tb_init(b);
}

static bool tb_reserve(TextBuf *b, size_t extra) {
  if (b->oom) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  size_t ncap = b->cap ? b->cap : 64;
  while (ncap < b->len + extra + 1) {
    if (ncap > SIZE_MAX / 2) { b->oom = true; return false; }
    ncap *= 2;
  }
  char *nd = realloc(b->data, ncap);
  if (!nd) { b->oom = true; return false; }
  b->data = nd;
  b->cap = ncap;
  return true;
}

void tb_put(TextBuf *b, const void *s, size_t n) {
  if (n == 0 || !tb_reserve(b, n)) return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

void tb_putc(TextBuf *b, char c) { tb_put(b, &c, 1); }
void tb_puts(TextBuf *b, const char *s) { tb_put(b, s, strlen(s)); }

void tb_put_cp(TextBuf *b, uint32_t cp) {
  char tmp[4];
  tb_put(b, tmp, tb_utf8_encode(cp, tmp));
}

void tb_repeat(TextBuf *b, const char *s, size_t n, size_t times) {
  if (times == 0 || n == 0) return;
  if (times > SIZE_MAX / n || !tb_reserve(b, n * times)) { b->oom = true; return; }
  for (size_t i = 0; i < times; i++) tb_put(b, s, n);
}

int64_t tb_find(const void *hay, size_t from, size_t to, const void *needle, size_t nn,
                bool reverse) {
  const char *h = hay;
  if (to < from || to - from < nn) return -1;
  if (!reverse) {
    if (nn == 0) return (int64_t)from;
    const char *p = memmem(h + from, to - from, needle, nn);
    return p ? p - h : -1;
  }
  for (size_t i = to - nn + 1; i-- > from;)
    if (memcmp(h + i, needle, nn) == 0) return (int64_t)i;
  return -1;
}

void tb_put_padded(TextBuf *b, const void *s, size_t n, int64_t len, int64_t width, char kind,
                   const char *fill, size_t nfill) {
  int64_t marg = width - len;
  int64_t left = kind == 'l' ? 0 : kind == 'r' ? marg : marg / 2 + (marg & width & 1);
  tb_repeat(b, fill, nfill, (size_t)left);
  tb_put(b, s, n);
  tb_repeat(b, fill, nfill, (size_t)(marg - left));
}

void tb_put_zfilled(TextBuf *b, const char *s, size_t n, size_t zeros) {
  size_t skip = 0;
  if (n > 0 && (s[0] == '+' || s[0] == '-')) {
    tb_putc(b, s[0]);
    skip = 1;
  }
  tb_repeat(b, "0", 1, zeros);
  tb_put(b, s + skip, n - skip);
}

void tb_put_value_str(TextBuf *b, Value strv) {
  StrObj *s = as_str(strv);
  tb_put(b, s->data, s->size);
}

Obj *tb_finish_str(TState *ts, TextBuf *b) {
  if (b->oom) { tb_free(b); vm_raise_nomem(ts); return NULL; }
  Obj *o = str_new(ts, b->data ? b->data : "", b->len);
  tb_free(b);
  return o;
}

Obj *tb_finish_bytes(TState *ts, TextBuf *b) {
  if (b->oom) { tb_free(b); vm_raise_nomem(ts); return NULL; }
  Obj *o = bytes_new(ts, b->data ? b->data : "", b->len);
  tb_free(b);
  return o;
}

uint32_t tb_utf8_next(const char *s, size_t *pos) {
  const unsigned char *p = (const unsigned char *)s + *pos;
  uint32_t c = p[0];
  if (c < 0x80) { *pos += 1; return c; }
  if (c < 0xE0) { *pos += 2; return ((c & 0x1F) << 6) | (p[1] & 0x3F); }
  if (c < 0xF0) {
    *pos += 3;
    return ((c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  }
  *pos += 4;
  return ((c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
         ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

size_t tb_utf8_encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

size_t tb_cp_offset(const StrObj *s, int64_t index) {
  if (s->ascii) return (size_t)index;
  size_t pos = 0;
  for (int64_t i = 0; i < index && pos < s->size; i++) tb_utf8_next(s->data, &pos);
  return pos;
}

int64_t tb_utf8_count(const char *s, size_t nbytes) {
  int64_t n = 0;
  for (size_t i = 0; i < nbytes; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
  return n;
}

bool tb_is_space(uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}
