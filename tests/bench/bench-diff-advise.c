/*
 * bench-diff-advise.c: how `mlscope diff` and `mlscope advise` scale. On
 * two pairs of recording-like synthetic traces (mls-gen-trace), of 100
 * thousand and one million spans, it times in-process the comparison of
 * each pair (by kind, and by model and process) and each advise rule on
 * one trace of each size, the sizes interleaved, wall and CPU time. The
 * goal: ten times the spans, about ten times the time (no rule reads a
 * table once per row), and a comparison whose memory does not grow with
 * the spans (the durations stream sorted from the files).
 *
 * The traces are written once into the build directory and reused.
 */
#include <glib.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "mls-advise.h"
#include "mls-compare.h"

#define SMALL 100000
#define LARGE 1000000
#define REPEAT 3

typedef struct {
  double wall_ms, cpu_ms;
} Time;

static double
now_ms (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static MlsStore *
open_trace (const char *gen, gint64 spans, int seed)
{
  const char *dir = g_getenv ("MLSCOPE_BENCH_DIR");
  g_autofree char *name = g_strdup_printf ("diff-advise-%" G_GINT64_FORMAT
                                           "-%d.mlscope", spans, seed);
  g_autofree char *path = g_build_filename (dir ? dir : ".", name, NULL);
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, spans);
  g_autofree char *seed_text = g_strdup_printf ("%d", seed);
  const char *argv[] = { gen, path, count, seed_text, NULL };
  g_autoptr (GError) error = NULL;
  MlsError err = { 0 };
  MlsStore *store = mls_store_open (path, &err);
  int status;

  if (store)
    return store;
  g_printerr ("bench-diff-advise: writing %s (once)\n", path);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("mls-gen-trace: %s", error->message);
  store = mls_store_open (path, &err);
  if (store == NULL)
    g_error ("%s", err.message);
  return store;
}

static Time
time_compare (MlsStore *a, MlsStore *b, const MlsCompareQuery *q)
{
  double wall = now_ms (CLOCK_MONOTONIC);
  double cpu = now_ms (CLOCK_PROCESS_CPUTIME_ID);
  MlsCompareRow *rows;
  size_t n;
  MlsError error = { 0 };

  if (mls_compare (a, b, q, &rows, &n, &error) != 0)
    g_error ("%s", error.message);
  mls_compare_rows_free (rows, n);
  return (Time) { now_ms (CLOCK_MONOTONIC) - wall,
                  now_ms (CLOCK_PROCESS_CPUTIME_ID) - cpu };
}

static Time
time_rule (MlsStore *store, const MlsRule *rule)
{
  double wall = now_ms (CLOCK_MONOTONIC);
  double cpu = now_ms (CLOCK_PROCESS_CPUTIME_ID);
  MlsFinding *findings = NULL;
  size_t n = 0;
  MlsError error = { 0 };

  if (mls_advise_run (store, rule, &findings, &n, &error) != 0)
    g_error ("%s", error.message);
  mls_findings_free (findings, n);
  return (Time) { now_ms (CLOCK_MONOTONIC) - wall,
                  now_ms (CLOCK_PROCESS_CPUTIME_ID) - cpu };
}

/* The best of REPEAT runs of each size, the sizes taking turns. */
static void
report (const char *what, Time (*run) (void *, int), void *data)
{
  Time best[2] = { { 1e300, 1e300 }, { 1e300, 1e300 } };

  for (int r = 0; r < REPEAT; r++)
    for (int size = 0; size < 2; size++)
      {
        Time t = run (data, size);
        if (t.wall_ms < best[size].wall_ms)
          best[size] = t;
      }
  printf ("%-34s %9.1f ms (cpu %9.1f)  %9.1f ms (cpu %9.1f)  %5.1fx\n",
          what, best[0].wall_ms, best[0].cpu_ms, best[1].wall_ms,
          best[1].cpu_ms, best[1].wall_ms / best[0].wall_ms);
}

typedef struct {
  MlsStore *a[2], *b[2];
  MlsCompareQuery query;
  const MlsRule *rule;
} Bench;

static Time
run_compare (void *data, int size)
{
  Bench *bench = data;
  return time_compare (bench->a[size], bench->b[size], &bench->query);
}

static Time
run_rule (void *data, int size)
{
  Bench *bench = data;
  return time_rule (bench->a[size], bench->rule);
}

int
main (int argc, char **argv)
{
  Bench bench = { 0 };
  struct rusage usage;

  if (argc != 2)
    g_error ("usage: bench-diff-advise MLS-GEN-TRACE");
  for (int size = 0; size < 2; size++)
    {
      bench.a[size] = open_trace (argv[1], size ? LARGE : SMALL, 1);
      bench.b[size] = open_trace (argv[1], size ? LARGE : SMALL, 2);
    }
  printf ("%-34s %28s  %28s  %6s\n", "", "100 k spans", "1 M spans",
          "ratio");
  report ("diff by kind", run_compare, &bench);
  bench.query = (MlsCompareQuery) { 1, 1 };
  report ("diff by model and process", run_compare, &bench);
  for (size_t r = 0; r < mls_n_rules; r++)
    {
      g_autofree char *label = g_strdup_printf ("advise %s",
                                                mls_rules[r].name);
      bench.rule = &mls_rules[r];
      report (label, run_rule, &bench);
    }
  getrusage (RUSAGE_SELF, &usage);
  printf ("peak resident memory: %ld MB\n", usage.ru_maxrss / 1024);
  for (int size = 0; size < 2; size++)
    {
      mls_store_close (bench.a[size]);
      mls_store_close (bench.b[size]);
    }
  return 0;
}
