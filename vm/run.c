/*
 * run.c - `gild run FILE.py [ARGS]`, `gild run -c CODE [ARGS]` and
 * `gild dis FILE.py`: the VM as a command-line Python.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "code.h"
#include "compiler.h"
#include "gild_vm.h"
#include "objimpl.h"
#include "vm.h"
#include "vm_gil.h"
#include "gil_trace.h"
#include "mod_threading.h"

char *read_source_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  if (!buf) {
    fclose(f);
    return NULL;
  }
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 >= cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
  }
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

/* SystemExit's code decides the exit status, as in CPython. */
static int handle_system_exit(TState *ts) {
  Value exc = vm_exc_fetch(ts);
  ExcObj *e = (ExcObj *)exc.as.o;
  TupleObj *a = (TupleObj *)e->args;
  Value code = a->len == 0 ? v_none() : a->len == 1 ? a->items[0] : v_obj(e->args);
  int status = 0;
  if (v_is_none(code)) {
    status = 0;
  } else if (v_is_int(code) || v_is_bool(code)) {
    status = (int)(code.as.i & 0xff);
  } else {
    Value s;
    fflush(stdout);
    if (vm_str(ts, code, &s) == 0) {
      fprintf(stderr, "%s\n", as_str(s)->data);
      v_decref(s);
    } else {
      vm_exc_clear(ts);
    }
    status = 1;
  }
  v_decref(exc);
  return status;
}

static int usage(void) {
  fputs("usage: gild run FILE.py [ARGS...] | gild run -c CODE [ARGS...] | gild dis FILE.py\n", stderr);
  return 2;
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return strdup(".");
  if (slash == path) return strdup("/");
  return strndup(path, (size_t)(slash - path));
}

/* `gild run`'s own options, before the script: the GIL's policy and
 * switch interval, --gil-stats (one JSON line of the GIL's counters on
 * stderr at exit, for tests and experiments) and --gil-trace FILE (the
 * GIL timeline of the whole run as Chrome trace-event JSON), --no-native
 * (everything in the interpreter, as GILD_NATIVE=0 does); --version
 * prints the version and exits 0 (returned as 1). */
typedef struct run_options {
  gil_policy policy;
  double interval;
  bool stats;
  bool no_native;
  const char *trace_file;
} run_options;

static int parse_run_options(int *argc, char ***argv, run_options *o) {
  o->policy = GIL_POLICY_CPYTHON;
  o->interval = 0.005;
  o->stats = false;
  o->no_native = false;
  o->trace_file = NULL;
  while (*argc > 1 && strncmp((*argv)[1], "--", 2) == 0) {
    const char *a = (*argv)[1];
    const char *val = NULL;
    if (strcmp(a, "--version") == 0) {
      /* Like `python3 --version`: what a benchmark prints as the version. */
      printf("gild %s\n", GILD_VERSION);
      return 1;
    } else if (strcmp(a, "--gil-stats") == 0) {
      o->stats = true;
    } else if (strcmp(a, "--no-native") == 0) {
      o->no_native = true;
    } else if (strcmp(a, "--gil-trace") == 0 && *argc > 2) {
      val = o->trace_file = (*argv)[2];
    } else if ((strcmp(a, "--gil-policy") == 0 || strcmp(a, "--switch-interval") == 0) && *argc > 2) {
      val = (*argv)[2];
      if (a[2] == 'g' && gil_policy_parse(val, &o->policy) < 0) {
        fprintf(stderr, "gild: unknown GIL policy '%s' (cpython, fifo, io-priority, legacy)\n", val);
        return -1;
      }
      if (a[2] == 's') {
        char *end;
        o->interval = strtod(val, &end);
        if (*end || !(o->interval > 0) || o->interval > 1) {
          fprintf(stderr, "gild: --switch-interval must be seconds in (0, 1], not '%s'\n", val);
          return -1;
        }
      }
    } else {
      fprintf(stderr, "gild: unknown option '%s'\n", a);
      return -1;
    }
    int shift = val ? 2 : 1;
    (*argv)[shift] = (*argv)[0];
    *argv += shift;
    *argc -= shift;
  }
  return 0;
}

static void print_gil_stats(Interp *in) {
  if (!in->gil) return;
  gil_totals t;
  gil_read_totals(in->gil, &t);
  fprintf(stderr,
          "{\"gil_policy\": \"%s\", \"gil_switches\": %llu, \"gil_acquisitions\": %llu, "
          "\"gil_drop_requests\": %llu, \"gil_releases\": {\"io\": %llu, \"interval\": %llu, "
          "\"done\": %llu, \"yield\": %llu}, \"gil_wait_s\": %.6f, \"gil_held_s\": %.6f, "
          "\"gil_io_s\": %.6f, \"gil_hold_max_s\": %.6f}\n",
          gil_policy_name(gil_get_policy(in->gil)), (unsigned long long)t.switches,
          (unsigned long long)t.acquisitions, (unsigned long long)t.drop_requests,
          (unsigned long long)t.releases[GIL_RELEASE_IO], (unsigned long long)t.releases[GIL_RELEASE_INTERVAL],
          (unsigned long long)t.releases[GIL_RELEASE_DONE], (unsigned long long)t.releases[GIL_RELEASE_YIELD],
          t.wait_ns * 1e-9, t.held_ns * 1e-9, t.io_ns * 1e-9, t.hold_max_ns * 1e-9);
}

/* Ctrl-C: as in CPython, KeyboardInterrupt in the main thread at its next
 * eval-breaker check (or out of a time.sleep it interrupts). The handler
 * only sets the main thread's atomic flag (async-signal-safe); the one
 * static below is what a signal handler can reach. */
static TState *sigint_main_ts;

static void on_sigint(int sig) {
  (void)sig;
  TState *ts = sigint_main_ts;
  if (ts) atomic_fetch_or_explicit(&ts->pending, EB_ASYNC_EXC, memory_order_relaxed);
}

static void sigint_install(TState *main_ts) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART; /* system calls resume; nanosleep still ends with EINTR */
  /* a shell starting us in the background ignores SIGINT for us: keep that, as CPython does */
  struct sigaction old;
  if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return;
  sigint_main_ts = main_ts;
  sigaction(SIGINT, &sa, NULL);
}

/* Before the main thread's state goes away. */
static void sigint_uninstall(void) {
  if (!sigint_main_ts) return;
  signal(SIGINT, SIG_DFL);
  sigint_main_ts = NULL;
}

/* GILD_NATIVE_STATS=1: the native tier's counters on stderr at exit, for
 * tests (did the tier run, did it bail out) and for curious users. */
static void print_native_stats(Interp *in) {
  const char *e = getenv("GILD_NATIVE_STATS");
  if (!e || strcmp(e, "1") != 0) return;
  fprintf(stderr, "gild: native: %llu entered, %llu done, %llu bailed, %llu loop runs\n",
          (unsigned long long)atomic_load(&in->native_entered), (unsigned long long)atomic_load(&in->native_done),
          (unsigned long long)atomic_load(&in->native_bailed),
          (unsigned long long)atomic_load(&in->native_loop_runs));
}

/* --gil-trace: ends the recording and writes it. */
static void write_gil_trace(Interp *in, const char *path, const char *script) {
  gil_trace tr;
  if (!in->gil || gil_trace_stop(in->gil, &tr) < 0) return;
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "gild: --gil-trace: cannot write '%s'; check the directory exists and is writable\n", path);
  } else {
    int rc = gil_trace_write_json(&tr, script, f);
    if (fclose(f) != 0 || rc < 0) fprintf(stderr, "gild: --gil-trace: error writing '%s'\n", path);
  }
  if (tr.dropped)
    fprintf(stderr, "gild: --gil-trace: %llu GIL state changes did not fit the buffer\n",
            (unsigned long long)tr.dropped);
  gil_trace_release(&tr);
}

int gild_vm_main(int argc, char **argv) {
  run_options opts;
  int parsed = parse_run_options(&argc, &argv, &opts);
  if (parsed != 0) return parsed < 0 ? 2 : 0;
  if (argc < 2) return usage();
  bool dis = strcmp(argv[0], "dis") == 0;
  if (!dis && strcmp(argv[0], "run") != 0) return usage();
  const char *filename;
  char *src;
  size_t len;
  int argstart;
  if (!dis && strcmp(argv[1], "-c") == 0) {
    if (argc < 3) return usage();
    filename = "<string>";
    src = strdup(argv[2]);
    len = strlen(src);
    argstart = 3;
  } else {
    filename = argv[1];
    src = read_source_file(filename, &len);
    if (!src) {
      fprintf(stderr, "gild: can't open file '%s': No such file or directory\n", filename);
      return 2;
    }
    argstart = 2;
  }
  Interp *in = vm_interp_new();
  if (!in) {
    free(src);
    fputs("gild: cannot create the interpreter\n", stderr);
    return 1;
  }
  in->script_dir = strcmp(filename, "<string>") == 0 ? strdup(".") : dir_of(filename);
  if (opts.no_native) in->native_enabled = false;
  TState *ts = in->boot_ts;
  /* The main thread holds the GIL while it runs; threading.Thread and
   * blocking calls take turns with it. */
  if (vm_gil_create(in, opts.policy, opts.interval) < 0 || vm_gil_attach(ts, "MainThread") < 0) {
    fputs("gild: cannot create the GIL\n", stderr);
    vm_interp_free(in);
    free(src);
    return 1;
  }
  if (opts.trace_file && gil_trace_start(in->gil, GIL_TRACE_DEFAULT_EVENTS) < 0)
    fputs("gild: --gil-trace: cannot start the GIL trace (out of memory)\n", stderr);
  vm_gil_acquire(ts);
  Obj *arg0 = str_from_cstr(ts, strcmp(filename, "<string>") == 0 ? "-c" : filename);
  list_append(ts, in->argv, v_obj(arg0));
  obj_decref(arg0);
  for (int i = argstart; i < argc; i++) {
    Obj *s = str_from_cstr(ts, argv[i]);
    list_append(ts, in->argv, v_obj(s));
    obj_decref(s);
  }
  int status = 0;
  CodeObj *co = compile_source(ts, src, len, filename);
  free(src);
  if (!co || dis) {
    if (co) {
      code_disassemble(co, stdout);
      obj_decref(&co->ob);
    } else {
      vm_print_exception(ts);
    }
    /* the main thread still holds the GIL and its gil_thread */
    vm_gil_release(ts, GIL_RELEASE_DONE);
    vm_gil_detach(ts);
    vm_interp_free(in);
    return co ? 0 : 1;
  }
  sigint_install(ts);
  Obj *main = module_new(ts, "__main__");
  ModuleObj *mo = (ModuleObj *)main;
  dict_set_str(ts, mo->dict, "__file__", v_obj(str_intern(filename)));
  dict_set_str(ts, mo->dict, "__builtins__", v_obj(in->builtins));
  dict_set(ts, in->modules, v_obj(mo->name), v_obj(main));
  if (interp_run_module(ts, co, mo->dict) < 0) {
    if (vm_exc_matches(ts, &SystemExit_Type)) {
      status = handle_system_exit(ts);
    } else if (vm_exc_matches(ts, &KeyboardInterrupt_Type)) {
      /* as CPython: the traceback, then die of SIGINT so the parent sees it */
      vm_print_exception(ts);
      fflush(stdout);
      signal(SIGINT, SIG_DFL);
      raise(SIGINT);
      status = 130;
    } else {
      vm_print_exception(ts);
      status = 1;
    }
  }
  /* As CPython: the main thread waits for the other non-daemon threads
   * (and multiprocessing children) before the interpreter goes away. */
  if (threading_join_all(ts) < 0) vm_print_exception(ts);
  fflush(stdout);
  if (ferror(stdout)) status = status ? status : 1;
  if (threading_others_alive()) {
    /* Daemon threads still run: tearing the interpreter down under them
     * would free objects they use. Leave holding the GIL, so they stay
     * frozen, as CPython does at finalisation. */
    if (opts.stats) print_gil_stats(in);
    print_native_stats(in);
    fflush(stderr);
    _exit(status);
  }
  sigint_uninstall();
  obj_decref(&co->ob);
  obj_decref(main);
  vm_gil_release(ts, GIL_RELEASE_DONE);
  if (opts.stats) print_gil_stats(in);
  print_native_stats(in);
  if (opts.trace_file) write_gil_trace(in, opts.trace_file, filename);
  vm_gil_detach(ts);
  vm_interp_free(in);
  return status;
}
