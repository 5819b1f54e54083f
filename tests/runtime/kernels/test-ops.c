/*
 * test-ops.c: the kernels other than convolution (upsample, batch and
 * instance norm, activations, add, mul, concat, pooling, inner product,
 * softmax) against the reference, on fixed and seeded random shapes.
 */
#include <math.h>
#include <string.h>

#include "reference.h"
#include "test-kernels.h"

static void
test_upsample (void)
{
  static const struct { int c, h, w, sh, sw; } shapes[] = {
    { 3, 5, 7, 2, 2 }, { 2, 4, 3, 3, 1 }, { 1, 6, 5, 1, 4 },
    { 4, 9, 11, 4, 4 }, { 2, 1, 1, 3, 2 }, { 2, 1, 6, 2, 3 },
    { 2, 5, 13, 8, 8 },
  };
  GRand *rng = g_rand_new_with_seed (3);

  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (int mode = MLRT_UPSAMPLE_NEAREST; mode <= MLRT_UPSAMPLE_BILINEAR;
         mode++)
      {
        int c = shapes[i].c, h = shapes[i].h, w = shapes[i].w;
        int sh = shapes[i].sh, sw = shapes[i].sw;
        size_t n_out = (size_t) c * h * sh * w * sw;
        float *in = random_new (rng, (size_t) c * h * w, -1, 1);
        float *out = guarded_new (n_out, NAN);
        float *want = g_new (float, n_out);
        char *what = g_strdup_printf ("upsample %s %dx%dx%d by %d,%d",
                                      mode ? "bilinear" : "nearest",
                                      c, h, w, sh, sw);

        mlrt_cpu_upsample (c, h, w, sh, sw, mode, in, out);
        ref_upsample (c, h, w, sh, sw, mode, in, want);
        assert_close (what, out, want, n_out, 4);
        g_free (what);
        g_free (in);
        g_free (out);
        g_free (want);
      }
  g_rand_free (rng);
}

static void
test_batch_norm (void)
{
  GRand *rng = g_rand_new_with_seed (4);

  for (size_t a = 0; a < N_ACTS; a++)
    {
      int c = rand_int (rng, 1, 9), hw = rand_int (rng, 1, 300);
      size_t n = (size_t) c * hw;
      float *in = random_new (rng, n, -3, 3);
      float *mean = random_new (rng, c, -1, 1);
      float *var = random_new (rng, c, 0.01, 4);
      float *gamma = random_new (rng, c, -2, 2);
      float *beta = random_new (rng, c, -1, 1);
      float *out = guarded_new (n, NAN);
      float *want = g_new (float, n);

      mlrt_cpu_batch_norm (c, hw, mean, var, gamma, beta, 1e-5f,
                           all_acts[a], 0.1f, in, out);
      ref_batch_norm (c, hw, mean, var, gamma, beta, 1e-5f, all_acts[a],
                      0.1f, in, want);
      assert_close ("batch_norm", out, want, n, 1);
      /* in place, as the executor may run it */
      mlrt_cpu_batch_norm (c, hw, mean, var, gamma, beta, 1e-5f,
                           all_acts[a], 0.1f, in, in);
      assert_close ("batch_norm in place", in, want, n, 1);
      g_free (in);
      g_free (mean);
      g_free (var);
      g_free (gamma);
      g_free (beta);
      g_free (out);
      g_free (want);
    }
  g_rand_free (rng);
}

static void
test_instance_norm (void)
{
  GRand *rng = g_rand_new_with_seed (5);

  for (size_t a = 0; a < N_ACTS + 1; a++)
    {
      int c = rand_int (rng, 1, 8), hw = rand_int (rng, 1, 4000);
      size_t n = (size_t) c * hw;
      /* the last round has a large mean over a small spread, where a
       * one-pass float variance falls apart */
      gboolean offset = a == N_ACTS;
      MlrtActivation act = offset ? MLRT_ACT_NONE : all_acts[a];
      float *in = random_new (rng, n, -2, 2);
      float *gamma = random_new (rng, c, -2, 2);
      float *beta = random_new (rng, c, -1, 1);
      float *out = guarded_new (n, NAN);
      float *want = g_new (float, n);

      if (offset)
        for (size_t i = 0; i < n; i++)
          in[i] = 300.0f + in[i] * 0.05f;
      mlrt_cpu_instance_norm (c, hw, gamma, beta, 1e-5f, act, 0.1f, in, out);
      ref_instance_norm (c, hw, gamma, beta, 1e-5f, act, 0.1f, in, want);
      assert_close ("instance_norm", out, want, n, 10);
      g_free (in);
      g_free (gamma);
      g_free (beta);
      g_free (out);
      g_free (want);
    }
  g_rand_free (rng);
}

static void
test_activation (void)
{
  GRand *rng = g_rand_new_with_seed (6);
  size_t n = 1003;

  for (size_t a = 0; a < N_ACTS; a++)
    {
      float *in = random_new (rng, n, -6, 6);
      float *out = guarded_new (n, NAN);
      float *want = g_new (float, n);

      for (size_t i = 0; i < n; i++)
        want[i] = (float) ref_activation (all_acts[a], 0.15, in[i]);
      mlrt_cpu_activation (all_acts[a], 0.15f, n, in, out);
      assert_close ("activation", out, want, n, 1);
      mlrt_cpu_activation (all_acts[a], 0.15f, n, in, in);
      assert_close ("activation in place", in, want, n, 1);
      g_free (in);
      g_free (out);
      g_free (want);
    }
  g_rand_free (rng);
}

static void
test_add_mul (void)
{
  GRand *rng = g_rand_new_with_seed (8);
  size_t n = 517;
  float *a = random_new (rng, n, -3, 3);
  float *b = random_new (rng, n, -3, 3);
  float *out = guarded_new (n, NAN);
  float *want = g_new (float, n);

  for (size_t k = 0; k < N_ACTS; k++)
    {
      for (size_t i = 0; i < n; i++)
        want[i] = (float) ref_activation (all_acts[k], 0.2,
                                          (double) a[i] + b[i]);
      mlrt_cpu_add (n, a, b, all_acts[k], 0.2f, out);
      assert_close ("add", out, want, n, 2);
    }
  for (size_t i = 0; i < n; i++)
    want[i] = (float) ((double) a[i] * b[i]);
  mlrt_cpu_mul (n, a, b, out);
  assert_close ("mul", out, want, n, 1);
  g_free (a);
  g_free (b);
  g_free (out);
  g_free (want);
  g_rand_free (rng);
}

/* Concatenation along the channels of [c_i, 37] and along the last axis
 * of [2, w_i]: rows of each input, one after the other. */
static void
test_concat (void)
{
  GRand *rng = g_rand_new_with_seed (9);
  const size_t chunks[2][3] = { { 3 * 37, 1 * 37, 5 * 37 }, { 4, 1, 6 } };
  const size_t outers[2] = { 1, 2 };

  for (int k = 0; k < 2; k++)
    {
      size_t outer = outers[k], total = 0;
      const float *inputs[3];
      float *bufs[3], *out, *want;

      for (int i = 0; i < 3; i++)
        {
          bufs[i] = random_new (rng, outer * chunks[k][i], -1, 1);
          inputs[i] = bufs[i];
          total += outer * chunks[k][i];
        }
      out = guarded_new (total, NAN);
      want = g_new (float, total);
      for (size_t r = 0, at = 0; r < outer; r++)
        for (int i = 0; i < 3; i++, at += chunks[k][i - 1])
          memcpy (want + at, bufs[i] + r * chunks[k][i],
                  sizeof (float) * chunks[k][i]);
      mlrt_cpu_concat (3, outer, chunks[k], inputs, out);
      assert_close ("concat", out, want, total, 0);
      g_assert_true (guard_intact (out, total));
      for (int i = 0; i < 3; i++)
        g_free (bufs[i]);
      g_free (out);
      g_free (want);
    }
  g_rand_free (rng);
}

static void
test_pool (void)
{
  static const MlrtPoolParams shapes[] = {
    /* c, in_h, in_w, out_h, out_w (filled in), kh, kw, sh, sw, ph, pw */
    { 3, 8, 8, 0, 0, 2, 2, 2, 2, 0, 0, 0 },
    { 2, 9, 7, 0, 0, 3, 3, 2, 2, 1, 1, 0 },
    { 4, 6, 5, 0, 0, 3, 3, 1, 1, 1, 1, 0 },
    { 2, 11, 13, 0, 0, 2, 3, 1, 2, 1, 1, 0 },
    { 1, 5, 5, 0, 0, 5, 5, 1, 1, 2, 2, 0 },
    { 2, 1, 1, 0, 0, 3, 3, 1, 1, 1, 1, 0 },
  };
  GRand *rng = g_rand_new_with_seed (10);

  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (int kind = MLRT_POOL_MAX; kind <= MLRT_POOL_AVG; kind++)
      {
        MlrtPoolParams p = shapes[i];
        size_t n_out;
        float *in, *out, *want;
        char *what;

        p.kind = kind;
        p.out_h = mlrt_conv_output_size (p.in_h, p.kh, p.sh, p.ph, 1);
        p.out_w = mlrt_conv_output_size (p.in_w, p.kw, p.sw, p.pw, 1);
        n_out = (size_t) p.c * p.out_h * p.out_w;
        in = random_new (rng, (size_t) p.c * p.in_h * p.in_w, -2, 2);
        out = guarded_new (n_out, NAN);
        want = g_new (float, n_out);
        what = g_strdup_printf ("%s pool %dx%d k %dx%d s %d,%d p %d,%d",
                                kind ? "avg" : "max", p.in_h, p.in_w, p.kh,
                                p.kw, p.sh, p.sw, p.ph, p.pw);
        mlrt_cpu_pool2d (&p, in, out);
        ref_pool2d (&p, in, want);
        assert_close (what, out, want, n_out, (size_t) p.kh * p.kw);
        g_free (what);
        g_free (in);
        g_free (out);
        g_free (want);
      }
  for (int kind = MLRT_POOL_MAX; kind <= MLRT_POOL_AVG; kind++)
    {
      int c = 6, hw = 1500;
      float *in = random_new (rng, (size_t) c * hw, -2, 2);
      float *out = guarded_new (c, NAN);
      float want[6];

      mlrt_cpu_global_pool (kind, c, hw, in, out);
      ref_global_pool (kind, c, hw, in, want);
      assert_close ("global pool", out, want, c, hw);
      g_free (in);
      g_free (out);
    }
  g_rand_free (rng);
}

static void
test_inner_product (void)
{
  static const struct { int in, out; } shapes[] = {
    { 1, 1 }, { 17, 5 }, { 1000, 10 }, { 64, 129 }, { 3, 300 }, { 256, 256 },
  };
  GRand *rng = g_rand_new_with_seed (11);

  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      int nin = shapes[i].in, nout = shapes[i].out;
      MlrtActivation act = all_acts[i % N_ACTS];
      float *in = random_new (rng, nin, -1, 1);
      float *w = random_new (rng, (size_t) nin * nout, -1, 1);
      float *bias = i % 2 ? NULL : random_new (rng, nout, -1, 1);
      float *out = guarded_new (nout, NAN);
      float *want = g_new (float, nout);

      mlrt_cpu_inner_product (nin, nout, in, w, bias, act, 0.1f, out);
      ref_inner_product (nin, nout, in, w, bias, act, 0.1f, want);
      assert_close ("inner_product", out, want, nout, nin);
      g_free (in);
      g_free (w);
      g_free (bias);
      g_free (out);
      g_free (want);
    }
  g_rand_free (rng);
}

static void
test_softmax (void)
{
  static const struct { size_t outer, n, inner; double scale; } shapes[] = {
    { 1, 1, 1, 1 }, { 3, 10, 1, 1 }, { 1, 1000, 1, 5 }, { 7, 33, 1, 1 },
    { 2, 50, 1, 2000 },  /* logits far beyond expf's range */
    { 2, 5, 3, 1 }, { 1, 8, 40, 3 },  /* an axis before the last */
  };
  GRand *rng = g_rand_new_with_seed (12);

  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (int log_form = 0; log_form < 2; log_form++)
      {
        size_t n = shapes[i].outer * shapes[i].n * shapes[i].inner;
        float *in = random_new (rng, n, -shapes[i].scale, shapes[i].scale);
        float *out = guarded_new (n, NAN);
        float *want = g_new (float, n);
        const char *what = log_form ? "log_softmax" : "softmax";

        mlrt_cpu_softmax (shapes[i].outer, shapes[i].n, shapes[i].inner,
                          log_form, in, out);
        ref_softmax (shapes[i].outer, shapes[i].n, shapes[i].inner, log_form,
                     in, want);
        assert_close (what, out, want, n, 1);
        mlrt_cpu_softmax (shapes[i].outer, shapes[i].n, shapes[i].inner,
                          log_form, in, in);
        assert_close (what, in, want, n, 1);
        g_free (in);
        g_free (out);
        g_free (want);
      }
  g_rand_free (rng);
}

void
register_ops_tests (void)
{
  g_test_add_func ("/kernels/upsample", test_upsample);
  g_test_add_func ("/kernels/batch-norm", test_batch_norm);
  g_test_add_func ("/kernels/instance-norm", test_instance_norm);
  g_test_add_func ("/kernels/activation", test_activation);
  g_test_add_func ("/kernels/add-mul", test_add_mul);
  g_test_add_func ("/kernels/concat", test_concat);
  g_test_add_func ("/kernels/pool", test_pool);
  g_test_add_func ("/kernels/inner-product", test_inner_product);
  g_test_add_func ("/kernels/softmax", test_softmax);
}
