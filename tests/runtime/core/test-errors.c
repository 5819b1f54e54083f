/*
 * test-errors.c: every bad package or bad call gives a clear error that
 * names the file (or feature) and the problem, and never crashes. One test
 * per case; the bad packages and the bad inputs are tables, one row each.
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

/* Compiles `path`, expecting `status` and each of `needles` (up to 4,
 * NULL after the last) in the message. */
static void
expect_compile_error (const char *path, MlrtStatus status,
                      const char *const *needles)
{
  MlrtError error = { 0 };
  char *compiled = NULL;
  MlrtModel *model = NULL;
  MlrtConfiguration config;

  g_assert_cmpint (mlrt_compile (path, tmp, &compiled, NULL, &error), ==,
                   status);
  g_assert_null (compiled);
  g_test_message ("error: %s", error.message);
  for (int i = 0; i < 4 && needles[i]; i++)
    if (strstr (error.message, needles[i]) == NULL)
      g_error ("'%s' not in the message: %s", needles[i], error.message);

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

enum { LEAVE_OUT_JSON = 1, LEAVE_OUT_WEIGHTS = 2 };

/* A package that must not compile, and what its error must say. */
typedef struct {
  const char *test;
  const char *pkg;
  const char *json;         /* model.json; NULL: the conv -> op2 network */
  const char *op2;          /* the network's second op */
  int fc_in;                /* the inner product's input width (4 fits) */
  uint64_t conv_size;       /* the size the conv weight claims (4 fits) */
  int truncate_by;          /* bytes cut off the end of weights.bin */
  unsigned leave_out;
  MlrtStatus status;
  const char *needles[4];
} BadPackage;

static const BadPackage bad_packages[] = {
  { "missing-model-json", "no-json", NULL, "inner_product", 4, 4, 0,
    LEAVE_OUT_JSON, MLRT_ERROR_IO,
    { "no-json.mlpackage/model.json", "cannot open" } },
  { "missing-weights", "no-weights", NULL, "inner_product", 4, 4, 0,
    LEAVE_OUT_WEIGHTS, MLRT_ERROR_IO,
    { "no-weights.mlpackage/weights.bin", "cannot open" } },
  { "invalid-json", "bad-json", "{\"format_version\": 1, \"name\": \"x\",",
    NULL, 0, 0, 0, 0, MLRT_ERROR_FORMAT,
    { "bad-json.mlpackage/model.json", "invalid JSON" } },
  /* Text that is not UTF-8, at the byte it goes wrong: a stray byte, an
   * overlong "/" and a surrogate (CESU-8), the last two of which json-c's
   * own check lets through. */
  { "not-utf8", "not-utf8", "{\"format_version\": 1, \"name\": \"\xff\"}",
    NULL, 0, 0, 0, 0, MLRT_ERROR_FORMAT,
    { "not-utf8.mlpackage/model.json", "invalid UTF-8 at byte 31 (0xff)" } },
  { "overlong-utf8", "overlong", "{\"format_version\": 1, \"name\": \"a\xc0\xaf\"}",
    NULL, 0, 0, 0, 0, MLRT_ERROR_FORMAT,
    { "overlong.mlpackage/model.json", "invalid UTF-8 at byte 32 (0xc0)" } },
  { "surrogate-utf8", "surrogate", "{\"format_version\": 1, \"name\": \"ab\xed\xa0\x80\"}",
    NULL, 0, 0, 0, 0, MLRT_ERROR_FORMAT,
    { "surrogate.mlpackage/model.json", "invalid UTF-8 at byte 33 (0xed)" } },
  { "unknown-op", "unknown-op", NULL, "frobnicate", 4, 4, 0, 0,
    MLRT_ERROR_FORMAT,
    { "unknown-op.mlpackage/model.json", "layer 'fc'",
      "unknown op 'frobnicate'" } },
  /* The conv makes 4 values; the inner product wants 8. */
  { "shape-mismatch", "mismatch", NULL, "inner_product", 8, 4, 0, 0,
    MLRT_ERROR_FORMAT,
    { "mismatch.mlpackage/model.json", "layer 'fc'",
      "weight 'weight' has shape [2, 8], expected [2, 4]" } },
  { "undefined-tensor", "undefined",
    "{\"format_version\": 1, \"name\": \"u\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [4]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": [4]}],"
    " \"layers\": [{\"name\": \"r\", \"op\": \"relu\", \"inputs\": [\"z\"],"
    "   \"outputs\": [\"y\"]}]}",
    NULL, 0, 0, 0, 0, MLRT_ERROR_FORMAT,
    { "layer 'r'", "input 'z' is not a model input" } },
  { "bad-param-type", "bad-param",
    "{\"format_version\": 1, \"name\": \"p\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [1, 4, 4]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": [1, 2, 2]}],"
    " \"layers\": [{\"name\": \"pool\", \"op\": \"max_pool\", \"inputs\": [\"x\"],"
    "   \"outputs\": [\"y\"], \"params\": {\"kernel\": \"2x2\"}}]}",
    NULL, 0, 0, 0, 0, MLRT_ERROR_FORMAT,
    { "layer 'pool' (max_pool)", "'kernel' must be an array" } },
  /* The last tensor's end is cut off the file. */
  { "truncated-weights", "truncated", NULL, "inner_product", 4, 4, 8, 0,
    MLRT_ERROR_FORMAT,
    { "truncated.mlpackage/weights.bin", "layer 'fc'", "weight 'weight'",
      "truncated weights" } },
  /* The conv weight claims 8 bytes where one float32 needs 4. */
  { "oversized-weights", "oversized", NULL, "inner_product", 4, 8, 0, 0,
    MLRT_ERROR_FORMAT,
    { "oversized.mlpackage/weights.bin", "layer 'conv'",
      "size is 8 bytes but float32 of 1 values needs 4" } },
};

static char *
write_bad_package (const BadPackage *c)
{
  TestWeights w;
  char *path;

  if (c->json == NULL && c->leave_out == 0)
    return write_pkg (c->pkg, c->op2, c->fc_in, c->conv_size,
                      c->truncate_by);
  test_weights_init (&w);
  if (c->json)
    path = test_write_package (tmp, c->pkg, c->json, &w);
  else
    {
      char *json = spec_json (c->pkg, c->op2, "{}", "{}");
      path = test_write_package (tmp, c->pkg,
                                 c->leave_out & LEAVE_OUT_JSON ? NULL : json,
                                 c->leave_out & LEAVE_OUT_WEIGHTS ? NULL : &w);
      g_free (json);
    }
  test_weights_clear (&w);
  return path;
}

static void
test_bad_package (gconstpointer data)
{
  const BadPackage *c = data;
  char *path = write_bad_package (c);

  expect_compile_error (path, c->status, c->needles);
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

/* Inputs predict must refuse, naming the feature and the problem. */
typedef struct {
  const char *test;
  const char *name;
  MlrtFeatureType type;
  int rank;
  int64_t shape[3];
  const char *needle;
} BadInput;

static const BadInput bad_inputs[] = {
  { "wrong-input-type", "x", MLRT_TYPE_BGRA8, 2, { 4, 4 },
    "input 'x': expected float32 [1, 2, 2]" },
  { "wrong-input-shape", "x", MLRT_TYPE_FLOAT32, 3, { 1, 2, 3 },
    "got float32 [1, 2, 3]" },
  { "missing-input", "image", MLRT_TYPE_FLOAT32, 3, { 1, 2, 2 },
    "input 'x' (float32) is missing" },
};

static void
test_bad_input (gconstpointer data)
{
  const BadInput *c = data;
  MlrtModel *model = valid_model ();
  float zeros[16] = { 0 };  /* enough for each input above */
  MlrtFeatures *in = test_one_input (c->name, c->type, c->rank, c->shape,
                                     zeros);
  MlrtFeatures *out = NULL;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, &error), ==,
                   MLRT_ERROR_INVALID_INPUT);
  g_assert_null (out);
  g_test_message ("error: %s", error.message);
  if (strstr (error.message, c->needle) == NULL)
    g_error ("'%s' not in the message: %s", c->needle, error.message);
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
  for (size_t i = 0; i < G_N_ELEMENTS (bad_packages); i++)
    {
      char *name = g_strconcat ("/core/errors/", bad_packages[i].test, NULL);
      g_test_add_data_func (name, &bad_packages[i], test_bad_package);
      g_free (name);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      char *name = g_strconcat ("/core/errors/", bad_inputs[i].test, NULL);
      g_test_add_data_func (name, &bad_inputs[i], test_bad_input);
      g_free (name);
    }
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
