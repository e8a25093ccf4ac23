/*
 * alloc.c - object allocation and deallocation.
 *
 * Every heap object goes through vm_alloc, so the live/total counters that
 * metrics report are exact. Container types (TF_GC) get a GCHead in front
 * of the object and are put on the cycle collector's list; everything else
 * is a plain malloc.
 */
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "vm.h"

/* Plain integers: only a thread holding the GIL allocates or frees. */
static int64_t alloc_live, alloc_total;

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
  alloc_live++;
  alloc_total++;
  /* Tracked only once the header is valid; the object's own fields are
   * filled by the caller before any collection can run (collections run
   * at the eval breaker, never inside an allocation). */
  if (type->flags & TF_GC) gc_track(ts, o);
  return o;
}

void vm_free_obj(Obj *o) {
  alloc_live--;
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

int64_t vm_alloc_live(void) { return alloc_live; }
int64_t vm_alloc_total(void) { return alloc_total; }
