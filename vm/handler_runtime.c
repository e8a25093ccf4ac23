/*
 * handler_runtime.c - the VM as the server's handler runtime: implements
 * gild_handler_ops (server/handler.h) on top of the interpreter.
 *
 * At start-up (main thread): one interpreter and its GIL are created, the
 * handler directory becomes the import path, and each route's handler name
 * "module.function" is resolved by importing the module (its module-level
 * code runs once, here) and looking the function up. Per worker thread: a
 * TState attached to the GIL. Per request: take the GIL, wrap the request
 * in a `Request` object, call the function, turn what it returned into
 * status, headers and body bytes copied into the server's response, drop
 * the GIL with reason "done".
 *
 * A watchdog thread interrupts handlers that run past the timeout: it sets
 * the worker's pending async exception (TimeoutError), which the
 * interpreter raises at its next eval-breaker check; the client gets 503.
 *
 * Observability: each response carries the request's GIL wait, GIL held and
 * I/O time (the growth of the worker's own GIL counters over the request,
 * exact); write_metrics serves the GIL's and the VM's counters
 * (runtime_metrics.c) and the load ratios of a once-a-second sampler
 * (gil_load.c); trace_start/trace_stop record the GIL timeline (gil.c) and
 * turn it into Chrome trace-event JSON (gil_trace.c), with each worker's
 * running slices labelled by the route it serves.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "code.h"
#include "gil_load.h"
#include "gil_trace.h"
#include "gild_vm.h"
#include "handler.h"
#include "objimpl.h"
#include "runtime_metrics.h"
#include "vm.h"
#include "vm_gil.h"

/* ---- per-worker slots and the watchdog --------------------------------------- */

typedef struct worker_slot {
  pthread_mutex_t mu;   /* guards active/deadline against the watchdog */
  bool active;
  uint64_t deadline_ns;
  TState *ts;
} worker_slot;

#define MAX_WORKERS 256

typedef struct runtime {
  Interp *in;
  char *dir;
  char policy[32];
  double switch_interval;
  uint64_t timeout_ns;
  Obj *handlers;        /* list of resolved functions: keeps them alive */
  worker_slot slots[MAX_WORKERS];
  int nslots;           /* worker threads configured (slots in use) */
  pthread_t watchdog;
  bool watchdog_running;
  pthread_mutex_t wd_mu;
  pthread_cond_t wd_cond;
  bool stopping;
  int nworkers;         /* from the configuration, for the wait ratio */
  gil_load *load;       /* the held/wait ratio sampler */
  /* Route names interned for the timeline's labels: a trace keeps pointers
   * to them, so they live until unload. */
  pthread_mutex_t labels_mu;
  char **labels;
  size_t nlabels, labels_cap;
} runtime;

typedef struct worker {
  runtime *rt;
  TState *ts;
  int index;
  const char *label; /* interned route of the last request, see worker_label */
  size_t label_len;
  vm_block_hooks hooks; /* the pool's, called around blocking (rt_serialize) */
} worker;

static uint64_t now_ns(void) { return gil_now_ns(); }

/* Interrupts every active request whose deadline passed. The slot mutex
 * makes "still the same request" and "set the flag" one step, so a request
 * that finished meanwhile is never hit by its predecessor's timeout. */
static uint64_t watchdog_scan(runtime *rt) {
  uint64_t now = now_ns(), next = 0;
  int n = rt->nslots > 0 ? rt->nslots : MAX_WORKERS;
  for (int i = 0; i < n; i++) {
    worker_slot *s = &rt->slots[i];
    pthread_mutex_lock(&s->mu);
    if (s->ts && s->active) {
      if (now >= s->deadline_ns) {
        atomic_fetch_or(&s->ts->pending, EB_ASYNC_EXC);
        s->active = false; /* one interruption per request */
      } else if (!next || s->deadline_ns < next) {
        next = s->deadline_ns;
      }
    }
    pthread_mutex_unlock(&s->mu);
  }
  return next;
}

static void *watchdog_main(void *arg) {
  runtime *rt = arg;
  (void)pthread_setname_np(pthread_self(), "gild-watchdog");
  pthread_mutex_lock(&rt->wd_mu);
  while (!rt->stopping) {
    pthread_mutex_unlock(&rt->wd_mu);
    uint64_t next = watchdog_scan(rt);
    pthread_mutex_lock(&rt->wd_mu);
    if (rt->stopping) break;
    /* Sleep until the earliest deadline, and never longer than one
     * timeout: every request that starts after this scan has a deadline
     * at least one timeout from now (the same timeout for all), so it is
     * seen in time without request_begin waking us. That keeps the
     * watchdog off the request path: no signal, no context switch per
     * request. */
    struct timespec ts;
    uint64_t wake = now_ns() + rt->timeout_ns;
    if (next && next < wake) wake = next;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t rel = wake > now_ns() ? wake - now_ns() : 0;
    uint64_t t = (uint64_t)ts.tv_nsec + rel;
    ts.tv_sec += (time_t)(t / 1000000000u);
    ts.tv_nsec = (long)(t % 1000000000u);
    pthread_cond_timedwait(&rt->wd_cond, &rt->wd_mu, &ts);
  }
  pthread_mutex_unlock(&rt->wd_mu);
  return NULL;
}

static void request_begin(runtime *rt, worker *w) {
  worker_slot *s = &rt->slots[w->index];
  pthread_mutex_lock(&s->mu);
  s->active = true;
  s->deadline_ns = now_ns() + rt->timeout_ns;
  pthread_mutex_unlock(&s->mu);
}

static void request_end(runtime *rt, worker *w) {
  worker_slot *s = &rt->slots[w->index];
  pthread_mutex_lock(&s->mu);
  s->active = false;
  /* A timeout that fired after the handler returned must not hit the next
   * request on this worker. */
  atomic_fetch_and(&w->ts->pending, ~(uint32_t)EB_ASYNC_EXC);
  pthread_mutex_unlock(&s->mu);
}

/* ---- route labels for the GIL timeline --------------------------------------- */

static const char *intern_label(runtime *rt, gild_str s) {
  const char *found = NULL;
  pthread_mutex_lock(&rt->labels_mu);
  for (size_t i = 0; i < rt->nlabels && !found; i++)
    if (strlen(rt->labels[i]) == s.len && memcmp(rt->labels[i], s.ptr, s.len) == 0) found = rt->labels[i];
  if (!found && rt->nlabels == rt->labels_cap) {
    size_t cap = rt->labels_cap ? rt->labels_cap * 2 : 16;
    char **nl = realloc(rt->labels, cap * sizeof *nl);
    if (nl) {
      rt->labels = nl;
      rt->labels_cap = cap;
    }
  }
  if (!found && rt->nlabels < rt->labels_cap) {
    char *copy = strndup(s.ptr ? s.ptr : "", s.len);
    if (copy) found = rt->labels[rt->nlabels++] = copy;
  }
  pthread_mutex_unlock(&rt->labels_mu);
  return found;
}

/* The worker's label for this request. Routes are few and a worker mostly
 * serves the same ones, so a comparison with the last one avoids the
 * shared table (and its lock) on almost every request. */
static const char *worker_label(worker *w, gild_str route) {
  if (w->label && w->label_len == route.len && memcmp(w->label, route.ptr, route.len) == 0)
    return w->label;
  const char *l = intern_label(w->rt, route);
  if (l) {
    w->label = l;
    w->label_len = route.len;
  }
  return l;
}

/* ---- the Request object ---------------------------------------------------------- */

typedef struct RequestObj {
  Obj ob;
  const gild_request *req; /* NULL once the handler returned */
  Obj *query, *headers, *params, *body; /* built on first use */
} RequestObj;

static void request_dealloc(Obj *o) {
  RequestObj *r = (RequestObj *)o;
  obj_xdecref(r->query);
  obj_xdecref(r->headers);
  obj_xdecref(r->params);
  obj_xdecref(r->body);
  vm_free_obj(o);
}

static Obj *str_of(TState *ts, gild_str s) { return str_new(ts, s.ptr ? s.ptr : "", s.len); }

/* Query strings: `a=1&b=x+y` -> {"a": "1", "b": "x y"}; a repeated key
 * keeps its last value; a bad escape leaves the raw text. */
static Obj *parse_query(TState *ts, gild_str q) {
  Obj *d = dict_new(ts);
  if (!d) return NULL;
  size_t i = 0;
  char *buf = malloc(q.len + 1);
  if (!buf) return d;
  while (i < q.len) {
    size_t end = i;
    while (end < q.len && q.ptr[end] != '&') end++;
    size_t eq = i;
    while (eq < end && q.ptr[eq] != '=') eq++;
    if (end > i) {
      long kl = gild_percent_decode(q.ptr + i, eq - i, buf, q.len + 1, 1);
      Obj *k = kl >= 0 ? str_new(ts, buf, (size_t)kl) : str_new(ts, q.ptr + i, eq - i);
      size_t vs = eq < end ? eq + 1 : end;
      long vl = gild_percent_decode(q.ptr + vs, end - vs, buf, q.len + 1, 1);
      Obj *v = vl >= 0 ? str_new(ts, buf, (size_t)vl) : str_new(ts, q.ptr + vs, end - vs);
      if (k && v) dict_set(ts, d, v_obj(k), v_obj(v));
      obj_xdecref(k);
      obj_xdecref(v);
    }
    i = end + 1;
  }
  free(buf);
  return d;
}

static Obj *kv_dict(TState *ts, const gild_kv *kv, size_t n) {
  Obj *d = dict_new(ts);
  for (size_t i = 0; d && i < n; i++) {
    Obj *k = str_of(ts, kv[i].name), *v = str_of(ts, kv[i].value);
    if (k && v) dict_set(ts, d, v_obj(k), v_obj(v));
    obj_xdecref(k);
    obj_xdecref(v);
  }
  return d;
}

static int cached(TState *ts, Obj **slot, Obj *fresh, Value *out) {
  if (!*slot) *slot = fresh;
  else obj_xdecref(fresh);
  if (!*slot) return -1;
  obj_incref(*slot);
  *out = v_obj(*slot);
  return 0;
  (void)ts;
}

static int request_getattr(TState *ts, Value self, Obj *name, Value *out);

static int request_text(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)args; (void)nargs; (void)kwargs;
  Value body;
  if (request_getattr(ts, self, str_intern("body"), &body) < 0) return -1;
  const MethodDef *decode = vm_find_method(body, str_intern("decode"));
  int rc = decode ? decode->fn(ts, body, NULL, 0, NULL, out)
                  : vm_raise(ts, &RuntimeError_Type, "bytes.decode is missing");
  v_decref(body);
  return rc;
}

static int call_json(TState *ts, const char *fn, Value arg, Obj *kwargs, Value *out) {
  Value mod, f;
  if (vm_import(ts, str_intern("json"), 0, &mod) < 0) return -1;
  int rc = vm_getattr(ts, mod, str_intern(fn), &f);
  v_decref(mod);
  if (rc < 0) return -1;
  rc = vm_call(ts, f, &arg, 1, kwargs, out);
  v_decref(f);
  return rc;
}

static int request_json(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  Value text;
  if (request_text(ts, self, args, nargs, kwargs, &text) < 0) return -1;
  int rc = call_json(ts, "loads", text, NULL, out);
  v_decref(text);
  return rc;
}

static const MethodDef request_methods[] = {
    {"text", request_text},
    {"json", request_json},
    {NULL, NULL},
};

static int request_repr(TState *ts, Value self, Value *out) {
  RequestObj *r = (RequestObj *)self.as.o;
  Obj *s = r->req ? str_fmt(ts, "<Request %.*s %.*s>", (int)r->req->method.len, r->req->method.ptr,
                            (int)r->req->raw_path.len, r->req->raw_path.ptr)
                  : str_fmt(ts, "<Request (finished)>");
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

Type RequestType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "Request",
    .dealloc = request_dealloc,
    .repr = request_repr,
    .getattr = request_getattr,
    .methods = request_methods,
};

static int request_getattr(TState *ts, Value self, Obj *name, Value *out) {
  RequestObj *r = (RequestObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  Obj *m = type_lookup_method(&RequestType, name);
  if (m) {
    Obj *b = builtin_new(ts, ((BuiltinObj *)m)->def, self, NULL);
    if (!b) return -1;
    *out = v_obj(b);
    return 0;
  }
  /* Cached attributes stay readable after the request finished; anything
   * else needs the request, which the server frees after the response. */
  if (strcmp(n, "query") == 0 && r->query) return cached(ts, &r->query, NULL, out);
  if (strcmp(n, "headers") == 0 && r->headers) return cached(ts, &r->headers, NULL, out);
  if (strcmp(n, "params") == 0 && r->params) return cached(ts, &r->params, NULL, out);
  if (strcmp(n, "body") == 0 && r->body) return cached(ts, &r->body, NULL, out);
  const gild_request *q = r->req;
  if (!q) return vm_raise(ts, &RuntimeError_Type, "the request has finished; read '%s' inside the handler", n);
  if (strcmp(n, "method") == 0) return (*out = v_obj(str_of(ts, q->method))).as.o ? 0 : -1;
  if (strcmp(n, "path") == 0) return (*out = v_obj(str_of(ts, q->path))).as.o ? 0 : -1;
  if (strcmp(n, "remote") == 0) return (*out = v_obj(str_of(ts, q->remote))).as.o ? 0 : -1;
  if (strcmp(n, "route") == 0) return (*out = v_obj(str_of(ts, q->route))).as.o ? 0 : -1;
  if (strcmp(n, "query_string") == 0) return (*out = v_obj(str_of(ts, q->query))).as.o ? 0 : -1;
  if (strcmp(n, "query") == 0) return cached(ts, &r->query, parse_query(ts, q->query), out);
  if (strcmp(n, "headers") == 0) return cached(ts, &r->headers, kv_dict(ts, q->headers, q->n_headers), out);
  if (strcmp(n, "params") == 0) return cached(ts, &r->params, kv_dict(ts, q->params, q->n_params), out);
  if (strcmp(n, "body") == 0)
    return cached(ts, &r->body, bytes_new(ts, q->body.ptr ? q->body.ptr : "", q->body.len), out);
  return vm_raise(ts, &AttributeError_Type, "'Request' object has no attribute '%s'", n);
}

static Obj *request_new(TState *ts, const gild_request *req) {
  RequestObj *r = (RequestObj *)vm_alloc(ts, &RequestType, sizeof(RequestObj));
  if (!r) return NULL;
  r->req = req;
  r->query = r->headers = r->params = r->body = NULL;
  return &r->ob;
}

/* ---- turning a return value into a response --------------------------------------- */

static void set_text(gild_response *resp, int status, const char *ctype, const char *body) {
  gild_response_set_status(resp, status);
  gild_response_add_header(resp, "Content-Type", 12, ctype, strlen(ctype));
  gild_response_set_body(resp, body, strlen(body));
}

/* Body and its default content type. */
static int body_bytes(TState *ts, Value v, gild_response *resp, const char **ctype) {
  if (v_is_none(v)) {
    *ctype = NULL;
    return gild_response_set_body(resp, "", 0) == 0 ? 0 : vm_raise_nomem(ts);
  }
  if (v_is_type(v, &StrType)) {
    StrObj *s = as_str(v);
    *ctype = "text/plain; charset=utf-8";
    return gild_response_set_body(resp, s->data, s->size) == 0 ? 0 : vm_raise_nomem(ts);
  }
  if (v_is_type(v, &BytesType)) {
    BytesObj *b = (BytesObj *)v.as.o;
    *ctype = "application/octet-stream";
    return gild_response_set_body(resp, b->data, b->size) == 0 ? 0 : vm_raise_nomem(ts);
  }
  if (v_is_type(v, &DictType) || v_is_type(v, &ListType)) {
    Value text;
    if (call_json(ts, "dumps", v, NULL, &text) < 0) return -1;
    *ctype = "application/json";
    int rc = gild_response_set_body(resp, as_str(text)->data, as_str(text)->size);
    v_decref(text);
    return rc == 0 ? 0 : vm_raise_nomem(ts);
  }
  return vm_raise(ts, &TypeError_Type,
                  "a handler's body must be str, bytes, dict, list or None, not '%s'", v_type(v)->name);
}

static int add_header(TState *ts, gild_response *resp, Value k, Value v, bool *saw_ctype) {
  Value ks, vs;
  if (vm_str(ts, k, &ks) < 0) return -1;
  if (vm_str(ts, v, &vs) < 0) {
    v_decref(ks);
    return -1;
  }
  StrObj *a = as_str(ks), *b = as_str(vs);
  if (strcasecmp(a->data, "content-type") == 0) *saw_ctype = true;
  int rc = gild_response_add_header(resp, a->data, a->size, b->data, b->size);
  if (rc < 0) {
    /* The message goes to the error log: never write the refused name's
     * raw CR/LF there (log injection); control bytes show as '?'. */
    char shown[128];
    size_t n = a->size < sizeof shown - 1 ? a->size : sizeof shown - 1;
    for (size_t i = 0; i < n; i++)
      shown[i] = (unsigned char)a->data[i] < 0x20 || a->data[i] == 0x7f ? '?' : a->data[i];
    shown[n] = 0;
    vm_raise(ts, &ValueError_Type, "invalid response header %s (CR, LF or NUL, or not a token)", shown);
  }
  v_decref(ks);
  v_decref(vs);
  return rc < 0 ? -1 : 0;
}

static int add_headers(TState *ts, gild_response *resp, Value h, bool *saw_ctype) {
  if (v_is_type(h, &DictType)) {
    size_t pos = 0;
    Value k, v;
    while (dict_next(h.as.o, &pos, &k, &v))
      if (add_header(ts, resp, k, v, saw_ctype) < 0) return -1;
    return 0;
  }
  if (v_is_type(h, &ListType) || v_is_type(h, &TupleType)) {
    Obj *l;
    if (vm_to_list(ts, h, &l) < 0) return -1;
    ListObj *lo = (ListObj *)l;
    int rc = 0;
    for (size_t i = 0; i < lo->len && rc == 0; i++) {
      Value p = lo->items[i];
      if (!v_is_type(p, &TupleType) || as_tuple(p)->len != 2) {
        rc = vm_raise(ts, &TypeError_Type, "response headers must be (name, value) pairs");
        break;
      }
      rc = add_header(ts, resp, as_tuple(p)->items[0], as_tuple(p)->items[1], saw_ctype);
    }
    obj_decref(l);
    return rc;
  }
  return vm_raise(ts, &TypeError_Type, "response headers must be a dict or a list of pairs, not '%s'",
                  v_type(h)->name);
}

static int fill_response(TState *ts, Value ret, gild_response *resp) {
  int status = 200;
  Value headers = v_undef(), body = ret;
  if (v_is_type(ret, &TupleType)) {
    TupleObj *t = as_tuple(ret);
    if (t->len != 2 && t->len != 3)
      return vm_raise(ts, &TypeError_Type, "a handler's tuple must be (status, body) or (status, headers, body)");
    if (!v_is_int(t->items[0]) || t->items[0].as.i < 100 || t->items[0].as.i > 599)
      return vm_raise(ts, &ValueError_Type, "a handler's status must be an int in 100..599");
    status = (int)t->items[0].as.i;
    if (t->len == 3) headers = t->items[1];
    body = t->items[t->len - 1];
  }
  const char *ctype = NULL;
  bool saw_ctype = false;
  if (body_bytes(ts, body, resp, &ctype) < 0) return -1;
  if (!v_is_undef(headers) && !v_is_none(headers) && add_headers(ts, resp, headers, &saw_ctype) < 0)
    return -1;
  if (!saw_ctype && ctype) gild_response_add_header(resp, "Content-Type", 12, ctype, strlen(ctype));
  if (v_is_none(ret)) status = 204;
  gild_response_set_status(resp, status);
  return 0;
}

/* ---- gild_handler_ops ----------------------------------------------------------- */

static int rt_configure(void *ctx, const gild_runtime_config *rc, char *err, size_t errlen) {
  runtime *rt = ctx;
  gil_policy p;
  if (gil_policy_parse(rc->gil_policy ? rc->gil_policy : "cpython", &p) < 0) {
    snprintf(err, errlen, "unknown GIL policy '%s' (cpython, fifo, io-priority, legacy)", rc->gil_policy);
    return GILD_EINVAL;
  }
  snprintf(rt->policy, sizeof rt->policy, "%s", gil_policy_name(p));
  rt->switch_interval = rc->switch_interval > 0 ? rc->switch_interval : 0.005;
  rt->timeout_ns = (rc->handler_timeout_ms ? rc->handler_timeout_ms : 30000) * 1000000ull;
  rt->nworkers = rc->threads;
  rt->nslots = rc->threads;
  if (rc->threads > MAX_WORKERS) {
    snprintf(err, errlen, "at most %d worker threads", MAX_WORKERS);
    return GILD_EINVAL;
  }
  return 0;
}

/* Formats the current exception (traceback included) into err. */
static void exception_text(TState *ts, char *err, size_t errlen) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (f) {
    vm_format_exception(ts, f);
    fclose(f);
    while (len && buf[len - 1] == '\n') buf[--len] = 0;
    snprintf(err, errlen, "%s", buf ? buf : "error");
    free(buf);
  } else {
    vm_exc_clear(ts);
    snprintf(err, errlen, "error (out of memory formatting it)");
  }
}

static int rt_load(void *ctx, const char *dir, char *err, size_t errlen) {
  runtime *rt = ctx;
  if (!rt->policy[0]) snprintf(rt->policy, sizeof rt->policy, "cpython");
  if (!rt->switch_interval) rt->switch_interval = 0.005;
  if (!rt->timeout_ns) rt->timeout_ns = 30000ull * 1000000ull;
  rt->in = vm_interp_new();
  if (!rt->in) {
    snprintf(err, errlen, "cannot create the interpreter");
    return GILD_ENOMEM;
  }
  rt->dir = strdup(dir ? dir : ".");
  rt->in->script_dir = strdup(rt->dir);
  gil_policy p = GIL_POLICY_CPYTHON;
  gil_policy_parse(rt->policy, &p);
  TState *ts = rt->in->boot_ts;
  if (vm_gil_create(rt->in, p, rt->switch_interval) < 0 || vm_gil_attach(ts, "main") < 0) {
    snprintf(err, errlen, "cannot create the GIL");
    return GILD_ENOMEM;
  }
  vm_gil_acquire(ts);
  rt->handlers = list_new(ts, 0);
  vm_gil_release(ts, GIL_RELEASE_DONE);
  pthread_mutex_init(&rt->wd_mu, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&rt->wd_cond, &attr);
  pthread_condattr_destroy(&attr);
  for (int i = 0; i < MAX_WORKERS; i++) pthread_mutex_init(&rt->slots[i].mu, NULL);
  if (pthread_create(&rt->watchdog, NULL, watchdog_main, rt) == 0) rt->watchdog_running = true;
  /* Without the sampler there are no ratios; everything else still works. */
  rt->load = gil_load_start(rt->in->gil, rt->nworkers);
  return rt->handlers ? 0 : GILD_ENOMEM;
}

static int rt_resolve(void *ctx, const char *name, void **handle, char *err, size_t errlen) {
  runtime *rt = ctx;
  TState *ts = rt->in->boot_ts;
  const char *dot = strrchr(name, '.');
  if (!dot || dot == name || !dot[1]) {
    /* The server prefixes these with the route and the handler's name. */
    snprintf(err, errlen, "must be written module.function");
    return GILD_EINVAL;
  }
  int rc = 0;
  vm_gil_acquire(ts);
  Obj *modname = str_new(ts, name, (size_t)(dot - name));
  Obj *fname = str_from_cstr(ts, dot + 1);
  Value mod = v_undef(), fn = v_undef();
  if (vm_import(ts, modname, 0, &mod) < 0) {
    char msg[3000];
    exception_text(ts, msg, sizeof msg);
    snprintf(err, errlen, "cannot load module '%.*s' from %s:\n%s",
             (int)(dot - name), name, rt->dir, msg);
    rc = GILD_ENOENT;
  } else if (vm_getattr(ts, mod, fname, &fn) < 0) {
    vm_exc_clear(ts);
    snprintf(err, errlen, "module '%.*s' has no function '%s'", (int)(dot - name),
             name, dot + 1);
    rc = GILD_ENOENT;
  } else {
    list_append(ts, rt->handlers, fn); /* keeps it alive for the server's life */
    *handle = fn.as.o;
  }
  v_decref(fn);
  v_decref(mod);
  obj_xdecref(modname);
  obj_xdecref(fname);
  vm_gil_release(ts, GIL_RELEASE_DONE);
  return rc;
}

static int rt_thread_start(void *ctx, int index, void **tstate) {
  runtime *rt = ctx;
  if (index < 0 || index >= MAX_WORKERS) return GILD_EINVAL;
  worker *w = calloc(1, sizeof *w);
  if (!w) return GILD_ENOMEM;
  w->rt = rt;
  w->index = index;
  w->ts = vm_tstate_new(rt->in);
  char name[32];
  snprintf(name, sizeof name, "worker-%d", index);
  if (!w->ts || vm_gil_attach(w->ts, name) < 0) {
    free(w);
    return GILD_ENOMEM;
  }
  /* Set once, before any timeout can fire: the only exception the watchdog
   * ever raises on this thread. */
  w->ts->async_exc_type = &TimeoutError_Type;
  w->ts->thread_id = index + 1;
  pthread_mutex_lock(&rt->slots[index].mu);
  rt->slots[index].ts = w->ts;
  pthread_mutex_unlock(&rt->slots[index].mu);
  *tstate = w;
  return 0;
}

/* One handler runs at a time (the GIL), so the pool keeps one worker
 * running and learns from these hooks when it blocks. How long a running
 * handler may keep queued requests waiting before each gets its own worker
 * follows the policy. With cpython, fifo and legacy, one switch interval:
 * a thread that wants the GIL waits that long before it forces a switch
 * anyway, so spreading sooner only adds waiters (measured: a fifth of the
 * interval left /hello behind a long /cpu just as slow, 5 ms, and made a
 * worker back from I/O wait 14 ms instead of 1 ms behind a /cpu stream).
 * io-priority promises that an interactive request does not wait behind a
 * CPU-bound one, so its requests spread after a fiftieth (20 us to 1 ms). */
static uint64_t rt_serialize(void *ctx, void *tstate, const gild_worker_hooks *hooks) {
  runtime *rt = ctx;
  worker *w = tstate;
  w->hooks.blocking = hooks->blocking;
  w->hooks.unblocked = hooks->unblocked;
  w->hooks.arg = hooks->arg;
  w->ts->block_hooks = &w->hooks;
  if (hooks->cpu_bound && w->ts->gil_thread)
    gil_thread_set_cpu_hook(w->ts->gil_thread, hooks->cpu_bound, hooks->arg);
  uint64_t interval_ns = (uint64_t)(rt->switch_interval * 1e9);
  if (strcmp(rt->policy, "io-priority") != 0) return interval_ns > 0 ? interval_ns : 1;
  uint64_t spread = interval_ns / 50;
  if (spread < 20000) spread = 20000;
  if (spread > 1000000) spread = 1000000;
  return spread;
}

static void rt_thread_stop(void *ctx, void *tstate) {
  runtime *rt = ctx;
  worker *w = tstate;
  w->ts->block_hooks = NULL;
  pthread_mutex_lock(&rt->slots[w->index].mu);
  rt->slots[w->index].ts = NULL;
  pthread_mutex_unlock(&rt->slots[w->index].mu);
  vm_gil_acquire(w->ts);
  vm_gil_release(w->ts, GIL_RELEASE_DONE);
  vm_gil_detach(w->ts);
  w->ts->gil_thread = NULL;
  /* The thread state's own objects are freed with the GIL semantics of
   * "no other thread touches them": it has none left after a request. */
  vm_tstate_free(w->ts);
  free(w);
}

static void log_handler_error(TState *ts, const gild_request *req) {
  char msg[4096];
  exception_text(ts, msg, sizeof msg);
  fprintf(stderr, "gild: handler for %.*s %.*s raised:\n%s\n", (int)req->method.len, req->method.ptr,
          (int)req->raw_path.len, req->raw_path.ptr, msg);
}

static void rt_handle(void *ctx, void *tstate, const gild_request *req, gild_response *resp) {
  runtime *rt = ctx;
  worker *w = tstate;
  TState *ts = w->ts;
  gil_thread *gt = ts->gil_thread;
  gil_thread_set_label(gt, worker_label(w, req->route));
  /* The request's GIL figures are the growth of this thread's own
   * counters, which only this thread writes: read before the first take
   * and after the last drop, they are exact, and the requests' figures add
   * up to the counters. The wait of the first take and the hold up to the
   * final drop belong to the request. */
  uint64_t wait0 = atomic_load_explicit(&gt->stats.wait_ns, memory_order_relaxed);
  uint64_t held0 = atomic_load_explicit(&gt->stats.held_ns, memory_order_relaxed);
  uint64_t io0 = atomic_load_explicit(&gt->stats.io_ns, memory_order_relaxed);
  vm_gil_acquire(ts);
  /* The interpreter consumes async_exc_type when it raises it (interp.c),
   * so arm it again for every request: a second timeout on this worker
   * must be a TimeoutError (503) too. Only this thread reads it. */
  ts->async_exc_type = &TimeoutError_Type;
  request_begin(rt, w);
  Obj *r = request_new(ts, req);
  Value ret = v_undef();
  int rc = r ? vm_call(ts, v_obj((Obj *)req->handler), (Value[]){v_obj(r)}, 1, NULL, &ret) : -1;
  if (rc == 0) {
    rc = fill_response(ts, ret, resp);
    v_decref(ret);
  }
  request_end(rt, w);
  if (rc < 0) {
    bool timed_out = vm_exc_matches(ts, &TimeoutError_Type);
    log_handler_error(ts, req);
    gild_response_set_body(resp, "", 0);
    if (timed_out) set_text(resp, 503, "text/plain; charset=utf-8", "handler timed out\n");
    else set_text(resp, 500, "text/plain; charset=utf-8", "internal server error\n");
  }
  if (r) {
    ((RequestObj *)r)->req = NULL; /* the server frees it after we return */
    obj_decref(r);
  }
  vm_gil_release(ts, GIL_RELEASE_DONE);
  gild_timing timing = {
      .gil_wait_ns = atomic_load_explicit(&gt->stats.wait_ns, memory_order_relaxed) - wait0,
      .gil_held_ns = atomic_load_explicit(&gt->stats.held_ns, memory_order_relaxed) - held0,
      .io_ns = atomic_load_explicit(&gt->stats.io_ns, memory_order_relaxed) - io0,
      .worker = w->index,
  };
  gild_response_set_timing(resp, &timing);
}

/* ---- metrics and the timeline (loop thread; never the GIL) --------------------- */

static void rt_write_metrics(void *ctx, gild_buf *out) {
  runtime *rt = ctx;
  runtime_metrics_write(rt->in ? rt->in->gil : NULL, rt->load, rt->in, out);
}

static int rt_trace_start(void *ctx) {
  runtime *rt = ctx;
  if (!rt->in || !rt->in->gil) return GILD_EINVAL;
  int rc = gil_trace_start(rt->in->gil, GIL_TRACE_DEFAULT_EVENTS);
  return rc == 0 ? 0 : rc == -ENOMEM ? GILD_ENOMEM : GILD_EINVAL;
}

static void rt_trace_stop(void *ctx, gild_buf *json) {
  runtime *rt = ctx;
  gil_trace tr;
  if (!rt->in || !rt->in->gil || gil_trace_stop(rt->in->gil, &tr) < 0) {
    static const char empty[] = "{\"traceEvents\": [], \"displayTimeUnit\": \"ms\"}\n";
    gild_buf_append(json, empty, sizeof empty - 1);
    return;
  }
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) {
    json->oom = 1;
  } else {
    if (gil_trace_write_json(&tr, "gild", f) < 0) json->oom = 1;
    if (fclose(f) == 0 && !json->oom) gild_buf_append(json, text, len);
    else json->oom = 1;
  }
  free(text);
  gil_trace_release(&tr);
}

static void rt_unload(void *ctx) {
  runtime *rt = ctx;
  gil_load_stop(rt->load);
  rt->load = NULL;
  if (rt->watchdog_running) {
    pthread_mutex_lock(&rt->wd_mu);
    rt->stopping = true;
    pthread_cond_signal(&rt->wd_cond);
    pthread_mutex_unlock(&rt->wd_mu);
    pthread_join(rt->watchdog, NULL);
    rt->watchdog_running = false;
  }
  if (rt->in) {
    TState *ts = rt->in->boot_ts;
    vm_gil_acquire(ts);
    obj_xdecref(rt->handlers);
    rt->handlers = NULL;
    vm_gil_release(ts, GIL_RELEASE_DONE);
    vm_gil_detach(ts);
    vm_interp_free(rt->in);
    rt->in = NULL;
  }
  free(rt->dir);
  rt->dir = NULL;
  for (size_t i = 0; i < rt->nlabels; i++) free(rt->labels[i]);
  free(rt->labels);
  rt->labels = NULL;
  rt->nlabels = rt->labels_cap = 0;
}

gild_handler_ops *gild_vm_runtime_new(void) {
  gild_handler_ops *ops = calloc(1, sizeof *ops);
  runtime *rt = calloc(1, sizeof *rt);
  if (!ops || !rt) {
    free(ops);
    free(rt);
    return NULL;
  }
  ops->name = "vm";
  ops->configure = rt_configure;
  ops->load = rt_load;
  ops->resolve = rt_resolve;
  ops->thread_start = rt_thread_start;
  ops->thread_stop = rt_thread_stop;
  ops->handle = rt_handle;
  ops->unload = rt_unload;
  ops->write_metrics = rt_write_metrics;
  ops->trace_start = rt_trace_start;
  ops->trace_stop = rt_trace_stop;
  ops->serialize = rt_serialize;
  ops->ctx = rt;
  pthread_mutex_init(&rt->labels_mu, NULL);
  return ops;
}

void gild_vm_runtime_free(gild_handler_ops *ops) {
  if (!ops) return;
  runtime *rt = ops->ctx;
  if (rt && rt->in) rt_unload(rt);
  if (rt) pthread_mutex_destroy(&rt->labels_mu);
  free(rt);
  free(ops);
}
