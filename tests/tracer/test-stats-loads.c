/*
 * test-stats-loads.c: `mlscope stats` tells a cached load from an
 * uncached one, as mlrt-report does. style-demo --styles 1 --frames 2
 * --reload-every-frame on every unit, recorded with a cache directory of
 * its own, empty ($MLRT_CACHE_DIR), loads its model twice: the first load
 * compiles it and measures its placement, the second finds both cached.
 * The table, the CSV, a time range (computed live, not from the stored
 * aggregates), the rows by model and those of one process must each show
 * one "Model Load, uncached" and one "Model Load, cached", adding up to
 * the Model Load row and printed after it, the uncached one the longer;
 * the parts take no share of their lane twice.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-test-util.h"

typedef struct {
  gint64 count;
  gint64 total_ns;
  double share;
} Row;

/* The row labelled `label` (and `model`, when not NULL) in `mlscope stats
 * --format csv` output; count -1 when absent. */
static Row
csv_row (const char *csv, const char *label, const char *model)
{
  g_autofree char *quoted = strchr (label, ',')
                            ? g_strdup_printf ("\"%s\",", label)
                            : g_strdup_printf ("%s,", label);
  g_autofree char *prefix = model ? g_strdup_printf ("%s%s,", quoted, model)
                                  : g_strdup (quoted);
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  Row found = { -1, 0, 0 };

  for (int i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], prefix))
      {
        g_auto (GStrv) f = g_strsplit (lines[i] + strlen (prefix), ",", -1);
        g_assert_cmpint (found.count, ==, -1);
        found.count = g_ascii_strtoll (f[0], NULL, 10);
        found.total_ns = g_ascii_strtoll (f[1], NULL, 10);
        found.share = g_ascii_strtod (f[7], NULL);
      }
  return found;
}

static char *
stats (const char *db, const char *option, const char *value)
{
  g_autofree char *mlscope = mls_test_mlscope ();
  const char *argv[] = { mlscope, "stats", db, "--format", "csv", option,
                         value, NULL };
  MlsRun *run = mls_test_run (argv);

  g_assert_cmpint (run->status, ==, 0);
  char *out = g_steal_pointer (&run->out);
  mls_test_run_free (run);
  return out;
}

/* The two parts of the Model Load row: one load each, adding up to it. */
static void
check_parts (const char *csv, const char *model)
{
  Row all = csv_row (csv, "Model Load", model);
  Row cached = csv_row (csv, "Model Load, cached", model);
  Row uncached = csv_row (csv, "Model Load, uncached", model);

  g_test_message ("%s", csv);
  g_assert_cmpint (all.count, ==, 2);
  g_assert_cmpint (cached.count, ==, 1);
  g_assert_cmpint (uncached.count, ==, 1);
  g_assert_cmpint (cached.total_ns + uncached.total_ns, ==, all.total_ns);
  /* measuring the placement runs the network on each unit */
  g_assert_cmpint (uncached.total_ns, >, cached.total_ns);
  g_assert_cmpfloat (all.share, <=, 1.0);
  g_assert_cmpfloat_with_epsilon (cached.share + uncached.share, all.share,
                                  1e-5);
}

static void
test_load_parts (void)
{
  g_autofree char *dir = test_tmpdir_new ("mlscope-test");
  g_autofree char *db = g_build_filename (dir, "loads.mlscope", NULL);
  g_autofree char *cache = g_strdup_printf ("MLRT_CACHE_DIR=%s/cache", dir);
  g_autofree char *demo = mls_test_build_path ("runtime/examples/style-demo");
  g_autofree char *mlscope = mls_test_mlscope ();
  const char *record[] = { mlscope, "record", "-q", "-o", db, "--", "env",
                           cache, "MLRT_PLACEMENT=measured", demo,
                           "--styles", "1", "--frames", "2",
                           "--reload-every-frame", "--compute-units", "all",
                           NULL };
  MlsRun *run = mls_test_run (record);

  mls_test_assert_no_hang (run);
  g_assert_cmpint (run->status, ==, 0);
  mls_test_run_free (run);

  g_autofree char *whole = stats (db, NULL, NULL);
  check_parts (whole, NULL);
  /* a range covering the recording reads the spans, not the aggregates */
  g_autofree char *range = stats (db, "--range", "0:1000s");
  check_parts (range, NULL);
  g_autofree char *by_model = stats (db, "--by-model", NULL);
  check_parts (by_model, "style-candy");

  /* one process's rows come from the stored aggregates, its parts live */
  g_autofree char *process = stats (db, "--process", "style-demo");
  check_parts (process, NULL);

  /* and the table says it in mlrt-report's words, the parts after the
   * row they divide, for every process or one */
  for (int one = 0; one < 2; one++)
    {
      const char *argv[] = { mlscope, "stats", db,
                             one ? "--process" : NULL, "style-demo", NULL };
      run = mls_test_run (argv);
      g_assert_cmpint (run->status, ==, 0);
      const char *load = strstr (run->out, "\n  Model Load ");
      g_assert_nonnull (load);
      g_assert_nonnull (strstr (load, "\n  Model Load, cached "));
      g_assert_nonnull (strstr (load, "\n  Model Load, uncached "));
      mls_test_run_free (run);
    }
  test_tmpdir_remove (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/e2e/stats/load-parts", test_load_parts);
  return g_test_run ();
}
