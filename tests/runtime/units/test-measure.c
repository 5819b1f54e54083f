/*
 * test-measure.c: measured placement at load (runtime/src/calibrate.c,
 * docs/placement.md). Under `all` a load measures every supported (layer,
 * unit) pair and keeps the cost models' figures beside them; where one
 * unit is the cheapest for every layer and moves no data (the CPU) the
 * plan puts everything there; cpu-only and estimated-placement loads
 * measure nothing and are faster; the default placement follows
 * $MLRT_PLACEMENT; outputs still match cpu-only; and in a
 * real LTTng session (filtered to this process) the measuring compute
 * requests are children of the Model Load span, inside it.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "mlrt/mlrt.h"
#include "pkg-writer.h"
#include "style-model.h"
#include "trace-capture.h"
#include "units-test.h"

#define N_PIXELS (3 * STYLE_SIZE * STYLE_SIZE)
/* As in test-placement.c: fp16 activations on the NPU. */
#define NPU_RTOL 5e-3

static char *tmp;
static float image[N_PIXELS];

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static MlrtModel *
load (const char *path, MlrtComputeUnits units, MlrtPlacement placement,
      double *ms)
{
  double start = now_ms ();
  MlrtModel *model = units_load (path, units, placement, tmp);

  if (ms)
    *ms = now_ms () - start;
  return model;
}

static void
predict (MlrtModel *model, float *out)
{
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { 3, STYLE_SIZE, STYLE_SIZE },
                  image, NULL };
  MlrtFeatures *in = mlrt_features_new (), *outputs = NULL;
  MlrtError error = { 0 };
  const MlrtValue *y;

  g_assert_cmpint (mlrt_features_set (in, "image", &v, NULL), ==, MLRT_OK);
  if (mlrt_model_predict (model, in, NULL, &outputs, &error) != MLRT_OK)
    g_error ("predict: %s", error.message);
  y = mlrt_features_get (outputs, "stylized");
  g_assert_nonnull (y);
  g_assert_cmpuint (mlrt_value_element_count (y), ==, N_PIXELS);
  memcpy (out, y->data, sizeof (float) * N_PIXELS);
  mlrt_features_free (outputs);
  mlrt_features_free (in);
}

/* Whether the plan holds no measured figure: the cost models' alone
 * (fitted to this machine for estimated placement). */
static gboolean
nothing_measured (MlrtModel *model)
{
  const MlrtLayerPlan *p;
  size_t n = mlrt_model_plan (model, &p);

  for (size_t i = 0; i < n; i++)
    for (int u = 0; u < MLRT_N_UNITS; u++)
      if (p[i].measured[u])
        return FALSE;
  return TRUE;
}

/* Every supported pair measured (> 0) with its estimate kept; nothing
 * measured where the unit refuses the layer. Returns how many pairs. */
static int
check_measured (MlrtModel *model)
{
  const MlrtLayerPlan *p;
  size_t n = mlrt_model_plan (model, &p);
  int pairs = 0;

  for (size_t i = 0; i < n; i++)
    for (int u = 0; u < MLRT_N_UNITS; u++)
      {
        g_assert_cmpint (p[i].measured[u], ==, p[i].supported[u]);
        if (!p[i].supported[u])
          continue;
        g_assert_cmpfloat (p[i].estimated_cost_us[u], >, 0);
        g_assert_cmpfloat (p[i].model_estimate_us[u], >, 0);
        pairs++;
      }
  return pairs;
}

static void
test_measured_costs (void)
{
  char *path = style_model_write (tmp, "measure-all", "float32",
                                  STYLE_DECODER_TRANSPOSE, 31);
  double all_ms, cpu_ms, est_ms;
  MlrtModel *all, *cpu, *est;
  float ref[N_PIXELS], got[N_PIXELS];
  const MlrtLayerPlan *p;
  size_t n;
  int refused = 0;

  /* `all` first: it compiles the package, the others find it cached. */
  all = load (path, MLRT_COMPUTE_ALL, MLRT_PLACEMENT_MEASURED, &all_ms);
  cpu = load (path, MLRT_COMPUTE_CPU_ONLY, MLRT_PLACEMENT_MEASURED, &cpu_ms);
  est = load (path, MLRT_COMPUTE_ALL, MLRT_PLACEMENT_ESTIMATED, &est_ms);
  g_test_message ("load: cpu-only %.1f ms, all measured %.1f ms, all "
                  "estimated %.1f ms", cpu_ms, all_ms, est_ms);
  n = mlrt_model_plan (all, &p);
  for (size_t i = 0; i < n; i++)
    refused += !p[i].supported[MLRT_UNIT_NPU];
  g_assert_cmpint (refused, >, 0);   /* the NPU refuses conv_transpose */
  /* The CPU's and the NPU's pairs at least, and the GPU's if it exists. */
  g_assert_cmpint (check_measured (all), ==,
                   (2 + mlrt_unit_available (MLRT_UNIT_GPU)) * (int) n
                   - refused);
  g_assert_true (nothing_measured (cpu));
  g_assert_true (nothing_measured (est));
  /* Measuring is about one pass of the network per unit. (Not compared
   * with the estimated load: in a fresh cache it calibrates the units on
   * a reference network of its own, once per machine.) */
  g_assert_cmpfloat (cpu_ms, <, all_ms);

  predict (cpu, ref);
  predict (all, got);
  units_check ("measured all vs cpu-only", got, ref, N_PIXELS, NPU_RTOL);
  mlrt_model_unload (cpu);
  mlrt_model_unload (all);
  mlrt_model_unload (est);
  g_free (path);
}

/* MLRT_PLACEMENT_DEFAULT follows $MLRT_PLACEMENT, else measures. */
static void
test_default_placement (void)
{
  char *path = style_model_write (tmp, "measure-env", "float32",
                                  STYLE_DECODER_UPSAMPLE, 35);
  MlrtModel *m;

  g_setenv ("MLRT_PLACEMENT", "estimated", TRUE);
  m = load (path, MLRT_COMPUTE_ALL, MLRT_PLACEMENT_DEFAULT, NULL);
  g_assert_true (nothing_measured (m));
  mlrt_model_unload (m);
  m = load (path, MLRT_COMPUTE_ALL, MLRT_PLACEMENT_MEASURED, NULL);
  g_assert_false (nothing_measured (m));
  mlrt_model_unload (m);
  g_unsetenv ("MLRT_PLACEMENT");
  m = load (path, MLRT_COMPUTE_ALL, MLRT_PLACEMENT_DEFAULT, NULL);
  g_assert_false (nothing_measured (m));
  mlrt_model_unload (m);
  g_free (path);
}

/* The unit with the lowest measured cost for layer i among `units`. */
static int
cheapest (const MlrtLayerPlan *p, const int *units, int n_units)
{
  int best = units[0];

  for (int k = 1; k < n_units; k++)
    if (p->estimated_cost_us[units[k]] < p->estimated_cost_us[best])
      best = units[k];
  return best;
}

/* cpu-and-gpu: when every layer measures cheaper on the CPU, which moves
 * no data, all-CPU is the cheapest plan, whatever the estimates say. A
 * machine whose GPU wins some layers has no clear answer: skipped. */
static void
test_cheapest_plan (void)
{
  const int units[] = { MLRT_UNIT_CPU, MLRT_UNIT_GPU };
  gboolean clear = TRUE;
  const MlrtLayerPlan *p;
  MlrtModel *m;
  char *path;
  size_t n;

  if (!mlrt_unit_available (MLRT_UNIT_GPU))
    {
      g_test_skip ("no OpenCL device");
      return;
    }
  path = style_model_write (tmp, "measure-gpu", "float32",
                            STYLE_DECODER_UPSAMPLE, 32);
  m = load (path, MLRT_COMPUTE_CPU_AND_GPU, MLRT_PLACEMENT_MEASURED, NULL);
  n = mlrt_model_plan (m, &p);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_true (p[i].measured[MLRT_UNIT_CPU]);
      g_assert_true (p[i].measured[MLRT_UNIT_GPU]);
      g_assert_false (p[i].measured[MLRT_UNIT_NPU]);
      clear = clear && cheapest (&p[i], units, 2) == MLRT_UNIT_CPU;
    }
  if (!clear)
    g_test_skip ("this machine's GPU is faster on some layers");
  else
    for (size_t i = 0; i < n; i++)
      g_assert_cmpint (p[i].unit, ==, MLRT_UNIT_CPU);
  mlrt_model_unload (m);
  g_free (path);
}

/* ---- the trace ---- */

/* The span of model `model`'s `activity`. */
static const TraceEvent *
activity (GPtrArray *events, const char *model, const char *what)
{
  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *e = events->pdata[i];
      if (strcmp (e->name, "activity_begin") == 0
          && trace_is (e, "activity", what)
          && trace_is (e, "model_name", model))
        return e;
    }
  g_error ("no %s span of %s in the trace", what, model);
}

/* The compute requests under span `parent`, each closed inside it; adds
 * their units to `units`. */
static int
children (GPtrArray *events, const TraceEvent *parent, GString *units)
{
  guint64 id = trace_u64 (parent, "span_id");
  const TraceEvent *pend = trace_find (events, "activity_end", "span_id",
                                          id);
  int n = 0;

  g_assert_nonnull (pend);
  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *b = events->pdata[i], *end;
      char *unit;

      if (strcmp (b->name, "compute_begin") != 0
          || trace_u64 (b, "parent_id") != id)
        continue;
      end = trace_find (events, "compute_end", "span_id",
                        trace_u64 (b, "span_id"));
      g_assert_nonnull (end);
      g_assert_cmpuint (b->ts, >=, parent->ts);
      g_assert_cmpuint (end->ts, <=, pend->ts);
      unit = trace_field (b, "unit");
      if (units && !strstr (units->str, unit))
        g_string_append_printf (units, " %s", unit);
      g_free (unit);
      n++;
    }
  return n;
}

static void
test_measure_trace (void)
{
  char *path = style_model_write (tmp, "measure-trace", "float32",
                                  STYLE_DECODER_TRANSPOSE, 33);
  char *cpath = style_model_write (tmp, "measure-cpu", "float32",
                                   STYLE_DECODER_TRANSPOSE, 34);
  char *dir;
  TraceCapture *capture;
  GString *units = g_string_new (NULL);
  MlrtModel *all, *cpu;
  GPtrArray *events;
  float out[N_PIXELS];
  int pairs, n;

  if (!trace_capture_available ())
    return;
  dir = g_build_filename (tmp, "trace", NULL);
  capture = trace_capture_start ("mlrt-measure-test", dir);
  all = load (path, MLRT_COMPUTE_ALL, MLRT_PLACEMENT_MEASURED, NULL);
  cpu = load (cpath, MLRT_COMPUTE_CPU_ONLY, MLRT_PLACEMENT_MEASURED, NULL);
  predict (all, out);
  events = trace_capture_stop (capture);

  /* One or two requests per measured pair, on every unit, in the load. */
  pairs = check_measured (all);
  n = children (events, activity (events, "measure-trace", "load"), units);
  g_test_message ("%d measuring requests for %d pairs, on%s", n, pairs,
                  units->str);
  g_assert_cmpint (n, >=, pairs);
  g_assert_cmpint (n, <=, 2 * pairs);
  g_assert_nonnull (strstr (units->str, "cpu"));
  g_assert_true (!mlrt_unit_available (MLRT_UNIT_GPU)
                 || strstr (units->str, "gpu"));
  g_assert_nonnull (strstr (units->str, "npu"));
  g_assert_cmpint (children (events, activity (events, "measure-cpu",
                                               "load"), NULL), ==, 0);
  g_assert_cmpint (children (events, activity (events, "measure-trace",
                                               "predict"), NULL), >, 0);

  g_string_free (units, TRUE);
  mlrt_model_unload (all);
  mlrt_model_unload (cpu);
  g_ptr_array_unref (events);
  g_free (dir);
  g_free (path);
  g_free (cpath);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  for (int i = 0; i < N_PIXELS; i++)
    image[i] = (float) ((i * 37) % 101) / 100.0f;
  g_test_add_func ("/measure/costs", test_measured_costs);
  g_test_add_func ("/measure/cheapest", test_cheapest_plan);
  g_test_add_func ("/measure/default", test_default_placement);
  g_test_add_func ("/measure/trace", test_measure_trace);
  status = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return status;
}
