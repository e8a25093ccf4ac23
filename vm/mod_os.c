/*
 * mod_os.c - the os and os.path modules: process and file-system queries,
 * and path string manipulation with CPython's posixpath semantics (each
 * function follows Lib/posixpath.py line by line; paths are UTF-8 and the
 * separators are ASCII, so byte operations are character operations).
 *
 * The calls that may block on the file system (stat, unlink, mkdir, rmdir,
 * opendir/readdir) are each in one small function (fs_*) and run with the
 * GIL released (vm_blocking_begin/end): their inputs are C strings of str
 * objects the caller holds (immutable, alive for the call) and their
 * results go to C memory; the VM objects are built after the GIL is back.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules.h"
#include "vm_gil.h"

extern char **environ;

/* ---- the blocking calls ------------------------------------------------------------------ */

static int fs_stat(const char *path, struct stat *st) { return stat(path, st) == 0 ? 0 : errno; }
static int fs_unlink(const char *path) { return unlink(path) == 0 ? 0 : errno; }
static int fs_mkdir(const char *path, mode_t mode) { return mkdir(path, mode) == 0 ? 0 : errno; }
static int fs_rmdir(const char *path) { return rmdir(path) == 0 ? 0 : errno; }

/* The same calls with the GIL released around them. */
static int fs_stat_nogil(TState *ts, const char *path, struct stat *st) {
  vm_blocking_begin(ts);
  int err = fs_stat(path, st);
  vm_blocking_end(ts);
  return err;
}

static int fs_path_nogil(TState *ts, int (*fn)(const char *), const char *path) {
  vm_blocking_begin(ts);
  int err = fn(path);
  vm_blocking_end(ts);
  return err;
}

/* A directory's entries (without "." and ".."), read without the GIL into
 * one malloc'd block of NUL-terminated names. */
typedef struct DirNames {
  char *data;
  size_t len, cap, count;
} DirNames;

static int dirnames_add(DirNames *d, const char *name) {
  size_t n = strlen(name) + 1;
  if (d->len + n > d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 1024;
    while (cap < d->len + n) cap *= 2;
    char *p = realloc(d->data, cap);
    if (!p) return ENOMEM;
    d->data = p;
    d->cap = cap;
  }
  memcpy(d->data + d->len, name, n);
  d->len += n;
  d->count++;
  return 0;
}

/* Returns 0 or an errno; runs without the GIL. */
static int fs_listdir(const char *path, DirNames *out) {
  DIR *d = opendir(path);
  if (!d) return errno;
  int err = 0;
  struct dirent *e;
  errno = 0;
  while (!err && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      err = dirnames_add(out, e->d_name);
  }
  if (!err && errno) err = errno;
  closedir(d);
  return err;
}

/* os.makedirs' walk: creates each missing ancestor, then the leaf. An
 * ancestor that already exists is fine; the leaf existing is EEXIST unless
 * exist_ok and it is a directory. Runs without the GIL; path is a copy. */
static int fs_makedirs(char *path, mode_t mode, bool exist_ok) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') path[--n] = 0;
  for (char *p = path + 1; *p; p++) {
    if (*p != '/' || p[-1] == '/') continue;
    *p = 0;
    int err = fs_mkdir(path, mode);
    *p = '/';
    if (err && err != EEXIST) return err;
  }
  int err = fs_mkdir(path, mode);
  struct stat st;
  if (err == EEXIST && exist_ok && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  return err;
}

/* ---- helpers ------------------------------------------------------------------------------- */

static int raise_oserror(TState *ts, int err, Value filename) {
  Type *t = err == ENOENT ? &FileNotFoundError_Type
            : err == EEXIST ? &FileExistsError_Type
            : err == EISDIR ? &IsADirectoryError_Type
            : err == ENOTDIR ? &NotADirectoryError_Type
            : (err == EACCES || err == EPERM) ? &PermissionError_Type
                                              : &OSError_Type;
  Obj *msg = str_from_cstr(ts, strerror(err));
  if (!msg) return -1;
  Obj *args = tuple_pack(ts, 3, v_int(err), v_obj(msg), filename);
  obj_decref(msg);
  if (!args) return -1;
  Obj *exc = exc_new(ts, t, args);
  obj_decref(args);
  if (!exc) return -1;
  vm_raise_value(ts, v_obj(exc));
  obj_decref(exc);
  return -1;
}

static int need_path(TState *ts, Value v, const char **out) {
  if (v_is_type(v, &StrType)) {
    *out = as_str(v)->data;
    return 0;
  }
  return vm_raise(ts, &TypeError_Type, "expected str, bytes or os.PathLike object, not %s",
                  v_type(v)->name);
}

/* The path argument of an os function (os.stat, os.mkdir, ...), refused
 * with posixmodule's wording; fd_ok: the function also takes a file
 * descriptor (not supported here, but named in the message as CPython does). */
static int need_os_path(TState *ts, const char *fname, bool fd_ok, Value v, const char **out) {
  if (v_is_type(v, &StrType)) {
    *out = as_str(v)->data;
    return 0;
  }
  bool none_ok = strcmp(fname, "listdir") == 0;
  return vm_raise(ts, &TypeError_Type, "%s: path should be string, bytes%s, not %s", fname,
                  none_ok ? ", os.PathLike, integer or None"
                  : fd_ok ? ", os.PathLike or integer"
                          : " or os.PathLike",
                  v_type(v)->name);
}

static int one_os_path(TState *ts, const char *fname, bool fd_ok, const Value *args, int nargs,
                       Obj *kwargs, const char **path) {
  static const char *const names[] = {"path"};
  Value a[1];
  if (vm_parse_args(ts, fname, args, nargs, kwargs, names, 1, 1, 1, a) < 0) return -1;
  return need_os_path(ts, fname, fd_ok, a[0], path);
}

static int set_str(TState *ts, const char *s, size_t n, Value *out) {
  Obj *o = str_new(ts, s, n);
  if (!o) return -1;
  *out = v_obj(o);
  return 0;
}

static int one_path(TState *ts, const char *fname, const Value *args, int nargs, Obj *kwargs,
                    const char **path) {
  static const char *const names[] = {"/p"};
  Value a[1];
  if (vm_parse_args(ts, fname, args, nargs, kwargs, names, 1, 1, 1, a) < 0) return -1;
  return need_path(ts, a[0], path);
}

/* ---- os.stat_result ------------------------------------------------------------------------- */

typedef struct StatObj {
  Obj ob;
  struct stat st;
} StatObj;

static double ts_seconds(struct timespec t) { return (double)t.tv_sec + (double)t.tv_nsec * 1e-9; }

/* Fields in CPython's order; a negative index is a float time field. */
static int stat_field(const struct stat *st, const char *name, Value *out) {
  struct {
    const char *name;
    int64_t v;
  } ints[] = {{"st_mode", st->st_mode}, {"st_ino", (int64_t)st->st_ino},
              {"st_dev", (int64_t)st->st_dev}, {"st_nlink", (int64_t)st->st_nlink},
              {"st_uid", st->st_uid}, {"st_gid", st->st_gid}, {"st_size", st->st_size}};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    if (strcmp(name, ints[i].name) == 0) {
      *out = v_int(ints[i].v);
      return 1;
    }
  }
  if (strcmp(name, "st_atime") == 0) *out = v_float(ts_seconds(st->st_atim));
  else if (strcmp(name, "st_mtime") == 0) *out = v_float(ts_seconds(st->st_mtim));
  else if (strcmp(name, "st_ctime") == 0) *out = v_float(ts_seconds(st->st_ctim));
  else return 0;
  return 1;
}

static int stat_getattr(TState *ts, Value self, Obj *name, Value *out) {
  if (stat_field(&((StatObj *)self.as.o)->st, ((StrObj *)name)->data, out)) return 0;
  return vm_raise(ts, &AttributeError_Type, "'os.stat_result' object has no attribute '%s'",
                  ((StrObj *)name)->data);
}

static int stat_repr(TState *ts, Value self, Value *out) {
  const struct stat *st = &((StatObj *)self.as.o)->st;
  Obj *s = str_fmt(ts,
                   "os.stat_result(st_mode=%u, st_ino=%llu, st_dev=%llu, st_nlink=%llu, "
                   "st_uid=%u, st_gid=%u, st_size=%lld, st_atime=%lld, st_mtime=%lld, "
                   "st_ctime=%lld)",
                   (unsigned)st->st_mode, (unsigned long long)st->st_ino,
                   (unsigned long long)st->st_dev, (unsigned long long)st->st_nlink,
                   (unsigned)st->st_uid, (unsigned)st->st_gid, (long long)st->st_size,
                   (long long)st->st_atim.tv_sec, (long long)st->st_mtim.tv_sec,
                   (long long)st->st_ctim.tv_sec);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static void stat_dealloc(Obj *self) { vm_free_obj(self); }

Type StatResultType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "os.stat_result",
    .dealloc = stat_dealloc,
    .repr = stat_repr,
    .getattr = stat_getattr,
};

/* ---- os ------------------------------------------------------------------------------------------ */

static int os_stat(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                   Value *out) {
  (void)self;
  const char *path = NULL;
  if (one_os_path(ts, "stat", true, args, nargs, kwargs, &path) < 0) return -1;
  struct stat st;
  int err = fs_stat_nogil(ts, path, &st);
  if (err) return raise_oserror(ts, err, args[0]);
  StatObj *s = (StatObj *)vm_alloc(ts, &StatResultType, sizeof *s);
  if (!s) return -1;
  s->st = st;
  *out = v_obj(&s->ob);
  return 0;
}

static int os_remove(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  const char *path = NULL;
  if (one_os_path(ts, "remove", false, args, nargs, kwargs, &path) < 0) return -1;
  int err = fs_path_nogil(ts, fs_unlink, path);
  if (err) return raise_oserror(ts, err, args[0]);
  *out = v_none();
  return 0;
}

static int os_getpid(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "os.getpid", nargs, kwargs) < 0) return -1;
  *out = v_int(getpid());
  return 0;
}

static int os_getcwd(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "os.getcwd", nargs, kwargs) < 0) return -1;
  char *cwd = getcwd(NULL, 0);
  if (!cwd) return raise_oserror(ts, errno, v_none());
  int rc = set_str(ts, cwd, strlen(cwd), out);
  free(cwd);
  return rc;
}

static int os_listdir(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  static const char *const names[] = {"path"};
  Value a[1];
  if (vm_parse_args(ts, "listdir", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  Value pathv = v_is_undef(a[0]) || v_is_none(a[0]) ? v_obj(str_intern(".")) : a[0];
  const char *path = NULL;
  if (need_os_path(ts, "listdir", true, pathv, &path) < 0) return -1;
  DirNames d = {0};
  vm_blocking_begin(ts);
  int err = fs_listdir(path, &d);
  vm_blocking_end(ts);
  if (err) {
    free(d.data);
    return err == ENOMEM ? vm_raise_nomem(ts) : raise_oserror(ts, err, pathv);
  }
  Obj *list = list_new(ts, 0);
  const char *name = d.data;
  for (size_t i = 0; list && i < d.count; i++, name += strlen(name) + 1) {
    Obj *o = str_from_cstr(ts, name);
    if (!o || list_append(ts, list, v_obj(o)) < 0) {
      obj_xdecref(o);
      obj_decref(list);
      list = NULL;
      break;
    }
    obj_decref(o);
  }
  free(d.data);
  if (!list) return -1;
  *out = v_obj(list);
  return 0;
}

/* mode: an int, 0o777 when absent (CPython's default). */
static int mode_arg(TState *ts, Value v, mode_t *out) {
  if (v_is_undef(v)) *out = 0777;
  else if (v_is_int(v) || v_is_bool(v)) *out = (mode_t)v.as.i;
  else
    return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                    v_type(v)->name);
  return 0;
}

static int os_mkdir(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  static const char *const names[] = {"path", "mode"};
  Value a[2];
  const char *path = NULL;
  mode_t mode = 0777;
  if (vm_parse_args(ts, "mkdir", args, nargs, kwargs, names, 2, 2, 1, a) < 0 ||
      need_os_path(ts, "mkdir", false, a[0], &path) < 0 || mode_arg(ts, a[1], &mode) < 0)
    return -1;
  vm_blocking_begin(ts);
  int err = fs_mkdir(path, mode);
  vm_blocking_end(ts);
  if (err) return raise_oserror(ts, err, a[0]);
  *out = v_none();
  return 0;
}

static int os_rmdir(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  (void)self;
  const char *path = NULL;
  if (one_os_path(ts, "rmdir", false, args, nargs, kwargs, &path) < 0) return -1;
  int err = fs_path_nogil(ts, fs_rmdir, path);
  if (err) return raise_oserror(ts, err, args[0]);
  *out = v_none();
  return 0;
}

static int os_makedirs(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)self;
  static const char *const names[] = {"name", "mode", "exist_ok"};
  Value a[3];
  const char *path = NULL;
  mode_t mode = 0777;
  if (vm_parse_args(ts, "makedirs", args, nargs, kwargs, names, 3, 3, 1, a) < 0 ||
      need_path(ts, a[0], &path) < 0 || mode_arg(ts, a[1], &mode) < 0)
    return -1;
  int exist_ok = v_is_undef(a[2]) ? 0 : vm_truthy(ts, a[2]);
  if (exist_ok < 0) return -1;
  char *copy = strdup(path); /* the walk writes NULs into it */
  if (!copy) return vm_raise_nomem(ts);
  vm_blocking_begin(ts);
  int err = fs_makedirs(copy, mode, exist_ok);
  vm_blocking_end(ts);
  free(copy);
  if (err) return raise_oserror(ts, err, a[0]);
  *out = v_none();
  return 0;
}

static Obj *environ_dict(TState *ts) {
  Obj *d = dict_new(ts);
  for (char **e = environ; d && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || eq == *e) continue;
    Obj *k = str_new(ts, *e, (size_t)(eq - *e));
    Obj *v = str_from_cstr(ts, eq + 1);
    int rc = k && v ? dict_set(ts, d, v_obj(k), v_obj(v)) : -1;
    obj_xdecref(k);
    obj_xdecref(v);
    if (rc < 0) {
      obj_decref(d);
      return NULL;
    }
  }
  return d;
}

static const MethodDef os_functions[] = {
    {"getpid", os_getpid}, {"getcwd", os_getcwd}, {"listdir", os_listdir}, {"stat", os_stat},
    {"remove", os_remove}, {"unlink", os_remove}, {"mkdir", os_mkdir},   {"rmdir", os_rmdir},
    {"makedirs", os_makedirs}, {NULL, NULL},
};

/* `import os` binds os.path too, as CPython does; the same module object
 * serves `import os.path` through sys.modules. */
static int os_add_path_module(TState *ts, Obj *m) {
  Obj *modules = ts->interp->modules;
  Value existing = modules ? dict_get_str_borrowed(modules, str_intern("os.path")) : v_undef();
  if (!v_is_undef(existing)) return module_add(ts, m, "path", existing);
  Obj *path = module_new(ts, "os.path");
  if (!path) return -1;
  if (mod_os_path_def.init(ts, path) < 0 ||
      (modules && dict_set_str(ts, modules, "os.path", v_obj(path)) < 0)) {
    obj_decref(path);
    return -1;
  }
  return module_add_obj(ts, m, "path", path);
}

static int os_init(TState *ts, Obj *m) {
  if (module_add_functions(ts, m, os_functions) < 0) return -1;
  if (module_add_obj(ts, m, "environ", environ_dict(ts)) < 0) return -1;
  if (module_add_obj(ts, m, "sep", str_from_cstr(ts, "/")) < 0) return -1;
  if (module_add_obj(ts, m, "curdir", str_from_cstr(ts, ".")) < 0) return -1;
  if (module_add_obj(ts, m, "name", str_from_cstr(ts, "posix")) < 0) return -1;
  if (module_add_obj(ts, m, "linesep", str_from_cstr(ts, "\n")) < 0) return -1;
  return os_add_path_module(ts, m);
}

const NativeModuleDef mod_os_def = {"os", os_init};

/* ---- os.path ------------------------------------------------------------------------------------- */

static int path_join(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)self;
  if (kwargs && ((DictObj *)kwargs)->used)
    return vm_raise(ts, &TypeError_Type, "join() takes no keyword arguments");
  if (nargs < 1)
    return vm_raise(ts, &TypeError_Type, "join() missing 1 required positional argument: 'a'");
  size_t cap = 1;
  for (int i = 0; i < nargs; i++) {
    if (!v_is_type(args[i], &StrType))
      return vm_raise(ts, &TypeError_Type,
                      "join() argument must be str, bytes, or os.PathLike object, not '%s'",
                      v_type(args[i])->name);
    cap += as_str(args[i])->size + 1;
  }
  char *buf = malloc(cap);
  if (!buf) return vm_raise_nomem(ts);
  size_t n = 0;
  for (int i = 0; i < nargs; i++) {
    StrObj *b = as_str(args[i]);
    if (b->size && b->data[0] == '/') n = 0;
    else if (i > 0 && n > 0 && buf[n - 1] != '/') buf[n++] = '/';
    memcpy(buf + n, b->data, b->size);
    n += b->size;
  }
  int rc = set_str(ts, buf, n, out);
  free(buf);
  return rc;
}

/* The head of split(): up to the last '/', trailing slashes removed unless
 * it is all slashes. */
static size_t split_head_len(const char *p, size_t n, size_t *tail_start) {
  size_t i = n;
  while (i > 0 && p[i - 1] != '/') i--;
  *tail_start = i;
  size_t h = i;
  bool all_slashes = true;
  for (size_t k = 0; k < h; k++) all_slashes &= p[k] == '/';
  if (h && !all_slashes)
    while (h > 0 && p[h - 1] == '/') h--;
  return h;
}

static int path_split_parts(TState *ts, const char *fname, const Value *args, int nargs,
                            Obj *kwargs, Value *head, Value *tail) {
  const char *p = NULL;
  if (one_path(ts, fname, args, nargs, kwargs, &p) < 0) return -1;
  size_t n = as_str(args[0])->size, ts_start;
  size_t h = split_head_len(p, n, &ts_start);
  if (head && set_str(ts, p, h, head) < 0) return -1;
  if (tail && set_str(ts, p + ts_start, n - ts_start, tail) < 0) {
    if (head) v_decref(*head);
    return -1;
  }
  return 0;
}

static int path_basename(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)self;
  return path_split_parts(ts, "basename", args, nargs, kwargs, NULL, out);
}

static int path_dirname(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)self;
  return path_split_parts(ts, "dirname", args, nargs, kwargs, out, NULL);
}

static int pair(TState *ts, Value a, Value b, Value *out) {
  Obj *t = tuple_pack(ts, 2, a, b);
  v_decref(a);
  v_decref(b);
  if (!t) return -1;
  *out = v_obj(t);
  return 0;
}

static int path_split(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  Value head, tail;
  if (path_split_parts(ts, "split", args, nargs, kwargs, &head, &tail) < 0) return -1;
  return pair(ts, head, tail, out);
}

/* genericpath._splitext: the extension starts at the last dot after the
 * last slash, unless the name is only leading dots before it. */
static int path_splitext(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)self;
  const char *p = NULL;
  if (one_path(ts, "splitext", args, nargs, kwargs, &p) < 0) return -1;
  size_t n = as_str(args[0])->size;
  const char *slash = memrchr(p, '/', n), *dot = memrchr(p, '.', n);
  size_t cut = n;
  if (dot && (!slash || dot > slash)) {
    for (const char *f = slash ? slash + 1 : p; f < dot; f++) {
      if (*f != '.') {
        cut = (size_t)(dot - p);
        break;
      }
    }
  }
  Value root, ext;
  if (set_str(ts, p, cut, &root) < 0) return -1;
  if (set_str(ts, p + cut, n - cut, &ext) < 0) {
    v_decref(root);
    return -1;
  }
  return pair(ts, root, ext, out);
}

/* posixpath.normpath, into buf (at least strlen(path) + 2 bytes). */
static size_t normpath(const char *path, char *buf) {
  if (!*path) {
    buf[0] = '.';
    return 1;
  }
  int initial = path[0] == '/';
  if (initial && path[1] == '/' && path[2] != '/') initial = 2;
  size_t n = 0, ncomps = 0;
  for (const char *p = path; *p;) {
    while (*p == '/') p++;
    const char *e = p;
    while (*e && *e != '/') e++;
    size_t len = (size_t)(e - p);
    bool dotdot = len == 2 && p[0] == '.' && p[1] == '.';
    bool last_dotdot = ncomps && n >= 2 && buf[n - 1] == '.' && buf[n - 2] == '.' &&
                       (n == 2 || buf[n - 3] == '/');
    if (len == 0 || (len == 1 && p[0] == '.')) {
      /* skip */
    } else if (!dotdot || (!initial && !ncomps) || last_dotdot) {
      if (ncomps) buf[n++] = '/';
      memcpy(buf + n, p, len);
      n += len;
      ncomps++;
    } else if (ncomps) {
      while (n > 0 && buf[n - 1] != '/') n--;
      if (n > 0) n--;
      ncomps--;
    }
    p = e;
  }
  if (initial) {
    memmove(buf + initial, buf, n);
    memset(buf, '/', (size_t)initial);
    n += (size_t)initial;
  }
  if (n == 0) buf[n++] = '.';
  return n;
}

static int path_normpath(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  (void)self;
  const char *p = NULL;
  if (one_path(ts, "normpath", args, nargs, kwargs, &p) < 0) return -1;
  char *buf = malloc(strlen(p) + 3);
  if (!buf) return vm_raise_nomem(ts);
  int rc = set_str(ts, buf, normpath(p, buf), out);
  free(buf);
  return rc;
}

static int path_abspath(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)self;
  const char *p = NULL;
  if (one_path(ts, "abspath", args, nargs, kwargs, &p) < 0) return -1;
  char *cwd = p[0] == '/' ? NULL : getcwd(NULL, 0);
  if (p[0] != '/' && !cwd) return raise_oserror(ts, errno, v_none());
  size_t len = (cwd ? strlen(cwd) + 1 : 0) + strlen(p);
  char *joined = malloc(len + 1), *buf = malloc(len + 3);
  int rc = -1;
  if (joined && buf) {
    snprintf(joined, len + 1, "%s%s%s", cwd ? cwd : "", cwd && *p ? "/" : "", p);
    rc = set_str(ts, buf, normpath(joined, buf), out);
  } else {
    vm_raise_nomem(ts);
  }
  free(cwd);
  free(joined);
  free(buf);
  return rc;
}

static int path_isabs(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  const char *p = NULL;
  if (one_path(ts, "isabs", args, nargs, kwargs, &p) < 0) return -1;
  *out = v_bool(p[0] == '/');
  return 0;
}

/* exists/isfile/isdir: any error (missing, wrong type) is just False. */
static int path_test(TState *ts, const Value *args, int nargs, Obj *kwargs, const char *fname,
                     int kind, Value *out) {
  static const char *const names[] = {"/path"};
  Value a[1];
  if (vm_parse_args(ts, fname, args, nargs, kwargs, names, 1, 1, 1, a) < 0) return -1;
  struct stat st;
  bool ok = v_is_type(a[0], &StrType) && fs_stat_nogil(ts, as_str(a[0])->data, &st) == 0;
  if (ok && kind == 1) ok = S_ISREG(st.st_mode);
  if (ok && kind == 2) ok = S_ISDIR(st.st_mode);
  *out = v_bool(ok);
  return 0;
}

static int path_exists(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)self;
  return path_test(ts, args, nargs, kwargs, "exists", 0, out);
}
static int path_isfile(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  (void)self;
  return path_test(ts, args, nargs, kwargs, "isfile", 1, out);
}
static int path_isdir(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)self;
  return path_test(ts, args, nargs, kwargs, "isdir", 2, out);
}

static const MethodDef path_functions[] = {
    {"join", path_join},       {"basename", path_basename}, {"dirname", path_dirname},
    {"split", path_split},     {"splitext", path_splitext}, {"normpath", path_normpath},
    {"abspath", path_abspath}, {"isabs", path_isabs},       {"exists", path_exists},
    {"isfile", path_isfile},   {"isdir", path_isdir},       {NULL, NULL},
};

static int path_init(TState *ts, Obj *m) {
  if (module_add_functions(ts, m, path_functions) < 0) return -1;
  return module_add_obj(ts, m, "sep", str_from_cstr(ts, "/"));
}

const NativeModuleDef mod_os_path_def = {"os.path", path_init};
