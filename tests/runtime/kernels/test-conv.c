/*
 * test-conv.c: convolution and transposed convolution against the
 * reference, on named shapes that each hit one path of the kernels
 * (stride, padding, dilation, groups, depthwise, pointwise, Winograd,
 * im2col split into bands, output padding) and on seeded random shapes.
 */
#include <math.h>

#include "reference.h"
#include "test-kernels.h"

typedef struct {
  const char *name;
  MlrtConvParams p;         /* out_h, out_w filled in by the test */
  gboolean bias;
} ConvCase;

#define CONV(n, ic, ih, iw, oc, kh, kw, sh, sw, ph, pw, dh, dw, g, act, b) \
  { n, { ic, ih, iw, oc, 0, 0, kh, kw, sh, sw, ph, pw, dh, dw, g, act, 0.1f }, b }
/* The same with an output affine after the activation (x -0.75 + 0.5). */
#define CONV_AFFINE(n, ic, ih, iw, oc, kh, kw, sh, sw, ph, pw, g, act) \
  { n, { ic, ih, iw, oc, 0, 0, kh, kw, sh, sw, ph, pw, 1, 1, g, act, 0.1f, \
         1, -0.75f, 0.5f }, TRUE }

static const ConvCase conv_cases[] = {
  CONV ("3x3-pad1", 3, 13, 11, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV ("stride2", 4, 15, 17, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, MLRT_ACT_RELU, TRUE),
  CONV ("asym-stride-pad", 3, 16, 9, 5, 5, 3, 3, 2, 2, 0, 1, 1, 1, MLRT_ACT_LEAKY_RELU, TRUE),
  CONV ("dilation2", 2, 14, 14, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1, MLRT_ACT_SIGMOID, FALSE),
  CONV ("asym-dilation", 3, 12, 19, 4, 3, 2, 1, 2, 0, 1, 3, 1, 1, MLRT_ACT_TANH, TRUE),
  CONV ("groups2", 4, 9, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, MLRT_ACT_GELU, TRUE),
  CONV ("groups3-stride2", 6, 11, 10, 9, 3, 3, 2, 2, 1, 1, 1, 1, 3, MLRT_ACT_RELU, FALSE),
  CONV ("depthwise", 8, 12, 12, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, MLRT_ACT_RELU, TRUE),
  CONV ("depthwise-stride2-dil2", 5, 13, 15, 5, 3, 3, 2, 2, 2, 2, 2, 2, 5, MLRT_ACT_NONE, FALSE),
  CONV ("depthwise-mult2", 3, 10, 7, 6, 5, 5, 1, 1, 2, 2, 1, 1, 3, MLRT_ACT_LEAKY_RELU, TRUE),
  CONV ("depthwise-asym", 4, 9, 11, 4, 1, 5, 2, 1, 0, 2, 1, 1, 4, MLRT_ACT_NONE, TRUE),
  CONV ("pointwise", 16, 8, 9, 12, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV ("pointwise-groups2", 8, 5, 5, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, MLRT_ACT_RELU, FALSE),
  CONV ("1x1-stride2", 4, 9, 9, 3, 1, 1, 2, 2, 0, 0, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV ("1x1-padded", 2, 5, 5, 2, 1, 1, 1, 1, 2, 2, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV ("single-pixel", 1, 1, 1, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV ("kernel-over-image", 2, 2, 3, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1, MLRT_ACT_NONE, FALSE),
  CONV ("9x9-rgb", 3, 32, 32, 16, 9, 9, 1, 1, 4, 4, 1, 1, 1, MLRT_ACT_RELU, TRUE),
  CONV ("banded", 64, 64, 64, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV ("banded-stride2", 64, 100, 90, 4, 5, 5, 2, 2, 2, 2, 1, 1, 1, MLRT_ACT_GELU, TRUE),
  /* few output channels: the direct path; big enough for the CPU pool */
  CONV ("direct-9x9-8to3", 8, 64, 61, 3, 9, 9, 1, 1, 4, 4, 1, 1, 1, MLRT_ACT_SIGMOID, TRUE),
  CONV ("direct-stride2-dil2", 5, 40, 37, 2, 3, 5, 2, 1, 2, 4, 2, 1, 1, MLRT_ACT_RELU, TRUE),
  CONV ("pointwise-parallel", 32, 48, 50, 24, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_HARD_SWISH, TRUE),
  CONV ("depthwise-parallel", 48, 60, 60, 48, 3, 3, 1, 1, 1, 1, 1, 1, 48, MLRT_ACT_RELU6, TRUE),
  /* the direct path's passes of 6 channels (30), of 6 and 4 (20 as
   * 6 + 6 + 4 + 4, stride 2, odd padding), and pointwise from few
   * channels with a partial last segment */
  CONV ("direct-3x3-30ch", 24, 21, 37, 30, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_HARD_SWISH, TRUE),
  CONV ("direct-stride2-20ch", 7, 33, 29, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV ("pointwise-direct-tail", 12, 17, 19, 18, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_RELU, TRUE),
  /* the direct path in bands of rows padded per task (3 channels at
   * stride 2, 16 channels as 6 + 6 + 4, 100 rows in several bands), with
   * an even padding at stride 2 (32 as 6 + 6 + 6 + 6 + 4 + 4), and a
   * border too wide to list (a 1x41 kernel padded by 20) */
  CONV ("direct-stride2-bands", 3, 200, 160, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, MLRT_ACT_HARD_SWISH, TRUE),
  CONV ("direct-stride2-even-pad", 16, 40, 48, 32, 3, 3, 2, 2, 2, 2, 1, 1, 1, MLRT_ACT_RELU6, TRUE),
  CONV ("direct-wide-border", 2, 12, 30, 5, 1, 41, 1, 1, 0, 20, 1, 1, 1, MLRT_ACT_LEAKY_RELU, TRUE),
  /* the direct path over rows wider than a tile of segments (150: one
   * of 128 and one of 22) and input channels in chunks (40: four) */
  CONV ("direct-tiles-chunks", 40, 9, 150, 24, 3, 5, 1, 1, 1, 2, 1, 1, 1, MLRT_ACT_HARD_SWISH, TRUE),
  /* an output affine fused after the activation, on every path: direct
   * rows, pointwise direct and through sgemm, depthwise direct and plain,
   * im2col, one pixel */
  CONV_AFFINE ("affine-direct", 16, 20, 37, 12, 3, 3, 1, 1, 1, 1, 1, MLRT_ACT_HARD_SWISH),
  CONV_AFFINE ("affine-pointwise-direct", 12, 17, 19, 18, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_RELU),
  CONV_AFFINE ("affine-pointwise", 48, 10, 30, 40, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_HARD_SWISH),
  CONV_AFFINE ("affine-depthwise", 24, 19, 23, 24, 3, 3, 2, 2, 1, 1, 24, MLRT_ACT_HARD_SWISH),
  CONV_AFFINE ("affine-depthwise-big", 4, 9, 9, 4, 11, 11, 1, 1, 5, 5, 4, MLRT_ACT_NONE),
  CONV_AFFINE ("affine-im2col", 40, 12, 14, 36, 3, 5, 1, 1, 1, 2, 1, MLRT_ACT_RELU),
  CONV_AFFINE ("affine-one-pixel", 24, 1, 1, 6, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_RELU),
  /* Winograd (3x3, stride 1, from 32 channels to 16 or more): odd output
   * sizes (a last tile half outside), padding 0, 1 and 2, channel counts
   * off the vector width, bands of tiles on the pool, a last band
   * shorter than the others, an image of one tile (under 24 tiles, only
   * past 32 output channels, which the direct path does not take) */
  CONV ("winograd-odd-pool", 35, 49, 53, 21, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_RELU, TRUE),
  CONV ("winograd-pad0", 33, 20, 17, 34, 3, 3, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_NONE, FALSE),
  CONV ("winograd-pad2", 40, 9, 10, 37, 3, 3, 1, 1, 2, 2, 1, 1, 1, MLRT_ACT_LEAKY_RELU, TRUE),
  CONV ("winograd-one-tile", 32, 2, 2, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  /* ... and below that, where the direct path takes it */
  CONV ("winograd-few-tiles-direct", 48, 10, 15, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_RELU, TRUE),
  CONV ("winograd-wide", 33, 7, 301, 18, 3, 3, 1, 1, 1, 1, 1, 1, 1, MLRT_ACT_SIGMOID, TRUE),
  CONV_AFFINE ("affine-winograd", 37, 37, 31, 20, 3, 3, 1, 1, 1, 1, 1, MLRT_ACT_HARD_SWISH),
  /* pointwise from up to 64 channels, blocked in registers
   * (conv-pointwise.c): input channels not a multiple of the vector
   * width, pixel counts that end in a partial chunk, block and segment
   * (chunks of 256 pixels from 9 channels: 323 = 256 + 67; of 64 from 64:
   * 1927 in two tasks; 15, less than one segment), blocks of 6 channels
   * with a partial last one (22, 50) and of 4 (7), each activation with
   * its own code and one of the others, with and without the affine; on
   * the pool (64 > 50 at 41x47 is 6 M multiply-adds) */
  CONV ("pointwise-blocked-odd", 13, 7, 23, 22, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_HARD_SWISH, TRUE),
  CONV ("pointwise-blocked-4", 5, 3, 5, 7, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_LEAKY_RELU, FALSE),
  CONV ("pointwise-blocked-none", 9, 17, 19, 40, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_NONE, TRUE),
  CONV_AFFINE ("affine-pointwise-blocked", 40, 9, 11, 30, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_RELU6),
  CONV_AFFINE ("affine-pointwise-blocked-relu", 17, 5, 29, 12, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_RELU),
  CONV_AFFINE ("pointwise-blocked-parallel", 64, 41, 47, 50, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_SIGMOID),
  /* one pixel: a dot product per output channel, over whole vectors and
   * a rest (61 = 7 * 8 + 5) or a rest alone (3) */
  CONV_AFFINE ("affine-one-pixel-61", 61, 1, 1, 37, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_HARD_SWISH),
  CONV ("one-pixel-3", 3, 1, 1, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_RELU6, TRUE),
  CONV ("one-pixel-wide", 200, 1, 1, 50, 1, 1, 1, 1, 0, 0, 1, 1, 1, MLRT_ACT_NONE, FALSE),
  /* past 64 input channels: sgemm, then the epilogue */
  CONV_AFFINE ("affine-pointwise-sgemm", 72, 6, 7, 20, 1, 1, 1, 1, 0, 0, 1, MLRT_ACT_HARD_SWISH),
};

/* Runs one convolution through the kernel and the reference; returns
 * whether they agreed. */
/* Whether the kernel stayed inside the scratch it asked for. */
static gboolean
scratch_intact (const char *what, const float *scratch, size_t scratch_bytes)
{
  if (guard_intact (scratch, scratch_bytes / sizeof (float)))
    return TRUE;
  g_test_fail_printf ("%s: kernel overran its scratch", what);
  return FALSE;
}

static gboolean
check_conv (GRand *rng, const char *name, MlrtConvParams p, gboolean has_bias)
{
  size_t n_in, n_w, n_out, scratch_bytes;
  float *in, *w, *bias, *out, *want, *scratch, *packed;
  gboolean ok;
  char *what;

  p.out_h = mlrt_conv_output_size (p.in_h, p.kh, p.sh, p.ph, p.dh);
  p.out_w = mlrt_conv_output_size (p.in_w, p.kw, p.sw, p.pw, p.dw);
  g_assert_cmpint (p.out_h, >, 0);
  g_assert_cmpint (p.out_w, >, 0);
  n_in = (size_t) p.in_c * p.in_h * p.in_w;
  n_w = (size_t) p.out_c * (p.in_c / p.groups) * p.kh * p.kw;
  n_out = (size_t) p.out_c * p.out_h * p.out_w;
  in = random_new (rng, n_in, -1, 1);
  w = random_new (rng, n_w, -1, 1);
  bias = has_bias ? random_new (rng, p.out_c, -1, 1) : NULL;
  out = guarded_new (n_out, NAN);
  want = g_new (float, n_out);
  scratch_bytes = mlrt_cpu_conv2d_scratch_size (&p);
  g_assert_cmpuint (scratch_bytes % sizeof (float), ==, 0);
  scratch = guarded_new (scratch_bytes / sizeof (float), NAN);

  packed = g_new (float, mlrt_cpu_conv2d_packed_floats (&p) + 1);
  mlrt_cpu_conv2d_pack (&p, w, packed);
  mlrt_cpu_conv2d (&p, in, w, packed, bias, out, scratch);
  ref_conv2d (&p, in, w, bias, want);

  what = g_strdup_printf ("conv2d %s (in %dx%dx%d out %d k %dx%d s %d,%d "
                          "p %d,%d d %d,%d g %d act %d)", name, p.in_c,
                          p.in_h, p.in_w, p.out_c, p.kh, p.kw, p.sh, p.sw,
                          p.ph, p.pw, p.dh, p.dw, p.groups, p.act);
  ok = assert_close (what, out, want, n_out,
                     (size_t) (p.in_c / p.groups) * p.kh * p.kw);
  ok = ok && scratch_intact (what, scratch, scratch_bytes);
  g_free (what);
  g_free (in);
  g_free (w);
  g_free (bias);
  g_free (out);
  g_free (want);
  g_free (scratch);
  g_free (packed);
  return ok;
}

static void
test_conv_case (gconstpointer data)
{
  const ConvCase *c = data;
  GRand *rng = g_rand_new_with_seed (1);

  check_conv (rng, c->name, c->p, c->bias);
  g_rand_free (rng);
}

static void
test_conv_random (void)
{
  GRand *rng = g_rand_new_with_seed (20261125);

  for (int i = 0; i < 150; i++)
    {
      MlrtConvParams p = { 0 };
      int kind = rand_int (rng, 0, 2);

      p.groups = kind == 0 ? 1 : rand_int (rng, 2, 4);
      p.in_c = kind == 2 ? p.groups : p.groups * rand_int (rng, 1, 4);
      p.out_c = p.groups * rand_int (rng, 1, 4);
      p.kh = rand_int (rng, 1, 5);
      p.kw = rand_int (rng, 1, 5);
      p.sh = rand_int (rng, 1, 3);
      p.sw = rand_int (rng, 1, 3);
      p.ph = rand_int (rng, 0, 3);
      p.pw = rand_int (rng, 0, 3);
      p.dh = rand_int (rng, 1, 3);
      p.dw = rand_int (rng, 1, 3);
      p.in_h = rand_int (rng, 1, 24);
      p.in_w = rand_int (rng, 1, 24);
      p.act = all_acts[rand_int (rng, 0, N_ACTS - 1)];
      p.alpha = 0.2f;
      if (mlrt_conv_output_size (p.in_h, p.kh, p.sh, p.ph, p.dh) < 1
          || mlrt_conv_output_size (p.in_w, p.kw, p.sw, p.pw, p.dw) < 1)
        {
          i--;
          continue;
        }
      if (!check_conv (rng, "random", p, rand_int (rng, 0, 1)))
        break;
    }
  g_rand_free (rng);
}

typedef struct {
  const char *name;
  MlrtConvTransposeParams p;  /* out_h, out_w filled in by the test */
  int oph, opw;               /* output padding */
  gboolean bias;
} DeconvCase;

#define DECONV(n, ic, ih, iw, oc, kh, kw, sh, sw, ph, pw, oph, opw, act, b) \
  { n, { ic, ih, iw, oc, 0, 0, kh, kw, sh, sw, ph, pw, act, 0.1f }, oph, opw, b }

static const DeconvCase deconv_cases[] = {
  DECONV ("k3-s2-p1-op1", 4, 7, 6, 3, 3, 3, 2, 2, 1, 1, 1, 1, MLRT_ACT_RELU, TRUE),
  DECONV ("k4-s2-p1", 3, 5, 5, 2, 4, 4, 2, 2, 1, 1, 0, 0, MLRT_ACT_NONE, TRUE),
  DECONV ("s1", 2, 6, 5, 3, 3, 3, 1, 1, 1, 1, 0, 0, MLRT_ACT_TANH, FALSE),
  DECONV ("s3-asym-op", 2, 4, 5, 2, 3, 5, 3, 2, 0, 2, 2, 1, MLRT_ACT_LEAKY_RELU, TRUE),
  DECONV ("k1-s2-op1", 3, 4, 4, 2, 1, 1, 2, 2, 0, 0, 1, 1, MLRT_ACT_NONE, TRUE),
  DECONV ("single-pixel", 2, 1, 1, 3, 3, 3, 2, 2, 0, 0, 0, 0, MLRT_ACT_SIGMOID, TRUE),
  DECONV ("banded", 32, 40, 40, 64, 4, 4, 2, 2, 1, 1, 0, 0, MLRT_ACT_GELU, TRUE),
  /* on the pool, channel groups of 2 and a last one of 1 */
  DECONV ("parallel-13-channels", 24, 48, 40, 13, 2, 2, 2, 2, 0, 0, 0, 0, MLRT_ACT_RELU, TRUE),
  /* kernel = stride, no padding: patches stored, not added; by bands of
   * input rows (8 here, the last one short) and with a 3x3 stride */
  DECONV ("no-overlap-bands", 24, 83, 60, 24, 2, 2, 2, 2, 0, 0, 0, 0, MLRT_ACT_RELU, TRUE),
  DECONV ("no-overlap-k3", 5, 7, 9, 4, 3, 3, 3, 3, 0, 0, 0, 0, MLRT_ACT_HARD_SWISH, FALSE),
};

static gboolean
check_deconv (GRand *rng, const char *name, MlrtConvTransposeParams p,
              int oph, int opw, gboolean has_bias)
{
  size_t n_in, n_w, n_out, scratch_bytes;
  float *in, *w, *bias, *out, *want, *scratch;
  gboolean ok;
  char *what;

  p.out_h = (p.in_h - 1) * p.sh - 2 * p.ph + p.kh + oph;
  p.out_w = (p.in_w - 1) * p.sw - 2 * p.pw + p.kw + opw;
  g_assert_cmpint (p.out_h, >, 0);
  g_assert_cmpint (p.out_w, >, 0);
  n_in = (size_t) p.in_c * p.in_h * p.in_w;
  n_w = (size_t) p.in_c * p.out_c * p.kh * p.kw;
  n_out = (size_t) p.out_c * p.out_h * p.out_w;
  in = random_new (rng, n_in, -1, 1);
  w = random_new (rng, n_w, -1, 1);
  bias = has_bias ? random_new (rng, p.out_c, -1, 1) : NULL;
  out = guarded_new (n_out, NAN);
  want = g_new (float, n_out);
  scratch_bytes = mlrt_cpu_conv_transpose2d_scratch_size (&p);
  g_assert_cmpuint (scratch_bytes % sizeof (float), ==, 0);
  scratch = guarded_new (scratch_bytes / sizeof (float), NAN);

  mlrt_cpu_conv_transpose2d (&p, in, w, bias, out, scratch);
  ref_conv_transpose2d (&p, in, w, bias, want);

  what = g_strdup_printf ("conv_transpose2d %s (in %dx%dx%d out %dx%dx%d "
                          "k %dx%d s %d,%d p %d,%d act %d)", name, p.in_c,
                          p.in_h, p.in_w, p.out_c, p.out_h, p.out_w, p.kh,
                          p.kw, p.sh, p.sw, p.ph, p.pw, p.act);
  ok = assert_close (what, out, want, n_out, (size_t) p.in_c * p.kh * p.kw);
  ok = ok && scratch_intact (what, scratch, scratch_bytes);
  g_free (what);
  g_free (in);
  g_free (w);
  g_free (bias);
  g_free (out);
  g_free (want);
  g_free (scratch);
  return ok;
}

static void
test_deconv_case (gconstpointer data)
{
  const DeconvCase *c = data;
  GRand *rng = g_rand_new_with_seed (2);

  check_deconv (rng, c->name, c->p, c->oph, c->opw, c->bias);
  g_rand_free (rng);
}

static void
test_deconv_random (void)
{
  GRand *rng = g_rand_new_with_seed (7);

  for (int i = 0; i < 80; i++)
    {
      MlrtConvTransposeParams p = { 0 };
      int oph, opw;

      p.in_c = rand_int (rng, 1, 6);
      p.out_c = rand_int (rng, 1, 6);
      p.in_h = rand_int (rng, 1, 12);
      p.in_w = rand_int (rng, 1, 12);
      p.kh = rand_int (rng, 1, 5);
      p.kw = rand_int (rng, 1, 5);
      p.sh = rand_int (rng, 1, 3);
      p.sw = rand_int (rng, 1, 3);
      p.ph = rand_int (rng, 0, (p.kh - 1) / 2 + 1);
      p.pw = rand_int (rng, 0, (p.kw - 1) / 2 + 1);
      p.act = all_acts[rand_int (rng, 0, N_ACTS - 1)];
      p.alpha = 0.3f;
      oph = rand_int (rng, 0, p.sh - 1);
      opw = rand_int (rng, 0, p.sw - 1);
      if ((p.in_h - 1) * p.sh - 2 * p.ph + p.kh + oph < 1
          || (p.in_w - 1) * p.sw - 2 * p.pw + p.kw + opw < 1)
        {
          i--;
          continue;
        }
      if (!check_deconv (rng, "random", p, oph, opw, rand_int (rng, 0, 1)))
        break;
    }
  g_rand_free (rng);
}

void
register_conv_tests (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (conv_cases); i++)
    {
      char *path = g_strdup_printf ("/kernels/conv2d/%s", conv_cases[i].name);

      g_test_add_data_func (path, &conv_cases[i], test_conv_case);
      g_free (path);
    }
  g_test_add_func ("/kernels/conv2d/random", test_conv_random);
  for (size_t i = 0; i < G_N_ELEMENTS (deconv_cases); i++)
    {
      char *path = g_strdup_printf ("/kernels/conv-transpose2d/%s",
                                    deconv_cases[i].name);

      g_test_add_data_func (path, &deconv_cases[i], test_deconv_case);
      g_free (path);
    }
  g_test_add_func ("/kernels/conv-transpose2d/random", test_deconv_random);
}
