/*
 * mod_multiprocessing.c - the multiprocessing module on fork(2): Process,
 * Pool, current_process, cpu_count.
 *
 * A child is a fork of the whole interpreter. The forking thread holds the
 * GIL, so the child's copy of the GIL is reset to that one thread with
 * gil_after_fork_child: each process has its own GIL, and its counters
 * start from zero. A child never returns into the parent's code: it runs
 * its target, flushes stdout and stderr, and leaves with _exit, so nothing
 * the parent registered for its own exit (the --gil-stats line) runs twice.
 *
 * Pool runs each task in a child of its own, forked when a slot is free
 * (at most `processes` at a time), which writes its result to a pipe in
 * mp_marshal's format. The parent notices finished children only when it
 * is inside the pool (apply_async, get, map, join): that is when queued
 * tasks start. Every wait (waitpid, poll, read) is with the GIL released,
 * on copies of the pids and descriptors, never on VM objects.
 *
 * Children started and not yet reaped are kept in a registry, so `gild
 * run` can join them at exit as CPython's multiprocessing does.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mod_threading.h"
#include "modules.h"
#include "mp_marshal.h"
#include "objimpl.h"
#include "vm_gil.h"

/* ---- children ------------------------------------------------------------------------------ */

/* Blocking waitpid with the GIL released. Returns the exit code as
 * Process.exitcode has it (negative: killed by that signal), or INT32_MIN
 * if the child was reaped elsewhere. */
static int reap_blocking(TState *ts, pid_t pid) {
  int status;
  pid_t r;
  vm_blocking_begin(ts);
  do r = waitpid(pid, &status, 0);
  while (r < 0 && errno == EINTR);
  vm_blocking_end(ts);
  if (r != pid) return INT32_MIN;
  return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
}

/* Non-blocking: 1 and *code if it has exited, 0 if still running. */
static int reap_poll(pid_t pid, int *code) {
  int status;
  pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == 0) return 0;
  if (r != pid) {
    *code = INT32_MIN;
    return 1;
  }
  *code = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
  return 1;
}

/* What happens in every child right after fork: its own GIL, no other
 * threads, no children. */
static void child_after_fork(TState *ts) {
  Interp *in = ts->interp;
  if (in->gil && ts->gil_thread) gil_after_fork_child(in->gil, ts->gil_thread);
  threading_after_fork_child(ts);
  multiprocessing_after_fork_child();
}

/* fork(2), after the streams are flushed (unflushed output would be
 * written twice, once by each process) and with the threading module's
 * and the GIL's locks held across it (threading_before_fork,
 * gil_before_fork); the child releases them in child_after_fork. */
static pid_t fork_flushed(TState *ts) {
  fflush(stdout);
  fflush(stderr);
  gil *g = ts->gil_thread ? ts->interp->gil : NULL;
  threading_before_fork();
  if (g) gil_before_fork(g);
  pid_t pid = fork();
  int err = errno;
  if (pid != 0) {
    if (g) gil_after_fork_parent(g);
    threading_after_fork_parent();
  }
  if (pid < 0) vm_raise(ts, &OSError_Type, "[Errno %d] %s", err, strerror(err));
  return pid;
}

/* Leaves a child: its non-daemon threads and children first, as CPython's
 * Process._bootstrap does, then the streams. */
static _Noreturn void child_exit(TState *ts, int code) {
  threading_join_all(ts);
  fflush(stdout);
  fflush(stderr);
  _exit(code);
}

/* ---- Process objects --------------------------------------------------------------------- */

typedef struct ProcessObj {
  Obj ob;
  Value target;
  Obj *args;   /* tuple */
  Obj *kwargs; /* dict or NULL */
  Obj *name;   /* str */
  Obj *identity; /* str "1", "1:2": the counters down from the main process */
  bool daemon, is_main;
  pid_t pid;     /* 0 until started */
  bool reaped;
  int exitcode;
  struct ProcessObj *reg_next;
} ProcessObj;

extern Type ProcessType;

static ProcessObj *children;          /* started, not reaped: a reference each */
static ProcessObj *current_process;   /* lazily the MainProcess; one reference */
static int child_counter;             /* names this process gives its children */
static int pool_worker_counter;

/* Pool children still running, so the exit path can stop them. */
#define MAX_POOL_CHILDREN 1024
static pid_t pool_pids[MAX_POOL_CHILDREN];
static int npool_pids;

static void pool_pid_add(pid_t pid) {
  if (npool_pids < MAX_POOL_CHILDREN) pool_pids[npool_pids++] = pid;
}

static void pool_pid_remove(pid_t pid) {
  for (int i = 0; i < npool_pids; i++)
    if (pool_pids[i] == pid) {
      pool_pids[i] = pool_pids[--npool_pids];
      return;
    }
}

void multiprocessing_after_fork_child(void) {
  while (children) {
    ProcessObj *p = children;
    children = p->reg_next;
    p->reg_next = NULL;
    obj_decref(&p->ob);
  }
  child_counter = 0;
  npool_pids = 0;
}

static ProcessObj *process_alloc(TState *ts) {
  ProcessObj *p = (ProcessObj *)vm_alloc(ts, &ProcessType, sizeof(ProcessObj));
  if (!p) return NULL;
  p->target = v_none();
  p->args = p->kwargs = p->name = p->identity = NULL;
  p->daemon = p->is_main = p->reaped = false;
  p->pid = 0;
  p->exitcode = 0;
  p->reg_next = NULL;
  return p;
}

static void process_dealloc(Obj *self) {
  ProcessObj *p = (ProcessObj *)self;
  v_decref(p->target);
  obj_xdecref(p->args);
  obj_xdecref(p->kwargs);
  obj_xdecref(p->name);
  obj_xdecref(p->identity);
  vm_free_obj(self);
}

static ProcessObj *get_current_process(TState *ts) {
  if (current_process) return current_process;
  ProcessObj *p = process_alloc(ts);
  if (!p) return NULL;
  p->name = str_from_cstr(ts, "MainProcess");
  p->identity = str_from_cstr(ts, "");
  if (!p->name || !p->identity) {
    obj_decref(&p->ob);
    return NULL;
  }
  p->is_main = true;
  p->pid = getpid();
  current_process = p;
  return p;
}

static void children_remove(ProcessObj *p) {
  for (ProcessObj **q = &children; *q; q = &(*q)->reg_next)
    if (*q == p) {
      *q = p->reg_next;
      p->reg_next = NULL;
      obj_decref(&p->ob);
      return;
    }
}

static void process_set_exit(ProcessObj *p, int code) {
  if (p->reaped) return;
  p->reaped = true;
  p->exitcode = code == INT32_MIN ? 255 : code;
  children_remove(p);
}

/* Polls the child; keeps a new reference to p across the registry drop. */
static void process_poll(ProcessObj *p) {
  int code;
  if (p->pid <= 0 || p->reaped || p->is_main) return;
  if (reap_poll(p->pid, &code)) {
    obj_incref(&p->ob);
    process_set_exit(p, code);
    obj_decref(&p->ob);
  }
}

/* SystemExit's code as Process._bootstrap turns it into an exit status. */
static int system_exit_code(TState *ts) {
  Value e = vm_exc_fetch(ts);
  TupleObj *args = (TupleObj *)((ExcObj *)e.as.o)->args;
  int code = 0;
  Value c = args && args->len == 1 ? args->items[0] : (args && args->len ? v_obj(&args->ob) : v_none());
  if (v_is_int(c) || v_is_bool(c)) {
    code = (int)(c.as.i & 0xff);
  } else if (!v_is_none(c)) {
    Value s;
    if (vm_str(ts, c, &s) == 0) {
      fflush(stdout);
      fprintf(stderr, "%s\n", as_str(s)->data);
      v_decref(s);
    } else {
      vm_exc_clear(ts);
    }
    code = 1;
  }
  v_decref(e);
  return code;
}

static _Noreturn void process_child(TState *ts, ProcessObj *p) {
  child_after_fork(ts);
  obj_incref(&p->ob);
  if (current_process) obj_decref(&current_process->ob);
  current_process = p;
  p->pid = getpid();
  int code = 0;
  Value r;
  TupleObj *a = (TupleObj *)p->args;
  if (v_is_none(p->target)) {
    code = 0;
  } else if (vm_call(ts, p->target, a->items, (int)a->len, p->kwargs, &r) == 0) {
    v_decref(r);
  } else if (vm_exc_matches(ts, &SystemExit_Type)) {
    code = system_exit_code(ts);
  } else {
    fflush(stdout);
    fprintf(stderr, "Process %s:\n", ((StrObj *)p->name)->data);
    vm_print_exception(ts);
    code = 1;
  }
  child_exit(ts, code);
}

static int process_start(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                         Value *out) {
  ProcessObj *p = (ProcessObj *)self.as.o;
  if (vm_parse_args(ts, "start", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (p->pid != 0 || p->is_main)
    return vm_raise(ts, &AssertionError_Type, "cannot start a process twice");
  pid_t pid = fork_flushed(ts);
  if (pid < 0) return -1;
  if (pid == 0) process_child(ts, p);
  p->pid = pid;
  obj_incref(&p->ob);
  p->reg_next = children;
  children = p;
  *out = v_none();
  return 0;
}

/* Waits for the child up to `timeout` seconds (< 0: forever). A timed wait
 * polls every millisecond: waitpid has no timeout, and a join with a
 * timeout is rare enough not to need a pidfd. */
static void process_wait(TState *ts, ProcessObj *p, double timeout) {
  if (p->reaped) return;
  if (timeout < 0) {
    pid_t pid = p->pid;
    obj_incref(&p->ob);
    int code = reap_blocking(ts, pid);
    if (!p->reaped && code != INT32_MIN) process_set_exit(p, code);
    else process_poll(p);
    obj_decref(&p->ob);
    return;
  }
  struct timespec tick = {0, 1000000};
  int64_t ticks = (int64_t)(timeout * 1000) + 1;
  for (int64_t i = 0; i < ticks && !p->reaped; i++) {
    process_poll(p);
    if (p->reaped) break;
    vm_blocking_begin(ts);
    nanosleep(&tick, NULL);
    vm_blocking_end(ts);
  }
}

static int process_join(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  ProcessObj *p = (ProcessObj *)self.as.o;
  static const char *const names[] = {"timeout"};
  Value a[1];
  if (vm_parse_args(ts, "join", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (p->is_main || p->pid == getpid())
    return vm_raise(ts, &AssertionError_Type, "can only join a child process");
  if (p->pid == 0) return vm_raise(ts, &AssertionError_Type, "can only join a started process");
  double timeout;
  if (module_timeout_arg(ts, a[0], &timeout) < 0) return -1;
  process_wait(ts, p, timeout);
  *out = v_none();
  return 0;
}

static int process_is_alive(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  ProcessObj *p = (ProcessObj *)self.as.o;
  if (vm_parse_args(ts, "is_alive", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (p->is_main || p->pid == getpid()) {
    *out = v_bool(true);
    return 0;
  }
  process_poll(p);
  *out = v_bool(p->pid != 0 && !p->reaped);
  return 0;
}

static int process_signal(TState *ts, ProcessObj *p, int sig, Value *out) {
  if (p->pid > 0 && !p->reaped && !p->is_main && kill(p->pid, sig) < 0 && errno != ESRCH)
    return vm_raise(ts, &OSError_Type, "[Errno %d] %s", errno, strerror(errno));
  *out = v_none();
  return 0;
}

static int process_terminate(TState *ts, Value self, const Value *args, int nargs,
                             Obj *kwargs, Value *out) {
  if (vm_parse_args(ts, "terminate", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  return process_signal(ts, (ProcessObj *)self.as.o, SIGTERM, out);
}

static int process_kill(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  if (vm_parse_args(ts, "kill", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  return process_signal(ts, (ProcessObj *)self.as.o, SIGKILL, out);
}

static int process_run(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  ProcessObj *p = (ProcessObj *)self.as.o;
  if (vm_parse_args(ts, "run", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (!v_is_none(p->target) && p->args) {
    TupleObj *a = (TupleObj *)p->args;
    Value r;
    if (vm_call(ts, p->target, a->items, (int)a->len, p->kwargs, &r) < 0) return -1;
    v_decref(r);
  }
  *out = v_none();
  return 0;
}

static const MethodDef process_methods[] = {
    {"start", process_start},         {"join", process_join}, {"is_alive", process_is_alive},
    {"terminate", process_terminate}, {"kill", process_kill}, {"run", process_run},
    {NULL, NULL},
};

/* Process-N, or Process-1:N in a child: CPython's _identity. */
static int process_default_name(TState *ts, ProcessObj *p) {
  ProcessObj *cur = get_current_process(ts);
  if (!cur) return -1;
  const char *parent = ((StrObj *)cur->identity)->data;
  int n = ++child_counter;
  p->identity = parent[0] ? str_fmt(ts, "%s:%d", parent, n) : str_fmt(ts, "%d", n);
  if (!p->identity) return -1;
  p->name = str_fmt(ts, "Process-%s", ((StrObj *)p->identity)->data);
  return p->name ? 0 : -1;
}

static int process_construct(TState *ts, Type *type, const Value *args, int nargs,
                             Obj *kwargs, Value *out) {
  (void)type;
  Value a[6];
  if (threading_worker_args(ts, "Process", args, nargs, kwargs, a) < 0) return -1;
  ProcessObj *p = process_alloc(ts);
  if (!p) return -1;
  *out = v_obj(&p->ob);
  if (!v_is_undef(a[1])) p->target = v_incref(a[1]);
  if (threading_args_tuple(ts, a[3], &p->args) < 0 || process_default_name(ts, p) < 0) goto fail;
  if (!v_is_undef(a[2]) && !v_is_none(a[2])) {
    Value s;
    if (vm_str(ts, a[2], &s) < 0) goto fail;
    obj_decref(p->name);
    p->name = s.as.o;
  }
  if (v_is_type(a[4], &DictType)) {
    p->kwargs = a[4].as.o;
    obj_incref(p->kwargs);
  }
  if (!v_is_undef(a[5]) && !v_is_none(a[5])) {
    int d = vm_truthy(ts, a[5]);
    if (d < 0) goto fail;
    p->daemon = d;
  } else {
    p->daemon = get_current_process(ts)->daemon;
  }
  return 0;
fail:
  obj_decref(&p->ob);
  return -1;
}

static int process_repr(TState *ts, Value self, Value *out) {
  ProcessObj *p = (ProcessObj *)self.as.o;
  process_poll(p);
  char status[48];
  if (p->is_main || p->pid == getpid()) snprintf(status, sizeof status, "started");
  else if (p->pid == 0) snprintf(status, sizeof status, "initial");
  else if (!p->reaped) snprintf(status, sizeof status, "started");
  else snprintf(status, sizeof status, "stopped exitcode=%d", p->exitcode);
  Obj *s = str_fmt(ts, "<%s name='%s' %s%s>", p->is_main ? "_MainProcess" : "Process",
                   ((StrObj *)p->name)->data, status, p->daemon ? " daemon" : "");
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

static int process_getattr(TState *ts, Value self, Obj *name, Value *out) {
  ProcessObj *p = (ProcessObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "name") == 0) {
    obj_incref(p->name);
    *out = v_obj(p->name);
  } else if (strcmp(n, "daemon") == 0) {
    *out = v_bool(p->daemon);
  } else if (strcmp(n, "pid") == 0 || strcmp(n, "ident") == 0) {
    *out = p->pid ? v_int(p->pid) : v_none();
  } else if (strcmp(n, "exitcode") == 0) {
    process_poll(p);
    *out = p->reaped ? v_int(p->exitcode) : v_none();
  } else {
    Obj *m = type_lookup_method(&ProcessType, name);
    if (!m)
      return vm_raise(ts, &AttributeError_Type, "'Process' object has no attribute '%s'", n);
    Obj *b = builtin_new(ts, ((BuiltinObj *)m)->def, self, NULL);
    if (!b) return -1;
    *out = v_obj(b);
  }
  return 0;
}

static int process_setattr(TState *ts, Value self, Obj *name, Value val) {
  ProcessObj *p = (ProcessObj *)self.as.o;
  const char *n = ((StrObj *)name)->data;
  if (strcmp(n, "name") == 0) {
    if (!v_is_type(val, &StrType)) return vm_raise(ts, &TypeError_Type, "name must be a string");
    obj_decref(p->name);
    obj_incref(val.as.o);
    p->name = val.as.o;
    return 0;
  }
  if (strcmp(n, "daemon") == 0) {
    if (p->pid) return vm_raise(ts, &AssertionError_Type, "process has already started");
    int d = vm_truthy(ts, val);
    if (d < 0) return -1;
    p->daemon = d;
    return 0;
  }
  return vm_raise(ts, &AttributeError_Type, "'Process' object has no attribute '%s'", n);
}

Type ProcessType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "Process",
    .dealloc = process_dealloc,
    .construct = process_construct,
    .repr = process_repr,
    .getattr = process_getattr,
    .setattr = process_setattr,
    .methods = process_methods,
};

/* ---- Pool and its results -------------------------------------------------------------- */

enum { TASK_QUEUED, TASK_RUNNING, TASK_DONE };
enum { POOL_RUN, POOL_CLOSE, POOL_TERMINATE };

typedef struct PoolObj PoolObj;

/* One task, and the AsyncResult apply_async returns for it. A map chunk
 * applies func to each item of args and returns the list. */
typedef struct ResultObj {
  Obj ob;
  PoolObj *pool;   /* strong while the task is not done */
  Value func;
  Obj *args;       /* tuple */
  bool map_chunk;
  int state;
  pid_t pid;
  int fd;          /* read end of the result pipe while running */
  bool ok;
  Value value;     /* the result, or the exception to raise */
} ResultObj;

struct PoolObj {
  Obj ob;
  int nproc, state, running;
  ResultObj **tasks; /* not done yet, in submission order; a reference each */
  size_t ntasks, cap;
};

extern Type PoolType, AsyncResultType;

/* In the worker: the task's value, or the exception as (type name, args). */
static int task_compute(TState *ts, ResultObj *r, Value *out) {
  TupleObj *a = (TupleObj *)r->args;
  if (!r->map_chunk) return vm_call(ts, r->func, a->items, (int)a->len, NULL, out);
  Obj *l = list_new(ts, 0);
  if (!l) return -1;
  for (size_t i = 0; i < a->len; i++) {
    Value v;
    int rc = vm_call(ts, r->func, &a->items[i], 1, NULL, &v);
    if (rc == 0) {
      rc = list_append(ts, l, v);
      v_decref(v);
    }
    if (rc < 0) {
      obj_decref(l);
      return -1;
    }
  }
  *out = v_obj(l);
  return 0;
}

/* Encodes the current exception as 'E' (type name, args), falling back to
 * (str(exc),) when the args do not marshal. */
static int encode_exception(TState *ts, MBuf *b) {
  Value e = vm_exc_fetch(ts);
  ExcObj *x = (ExcObj *)e.as.o;
  Obj *tn = str_from_cstr(ts, x->ob.type->name);
  b->len = 0;
  int rc = -1;
  if (tn && mbuf_add(b, "E", 1) == 0) {
    Obj *t = tuple_pack(ts, 2, v_obj(tn), v_obj(x->args));
    size_t mark = b->len;
    if (t && mp_marshal_dump(ts, v_obj(t), b) == 0) {
      rc = 0;
    } else {
      vm_exc_clear(ts);
      b->len = mark;
      Value s;
      if (vm_str(ts, e, &s) == 0) {
        Obj *t2 = tuple_pack(ts, 2, v_obj(tn), v_obj(tuple_pack(ts, 1, s)));
        rc = t2 ? mp_marshal_dump(ts, v_obj(t2), b) : -1;
        obj_xdecref(t2);
        v_decref(s);
      }
    }
    obj_xdecref(t);
  }
  obj_xdecref(tn);
  v_decref(e);
  return rc;
}

static void write_all(int fd, const unsigned char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

static _Noreturn void task_child(TState *ts, ResultObj *r, int wfd) {
  child_after_fork(ts);
  ProcessObj *me = process_alloc(ts);
  if (me) {
    me->name = str_fmt(ts, "ForkPoolWorker-%d", ++pool_worker_counter);
    me->identity = str_from_cstr(ts, "");
    me->pid = getpid();
    me->daemon = true;
    if (current_process) obj_decref(&current_process->ob);
    current_process = me;
  }
  MBuf b = {0};
  Value v;
  if (task_compute(ts, r, &v) == 0) {
    mbuf_add(&b, "R", 1);
    if (mp_marshal_dump(ts, v, &b) < 0) encode_exception(ts, &b);
    v_decref(v);
  } else {
    encode_exception(ts, &b);
  }
  write_all(wfd, b.data, b.len);
  close(wfd);
  child_exit(ts, 0);
}

static int task_start(TState *ts, PoolObj *pool, ResultObj *r) {
  int fds[2];
  if (pipe(fds) < 0) return vm_raise(ts, &OSError_Type, "[Errno %d] %s", errno, strerror(errno));
  pid_t pid = fork_flushed(ts);
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    close(fds[0]);
    task_child(ts, r, fds[1]);
  }
  close(fds[1]);
  r->pid = pid;
  r->fd = fds[0];
  r->state = TASK_RUNNING;
  pool->running++;
  pool_pid_add(pid);
  return 0;
}

static void pool_forget(PoolObj *pool, ResultObj *r) {
  for (size_t i = 0; i < pool->ntasks; i++)
    if (pool->tasks[i] == r) {
      memmove(&pool->tasks[i], &pool->tasks[i + 1], (pool->ntasks - i - 1) * sizeof *pool->tasks);
      pool->ntasks--;
      break;
    }
  r->pool = NULL;
  obj_decref(&r->ob);
  obj_decref(&pool->ob);
}

/* The task is finished: its value or exception is set, the pool lets go. */
static void task_done(PoolObj *pool, ResultObj *r, bool ok, Value value) {
  v_set(&r->value, value);
  r->ok = ok;
  r->state = TASK_DONE;
  v_set(&r->func, v_none());
  obj_xdecref(r->args);
  r->args = NULL;
  pool_forget(pool, r);
}

static int task_failed(TState *ts, PoolObj *pool, ResultObj *r, Type *type, const char *msg) {
  Obj *args = tuple_new(ts, 1);
  Obj *s = str_from_cstr(ts, msg);
  if (!args || !s) {
    obj_xdecref(args);
    obj_xdecref(s);
    return -1;
  }
  v_set(&as_tuple(v_obj(args))->items[0], v_obj(s));
  Obj *e = exc_new(ts, type, args);
  obj_decref(args);
  if (!e) return -1;
  obj_incref(&r->ob);
  task_done(pool, r, false, v_obj(e));
  obj_decref(&r->ob);
  return 0;
}

/* Turns what the worker wrote into the result's value or exception. */
static int task_decode(TState *ts, PoolObj *pool, ResultObj *r, const MBuf *b, int code) {
  if (b->len == 0) {
    char msg[80];
    snprintf(msg, sizeof msg, "pool worker exited with code %d and no result", code);
    return task_failed(ts, pool, r, &RuntimeError_Type, msg);
  }
  size_t pos = 1;
  Value v;
  if (mp_marshal_load(ts, b->data, b->len, &pos, &v) < 0) return -1;
  obj_incref(&r->ob);
  int rc = 0;
  if (b->data[0] == 'R') {
    task_done(pool, r, true, v);
  } else {
    /* ('ValueError', args): the builtin exception of that name, else RuntimeError */
    TupleObj *t = as_tuple(v);
    Value tv = dict_get_str_borrowed(ts->interp->builtins, str_intern(as_str(t->items[0])->data));
    Type *type = &RuntimeError_Type;
    if (v_is_type(tv, &TypeType) && (((Type *)tv.as.o)->flags & TF_EXCEPTION)) type = (Type *)tv.as.o;
    Obj *e = exc_new(ts, type, t->items[1].as.o);
    v_decref(v);
    if (e) task_done(pool, r, false, v_obj(e));
    else rc = -1;
  }
  obj_decref(&r->ob);
  return rc;
}

/* Reads the finished worker's whole result and reaps it, GIL released. */
static int task_collect(TState *ts, PoolObj *pool, ResultObj *r) {
  int fd = r->fd;
  pid_t pid = r->pid;
  MBuf b = {0};
  unsigned char chunk[65536];
  bool nomem = false;
  vm_blocking_begin(ts);
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (mbuf_add(&b, chunk, (size_t)n) < 0) nomem = true;
  }
  close(fd);
  vm_blocking_end(ts);
  int code = reap_blocking(ts, pid);
  pool_pid_remove(pid);
  r->fd = -1;
  pool->running--;
  int rc = nomem ? vm_raise_nomem(ts) : task_decode(ts, pool, r, &b, code);
  mbuf_free(&b);
  return rc;
}

/* Starts queued tasks while there are free slots. */
static int pool_fill(TState *ts, PoolObj *pool) {
  for (size_t i = 0; i < pool->ntasks && pool->running < pool->nproc; i++)
    if (pool->tasks[i]->state == TASK_QUEUED && task_start(ts, pool, pool->tasks[i]) < 0)
      return -1;
  return 0;
}

/* Waits for some running task to finish (up to timeout_ms, -1 forever) and
 * collects every one that has. */
static int pool_step(TState *ts, PoolObj *pool, int timeout_ms) {
  struct pollfd fds[256];
  ResultObj *who[256];
  int n = 0;
  for (size_t i = 0; i < pool->ntasks && n < 256; i++)
    if (pool->tasks[i]->state == TASK_RUNNING) {
      fds[n].fd = pool->tasks[i]->fd;
      fds[n].events = POLLIN;
      who[n++] = pool->tasks[i];
    }
  if (n == 0) return 0;
  int ready;
  vm_blocking_begin(ts);
  do ready = poll(fds, (nfds_t)n, timeout_ms);
  while (ready < 0 && errno == EINTR);
  vm_blocking_end(ts);
  for (int i = 0; i < n && ready > 0; i++) {
    if (!fds[i].revents) continue;
    /* who[i] is still ours: only this thread collects while it waits? no:
     * another thread may have, so check it is still running */
    if (who[i]->state != TASK_RUNNING || who[i]->fd != fds[i].fd) continue;
    ResultObj *r = who[i];
    obj_incref(&r->ob);
    int rc = task_collect(ts, pool, r);
    obj_decref(&r->ob);
    if (rc < 0) return -1;
  }
  return 0;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs the pool until `want` is done (NULL: until no task is left), or the
 * timeout (< 0: none) passes. Returns 1 done, 0 timed out, -1 error. */
static int pool_pump(TState *ts, PoolObj *pool, ResultObj *want, double timeout) {
  double deadline = timeout >= 0 ? now_s() + timeout : 0;
  obj_incref(&pool->ob);
  int rc = 1;
  for (;;) {
    if (pool_fill(ts, pool) < 0) {
      rc = -1;
      break;
    }
    if (want ? want->state == TASK_DONE : pool->ntasks == 0) break;
    int ms = -1;
    if (timeout >= 0) {
      double left = deadline - now_s();
      if (left <= 0) {
        rc = 0;
        break;
      }
      ms = (int)(left * 1000) + 1;
    }
    if (pool_step(ts, pool, ms) < 0) {
      rc = -1;
      break;
    }
  }
  obj_decref(&pool->ob);
  return rc;
}

static ResultObj *pool_submit(TState *ts, PoolObj *pool, Value func, Obj *args, bool map_chunk) {
  if (pool->state != POOL_RUN) {
    vm_raise(ts, &ValueError_Type, "Pool not running");
    return NULL;
  }
  if (pool->ntasks == pool->cap) {
    size_t cap = pool->cap ? pool->cap * 2 : 8;
    ResultObj **t = realloc(pool->tasks, cap * sizeof *t);
    if (!t) {
      vm_raise_nomem(ts);
      return NULL;
    }
    pool->tasks = t;
    pool->cap = cap;
  }
  ResultObj *r = (ResultObj *)vm_alloc(ts, &AsyncResultType, sizeof(ResultObj));
  if (!r) return NULL;
  r->pool = pool;
  obj_incref(&pool->ob);
  r->func = v_incref(func);
  r->args = args;
  obj_incref(args);
  r->map_chunk = map_chunk;
  r->state = TASK_QUEUED;
  r->pid = 0;
  r->fd = -1;
  r->ok = false;
  r->value = v_none();
  obj_incref(&r->ob);
  pool->tasks[pool->ntasks++] = r;
  if (pool_fill(ts, pool) < 0) {
    obj_decref(&r->ob);
    return NULL;
  }
  return r;
}

/* Kills the running workers, reaps them, and fails every unfinished task. */
static int pool_terminate_all(TState *ts, PoolObj *pool) {
  pool->state = POOL_TERMINATE;
  obj_incref(&pool->ob);
  int rc = 0;
  while (pool->ntasks && rc == 0) {
    ResultObj *r = pool->tasks[0];
    if (r->state == TASK_RUNNING) {
      kill(r->pid, SIGTERM);
      close(r->fd);
      reap_blocking(ts, r->pid);
      pool_pid_remove(r->pid);
      pool->running--;
      r->fd = -1;
    }
    if (r->state != TASK_DONE) rc = task_failed(ts, pool, r, &RuntimeError_Type, "pool terminated");
  }
  obj_decref(&pool->ob);
  return rc;
}

/* ---- AsyncResult methods ----------------------------------------------------------------- */

static int result_wait_for(TState *ts, ResultObj *r, Value tmo, bool *done) {
  double timeout;
  if (module_timeout_arg(ts, tmo, &timeout) < 0) return -1;
  if (r->state != TASK_DONE) {
    int rc = pool_pump(ts, r->pool, r, timeout);
    if (rc < 0) return -1;
  }
  *done = r->state == TASK_DONE;
  return 0;
}

static int result_get(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  ResultObj *r = (ResultObj *)self.as.o;
  static const char *const names[] = {"timeout"};
  Value a[1];
  bool done;
  if (vm_parse_args(ts, "get", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (result_wait_for(ts, r, a[0], &done) < 0) return -1;
  if (!done) return vm_raise(ts, &TimeoutError_Type, "%s", "");
  if (!r->ok) return vm_raise_value(ts, r->value);
  *out = v_incref(r->value);
  return 0;
}

static int result_wait(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                       Value *out) {
  static const char *const names[] = {"timeout"};
  Value a[1];
  bool done;
  if (vm_parse_args(ts, "wait", args, nargs, kwargs, names, 1, 1, 0, a) < 0) return -1;
  if (result_wait_for(ts, (ResultObj *)self.as.o, a[0], &done) < 0) return -1;
  *out = v_none();
  return 0;
}

static int result_ready(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  ResultObj *r = (ResultObj *)self.as.o;
  bool done;
  if (vm_parse_args(ts, "ready", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (result_wait_for(ts, r, v_float(0), &done) < 0) return -1;
  *out = v_bool(done);
  return 0;
}

static int result_successful(TState *ts, Value self, const Value *args, int nargs,
                             Obj *kwargs, Value *out) {
  ResultObj *r = (ResultObj *)self.as.o;
  if (vm_parse_args(ts, "successful", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (r->state != TASK_DONE) return vm_raise(ts, &ValueError_Type, "%p not ready", (void *)r);
  *out = v_bool(r->ok);
  return 0;
}

static void result_dealloc(Obj *self) {
  ResultObj *r = (ResultObj *)self;
  v_decref(r->func);
  obj_xdecref(r->args);
  v_decref(r->value);
  obj_xdecref(r->pool ? &r->pool->ob : NULL);
  vm_free_obj(self);
}

static const MethodDef result_methods[] = {
    {"get", result_get},     {"wait", result_wait},
    {"ready", result_ready}, {"successful", result_successful},
    {NULL, NULL},
};

Type AsyncResultType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "ApplyResult",
    .dealloc = result_dealloc,
    .methods = result_methods,
};

/* ---- Pool methods ------------------------------------------------------------------------ */

static int pool_apply_async(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                            Value *out) {
  static const char *const names[] = {"func", "args", "kwds", "callback", "error_callback"};
  Value a[5];
  if (vm_parse_args(ts, "apply_async", args, nargs, kwargs, names, 5, 5, 1, a) < 0) return -1;
  for (int i = 2; i < 5; i++)
    if (!v_is_undef(a[i]) && !v_is_none(a[i]))
      return vm_raise(ts, &NotImplementedError_Type, "apply_async: %s is not supported", names[i]);
  Obj *targs;
  if (threading_args_tuple(ts, a[1], &targs) < 0) return -1;
  ResultObj *r = pool_submit(ts, (PoolObj *)self.as.o, a[0], targs, false);
  obj_decref(targs);
  if (!r) return -1;
  *out = v_obj(&r->ob);
  return 0;
}

static int pool_apply(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  Value r;
  if (pool_apply_async(ts, self, args, nargs, kwargs, &r) < 0) return -1;
  int rc = result_get(ts, r, NULL, 0, NULL, out);
  v_decref(r);
  return rc;
}

/* Submits the chunks of a map; *chunks gets a list of their results. */
static int map_submit(TState *ts, PoolObj *pool, Value func, ListObj *items, int64_t chunksize,
                      Obj **chunks) {
  *chunks = list_new(ts, 0);
  if (!*chunks) return -1;
  for (size_t i = 0; i < items->len; i += (size_t)chunksize) {
    size_t n = items->len - i < (size_t)chunksize ? items->len - i : (size_t)chunksize;
    Obj *t = tuple_from_array(ts, items->items + i, n);
    ResultObj *r = t ? pool_submit(ts, pool, func, t, true) : NULL;
    obj_xdecref(t);
    if (!r || list_append(ts, *chunks, v_obj(&r->ob)) < 0) {
      if (r) obj_decref(&r->ob);
      return -1;
    }
    obj_decref(&r->ob);
  }
  return 0;
}

static int pool_map(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                    Value *out) {
  PoolObj *pool = (PoolObj *)self.as.o;
  static const char *const names[] = {"func", "iterable", "chunksize"};
  Value a[3];
  if (vm_parse_args(ts, "map", args, nargs, kwargs, names, 3, 3, 2, a) < 0) return -1;
  Obj *items;
  if (vm_to_list(ts, a[1], &items) < 0) return -1;
  ListObj *il = (ListObj *)items;
  /* CPython's default: about four chunks per worker */
  int64_t chunksize = (int64_t)il->len / (pool->nproc * 4);
  if ((int64_t)il->len % (pool->nproc * 4)) chunksize++;
  if (!v_is_undef(a[2]) && !v_is_none(a[2])) {
    if (!v_is_int(a[2])) {
      obj_decref(items);
      return vm_raise(ts, &TypeError_Type, "chunksize must be an integer");
    }
    chunksize = a[2].as.i;
  }
  if (chunksize < 1) chunksize = 1;
  Obj *chunks = NULL, *result = NULL;
  int rc = map_submit(ts, pool, a[0], il, chunksize, &chunks);
  obj_decref(items);
  if (rc == 0 && !(result = list_new(ts, 0))) rc = -1;
  for (size_t i = 0; rc == 0 && i < ((ListObj *)chunks)->len; i++) {
    Value part;
    rc = result_get(ts, ((ListObj *)chunks)->items[i], NULL, 0, NULL, &part);
    if (rc == 0) {
      rc = list_extend(ts, result, part);
      v_decref(part);
    }
  }
  obj_xdecref(chunks);
  if (rc < 0) {
    obj_xdecref(result);
    return -1;
  }
  *out = v_obj(result);
  return 0;
}

static int pool_close(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  PoolObj *pool = (PoolObj *)self.as.o;
  if (vm_parse_args(ts, "close", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (pool->state == POOL_RUN) pool->state = POOL_CLOSE;
  *out = v_none();
  return 0;
}

static int pool_join(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  PoolObj *pool = (PoolObj *)self.as.o;
  if (vm_parse_args(ts, "join", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (pool->state == POOL_RUN) return vm_raise(ts, &ValueError_Type, "Pool is still running");
  if (pool_pump(ts, pool, NULL, -1) < 0) return -1;
  *out = v_none();
  return 0;
}

static int pool_terminate(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  if (vm_parse_args(ts, "terminate", args, nargs, kwargs, NULL, 0, 0, 0, NULL) < 0) return -1;
  if (pool_terminate_all(ts, (PoolObj *)self.as.o) < 0) return -1;
  *out = v_none();
  return 0;
}

static int pool_enter(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                      Value *out) {
  (void)args;
  (void)nargs;
  (void)kwargs;
  if (((PoolObj *)self.as.o)->state != POOL_RUN)
    return vm_raise(ts, &ValueError_Type, "Pool not running");
  *out = v_incref(self);
  return 0;
}

/* As CPython's Pool.__exit__: terminate(), whatever is still running. */
static int pool_exit(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                     Value *out) {
  (void)args;
  (void)nargs;
  (void)kwargs;
  return pool_terminate(ts, self, NULL, 0, NULL, out);
}

static const MethodDef pool_methods[] = {
    {"apply_async", pool_apply_async}, {"apply", pool_apply},   {"map", pool_map},
    {"close", pool_close},             {"join", pool_join},     {"terminate", pool_terminate},
    {"__enter__", pool_enter},         {"__exit__", pool_exit}, {NULL, NULL},
};

static int cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static int pool_construct(TState *ts, Type *type, const Value *args, int nargs, Obj *kwargs,
                          Value *out) {
  (void)type;
  static const char *const names[] = {"processes", "initializer", "initargs", "maxtasksperchild"};
  Value a[4];
  if (vm_parse_args(ts, "Pool", args, nargs, kwargs, names, 4, 4, 0, a) < 0) return -1;
  for (int i = 1; i < 4; i++)
    if (!v_is_undef(a[i]) && !v_is_none(a[i]))
      return vm_raise(ts, &NotImplementedError_Type, "Pool: %s is not supported", names[i]);
  int64_t n = cpu_count();
  if (!v_is_undef(a[0]) && !v_is_none(a[0])) {
    if (!v_is_int(a[0]))
      return vm_raise(ts, &TypeError_Type, "'%s' object cannot be interpreted as an integer",
                      v_type(a[0])->name);
    n = a[0].as.i;
    if (n < 1) return vm_raise(ts, &ValueError_Type, "Number of processes must be at least 1");
    if (n > 256) n = 256; /* what one poll() in pool_step watches */
  }
  PoolObj *p = (PoolObj *)vm_alloc(ts, &PoolType, sizeof(PoolObj));
  if (!p) return -1;
  p->nproc = (int)n;
  p->state = POOL_RUN;
  p->running = 0;
  p->tasks = NULL;
  p->ntasks = p->cap = 0;
  *out = v_obj(&p->ob);
  return 0;
}

static void pool_dealloc(Obj *self) {
  free(((PoolObj *)self)->tasks);
  vm_free_obj(self);
}

static int pool_repr(TState *ts, Value self, Value *out) {
  PoolObj *p = (PoolObj *)self.as.o;
  static const char *const states[] = {"RUN", "CLOSE", "TERMINATE"};
  Obj *s = str_fmt(ts, "<multiprocessing.pool.Pool state=%s pool_size=%d>", states[p->state],
                   p->nproc);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

Type PoolType = {
    .ob = {IMMORTAL_REFCNT, &TypeType},
    .name = "Pool",
    .dealloc = pool_dealloc,
    .construct = pool_construct,
    .repr = pool_repr,
    .methods = pool_methods,
};

/* ---- module functions ----------------------------------------------------------------------- */

static int fn_cpu_count(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs,
                        Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "cpu_count", nargs, kwargs) < 0) return -1;
  *out = v_int(cpu_count());
  return 0;
}

static int fn_current_process(TState *ts, Value self, const Value *args, int nargs,
                              Obj *kwargs, Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "current_process", nargs, kwargs) < 0) return -1;
  ProcessObj *p = get_current_process(ts);
  if (!p) return -1;
  obj_incref(&p->ob);
  *out = v_obj(&p->ob);
  return 0;
}

static int fn_active_children(TState *ts, Value self, const Value *args, int nargs,
                              Obj *kwargs, Value *out) {
  (void)self;
  (void)args;
  if (module_no_args(ts, "active_children", nargs, kwargs) < 0) return -1;
  Obj *l = list_new(ts, 0);
  if (!l) return -1;
  /* polling reaps finished children (and drops them from the registry) */
  for (ProcessObj *p = children, *next; p; p = next) {
    next = p->reg_next;
    process_poll(p);
  }
  for (ProcessObj *p = children; p; p = p->reg_next)
    if (list_append(ts, l, v_obj(&p->ob)) < 0) {
      obj_decref(l);
      return -1;
    }
  *out = v_obj(l);
  return 0;
}

static const MethodDef mp_functions[] = {
    {"cpu_count", fn_cpu_count},
    {"current_process", fn_current_process},
    {"active_children", fn_active_children},
    {NULL, NULL},
};

int multiprocessing_join_children(TState *ts) {
  /* pool workers left running: stopped, as the pool's finalizer does */
  for (int i = 0; i < npool_pids; i++) kill(pool_pids[i], SIGTERM);
  while (npool_pids) {
    pid_t pid = pool_pids[--npool_pids];
    reap_blocking(ts, pid);
  }
  /* daemonic processes are terminated, the others joined */
  for (ProcessObj *p = children; p; p = p->reg_next)
    if (p->daemon) kill(p->pid, SIGTERM);
  while (children) {
    ProcessObj *p = children;
    obj_incref(&p->ob);
    process_wait(ts, p, -1);
    if (children == p) children_remove(p); /* reaped elsewhere */
    obj_decref(&p->ob);
  }
  return 0;
}

static int mp_init(TState *ts, Obj *m) {
  if (module_add_functions(ts, m, mp_functions) < 0) return -1;
  if (module_add(ts, m, "Process", v_obj(&ProcessType.ob)) < 0 ||
      module_add(ts, m, "Pool", v_obj(&PoolType.ob)) < 0)
    return -1;
  return module_add(ts, m, "TimeoutError", v_obj(&TimeoutError_Type.ob));
}

const NativeModuleDef mod_multiprocessing_def = {"multiprocessing", mp_init};
