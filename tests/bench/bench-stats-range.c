/*
 * bench-stats-range.c: what `mlscope stats --range` costs as the trace
 * grows. Two synthetic recordings of one million and three million spans
 * (mls-gen-trace, same seed: the larger one begins with the smaller one's
 * spans) are asked for the same time range, a tenth of the smaller trace
 * around its middle, so both ranges hold the same spans. The goal (issue
 * 18): the query costs O(spans in range + log n), so the two take about
 * the same time (within 1.2x). Runs are interleaved; CPU time beside wall
 * time, the CPU ratio being the verdict on a shared machine.
 *
 * The recordings are written once into MLSCOPE_BENCH_DIR and reused.
 *
 *   bench-stats-range PATH/TO/mls-gen-trace PATH/TO/mlscope
 */
#include <glib.h>
#include <stdlib.h>

#include "bench-common.h"

static char *
ensure_trace (const char *gen, const char *mlscope, const char *name,
              const char *spans)
{
  const char *dir = g_getenv ("MLSCOPE_BENCH_DIR");
  char *path = g_build_filename (dir ? dir : ".", name, NULL);
  const char *check[] = { mlscope, "stats", path, NULL };
  const char *argv[] = { gen, path, spans, NULL };
  GError *error = NULL;
  int status;

  /* An older file is upgraded by the check, a damaged one rewritten. */
  if (g_spawn_sync (NULL, (char **) check, NULL,
                    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, &status, NULL)
      && g_spawn_check_wait_status (status, NULL))
    return path;
  g_printerr ("bench-stats-range: writing %s (once)\n", path);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", gen, error->message);
  return path;
}

int
main (int argc, char **argv)
{
  int runs = bench_runs (7);
  double wall[2][64], cpu[2][64];
  const char *names[2] = { "1M spans", "3M spans" };
  char *paths[2], *range;
  gint64 duration;

  if (argc != 3)
    {
      g_printerr ("usage: bench-stats-range MLS-GEN-TRACE MLSCOPE\n");
      return 2;
    }
  runs = MIN (runs, 64);
  paths[0] = ensure_trace (argv[1], argv[2], "stats-1M.mlscope", "1000000");
  paths[1] = ensure_trace (argv[1], argv[2], "stats-3M.mlscope", "3000000");
  duration = bench_meta_int (paths[0], "duration_ns");
  range = g_strdup_printf ("%" G_GINT64_FORMAT "ns:%" G_GINT64_FORMAT "ns",
                           duration / 20 * 9, duration / 20 * 11);
  g_print ("mlscope stats --range %s (a tenth of the 1M trace, %.1f ms), "
           "median of %d interleaved runs\n", range, duration / 10 / 1e6,
           runs);
  for (int i = 0; i < runs; i++)
    for (int f = 0; f < 2; f++)
      {
        const char *stats[] = { argv[2], "stats", "--by-model", "--range",
                                range, paths[f], NULL };
        BenchTime t = bench_run (stats, NULL);

        wall[f][i] = t.wall_s;
        cpu[f][i] = t.cpu_s;
      }
  for (int f = 0; f < 2; f++)
    {
      g_print ("%-9s %8.1f ms wall, %8.1f ms CPU\n", names[f],
               bench_median (wall[f], runs) * 1e3,
               bench_median (cpu[f], runs) * 1e3);
    }
  g_print ("3M / 1M: %.2fx CPU, %.2fx wall (goal <= 1.2x)\n",
           bench_median (cpu[1], runs) / bench_median (cpu[0], runs),
           bench_median (wall[1], runs) / bench_median (wall[0], runs));
  g_free (range);
  g_free (paths[0]);
  g_free (paths[1]);
  return 0;
}
