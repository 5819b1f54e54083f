/*
 * test-scale.c: what must not grow with a model's layer count, checked
 * from inside the runtime on long chained models (chain-model.h):
 * the host memory a prediction holds (the buffers and bytes the run
 * counts, and the liveness plan's slots), with outputs still right,
 * model outputs from the middle of the chain kept alive, on every unit;
 * and the work done before a broken package is refused (a bad weights
 * offset in the last layer is found before any layer's shape is
 * inferred). Work is counted, never timed.
 */
#include <glib.h>
#include <string.h>

#include "chain-model.h"
#include "compiled.h"
#include "frontends/json/json-frontend.h"
#include "mlrt-internal.h"
#include "passes/passes.h"
#include "test-tmpdir.h"
#include "units-test.h"

static char *tmp;

static char *
write_chain (const char *name, const ChainModel *c)
{
  if (chain_model_write (tmp, name, c) != 0)
    g_error ("writing %s/%s.mlpackage: %s", tmp, name, g_strerror (errno));
  return g_strdup_printf ("%s/%s.mlpackage", tmp, name);
}

/* Input values k/8: every value of the chain is exact in float16. */
static float *
chain_input (const ChainModel *c, size_t *n)
{
  float *x;

  *n = (size_t) c->channels * (size_t) c->height * (size_t) c->width;
  x = g_new (float, *n);
  for (size_t i = 0; i < *n; i++)
    x[i] = (float) ((i * 5 + i / 7) % 9) / 8.0f;
  return x;
}

/* The chain after k blocks: channel c holds input channel (c + k) mod C,
 * plus the input itself when `skip`. */
static void
check_output (const MlrtFeatures *out, const char *name, const ChainModel *c,
              const float *x, int k, int skip)
{
  const MlrtValue *v = mlrt_features_get (out, name);
  size_t plane = (size_t) c->height * (size_t) c->width;

  g_assert_nonnull (v);
  g_assert_cmpint (v->type, ==, MLRT_TYPE_FLOAT32);
  for (int ch = 0; ch < c->channels; ch++)
    for (size_t i = 0; i < plane; i++)
      {
        float want = x[(size_t) ((ch + k) % c->channels) * plane + i]
                     + (skip ? x[(size_t) ch * plane + i] : 0.0f);
        float got = ((const float *) v->data)[(size_t) ch * plane + i];
        if (got != want)
          g_error ("output '%s' of a %d-block chain (%s), channel %d, "
                   "value %zu: got %g, expected %g", name, c->blocks,
                   c->half ? "float16" : "float32", ch, i, got, want);
      }
}

static void
predict_chain (MlrtModel *model, const ChainModel *c)
{
  size_t n;
  float *x = chain_input (c, &n);
  int64_t shape[3] = { c->channels, c->height, c->width };
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { 0 }, x, NULL };
  MlrtError error = { 0 };

  memcpy (v.shape, shape, sizeof shape);
  g_assert_cmpint (mlrt_features_set (in, "x", &v, NULL), ==, MLRT_OK);
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("predicting a %d-block chain: %s", c->blocks, error.message);
  check_output (out, "y", c, x, c->blocks, c->input_skip);
  if (c->mid_output)
    check_output (out, "mid", c, x, c->blocks / 2, 0);
  mlrt_features_free (out);
  mlrt_features_free (in);
  g_free (x);
}

typedef struct {
  size_t slots, buffers, bytes;
} Held;

static Held
predict_and_measure (int blocks, int half)
{
  ChainModel c = { blocks, 4, 8, 8, half, 1, 1, 0 };
  char *name = g_strdup_printf ("chain-%d-%s", blocks, half ? "f16" : "f32");
  char *path = write_chain (name, &c);
  MlrtModel *model = units_load (path, MLRT_COMPUTE_CPU_ONLY,
                                 MLRT_PLACEMENT_DEFAULT, tmp);
  Held held;

  predict_chain (model, &c);
  held.slots = model->memory.n_slots;
  held.buffers = atomic_load (&model->peak_run_buffers);
  held.bytes = atomic_load (&model->peak_run_bytes);
  g_test_message ("%d blocks (%s): %zu slots, at most %zu buffers and %zu "
                  "bytes held", blocks, half ? "float16" : "float32",
                  held.slots, held.buffers, held.bytes);
  mlrt_model_unload (model);
  g_free (path);
  g_free (name);
  return held;
}

/* A prediction of 2000 layers holds what one of 50 does. */
static void
test_memory_flat (gconstpointer data)
{
  int half = GPOINTER_TO_INT (data);
  Held small = predict_and_measure (25, half);
  Held large = predict_and_measure (1000, half);

  g_assert_cmpuint (large.slots, ==, small.slots);
  g_assert_cmpuint (large.buffers, ==, small.buffers);
  g_assert_cmpuint (large.bytes, ==, small.bytes);
  /* The input's slot, a block's input, its convolution and the two
   * outputs; the float16 model adds the CPU's float32 working copies. */
  g_assert_cmpuint (large.slots, <=, 4);
  g_assert_cmpuint (large.buffers, <=, half ? 10u : 6u);
}

/* Letting tensors go after their last reader is right on every unit: the
 * whole chain on the GPU or the NPU, whose segments let go only when the
 * segment is done. */
static void
test_units (void)
{
  static const MlrtComputeUnits units[] = { MLRT_COMPUTE_CPU_AND_GPU,
                                            MLRT_COMPUTE_CPU_AND_NPU };
  static const MlrtUnit unit[] = { MLRT_UNIT_GPU, MLRT_UNIT_NPU };

  for (size_t u = 0; u < G_N_ELEMENTS (units); u++)
    for (int half = 0; half <= 1; half++)
      {
        ChainModel c = { 40, 4, 8, 8, half, 1, 1, 0 };
        char *name = g_strdup_printf ("units-%zu-%d", u, half);
        char *path = write_chain (name, &c);
        MlrtModel *model;
        const MlrtLayerPlan *plan;

        if (!mlrt_unit_available (unit[u]))
          {
            g_test_message ("no %s here: its case is skipped",
                            mlrt_unit_name (unit[u]));
            g_free (path);
            g_free (name);
            continue;
          }
        model = units_load (path, units[u], MLRT_PLACEMENT_PRIORITY, tmp);
        g_assert_cmpuint (mlrt_model_plan (model, &plan), ==, 81);
        g_assert_cmpint (plan[0].unit, ==, unit[u]);
        predict_chain (model, &c);
        mlrt_model_unload (model);
        g_free (path);
        g_free (name);
      }
}

/* The last of 40k layers has a weight past the end of weights.bin: the
 * compiler says so, naming the layer, before inferring any layer. */
static void
test_bad_offset_first (void)
{
  ChainModel c = { 20000, 4, 2, 2, 0, 0, 0, 1 };
  char *path = write_chain ("bad-offset", &c);
  MlrtPackageFiles files;
  MlrtSpec spec;
  MlrtError error = { 0 };
  char *compiled = NULL, *cache_path = NULL;

  g_assert_cmpint (mlrt_package_read (path, &files, &error), ==, MLRT_OK);
  g_assert_cmpint (mlrt_json_spec_read ((const char *) files.json,
                                        files.json_size, files.json_path, 0,
                                        &mlrt_op_table, &spec, &error),
                   ==, MLRT_OK);
  g_assert_cmpint (mlrt_compile_spec (&spec, files.weights,
                                      files.weights_size, files.json_path,
                                      files.weights_path, &compiled, &error),
                   ==, MLRT_ERROR_FORMAT);
  g_assert_null (compiled);
  g_assert_nonnull (strstr (error.message, "weights.bin: layer 'conv39998' "
                                           "(conv2d) weight 'weight': "
                                           "offset 128 + size 64"));
  /* No tensor was made: shape inference never ran. */
  g_assert_cmpuint (spec.n_tensors, ==, 0);
  mlrt_spec_clear (&spec);

  /* The public entry point says the same. */
  g_assert_cmpint (mlrt_compile (path, tmp, &cache_path, NULL, &error), ==,
                   MLRT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error.message, "layer 'conv39998'"));
  mlrt_package_clear (&files);
  g_free (path);
}

/* A compiled model whose offset is bad (damaged, or written by hand) is
 * refused at load with the layer named. */
static void
test_bad_offset_compiled (void)
{
  ChainModel c = { 50, 4, 2, 2, 0, 0, 0, 1 };
  char *path = write_chain ("bad-compiled", &c);
  char *file = g_build_filename (tmp, "bad.mlmodelc", NULL);
  MlrtPackageFiles files;
  MlrtError error = { 0 };
  MlrtModel *model = NULL;
  char *spec;

  g_assert_cmpint (mlrt_package_read (path, &files, &error), ==, MLRT_OK);
  spec = g_strndup ((const char *) files.json, files.json_size);
  g_assert_cmpint (mlrt_compiled_write (file, spec, files.weights,
                                        files.weights_size, &error),
                   ==, MLRT_OK);
  g_assert_cmpint (mlrt_model_load (file, NULL, &model, &error), ==,
                   MLRT_ERROR_FORMAT);
  g_assert_null (model);
  g_assert_nonnull (strstr (error.message, "layer 'conv98' (conv2d) weight "
                                           "'weight': offset 128"));
  mlrt_package_clear (&files);
  g_free (spec);
  g_free (file);
  g_free (path);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-scale");
  g_test_add_data_func ("/scale/memory-flat/float32", GINT_TO_POINTER (0),
                        test_memory_flat);
  g_test_add_data_func ("/scale/memory-flat/float16", GINT_TO_POINTER (1),
                        test_memory_flat);
  g_test_add_func ("/scale/units", test_units);
  g_test_add_func ("/scale/bad-offset-first", test_bad_offset_first);
  g_test_add_func ("/scale/bad-offset-compiled", test_bad_offset_compiled);
  status = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return status;
}
