/*
 * bench-common.h: what the benchmarks that record share: reading a
 * recording's facts, and refusing to print figures measured on a trace
 * LTTng cut short.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <glib.h>

/* meta.KEY of a recording as an integer, -1 when absent. */
gint64 bench_meta_int (const char *db_path, const char *key);

/* TRUE when LTTng discarded no events or packets while recording
 * `db_path`; else says so on stdout (a ratio over a partial trace would
 * mislead) and returns FALSE. */
gboolean bench_nothing_lost (const char *db_path);

#endif /* BENCH_COMMON_H */
