/*
 * bench-trace-latency.c: what tracing costs a prediction. In one run, it
 * times predictions of a small model (sharpen-fp16: Float16 in, no
 * conversions) in a child process without any tracing session, then in a
 * child recorded by `mlscope record` (mlrt:* enabled with the vpid / vtid /
 * procname contexts), alternating twice, and prints the median latency of
 * each and the difference per prediction.
 *
 *   bench-trace-latency MODEL.mlpackage [PREDICTIONS]   (default 2000)
 *   bench-trace-latency --child MODEL.mlpackage N       (one timed run)
 */
#include <glib.h>
#include <mlrt/mlrt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 3

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Loads the model, predicts n times on zeroed inputs, prints the median
 * latency in microseconds. */
static int
child (const char *model_path, int n)
{
  MlrtError error;
  MlrtModel *model = NULL;
  MlrtConfiguration config;
  mlrt_configuration_init (&config);
  config.compute_units = MLRT_COMPUTE_CPU_ONLY;
  if (mlrt_model_load (model_path, &config, &model, &error) != MLRT_OK)
    {
      fprintf (stderr, "bench-trace-latency: %s\n", error.message);
      return 1;
    }
  const MlrtModelDescription *desc = mlrt_model_description (model);
  MlrtFeatures *inputs = mlrt_features_new ();
  void **data = calloc (desc->n_inputs, sizeof *data);
  for (size_t i = 0; i < desc->n_inputs; i++)
    {
      const MlrtFeatureDescription *fd = &desc->inputs[i];
      MlrtValue v = { .type = fd->type, .rank = fd->rank };
      memcpy (v.shape, fd->shape, sizeof v.shape);
      data[i] = calloc (1, mlrt_value_byte_size (&v));
      v.data = data[i];
      mlrt_features_set (inputs, fd->name, &v, &error);
    }
  double *lat = malloc (n * sizeof *lat);
  for (int i = 0; i < n; i++)
    {
      MlrtFeatures *outputs = NULL;
      double t0 = now_us ();
      if (mlrt_model_predict (model, inputs, NULL, &outputs, &error)
          != MLRT_OK)
        {
          fprintf (stderr, "bench-trace-latency: %s\n", error.message);
          return 1;
        }
      lat[i] = now_us () - t0;
      mlrt_features_free (outputs);
    }
  qsort (lat, n, sizeof *lat, compare_double);
  printf ("median_us %.3f\n", lat[n / 2]);
  mlrt_features_free (inputs);
  for (size_t i = 0; i < desc->n_inputs; i++)
    free (data[i]);
  free (data);
  free (lat);
  mlrt_model_unload (model);
  return 0;
}

/* Events the traced run recorded per prediction: each span is a begin and
 * an end event (device busy intervals are one event). */
static double
events_per_prediction (const char *db_path)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  double v = 0;
  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT (2.0 * count(*) - sum (kind_id IN "
                             "(30, 31))) / sum (kind_id = 4) FROM span",
                             -1, &st, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (st) == SQLITE_ROW)
        v = sqlite3_column_double (st, 0);
      sqlite3_finalize (st);
    }
  sqlite3_close (db);
  return v;
}

static double
run_child (const char *const *argv)
{
  char *out = NULL, *err = NULL;
  int status;
  GError *error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                     NULL, &out, &err, &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  const char *m = strstr (out, "median_us ");
  if (m == NULL)
    g_error ("no latency in the output of %s: %s", argv[0], out);
  double v = atof (m + 10);
  g_free (out);
  g_free (err);
  return v;
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--child") == 0)
    return child (argv[2], atoi (argv[3]));
  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-trace-latency MODEL.mlpackage "
               "[PREDICTIONS]\n");
      return 2;
    }
  const char *n = argc > 2 ? argv[2] : "2000";
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  if (root == NULL)
    g_error ("MLSCOPE_BUILD_ROOT is not set");
  char *mlscope = g_build_filename (root, "tracer", "mlscope", NULL);
  char *dir = g_dir_make_tmp ("mlscope-bench-XXXXXX", NULL);
  char *db = g_build_filename (dir, "latency.mlscope", NULL);
  const char *off[] = { argv[0], "--child", argv[1], n, NULL };
  const char *on[] = { mlscope, "record", "-q", "-o", db, "--", argv[0],
                       "--child", argv[1], n, NULL };
  double untraced[ROUNDS], traced[ROUNDS];
  for (int r = 0; r < ROUNDS; r++)
    {
      untraced[r] = run_child (off);
      traced[r] = run_child (on);
    }
  qsort (untraced, ROUNDS, sizeof (double), compare_double);
  qsort (traced, ROUNDS, sizeof (double), compare_double);
  char *base = g_path_get_basename (argv[1]);
  g_print ("model %s, %s predictions per run, best median of %d runs:\n",
           base, n, ROUNDS);
  g_print ("tracing off: %.2f us per prediction\n", untraced[0]);
  g_print ("tracing on (mlscope record): %.2f us per prediction\n",
           traced[0]);
  g_print ("tracing cost: %+.2f us per prediction (%+.1f%%)\n",
           traced[0] - untraced[0],
           100.0 * (traced[0] - untraced[0]) / untraced[0]);
  double events = events_per_prediction (db);
  if (events > 0)
    g_print ("%.1f events per prediction: %+.0f ns per event\n", events,
             1000.0 * (traced[0] - untraced[0]) / events);
  const char *rm[] = { "rm", "-rf", dir, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, NULL, NULL, NULL);
  g_free (base);
  g_free (db);
  g_free (dir);
  g_free (mlscope);
  return 0;
}
