/*
 * bench-common.h: what the benchmarks share: reading a recording's facts,
 * refusing to print figures measured on a trace LTTng cut short, a clock
 * and the median.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <glib.h>
#include <time.h>

/* meta.KEY of a recording as an integer, -1 when absent. */
gint64 bench_meta_int (const char *db_path, const char *key);

/* TRUE when LTTng discarded no events or packets while recording
 * `db_path`; else says so on stdout (a ratio over a partial trace would
 * mislead) and returns FALSE. */
gboolean bench_nothing_lost (const char *db_path);

/* `clock` (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID) in milliseconds. */
double bench_clock_ms (clockid_t clock);

/* The median of n values (n > 0); sorts them. */
double bench_median (double *v, int n);

#endif /* BENCH_COMMON_H */
