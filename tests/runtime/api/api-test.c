/*
 * api-test.c: the helpers of api-test.h.
 */
#include <string.h>

#include "api-test.h"
#include "style-model.h"

const MlrtComputeUnits api_all_units[4] = {
  MLRT_COMPUTE_CPU_ONLY, MLRT_COMPUTE_CPU_AND_GPU, MLRT_COMPUTE_CPU_AND_NPU,
  MLRT_COMPUTE_ALL,
};

char *
api_style_package (const char *dir, const char *name)
{
  return style_model_write (dir, name, "float32", STYLE_DECODER_TRANSPOSE,
                            20);
}

#define INPUT_COUNT (3 * STYLE_SIZE * STYLE_SIZE)

MlrtFeatures *
api_input_new (guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  float *data = g_new (float, INPUT_COUNT);
  MlrtFeatures *inputs = mlrt_features_new ();
  MlrtValue value = { MLRT_TYPE_FLOAT32, 3, { 3, STYLE_SIZE, STYLE_SIZE },
                      data, NULL };

  for (size_t i = 0; i < INPUT_COUNT; i++)
    data[i] = (float) g_rand_double (rand);
  g_assert_cmpint (mlrt_features_set (inputs, "image", &value, NULL), ==,
                   MLRT_OK);
  g_rand_free (rand);
  return inputs;
}

void
api_input_free (MlrtFeatures *inputs)
{
  if (inputs == NULL)
    return;
  g_free (mlrt_features_get (inputs, "image")->data);
  mlrt_features_free (inputs);
}

void
api_config (MlrtConfiguration *config, MlrtComputeUnits units,
            const char *cache_dir)
{
  mlrt_configuration_init (config);
  config->compute_units = units;
  config->cache_dir = cache_dir;
  config->placement = MLRT_PLACEMENT_ESTIMATED;
}

MlrtModel *
api_load (const char *path, const MlrtConfiguration *config)
{
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  if (mlrt_model_load (path, config, &model, &error) != MLRT_OK)
    g_error ("loading %s for %s: %s", path,
             mlrt_compute_units_name (config->compute_units), error.message);
  return model;
}

void *
api_archive (const char *package, size_t *size)
{
  void *data = NULL;
  MlrtError error = { 0 };

  if (mlrt_package_archive (package, &data, size, &error) != MLRT_OK)
    g_error ("archiving %s: %s", package, error.message);
  return data;
}

MlrtModel *
api_load_memory (const char *name, const void *data, size_t size,
                 MlrtDecryptFunc decrypt, void *user_data,
                 const MlrtConfiguration *config)
{
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  if (mlrt_model_load_from_memory (name, data, size, decrypt, user_data,
                                   config, &model, &error) != MLRT_OK)
    g_error ("loading %s from memory: %s", name, error.message);
  return model;
}

MlrtFeatures *
api_predict (MlrtModel *model, const MlrtFeatures *inputs)
{
  MlrtFeatures *outputs = NULL;
  MlrtError error = { 0 };

  if (mlrt_model_predict (model, inputs, NULL, &outputs, &error) != MLRT_OK)
    g_error ("predicting with %s: %s", mlrt_model_description (model)->name,
             error.message);
  return outputs;
}

void
api_assert_same (const MlrtFeatures *got, const MlrtFeatures *want,
                 const char *what)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (mlrt_features_count (got), ==,
                    mlrt_features_count (want));
  for (size_t i = 0; i < mlrt_features_count (want); i++)
    {
      const char *name = mlrt_features_name (want, i);
      const MlrtValue *w = mlrt_features_get (want, name);
      const MlrtValue *g = mlrt_features_get (got, name);
      size_t bytes = mlrt_value_byte_size (w);

      if (g == NULL || g->type != w->type || g->rank != w->rank
          || memcmp (g->shape, w->shape, sizeof w->shape) != 0)
        g_error ("%s: output '%s' is missing or of another type or shape",
                 what, name);
      if (memcmp (g->data, w->data, bytes) != 0)
        {
          /* Where, as floats: the style network's outputs are. */
          const float *gf = g->data, *wf = w->data;
          size_t at = 0;
          while (at + 1 < bytes / sizeof (float) && gf[at] == wf[at])
            at++;
          g_error ("%s: output '%s' differs, first at element %zu: %.9g, "
                   "expected %.9g", what, name, at, gf[at], wf[at]);
        }
    }
}
