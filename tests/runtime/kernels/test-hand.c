/*
 * test-hand.c: tiny cases whose answers were worked out by hand, so that a
 * misunderstanding shared by a kernel and its reference (kernel flipped,
 * transposed weight layout, wrong half-pixel convention, padding counted in
 * an average) still fails a test.
 */
#include <math.h>

#include "test-kernels.h"

/* The 4x4 image 1..16, row by row. */
static const float image4[16] = {
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

static void
test_output_size (void)
{
  g_assert_cmpint (mlrt_conv_output_size (4, 3, 1, 1, 1), ==, 4);
  g_assert_cmpint (mlrt_conv_output_size (5, 3, 2, 1, 1), ==, 3);
  g_assert_cmpint (mlrt_conv_output_size (6, 3, 2, 1, 1), ==, 3);
  g_assert_cmpint (mlrt_conv_output_size (7, 3, 1, 0, 2), ==, 3);
  g_assert_cmpint (mlrt_conv_output_size (224, 7, 2, 3, 1), ==, 112);
  g_assert_cmpint (mlrt_conv_output_size (2, 5, 1, 0, 1), ==, 0);
}

static void
test_conv_box (void)
{
  /* 3x3 box sum, padding 1: each output is the sum of the neighbourhood */
  static const float want[16] = {
    14, 24, 30, 22, 33, 54, 63, 45, 57, 90, 99, 69, 46, 72, 78, 54,
  };
  MlrtConvParams p = { 1, 4, 4, 1, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1,
                       MLRT_ACT_NONE, 0 };
  float w[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  float *out = guarded_new (16, NAN);

  conv2d_packed (&p, image4, w, NULL, out);
  assert_close ("3x3 box conv", out, want, 16, 1);
  g_free (out);
}

static void
test_conv_shift_stride (void)
{
  /* A single tap right of centre reads in[y][x + 1] (correlation, not a
   * flipped convolution); stride 2 keeps (0,0) (0,2) (2,0) (2,2); bias -3
   * and ReLU then clip the first one to zero. */
  static const float want[4] = { 0, 1, 7, 9 };
  MlrtConvParams p = { 1, 4, 4, 1, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1,
                       MLRT_ACT_RELU, 0 };
  float w[9] = { 0, 0, 0, 0, 0, 1, 0, 0, 0 };
  float bias = -3;
  float *out = guarded_new (4, NAN);

  conv2d_packed (&p, image4, w, &bias, out);
  assert_close ("shift conv, stride 2, bias, relu", out, want, 4, 1);
  g_free (out);
}

static void
test_conv_depthwise (void)
{
  /* Two groups of one channel each. Channel 0: box sum (as above);
   * channel 1: a 3x3 with only its centre set to 2, so 2 x the image. */
  static const float want[32] = {
    14, 24, 30, 22, 33, 54, 63, 45, 57, 90, 99, 69, 46, 72, 78, 54,
    2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32,
  };
  MlrtConvParams p = { 2, 4, 4, 2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2,
                       MLRT_ACT_NONE, 0 };
  float in[32], w[18] = { 1, 1, 1, 1, 1, 1, 1, 1, 1,
                          0, 0, 0, 0, 2, 0, 0, 0, 0 };
  float *out = guarded_new (32, NAN);

  for (int i = 0; i < 32; i++)
    in[i] = image4[i % 16];
  conv2d_packed (&p, in, w, NULL, out);
  assert_close ("depthwise conv", out, want, 32, 1);
  g_free (out);
}

static void
test_deconv_stride2 (void)
{
  /* Stride 2, 2x2 kernel: each input pixel stamps the kernel scaled by its
   * value into its own 2x2 block; weight is [in_c, out_c, kh, kw]. */
  static const float want[16] = {
    1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000, 400, 4000,
  };
  MlrtConvTransposeParams p = { 1, 2, 2, 1, 4, 4, 2, 2, 2, 2, 0, 0,
                                MLRT_ACT_NONE, 0 };
  float in[4] = { 1, 2, 3, 4 }, w[4] = { 1, 10, 100, 1000 };
  float *scratch = g_malloc (mlrt_cpu_conv_transpose2d_scratch_size (&p));
  float *out = guarded_new (16, NAN);

  mlrt_cpu_conv_transpose2d (&p, in, w, NULL, out, scratch);
  assert_close ("transposed conv, stride 2", out, want, 16, 1);
  g_free (scratch);
  g_free (out);
}

static void
test_deconv_overlap (void)
{
  /* Stride 1, 2x2 ones: overlapping stamps add up; bias 0.5 on channel 0,
   * -1 on channel 1 (whose kernel is 2x the first); output padding 1
   * adds a last row and column that only get the bias. */
  static const float want[32] = {
    1.5, 3.5, 2.5, 0.5, 4.5, 10.5, 6.5, 0.5, 3.5, 7.5, 4.5, 0.5,
    0.5, 0.5, 0.5, 0.5,
    1, 5, 3, -1, 7, 19, 11, -1, 5, 13, 7, -1, -1, -1, -1, -1,
  };
  MlrtConvTransposeParams p = { 1, 2, 2, 2, 4, 4, 2, 2, 1, 1, 0, 0,
                                MLRT_ACT_NONE, 0 };
  float in[4] = { 1, 2, 3, 4 }, w[8] = { 1, 1, 1, 1, 2, 2, 2, 2 };
  float bias[2] = { 0.5, -1 };
  float *scratch = g_malloc (mlrt_cpu_conv_transpose2d_scratch_size (&p));
  float *out = guarded_new (32, NAN);

  mlrt_cpu_conv_transpose2d (&p, in, w, bias, out, scratch);
  assert_close ("transposed conv, overlap + output padding", out, want, 32,
                1);
  g_free (scratch);
  g_free (out);
}

static void
test_upsample_hand (void)
{
  /* Half-pixel centres: output x samples (x + 0.5) / 2 - 0.5 = -0.25
   * (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last pixel). */
  static const float bilinear[8] = { 0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1 };
  static const float nearest[6] = { 0, 0, 0, 1, 1, 1 };
  float in[2] = { 0, 1 };
  float *out = guarded_new (8, NAN);

  mlrt_cpu_upsample (1, 1, 2, 2, 2, MLRT_UPSAMPLE_BILINEAR, in, out);
  assert_close ("bilinear upsample", out, bilinear, 8, 1);
  g_free (out);
  out = guarded_new (6, NAN);
  mlrt_cpu_upsample (1, 1, 2, 1, 3, MLRT_UPSAMPLE_NEAREST, in, out);
  assert_close ("nearest upsample", out, nearest, 6, 1);
  g_free (out);
}

static void
test_pool_hand (void)
{
  /* 3x3 image 1..9, 2x2 windows, stride 2, padding 1: the windows hold
   * {1}, {2,3}, {4,7}, {5,6,8,9}; the average ignores the padding. */
  static const float avg[4] = { 1, 2.5, 5.5, 7 };
  static const float max[4] = { 1, 3, 7, 9 };
  float in[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  MlrtPoolParams p = { 1, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, MLRT_POOL_AVG };
  float *out = guarded_new (4, NAN);
  float g[1];

  mlrt_cpu_pool2d (&p, in, out);
  assert_close ("avg pool", out, avg, 4, 1);
  p.kind = MLRT_POOL_MAX;
  mlrt_cpu_pool2d (&p, in, out);
  assert_close ("max pool", out, max, 4, 1);
  mlrt_cpu_global_pool (MLRT_POOL_AVG, 1, 9, in, g);
  g_assert_cmpfloat_with_epsilon (g[0], 5, 1e-6);
  mlrt_cpu_global_pool (MLRT_POOL_MAX, 1, 9, in, g);
  g_assert_cmpfloat (g[0], ==, 9);
  g_free (out);
}

static void
test_small_ops_hand (void)
{
  float x[4] = { 1, 2, 3, 4 }, gamma = 1, beta = 0, out[2];
  float *norm_out = guarded_new (4, NAN), *soft_out = guarded_new (2, NAN);
  float logits[2] = { 0, logf (3) };
  float act_in[4] = { 1, -2, 2, 0.5 };
  float w[6] = { 1, 0, -1, 2, 2, 2 }, bias[2] = { 10, 0 };
  static const float norm[4] = { -1.3416408f, -0.4472136f, 0.4472136f,
                                 1.3416408f };
  static const float soft[2] = { 0.25f, 0.75f };

  mlrt_cpu_instance_norm (1, 4, &gamma, &beta, 0, MLRT_ACT_NONE, 0, x,
                          norm_out);
  assert_close ("instance norm of 1..4", norm_out, norm, 4, 1);
  mlrt_cpu_softmax (1, 2, 1, 0, logits, soft_out);
  assert_close ("softmax of (0, ln 3)", soft_out, soft, 2, 1);
  mlrt_cpu_inner_product (3, 2, (float[]) { 1, 5, 3 }, w, bias, MLRT_ACT_RELU,
                          0, out);
  /* relu (1 - 3 + 10), relu (2 + 10 + 6 + 0) */
  g_assert_cmpfloat_with_epsilon (out[0], 8, 1e-5);
  g_assert_cmpfloat_with_epsilon (out[1], 18, 1e-5);
  mlrt_cpu_activation (MLRT_ACT_GELU, 0, 2, act_in, out);
  g_assert_cmpfloat_with_epsilon (out[0], 0.8411920, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], -0.0454023, 1e-6);
  mlrt_cpu_activation (MLRT_ACT_SIGMOID, 0, 1, act_in + 2, out);
  g_assert_cmpfloat_with_epsilon (out[0], 0.8807971, 1e-6);
  mlrt_cpu_activation (MLRT_ACT_TANH, 0, 1, act_in + 3, out);
  g_assert_cmpfloat_with_epsilon (out[0], 0.4621172, 1e-6);
  mlrt_cpu_activation (MLRT_ACT_LEAKY_RELU, 0.1f, 2, act_in, out);
  g_assert_cmpfloat_with_epsilon (out[1], -0.2, 1e-7);
  g_assert_cmpfloat (out[0], ==, 1);
  g_free (norm_out);
  g_free (soft_out);
}

void
register_hand_tests (void)
{
  g_test_add_func ("/kernels/hand/output-size", test_output_size);
  g_test_add_func ("/kernels/hand/conv-box", test_conv_box);
  g_test_add_func ("/kernels/hand/conv-shift-stride", test_conv_shift_stride);
  g_test_add_func ("/kernels/hand/conv-depthwise", test_conv_depthwise);
  g_test_add_func ("/kernels/hand/deconv-stride2", test_deconv_stride2);
  g_test_add_func ("/kernels/hand/deconv-overlap", test_deconv_overlap);
  g_test_add_func ("/kernels/hand/upsample", test_upsample_hand);
  g_test_add_func ("/kernels/hand/pool", test_pool_hand);
  g_test_add_func ("/kernels/hand/small-ops", test_small_ops_hand);
}
