/*
 * runtime_metrics.h - the handler runtime's /metrics: the GIL's counters,
 * histograms and load ratios, per worker thread GIL and I/O time, and the
 * VM's object and collector counters, in Prometheus text format 0.0.4.
 */
#ifndef GILD_RUNTIME_METRICS_H
#define GILD_RUNTIME_METRICS_H

#include "gil.h"
#include "gil_load.h"
#include "handler.h"

struct Interp;

/* Reads atomics only (and the GIL's registry lock for the thread list):
 * never takes the GIL, never waits for a worker. `ld` and `in` may be NULL. */
void runtime_metrics_write(gil *g, gil_load *ld, struct Interp *in, gild_buf *out);

#endif
