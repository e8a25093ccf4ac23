/*
 * gil_trace.h - a GIL timeline (gil_trace, recorded by gil.c) as Chrome
 * trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing
 * open: one track per thread, slices "wants_gil", "running <label>", "io"
 * and "idle".
 */
#ifndef GILD_GIL_TRACE_H
#define GILD_GIL_TRACE_H

#include <stdio.h>

#include "gil.h"

/* Writes {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}
 * to f. `process` names the process track ("gild", the script's name).
 * Returns 0, or -1 on a write error or ENOMEM. */
int gil_trace_write_json(const gil_trace *tr, const char *process, FILE *f);

#endif
