/*
 * bench-import.c: the collector's throughput. Records at least a million
 * mlrt events from mls-tp-emitter under a real LTTng session (kept as CTF),
 * then times, in the same run and on the same trace, a bare read
 * (`babeltrace2 --output-format=dummy`) and `mlscope import`. The goal is an
 * import within twice the bare read.
 *
 *   bench-import [EVENTS]      (default 1000000)
 */
#include <glib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bench-common.h"

#define RUNS 3

static char *
build_path (const char *relative)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  if (root == NULL)
    g_error ("MLSCOPE_BUILD_ROOT is not set (run through meson test "
             "--benchmark)");
  return g_build_filename (root, relative, NULL);
}

/* Runs argv, fails the benchmark when it fails; returns seconds taken. */
static double
run (const char *const *argv, char **err_out)
{
  GError *error = NULL;
  int status;
  char *err = NULL;
  gint64 t0 = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                     NULL, NULL, &err, &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  if (err_out)
    *err_out = err;
  else
    g_free (err);
  return secs;
}

static gint64
span_count (const char *db_path)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  gint64 v = -1;
  sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM span", -1, &st, NULL)
      == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW)
    v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  const char *events = argc > 1 ? argv[1] : "1000000";
  char *mlscope = build_path ("tracer/mlscope");
  char *emitter = build_path ("tests/tracer/mls-tp-emitter");
  char *dir = g_dir_make_tmp ("mlscope-bench-XXXXXX", NULL);
  char *ctf = g_build_filename (dir, "ctf", NULL);
  char *rec = g_build_filename (dir, "rec.mlscope", NULL);
  char *out = g_build_filename (dir, "import.mlscope", NULL);

  const char *record[] = { mlscope, "record", "-q", "--layers", "--keep-ctf",
                           ctf, "-o", rec, "--", emitter, "burst", events,
                           NULL };
  double rec_s = run (record, NULL);
  g_print ("recorded %s+ events with mls-tp-emitter in %.2f s\n", events,
           rec_s);
  if (!bench_nothing_lost (rec))
    return 1;

  double bare[RUNS], imp[RUNS];
  char *summary = NULL;
  for (int i = 0; i < RUNS; i++)
    {
      const char *bt[] = { "babeltrace2", "--output-format=dummy", ctf, NULL };
      bare[i] = run (bt, NULL);
      const char *import[] = { mlscope, "import", "--timings", ctf, "-o", out,
                               NULL };
      g_free (summary);
      imp[i] = run (import, &summary);
    }
  qsort (bare, RUNS, sizeof bare[0], compare_double);
  qsort (imp, RUNS, sizeof imp[0], compare_double);
  gint64 spans = span_count (out);
  /* "mlscope import: wrote FILE: N events, ..." */
  const char *ev = strstr (summary, "wrote ");
  ev = ev ? strstr (ev, ": ") : NULL;
  long n_events = ev ? atol (ev + 2) : 0;
  g_print ("trace: %ld events, %" G_GINT64_FORMAT " spans\n", n_events, spans);
  g_print ("babeltrace2 --output-format=dummy: median %.3f s (%.0f events/s)\n",
           bare[RUNS / 2], n_events / bare[RUNS / 2]);
  g_print ("mlscope import:                    median %.3f s (%.0f events/s)\n",
           imp[RUNS / 2], n_events / imp[RUNS / 2]);
  g_print ("import / bare read: %.2fx (goal <= 2x)\n",
           imp[RUNS / 2] / bare[RUNS / 2]);
  const char *t = strstr (summary, "read, paired");
  if (t != NULL)
    g_print ("last import: %s", t);

  const char *rm[] = { "rm", "-rf", dir, NULL };
  run (rm, NULL);
  g_free (summary);
  g_free (mlscope);
  g_free (emitter);
  g_free (dir);
  g_free (ctf);
  g_free (rec);
  g_free (out);
  return 0;
}
