/*
 * test-compile.c: compiling and the compiled-model cache (a hit on the
 * second compile, a miss once the weights change), loading a compiled file,
 * and loading from memory with and without a decrypt callback.
 */
#include <glib/gstdio.h>

#include "common.h"
#include "pkg-writer.h"

static char *tmp;

/* x float32 [2] -> inner_product with weight `scale` * [[1, 2], [3, 4]]. */
static char *
write_fc (const char *name, float scale)
{
  TestWeights w;
  const float weight[4] = { scale, 2 * scale, 3 * scale, 4 * scale };
  char *e, *json, *path;

  test_weights_init (&w);
  e = test_weights_f32 (&w, "[2, 2]", weight, 4);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [2]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": [2]}],"
    " \"layers\": [{\"name\": \"fc\", \"op\": \"inner_product\","
    "   \"inputs\": [\"x\"], \"outputs\": [\"y\"], \"params\": {\"out_features\": 2},"
    "   \"weights\": {\"weight\": %s}}]}", name, e);
  path = test_write_package (tmp, name, json, &w);
  g_free (e);
  g_free (json);
  test_weights_clear (&w);
  return path;
}

/* Predicts y for x = [1, 1] and checks it is scale * [3, 7]. */
static void
check_fc (MlrtModel *model, float scale)
{
  float x[2] = { 1, 1 };
  const int64_t shape[] = { 2 };
  MlrtFeatures *in = test_one_input ("x", MLRT_TYPE_FLOAT32, 1, shape, x);
  MlrtFeatures *out = NULL;
  const float want[2] = { 3 * scale, 7 * scale };

  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, NULL), ==,
                   MLRT_OK);
  test_assert_floats (mlrt_features_get (out, "y")->data, want, 2, 1e-6f);
  mlrt_features_free (out);
  mlrt_features_free (in);
}

static void
test_cache_hit_and_miss (void)
{
  char *cache = g_build_filename (tmp, "cache", NULL);
  char *path = write_fc ("fc", 1);
  char *first = NULL, *second = NULL, *third = NULL;
  int hit = -1;
  MlrtError error = { 0 };
  MlrtModel *model;

  g_assert_cmpint (mlrt_compile (path, cache, &first, &hit, &error), ==,
                   MLRT_OK);
  g_assert_cmpint (hit, ==, 0);
  g_assert_true (g_str_has_prefix (first, cache));
  g_assert_true (g_str_has_suffix (first, "/fc.mlmodelc"));
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));

  g_assert_cmpint (mlrt_compile (path, cache, &second, &hit, &error), ==,
                   MLRT_OK);
  g_assert_cmpint (hit, ==, 1);
  g_assert_cmpstr (first, ==, second);

  /* New weights, same spec: a different key, compiled again. */
  g_free (write_fc ("fc", 2));
  g_assert_cmpint (mlrt_compile (path, cache, &third, &hit, &error), ==,
                   MLRT_OK);
  g_assert_cmpint (hit, ==, 0);
  g_assert_cmpstr (first, !=, third);

  /* The compiled file loads by itself, with the new weights. */
  model = test_load (third, NULL);
  check_fc (model, 2);
  g_assert_cmpstr (mlrt_model_description (model)->name, ==, "fc");
  mlrt_model_unload (model);
  free (first);
  free (second);
  free (third);
  g_free (path);
  g_free (cache);
}

static void
test_load_uses_cache (void)
{
  char *cache = g_build_filename (tmp, "cache-load", NULL);
  char *path = write_fc ("fc-load", 1);
  char *compiled = NULL;
  MlrtModel *model;
  GStatBuf before, after;
  int hit = -1;

  model = test_load (path, cache);
  check_fc (model, 1);
  mlrt_model_unload (model);
  g_assert_cmpint (mlrt_compile (path, cache, &compiled, &hit, NULL), ==,
                   MLRT_OK);
  g_assert_cmpint (hit, ==, 1);
  g_assert_cmpint (g_stat (compiled, &before), ==, 0);
  model = test_load (path, cache);
  g_assert_cmpint (g_stat (compiled, &after), ==, 0);
  g_assert_cmpint (before.st_ino, ==, after.st_ino);
  mlrt_model_unload (model);
  free (compiled);
  g_free (path);
  g_free (cache);
}

static guint8 *
compiled_bytes (const char *name, float scale, gsize *len)
{
  char *path = write_fc (name, scale);
  char *compiled = NULL;
  guint8 *data = NULL;

  g_assert_cmpint (mlrt_compile (path, tmp, &compiled, NULL, NULL), ==,
                   MLRT_OK);
  g_assert_true (g_file_get_contents (compiled, (char **) &data, len, NULL));
  free (compiled);
  g_free (path);
  return data;
}

static void
test_load_from_memory (void)
{
  gsize len;
  guint8 *data = compiled_bytes ("fc-mem", 3, &len);
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  if (mlrt_model_load_from_memory ("fc-mem", data, len, NULL, NULL, NULL,
                                   &model, &error) != MLRT_OK)
    g_error ("%s", error.message);
  check_fc (model, 3);
  mlrt_model_unload (model);
  g_free (data);
}

#define KEY 0x5a

static int
xor_decrypt (const void *data, size_t size, void **plain, size_t *plain_size,
             void *user_data)
{
  const guint8 *in = data;
  guint8 *out = malloc (size);

  (*(int *) user_data)++;
  for (size_t i = 0; i < size; i++)
    out[i] = in[i] ^ KEY;
  *plain = out;
  *plain_size = size;
  return 0;
}

static int
failing_decrypt (const void *data, size_t size, void **plain,
                 size_t *plain_size, void *user_data)
{
  return 7;
}

static void
test_load_from_memory_encrypted (void)
{
  gsize len;
  guint8 *data = compiled_bytes ("fc-enc", 5, &len);
  MlrtModel *model = NULL;
  MlrtError error = { 0 };
  int calls = 0;

  for (gsize i = 0; i < len; i++)
    data[i] ^= KEY;
  /* Encrypted bytes are not a model without the key. */
  g_assert_cmpint (mlrt_model_load_from_memory ("fc-enc", data, len, NULL,
                                                NULL, NULL, &model, &error),
                   ==, MLRT_ERROR_FORMAT);
  g_assert_null (model);
  if (mlrt_model_load_from_memory ("fc-enc", data, len, xor_decrypt, &calls,
                                   NULL, &model, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpint (calls, ==, 1);
  check_fc (model, 5);
  mlrt_model_unload (model);

  g_assert_cmpint (mlrt_model_load_from_memory ("fc-enc", data, len,
                                                failing_decrypt, NULL, NULL,
                                                &model, &error), ==,
                   MLRT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error.message, "fc-enc"));
  g_assert_nonnull (strstr (error.message, "decrypt"));
  g_free (data);
}

static void
test_names (void)
{
  MlrtComputeUnits units;

  g_assert_cmpstr (mlrt_status_name (MLRT_ERROR_FORMAT), ==, "format");
  g_assert_cmpstr (mlrt_feature_type_name (MLRT_TYPE_GRAY16_HALF), ==,
                   "gray16_half");
  g_assert_cmpint (mlrt_feature_type_from_name ("bgra8"), ==,
                   MLRT_TYPE_BGRA8);
  g_assert_cmpint (mlrt_feature_type_from_name ("nope"), ==,
                   MLRT_TYPE_INVALID);
  g_assert_cmpuint (mlrt_feature_type_element_size (MLRT_TYPE_FLOAT64), ==,
                    8);
  g_assert_cmpstr (mlrt_unit_name (MLRT_UNIT_NPU), ==, "npu");
  g_assert_cmpint (mlrt_compute_units_from_name ("cpu-and-gpu", &units,
                                                 NULL), ==, MLRT_OK);
  g_assert_cmpint (units, ==, MLRT_COMPUTE_CPU_AND_GPU);
  g_assert_cmpstr (mlrt_compute_units_name (units), ==, "cpu-and-gpu");
  g_assert_cmpint (mlrt_compute_units_from_name ("gpu-only", &units, NULL),
                   ==, MLRT_ERROR_INVALID_ARGUMENT);
  g_assert_true (mlrt_unit_available (MLRT_UNIT_CPU));
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/core/compile/names", test_names);
  g_test_add_func ("/core/compile/cache-hit-and-miss",
                   test_cache_hit_and_miss);
  g_test_add_func ("/core/compile/load-uses-cache", test_load_uses_cache);
  g_test_add_func ("/core/compile/load-from-memory", test_load_from_memory);
  g_test_add_func ("/core/compile/load-from-memory-encrypted",
                   test_load_from_memory_encrypted);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
