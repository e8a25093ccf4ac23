/*
 * gil_trace.c - a recorded GIL timeline (gil.h's gil_trace) as Chrome
 * trace-event JSON.
 *
 * The recording is a list of state changes: (thread, state, time[, label]).
 * Each change opens a slice on its thread's track that lasts until the
 * thread's next change, or the end of the recording. Slices become "X"
 * (complete) events with ts and dur in microseconds since the start, and
 * each track gets a "thread_name" metadata event. Times are printed from
 * integer nanoseconds with three decimals, so consecutive slices of a track
 * meet exactly: they never overlap and never leave a gap. Zero-length
 * slices (an uncontended take is "wants" for no time at all) are left out,
 * and neighbours with the same name are merged.
 */
#include "gil_trace.h"

#include <stdlib.h>
#include <string.h>

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

static void json_us(FILE *f, uint64_t ns) {
  fprintf(f, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

/* A slice waiting to be written, so that the next one can extend it. */
typedef struct pending {
  int state; /* -1: none */
  const char *label;
  uint64_t from, to;
} pending;

typedef struct writer {
  FILE *f;
  const gil_trace *tr;
  bool first;
} writer;

static void sep(writer *w) {
  fputs(w->first ? "\n" : ",\n", w->f);
  w->first = false;
}

static void slice_name(FILE *f, int state, const char *label) {
  switch (state) {
  case GIL_STATE_WANTS: json_string(f, "wants_gil"); break;
  case GIL_STATE_IO: json_string(f, "io"); break;
  case GIL_STATE_IDLE: json_string(f, "idle"); break;
  default: {
    char buf[256];
    snprintf(buf, sizeof buf, label && *label ? "running %s" : "running", label);
    json_string(f, buf);
  }
  }
}

static void flush_slice(writer *w, int tid, const pending *p) {
  if (p->state < 0 || p->to <= p->from) return;
  sep(w);
  fputs("{\"name\": ", w->f);
  slice_name(w->f, p->state, p->label);
  fprintf(w->f, ", \"cat\": \"gil\", \"ph\": \"X\", \"pid\": 1, \"tid\": %d, \"ts\": ", tid);
  json_us(w->f, p->from - w->tr->start_ns);
  fputs(", \"dur\": ", w->f);
  json_us(w->f, p->to - p->from);
  fputs("}", w->f);
}

static bool same_slice(const pending *p, int state, const char *label) {
  if (p->state != state) return false;
  if (state != GIL_STATE_RUNNING || p->label == label) return true;
  return p->label && label && strcmp(p->label, label) == 0;
}

/* Adds the slice [from, to) of a track, merging it into the pending one
 * when they have the same name and meet. */
static void add_slice(writer *w, int tid, pending *p, int state, const char *label, uint64_t from,
                      uint64_t to) {
  if (to <= from) return;
  if (same_slice(p, state, label) && p->to == from) {
    p->to = to;
    return;
  }
  flush_slice(w, tid, p);
  *p = (pending){state, label, from, to};
}

/* One thread's events (indices into tr->events, in recording order). */
static void write_track(writer *w, int tid, const size_t *idx, size_t n) {
  const gil_trace *tr = w->tr;
  pending p = {-1, NULL, 0, 0};
  int state = -1;
  const char *label = NULL;
  uint64_t since = tr->start_ns;
  for (size_t i = 0; i < n; i++) {
    const gil_trace_event *e = &tr->events[idx[i]];
    /* Clamp into the recording: a change whose clock was read just before
     * the start (or after the stop) is recorded at the edge. Time never
     * goes backwards on a track. */
    uint64_t t = e->ns < since ? since : e->ns;
    if (t > tr->stop_ns) t = tr->stop_ns;
    if (state >= 0 && state != GIL_STATE_EXIT) add_slice(w, tid, &p, state, label, since, t);
    state = e->state;
    label = e->label;
    since = t;
  }
  if (state >= 0 && state != GIL_STATE_EXIT) add_slice(w, tid, &p, state, label, since, tr->stop_ns);
  flush_slice(w, tid, &p);
}

int gil_trace_write_json(const gil_trace *tr, const char *process, FILE *f) {
  writer w = {f, tr, true};
  /* Group the events by thread, keeping each thread's recording order
   * (a counting sort on the thread id). */
  int maxid = -1;
  for (size_t i = 0; i < tr->n; i++)
    if (tr->events[i].thread > maxid) maxid = tr->events[i].thread;
  size_t *start = calloc((size_t)maxid + 2, sizeof *start);
  size_t *idx = malloc((tr->n ? tr->n : 1) * sizeof *idx);
  if (!start || !idx) {
    free(start);
    free(idx);
    return -1;
  }
  for (size_t i = 0; i < tr->n; i++)
    if (tr->events[i].thread >= 0) start[tr->events[i].thread + 1]++;
  for (int t = 0; t <= maxid; t++) start[t + 1] += start[t];
  size_t *fill = calloc((size_t)maxid + 1, sizeof *fill);
  if (!fill && maxid >= 0) {
    free(start);
    free(idx);
    return -1;
  }
  for (size_t i = 0; i < tr->n; i++) {
    int t = tr->events[i].thread;
    if (t >= 0) idx[start[t] + fill[t]++] = i;
  }

  fputs("{\"traceEvents\": [", f);
  sep(&w);
  fputs("{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, \"args\": {\"name\": ", f);
  json_string(f, process ? process : "gild");
  fputs("}}", f);
  for (int t = 0; t <= maxid; t++) {
    size_t n = start[t + 1] - start[t];
    if (!n) continue;
    char fallback[32];
    snprintf(fallback, sizeof fallback, "thread-%d", t);
    const char *name = t < tr->nnames && tr->names[t][0] ? tr->names[t] : fallback;
    sep(&w);
    fprintf(f, "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %d, \"args\": {\"name\": ", t);
    json_string(f, name);
    fputs("}}", f);
    sep(&w);
    fprintf(f,
            "{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 1, \"tid\": %d, "
            "\"args\": {\"sort_index\": %d}}",
            t, t);
    write_track(&w, t, idx + start[t], n);
  }
  fputs("\n],\n\"displayTimeUnit\": \"ms\",\n\"otherData\": {\"gil_policy\": ", f);
  json_string(f, gil_policy_name(tr->policy));
  fprintf(f, ", \"state_changes\": %zu, \"dropped_state_changes\": %llu, \"duration_us\": ", tr->n,
          (unsigned long long)tr->dropped);
  json_us(f, tr->stop_ns > tr->start_ns ? tr->stop_ns - tr->start_ns : 0);
  fputs("}}\n", f);
  free(start);
  free(idx);
  free(fill);
  return ferror(f) ? -1 : 0;
}
