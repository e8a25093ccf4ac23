/*
 * gil_load.c - the GIL's held and wait ratios over 1, 5 and 15 minutes
 * (definitions in gil_load.h), sampled every second by a thread of its own.
 *
 * Each sample reads the GIL's totals (atomics, no GIL) and turns the growth
 * of held and wait nanoseconds since the previous sample into the two
 * ratios for that interval. Each average then moves towards the ratio by
 * 1 - exp(-dt/T): computing the decay from the measured dt, not a nominal
 * second, keeps late wake-ups from biasing the averages.
 *
 * Held time includes the hold in progress, read racily next to the
 * completed holds: a hold that ends between the two reads is missed once.
 * The previous reading is kept as a high-water mark, so such a dip never
 * makes a negative sample and the time is counted in the next one.
 */
#include "gil_load.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

const char *const gil_load_window_names[GIL_LOAD_WINDOWS] = {"1m", "5m", "15m"};
static const double window_s[GIL_LOAD_WINDOWS] = {60, 300, 900};

struct gil_load {
  gil *g;
  int nthreads;
  pthread_t thread;
  pthread_mutex_t mu; /* guards everything below */
  pthread_cond_t cond;
  bool stopping;
  bool have_last;
  uint64_t last_ns, last_held, last_wait;
  double held[GIL_LOAD_WINDOWS], wait[GIL_LOAD_WINDOWS];
};

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

void gil_load_sample(gil_load *ld) {
  gil_totals t;
  gil_read_totals(ld->g, &t);
  uint64_t now = gil_now_ns();
  uint64_t held = t.held_ns + t.held_now_ns, wait = t.wait_ns;
  pthread_mutex_lock(&ld->mu);
  if (ld->have_last && now > ld->last_ns) {
    double dt = (double)(now - ld->last_ns) * 1e-9;
    double dh = held > ld->last_held ? (double)(held - ld->last_held) * 1e-9 : 0;
    double dw = wait > ld->last_wait ? (double)(wait - ld->last_wait) * 1e-9 : 0;
    double hr = clamp01(dh / dt), wr = clamp01(dw / dt / (ld->nthreads > 0 ? ld->nthreads : 1));
    for (int i = 0; i < GIL_LOAD_WINDOWS; i++) {
      double e = exp(-dt / window_s[i]);
      ld->held[i] = ld->held[i] * e + hr * (1 - e);
      ld->wait[i] = ld->wait[i] * e + wr * (1 - e);
    }
  }
  ld->have_last = true;
  ld->last_ns = now;
  if (held > ld->last_held) ld->last_held = held;
  if (wait > ld->last_wait) ld->last_wait = wait;
  pthread_mutex_unlock(&ld->mu);
}

static void *sampler_main(void *arg) {
  gil_load *ld = arg;
  (void)pthread_setname_np(pthread_self(), "gild-gil-load");
  gil_load_sample(ld);
  pthread_mutex_lock(&ld->mu);
  while (!ld->stopping) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += 1;
    pthread_cond_timedwait(&ld->cond, &ld->mu, &ts);
    if (ld->stopping) break;
    pthread_mutex_unlock(&ld->mu);
    gil_load_sample(ld);
    pthread_mutex_lock(&ld->mu);
  }
  pthread_mutex_unlock(&ld->mu);
  return NULL;
}

gil_load *gil_load_start(gil *g, int nthreads) {
  gil_load *ld = calloc(1, sizeof *ld);
  if (!ld) return NULL;
  ld->g = g;
  ld->nthreads = nthreads;
  pthread_mutex_init(&ld->mu, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&ld->cond, &attr);
  pthread_condattr_destroy(&attr);
  if (pthread_create(&ld->thread, NULL, sampler_main, ld) != 0) {
    pthread_cond_destroy(&ld->cond);
    pthread_mutex_destroy(&ld->mu);
    free(ld);
    return NULL;
  }
  return ld;
}

void gil_load_read(gil_load *ld, double held[GIL_LOAD_WINDOWS], double wait[GIL_LOAD_WINDOWS]) {
  pthread_mutex_lock(&ld->mu);
  for (int i = 0; i < GIL_LOAD_WINDOWS; i++) {
    held[i] = ld->held[i];
    wait[i] = ld->wait[i];
  }
  pthread_mutex_unlock(&ld->mu);
}

void gil_load_stop(gil_load *ld) {
  if (!ld) return;
  pthread_mutex_lock(&ld->mu);
  ld->stopping = true;
  pthread_cond_signal(&ld->cond);
  pthread_mutex_unlock(&ld->mu);
  pthread_join(ld->thread, NULL);
  pthread_cond_destroy(&ld->cond);
  pthread_mutex_destroy(&ld->mu);
  free(ld);
}
