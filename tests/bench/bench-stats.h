/*
 * bench-stats.h: clocks and medians for the runtime benchmarks.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <time.h>

/* Milliseconds on `clock` (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID). */
double bench_clock_ms (clockid_t clock);

/* The median of v[0..n); sorts a copy. */
double bench_median (const double *v, int n);

#endif /* BENCH_STATS_H */
