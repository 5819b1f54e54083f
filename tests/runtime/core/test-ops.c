/*
 * test-ops.c: every op of docs/model-format.md through the whole runtime
 * (parse, shape inference, fusion, plan, executor, CPU unit), on inputs
 * small enough that the expected outputs are worked out by hand here.
 * The kernels themselves are tested against references in
 * tests/runtime/kernels; this checks that the executor hands them the
 * right shapes, params and weights.
 */
#include "common.h"
#include "pkg-writer.h"

static char *tmp;

/* One float32 input "x" of `in_shape`, layers ending in tensor "y" of
 * `out_shape`; checks y against `want`. */
static void
check (const char *name, const char *in_shape, const int64_t *shape,
       int rank, float *x, const char *out_shape, const char *layers,
       TestWeights *w, const float *want, size_t n)
{
  char *json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": %s}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": %s}],"
    " \"layers\": [%s]}", name, in_shape, out_shape, layers);
  TestWeights empty;
  char *path;
  MlrtModel *model;
  MlrtFeatures *in, *out = NULL;
  MlrtError error = { 0 };
  const MlrtValue *y;

  test_weights_init (&empty);
  path = test_write_package (tmp, name, json, w ? w : &empty);
  model = test_load (path, tmp);
  in = test_one_input ("x", MLRT_TYPE_FLOAT32, rank, shape, x);
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("%s: %s", name, error.message);
  y = mlrt_features_get (out, "y");
  g_assert_cmpuint (mlrt_value_element_count (y), ==, n);
  test_assert_floats (y->data, want, n, 1e-5f);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  test_weights_clear (&empty);
  g_free (json);
  g_free (path);
}

#define LAYER(name, op, in, out, params) \
  "{\"name\": \"" name "\", \"op\": \"" op "\", \"inputs\": " in \
  ", \"outputs\": [\"" out "\"], \"params\": " params "}"

static void
test_upsample (void)
{
  float x[2] = { 0, 4 };
  const int64_t s[] = { 1, 1, 2 };
  const float nearest[8] = { 0, 0, 4, 4, 0, 0, 4, 4 };
  /* Half-pixel centres, edges clamped: sources -0.25, 0.25, 0.75, 1.25. */
  const float bilinear[8] = { 0, 1, 3, 4, 0, 1, 3, 4 };

  check ("upsample-nearest", "[1, 1, 2]", s, 3, x, "[1, 2, 4]",
         LAYER ("up", "upsample", "[\"x\"]", "y",
                "{\"scale\": [2, 2], \"mode\": \"nearest\"}"),
         NULL, nearest, 8);
  check ("upsample-bilinear", "[1, 1, 2]", s, 3, x, "[1, 2, 4]",
         LAYER ("up", "upsample", "[\"x\"]", "y",
                "{\"scale\": [2, 2], \"mode\": \"bilinear\"}"),
         NULL, bilinear, 8);
}

static void
test_concat_add_mul (void)
{
  float x[2] = { -1, 2 };
  const int64_t s[] = { 1, 1, 2 };
  const float concat[4] = { -1, 2, 0, 2 };
  const float add_leaky[2] = { -0.2f, 4 };
  const float mul[2] = { 1, 4 };

  check ("concat", "[1, 1, 2]", s, 3, x, "[2, 1, 2]",
         LAYER ("r", "relu", "[\"x\"]", "r", "{}") ","
         LAYER ("cat", "concat", "[\"x\", \"r\"]", "y", "{\"axis\": 0}"),
         NULL, concat, 4);
  /* add + leaky_relu fuse into one layer. */
  check ("add-leaky", "[1, 1, 2]", s, 3, x, "[1, 1, 2]",
         LAYER ("sum", "add", "[\"x\", \"x\"]", "s", "{}") ","
         LAYER ("lr", "leaky_relu", "[\"s\"]", "y", "{\"alpha\": 0.1}"),
         NULL, add_leaky, 2);
  check ("mul", "[1, 1, 2]", s, 3, x, "[1, 1, 2]",
         LAYER ("sq", "mul", "[\"x\", \"x\"]", "y", "{}"), NULL, mul, 2);
}

static void
test_pools_and_shapes (void)
{
  float x[4] = { 1, 2, 3, 4 };
  const int64_t s[] = { 1, 2, 2 };
  const float avg[1] = { 2.5f }, max[1] = { 4 };
  float g[4] = { 1, 5, -1, -3 };
  const int64_t gs[] = { 2, 1, 2 };
  const float gmax[2] = { 5, -1 }, gavg[2] = { 3, -2 };

  check ("avg-pool", "[1, 2, 2]", s, 3, x, "[1, 1, 1]",
         LAYER ("p", "avg_pool", "[\"x\"]", "y", "{\"kernel\": [2, 2]}"),
         NULL, avg, 1);
  check ("max-pool", "[1, 2, 2]", s, 3, x, "[1, 1, 1]",
         LAYER ("p", "max_pool", "[\"x\"]", "y", "{\"kernel\": [2, 2]}"),
         NULL, max, 1);
  check ("global-max", "[2, 1, 2]", gs, 3, g, "[2]",
         LAYER ("p", "global_max_pool", "[\"x\"]", "y", "{}"), NULL, gmax, 2);
  check ("global-avg", "[2, 1, 2]", gs, 3, g, "[2]",
         LAYER ("p", "global_avg_pool", "[\"x\"]", "y", "{}"), NULL, gavg, 2);
  check ("reshape", "[1, 2, 2]", s, 3, x, "[2, 2]",
         LAYER ("r", "reshape", "[\"x\"]", "y", "{\"shape\": [2, -1]}"),
         NULL, x, 4);
  check ("flatten", "[1, 2, 2]", s, 3, x, "[4]",
         LAYER ("f", "flatten", "[\"x\"]", "y", "{}"), NULL, x, 4);
}

static void
test_activations_and_softmax (void)
{
  float x[2] = { 1, -0.5f };
  const int64_t s[] = { 2 };
  float gelu[2], tanh_v[2], sig[2];
  float sm_in[2] = { 0, logf (3) };
  const float sm[2] = { 0.25f, 0.75f };

  for (int i = 0; i < 2; i++)
    {
      double v = x[i];
      gelu[i] = (float) (0.5 * v * (1 + tanh (sqrt (2 / G_PI)
                                              * (v + 0.044715 * v * v * v))));
      tanh_v[i] = (float) tanh (v);
      sig[i] = (float) (1 / (1 + exp (-v)));
    }
  check ("gelu", "[2]", s, 1, x, "[2]",
         LAYER ("a", "gelu", "[\"x\"]", "y", "{}"), NULL, gelu, 2);
  check ("tanh", "[2]", s, 1, x, "[2]",
         LAYER ("a", "tanh", "[\"x\"]", "y", "{}"), NULL, tanh_v, 2);
  check ("sigmoid", "[2]", s, 1, x, "[2]",
         LAYER ("a", "sigmoid", "[\"x\"]", "y", "{}"), NULL, sig, 2);
  check ("softmax", "[2]", s, 1, sm_in, "[2]",
         LAYER ("a", "softmax", "[\"x\"]", "y", "{\"axis\": -1}"), NULL, sm,
         2);
}

static void
test_weighted (void)
{
  TestWeights w;
  float x1[1] = { 2 }, x2[2] = { 1, 2 }, x3[2] = { 1, 3 }, x4[2] = { 3, 4 };
  const int64_t s1[] = { 1, 1, 1 }, s2[] = { 2, 1, 1 }, s3[] = { 1, 1, 2 };
  const float k[4] = { 1, 2, 3, 4 }, b[1] = { 0.5f };
  const float convt[4] = { 2.5f, 4.5f, 6.5f, 8.5f };
  const float mean[2] = { 0, 1 }, var[2] = { 1, 4 }, gamma[2] = { 1, 2 },
              beta[2] = { 0, 1 };
  const float bn[2] = { 1, 2 };
  const float one[1] = { 1 }, zero[1] = { 0 }, inorm[2] = { -1, 1 };
  const float dw[2] = { 2, -1 }, dw_out[2] = { 6, -4 };
  char *e1, *e2, *e3, *e4, *layers;

  test_weights_init (&w);
  e1 = test_weights_f32 (&w, "[1, 1, 2, 2]", k, 4);
  e2 = test_weights_f32 (&w, "[1]", b, 1);
  layers = g_strdup_printf (
    "{\"name\": \"up\", \"op\": \"conv_transpose2d\", \"inputs\": [\"x\"],"
    " \"outputs\": [\"y\"], \"params\": {\"out_channels\": 1, \"kernel\": [2, 2],"
    " \"stride\": [2, 2]}, \"weights\": {\"weight\": %s, \"bias\": %s}}", e1, e2);
  check ("conv-transpose", "[1, 1, 1]", s1, 3, x1, "[1, 2, 2]", layers, &w,
         convt, 4);
  g_free (e1); g_free (e2); g_free (layers);
  test_weights_clear (&w);

  /* A batch norm on its own (not after a convolution): not folded. */
  test_weights_init (&w);
  e1 = test_weights_f32 (&w, "[2]", mean, 2);
  e2 = test_weights_f32 (&w, "[2]", var, 2);
  e3 = test_weights_f32 (&w, "[2]", gamma, 2);
  e4 = test_weights_f32 (&w, "[2]", beta, 2);
  layers = g_strdup_printf (
    "{\"name\": \"bn\", \"op\": \"batch_norm\", \"inputs\": [\"x\"],"
    " \"outputs\": [\"y\"], \"params\": {\"epsilon\": 0}, \"weights\":"
    " {\"mean\": %s, \"variance\": %s, \"gamma\": %s, \"beta\": %s}}",
    e1, e2, e3, e4);
  check ("batch-norm", "[2, 1, 1]", s2, 3, x2, "[2, 1, 1]", layers, &w, bn,
         2);
  g_free (e1); g_free (e2); g_free (e3); g_free (e4); g_free (layers);
  test_weights_clear (&w);

  test_weights_init (&w);
  e1 = test_weights_f32 (&w, "[1]", one, 1);
  e2 = test_weights_f32 (&w, "[1]", zero, 1);
  layers = g_strdup_printf (
    "{\"name\": \"in\", \"op\": \"instance_norm\", \"inputs\": [\"x\"],"
    " \"outputs\": [\"y\"], \"params\": {\"epsilon\": 0}, \"weights\":"
    " {\"gamma\": %s, \"beta\": %s}}", e1, e2);
  check ("instance-norm", "[1, 1, 2]", s3, 3, x3, "[1, 1, 2]", layers, &w,
         inorm, 2);
  g_free (e1); g_free (e2); g_free (layers);
  test_weights_clear (&w);

  test_weights_init (&w);
  e1 = test_weights_f32 (&w, "[2, 1, 1, 1]", dw, 2);
  layers = g_strdup_printf (
    "{\"name\": \"dw\", \"op\": \"conv2d\", \"inputs\": [\"x\"],"
    " \"outputs\": [\"y\"], \"params\": {\"out_channels\": 2, \"kernel\": [1, 1],"
    " \"groups\": 2}, \"weights\": {\"weight\": %s}}", e1);
  check ("depthwise", "[2, 1, 1]", s2, 3, x4, "[2, 1, 1]", layers, &w,
         dw_out, 2);
  g_free (e1); g_free (layers);
  test_weights_clear (&w);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/core/ops/upsample", test_upsample);
  g_test_add_func ("/core/ops/concat-add-mul", test_concat_add_mul);
  g_test_add_func ("/core/ops/pools-and-shapes", test_pools_and_shapes);
  g_test_add_func ("/core/ops/activations-softmax",
                   test_activations_and_softmax);
  g_test_add_func ("/core/ops/weighted", test_weighted);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
