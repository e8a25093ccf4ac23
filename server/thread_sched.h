/*
 * thread_sched.h - asks the kernel for a short scheduler slice for the
 * calling thread (Linux >= 6.12, EEVDF's custom slices).
 *
 * Why: the server is usually given one core for its event loop and all its
 * workers. While a CPU-bound handler runs, the loop thread (to read a new
 * request or write an answer) and a worker whose sleep ended (to take the
 * GIL back) must get that core soon, but with the default slice (~0.75 ms
 * and more) the kernel lets the running thread go on for a few slices. A
 * thread that asks for a short slice gets an earlier virtual deadline and
 * preempts sooner. Measured with bench/convoy/run.sh (io-priority, one
 * core): /io p99 under /cpu load 7.8 ms with the default slice, 4.8 ms
 * with 100 us for the loop and the workers; /hello throughput unchanged.
 */
#ifndef GILD_THREAD_SCHED_H
#define GILD_THREAD_SCHED_H

/* Sets the calling thread's slice to `us` microseconds (100..100000; 0
 * leaves the kernel's default). Returns 0 or a negative errno; kernels
 * without custom slices ignore the request (0) or refuse it (then the
 * thread keeps the default, and the caller may log it at debug level). */
int gild_thread_set_slice_us(int us);

/* Sets the calling thread's nice value (Linux: per thread). The event loop
 * asks for a negative one (loop_nice): with a larger weight than the
 * workers it is eligible, and so preempts a CPU-bound worker, whenever it
 * wakes, instead of waiting until the scheduler has paid back the time it
 * ran in its last bursts (EEVDF's lag). Returns 0 or a negative errno
 * (-EACCES/-EPERM without CAP_SYS_NICE or a large enough RLIMIT_NICE). */
int gild_thread_set_nice(int nice);

#endif
