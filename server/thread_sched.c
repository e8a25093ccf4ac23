/*
 * thread_sched.c - a short scheduler slice for latency-critical threads
 * (see thread_sched.h for why).
 */
#include "thread_sched.h"

#include <errno.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's struct sched_attr (include/uapi/linux/sched/types.h), spelt
 * out because glibc 2.36 has no wrapper and the uapi header clashes with
 * <sched.h>. For SCHED_OTHER, sched_runtime is the requested slice in ns. */
struct gild_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

int gild_thread_set_slice_us(int us) {
#ifdef SYS_sched_setattr
  struct gild_sched_attr a = {.size = sizeof a, .sched_policy = 0 /* SCHED_OTHER */};
  if (us <= 0)
    return 0;
  /* Keep the thread's nice value: sched_setattr sets it too. */
  errno = 0;
  a.sched_nice = (int32_t)nice(0);
  if (errno != 0)
    a.sched_nice = 0;
  a.sched_runtime = (uint64_t)us * 1000u;
  if (syscall(SYS_sched_setattr, 0, &a, 0) != 0)
    return -errno;
  return 0;
#else
  (void)us;
  return -ENOSYS;
#endif
}

int gild_thread_set_nice(int nice) {
  /* PRIO_PROCESS with a thread id: Linux applies it to that thread only. */
  if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice) != 0)
    return -errno;
  return 0;
}
