/*
 * test-weights.c: every weight encoding decodes to the right values. Each
 * case stores a [2, 8] inner-product weight in one encoding; a batch of the
 * 8 one-hot inputs reads back every column, so each output is exactly one
 * decoded weight.
 */
#include "common.h"
#include "pkg-writer.h"

#define OUT 2
#define IN 8
#define N (OUT * IN)

static char *tmp;

/* Builds the package around a weight entry, runs the one-hot batch and
 * checks the decoded matrix against `want`. */
static void
check_weight_entry (const char *name, const char *entry, TestWeights *w,
                    const float *want, const char *storage)
{
  char *json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"metadata\": {\"storage_precision\": \"%s\"},"
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [8]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": [2]}],"
    " \"layers\": [{\"name\": \"fc\", \"op\": \"inner_product\","
    "   \"inputs\": [\"x\"], \"outputs\": [\"y\"], \"params\": {\"out_features\": 2},"
    "   \"weights\": {\"weight\": %s}}]}", name, storage, entry);
  char *path = test_write_package (tmp, name, json, w);
  MlrtModel *model = test_load (path, tmp);
  float onehot[IN][IN] = { { 0 } };
  MlrtFeatures *in[IN], *out[IN];
  const int64_t shape[] = { IN };
  MlrtError error = { 0 };

  g_assert_cmpstr (mlrt_model_description (model)->storage_precision, ==,
                   storage);
  for (int i = 0; i < IN; i++)
    {
      onehot[i][i] = 1;
      in[i] = test_one_input ("x", MLRT_TYPE_FLOAT32, 1, shape, onehot[i]);
    }
  if (mlrt_model_predict_batch (model, IN, (const MlrtFeatures *const *) in,
                                NULL, out, &error) != MLRT_OK)
    g_error ("%s", error.message);
  for (int i = 0; i < IN; i++)
    {
      const float *y = mlrt_features_get (out[i], "y")->data;
      for (int o = 0; o < OUT; o++)
        if (fabsf (y[o] - want[o * IN + i]) > 1e-6f)
          g_error ("%s: weight [%d, %d] decoded as %g, expected %g", name, o,
                   i, y[o], want[o * IN + i]);
      mlrt_features_free (out[i]);
      mlrt_features_free (in[i]);
    }
  mlrt_model_unload (model);
  g_free (json);
  g_free (path);
}

static void
values (float *v)
{
  for (int i = 0; i < N; i++)
    v[i] = (float) (i * 3 % 7) - 2.5f + (float) i / 16.0f;
}

static void
test_float32 (void)
{
  TestWeights w;
  float v[N];
  char *e;

  values (v);
  test_weights_init (&w);
  e = test_weights_f32 (&w, "[2, 8]", v, N);
  check_weight_entry ("w-float32", e, &w, v, "float32");
  g_free (e);
  test_weights_clear (&w);
}

static void
test_float16 (void)
{
  TestWeights w;
  float v[N], want[N];
  char *e;

  values (v);
  for (int i = 0; i < N; i++)
    want[i] = mlrt_half_to_float (mlrt_float_to_half (v[i]));
  test_weights_init (&w);
  e = test_weights_f16 (&w, "[2, 8]", v, N);
  check_weight_entry ("w-float16", e, &w, want, "float16");
  g_free (e);
  test_weights_clear (&w);
}

static void
test_int8 (void)
{
  TestWeights w;
  const float scales[OUT] = { 0.5f, 0.25f }, zeros[OUT] = { 3, -2 };
  int8_t q[N];
  float want[N];
  char *e;

  for (int i = 0; i < N; i++)
    {
      q[i] = (int8_t) (i * 17 % 256 - 128);
      want[i] = scales[i / IN] * ((float) q[i] - zeros[i / IN]);
    }
  test_weights_init (&w);
  e = test_weights_int8 (&w, "[2, 8]", OUT, scales, zeros, q, N);
  check_weight_entry ("w-int8", e, &w, want, "int8");
  g_free (e);
  test_weights_clear (&w);
}

static void
test_palette (gconstpointer data)
{
  int bits = GPOINTER_TO_INT (data);
  int entries = 1 << bits;
  TestWeights w;
  float lut[256], want[N];
  uint8_t idx[N];
  char *e, name[32], storage[16];

  for (int i = 0; i < entries; i++)
    lut[i] = (float) i * 0.75f - 3.0f;
  for (int i = 0; i < N; i++)
    {
      idx[i] = (uint8_t) ((i * 5 + 3) % entries);
      want[i] = lut[idx[i]];
    }
  g_snprintf (name, sizeof name, "w-palette%d", bits);
  g_snprintf (storage, sizeof storage, "palette%d", bits);
  test_weights_init (&w);
  e = test_weights_palette (&w, "[2, 8]", bits, lut, idx, N);
  check_weight_entry (name, e, &w, want, storage);
  g_free (e);
  test_weights_clear (&w);
}

static void
test_sparse (void)
{
  TestWeights w;
  float v[N];
  char *e;

  values (v);
  for (int i = 0; i < N; i += 3)
    v[i] = 0;
  test_weights_init (&w);
  e = test_weights_sparse (&w, "[2, 8]", v, N);
  check_weight_entry ("w-sparse", e, &w, v, "sparse");
  g_free (e);
  test_weights_clear (&w);
}

static void
test_half_conversion (void)
{
  /* Exact cases, rounding to nearest even, subnormals, limits. */
  g_assert_cmphex (mlrt_float_to_half (1.0f), ==, 0x3c00);
  g_assert_cmphex (mlrt_float_to_half (-2.0f), ==, 0xc000);
  g_assert_cmphex (mlrt_float_to_half (65504.0f), ==, 0x7bff);
  g_assert_cmphex (mlrt_float_to_half (65520.0f), ==, 0x7c00);
  g_assert_cmphex (mlrt_float_to_half (1.0f + 1.0f / 2048), ==, 0x3c00);
  g_assert_cmphex (mlrt_float_to_half (1.0f + 3.0f / 2048), ==, 0x3c02);
  g_assert_cmphex (mlrt_float_to_half (5.960464477539063e-08f), ==, 0x0001);
  g_assert_cmphex (mlrt_float_to_half (2.98e-08f), ==, 0x0000);
  g_assert_cmphex (mlrt_float_to_half (INFINITY), ==, 0x7c00);
  g_assert_true (isnan (mlrt_half_to_float (mlrt_float_to_half (NAN))));
  g_assert_cmpfloat (mlrt_half_to_float (0x0001), ==, 5.960464477539063e-08f);
  g_assert_cmpfloat (mlrt_half_to_float (0x3555), ==, 0.333251953125f);
  for (uint32_t h = 0; h < 0x7c00; h++)
    g_assert_cmphex (mlrt_float_to_half (mlrt_half_to_float ((uint16_t) h)),
                     ==, h);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/core/weights/half-conversion", test_half_conversion);
  g_test_add_func ("/core/weights/float32", test_float32);
  g_test_add_func ("/core/weights/float16", test_float16);
  g_test_add_func ("/core/weights/int8", test_int8);
  for (int bits = 1; bits <= 8; bits++)
    {
      char *path = g_strdup_printf ("/core/weights/palette%d", bits);
      g_test_add_data_func (path, GINT_TO_POINTER (bits), test_palette);
      g_free (path);
    }
  g_test_add_func ("/core/weights/sparse", test_sparse);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
