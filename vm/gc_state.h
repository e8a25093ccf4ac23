/*
 * gc_state.h - lifetime of the collector's per-interpreter state.
 *
 * gc.c allocates the state lazily (the first gc_track) and hangs it on
 * Interp.gc_state; vm_interp_free calls gc_state_free to release it. The
 * objects still tracked at that point are not touched.
 */
#ifndef GILD_GC_STATE_H
#define GILD_GC_STATE_H

void gc_state_free(void *gc_state);

#endif
