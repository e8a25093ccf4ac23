/*
 * file.c - file objects: open() and sys.stdout / sys.stderr.
 *
 * A file object wraps a stdio FILE. Text mode (TextIOWrapper) reads and
 * writes str as UTF-8 and, like CPython's universal newlines, turns "\r\n"
 * and a lone "\r" read from the file into "\n"; binary mode
 * (BufferedReader/Writer/Random) reads and writes bytes.
 *
 * Every call that may block (open, read, write, flush, close) goes through
 * one of the io_* functions below and runs with the GIL released (issue 4),
 * so other threads run bytecode meanwhile. The rule there: nothing of the
 * VM is touched between vm_blocking_begin and vm_blocking_end. The FILE *
 * is copied out of the object first; bytes read go into a local malloc'd
 * buffer that becomes a str/bytes only once the GIL is back; bytes written
 * come from a str/bytes the caller holds (immutable, so its data cannot
 * change underneath); errors travel out as an errno and are raised after.
 *
 * Another thread may close() the file while this one reads it without the
 * GIL. So the object counts its calls in flight (`busy`, changed only under
 * the GIL) and close() with calls in flight only marks it closed: the last
 * call to finish does the fclose (file_io_leave).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdio_ext.h>
#include <sys/stat.h>

#include "file.h"
#include "vm.h"
#include "vm_gil.h"

typedef struct FileObj {
  Obj ob;
  FILE *fp;
  Obj *name; /* str */
  Obj *mode; /* str, as given to open() */
  bool readable, writable, binary, closed;
  bool std; /* sys.stdout / sys.stderr: static, never fclose'd */
  int busy; /* calls on fp running without the GIL (see the top of the file) */
} FileObj;

/* ---- the blocking calls -------------------------------------------------------------- */

static FILE *io_fopen(const char *path, const char *mode) { return fopen(path, mode); }
static size_t io_fread(void *buf, size_t n, FILE *fp) { return fread(buf, 1, n, fp); }
static ssize_t io_getline(char **line, size_t *cap, FILE *fp) { return getline(line, cap, fp); }
static int io_getc(FILE *fp) { return getc(fp); }
static size_t io_fwrite(const void *buf, size_t n, FILE *fp) { return fwrite(buf, 1, n, fp); }
static int io_fflush(FILE *fp) { return fflush(fp); }
static int io_fclose(FILE *fp) { return fclose(fp); }

/* Around every blocking call on f->fp: returns the FILE to use without the
 * GIL. */
static FILE *file_io_enter(TState *ts, FileObj *f) {
  f->busy++;
  vm_blocking_begin(ts);
  return f->fp;
}

static void file_io_leave(TState *ts, FileObj *f) {
  vm_blocking_end(ts);
  /* close() came while we were blocked: it left the fclose to the last call. */
  if (--f->busy == 0 && f->closed && f->fp && !f->std) {
    FILE *fp = f->fp;
    f->fp = NULL;
    vm_blocking_begin(ts);
    io_fclose(fp);
    vm_blocking_end(ts);
  }
}

/* ---- errors ------------------------------------------------------------------------------ */

static Type *oserror_type(int err) {
  switch (err) {
  case ENOENT: return &FileNotFoundError_Type;
  case EACCES:
  case EPERM: return &PermissionError_Type;
  case EISDIR: return &IsADirectoryError_Type;
  case ENOTDIR: return &NotADirectoryError_Type;
  case EEXIST: return &FileExistsError_Type;
  default: return &OSError_Type;
  }
}

/* OSError(errno, strerror, filename): errors.c prints it as CPython does,
 * "[Errno 2] No such file or directory: 'x'", and exposes errno, strerror
 * and filename. filename may be NULL. */
static int raise_oserror(TState *ts, int err, Obj *filename) {
  Obj *msg = str_from_cstr(ts, strerror(err));
  if (!msg) return -1;
  Obj *args = filename ? tuple_pack(ts, 3, v_int(err), v_obj(msg), v_obj(filename))
                       : tuple_pack(ts, 2, v_int(err), v_obj(msg));
  obj_decref(msg);
  if (!args) return -1;
  Obj *exc = exc_new(ts, oserror_type(err), args);
  obj_decref(args);
  if (!exc) return -1;
  vm_raise_value(ts, v_obj(exc));
  obj_decref(exc);
  return -1;
}

static int check_open(TState *ts, FileObj *f, const char *binary_op) {
  if (!f->closed) return 0;
  if (f->binary && binary_op)
    return vm_raise(ts, &ValueError_Type, "%s closed file", binary_op);
  return vm_raise(ts, &ValueError_Type, "I/O operation on closed file.");
}

/* CPython raises io.UnsupportedOperation (an OSError and a ValueError). */
static int check_readable(TState *ts, FileObj *f, const char *binary_op) {
  if (check_open(ts, f, binary_op) < 0) return -1;
  if (!f->readable) return vm_raise(ts, &OSError_Type, f->binary ? "read" : "not readable");
  return 0;
}

static int check_writable(TState *ts, FileObj *f) {
  if (check_open(ts, f, "write to") < 0) return -1;
  if (!f->writable) return vm_raise(ts, &OSError_Type, f->binary ? "write" : "not writable");
  return 0;
}

/* ---- decoding -------------------------------------------------------------------------- */

/* Universal newlines: "\r\n" and "\r" become "\n", in place; new length. */
static size_t translate_newlines(char *s, size_t n) {
  size_t w = 0;
  for (size_t r = 0; r < n; r++) {
    if (s[r] == '\r') {
      s[w++] = '\n';
      if (r + 1 < n && s[r + 1] == '\n') r++;
    } else {
      s[w++] = s[r];
    }
  }
  return w;
}

static size_t utf8_seq_len(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c < 0xE0) return 2;
  if (c >= 0xE0 && c < 0xF0) return 3;
  if (c >= 0xF0 && c < 0xF5) return 4;
  return 0;
}

/* Returns the offset of the first byte that is not valid UTF-8, or n. */
static size_t utf8_invalid_at(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t len = utf8_seq_len((unsigned char)s[i]);
    if (len == 0 || i + len > n) return i;
    for (size_t k = 1; k < len; k++)
      if (((unsigned char)s[i + k] & 0xC0) != 0x80) return i;
    i += len;
  }
  return n;
}

static size_t utf8_count(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* Bytes read from the file -> str (text) or bytes (binary). Takes buf. */
static int make_result(TState *ts, FileObj *f, char *buf, size_t n, Value *out) {
  Obj *o;
  if (f->binary) {
    o = bytes_new(ts, buf, n);
  } else {
    n = translate_newlines(buf, n);
    size_t bad = utf8_invalid_at(buf, n);
    if (bad < n) {
      int b = (unsigned char)buf[bad];
      free(buf);
      return vm_raise(ts, &UnicodeDecodeError_Type,
                      "'utf-8' codec can't decode byte 0x%02x in position %zu: invalid %s", b,
                      bad, utf8_seq_len((unsigned char)b) ? "continuation byte" : "start byte");
    }
    o = str_new(ts, buf, n);
  }
  free(buf);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

/* ---- reading --------------------------------------------------------------------------- */

typedef struct Buf {
  char *data;
  size_t len, cap;
} Buf;

/* Grows b for `extra` more bytes; 0 or ENOMEM. Used without the GIL, so it
 * raises nothing. */
static int buf_reserve(Buf *b, size_t extra) {
  if (b->len + extra <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra) cap *= 2;
  char *d = realloc(b->data, cap);
  if (!d) return ENOMEM;
  b->data = d;
  b->cap = cap;
  return 0;
}

/* A stream error after a short read: its errno, and the stream usable again. */
static int io_error(FILE *fp) {
  if (!ferror(fp)) return 0;
  int err = errno ? errno : EIO;
  clearerr(fp);
  return err;
}

/* Without the GIL: everything up to end of file. 0 or an errno. */
static int io_read_all(FILE *fp, Buf *b) {
  errno = 0;
  for (;;) {
    if (buf_reserve(b, 65536)) return ENOMEM;
    size_t got = io_fread(b->data + b->len, b->cap - b->len, fp);
    b->len += got;
    if (got == 0) break;
  }
  return io_error(fp);
}

/* Without the GIL: text read(n) is n characters, so keep reading until the
 * decoded (and newline-translated) text holds n code points and ends on a
 * complete one. 0 or an errno. */
static int io_read_chars(FILE *fp, size_t n, Buf *b) {
  errno = 0;
  for (;;) {
    size_t have = utf8_count(b->data, b->len);
    size_t crs = 0; /* a "\r\n" pair is one character */
    for (size_t i = 0; i + 1 < b->len; i++) crs += b->data[i] == '\r' && b->data[i + 1] == '\n';
    have -= crs;
    size_t want = have < n ? n - have : 0;
    /* An incomplete trailing sequence needs its continuation bytes. */
    size_t tail = 0;
    for (size_t i = b->len; i > 0 && i + 4 > b->len; i--) {
      size_t len = utf8_seq_len((unsigned char)b->data[i - 1]);
      if (((unsigned char)b->data[i - 1] & 0xC0) != 0x80) {
        if (len > b->len - (i - 1)) tail = len - (b->len - (i - 1));
        break;
      }
    }
    if (want == 0 && tail == 0) break;
    size_t need = want > tail ? want : tail;
    if (buf_reserve(b, need + 1)) return ENOMEM;
    size_t got = io_fread(b->data + b->len, need, fp);
    b->len += got;
    if (got == 0) break;
  }
  /* A trailing "\r" might be the first half of "\r\n". */
  if (b->len && b->data[b->len - 1] == '\r') {
    int c = io_getc(fp);
    if (c == '\n') b->data[b->len++] = '\n';
    else if (c != EOF) ungetc(c, fp);
  }
  return io_error(fp);
}

/* Turns what a read left in b (and its errno) into the result or the
 * exception; takes b's memory. GIL held. */
static int read_result(TState *ts, FileObj *f, Buf *b, int err, Value *out) {
  if (err) {
    free(b->data);
    return err == ENOMEM ? vm_raise_nomem(ts) : raise_oserror(ts, err, NULL);
  }
  if (!b->data && !(b->data = malloc(1))) return vm_raise_nomem(ts);
  return make_result(ts, f, b->data, b->len, out);
}

static int read_all(TState *ts, FileObj *f, Value *out) {
  Buf b = {0};
  FILE *fp = file_io_enter(ts, f);
  int err = io_read_all(fp, &b);
  file_io_leave(ts, f);
  return read_result(ts, f, &b, err, out);
}

static int read_n(TState *ts, FileObj *f, size_t n, Value *out) {
  Buf b = {0};
  if (buf_reserve(&b, n + 2)) return vm_raise_nomem(ts);
  int err;
  FILE *fp = file_io_enter(ts, f);
  if (f->binary) {
    errno = 0;
    b.len = io_fread(b.data, n, fp);
    err = io_error(fp);
  } else {
    err = io_read_chars(fp, n, &b);
  }
  file_io_leave(ts, f);
  return read_result(ts, f, &b, err, out);
}

static int file_read(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  static const char *const names[] = {"/size"};
  Value a[1];
  if (vm_parse_args(ts, "read", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (check_readable(ts, f, "read of") < 0) return -1;
  if (v_is_undef(a[0]) || v_is_none(a[0]) || (v_is_int(a[0]) && a[0].as.i < 0))
    return read_all(ts, f, out);
  if (!v_is_int(a[0]))
    return vm_raise(ts, &TypeError_Type, "argument should be integer or None, not '%s'",
                    v_type(a[0])->name);
  return read_n(ts, f, (size_t)a[0].as.i, out);
}

/* One line including its "\n"; an empty result at end of file. */
static int read_line(TState *ts, FileObj *f, Value *out) {
  Buf b = {0};
  FILE *fp = file_io_enter(ts, f);
  errno = 0;
  ssize_t n = io_getline(&b.data, &b.cap, fp);
  int err = n < 0 ? io_error(fp) : 0;
  file_io_leave(ts, f);
  b.len = n < 0 ? 0 : (size_t)n;
  /* A "\r" at the end of a line read up to "\n" is handled by the
   * translation; a lone "\r" inside is a line break CPython would split on
   * (not split here: a known gap for old-Mac files). */
  return read_result(ts, f, &b, err, out);
}

static int file_readline(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  static const char *const names[] = {"/size"};
  Value a[1];
  if (vm_parse_args(ts, "readline", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (check_readable(ts, f, "readline of") < 0) return -1;
  return read_line(ts, f, out);
}

static int file_readlines(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  static const char *const names[] = {"/hint"};
  Value a[1];
  if (vm_parse_args(ts, "readlines", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (check_readable(ts, f, NULL) < 0) return -1;
  Obj *list = list_new(ts, 0);
  if (!list) return -1;
  for (;;) {
    Value line;
    int64_t len;
    if (read_line(ts, f, &line) < 0 || vm_len(ts, line, &len) < 0) {
      obj_decref(list);
      return -1;
    }
    int rc = len ? list_append(ts, list, line) : 0;
    v_decref(line);
    if (rc < 0) {
      obj_decref(list);
      return -1;
    }
    if (!len) break;
  }
  *out = v_obj(list);
  return 0;
}

/* ---- writing, flushing, closing ----------------------------------------------------------- */

/* Most writes only copy into stdio's buffer. Releasing the GIL for those
 * would make every print() a switch point: a printing thread would queue
 * behind a CPU-bound one for a whole interval per call, where CPython's own
 * buffered streams release only when they really write(2). So a write that
 * fits in the buffer (and, line-buffered, has no newline) is done here
 * under the GIL; the stream lock is only tried, never waited for, so a
 * thread blocked in a write on the same stream sends us to the slow path. */
static bool write_buffered(FILE *fp, const void *data, size_t n) {
  if (ftrylockfile(fp) != 0) return false;
  size_t size = __fbufsize(fp);
  bool fits = size > 0 && __fpending(fp) + n < size && !(__flbf(fp) && memchr(data, '\n', n));
  if (fits) fits = fwrite_unlocked(data, 1, n, fp) == n;
  funlockfile(fp);
  return fits;
}

static int write_bytes(TState *ts, FileObj *f, const void *data, size_t n) {
  if (!n || write_buffered(f->fp, data, n)) return 0;
  FILE *fp = file_io_enter(ts, f);
  int err = 0;
  if (io_fwrite(data, n, fp) != n) {
    err = errno ? errno : EIO;
    clearerr(fp);
  }
  file_io_leave(ts, f);
  return err ? raise_oserror(ts, err, NULL) : 0;
}

static int file_write(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  static const char *const names[] = {"/s"};
  Value a[1];
  if (vm_parse_args(ts, "write", args, nargs, kwargs, names, 1, 1, 1, a) < 0) return -1;
  if (check_writable(ts, f) < 0) return -1;
  if (f->binary) {
    if (!v_is_type(a[0], &BytesType))
      return vm_raise(ts, &TypeError_Type, "a bytes-like object is required, not '%s'",
                      v_type(a[0])->name);
    BytesObj *b = (BytesObj *)a[0].as.o;
    if (write_bytes(ts, f, b->data, b->size) < 0) return -1;
    *out = v_int((int64_t)b->size);
    return 0;
  }
  if (!v_is_type(a[0], &StrType))
    return vm_raise(ts, &TypeError_Type, "write() argument must be str, not %s",
                    v_type(a[0])->name);
  StrObj *s = as_str(a[0]);
  if (write_bytes(ts, f, s->data, s->size) < 0) return -1;
  *out = v_int((int64_t)s->length);
  return 0;
}

static int flush_file(TState *ts, FileObj *f) {
  if (check_open(ts, f, "flush of") < 0) return -1;
  /* Nothing pending: no system call, no reason to let the GIL go. */
  if (!f->writable || __fpending(f->fp) == 0) return 0;
  FILE *fp = file_io_enter(ts, f);
  int err = io_fflush(fp) != 0 ? errno : 0;
  file_io_leave(ts, f);
  return err ? raise_oserror(ts, err, NULL) : 0;
}

static int file_flush(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)args;
  if (vm_parse_args(ts, "flush", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (flush_file(ts, (FileObj *)self.as.o) < 0) return -1;
  *out = v_none();
  return 0;
}

/* Closing sys.stdout/sys.stderr only flushes them (they stay usable for the
 * runtime's own output). */
static int flush_std(TState *ts, FileObj *f) {
  FILE *fp = file_io_enter(ts, f);
  int err = io_fflush(fp) != 0 ? errno : 0;
  file_io_leave(ts, f);
  return err ? raise_oserror(ts, err, NULL) : 0;
}

/* ts is NULL from the deallocator, which runs with the GIL held and cannot
 * raise: there the fclose blocks with the GIL (close() explicitly, or use
 * `with`, to avoid that). */
static int close_file(TState *ts, FileObj *f) {
  if (f->closed) return 0;
  f->closed = true;
  if (f->std) return !ts || __fpending(f->fp) == 0 ? (fflush(f->fp), 0) : flush_std(ts, f);
  /* Calls in flight on fp: the last one closes it (file_io_leave). */
  if (f->busy) return 0;
  FILE *fp = f->fp;
  f->fp = NULL;
  if (!ts) {
    io_fclose(fp);
    return 0;
  }
  vm_blocking_begin(ts);
  int err = io_fclose(fp) != 0 ? errno : 0;
  vm_blocking_end(ts);
  return err ? raise_oserror(ts, err, NULL) : 0;
}

static int file_close(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  if (vm_parse_args(ts, "close", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (close_file(ts, (FileObj *)self.as.o) < 0) return -1;
  *out = v_none();
  return 0;
}

static int file_enter(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)args;
  (void)nargs;
  (void)kwargs;
  if (check_open(ts, (FileObj *)self.as.o, NULL) < 0) return -1;
  *out = v_incref(self);
  return 0;
}

static int file_exit(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)args;
  (void)nargs;
  (void)kwargs;
  if (close_file(ts, (FileObj *)self.as.o) < 0) return -1;
  *out = v_none();
  return 0;
}

static int file_tell(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  if (vm_parse_args(ts, "tell", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (check_open(ts, f, NULL) < 0) return -1;
  long pos = ftell(f->fp);
  if (pos < 0) return raise_oserror(ts, errno, NULL);
  *out = v_int(pos);
  return 0;
}

static int file_seek(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  static const char *const names[] = {"/cookie", "/whence"};
  Value a[2];
  if (vm_parse_args(ts, "seek", args, nargs, kwargs, names, 2, 2, 1, a) < 0) return -1;
  if (check_open(ts, f, NULL) < 0) return -1;
  int64_t whence = v_is_undef(a[1]) ? SEEK_SET : a[1].as.i;
  if (!v_is_int(a[0]) || (!v_is_undef(a[1]) && !v_is_int(a[1])))
    return vm_raise(ts, &TypeError_Type, "an integer is required");
  if (fseek(f->fp, (long)a[0].as.i, (int)whence) != 0) return raise_oserror(ts, errno, NULL);
  *out = v_int(ftell(f->fp));
  return 0;
}

static int file_fileno(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  if (vm_parse_args(ts, "fileno", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (check_open(ts, f, NULL) < 0) return -1;
  *out = v_int(fileno(f->fp));
  return 0;
}

static const MethodDef file_methods[] = {
    {"read", file_read},     {"readline", file_readline}, {"readlines", file_readlines},
    {"write", file_write},   {"flush", file_flush},       {"close", file_close},
    {"__enter__", file_enter}, {"__exit__", file_exit},   {"tell", file_tell},
    {"seek", file_seek},     {"fileno", file_fileno},     {NULL, NULL},
};

/* ---- the type's slots ----------------------------------------------------------------------- */

static void file_dealloc(Obj *self) {
  FileObj *f = (FileObj *)self;
  close_file(NULL, f);
  obj_xdecref(f->name);
  obj_xdecref(f->mode);
  vm_free_obj(self);
}

static int file_repr(TState *ts, Value self, Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  Value name, mode;
  if (vm_repr(ts, v_obj(f->name), &name) < 0) return -1;
  Obj *s;
  if (f->binary) {
    s = str_fmt(ts, "<_io.%s name=%s>", f->ob.type->name, as_str(name)->data);
  } else if (vm_repr(ts, v_obj(f->mode), &mode) == 0) {
    s = str_fmt(ts, "<_io.TextIOWrapper name=%s mode=%s encoding='UTF-8'>", as_str(name)->data,
                as_str(mode)->data);
    v_decref(mode);
  } else {
    s = NULL;
  }
  v_decref(name);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int file_iter(TState *ts, Value self, Value *out) {
  if (check_open(ts, (FileObj *)self.as.o, NULL) < 0) return -1;
  *out = v_incref(self);
  return 0;
}

static int file_next(TState *ts, Value self, Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  if (check_readable(ts, f, "readline of") < 0) return -1;
  int64_t len;
  if (read_line(ts, f, out) < 0) return -1;
  if (vm_len(ts, *out, &len) < 0) return -1;
  if (len) return 1;
  v_decref(*out);
  return 0;
}

/* Attributes first, then the methods (looked up here, so these types need
 * no method_dict built for them). */
static int file_getattr(TState *ts, Value self, Obj *name, Value *out) {
  FileObj *f = (FileObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "closed") == 0) {
    *out = v_bool(f->closed);
    return 0;
  }
  if (strcmp(n, "name") == 0 || strcmp(n, "mode") == 0) {
    *out = v_obj(n[0] == 'n' ? f->name : f->mode);
    obj_incref(out->as.o);
    return 0;
  }
  if (strcmp(n, "encoding") == 0 && !f->binary) {
    Obj *s = str_from_cstr(ts, "UTF-8");
    if (!s) return -1;
    *out = v_obj(s);
    return 0;
  }
  for (const MethodDef *d = file_methods; d->name; d++) {
    if (strcmp(d->name, n) == 0) {
      Obj *m = builtin_new(ts, d, self, NULL);
      if (!m) return -1;
      *out = v_obj(m);
      return 0;
    }
  }
  return vm_raise(ts, &AttributeError_Type, "'%s' object has no attribute '%s'",
                  f->ob.type->name, n);
}

#define FILE_TYPE(var, tname)                                                                \
  Type var = {                                                                               \
      .ob = {IMMORTAL_REFCNT, &TypeType},                                                    \
      .name = tname,                                                                         \
      .flags = TF_ITERATOR,                                                                  \
      .dealloc = file_dealloc,                                                               \
      .repr = file_repr,                                                                     \
      .iter = file_iter,                                                                     \
      .next = file_next,                                                                     \
      .getattr = file_getattr,                                                               \
      .methods = file_methods,                                                               \
  }

FILE_TYPE(TextIOWrapperType, "TextIOWrapper");
FILE_TYPE(BufferedReaderType, "BufferedReader");
FILE_TYPE(BufferedWriterType, "BufferedWriter");
FILE_TYPE(BufferedRandomType, "BufferedRandom");

/* ---- open() ----------------------------------------------------------------------------------- */

typedef struct Mode {
  char stdio[4];
  bool readable, writable, binary;
} Mode;

/* Validates mode as io.open does, with its messages. */
static int parse_mode(TState *ts, const char *mode, Mode *m) {
  int rwax = 0, plus = 0, b = 0, t = 0;
  char kind = 0;
  for (const char *p = mode; *p; p++) {
    if (!strchr("rwaxbt+", *p) || strchr(p + 1, *p))
      return vm_raise(ts, &ValueError_Type, "invalid mode: '%s'", mode);
    if (strchr("rwax", *p)) {
      rwax++;
      kind = *p;
    }
    plus += *p == '+';
    b += *p == 'b';
    t += *p == 't';
  }
  if (b && t) return vm_raise(ts, &ValueError_Type, "can't have text and binary mode at once");
  if (rwax > 1)
    return vm_raise(ts, &ValueError_Type, "must have exactly one of create/read/write/append mode");
  if (rwax == 0)
    return vm_raise(ts, &ValueError_Type,
                    "Must have exactly one of create/read/write/append mode and at most one plus");
  m->binary = b;
  m->readable = kind == 'r' || plus;
  m->writable = kind != 'r' || plus;
  snprintf(m->stdio, sizeof m->stdio, "%s%s", kind == 'x' ? "wx" : (char[]){kind, 0},
           plus ? "+" : "");
  if (kind == 'x' && plus) snprintf(m->stdio, sizeof m->stdio, "w+x");
  return 0;
}

static Type *file_type_for(const Mode *m) {
  if (!m->binary) return &TextIOWrapperType;
  if (m->readable && m->writable) return &BufferedRandomType;
  return m->readable ? &BufferedReaderType : &BufferedWriterType;
}

static int check_encoding(TState *ts, Value enc, const Mode *m) {
  if (v_is_undef(enc) || v_is_none(enc)) return 0;
  if (m->binary)
    return vm_raise(ts, &ValueError_Type, "binary mode doesn't take an encoding argument");
  if (!v_is_type(enc, &StrType))
    return vm_raise(ts, &TypeError_Type, "open() argument 'encoding' must be str or None, not %s",
                    v_type(enc)->name);
  const char *e = as_str(enc)->data;
  if (strcasecmp(e, "utf-8") && strcasecmp(e, "utf8") && strcasecmp(e, "utf_8"))
    return vm_raise(ts, &LookupError_Type, "unknown encoding: %s", e);
  return 0;
}

/* fopen succeeds on a directory opened for reading; CPython refuses. */
static FILE *open_regular(const char *path, const char *mode, int *err) {
  FILE *fp = io_fopen(path, mode);
  if (!fp) {
    *err = errno;
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
    io_fclose(fp);
    *err = EISDIR;
    return NULL;
  }
  return fp;
}

int file_open(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out) {
  (void)self;
  static const char *const names[] = {"file",    "mode",    "buffering", "encoding",
                                      "errors",  "newline", "closefd",   "opener"};
  Value a[8];
  if (vm_parse_args(ts, "open", args, nargs, kwargs, names, 8, 8, 1, a) < 0) return -1;
  if (!v_is_type(a[0], &StrType))
    return vm_raise(ts, &TypeError_Type, "expected str, bytes or os.PathLike object, not %s",
                    v_type(a[0])->name);
  Value modev = v_is_undef(a[1]) ? v_obj(str_intern("r")) : a[1];
  if (!v_is_type(modev, &StrType))
    return vm_raise(ts, &TypeError_Type, "open() argument 'mode' must be str, not %s",
                    v_type(modev)->name);
  Mode m;
  if (parse_mode(ts, as_str(modev)->data, &m) < 0 || check_encoding(ts, a[3], &m) < 0) return -1;
  int err = 0;
  /* The path is the data of a str the caller holds; the mode is local. */
  vm_blocking_begin(ts);
  FILE *fp = open_regular(as_str(a[0])->data, m.stdio, &err);
  vm_blocking_end(ts);
  if (!fp) return raise_oserror(ts, err, a[0].as.o);
  FileObj *f = (FileObj *)vm_alloc(ts, file_type_for(&m), sizeof *f);
  if (!f) {
    vm_blocking_begin(ts);
    io_fclose(fp);
    vm_blocking_end(ts);
    return -1;
  }
  f->fp = fp;
  f->name = a[0].as.o;
  f->mode = modev.as.o;
  obj_incref(f->name);
  obj_incref(f->mode);
  f->readable = m.readable;
  f->writable = m.writable;
  f->binary = m.binary;
  f->closed = false;
  f->std = false;
  f->busy = 0;
  *out = v_obj(&f->ob);
  return 0;
}

/* ---- standard streams and helpers for print() --------------------------------------------------- */

static FileObj std_out = {{IMMORTAL_REFCNT, &TextIOWrapperType}, NULL, NULL, NULL,
                          false, true, false, false, true, 0};
static FileObj std_err = {{IMMORTAL_REFCNT, &TextIOWrapperType}, NULL, NULL, NULL,
                          false, true, false, false, true, 0};

Obj *file_std_stream(TState *ts, int fd) {
  (void)ts;
  FileObj *f = fd == 2 ? &std_err : &std_out;
  if (!f->fp) {
    f->fp = fd == 2 ? stderr : stdout;
    f->name = str_intern(fd == 2 ? "<stderr>" : "<stdout>");
    f->mode = str_intern("w");
  }
  return &f->ob;
}

static bool is_file(Value v) {
  Type *t = v_type(v);
  return t == &TextIOWrapperType || t == &BufferedReaderType || t == &BufferedWriterType ||
         t == &BufferedRandomType;
}

int file_write_str(TState *ts, Value file, Value str) {
  if (is_file(file) && !((FileObj *)file.as.o)->binary) {
    FileObj *f = (FileObj *)file.as.o;
    if (check_writable(ts, f) < 0) return -1;
    return write_bytes(ts, f, as_str(str)->data, as_str(str)->size);
  }
  Value write, res;
  if (vm_getattr(ts, file, str_intern("write"), &write) < 0) return -1;
  int rc = vm_call(ts, write, &str, 1, NULL, &res);
  v_decref(write);
  if (rc == 0) v_decref(res);
  return rc;
}

int file_flush_value(TState *ts, Value file) {
  if (is_file(file)) return flush_file(ts, (FileObj *)file.as.o);
  Value flush, res;
  if (vm_getattr(ts, file, str_intern("flush"), &flush) < 0) return -1;
  int rc = vm_call(ts, flush, NULL, 0, NULL, &res);
  v_decref(flush);
  if (rc == 0) v_decref(res);
  return rc;
}
