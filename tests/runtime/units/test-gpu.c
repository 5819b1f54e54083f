/*
 * test-gpu.c: the GPU unit (OpenCL, PoCL's CPU driver here) against the
 * CPU kernels, on random shapes: every op, fused activations, grouped
 * and dilated convolutions (half with a fused output affine), zero-copy
 * shared host memory, and device busy intervals landing on
 * CLOCK_MONOTONIC inside the span that waited for them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpu/gpu.h"
#include "units-test.h"

#define GPU_RTOL 1e-4
#define ROUNDS 4

static const MlrtActivation all_acts[] = {
  MLRT_ACT_NONE, MLRT_ACT_RELU, MLRT_ACT_LEAKY_RELU, MLRT_ACT_SIGMOID,
  MLRT_ACT_TANH, MLRT_ACT_GELU, MLRT_ACT_HARD_SWISH, MLRT_ACT_RELU6,
};
#define N_ACTS ((int) G_N_ELEMENTS (all_acts))

/* A run plus the buffers it touched, released together. */
typedef struct {
  MlrtGpuRun *run;
  MlrtGpuBuffer bufs[16];
  int n;
} Ctx;

static void
ctx_init (Ctx *c)
{
  MlrtError err = { 0 };

  g_assert_cmpint (mlrt_gpu_init (&err), ==, MLRT_OK);
  memset (c, 0, sizeof *c);
  c->run = mlrt_gpu_run_new ();
}

static MlrtGpuBuffer *
up (Ctx *c, const float *data, size_t n)
{
  MlrtError err = { 0 };
  MlrtGpuBuffer *b = &c->bufs[c->n++];

  g_assert_cmpint (mlrt_gpu_buffer_alloc (b, n * sizeof (float), &err), ==,
                   MLRT_OK);
  if (data)
    g_assert_cmpint (mlrt_gpu_write (c->run, b, data, n * sizeof (float),
                                     &err), ==, MLRT_OK);
  return b;
}

static void
down (Ctx *c, MlrtGpuBuffer *b, float *out, size_t n)
{
  MlrtError err = { 0 };

  g_assert_cmpint (mlrt_gpu_read (c->run, b, out, n * sizeof (float), &err),
                   ==, MLRT_OK);
  g_assert_cmpint (mlrt_gpu_run_finish (c->run, &err), ==, MLRT_OK);
  for (int i = 0; i < c->n; i++)
    mlrt_gpu_buffer_release (&c->bufs[i]);
  mlrt_gpu_run_free (c->run);
}

static void
test_conv2d (void)
{
  for (int r = 0; r < ROUNDS * 2; r++)
    {
      MlrtConvParams p;
      MlrtError err = { 0 };
      Ctx c;

      units_random_conv (&p, all_acts, N_ACTS);
      units_random_out_affine (&p, r / 2 % 2);
      size_t ni = (size_t) p.in_c * p.in_h * p.in_w;
      size_t nw = (size_t) p.out_c * (p.in_c / p.groups) * p.kh * p.kw;
      size_t no = (size_t) p.out_c * p.out_h * p.out_w;
      float *in = units_random (ni, -1, 1), *w = units_random (nw, -1, 1);
      float *bias = r % 2 ? units_random (p.out_c, -1, 1) : NULL;
      float *got = g_new (float, no), *ref = g_new (float, no);

      ctx_init (&c);
      MlrtGpuBuffer *bi = up (&c, in, ni), *bw = up (&c, w, nw);
      MlrtGpuBuffer *bb = bias ? up (&c, bias, p.out_c) : NULL;
      MlrtGpuBuffer *bo = up (&c, NULL, no);
      g_assert_cmpint (mlrt_gpu_conv2d (c.run, "conv", &p, bi, bw, bb, bo,
                                        &err), ==, MLRT_OK);
      down (&c, bo, got, no);
      units_cpu_conv2d (&p, in, w, bias, ref);
      units_check ("gpu conv2d", got, ref, no, GPU_RTOL);
      g_free (in); g_free (w); g_free (bias); g_free (got); g_free (ref);
    }
}

static void
test_conv_transpose2d (void)
{
  for (int r = 0; r < ROUNDS; r++)
    {
      MlrtConvTransposeParams p = { 0 };
      MlrtError err = { 0 };
      Ctx c;

      p.in_c = g_test_rand_int_range (1, 5);
      p.out_c = g_test_rand_int_range (1, 5);
      p.in_h = g_test_rand_int_range (2, 10);
      p.in_w = g_test_rand_int_range (2, 10);
      p.kh = g_test_rand_int_range (1, 5);
      p.kw = g_test_rand_int_range (1, 5);
      p.sh = g_test_rand_int_range (1, 4);
      p.sw = g_test_rand_int_range (1, 4);
      p.ph = g_test_rand_int_range (0, p.kh);
      p.pw = g_test_rand_int_range (0, p.kw);
      p.out_h = (p.in_h - 1) * p.sh - 2 * p.ph + p.kh + (p.sh > 1);
      p.out_w = (p.in_w - 1) * p.sw - 2 * p.pw + p.kw;
      p.act = all_acts[r % N_ACTS];
      p.alpha = 0.2f;
      if (p.out_h < 1 || p.out_w < 1)
        continue;
      size_t ni = (size_t) p.in_c * p.in_h * p.in_w;
      size_t nw = (size_t) p.in_c * p.out_c * p.kh * p.kw;
      size_t no = (size_t) p.out_c * p.out_h * p.out_w;
      float *in = units_random (ni, -1, 1), *w = units_random (nw, -1, 1);
      float *bias = units_random (p.out_c, -1, 1);
      float *got = g_new (float, no), *ref = g_new (float, no);

      ctx_init (&c);
      MlrtGpuBuffer *bi = up (&c, in, ni), *bw = up (&c, w, nw);
      MlrtGpuBuffer *bb = up (&c, bias, p.out_c), *bo = up (&c, NULL, no);
      g_assert_cmpint (mlrt_gpu_conv_transpose2d (c.run, "deconv", &p, bi, bw,
                                                  bb, bo, &err), ==, MLRT_OK);
      down (&c, bo, got, no);
      units_cpu_conv_transpose2d (&p, in, w, bias, ref);
      units_check ("gpu conv_transpose2d", got, ref, no, GPU_RTOL);
      g_free (in); g_free (w); g_free (bias); g_free (got); g_free (ref);
    }
}

static void
test_pool (void)
{
  for (int r = 0; r < ROUNDS * 2; r++)
    {
      MlrtPoolParams p;
      MlrtError err = { 0 };
      Ctx c;

      units_random_pool (&p, r % 2 ? MLRT_POOL_AVG : MLRT_POOL_MAX);
      size_t ni = (size_t) p.c * p.in_h * p.in_w, no = (size_t) p.c * p.out_h * p.out_w;
      float *in = units_random (ni, -3, 3);
      float *got = g_new (float, no), *ref = g_new (float, no);

      ctx_init (&c);
      MlrtGpuBuffer *bi = up (&c, in, ni), *bo = up (&c, NULL, no);
      g_assert_cmpint (mlrt_gpu_pool2d (c.run, "pool", &p, bi, bo, &err), ==,
                       MLRT_OK);
      down (&c, bo, got, no);
      mlrt_cpu_pool2d (&p, in, ref);
      units_check (r % 2 ? "gpu avg_pool" : "gpu max_pool", got, ref, no,
                   GPU_RTOL);

      /* the global form over the same input */
      float gg[8], gr[8];
      int hw = p.in_h * p.in_w;
      ctx_init (&c);
      bi = up (&c, in, ni);
      bo = up (&c, NULL, p.c);
      g_assert_cmpint (mlrt_gpu_global_pool (c.run, "gpool", p.kind, p.c, hw,
                                             bi, bo, &err), ==, MLRT_OK);
      down (&c, bo, gg, p.c);
      mlrt_cpu_global_pool (p.kind, p.c, hw, in, gr);
      units_check ("gpu global_pool", gg, gr, p.c, GPU_RTOL);
      g_free (in); g_free (got); g_free (ref);
    }
}

static void
test_elementwise (void)
{
  size_t n = (size_t) g_test_rand_int_range (1, 5000);
  float *a = units_random (n, -4, 4), *b = units_random (n, -4, 4);
  float *got = g_new (float, n), *ref = g_new (float, n);
  int64_t shape[1] = { (int64_t) n };
  const int64_t *shapes[2] = { shape, shape };
  int ranks[2] = { 1, 1 };
  MlrtBroadcast bc;
  MlrtError err = { 0 };
  Ctx c;

  mlrt_broadcast_plan (&bc, 2, ranks, shapes, 1, shape);
  for (int k = 0; k < N_ACTS; k++)
    {
      ctx_init (&c);
      MlrtGpuBuffer *ba = up (&c, a, n), *bo = up (&c, NULL, n);
      g_assert_cmpint (mlrt_gpu_activation (c.run, "act", all_acts[k], 0.3f, n,
                                            ba, bo, &err), ==, MLRT_OK);
      down (&c, bo, got, n);
      mlrt_cpu_activation (all_acts[k], 0.3f, n, a, ref);
      units_check ("gpu activation", got, ref, n, GPU_RTOL);

      ctx_init (&c);
      ba = up (&c, a, n);
      MlrtGpuBuffer *bb = up (&c, b, n);
      bo = up (&c, NULL, n);
      g_assert_cmpint (mlrt_gpu_binary (c.run, "add", MLRT_BINARY_ADD, &bc,
                                        ba, bb, all_acts[k], 0.3f, bo, &err),
                       ==, MLRT_OK);
      down (&c, bo, got, n);
      mlrt_cpu_add (n, a, b, all_acts[k], 0.3f, ref);
      units_check ("gpu add", got, ref, n, GPU_RTOL);
    }
  ctx_init (&c);
  MlrtGpuBuffer *ba = up (&c, a, n), *bb = up (&c, b, n), *bo = up (&c, NULL, n);
  g_assert_cmpint (mlrt_gpu_binary (c.run, "mul", MLRT_BINARY_MUL, &bc, ba,
                                    bb, MLRT_ACT_NONE, 0, bo, &err), ==,
                   MLRT_OK);
  down (&c, bo, got, n);
  mlrt_cpu_mul (n, a, b, ref);
  units_check ("gpu mul", got, ref, n, GPU_RTOL);
  g_free (a); g_free (b); g_free (got); g_free (ref);
}

static void
test_norms (void)
{
  for (int r = 0; r < ROUNDS; r++)
    {
      int ch = g_test_rand_int_range (1, 9), hw = g_test_rand_int_range (1, 3000);
      size_t n = (size_t) ch * hw;
      MlrtActivation act = all_acts[r % N_ACTS];
      /* an offset mean, as real activations have */
      float *in = units_random (n, 2, 6), *mean = units_random (ch, -1, 1);
      float *var = units_random (ch, 0.1f, 2), *gamma = units_random (ch, -2, 2);
      float *beta = units_random (ch, -1, 1);
      float *got = g_new (float, n), *ref = g_new (float, n);
      MlrtError err = { 0 };
      Ctx c;

      ctx_init (&c);
      MlrtGpuBuffer *bi = up (&c, in, n), *bm = up (&c, mean, ch);
      MlrtGpuBuffer *bv = up (&c, var, ch), *bg = up (&c, gamma, ch);
      MlrtGpuBuffer *bb = up (&c, beta, ch), *bo = up (&c, NULL, n);
      g_assert_cmpint (mlrt_gpu_batch_norm (c.run, "bn", ch, hw, bm, bv, bg, bb,
                                            1e-5f, act, 0.1f, bi, bo, &err),
                       ==, MLRT_OK);
      down (&c, bo, got, n);
      mlrt_cpu_batch_norm (ch, hw, mean, var, gamma, beta, 1e-5f, act, 0.1f, in, ref);
      units_check ("gpu batch_norm", got, ref, n, GPU_RTOL);

      ctx_init (&c);
      bi = up (&c, in, n);
      bg = up (&c, gamma, ch);
      bb = up (&c, beta, ch);
      bo = up (&c, NULL, n);
      g_assert_cmpint (mlrt_gpu_instance_norm (c.run, "in", ch, hw, bg, bb,
                                               1e-5f, act, 0.1f, bi, bo, &err),
                       ==, MLRT_OK);
      down (&c, bo, got, n);
      mlrt_cpu_instance_norm (ch, hw, gamma, beta, 1e-5f, act, 0.1f, in, ref);
      /* a one-pixel plane normalises to beta exactly: fine either way */
      units_check ("gpu instance_norm", got, ref, n, GPU_RTOL);
      g_free (in); g_free (mean); g_free (var); g_free (gamma); g_free (beta);
      g_free (got); g_free (ref);
    }
}

static void
test_upsample (void)
{
  for (int r = 0; r < ROUNDS; r++)
    {
      int ch = g_test_rand_int_range (1, 5), h = g_test_rand_int_range (1, 12);
      int w = g_test_rand_int_range (1, 12), sh = g_test_rand_int_range (1, 4);
      int sw = g_test_rand_int_range (1, 4);
      MlrtUpsampleMode mode = r % 2 ? MLRT_UPSAMPLE_BILINEAR : MLRT_UPSAMPLE_NEAREST;
      size_t ni = (size_t) ch * h * w, no = ni * sh * sw;
      float *in = units_random (ni, -1, 1);
      float *got = g_new (float, no), *ref = g_new (float, no);
      MlrtError err = { 0 };
      Ctx c;

      ctx_init (&c);
      MlrtGpuBuffer *bi = up (&c, in, ni), *bo = up (&c, NULL, no);
      g_assert_cmpint (mlrt_gpu_upsample (c.run, "up", ch, h, w, sh, sw, mode,
                                          bi, bo, &err), ==, MLRT_OK);
      down (&c, bo, got, no);
      mlrt_cpu_upsample (ch, h, w, sh, sw, mode, in, ref);
      units_check (r % 2 ? "gpu upsample bilinear" : "gpu upsample nearest",
                   got, ref, no, GPU_RTOL);
      g_free (in); g_free (got); g_free (ref);
    }
}

static void
test_inner_product_softmax (void)
{
  for (int r = 0; r < ROUNDS; r++)
    {
      int in_f = g_test_rand_int_range (1, 3000), out_f = g_test_rand_int_range (1, 64);
      float *in = units_random (in_f, -1, 1);
      float *w = units_random ((size_t) in_f * out_f, -1, 1);
      float *bias = units_random (out_f, -1, 1);
      float *got = g_new (float, out_f), *ref = g_new (float, out_f);
      MlrtError err = { 0 };
      Ctx c;

      ctx_init (&c);
      MlrtGpuBuffer *bi = up (&c, in, in_f), *bw = up (&c, w, (size_t) in_f * out_f);
      MlrtGpuBuffer *bb = up (&c, bias, out_f), *bo = up (&c, NULL, out_f);
      g_assert_cmpint (mlrt_gpu_inner_product (c.run, "fc", in_f, out_f, bi, bw,
                                               bb, all_acts[r % N_ACTS], 0.1f,
                                               bo, &err), ==, MLRT_OK);
      down (&c, bo, got, out_f);
      mlrt_cpu_inner_product (in_f, out_f, in, w, bias, all_acts[r % N_ACTS], 0.1f,
                         ref);
      units_check ("gpu inner_product", got, ref, out_f, GPU_RTOL);

      /* softmax over rows of the weights, large logits included */
      size_t outer = out_f, n = in_f, nn = outer * n;
      float *x = units_random (nn, -30, 30);
      float *sg = g_new (float, nn), *sr = g_new (float, nn);
      ctx_init (&c);
      bi = up (&c, x, nn);
      bo = up (&c, NULL, nn);
      g_assert_cmpint (mlrt_gpu_softmax (c.run, "softmax", outer, n, 1, 0,
                                         bi, bo, &err), ==, MLRT_OK);
      down (&c, bo, sg, nn);
      mlrt_cpu_softmax (outer, n, 1, 0, x, sr);
      units_check ("gpu softmax", sg, sr, nn, GPU_RTOL);
      g_free (x); g_free (sg); g_free (sr);
      g_free (in); g_free (w); g_free (bias); g_free (got); g_free (ref);
    }
}

static void
test_concat (void)
{
  int chans[3] = { 2, 1, 3 }, hw = 37;
  size_t chunks[3] = { 2 * 37, 1 * 37, 3 * 37 };
  float *parts[3], *ref = g_new (float, 6 * hw), *got = g_new (float, 6 * hw);
  MlrtGpuBuffer *bins[3];
  MlrtError err = { 0 };
  size_t o = 0;
  Ctx c;

  ctx_init (&c);
  for (int i = 0; i < 3; i++)
    {
      parts[i] = units_random ((size_t) chans[i] * hw, -1, 1);
      bins[i] = up (&c, parts[i], (size_t) chans[i] * hw);
      memcpy (ref + o, parts[i], sizeof (float) * chans[i] * hw);
      o += (size_t) chans[i] * hw;
    }
  MlrtGpuBuffer *bo = up (&c, NULL, 6 * hw);
  g_assert_cmpint (mlrt_gpu_concat (c.run, "cat", 3, 1, chunks, bins, bo,
                                    &err), ==, MLRT_OK);
  down (&c, bo, got, 6 * hw);
  units_check ("gpu concat", got, ref, 6 * hw, 0);
  for (int i = 0; i < 3; i++)
    g_free (parts[i]);
  g_free (ref); g_free (got);
}

static uint64_t
mono_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Shared host memory is used in place, and device intervals lie on
 * CLOCK_MONOTONIC between the enqueue and the wait. */
static void
test_shared_memory_and_intervals (void)
{
  size_t n = 64 * 64 * 8;
  float *in = NULL, *out = NULL;
  MlrtGpuBuffer bi, bo;
  MlrtError err = { 0 };
  const MlrtBusyInterval *iv;
  MlrtGpuRun *run;

  g_assert_cmpint (mlrt_gpu_init (&err), ==, MLRT_OK);
  g_test_message ("device %s, profiling clock %s, offset to CLOCK_MONOTONIC "
                  "%" G_GINT64_FORMAT " ns (+- %" G_GINT64_FORMAT " ns)",
                  mlrt_gpu_device_name (), mlrt_gpu_clock_name (),
                  mlrt_gpu_clock_offset_ns (), mlrt_gpu_clock_uncertainty_ns ());
  g_assert_cmpint (posix_memalign ((void **) &in, MLRT_GPU_HOST_ALIGN,
                                   n * sizeof (float)), ==, 0);
  g_assert_cmpint (posix_memalign ((void **) &out, MLRT_GPU_HOST_ALIGN,
                                   n * sizeof (float)), ==, 0);
  for (size_t i = 0; i < n; i++)
    in[i] = (float) i - 1000.0f;
  g_assert_true (mlrt_gpu_can_wrap (in));
  g_assert_false (mlrt_gpu_can_wrap ((char *) in + 4));
  g_assert_cmpint (mlrt_gpu_buffer_wrap (&bi, (char *) in + 4, 16, &err), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (err.message, "aligned"));
  g_assert_cmpint (mlrt_gpu_buffer_wrap (&bi, in, n * sizeof (float), &err),
                   ==, MLRT_OK);
  g_assert_cmpint (mlrt_gpu_buffer_wrap (&bo, out, n * sizeof (float), &err),
                   ==, MLRT_OK);

  uint64_t t0 = mono_ns ();
  run = mlrt_gpu_run_new ();
  g_assert_cmpint (mlrt_gpu_activation (run, "relu1", MLRT_ACT_RELU, 0, n, &bi,
                                        &bo, &err), ==, MLRT_OK);
  g_assert_cmpint (mlrt_gpu_activation (run, "tanh2", MLRT_ACT_TANH, 0, n, &bo,
                                        &bo, &err), ==, MLRT_OK);
  g_assert_cmpint (mlrt_gpu_run_finish (run, &err), ==, MLRT_OK);
  g_assert_cmpint (mlrt_gpu_sync_to_host (run, &bo, &err), ==, MLRT_OK);
  uint64_t t1 = mono_ns ();
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (fabsf (out[i] - tanhf (fmaxf (in[i], 0))), <=, 1e-6f);

  g_assert_cmpuint (mlrt_gpu_run_intervals (run, &iv), ==, 2);
  g_assert_cmpstr (iv[0].what, ==, "relu1");
  g_assert_cmpstr (iv[1].what, ==, "tanh2");
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpuint (iv[i].start_ns, <=, iv[i].end_ns);
      g_assert_cmpuint (iv[i].start_ns + mlrt_gpu_clock_uncertainty_ns (), >=, t0);
      g_assert_cmpuint (iv[i].end_ns, <=, t1 + mlrt_gpu_clock_uncertainty_ns ());
    }
  g_assert_cmpuint (iv[0].end_ns, <=, iv[1].start_ns);
  mlrt_gpu_run_free (run);
  mlrt_gpu_buffer_release (&bi);
  mlrt_gpu_buffer_release (&bo);
  free (in);
  free (out);
}

static void
test_figures (void)
{
  units_print_figures ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gpu/conv2d", test_conv2d);
  g_test_add_func ("/gpu/conv_transpose2d", test_conv_transpose2d);
  g_test_add_func ("/gpu/pool", test_pool);
  g_test_add_func ("/gpu/elementwise", test_elementwise);
  g_test_add_func ("/gpu/norms", test_norms);
  g_test_add_func ("/gpu/upsample", test_upsample);
  g_test_add_func ("/gpu/inner_product_softmax", test_inner_product_softmax);
  g_test_add_func ("/gpu/concat", test_concat);
  g_test_add_func ("/gpu/shared_memory_and_intervals",
                   test_shared_memory_and_intervals);
  g_test_add_func ("/gpu/figures", test_figures);
  return g_test_run ();
}
