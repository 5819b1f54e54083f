/*
 * bench-common.h: what the benchmarks share: running a command and timing
 * it (wall and CPU time, since the machine is shared: a busy neighbour
 * stretches the wall clock, much less the CPU time), medians, reading a
 * recording's facts, and refusing to print figures measured on a trace
 * LTTng cut short.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <glib.h>

typedef struct {
  double wall_s;
  double cpu_s;             /* user + system, of the command and its
                               children */
} BenchTime;

/* Runs argv (searched in PATH), stdout to /dev/null; fails the benchmark
 * when it fails. *err_out, if not NULL, receives its stderr (g_free). */
BenchTime bench_run (const char *const *argv, char **err_out);

/* A file in the build tree (MLSCOPE_BUILD_ROOT, set by meson test). */
char *bench_build_path (const char *relative);

/* The median of n values (sorts them). */
double bench_median (double *values, int n);

/* How many times to run each timed command: MLSCOPE_BENCH_RUNS, else
 * `fallback`. */
int bench_runs (int fallback);

/* The size of a file, or of every file under a directory. */
gint64 bench_path_bytes (const char *path);

/* meta.KEY of a recording as an integer, -1 when absent. */
gint64 bench_meta_int (const char *db_path, const char *key);

/* TRUE when LTTng discarded no events or packets while recording
 * `db_path`; else says so on stdout (a ratio over a partial trace would
 * mislead) and returns FALSE. */
gboolean bench_nothing_lost (const char *db_path);

#endif /* BENCH_COMMON_H */
