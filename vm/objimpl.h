/*
 * objimpl.h - helpers the core object files (int.c, float.c, str.c, list.c,
 * tuple.c, dict.c, range.c, abstract.c, interp.c) share with each other.
 * The contract for everyone else is object.h; this is the core's own.
 */
#ifndef GILD_OBJIMPL_H
#define GILD_OBJIMPL_H

#include "object.h"

/* int.c */
int64_t int_hash(int64_t x);
int64_t int_floordiv(int64_t a, int64_t b);
int64_t int_mod(int64_t a, int64_t b);
int int_binop_ints(TState *ts, BinOp op, int64_t a, int64_t b, Value *out);
int int_parse(TState *ts, const char *s, size_t n, int base, int64_t *out);
int float_to_int(TState *ts, double d, Value *out);
int num_compare_result(int c, int op);
extern Obj NotImplemented_Obj;

/* float.c */
int64_t float_hash(double d);
int float_binop_doubles(TState *ts, BinOp op, double a, double b, Value *out);
/* Parses a float literal as float() does; false if invalid. */
bool float_parse(const char *s, size_t n, double *out);

/* str.c */
Obj *str_concat(TState *ts, Obj *a, Obj *b);
int64_t str_hash(Obj *s);
bool str_eq(Obj *a, Obj *b);
/* Repr of raw UTF-8 with CPython's quote choice, appended to a builder. */
int str_repr_raw(TState *ts, const char *s, size_t n, Value *out);
/* Byte offset of code point i (0 <= i <= length). */
size_t str_offset(StrObj *s, size_t i);
Obj *str_substr(TState *ts, StrObj *s, size_t start_cp, size_t end_cp);
Obj *str_from_codepoint(TState *ts, uint32_t cp);
/* Decodes one UTF-8 code point at s, returns its length in bytes. */
int utf8_decode(const unsigned char *s, uint32_t *cp);
int utf8_encode(uint32_t cp, char *out);

/* A growable byte buffer for building strings. */
typedef struct StrBuf {
  char *data;
  size_t len, cap;
} StrBuf;
int sb_init(TState *ts, StrBuf *b, size_t cap);
int sb_add(TState *ts, StrBuf *b, const char *s, size_t n);
int sb_addc(TState *ts, StrBuf *b, char c);
int sb_adds(TState *ts, StrBuf *b, const char *s);
int sb_add_str(TState *ts, StrBuf *b, Value strv); /* a str Value */
Obj *sb_finish(TState *ts, StrBuf *b);             /* new str; frees the buffer */
void sb_free(StrBuf *b);

/* Slices: resolves a slice object against a length like CPython's
 * PySlice_AdjustIndices. SliceObj lives in abstract.c. */
typedef struct SliceObj {
  Obj ob;
  Value start, stop, step;
} SliceObj;
extern Type SliceType;
Obj *slice_new(TState *ts, Value start, Value stop, Value step);
int slice_indices(TState *ts, Obj *slice, int64_t len, int64_t *start, int64_t *stop,
                  int64_t *step, int64_t *slicelen);
/* Normalises a sequence index (negative from the end); -1 + IndexError if
 * out of range; `what` names the sequence ("list", "tuple", "string"). */
int seq_index(TState *ts, Value key, int64_t len, const char *what, int64_t *out);
int index_value(TState *ts, Value v, int64_t *out); /* int or bool -> int64, else TypeError */

/* Iterator over the builtin sequences (list, tuple, str, range, dict keys,
 * values, items) by position: IteratorType. */
enum { IT_LIST, IT_TUPLE, IT_STR, IT_RANGE, IT_DICT_KEYS, IT_DICT_VALUES, IT_DICT_ITEMS,
       IT_BYTES, IT_SEQ };
Obj *seqiter_new(TState *ts, int kind, Value seq);

/* tuple.c, list.c */
Obj *tuple_from_array(TState *ts, const Value *items, size_t n);
Obj *list_from_array(TState *ts, const Value *items, size_t n);
int list_extend(TState *ts, Obj *list, Value iterable);
void list_reverse(Obj *list); /* in place: list.reverse(), and rsplit's pieces */
int seq_repr(TState *ts, const Value *items, size_t n, const char *open, const char *close,
             Value *out);
int seq_compare(TState *ts, const Value *a, size_t na, const Value *b, size_t nb, int op,
                Value *out);
/* `+` of two sequences of `type` and `*` of one and an int (either way
 * round): a new one from `make` (len items to fill), whose items and length
 * `items` reads; *out undefined for other operands. list and tuple. */
int seq_binop(TState *ts, BinOp op, Value a, Value b, Type *type,
              Obj *(*make)(TState *, size_t), Value *(*items)(Value, size_t *), Value *out);

/* dict.c */
int dict_get_hashed(TState *ts, Obj *dict, Value key, int64_t hash, Value *out);
int64_t dict_lookup_str_index(Obj *dict, Obj *strkey); /* entry index or -1; no error */
int dict_update(TState *ts, Obj *dict, Value other); /* mapping or iterable of pairs */
/* Iterates entries: *pos starts at 0; returns false at the end. Borrowed. */
bool dict_next(Obj *dict, size_t *pos, Value *key, Value *value);
Obj *dict_copy(TState *ts, Obj *dict);

/* types.c */
Obj *type_lookup_method(Type *t, Obj *name); /* borrowed BuiltinObj, NULL */

/* module.c, import.c */
int vm_import(TState *ts, Obj *name, int fromlist, Value *out);
Obj *module_dict(Obj *module);

/* interp_state.c */
Obj *interp_builtin(TState *ts, const char *name); /* borrowed */

#endif
