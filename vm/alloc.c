/*
 * alloc.c - object allocation and deallocation.
 *
 * Every heap object goes through vm_alloc, so the live/total counters that
 * metrics report are exact. Container types (TF_GC) get a GCHead in front
 * of the object and are put on the cycle collector's list; everything else
 * is a plain malloc.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "vm.h"

/* Only a thread holding the GIL allocates or frees, so each counter has one
 * writer at a time and a relaxed load+store updates it (no locked
 * instruction); they are atomics because /metrics reads them from the event
 * loop without the GIL. */
static _Atomic int64_t alloc_live, alloc_total;

static inline void counter_add(_Atomic int64_t *c, int64_t d) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d, memory_order_relaxed);
}

Obj *vm_alloc(TState *ts, Type *type, size_t size) {
  Obj *o;
  if (type->flags & TF_GC) {
    GCHead *h = malloc(sizeof(GCHead) + size);
    if (!h) {
      if (ts) vm_raise_nomem(ts);
      return NULL;
    }
    memset(h, 0, sizeof(GCHead));
    o = (Obj *)(h + 1);
  } else {
    o = malloc(size);
    if (!o) {
      if (ts) vm_raise_nomem(ts);
      return NULL;
    }
  }
  o->refcnt = 1;
  o->type = type;
  counter_add(&alloc_live, 1);
  counter_add(&alloc_total, 1);
  /* Tracked only once the header is valid; the object's own fields are
   * filled by the caller before any collection can run (collections run
   * at the eval breaker, never inside an allocation). */
  if (type->flags & TF_GC) gc_track(ts, o);
  return o;
}

void vm_free_obj(Obj *o) {
  counter_add(&alloc_live, -1);
  if (o->type->flags & TF_GC) {
    gc_untrack(o);
    free(OBJ_GCHEAD(o));
  } else {
    free(o);
  }
}

void obj_dealloc(Obj *o) {
  /* Immortal objects (types, interned strings) never reach zero for real;
   * restore the count if some imbalance brought one there. */
  if (o->type == &TypeType) {
    o->refcnt = IMMORTAL_REFCNT;
    return;
  }
  o->type->dealloc(o);
}

int64_t vm_alloc_live(void) { return atomic_load_explicit(&alloc_live, memory_order_relaxed); }
int64_t vm_alloc_total(void) { return atomic_load_explicit(&alloc_total, memory_order_relaxed); }
