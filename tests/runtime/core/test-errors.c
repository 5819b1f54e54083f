/*
 * test-errors.c: every bad package or bad call gives a clear error that
 * names the file (or feature) and the problem, and never crashes. One test
 * per case.
 */
#include "common.h"
#include "pkg-writer.h"

static char *tmp;

/* A conv -> inner_product network with the given weight entries; `op2`
 * names the second op. */
static char *
spec_json (const char *name, const char *op2, const char *w1, const char *w2)
{
  return g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [1, 2, 2]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": [2]}],"
    " \"layers\": ["
    "  {\"name\": \"conv\", \"op\": \"conv2d\", \"inputs\": [\"x\"], \"outputs\": [\"c\"],"
    "   \"params\": {\"out_channels\": 1, \"kernel\": [1, 1]}, \"weights\": {\"weight\": %s}},"
    "  {\"name\": \"fc\", \"op\": \"%s\", \"inputs\": [\"c\"], \"outputs\": [\"y\"],"
    "   \"params\": {\"out_features\": 2},"
    "   \"weights\": {\"weight\": %s}}]}", name, w1, op2, w2);
}

/* Writes a package; `fc_in` is the inner product's input width (4 is
 * right), `conv_size` the size the conv weight claims (4 is right). */
static char *
write_pkg (const char *name, const char *op2, int fc_in, uint64_t conv_size,
           int truncate_by)
{
  TestWeights w;
  float one = 2.0f, fc[2 * 8];
  char *w1, *w2, *dims, *json, *path;

  for (int i = 0; i < 2 * 8; i++)
    fc[i] = (float) i;
  test_weights_init (&w);
  w1 = test_weights_raw (&w, "[1, 1, 1, 1]", "float32", &one, 4, conv_size);
  dims = g_strdup_printf ("[2, %d]", fc_in);
  w2 = test_weights_f32 (&w, dims, fc, (size_t) (2 * fc_in));
  json = spec_json (name, op2, w1, w2);
  g_byte_array_set_size (w.blob, w.blob->len - (guint) truncate_by);
  path = test_write_package (tmp, name, json, &w);
  g_free (w1); g_free (w2); g_free (dims); g_free (json);
  test_weights_clear (&w);
  return path;
}

/* Compiles `path`, expecting `status` and each of the NULL-terminated
 * strings in the message. */
static void
expect_compile_error (const char *path, MlrtStatus status, ...)
{
  MlrtError error = { 0 };
  char *compiled = NULL;
  MlrtModel *model = NULL;
  MlrtConfiguration config;
  va_list ap;
  const char *s;

  g_assert_cmpint (mlrt_compile (path, tmp, &compiled, NULL, &error), ==,
                   status);
  g_assert_null (compiled);
  g_test_message ("error: %s", error.message);
  va_start (ap, status);
  while ((s = va_arg (ap, const char *)))
    if (strstr (error.message, s) == NULL)
      g_error ("'%s' not in the message: %s", s, error.message);
  va_end (ap);

  /* Loading the package fails the same way. */
  mlrt_configuration_init (&config);
  config.cache_dir = tmp;
  g_assert_cmpint (mlrt_model_load (path, &config, &model, NULL), ==, status);
  g_assert_null (model);
}

static void
test_valid_baseline (void)
{
  char *path = write_pkg ("ok", "inner_product", 4, 4, 0);
  MlrtModel *model = test_load (path, tmp);
  mlrt_model_unload (model);
  g_free (path);
}

static void
test_missing_model_json (void)
{
  TestWeights w;
  char *path;

  test_weights_init (&w);
  path = test_write_package (tmp, "no-json", NULL, &w);
  expect_compile_error (path, MLRT_ERROR_IO, "no-json.mlpackage/model.json",
                        "cannot open", NULL);
  test_weights_clear (&w);
  g_free (path);
}

static void
test_missing_weights (void)
{
  char *json = spec_json ("no-weights", "inner_product", "{}", "{}");
  char *path = test_write_package (tmp, "no-weights", json, NULL);

  expect_compile_error (path, MLRT_ERROR_IO,
                        "no-weights.mlpackage/weights.bin", "cannot open",
                        NULL);
  g_free (json);
  g_free (path);
}

static void
test_invalid_json (void)
{
  TestWeights w;
  char *path;

  test_weights_init (&w);
  path = test_write_package (tmp, "bad-json",
                             "{\"format_version\": 1, \"name\": \"x\",", &w);
  expect_compile_error (path, MLRT_ERROR_FORMAT,
                        "bad-json.mlpackage/model.json", "invalid JSON",
                        NULL);
  test_weights_clear (&w);
  g_free (path);
}

static void
test_unknown_op (void)
{
  char *path = write_pkg ("unknown-op", "frobnicate", 4, 4, 0);
  expect_compile_error (path, MLRT_ERROR_FORMAT,
                        "unknown-op.mlpackage/model.json", "layer 'fc'",
                        "unknown op 'frobnicate'", NULL);
  g_free (path);
}

static void
test_shape_mismatch (void)
{
  /* The conv makes 4 values; the inner product wants 8. */
  char *path = write_pkg ("mismatch", "inner_product", 8, 4, 0);
  expect_compile_error (path, MLRT_ERROR_FORMAT,
                        "mismatch.mlpackage/model.json", "layer 'fc'",
                        "weight 'weight' has shape [2, 8], expected [2, 4]",
                        NULL);
  g_free (path);
}

static void
test_undefined_tensor (void)
{
  TestWeights w;
  char *path;

  test_weights_init (&w);
  path = test_write_package (tmp, "undefined",
    "{\"format_version\": 1, \"name\": \"u\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [4]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": [4]}],"
    " \"layers\": [{\"name\": \"r\", \"op\": \"relu\", \"inputs\": [\"z\"],"
    "   \"outputs\": [\"y\"]}]}", &w);
  expect_compile_error (path, MLRT_ERROR_FORMAT, "layer 'r'",
                        "input 'z' is not a model input", NULL);
  test_weights_clear (&w);
  g_free (path);
}

static void
test_bad_param_type (void)
{
  TestWeights w;
  char *path;

  test_weights_init (&w);
  path = test_write_package (tmp, "bad-param",
    "{\"format_version\": 1, \"name\": \"p\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [1, 4, 4]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": [1, 2, 2]}],"
    " \"layers\": [{\"name\": \"pool\", \"op\": \"max_pool\", \"inputs\": [\"x\"],"
    "   \"outputs\": [\"y\"], \"params\": {\"kernel\": \"2x2\"}}]}", &w);
  expect_compile_error (path, MLRT_ERROR_FORMAT, "layer 'pool' (max_pool)",
                        "'kernel' must be an array", NULL);
  test_weights_clear (&w);
  g_free (path);
}

static void
test_truncated_weights (void)
{
  /* The last tensor's end is cut off the file. */
  char *path = write_pkg ("truncated", "inner_product", 4, 4, 8);
  expect_compile_error (path, MLRT_ERROR_FORMAT,
                        "truncated.mlpackage/weights.bin", "layer 'fc'",
                        "weight 'weight'", "truncated weights", NULL);
  g_free (path);
}

static void
test_oversized_weights (void)
{
  /* The conv weight claims 8 bytes where one float32 needs 4. */
  char *path = write_pkg ("oversized", "inner_product", 4, 8, 0);
  expect_compile_error (path, MLRT_ERROR_FORMAT,
                        "oversized.mlpackage/weights.bin", "layer 'conv'",
                        "size is 8 bytes but float32 of 1 values needs 4",
                        NULL);
  g_free (path);
}

static MlrtModel *
valid_model (void)
{
  char *path = write_pkg ("valid", "inner_product", 4, 4, 0);
  MlrtModel *model = test_load (path, tmp);
  g_free (path);
  return model;
}

static void
expect_predict_error (MlrtModel *model, MlrtFeatures *in,
                      const char *needle)
{
  MlrtFeatures *out = NULL;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, &error), ==,
                   MLRT_ERROR_INVALID_INPUT);
  g_assert_null (out);
  g_test_message ("error: %s", error.message);
  if (strstr (error.message, needle) == NULL)
    g_error ("'%s' not in the message: %s", needle, error.message);
}

static void
test_wrong_input_type (void)
{
  MlrtModel *model = valid_model ();
  uint8_t pixels[16] = { 0 };
  const int64_t shape[] = { 4, 4 };
  MlrtFeatures *in = test_one_input ("x", MLRT_TYPE_BGRA8, 2, shape, pixels);

  expect_predict_error (model, in, "input 'x': expected float32 [1, 2, 2]");
  mlrt_features_free (in);
  mlrt_model_unload (model);
}

static void
test_wrong_input_shape (void)
{
  MlrtModel *model = valid_model ();
  float x[6] = { 0 };
  const int64_t shape[] = { 1, 2, 3 };
  MlrtFeatures *in = test_one_input ("x", MLRT_TYPE_FLOAT32, 3, shape, x);

  expect_predict_error (model, in, "got float32 [1, 2, 3]");
  mlrt_features_free (in);
  mlrt_model_unload (model);
}

static void
test_missing_input (void)
{
  MlrtModel *model = valid_model ();
  float x[4] = { 0 };
  const int64_t shape[] = { 1, 2, 2 };
  MlrtFeatures *in = test_one_input ("image", MLRT_TYPE_FLOAT32, 3, shape, x);

  expect_predict_error (model, in, "input 'x' (float32) is missing");
  mlrt_features_free (in);
  mlrt_model_unload (model);
}

static void
test_bad_output_backing (void)
{
  MlrtModel *model = valid_model ();
  float x[4] = { 0 }, y[3];
  const int64_t shape[] = { 1, 2, 2 };
  MlrtFeatures *in = test_one_input ("x", MLRT_TYPE_FLOAT32, 3, shape, x);
  MlrtFeatures *backings = mlrt_features_new ();
  MlrtValue v = { MLRT_TYPE_FLOAT32, 1, { 3 }, y, NULL };
  MlrtPredictOptions options = { backings };
  MlrtFeatures *out = NULL;
  MlrtError error = { 0 };

  mlrt_features_set (backings, "y", &v, NULL);
  g_assert_cmpint (mlrt_model_predict (model, in, &options, &out, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error.message, "output backing 'y'"));
  mlrt_features_free (backings);
  mlrt_features_free (in);
  mlrt_model_unload (model);
}

static void
test_truncated_compiled_in_memory (void)
{
  char *path = write_pkg ("cut", "inner_product", 4, 4, 0);
  char *compiled = NULL;
  gchar *data = NULL;
  gsize len;
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_compile (path, tmp, &compiled, NULL, NULL), ==,
                   MLRT_OK);
  g_assert_true (g_file_get_contents (compiled, &data, &len, NULL));
  /* Cut inside the spec, then inside the weights, then in the header. */
  g_assert_cmpint (mlrt_model_load_from_memory ("cut-model", data, 100, NULL,
                                                NULL, NULL, &model, &error),
                   ==, MLRT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error.message, "cut-model"));
  g_assert_nonnull (strstr (error.message, "truncated"));
  g_assert_cmpint (mlrt_model_load_from_memory ("cut-model", data, len - 4,
                                                NULL, NULL, NULL, &model,
                                                &error), ==,
                   MLRT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error.message, "truncated weights"));
  g_assert_cmpint (mlrt_model_load_from_memory ("cut-model", data, 10, NULL,
                                                NULL, NULL, &model, &error),
                   ==, MLRT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error.message, "not a compiled mlrt model"));
  g_assert_null (model);
  g_free (data);
  free (compiled);
  g_free (path);
}

/* Random corruptions of a compiled model: each load either succeeds or
 * fails with a message, and never crashes. */
static void
test_corrupted_compiled_in_memory (void)
{
  char *path = write_pkg ("corrupt", "inner_product", 4, 4, 0);
  char *compiled = NULL;
  gchar *data = NULL;
  gsize len;
  GRand *rand = g_rand_new_with_seed (1234);
  int failures = 0;

  g_assert_cmpint (mlrt_compile (path, tmp, &compiled, NULL, NULL), ==,
                   MLRT_OK);
  g_assert_true (g_file_get_contents (compiled, &data, &len, NULL));
  for (int round = 0; round < 3000; round++)
    {
      guint8 *copy = g_memdup2 (data, len);
      int flips = g_rand_int_range (rand, 1, 4);
      MlrtModel *model = NULL;
      MlrtError error = { 0 };

      for (int i = 0; i < flips; i++)
        copy[g_rand_int_range (rand, 0, (gint32) len)]
          = (guint8) g_rand_int_range (rand, 0, 256);
      if (mlrt_model_load_from_memory ("corrupt", copy, len, NULL, NULL, NULL,
                                       &model, &error) == MLRT_OK)
        mlrt_model_unload (model);
      else
        {
          g_assert_null (model);
          g_assert_cmpuint (strlen (error.message), >, 0);
          failures++;
        }
      g_free (copy);
    }
  g_test_message ("%d of 3000 corrupted models rejected", failures);
  g_assert_cmpint (failures, >, 0);
  g_rand_free (rand);
  g_free (data);
  free (compiled);
  g_free (path);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/core/errors/valid-baseline", test_valid_baseline);
  g_test_add_func ("/core/errors/missing-model-json", test_missing_model_json);
  g_test_add_func ("/core/errors/missing-weights", test_missing_weights);
  g_test_add_func ("/core/errors/invalid-json", test_invalid_json);
  g_test_add_func ("/core/errors/unknown-op", test_unknown_op);
  g_test_add_func ("/core/errors/shape-mismatch", test_shape_mismatch);
  g_test_add_func ("/core/errors/undefined-tensor", test_undefined_tensor);
  g_test_add_func ("/core/errors/bad-param-type", test_bad_param_type);
  g_test_add_func ("/core/errors/truncated-weights", test_truncated_weights);
  g_test_add_func ("/core/errors/oversized-weights", test_oversized_weights);
  g_test_add_func ("/core/errors/wrong-input-type", test_wrong_input_type);
  g_test_add_func ("/core/errors/wrong-input-shape", test_wrong_input_shape);
  g_test_add_func ("/core/errors/missing-input", test_missing_input);
  g_test_add_func ("/core/errors/bad-output-backing",
                   test_bad_output_backing);
  g_test_add_func ("/core/errors/truncated-compiled-in-memory",
                   test_truncated_compiled_in_memory);
  g_test_add_func ("/core/errors/corrupted-compiled-in-memory",
                   test_corrupted_compiled_in_memory);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
