/*
 * test-convert.c: every feature type converts correctly into a model's
 * declared input type (gray8 and bgra8 images, multi-arrays), and the
 * network's tensors into every declared output type, NaN included.
 */
#include "common.h"
#include "pkg-writer.h"

static char *tmp;

/* An input of `in_type` -> identity 1x1 conv over `channels` -> float32. */
static MlrtModel *
identity_model (const char *name, const char *in_type, const char *in_shape,
                int channels, const char *out_shape)
{
  TestWeights w;
  float eye[9] = { 0 };
  char *dims, *e, *json, *path;
  MlrtModel *model;

  for (int i = 0; i < channels; i++)
    eye[i * channels + i] = 1;
  test_weights_init (&w);
  dims = g_strdup_printf ("[%d, %d, 1, 1]", channels, channels);
  e = test_weights_f32 (&w, dims, eye, (size_t) (channels * channels));
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"inputs\": [{\"name\": \"in\", \"type\": \"%s\", \"shape\": %s}],"
    " \"outputs\": [{\"name\": \"out\", \"type\": \"float32\", \"shape\": %s}],"
    " \"layers\": [{\"name\": \"id\", \"op\": \"conv2d\", \"inputs\": [\"in\"],"
    "   \"outputs\": [\"out\"], \"params\": {\"out_channels\": %d, \"kernel\": [1, 1]},"
    "   \"weights\": {\"weight\": %s}}]}",
    name, in_type, in_shape, out_shape, channels, e);
  path = test_write_package (tmp, name, json, &w);
  model = test_load (path, tmp);
  g_free (dims); g_free (e); g_free (json); g_free (path);
  test_weights_clear (&w);
  return model;
}

static void
expect (MlrtModel *model, MlrtFeatureType type, int rank,
        const int64_t *shape, void *data, const float *want, size_t n)
{
  MlrtFeatures *in = test_one_input ("in", type, rank, shape, data);
  MlrtFeatures *out = NULL;
  MlrtError error = { 0 };

  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("%s: %s", mlrt_feature_type_name (type), error.message);
  g_test_message ("from %s", mlrt_feature_type_name (type));
  test_assert_floats (mlrt_features_get (out, "out")->data, want, n, 1e-6f);
  mlrt_features_free (out);
  mlrt_features_free (in);
}

static void
test_into_gray8 (void)
{
  MlrtModel *model = identity_model ("gray", "gray8", "[1, 3]", 1,
                                     "[1, 1, 3]");
  const int64_t s2[] = { 1, 3 }, s3[] = { 1, 1, 3 };
  const float want[3] = { 51 / 255.0f, 153 / 255.0f, 1.0f };
  uint8_t g8[3] = { 51, 153, 255 };
  uint16_t h[3];
  float f32[3] = { 0.2f, 0.6f, 1.0f };
  double f64[3] = { 0.2, 0.6, 1.0 };
  int32_t i32[3] = { 51, 153, 255 };

  for (int i = 0; i < 3; i++)
    h[i] = mlrt_float_to_half (f32[i]);
  expect (model, MLRT_TYPE_GRAY8, 2, s2, g8, want, 3);
  expect (model, MLRT_TYPE_GRAY16_HALF, 2, s2, h, want, 3);
  expect (model, MLRT_TYPE_FLOAT16, 2, s2, h, want, 3);
  expect (model, MLRT_TYPE_FLOAT32, 3, s3, f32, want, 3);
  expect (model, MLRT_TYPE_FLOAT64, 2, s2, f64, want, 3);
  expect (model, MLRT_TYPE_INT32, 2, s2, i32, want, 3);
  mlrt_model_unload (model);
}

static void
test_into_bgra8 (void)
{
  MlrtModel *model = identity_model ("bgra", "bgra8", "[1, 2]", 3,
                                     "[3, 1, 2]");
  const int64_t s2[] = { 1, 2 }, s3[] = { 3, 1, 2 };
  uint8_t px[8] = { 10, 20, 30, 99, 40, 50, 60, 0 };
  float planar[6];
  float want[6];

  /* Planes B, G, R; alpha dropped. */
  for (int c = 0; c < 3; c++)
    for (int p = 0; p < 2; p++)
      {
        want[c * 2 + p] = px[p * 4 + c] / 255.0f;
        planar[c * 2 + p] = want[c * 2 + p];
      }
  expect (model, MLRT_TYPE_BGRA8, 2, s2, px, want, 6);
  expect (model, MLRT_TYPE_FLOAT32, 3, s3, planar, want, 6);
  mlrt_model_unload (model);
}

static void
test_into_arrays (void)
{
  MlrtModel *model = identity_model ("array", "float32", "[1, 1, 4]", 1,
                                     "[1, 1, 4]");
  const int64_t s1[] = { 4 }, s3[] = { 1, 1, 4 }, img[] = { 1, 4 };
  const float want[4] = { 1, 2, -3, 4.5f };
  int32_t i32[4] = { 1, 2, -3, 5 };
  const float want_i32[4] = { 1, 2, -3, 5 };
  double f64[4] = { 1, 2, -3, 4.5 };
  uint16_t f16[4];
  float f32[4] = { 1, 2, -3, 4.5f };
  uint8_t g8[4] = { 1, 2, 3, 4 };
  const float want_g8[4] = { 1, 2, 3, 4 };

  for (int i = 0; i < 4; i++)
    f16[i] = mlrt_float_to_half (f32[i]);
  expect (model, MLRT_TYPE_FLOAT32, 3, s3, f32, want, 4);
  expect (model, MLRT_TYPE_FLOAT64, 1, s1, f64, want, 4);
  expect (model, MLRT_TYPE_FLOAT16, 1, s1, f16, want, 4);
  expect (model, MLRT_TYPE_INT32, 1, s1, i32, want_i32, 4);
  expect (model, MLRT_TYPE_GRAY8, 2, img, g8, want_g8, 4);
  mlrt_model_unload (model);
}

static void
test_outputs (void)
{
  TestWeights w;
  const float pick_r[3] = { 0, 0, 1 }, scale_r[3] = { 0, 0, 300 };
  char *er, *es, *json, *path;
  float x[6] = { 0.2f, 1.5f, 0.4f, -0.5f, 0.6f, 0.8f };
  const int64_t shape[] = { 3, 1, 2 };
  MlrtModel *model;
  MlrtFeatures *in, *out = NULL;
  MlrtError error = { 0 };
  const uint8_t want_bgra[8] = { 51, 102, 153, 255, 255, 0, 204, 255 };
  const uint8_t want_gray[2] = { 153, 204 };
  const int32_t want_i32[2] = { 180, 240 };
  const double want_f64[2] = { 180, 240 };
  const float want_f32[2] = { 0.6f, 0.8f };
  const uint16_t *g16, *f16;

  test_weights_init (&w);
  er = test_weights_f32 (&w, "[1, 3, 1, 1]", pick_r, 3);
  es = test_weights_f32 (&w, "[1, 3, 1, 1]", scale_r, 3);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"outputs\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [3, 1, 2]}],"
    " \"outputs\": ["
    "  {\"name\": \"bgra\", \"type\": \"bgra8\", \"shape\": [1, 2]},"
    "  {\"name\": \"gray\", \"type\": \"gray8\", \"shape\": [1, 2]},"
    "  {\"name\": \"g16\", \"type\": \"gray16_half\", \"shape\": [1, 2]},"
    "  {\"name\": \"i32\", \"type\": \"int32\", \"shape\": [1, 1, 2]},"
    "  {\"name\": \"f64\", \"type\": \"float64\", \"shape\": [1, 1, 2]},"
    "  {\"name\": \"f16\", \"type\": \"float16\", \"shape\": [1, 1, 2]},"
    "  {\"name\": \"f32\", \"type\": \"float32\", \"shape\": [1, 1, 2]}],"
    " \"layers\": ["
    "  {\"name\": \"l1\", \"op\": \"relu\", \"inputs\": [\"x\"], \"outputs\": [\"bgra\"]},"
    "  {\"name\": \"l2\", \"op\": \"conv2d\", \"inputs\": [\"x\"], \"outputs\": [\"gray\"],"
    "   \"params\": {\"out_channels\": 1, \"kernel\": [1, 1]}, \"weights\": {\"weight\": %s}},"
    "  {\"name\": \"l3\", \"op\": \"relu\", \"inputs\": [\"gray\"], \"outputs\": [\"g16\"]},"
    "  {\"name\": \"l4\", \"op\": \"conv2d\", \"inputs\": [\"x\"], \"outputs\": [\"i32\"],"
    "   \"params\": {\"out_channels\": 1, \"kernel\": [1, 1]}, \"weights\": {\"weight\": %s}},"
    "  {\"name\": \"l5\", \"op\": \"relu\", \"inputs\": [\"i32\"], \"outputs\": [\"f64\"]},"
    "  {\"name\": \"l6\", \"op\": \"relu\", \"inputs\": [\"i32\"], \"outputs\": [\"f16\"]},"
    "  {\"name\": \"l7\", \"op\": \"relu\", \"inputs\": [\"gray\"], \"outputs\": [\"f32\"]}]}",
    er, es);
  path = test_write_package (tmp, "outputs", json, &w);
  model = test_load (path, tmp);
  in = test_one_input ("x", MLRT_TYPE_FLOAT32, 3, shape, x);
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpuint (mlrt_features_count (out), ==, 7);
  g_assert_cmpint (mlrt_features_get (out, "bgra")->type, ==,
                   MLRT_TYPE_BGRA8);
  g_assert_cmpmem (mlrt_features_get (out, "bgra")->data, 8, want_bgra, 8);
  g_assert_cmpmem (mlrt_features_get (out, "gray")->data, 2, want_gray, 2);
  g16 = mlrt_features_get (out, "g16")->data;
  g_assert_cmphex (g16[0], ==, mlrt_float_to_half (0.6f));
  g_assert_cmphex (g16[1], ==, mlrt_float_to_half (0.8f));
  g_assert_cmpmem (mlrt_features_get (out, "i32")->data, 8, want_i32, 8);
  g_assert_cmpmem (mlrt_features_get (out, "f64")->data, 16, want_f64, 16);
  f16 = mlrt_features_get (out, "f16")->data;
  g_assert_cmphex (f16[0], ==, mlrt_float_to_half (180));
  g_assert_cmphex (f16[1], ==, mlrt_float_to_half (240));
  test_assert_floats (mlrt_features_get (out, "f32")->data, want_f32, 2,
                      1e-6f);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  g_free (er); g_free (es); g_free (json); g_free (path);
  test_weights_clear (&w);
}

/* NaN has no pixel or integer: it converts to the low end of the range
 * (black; INT32_MIN, as x86 and numpy do), never to whatever an undefined
 * float-to-integer conversion gives. */
static void
test_nan_outputs (void)
{
  TestWeights w;
  const float one = 1;
  float x[2] = { NAN, 0.6f };
  const int64_t shape[] = { 1, 1, 2 };
  const uint8_t want_gray[2] = { 0, 153 };
  const int32_t want_i32[2] = { INT32_MIN, 1 };
  char *e, *json, *path;
  MlrtModel *model;
  MlrtFeatures *in, *out = NULL;
  MlrtError error = { 0 };

  test_weights_init (&w);
  e = test_weights_f32 (&w, "[1, 1, 1, 1]", &one, 1);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"nan\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [1, 1, 2]}],"
    " \"outputs\": ["
    "  {\"name\": \"gray\", \"type\": \"gray8\", \"shape\": [1, 2]},"
    "  {\"name\": \"i32\", \"type\": \"int32\", \"shape\": [1, 1, 2]}],"
    " \"layers\": ["
    "  {\"name\": \"c1\", \"op\": \"conv2d\", \"inputs\": [\"x\"], \"outputs\": [\"gray\"],"
    "   \"params\": {\"out_channels\": 1, \"kernel\": [1, 1]}, \"weights\": {\"weight\": %s}},"
    "  {\"name\": \"c2\", \"op\": \"conv2d\", \"inputs\": [\"x\"], \"outputs\": [\"i32\"],"
    "   \"params\": {\"out_channels\": 1, \"kernel\": [1, 1]}, \"weights\": {\"weight\": %s}}]}",
    e, e);
  path = test_write_package (tmp, "nan", json, &w);
  model = test_load (path, tmp);
  in = test_one_input ("x", MLRT_TYPE_FLOAT32, 3, shape, x);
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpmem (mlrt_features_get (out, "gray")->data, 2, want_gray, 2);
  g_assert_cmpmem (mlrt_features_get (out, "i32")->data, 8, want_i32, 8);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  g_free (e); g_free (json); g_free (path);
  test_weights_clear (&w);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/core/convert/into-gray8", test_into_gray8);
  g_test_add_func ("/core/convert/into-bgra8", test_into_bgra8);
  g_test_add_func ("/core/convert/into-arrays", test_into_arrays);
  g_test_add_func ("/core/convert/outputs", test_outputs);
  g_test_add_func ("/core/convert/nan-outputs", test_nan_outputs);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
