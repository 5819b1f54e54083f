/*
 * test-layer-observer.c: mlrt_model_set_layer_observer(), the per-layer
 * view mlrt-report times layers with. One prediction must report every
 * layer of the compute plan once, in order, on the unit the plan chose,
 * with CLOCK_MONOTONIC times inside the prediction and not overlapping;
 * a cleared observer, and another model's predictions, report nothing.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "mlrt/mlrt.h"
#include "test-model.h"

static char *tmp_dir;
static char *package;

typedef struct {
  GMutex lock;              /* the NPU reports from its device thread */
  GArray *events;
} Seen;

static void
on_layer (const MlrtLayerEvent *event, void *user_data)
{
  Seen *seen = user_data;

  g_mutex_lock (&seen->lock);
  g_array_append_vals (seen->events, event, 1);
  g_mutex_unlock (&seen->lock);
}

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static MlrtModel *
load (MlrtComputeUnits units)
{
  MlrtConfiguration config;
  MlrtError error;
  MlrtModel *model = NULL;
  char *cache = g_build_filename (tmp_dir, "cache", NULL);

  mlrt_configuration_init (&config);
  config.compute_units = units;
  config.cache_dir = cache;
  if (mlrt_model_load (package, &config, &model, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_free (cache);
  return model;
}

static void
predict (MlrtModel *model)
{
  static float x[16 * 64 * 64];
  MlrtValue value = { MLRT_TYPE_FLOAT32, 3, { 16, 64, 64 }, x, NULL };
  MlrtFeatures *inputs = mlrt_features_new ();
  MlrtFeatures *outputs = NULL;
  MlrtError error;

  for (size_t i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) (i % 17) / 17.0f;
  g_assert_cmpint (mlrt_features_set (inputs, "x", &value, &error), ==,
                   MLRT_OK);
  if (mlrt_model_predict (model, inputs, NULL, &outputs, &error) != MLRT_OK)
    g_error ("%s", error.message);
  mlrt_features_free (outputs);
  mlrt_features_free (inputs);
}

/* Layers come in plan order, each on its planned unit, inside the
 * prediction, one after the other. A device-timed layer (GPU) may come in
 * several pieces, so a layer index may repeat but never go back. */
static void
check_events (GArray *events, const MlrtLayerPlan *plan, size_t n,
              uint64_t before, uint64_t after)
{
  size_t next = 0;

  g_assert_cmpuint (events->len, >=, n);
  for (guint k = 0; k < events->len; k++)
    {
      const MlrtLayerEvent *e = &g_array_index (events, MlrtLayerEvent, k);

      if (k == 0 || e->layer != g_array_index (events, MlrtLayerEvent,
                                               k - 1).layer)
        g_assert_cmpuint (e->layer, ==, next++);
      g_assert_cmpint (e->unit, ==, plan[e->layer].unit);
      g_assert_cmpuint (e->start_ns, <=, e->end_ns);
      g_assert_cmpuint (e->start_ns, >=, before);
      g_assert_cmpuint (e->end_ns, <=, after);
      if (k > 0)
        g_assert_cmpuint (e->start_ns, >=,
                          g_array_index (events, MlrtLayerEvent,
                                         k - 1).end_ns);
    }
  g_assert_cmpuint (next, ==, n);
}

static void
check_one_prediction (MlrtComputeUnits units)
{
  MlrtModel *model = load (units);
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (model, &plan);
  Seen seen = { .events = g_array_new (FALSE, FALSE, sizeof (MlrtLayerEvent)) };
  uint64_t before, after;
  guint count;

  g_mutex_init (&seen.lock);
  g_assert_cmpuint (n, >, 0);
  mlrt_model_set_layer_observer (model, on_layer, &seen);
  before = now_ns ();
  predict (model);
  after = now_ns ();
  check_events (seen.events, plan, n, before, after);

  count = seen.events->len;
  mlrt_model_set_layer_observer (model, NULL, NULL);
  predict (model);
  g_assert_cmpuint (seen.events->len, ==, count);

  mlrt_model_unload (model);
  g_array_unref (seen.events);
  g_mutex_clear (&seen.lock);
}

static void
test_cpu_only (void)
{
  check_one_prediction (MLRT_COMPUTE_CPU_ONLY);
}

static void
test_all (void)
{
  check_one_prediction (MLRT_COMPUTE_ALL);
}

static void
test_gpu (void)
{
  if (!mlrt_unit_available (MLRT_UNIT_GPU))
    {
      g_test_skip ("no OpenCL device: the GPU unit is unavailable");
      return;
    }
  check_one_prediction (MLRT_COMPUTE_CPU_AND_GPU);
}

static void
test_npu (void)
{
  check_one_prediction (MLRT_COMPUTE_CPU_AND_NPU);
}

/* An observer belongs to one model: another model's layers (even the same
 * package loaded twice) do not reach it. */
static void
test_per_model (void)
{
  MlrtModel *a = load (MLRT_COMPUTE_CPU_ONLY);
  MlrtModel *b = load (MLRT_COMPUTE_CPU_ONLY);
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (a, &plan);
  Seen seen = { .events = g_array_new (FALSE, FALSE, sizeof (MlrtLayerEvent)) };

  g_mutex_init (&seen.lock);
  mlrt_model_set_layer_observer (a, on_layer, &seen);
  predict (b);
  g_assert_cmpuint (seen.events->len, ==, 0);
  predict (a);
  g_assert_cmpuint (seen.events->len, ==, n);
  /* unloading a model with an observer set leaves others unaffected */
  mlrt_model_unload (a);
  predict (b);
  g_assert_cmpuint (seen.events->len, ==, n);
  mlrt_model_unload (b);
  g_array_unref (seen.events);
  g_mutex_clear (&seen.lock);
}

int
main (int argc, char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("layer-observer-XXXXXX", NULL);
  package = g_build_filename (tmp_dir, "report-test.mlpackage", NULL);
  mlrt_report_test_write_package (package);
  g_test_add_func ("/report/layer-observer/cpu-only", test_cpu_only);
  g_test_add_func ("/report/layer-observer/all", test_all);
  g_test_add_func ("/report/layer-observer/cpu-and-gpu", test_gpu);
  g_test_add_func ("/report/layer-observer/cpu-and-npu", test_npu);
  g_test_add_func ("/report/layer-observer/per-model", test_per_model);
  result = g_test_run ();
  test_tmpdir_remove (tmp_dir);
  g_free (package);
  g_free (tmp_dir);
  return result;
}
