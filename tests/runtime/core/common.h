/*
 * common.h: small helpers shared by the core tests: loading with a private
 * cache, single-value feature sets, float comparisons.
 */
#ifndef TEST_CORE_COMMON_H
#define TEST_CORE_COMMON_H

#include <glib.h>
#include <math.h>
#include <string.h>

#include "mlrt/mlrt.h"

static inline MlrtModel *
test_load (const char *path, const char *cache_dir)
{
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  mlrt_configuration_init (&config);
  config.compute_units = MLRT_COMPUTE_CPU_ONLY;
  config.cache_dir = cache_dir;
  if (mlrt_model_load (path, &config, &model, &error) != MLRT_OK)
    g_error ("loading %s: %s", path, error.message);
  return model;
}

static inline MlrtFeatures *
test_one_input (const char *name, MlrtFeatureType type, int rank,
                const int64_t *shape, void *data)
{
  MlrtFeatures *f = mlrt_features_new ();
  MlrtValue v = { type, rank, { 0 }, data, NULL };
  memcpy (v.shape, shape, (size_t) rank * sizeof (int64_t));
  g_assert_cmpint (mlrt_features_set (f, name, &v, NULL), ==, MLRT_OK);
  return f;
}

static inline void
test_assert_floats (const float *got, const float *want, size_t n, float tol)
{
  for (size_t i = 0; i < n; i++)
    if (!(fabsf (got[i] - want[i]) <= tol))
      g_error ("element %zu: got %g, expected %g", i, got[i], want[i]);
}

#endif /* TEST_CORE_COMMON_H */
