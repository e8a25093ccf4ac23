/*
 * import.c - `import m`, `import a.b`, `from m import x`.
 *
 * A name is looked up in interp->modules (sys.modules) first, then among
 * the native modules (vm_native_module), then as NAME.py in the script's
 * directory, which is compiled once, registered before it runs (so
 * circular imports see the partial module, as in CPython) and cached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "objimpl.h"
#include "vm.h"

char *read_source_file(const char *path, size_t *len); /* run.c */

static int import_file(TState *ts, const char *name, const char *path, Value *out) {
  size_t len;
  char *src = read_source_file(path, &len);
  if (!src) return 0;
  CodeObj *co = compile_source(ts, src, len, path);
  free(src);
  if (!co) return -1;
  Obj *m = module_new(ts, name);
  if (!m) {
    obj_decref(&co->ob);
    return -1;
  }
  ModuleObj *mo = (ModuleObj *)m;
  mo->file = str_from_cstr(ts, path);
  if (!mo->file || dict_set_str(ts, mo->dict, "__file__", v_obj(mo->file)) < 0 ||
      dict_set(ts, ts->interp->modules, v_obj(mo->name), v_obj(m)) < 0) {
    obj_decref(m);
    obj_decref(&co->ob);
    return -1;
  }
  int rc = interp_run_module(ts, co, mo->dict);
  obj_decref(&co->ob);
  if (rc < 0) {
    Value exc = vm_exc_fetch(ts);
    dict_del(ts, ts->interp->modules, v_obj(mo->name));
    ts->exc = exc;
    obj_decref(m);
    return -1;
  }
  *out = v_obj(m);
  return 1;
}

/* One module by its full dotted name; new reference. */
static int import_one(TState *ts, const char *name, Value *out) {
  Obj *key = str_from_cstr(ts, name);
  if (!key) return -1;
  int rc = dict_get(ts, ts->interp->modules, v_obj(key), out);
  if (rc != 0) {
    obj_decref(key);
    return rc < 0 ? -1 : 0;
  }
  const NativeModuleDef *def = vm_native_module(name);
  if (def) {
    Obj *m = module_new(ts, name);
    if (!m) {
      obj_decref(key);
      return -1;
    }
    if (def->init(ts, m) < 0 || dict_set(ts, ts->interp->modules, v_obj(key), v_obj(m)) < 0) {
      obj_decref(m);
      obj_decref(key);
      return -1;
    }
    obj_decref(key);
    *out = v_obj(m);
    return 0;
  }
  obj_decref(key);
  const char *dir = ts->interp->script_dir ? ts->interp->script_dir : ".";
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/", dir);
  for (const char *p = name; *p && n < (int)sizeof path - 4; p++) path[n++] = *p == '.' ? '/' : *p;
  snprintf(path + n, sizeof path - (size_t)n, ".py");
  rc = import_file(ts, name, path, out);
  if (rc < 0) return -1;
  if (rc == 0) return vm_raise(ts, &ModuleNotFoundError_Type, "No module named '%s'", name);
  return 0;
}

int vm_import(TState *ts, Obj *nameobj, int fromlist, Value *out) {
  const char *name = ((StrObj *)nameobj)->data;
  const char *dot = strchr(name, '.');
  if (!dot) return import_one(ts, name, out);
  /* a.b.c: import a, a.b, a.b.c in turn, each bound as an attribute of its
   * parent; `import a.b.c` then binds a, `from a.b.c import x` uses a.b.c */
  char buf[512];
  Value top = v_undef(), parent = v_undef();
  for (const char *p = name;; p = dot + 1) {
    dot = strchr(p, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    if (n >= sizeof buf) return vm_raise(ts, &ImportError_Type, "module name too long");
    memcpy(buf, name, n);
    buf[n] = 0;
    Value m;
    if (import_one(ts, buf, &m) < 0) {
      if (vm_exc_matches(ts, &ModuleNotFoundError_Type) && !v_is_undef(parent)) {
        vm_exc_clear(ts);
        vm_raise(ts, &ModuleNotFoundError_Type, "No module named '%s'; '%.*s' is not a package", buf,
                 (int)(p - name - 1), name);
      }
      v_decref(top);
      v_decref(parent);
      return -1;
    }
    if (!v_is_undef(parent)) {
      char part[256];
      snprintf(part, sizeof part, "%.*s", (int)(dot ? (size_t)(dot - p) : strlen(p)), p);
      Obj *attr = str_intern(part);
      if (!vm_hasattr(ts, parent, attr) && vm_setattr(ts, parent, attr, m) < 0) vm_exc_clear(ts);
      v_decref(parent);
    }
    if (v_is_undef(top)) top = v_incref(m);
    parent = m;
    if (!dot) break;
  }
  if (fromlist) {
    v_decref(top);
    *out = parent;
  } else {
    v_decref(parent);
    *out = top;
  }
  return 0;
}
