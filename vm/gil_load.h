/*
 * gil_load.h - gil_load's figures for gild: how much of the time the GIL was
 * held, and how much of it threads spent waiting for it, as exponentially
 * weighted averages over 1, 5 and 15 minutes (like the Unix load average),
 * sampled once a second by a thread of its own from the GIL's counters.
 *
 * Definitions, per one-second sample of length dt:
 *   held ratio = GIL-held seconds in dt / dt            (0..1: one holder at a time)
 *   wait ratio = waiting-thread-seconds in dt / dt / N  (0..1: N = the threads that
 *                may want the GIL, the server's workers)
 * Held time includes the hold in progress; a wait is counted when it ends
 * (the counters know a wait's length only then), so a wait longer than a
 * second shows in the sample where it ended. Each average starts at 0 and
 * moves towards the samples with time constant 60, 300 or 900 s.
 */
#ifndef GILD_GIL_LOAD_H
#define GILD_GIL_LOAD_H

#include "gil.h"

typedef struct gil_load gil_load;

#define GIL_LOAD_WINDOWS 3
extern const char *const gil_load_window_names[GIL_LOAD_WINDOWS]; /* "1m", "5m", "15m" */

/* Starts the sampler thread; NULL on failure (no ratios then). */
gil_load *gil_load_start(gil *g, int nthreads);
/* Any thread, never blocks for long: copies the current averages. */
void gil_load_read(gil_load *ld, double held[GIL_LOAD_WINDOWS], double wait[GIL_LOAD_WINDOWS]);
/* Takes one sample now (the sampler does this every second; tests call it). */
void gil_load_sample(gil_load *ld);
/* Stops and joins the sampler and frees ld. */
void gil_load_stop(gil_load *ld);

#endif
