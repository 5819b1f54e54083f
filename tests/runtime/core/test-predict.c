/*
 * test-predict.c: load + predict end to end on small hand-computable
 * networks: the numbers (conv + folded batch norm + fused relu; pooling,
 * inner product, softmax), a float16 model, output backings, batch
 * prediction and concurrent predictions on one model.
 */
#include "common.h"
#include "pkg-writer.h"

static char *tmp;

/* gray8 [2,2] -> conv 1x1 (2 channels) -> batch_norm -> relu -> float32. */
static char *
write_tiny (const char *name)
{
  TestWeights w;
  const float weight[] = { 2, -1 }, bias[] = { 0, 0.5f };
  const float mean[] = { 1, 0 }, var[] = { 3, 0 }, gamma[] = { 2, 1 },
              beta[] = { 0.5f, 0 };
  char *ew, *eb, *em, *ev, *eg, *ebeta, *json, *path;

  test_weights_init (&w);
  ew = test_weights_f32 (&w, "[2, 1, 1, 1]", weight, 2);
  eb = test_weights_f32 (&w, "[2]", bias, 2);
  em = test_weights_f32 (&w, "[2]", mean, 2);
  ev = test_weights_f32 (&w, "[2]", var, 2);
  eg = test_weights_f32 (&w, "[2]", gamma, 2);
  ebeta = test_weights_f32 (&w, "[2]", beta, 2);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"metadata\": {\"author\": \"tests\", \"description\": \"tiny\","
    "   \"version\": \"1\", \"compute_precision\": \"float32\","
    "   \"storage_precision\": \"float32\", \"class_labels\": []},"
    " \"inputs\": [{\"name\": \"image\", \"type\": \"gray8\", \"shape\": [2, 2]}],"
    " \"outputs\": [{\"name\": \"act\", \"type\": \"float32\", \"shape\": [2, 2, 2]}],"
    " \"layers\": ["
    "  {\"name\": \"conv\", \"op\": \"conv2d\", \"inputs\": [\"image\"],"
    "   \"outputs\": [\"c\"], \"params\": {\"out_channels\": 2, \"kernel\": [1, 1]},"
    "   \"weights\": {\"weight\": %s, \"bias\": %s}},"
    "  {\"name\": \"bn\", \"op\": \"batch_norm\", \"inputs\": [\"c\"],"
    "   \"outputs\": [\"n\"], \"params\": {\"epsilon\": 1},"
    "   \"weights\": {\"mean\": %s, \"variance\": %s, \"gamma\": %s, \"beta\": %s}},"
    "  {\"name\": \"relu\", \"op\": \"relu\", \"inputs\": [\"n\"], \"outputs\": [\"act\"]}]}",
    name, ew, eb, em, ev, eg, ebeta);
  path = test_write_package (tmp, name, json, &w);
  g_free (ew); g_free (eb); g_free (em); g_free (ev); g_free (eg);
  g_free (ebeta); g_free (json);
  test_weights_clear (&w);
  return path;
}

static const float tiny_expected[8] = { 0, 0, 0.3f, 1.5f, 0.5f, 0.3f, 0.1f, 0 };
static uint8_t tiny_pixels[4] = { 0, 51, 102, 255 };

static void
test_tiny_numbers (void)
{
  char *path = write_tiny ("tiny");
  MlrtModel *model = test_load (path, tmp);
  const int64_t shape[] = { 2, 2 };
  MlrtFeatures *in = test_one_input ("image", MLRT_TYPE_GRAY8, 2, shape,
                                tiny_pixels);
  MlrtFeatures *out = NULL;
  MlrtError error = { 0 };
  const MlrtValue *v;
  const MlrtModelDescription *d = mlrt_model_description (model);
  const MlrtLayerPlan *plan;

  /* conv + batch_norm + relu fuse into one layer. */
  g_assert_cmpuint (d->n_layers, ==, 1);
  g_assert_cmpstr (d->name, ==, "tiny");
  g_assert_cmpstr (d->author, ==, "tests");
  g_assert_cmpuint (d->n_inputs, ==, 1);
  g_assert_cmpint (d->inputs[0].type, ==, MLRT_TYPE_GRAY8);
  g_assert_cmpuint (mlrt_model_plan (model, &plan), ==, 1);
  g_assert_cmpstr (plan[0].name, ==, "conv");
  g_assert_cmpstr (plan[0].op, ==, "conv2d");
  g_assert_cmpint (plan[0].unit, ==, MLRT_UNIT_CPU);
  g_assert_true (plan[0].supported[MLRT_UNIT_CPU]);
  g_assert_cmpfloat (plan[0].estimated_cost_us[MLRT_UNIT_CPU], >, 0);

  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, &error), ==,
                   MLRT_OK);
  v = mlrt_features_get (out, "act");
  g_assert_nonnull (v);
  g_assert_cmpint (v->type, ==, MLRT_TYPE_FLOAT32);
  g_assert_cmpint (v->rank, ==, 3);
  g_assert_cmpuint (mlrt_value_element_count (v), ==, 8);
  test_assert_floats (v->data, tiny_expected, 8, 1e-5f);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  g_free (path);
}

/* float32 [2,2,2] -> global_avg_pool -> inner_product -> softmax. */
static void
test_classifier (void)
{
  TestWeights w;
  const float weight[] = { 1, 0, 0, 1, 1, 1 }, bias[] = { 0, 0, -4 };
  char *ew, *eb, *json, *path;
  float x[8] = { 1, 1, 1, 1, 2, 3, 4, 3 };
  const int64_t shape[] = { 2, 2, 2 };
  MlrtModel *model;
  MlrtFeatures *in, *out = NULL;
  const MlrtValue *v;
  double e[3] = { exp (1.0), exp (3.0), exp (0.0) };
  float want[3];

  test_weights_init (&w);
  ew = test_weights_f32 (&w, "[3, 2]", weight, 6);
  eb = test_weights_f32 (&w, "[3]", bias, 3);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"classify\","
    " \"metadata\": {\"class_labels\": [\"a\", \"b\", \"c\"]},"
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [2, 2, 2]}],"
    " \"outputs\": [{\"name\": \"probs\", \"type\": \"float32\", \"shape\": [3]}],"
    " \"layers\": ["
    "  {\"name\": \"gap\", \"op\": \"global_avg_pool\", \"inputs\": [\"x\"], \"outputs\": [\"g\"]},"
    "  {\"name\": \"fc\", \"op\": \"inner_product\", \"inputs\": [\"g\"], \"outputs\": [\"logits\"],"
    "   \"params\": {\"out_features\": 3}, \"weights\": {\"weight\": %s, \"bias\": %s}},"
    "  {\"name\": \"sm\", \"op\": \"softmax\", \"inputs\": [\"logits\"], \"outputs\": [\"probs\"]}]}",
    ew, eb);
  path = test_write_package (tmp, "classify", json, &w);
  model = test_load (path, tmp);
  g_assert_cmpuint (mlrt_model_description (model)->n_class_labels, ==, 3);
  g_assert_cmpstr (mlrt_model_description (model)->class_labels[2], ==, "c");
  in = test_one_input ("x", MLRT_TYPE_FLOAT32, 3, shape, x);
  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, NULL), ==,
                   MLRT_OK);
  v = mlrt_features_get (out, "probs");
  for (int i = 0; i < 3; i++)
    want[i] = (float) (e[i] / (e[0] + e[1] + e[2]));
  test_assert_floats (v->data, want, 3, 1e-5f);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  g_free (ew); g_free (eb); g_free (json); g_free (path);
  test_weights_clear (&w);
}

/* gray16_half [4,4] -> 3x3 sharpen (float16 weights) -> relu ->
 * gray16_half, computed in halves between layers. */
static char *
write_sharpen16 (void)
{
  TestWeights w;
  const float k[9] = { 0, -1, 0, -1, 5, -1, 0, -1, 0 };
  char *ew, *json, *path;

  test_weights_init (&w);
  ew = test_weights_f16 (&w, "[1, 1, 3, 3]", k, 9);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"sharpen16\","
    " \"metadata\": {\"compute_precision\": \"float16\", \"storage_precision\": \"float16\"},"
    " \"inputs\": [{\"name\": \"image\", \"type\": \"gray16_half\", \"shape\": [4, 4]}],"
    " \"outputs\": [{\"name\": \"sharp\", \"type\": \"gray16_half\", \"shape\": [4, 4]}],"
    " \"layers\": ["
    "  {\"name\": \"conv\", \"op\": \"conv2d\", \"inputs\": [\"image\"], \"outputs\": [\"c\"],"
    "   \"params\": {\"out_channels\": 1, \"kernel\": [3, 3], \"padding\": [1, 1]},"
    "   \"weights\": {\"weight\": %s}},"
    "  {\"name\": \"relu\", \"op\": \"relu\", \"inputs\": [\"c\"], \"outputs\": [\"sharp\"]}]}",
    ew);
  path = test_write_package (tmp, "sharpen16", json, &w);
  g_free (ew); g_free (json);
  test_weights_clear (&w);
  return path;
}

static void
sharpen_reference (const float *x, float *y)
{
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++)
      {
        float at = 5 * x[r * 4 + c];
        if (r > 0) at -= x[(r - 1) * 4 + c];
        if (r < 3) at -= x[(r + 1) * 4 + c];
        if (c > 0) at -= x[r * 4 + c - 1];
        if (c < 3) at -= x[r * 4 + c + 1];
        y[r * 4 + c] = at < 0 ? 0 : at > 1 ? 1 : at;
      }
}

static void
test_float16_model_with_backing (void)
{
  char *path = write_sharpen16 ();
  MlrtModel *model = test_load (path, tmp);
  const int64_t shape[] = { 4, 4 };
  float x[16], want[16], got[16];
  uint16_t h[16];
  MlrtBuffer *buffer = mlrt_buffer_new (16 * sizeof (uint16_t), NULL);
  MlrtValue backing = { MLRT_TYPE_GRAY16_HALF, 2, { 4, 4 },
                        mlrt_buffer_data (buffer), buffer };
  MlrtFeatures *backings = mlrt_features_new ();
  MlrtPredictOptions options = { backings };
  MlrtFeatures *in, *out = NULL;
  const MlrtValue *v;
  MlrtError error = { 0 };

  for (int i = 0; i < 16; i++)
    {
      h[i] = mlrt_float_to_half ((float) ((i * 7) % 16) / 16.0f);
      x[i] = mlrt_half_to_float (h[i]);
    }
  sharpen_reference (x, want);
  in = test_one_input ("image", MLRT_TYPE_GRAY16_HALF, 2, shape, h);
  mlrt_features_set (backings, "sharp", &backing, NULL);
  g_assert_cmpint (mlrt_model_predict (model, in, &options, &out, &error), ==,
                   MLRT_OK);
  v = mlrt_features_get (out, "sharp");
  g_assert_true (v->data == mlrt_buffer_data (buffer));
  g_assert_true (v->buffer == buffer);
  for (int i = 0; i < 16; i++)
    got[i] = mlrt_half_to_float (((uint16_t *) mlrt_buffer_data (buffer))[i]);
  /* Halves between layers: about 3 significant digits. */
  test_assert_floats (got, want, 16, 4e-3f);
  mlrt_features_free (out);

  /* Without a backing the runtime allocates, with the same numbers. */
  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, NULL), ==,
                   MLRT_OK);
  v = mlrt_features_get (out, "sharp");
  g_assert_true (v->data != mlrt_buffer_data (buffer));
  g_assert_cmpmem (v->data, 32, mlrt_buffer_data (buffer), 32);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_features_free (backings);
  mlrt_buffer_unref (buffer);
  mlrt_model_unload (model);
  g_free (path);
}

static void
test_backing_with_conversion (void)
{
  char *path = write_tiny ("tiny-backed");
  MlrtModel *model = test_load (path, tmp);
  const int64_t shape[] = { 2, 2 };
  uint16_t frames[4];
  float backing_data[8];
  MlrtValue backing = { MLRT_TYPE_FLOAT32, 3, { 2, 2, 2 }, backing_data,
                        NULL };
  MlrtFeatures *backings = mlrt_features_new ();
  MlrtPredictOptions options = { backings };
  MlrtFeatures *in, *out = NULL;

  /* Float16 frames into the gray8 model: converted (and quantised). */
  for (int i = 0; i < 4; i++)
    frames[i] = mlrt_float_to_half (tiny_pixels[i] / 255.0f);
  in = test_one_input ("image", MLRT_TYPE_FLOAT16, 2, shape, frames);
  mlrt_features_set (backings, "act", &backing, NULL);
  memset (backing_data, 0xff, sizeof backing_data);
  g_assert_cmpint (mlrt_model_predict (model, in, &options, &out, NULL), ==,
                   MLRT_OK);
  g_assert_true (mlrt_features_get (out, "act")->data == backing_data);
  test_assert_floats (backing_data, tiny_expected, 8, 1e-5f);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_features_free (backings);
  mlrt_model_unload (model);
  g_free (path);
}

static void
test_batch (void)
{
  char *path = write_tiny ("tiny-batch");
  MlrtModel *model = test_load (path, tmp);
  const int64_t shape[] = { 2, 2 };
  uint8_t pixels[3][4] = { { 0, 51, 102, 255 }, { 255, 102, 51, 0 },
                           { 51, 51, 51, 51 } };
  MlrtFeatures *in[3], *out[3];
  MlrtFeatures *single = NULL;

  for (int i = 0; i < 3; i++)
    in[i] = test_one_input ("image", MLRT_TYPE_GRAY8, 2, shape, pixels[i]);
  g_assert_cmpint (mlrt_model_predict_batch (model, 3,
                                             (const MlrtFeatures *const *) in,
                                             NULL, out, NULL), ==, MLRT_OK);
  test_assert_floats (mlrt_features_get (out[0], "act")->data, tiny_expected, 8,
                 1e-5f);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpint (mlrt_model_predict (model, in[i], NULL, &single, NULL),
                       ==, MLRT_OK);
      g_assert_cmpmem (mlrt_features_get (out[i], "act")->data, 32,
                       mlrt_features_get (single, "act")->data, 32);
      mlrt_features_free (single);
    }
  for (int i = 0; i < 3; i++)
    {
      mlrt_features_free (out[i]);
      mlrt_features_free (in[i]);
    }
  mlrt_model_unload (model);
  g_free (path);
}

/* A model big enough for threads to overlap: 3x3 conv, 8 channels. */
static char *
write_wide (void)
{
  TestWeights w;
  float weight[8 * 9], bias[8];
  char *ew, *eb, *json, *path;

  for (int i = 0; i < 8 * 9; i++)
    weight[i] = (float) ((i * 37) % 11 - 5) / 7.0f;
  for (int i = 0; i < 8; i++)
    bias[i] = (float) i / 10.0f;
  test_weights_init (&w);
  ew = test_weights_f32 (&w, "[8, 1, 3, 3]", weight, 8 * 9);
  eb = test_weights_f32 (&w, "[8]", bias, 8);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"wide\","
    " \"inputs\": [{\"name\": \"image\", \"type\": \"gray8\", \"shape\": [32, 32]}],"
    " \"outputs\": [{\"name\": \"out\", \"type\": \"float32\", \"shape\": [8, 16, 16]}],"
    " \"layers\": ["
    "  {\"name\": \"conv\", \"op\": \"conv2d\", \"inputs\": [\"image\"], \"outputs\": [\"c\"],"
    "   \"params\": {\"out_channels\": 8, \"kernel\": [3, 3], \"padding\": [1, 1]},"
    "   \"weights\": {\"weight\": %s, \"bias\": %s}},"
    "  {\"name\": \"act\", \"op\": \"tanh\", \"inputs\": [\"c\"], \"outputs\": [\"t\"]},"
    "  {\"name\": \"pool\", \"op\": \"max_pool\", \"inputs\": [\"t\"], \"outputs\": [\"out\"],"
    "   \"params\": {\"kernel\": [2, 2]}}]}",
    ew, eb);
  path = test_write_package (tmp, "wide", json, &w);
  g_free (ew); g_free (eb); g_free (json);
  test_weights_clear (&w);
  return path;
}

typedef struct {
  MlrtModel *model;
  const MlrtFeatures *in;
  const float *reference;
  int mismatches;
} ThreadJob;

static gpointer
predict_many (gpointer data)
{
  ThreadJob *job = data;

  for (int i = 0; i < 40; i++)
    {
      MlrtFeatures *out = NULL;
      if (mlrt_model_predict (job->model, job->in, NULL, &out, NULL)
          != MLRT_OK
          || memcmp (mlrt_features_get (out, "out")->data, job->reference,
                     8 * 16 * 16 * sizeof (float)) != 0)
        job->mismatches++;
      mlrt_features_free (out);
    }
  return NULL;
}

static void
test_threads (void)
{
  char *path = write_wide ();
  MlrtModel *model = test_load (path, tmp);
  const int64_t shape[] = { 32, 32 };
  uint8_t pixels[32 * 32];
  MlrtFeatures *in, *out = NULL;
  ThreadJob jobs[4];
  GThread *threads[4];

  for (int i = 0; i < 32 * 32; i++)
    pixels[i] = (uint8_t) ((i * 31) % 256);
  in = test_one_input ("image", MLRT_TYPE_GRAY8, 2, shape, pixels);
  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, NULL), ==,
                   MLRT_OK);
  for (int t = 0; t < 4; t++)
    {
      jobs[t] = (ThreadJob) { model, in,
                              mlrt_features_get (out, "out")->data, 0 };
      threads[t] = g_thread_new ("predict", predict_many, &jobs[t]);
    }
  for (int t = 0; t < 4; t++)
    {
      g_thread_join (threads[t]);
      g_assert_cmpint (jobs[t].mismatches, ==, 0);
    }
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  g_free (path);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/core/predict/tiny-numbers", test_tiny_numbers);
  g_test_add_func ("/core/predict/classifier", test_classifier);
  g_test_add_func ("/core/predict/float16-model-backing",
                   test_float16_model_with_backing);
  g_test_add_func ("/core/predict/backing-with-conversion",
                   test_backing_with_conversion);
  g_test_add_func ("/core/predict/batch", test_batch);
  g_test_add_func ("/core/predict/threads", test_threads);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
