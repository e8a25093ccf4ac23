/*
 * gc.c - the cycle collector, CPython's algorithm with one generation.
 *
 * Every TF_GC object carries a GCHead (prev/next/gc_refs) in front of it
 * and sits on the interpreter's doubly-linked list while it is alive.
 * Reference counting frees everything else; what it cannot free are
 * groups of containers that only reference each other. A collection:
 *
 *   1. moves the whole list to a private `young` list and copies each
 *      object's refcnt into gc_refs;
 *   2. traverses every object and decrements gc_refs of every referent
 *      that is also in `young`. What remains in gc_refs counts references
 *      from OUTSIDE the tracked set (the stack, globals of C code, ...);
 *   3. objects with gc_refs > 0 are roots. Everything reachable from a
 *      root is moved back (move_unreachable, which scans the list in order
 *      and appends newly found reachable objects to its tail, so no
 *      recursion is needed); the rest is unreachable;
 *   4. the reachable ones rejoin the main list; each unreachable object is
 *      `clear`ed while we hold an extra reference to it, which breaks the
 *      cycles, and reference counting then frees them.
 *
 * gc_refs outside a collection is GC_OUTSIDE, so a referent that was
 * tracked during a collection (or is on the main list) is never counted.
 *
 * Only a thread holding the GIL runs any of this; the counters that have
 * no TState at hand (gc_untrack, gc_collections) are file statics for that
 * reason (one interpreter per process).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "gc.h"
#include "gc_state.h"
#include "vm.h"

#define GC_THRESHOLD 700
#define GC_OUTSIDE ((intptr_t)-1)   /* not in a collection's working set */
#define GC_TENTATIVE ((intptr_t)-2) /* on the unreachable list, so far */

typedef struct GCState {
  GCHead head; /* sentinel of the list of tracked objects */
  bool enabled;
  bool collecting;
} GCState;

/* Tracked allocations minus deallocations since the last collection. */
static int64_t gc_pending_allocs;
/* Read by /metrics without the GIL; written only by the GIL holder. */
static _Atomic int64_t gc_ncollections;

static Obj *head_obj(GCHead *h) { return (Obj *)(h + 1); }

static void gclist_init(GCHead *list) {
  list->prev = list->next = list;
}

static void gclist_append(GCHead *list, GCHead *h) {
  h->prev = list->prev;
  h->next = list;
  list->prev->next = h;
  list->prev = h;
}

static void gclist_unlink(GCHead *h) {
  h->prev->next = h->next;
  h->next->prev = h->prev;
  h->prev = h->next = NULL;
}

/* Moves every element of `from` to the end of `to`, leaving `from` empty. */
static void gclist_merge(GCHead *from, GCHead *to) {
  if (from->next == from) return;
  GCHead *first = from->next, *last = from->prev;
  first->prev = to->prev;
  to->prev->next = first;
  last->next = to;
  to->prev = last;
  gclist_init(from);
}

static GCState *gc_state(TState *ts) {
  Interp *in = ts->interp;
  if (!in->gc_state) {
    GCState *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    gclist_init(&st->head);
    st->enabled = true;
    in->gc_state = st;
  }
  return in->gc_state;
}

void gc_state_free(void *gc_state) {
  free(gc_state);
}

void gc_track(TState *ts, Obj *o) {
  GCHead *h = OBJ_GCHEAD(o);
  GCState *st = gc_state(ts);
  h->gc_refs = GC_OUTSIDE;
  /* Without a state (out of memory) the object is simply never collected. */
  if (!st) {
    h->prev = h->next = NULL;
    return;
  }
  gclist_append(&st->head, h);
  if (++gc_pending_allocs > GC_THRESHOLD && st->enabled && !st->collecting)
    atomic_fetch_or(&ts->interp->eval_breaker, (uint32_t)EB_GC);
}

void gc_untrack(Obj *o) {
  GCHead *h = OBJ_GCHEAD(o);
  if (!h->next) return;
  gclist_unlink(h);
  if (gc_pending_allocs > 0) gc_pending_allocs--;
}

/* ---- the collection ---------------------------------------------------------- */

static bool in_working_set(Obj *o) {
  if (!(o->type->flags & TF_GC)) return false;
  GCHead *h = OBJ_GCHEAD(o);
  return h->next && h->gc_refs != GC_OUTSIDE;
}

static void visit_decref(Obj *o, void *arg) {
  (void)arg;
  if (!in_working_set(o)) return;
  GCHead *h = OBJ_GCHEAD(o);
  /* A refcount that undercounts its references (a bug elsewhere) must not
   * make the object look unreachable from outside: never go below 0. */
  if (h->gc_refs > 0) h->gc_refs--;
}

static void subtract_internal_refs(GCHead *young) {
  for (GCHead *h = young->next; h != young; h = h->next) h->gc_refs = head_obj(h)->refcnt;
  for (GCHead *h = young->next; h != young; h = h->next) {
    Obj *o = head_obj(h);
    if (o->type->traverse) o->type->traverse(o, visit_decref, NULL);
  }
}

/* A referent of a reachable object is reachable: if it was set aside as
 * tentatively unreachable, it goes back to the tail of `young`, where the
 * scan in move_unreachable will reach it and traverse it in turn. */
static void visit_reachable(Obj *o, void *arg) {
  if (!in_working_set(o)) return;
  GCHead *young = arg, *h = OBJ_GCHEAD(o);
  if (h->gc_refs == GC_TENTATIVE) {
    gclist_unlink(h);
    gclist_append(young, h);
    h->gc_refs = 1;
  } else if (h->gc_refs == 0) {
    h->gc_refs = 1; /* not scanned yet; it will be traversed when reached */
  }
}

static void move_unreachable(GCHead *young, GCHead *unreachable) {
  GCHead *h = young->next;
  while (h != young) {
    GCHead *next;
    if (h->gc_refs > 0) {
      Obj *o = head_obj(h);
      if (o->type->traverse) o->type->traverse(o, visit_reachable, young);
      next = h->next;
    } else {
      next = h->next;
      gclist_unlink(h);
      gclist_append(unreachable, h);
      h->gc_refs = GC_TENTATIVE;
    }
    h = next;
  }
}

static void mark_outside(GCHead *list) {
  for (GCHead *h = list->next; h != list; h = h->next) h->gc_refs = GC_OUTSIDE;
}

static int64_t gclist_size(GCHead *list) {
  int64_t n = 0;
  for (GCHead *h = list->next; h != list; h = h->next) n++;
  return n;
}

/* Clears the first unreachable object while holding a reference to it, so
 * it cannot be freed half-way through its own clear. If it survives (its
 * clear did not drop the references that kept it alive), it rejoins the
 * main list; otherwise deallocation already untracked it. */
static void delete_garbage(GCState *st, GCHead *unreachable) {
  while (unreachable->next != unreachable) {
    GCHead *h = unreachable->next;
    Obj *o = head_obj(h);
    obj_incref(o);
    if (o->type->clear) o->type->clear(o);
    if (unreachable->next == h) {
      gclist_unlink(h);
      h->gc_refs = GC_OUTSIDE;
      gclist_append(&st->head, h);
    }
    obj_decref(o);
  }
}

int64_t gc_collect(TState *ts) {
  GCState *st = gc_state(ts);
  if (!st) return vm_raise_nomem(ts);
  if (st->collecting) return 0;
  st->collecting = true;
  GCHead young, unreachable;
  gclist_init(&young);
  gclist_init(&unreachable);
  gclist_merge(&st->head, &young);

  subtract_internal_refs(&young);
  move_unreachable(&young, &unreachable);
  mark_outside(&young);
  gclist_merge(&young, &st->head);

  int64_t found = gclist_size(&unreachable);
  mark_outside(&unreachable);
  delete_garbage(st, &unreachable);

  gc_pending_allocs = 0;
  atomic_store_explicit(&gc_ncollections,
                        atomic_load_explicit(&gc_ncollections, memory_order_relaxed) + 1,
                        memory_order_relaxed);
  st->collecting = false;
  return found;
}

void gc_maybe_collect(TState *ts) {
  atomic_fetch_and(&ts->interp->eval_breaker, ~(uint32_t)EB_GC);
  GCState *st = gc_state(ts);
  if (!st || !st->enabled || st->collecting) return;
  if (gc_pending_allocs > GC_THRESHOLD) gc_collect(ts);
}

void gc_set_enabled(TState *ts, bool on) {
  GCState *st = gc_state(ts);
  if (st) st->enabled = on;
}

bool gc_is_enabled(TState *ts) {
  GCState *st = gc_state(ts);
  return st ? st->enabled : true;
}

int64_t gc_collections(void) {
  return atomic_load_explicit(&gc_ncollections, memory_order_relaxed);
}
