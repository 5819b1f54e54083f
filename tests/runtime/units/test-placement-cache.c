/*
 * test-placement-cache.c: measured placement kept on disk beside the
 * compiled model (runtime/src/placement-cache.c, docs/placement.md). The
 * first load of a model for some compute units measures and stores; the
 * next reuses the figures and plans the same, yet still prepares every
 * segment on its unit and predicts what the first one does; other compute
 * units, another model, a compiled file loaded by path each have their own
 * entry; a damaged entry is measured again and replaced; a model loaded
 * from memory leaves nothing on disk. In a real LTTng session the loads'
 * end events say measured, then cached, and the cached load sends no
 * measuring request. Estimated placement's rates, measured on this
 * machine, are kept in the cache directory too.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "mlrt-internal.h"
#include "mlrt-trace-enums.h"
#include "pkg-writer.h"
#include "style-model.h"
#include "trace-capture.h"
#include "units-test.h"

#define N_PIXELS (3 * STYLE_SIZE * STYLE_SIZE)

static char *tmp;
static float image[N_PIXELS];

/* Units to choose between on any machine with the NPU built in (it is
 * emulated); NULL when there is nothing to choose. */
static gboolean
choice (MlrtComputeUnits *units)
{
  if (mlrt_unit_available (MLRT_UNIT_NPU))
    *units = MLRT_COMPUTE_CPU_AND_NPU;
  else if (mlrt_unit_available (MLRT_UNIT_GPU))
    *units = MLRT_COMPUTE_CPU_AND_GPU;
  else
    {
      g_test_skip ("no unit besides the cpu");
      return FALSE;
    }
  return TRUE;
}

static void
predict (MlrtModel *model, float *out)
{
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { 3, STYLE_SIZE, STYLE_SIZE },
                  image, NULL };
  MlrtFeatures *in = mlrt_features_new (), *outputs = NULL;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_features_set (in, "image", &v, NULL), ==, MLRT_OK);
  if (mlrt_model_predict (model, in, NULL, &outputs, &error) != MLRT_OK)
    g_error ("predict: %s", error.message);
  memcpy (out, mlrt_features_get (outputs, "stylized")->data,
          sizeof (float) * N_PIXELS);
  mlrt_features_free (outputs);
  mlrt_features_free (in);
}

/* The files under `dir` whose names hold `part` (start with it when
 * `prefix`), in subdirectories too when `deep`. */
static int
count_files (const char *dir, const char *part, gboolean prefix,
             gboolean deep)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  int n = 0;

  while (d && (name = g_dir_read_name (d)))
    {
      char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += deep ? count_files (path, part, prefix, deep) : 0;
      else
        n += prefix ? g_str_has_prefix (name, part)
                    : strstr (name, part) != NULL;
      g_free (path);
    }
  if (d)
    g_dir_close (d);
  return n;
}

static int
count_entries (const char *dir)
{
  return count_files (dir, ".placement-", FALSE, TRUE);
}

/* The one placement cache file under `dir`. */
static char *
only_entry (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while (d && (name = g_dir_read_name (d)))
    {
      char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          char *inner = only_entry (path);
          g_free (path);
          path = inner;
        }
      else if (strstr (name, ".placement-") == NULL)
        g_clear_pointer (&path, g_free);
      if (path)
        {
          g_assert_null (found);
          found = path;
        }
    }
  if (d)
    g_dir_close (d);
  return found;
}

/* Same units per layer, same figures to the bit, same data movement. */
static void
assert_same_plan (const MlrtModel *a, const MlrtModel *b)
{
  g_assert_cmpuint (a->spec.n_layers, ==, b->spec.n_layers);
  for (size_t i = 0; i < a->spec.n_layers; i++)
    {
      g_assert_cmpint (a->plan[i].unit, ==, b->plan[i].unit);
      for (int u = 0; u < MLRT_N_UNITS; u++)
        {
          g_assert_cmpint (a->plan[i].measured[u], ==, b->plan[i].measured[u]);
          g_assert_true (a->plan[i].estimated_cost_us[u]
                         == b->plan[i].estimated_cost_us[u]);
        }
    }
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      g_assert_cmpint (a->unit_costs[u].measured, ==,
                       b->unit_costs[u].measured);
      g_assert_true (a->unit_costs[u].byte_us == b->unit_costs[u].byte_us);
      g_assert_true (a->unit_costs[u].request_us
                     == b->unit_costs[u].request_us);
    }
}

/* Every segment on a device unit prepared (its weights on the unit). */
static void
assert_prepared (const MlrtModel *m)
{
  for (size_t s = 0; s < m->n_segments; s++)
    if (m->segments[s].unit != MLRT_UNIT_CPU)
      g_assert_nonnull (m->segments[s].unit_data);
}

static void
test_reuse (void)
{
  char *cache = g_build_filename (tmp, "reuse", NULL);
  char *path = style_model_write (tmp, "cache-reuse", "float32",
                                  STYLE_DECODER_UPSAMPLE, 41);
  float first_out[N_PIXELS], again_out[N_PIXELS];
  MlrtComputeUnits units;
  MlrtModel *first, *again;

  if (!choice (&units))
    return;
  first = units_load (path, units, MLRT_PLACEMENT_MEASURED, cache);
  g_assert_cmpint (first->placement_result, ==, MLRT_PLACEMENT_TRACE_MEASURED);
  g_assert_cmpint (count_entries (cache), ==, 1);
  again = units_load (path, units, MLRT_PLACEMENT_MEASURED, cache);
  g_assert_cmpint (again->placement_result, ==, MLRT_PLACEMENT_TRACE_CACHED);
  assert_same_plan (first, again);
  assert_prepared (again);
  predict (first, first_out);
  predict (again, again_out);
  units_check ("cached plan vs measured plan", again_out, first_out,
               N_PIXELS, 1e-6);
  mlrt_model_unload (first);
  mlrt_model_unload (again);

  /* cpu-only has nothing to measure, so nothing to store. */
  first = units_load (path, MLRT_COMPUTE_CPU_ONLY, MLRT_PLACEMENT_MEASURED,
                      cache);
  g_assert_cmpint (first->placement_result, ==, MLRT_PLACEMENT_TRACE_NONE);
  g_assert_cmpint (count_entries (cache), ==, 1);
  mlrt_model_unload (first);
  g_free (path);
  g_free (cache);
}

static MlrtPlacementResult
load_placed (const char *path, MlrtComputeUnits units, const char *cache)
{
  MlrtModel *m = units_load (path, units, MLRT_PLACEMENT_MEASURED, cache);
  MlrtPlacementResult result = (MlrtPlacementResult) m->placement_result;

  mlrt_model_unload (m);
  return result;
}

/* A model loaded from memory has no place on disk: it measures each time
 * and stores nothing. */
static MlrtPlacementResult
load_from_memory_placed (const char *compiled, MlrtComputeUnits units)
{
  MlrtConfiguration config;
  MlrtModel *m = NULL;
  MlrtError error = { 0 };
  MlrtPlacementResult result;
  char *data;
  gsize size;

  g_assert_true (g_file_get_contents (compiled, &data, &size, NULL));
  mlrt_configuration_init (&config);
  config.compute_units = units;
  config.placement = MLRT_PLACEMENT_MEASURED;
  if (mlrt_model_load_from_memory ("in-memory", data, size, NULL, NULL,
                                   &config, &m, &error) != MLRT_OK)
    g_error ("loading from memory: %s", error.message);
  result = (MlrtPlacementResult) m->placement_result;
  mlrt_model_unload (m);
  g_free (data);
  return result;
}

/* Each key its own entry: compute units, model content, compiled file. */
static void
test_keys (void)
{
  char *cache = g_build_filename (tmp, "keys", NULL);
  char *a = style_model_write (tmp, "cache-key-a", "float32",
                               STYLE_DECODER_UPSAMPLE, 42);
  char *b = style_model_write (tmp, "cache-key-b", "float32",
                               STYLE_DECODER_UPSAMPLE, 43);
  char *compiled = NULL;
  MlrtError error = { 0 };
  MlrtComputeUnits units;
  int expected = 2;

  if (!choice (&units))
    return;
  g_assert_cmpint (load_placed (a, units, cache), ==,
                   MLRT_PLACEMENT_TRACE_MEASURED);
  g_assert_cmpint (load_placed (b, units, cache), ==,
                   MLRT_PLACEMENT_TRACE_MEASURED);
  if (units != MLRT_COMPUTE_ALL && mlrt_unit_available (MLRT_UNIT_GPU)
      && mlrt_unit_available (MLRT_UNIT_NPU))
    {
      g_assert_cmpint (load_placed (a, MLRT_COMPUTE_ALL, cache), ==,
                       MLRT_PLACEMENT_TRACE_MEASURED);
      expected++;
    }
  g_assert_cmpint (count_entries (cache), ==, expected);

  /* A compiled file loaded by its path: keyed by its bytes. */
  g_assert_cmpint (mlrt_compile (a, cache, &compiled, NULL, &error), ==,
                   MLRT_OK);
  g_assert_cmpint (load_placed (compiled, units, cache), ==,
                   MLRT_PLACEMENT_TRACE_MEASURED);
  g_assert_cmpint (load_placed (compiled, units, cache), ==,
                   MLRT_PLACEMENT_TRACE_CACHED);
  g_assert_cmpint (count_entries (cache), ==, expected + 1);

  for (int k = 0; k < 2; k++)
    g_assert_cmpint (load_from_memory_placed (compiled, units), ==,
                     MLRT_PLACEMENT_TRACE_MEASURED);
  g_assert_cmpint (count_entries (cache), ==, expected + 1);
  g_free (compiled);
  g_free (a);
  g_free (b);
  g_free (cache);
}

/* An entry that does not fit is measured again and replaced. */
static void
test_damaged (void)
{
  char *cache = g_build_filename (tmp, "damaged", NULL);
  char *path = style_model_write (tmp, "cache-damaged", "float32",
                                  STYLE_DECODER_UPSAMPLE, 44);
  static const char *const damage[] = {
    "mlrt-placement-1\nlayers 3\n",
    "mlrt-placement-0\n",
    "",
  };
  MlrtComputeUnits units;
  char *entry, *good;
  MlrtModel *m;

  if (!choice (&units))
    return;
  mlrt_model_unload (units_load (path, units, MLRT_PLACEMENT_MEASURED,
                                 cache));
  entry = only_entry (cache);
  g_assert_true (g_file_get_contents (entry, &good, NULL, NULL));
  for (size_t k = 0; k < G_N_ELEMENTS (damage); k++)
    {
      char *now;

      g_assert_true (g_file_set_contents (entry, damage[k], -1, NULL));
      m = units_load (path, units, MLRT_PLACEMENT_MEASURED, cache);
      g_assert_cmpint (m->placement_result, ==,
                       MLRT_PLACEMENT_TRACE_MEASURED);
      mlrt_model_unload (m);
      g_assert_true (g_file_get_contents (entry, &now, NULL, NULL));
      g_assert_true (g_str_has_prefix (now, "mlrt-placement-1\nmodel "));
      g_free (now);
      m = units_load (path, units, MLRT_PLACEMENT_MEASURED, cache);
      g_assert_cmpint (m->placement_result, ==, MLRT_PLACEMENT_TRACE_CACHED);
      mlrt_model_unload (m);
    }
  g_free (good);
  g_free (entry);
  g_free (path);
  g_free (cache);
}

/* Estimated placement: the cost models' rates are measured once for the
 * cache directory and kept there; the plan's figures are the calibrated
 * models', the nominal ones kept beside them. */
static void
test_estimated_rates (void)
{
  char *cache = g_build_filename (tmp, "rates", NULL);
  char *path = style_model_write (tmp, "cache-rates", "float32",
                                  STYLE_DECODER_UPSAMPLE, 46);
  MlrtComputeUnits units;
  MlrtModel *m;
  size_t calibrated = 0;

  if (!choice (&units))
    return;
  mlrt_model_unload (units_load (path, MLRT_COMPUTE_CPU_ONLY,
                                 MLRT_PLACEMENT_ESTIMATED, cache));
  mlrt_model_unload (units_load (path, units, MLRT_PLACEMENT_MEASURED,
                                 cache));
  g_assert_cmpint (count_files (cache, "unit-rates-", TRUE, FALSE), ==, 0);
  m = units_load (path, units, MLRT_PLACEMENT_ESTIMATED, cache);
  g_assert_cmpint (count_files (cache, "unit-rates-", TRUE, FALSE), ==, 1);
  g_assert_cmpint (m->placement_result, ==, MLRT_PLACEMENT_TRACE_NONE);
  for (size_t i = 0; i < m->spec.n_layers; i++)
    for (int u = 0; u < MLRT_N_UNITS; u++)
      if (m->plan[i].supported[u] && mlrt_unit_allowed (units, (MlrtUnit) u))
        {
          g_assert_false (m->plan[i].measured[u]);
          g_assert_cmpfloat (m->plan[i].estimated_cost_us[u], >, 0);
          calibrated += m->plan[i].estimated_cost_us[u]
                        != m->plan[i].model_estimate_us[u];
        }
  g_assert_cmpuint (calibrated, >, 0);
  mlrt_model_unload (m);
  g_free (path);
  g_free (cache);
}

/* The trace tells the two loads apart. */
static void
test_trace (void)
{
  char *cache = g_build_filename (tmp, "trace-cache", NULL);
  char *dir = g_build_filename (tmp, "trace", NULL);
  char *path = style_model_write (tmp, "cache-trace", "float32",
                                  STYLE_DECODER_UPSAMPLE, 45);
  const char *expect[] = { "measured", "cached" };
  MlrtComputeUnits units;
  TraceCapture *capture;
  GPtrArray *events;
  int loads = 0;

  if (!choice (&units) || !trace_capture_available ())
    return;
  capture = trace_capture_start ("mlrt-placement-cache-test", dir);
  for (int k = 0; k < 2; k++)
    mlrt_model_unload (units_load (path, units, MLRT_PLACEMENT_MEASURED,
                                   cache));
  events = trace_capture_stop (capture);
  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *b = events->pdata[i], *end;
      guint64 id;
      int requests = 0;

      if (strcmp (b->name, "activity_begin") != 0
          || !trace_is (b, "activity", "load"))
        continue;
      id = trace_u64 (b, "span_id");
      end = trace_find (events, "activity_end", "span_id", id);
      g_assert_nonnull (end);
      g_assert_cmpint (loads, <, 2);
      g_assert_true (trace_is (end, "placement", expect[loads]));
      for (guint j = 0; j < events->len; j++)
        {
          const TraceEvent *c = events->pdata[j];
          requests += strcmp (c->name, "compute_begin") == 0
                      && trace_u64 (c, "parent_id") == id;
        }
      if (loads == 0)
        g_assert_cmpint (requests, >, 0);
      else
        g_assert_cmpint (requests, ==, 0);
      loads++;
    }
  g_assert_cmpint (loads, ==, 2);
  g_ptr_array_unref (events);
  g_free (path);
  g_free (dir);
  g_free (cache);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  for (int i = 0; i < N_PIXELS; i++)
    image[i] = (float) ((i * 37) % 101) / 100.0f;
  g_test_add_func ("/placement-cache/reuse", test_reuse);
  g_test_add_func ("/placement-cache/keys", test_keys);
  g_test_add_func ("/placement-cache/damaged", test_damaged);
  g_test_add_func ("/placement-cache/trace", test_trace);
  g_test_add_func ("/placement-cache/estimated-rates", test_estimated_rates);
  status = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return status;
}
