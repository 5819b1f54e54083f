/*
 * bench-trace-latency.c: what tracing costs a prediction. One process loads
 * a small model (sharpen-fp16: Float16 in, no conversions) and times
 * predictions in alternating phases with an LTTng session (the one
 * `mlscope record` sets up: mlrt:* with the vpid / vtid / procname
 * contexts) stopped and started, so both sides share the process, the
 * caches and the model. Prints the median latency with tracing off and on,
 * and the difference per prediction and per event.
 *
 *   bench-trace-latency MODEL.mlpackage [PREDICTIONS_PER_PHASE]  (200)
 */
#include <glib.h>
#include <mlrt/mlrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-common.h"
#include "mls-record.h"

#define PHASES 24           /* off, on, off, on, ...: many short phases, so
                               a burst of load elsewhere moves few medians */
#define WARMUP 50           /* predictions after a start / stop, untimed */

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

typedef struct {
  MlrtModel *model;
  MlrtFeatures *inputs;
  void **data;
  size_t n_inputs;
} Bench;

static void
load (Bench *b, const char *path)
{
  MlrtError error;
  MlrtConfiguration config;
  mlrt_configuration_init (&config);
  config.compute_units = MLRT_COMPUTE_CPU_ONLY;
  if (mlrt_model_load (path, &config, &b->model, &error) != MLRT_OK)
    g_error ("%s", error.message);
  const MlrtModelDescription *desc = mlrt_model_description (b->model);
  b->inputs = mlrt_features_new ();
  b->n_inputs = desc->n_inputs;
  b->data = g_new0 (void *, desc->n_inputs);
  for (size_t i = 0; i < desc->n_inputs; i++)
    {
      const MlrtFeatureDescription *fd = &desc->inputs[i];
      MlrtValue v = { .type = fd->type, .rank = fd->rank };
      memcpy (v.shape, fd->shape, sizeof v.shape);
      b->data[i] = g_malloc0 (mlrt_value_byte_size (&v));
      v.data = b->data[i];
      if (mlrt_features_set (b->inputs, fd->name, &v, &error) != MLRT_OK)
        g_error ("%s", error.message);
    }
}

static double
predict_once (Bench *b)
{
  MlrtError error;
  MlrtFeatures *outputs = NULL;
  double t0 = now_us ();
  if (mlrt_model_predict (b->model, b->inputs, NULL, &outputs, &error)
      != MLRT_OK)
    g_error ("%s", error.message);
  double t = now_us () - t0;
  mlrt_features_free (outputs);
  return t;
}

/* Median latency of n predictions, after a few untimed ones. */
static double
phase (Bench *b, int n)
{
  double *lat = g_new (double, n);
  for (int i = 0; i < WARMUP; i++)
    predict_once (b);
  for (int i = 0; i < n; i++)
    lat[i] = predict_once (b);
  qsort (lat, n, sizeof *lat, compare_double);
  double median = lat[n / 2];
  g_free (lat);
  return median;
}

/* Imports the recorded trace into DIR/bench.mlscope with `mlscope
 * import`; returns its event count, -1 when LTTng discarded some (said),
 * 0 when it cannot be imported here. */
static double
recorded_events (const char *dir)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  if (root == NULL)
    return 0;
  char *mlscope = g_build_filename (root, "tracer", "mlscope", NULL);
  char *db = g_build_filename (dir, "bench.mlscope", NULL);
  const char *argv[] = { mlscope, "import", dir, "-o", db, NULL };
  char *err = NULL;
  double events = 0;
  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &err, NULL, NULL))
    {
      /* "mlscope import: wrote FILE: N events, ..." */
      const char *p = strstr (err, "wrote ");
      p = p ? strstr (p, ": ") : NULL;
      events = p ? atof (p + 2) : 0;
      if (!bench_nothing_lost (db))
        events = -1;
    }
  g_free (err);
  g_free (db);
  g_free (mlscope);
  return events;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error->message);
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-trace-latency MODEL.mlpackage "
               "[PREDICTIONS_PER_PHASE]\n");
      return 2;
    }
  int n = argc > 2 ? atoi (argv[2]) : 200;
  GError *error = NULL;
  Bench b = { 0 };
  load (&b, argv[1]);

  char *dir = g_dir_make_tmp ("mlscope-bench-XXXXXX", NULL);
  char *session = g_strdup_printf ("mlscope-bench-%d", (int) getpid ());
  check (mls_lttng_ensure_sessiond (&error), error);
  check (mls_lttng_session_setup (session, dir, FALSE,
                                  MLS_RECORD_SUBBUF_SIZE, &error), error);
  /* This process alone: other apps tracing meanwhile would add their
   * events to the per-event figure. */
  MlsLttngTracker *tracker = mls_lttng_tracker_new (session, &error);
  check (tracker != NULL
         && mls_lttng_tracker_add (tracker, (int) getpid (), &error), error);

  double off[PHASES / 2], on[PHASES / 2];
  for (int p = 0; p < PHASES; p++)
    {
      if (p % 2 == 0)
        off[p / 2] = phase (&b, n);
      else
        {
          check (mls_lttng_session_start (session, &error), error);
          on[p / 2] = phase (&b, n);
          check (mls_lttng_session_stop (session, &error), error);
        }
    }
  check (mls_lttng_session_destroy (session, &error), error);
  mls_lttng_tracker_free (tracker);

  double recorded = recorded_events (dir);
  if (recorded < 0)
    return 1;
  qsort (off, PHASES / 2, sizeof (double), compare_double);
  qsort (on, PHASES / 2, sizeof (double), compare_double);
  double d = on[PHASES / 4] - off[PHASES / 4];
  char *base = g_path_get_basename (argv[1]);
  g_print ("model %s, %d phases of %d predictions, tracing stopped / "
           "started in turn (median of phase medians):\n", base, PHASES, n);
  g_print ("tracing off: %.2f us per prediction\n", off[PHASES / 4]);
  g_print ("tracing on:  %.2f us per prediction\n", on[PHASES / 4]);
  g_print ("tracing cost: %+.2f us per prediction (%+.2f%%)\n", d,
           100.0 * d / off[PHASES / 4]);
  double events = recorded / ((PHASES / 2.0) * (n + WARMUP));
  if (events > 0)
    g_print ("%.1f events per prediction recorded: %+.0f ns per event\n",
             events, 1000.0 * d / events);

  const char *rm[] = { "rm", "-rf", dir, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, NULL, NULL, NULL);
  mlrt_features_free (b.inputs);
  for (size_t i = 0; i < b.n_inputs; i++)
    g_free (b.data[i]);
  g_free (b.data);
  mlrt_model_unload (b.model);
  g_free (base);
  g_free (session);
  g_free (dir);
  return 0;
}
