/*
 * test-npu.c: the emulated NPU against the CPU kernels: fp16 conversion
 * (exhaustively, against the compiler's _Float16), every supported op on
 * random shapes (half the convolutions with a fused output affine), the
 * refusal rules and their reasons, asynchronous requests from several
 * threads, busy intervals, and bad requests.
 *
 * The CPU kernels run on the same fp16-rounded inputs and weights, so the
 * tolerance measures the NPU's own arithmetic: fp32 accumulation, one
 * rounding to fp16 per stored value (relative 2^-11), and intermediate
 * activations rounded too: 2e-3 is four fp16 ulps (2^-11 each).
 */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "npu/npu.h"
#include "npu/npu-half.h"
#include "units-test.h"

#define NPU_RTOL 2e-3  /* four fp16 ulps */
/* Float16 results: below 2^-14 halves are subnormal, 2^-24 apart, so a
 * tensor of tiny values (a one-output layer) differs from fp32 by up to
 * that much whatever its own scale. */
#define NPU_ATOL 5.96046448e-8

static double
npu_check (const char *label, const float *got, const float *ref, size_t n,
           double rtol)
{
  return units_check_abs (label, got, ref, n, rtol, NPU_ATOL);
}

#define ROUNDS 4

static const MlrtActivation npu_acts[] = {
  MLRT_ACT_NONE, MLRT_ACT_RELU, MLRT_ACT_LEAKY_RELU, MLRT_ACT_SIGMOID,
  MLRT_ACT_TANH, MLRT_ACT_HARD_SWISH, MLRT_ACT_RELU6,
};
#define N_ACTS ((int) G_N_ELEMENTS (npu_acts))

/* Random floats already rounded to fp16, and their fp16 bits. */
static float *
random_half (size_t n, float lo, float hi, uint16_t **bits)
{
  float *x = units_random (n, lo, hi);
  uint16_t *h = g_new (uint16_t, n ? n : 1);

  mlrt_npu_f32_to_f16 (n, x, h);
  mlrt_npu_f16_to_f32 (n, h, x);
  if (bits)
    *bits = h;
  else
    g_free (h);
  return x;
}

/* Runs one op over inputs (float, converted on the way in) into `out`. */
static void
run_op (MlrtNpuOp *op, int n_in, float *const *inputs, const size_t *in_n,
        float *out, size_t out_n)
{
  MlrtNpuTensor t[MLRT_NPU_MAX_INPUTS + 1];
  MlrtError err = { 0 };
  MlrtNpuRequest *r;

  for (int i = 0; i < n_in; i++)
    {
      g_assert_cmpint (mlrt_npu_tensor_alloc (&t[i], in_n[i], &err), ==,
                       MLRT_OK);
      mlrt_npu_tensor_write_f32 (&t[i], inputs[i]);
      op->inputs[i] = i;
    }
  op->n_inputs = n_in;
  op->output = n_in;
  g_assert_cmpint (mlrt_npu_tensor_alloc (&t[n_in], out_n, &err), ==, MLRT_OK);
  r = mlrt_npu_submit (op, 1, t, n_in + 1, &err);
  if (!r)
    g_test_message ("%s", err.message);
  g_assert_nonnull (r);
  g_assert_cmpint (mlrt_npu_wait (r, &err), ==, MLRT_OK);
  mlrt_npu_tensor_read_f32 (&t[n_in], out);
  mlrt_npu_request_free (r);
  for (int i = 0; i <= n_in; i++)
    mlrt_npu_tensor_release (&t[i]);
}

static void
test_half_conversion (void)
{
  /* every half survives the trip through float */
  for (uint32_t h = 0; h < 65536; h++)
    {
      float f = mlrt_npu_half_to_float ((uint16_t) h);
      uint16_t back = mlrt_npu_half_from_float (f);

      if (isnan (f))
        g_assert_true ((back & 0x7c00) == 0x7c00 && (back & 0x3ff));
      else
        g_assert_cmphex (back, ==, h);
      g_assert_true (isnan (f) || f == (float) (_Float16) f);
    }
  /* random floats over the whole range round as the compiler does */
  for (int i = 0; i < 200000; i++)
    {
      uint32_t bits = g_test_rand_int ();
      float f;
      _Float16 ref;
      uint16_t rb;

      memcpy (&f, &bits, sizeof f);
      if (isnan (f))
        continue;
      ref = (_Float16) f;
      memcpy (&rb, &ref, sizeof rb);
      g_assert_cmphex (mlrt_npu_half_from_float (f), ==, rb);
    }
  g_assert_cmphex (mlrt_npu_half_from_float (65504.0f), ==, 0x7bff);
  g_assert_cmphex (mlrt_npu_half_from_float (65520.0f), ==, 0x7c00);
  g_assert_cmphex (mlrt_npu_half_from_float (5.9604645e-8f), ==, 0x0001);
  g_assert_cmphex (mlrt_npu_half_from_float (-0.0f), ==, 0x8000);
}

static void
test_conv2d (void)
{
  for (int r = 0; r < ROUNDS * 2; r++)
    {
      MlrtConvParams p;
      MlrtNpuOp op = { .kind = MLRT_NPU_CONV2D, .name = "conv" };
      uint16_t *w16, *b16;

      units_random_conv (&p, npu_acts, N_ACTS);
      /* the affine's scalars are fp16 weights too (npu-layers.c) */
      units_random_out_affine (&p, r / 2 % 2);
      p.out_scale = (float) (_Float16) p.out_scale;
      p.out_shift = (float) (_Float16) p.out_shift;
      size_t ni = (size_t) p.in_c * p.in_h * p.in_w;
      size_t nw = (size_t) p.out_c * (p.in_c / p.groups) * p.kh * p.kw;
      size_t no = (size_t) p.out_c * p.out_h * p.out_w;
      float *in = random_half (ni, -1, 1, NULL);
      float *w = random_half (nw, -1, 1, &w16);
      float *bias = random_half (p.out_c, -1, 1, &b16);
      float *got = g_new (float, no), *ref = g_new (float, no);

      op.p.conv = p;
      op.weights[0] = w16;
      op.weights[1] = r % 2 ? b16 : NULL;
      run_op (&op, 1, &in, &ni, got, no);
      units_cpu_conv2d (&p, in, w, r % 2 ? bias : NULL, ref);
      npu_check ("npu conv2d", got, ref, no, NPU_RTOL);
      g_free (in); g_free (w); g_free (bias); g_free (w16); g_free (b16);
      g_free (got); g_free (ref);
    }
}

static void
test_pool (void)
{
  for (int r = 0; r < ROUNDS * 2; r++)
    {
      MlrtPoolParams p;
      MlrtNpuOp op = { .kind = MLRT_NPU_POOL2D, .name = "pool" };

      units_random_pool (&p, r % 2 ? MLRT_POOL_AVG : MLRT_POOL_MAX);
      size_t ni = (size_t) p.c * p.in_h * p.in_w, no = (size_t) p.c * p.out_h * p.out_w;
      float *in = random_half (ni, -3, 3, NULL);
      float *got = g_new (float, no), *ref = g_new (float, no);

      op.p.pool = p;
      run_op (&op, 1, &in, &ni, got, no);
      mlrt_cpu_pool2d (&p, in, ref);
      npu_check (r % 2 ? "npu avg_pool" : "npu max_pool", got, ref, no,
                   NPU_RTOL);

      float gg[8], gr[8];
      MlrtNpuOp gop = { .kind = MLRT_NPU_GLOBAL_POOL, .name = "gpool" };
      gop.p.global_pool.kind = p.kind;
      gop.p.global_pool.c = p.c;
      gop.p.global_pool.hw = p.in_h * p.in_w;
      run_op (&gop, 1, &in, &ni, gg, p.c);
      mlrt_cpu_global_pool (p.kind, p.c, p.in_h * p.in_w, in, gr);
      npu_check ("npu global_pool", gg, gr, p.c, NPU_RTOL);
      g_free (in); g_free (got); g_free (ref);
    }
}

static void
test_elementwise (void)
{
  size_t n = (size_t) g_test_rand_int_range (1, 5000), nn[2] = { n, n };
  float *a = random_half (n, -4, 4, NULL), *b = random_half (n, -4, 4, NULL);
  float *ab[2] = { a, b };
  float *got = g_new (float, n), *ref = g_new (float, n);
  int64_t shape[1] = { (int64_t) n };
  const int64_t *shapes[2] = { shape, shape };
  int ranks[2] = { 1, 1 };
  MlrtBroadcast bc;

  mlrt_broadcast_plan (&bc, 2, ranks, shapes, 1, shape);
  for (int k = 0; k < N_ACTS; k++)
    {
      MlrtNpuOp op = { .kind = MLRT_NPU_ACTIVATION, .name = "act" };
      op.p.eltwise.act = npu_acts[k];
      op.p.eltwise.alpha = 0.3f;
      op.p.eltwise.n = n;
      run_op (&op, 1, &a, &n, got, n);
      mlrt_cpu_activation (npu_acts[k], 0.3f, n, a, ref);
      npu_check ("npu activation", got, ref, n, NPU_RTOL);

      MlrtNpuOp add = { .kind = MLRT_NPU_BINARY, .name = "add" };
      add.p.binary.op = MLRT_BINARY_ADD;
      add.p.binary.bc = bc;
      add.p.binary.act = npu_acts[k];
      add.p.binary.alpha = 0.3f;
      run_op (&add, 2, ab, nn, got, n);
      mlrt_cpu_add (n, a, b, npu_acts[k], 0.3f, ref);
      npu_check ("npu add", got, ref, n, NPU_RTOL);
    }
  MlrtNpuOp op = { .kind = MLRT_NPU_BINARY, .name = "mul" };
  op.p.binary.op = MLRT_BINARY_MUL;
  op.p.binary.bc = bc;
  run_op (&op, 2, ab, nn, got, n);
  mlrt_cpu_mul (n, a, b, ref);
  npu_check ("npu mul", got, ref, n, NPU_RTOL);
  g_free (a); g_free (b); g_free (got); g_free (ref);
}

static void
test_norms (void)
{
  for (int r = 0; r < ROUNDS; r++)
    {
      int ch = g_test_rand_int_range (1, 9), hw = g_test_rand_int_range (2, 3000);
      size_t n = (size_t) ch * hw;
      uint16_t *m16, *v16, *g16, *b16;
      float *in = random_half (n, 2, 6, NULL);
      float *mean = random_half (ch, -1, 1, &m16);
      float *var = random_half (ch, 0.1f, 2, &v16);
      float *gamma = random_half (ch, -2, 2, &g16);
      float *beta = random_half (ch, -1, 1, &b16);
      float *got = g_new (float, n), *ref = g_new (float, n);
      MlrtNpuOp op = { .kind = MLRT_NPU_BATCH_NORM, .name = "bn" };

      op.p.norm.c = ch;
      op.p.norm.hw = hw;
      op.p.norm.eps = 1e-5f;
      op.p.norm.act = npu_acts[r % N_ACTS];
      op.p.norm.alpha = 0.1f;
      op.weights[0] = m16; op.weights[1] = v16;
      op.weights[2] = g16; op.weights[3] = b16;
      run_op (&op, 1, &in, &n, got, n);
      mlrt_cpu_batch_norm (ch, hw, mean, var, gamma, beta, 1e-5f, op.p.norm.act,
                      0.1f, in, ref);
      npu_check ("npu batch_norm", got, ref, n, NPU_RTOL);

      op.kind = MLRT_NPU_INSTANCE_NORM;
      op.name = "in";
      op.weights[0] = g16; op.weights[1] = b16;
      op.weights[2] = op.weights[3] = NULL;
      run_op (&op, 1, &in, &n, got, n);
      mlrt_cpu_instance_norm (ch, hw, gamma, beta, 1e-5f, op.p.norm.act, 0.1f, in,
                         ref);
      npu_check ("npu instance_norm", got, ref, n, NPU_RTOL);
      g_free (in); g_free (mean); g_free (var); g_free (gamma); g_free (beta);
      g_free (m16); g_free (v16); g_free (g16); g_free (b16);
      g_free (got); g_free (ref);
    }
}

static void
test_upsample_fc_softmax_concat (void)
{
  for (int r = 0; r < ROUNDS; r++)
    {
      int ch = g_test_rand_int_range (1, 5), h = g_test_rand_int_range (1, 12);
      int w = g_test_rand_int_range (1, 12), sh = g_test_rand_int_range (1, 4);
      int sw = g_test_rand_int_range (1, 4);
      size_t ni = (size_t) ch * h * w, no = ni * sh * sw;
      float *in = random_half (ni, -1, 1, NULL);
      float *got = g_new (float, no), *ref = g_new (float, no);
      MlrtNpuOp op = { .kind = MLRT_NPU_UPSAMPLE, .name = "up" };

      op.p.upsample.c = ch; op.p.upsample.h = h; op.p.upsample.w = w;
      op.p.upsample.sh = sh; op.p.upsample.sw = sw;
      op.p.upsample.mode = MLRT_UPSAMPLE_NEAREST;
      run_op (&op, 1, &in, &ni, got, no);
      mlrt_cpu_upsample (ch, h, w, sh, sw, MLRT_UPSAMPLE_NEAREST, in, ref);
      npu_check ("npu upsample nearest", got, ref, no, 0);
      g_free (in); g_free (got); g_free (ref);

      /* inner product up to the 4096-input limit, then softmax over it */
      int in_f = r == 0 ? MLRT_NPU_MAX_FC_INPUTS : g_test_rand_int_range (1, 3000);
      int out_f = g_test_rand_int_range (1, 40);
      size_t nin = in_f;
      uint16_t *w16, *b16;
      float *x = random_half (in_f, -1, 1, NULL);
      float *wt = random_half ((size_t) in_f * out_f, -1, 1, &w16);
      float *b = random_half (out_f, -1, 1, &b16);
      float *fg = g_new (float, out_f), *fr = g_new (float, out_f);
      MlrtNpuOp fc = { .kind = MLRT_NPU_INNER_PRODUCT, .name = "fc" };

      fc.p.fc.in_features = in_f;
      fc.p.fc.out_features = out_f;
      fc.p.fc.act = npu_acts[r % N_ACTS];
      fc.p.fc.alpha = 0.1f;
      fc.weights[0] = w16;
      fc.weights[1] = b16;
      run_op (&fc, 1, &x, &nin, fg, out_f);
      mlrt_cpu_inner_product (in_f, out_f, x, wt, b, fc.p.fc.act, 0.1f, fr);
      npu_check ("npu inner_product", fg, fr, out_f, NPU_RTOL);

      size_t sn = r == 0 ? MLRT_NPU_MAX_SOFTMAX_AXIS : (size_t) g_test_rand_int_range (1, 1024);
      size_t outer = 3, tot = outer * sn;
      float *sx = random_half (tot, -8, 8, NULL);
      float *sg = g_new (float, tot), *sr = g_new (float, tot);
      MlrtNpuOp sm = { .kind = MLRT_NPU_SOFTMAX, .name = "softmax" };
      sm.p.softmax.outer = outer;
      sm.p.softmax.n = sn;
      sm.p.softmax.inner = 1;
      run_op (&sm, 1, &sx, &tot, sg, tot);
      mlrt_cpu_softmax (outer, sn, 1, 0, sx, sr);
      npu_check ("npu softmax", sg, sr, tot, NPU_RTOL);
      g_free (x); g_free (wt); g_free (b); g_free (w16); g_free (b16);
      g_free (fg); g_free (fr); g_free (sx); g_free (sg); g_free (sr);
    }

  /* concat moves fp16 values unchanged */
  int chans[3] = { 2, 1, 3 }, hw = 29;
  size_t sizes[3];
  float *parts[3], ref[6 * 29], got[6 * 29];
  MlrtNpuOp cat = { .kind = MLRT_NPU_CONCAT, .name = "cat" };
  size_t o = 0;
  cat.p.concat.outer = 1;
  for (int i = 0; i < 3; i++)
    {
      sizes[i] = (size_t) chans[i] * hw;
      parts[i] = random_half (sizes[i], -1, 1, NULL);
      cat.p.concat.chunk[i] = sizes[i];
      memcpy (ref + o, parts[i], sizes[i] * sizeof (float));
      o += sizes[i];
    }
  run_op (&cat, 3, parts, sizes, got, 6 * hw);
  npu_check ("npu concat", got, ref, 6 * hw, 0);
  for (int i = 0; i < 3; i++)
    g_free (parts[i]);
}

/* Every refusal comes with its reason; the limits are inclusive. */
static void
test_unsupported (void)
{
  MlrtNpuOp op = { .kind = MLRT_NPU_ACTIVATION, .name = "gelu1" };
  const char *why = NULL;
  MlrtNpuTensor t[2];
  MlrtError err = { 0 };

  op.p.eltwise.act = MLRT_ACT_GELU;
  op.p.eltwise.n = 4;
  g_assert_false (mlrt_npu_supports (&op, &why));
  g_assert_nonnull (strstr (why, "gelu"));

  op.kind = MLRT_NPU_CONV2D;
  memset (&op.p, 0, sizeof op.p);
  op.p.conv.act = MLRT_ACT_GELU;
  g_assert_false (mlrt_npu_supports (&op, &why));
  g_assert_nonnull (strstr (why, "gelu"));
  op.p.conv.act = MLRT_ACT_TANH;
  g_assert_true (mlrt_npu_supports (&op, &why));
  g_assert_null (why);

  op.kind = MLRT_NPU_CONV_TRANSPOSE2D;
  g_assert_false (mlrt_npu_supports (&op, &why));
  g_assert_nonnull (strstr (why, "conv_transpose2d"));

  op.kind = MLRT_NPU_UPSAMPLE;
  op.p.upsample.mode = MLRT_UPSAMPLE_BILINEAR;
  g_assert_false (mlrt_npu_supports (&op, &why));
  g_assert_nonnull (strstr (why, "bilinear"));
  op.p.upsample.mode = MLRT_UPSAMPLE_NEAREST;
  g_assert_true (mlrt_npu_supports (&op, NULL));

  op.kind = MLRT_NPU_INNER_PRODUCT;
  memset (&op.p, 0, sizeof op.p);
  op.p.fc.in_features = MLRT_NPU_MAX_FC_INPUTS;
  g_assert_true (mlrt_npu_supports (&op, NULL));
  op.p.fc.in_features = MLRT_NPU_MAX_FC_INPUTS + 1;
  g_assert_false (mlrt_npu_supports (&op, &why));
  g_assert_nonnull (strstr (why, "4096"));

  op.kind = MLRT_NPU_SOFTMAX;
  op.p.softmax.outer = 1;
  op.p.softmax.inner = 1;
  op.p.softmax.n = MLRT_NPU_MAX_SOFTMAX_AXIS;
  g_assert_true (mlrt_npu_supports (&op, NULL));
  op.p.softmax.n = MLRT_NPU_MAX_SOFTMAX_AXIS + 1;
  g_assert_false (mlrt_npu_supports (&op, &why));
  g_assert_nonnull (strstr (why, "1024"));

  /* submitting one is refused up front, naming the layer and reason */
  op.kind = MLRT_NPU_ACTIVATION;
  memset (&op.p, 0, sizeof op.p);
  op.p.eltwise.act = MLRT_ACT_GELU;
  op.p.eltwise.n = 4;
  op.n_inputs = 1;
  op.inputs[0] = 0;
  op.output = 1;
  mlrt_npu_tensor_alloc (&t[0], 4, &err);
  mlrt_npu_tensor_alloc (&t[1], 4, &err);
  g_assert_null (mlrt_npu_submit (&op, 1, t, 2, &err));
  g_assert_cmpint (err.status, ==, MLRT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (err.message, "gelu1"));
  g_assert_nonnull (strstr (err.message, "activation tables"));

  /* so is a request whose tensors are too small, or slots out of range */
  op.p.eltwise.act = MLRT_ACT_RELU;
  op.p.eltwise.n = 5;
  g_assert_null (mlrt_npu_submit (&op, 1, t, 2, &err));
  g_assert_cmpint (err.status, ==, MLRT_ERROR_INVALID_ARGUMENT);
  op.p.eltwise.n = 4;
  op.output = 7;
  g_assert_null (mlrt_npu_submit (&op, 1, t, 2, &err));
  g_assert_cmpint (err.status, ==, MLRT_ERROR_INVALID_ARGUMENT);
  mlrt_npu_tensor_release (&t[0]);
  mlrt_npu_tensor_release (&t[1]);
}

static uint64_t
mono_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* A three-op request chained through an intermediate tensor. */
typedef struct {
  MlrtNpuOp ops[3];
  MlrtNpuTensor t[3];
  float *in;
  size_t n;
  uint64_t submitted, waited;
  MlrtNpuRequest *req;
} Chain;

static void
chain_init (Chain *c, size_t n, float bias)
{
  MlrtError err = { 0 };

  memset (c, 0, sizeof *c);
  c->n = n;
  c->in = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    c->in[i] = (float) ((int) (i % 200) - 100) / 50.0f + bias;
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (mlrt_npu_tensor_alloc (&c->t[i], n, &err), ==, MLRT_OK);
  mlrt_npu_tensor_write_f32 (&c->t[0], c->in);
  const MlrtActivation acts[3] = { MLRT_ACT_RELU, MLRT_ACT_SIGMOID, MLRT_ACT_TANH };
  const char *names[3] = { "relu", "sigmoid", "tanh" };
  for (int i = 0; i < 3; i++)
    {
      c->ops[i].kind = MLRT_NPU_ACTIVATION;
      c->ops[i].name = names[i];
      c->ops[i].p.eltwise.act = acts[i];
      c->ops[i].p.eltwise.n = n;
      c->ops[i].n_inputs = 1;
      c->ops[i].inputs[0] = i == 0 ? 0 : 1 + (i + 1) % 2;
      c->ops[i].output = 1 + i % 2;
    }
}

static void
chain_check (Chain *c)
{
  float *out = g_new (float, c->n), *ref = g_new (float, c->n);
  const MlrtBusyInterval *iv;

  mlrt_npu_tensor_read_f32 (&c->t[1], out);
  for (size_t i = 0; i < c->n; i++)
    ref[i] = tanhf (mlrt_npu_round (1.0f / (1.0f + expf (-mlrt_npu_round (
                 fmaxf (c->in[i], 0))))));
  npu_check ("npu chained request", out, ref, c->n, NPU_RTOL);
  g_assert_cmpuint (mlrt_npu_request_intervals (c->req, &iv), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpstr (iv[i].what, ==, c->ops[i].name);
      g_assert_cmpuint (iv[i].start_ns, >=, c->submitted);
      g_assert_cmpuint (iv[i].start_ns, <=, iv[i].end_ns);
      g_assert_cmpuint (iv[i].end_ns, <=, c->waited);
      if (i)
        g_assert_cmpuint (iv[i - 1].end_ns, <=, iv[i].start_ns);
    }
  mlrt_npu_request_free (c->req);
  for (int i = 0; i < 3; i++)
    mlrt_npu_tensor_release (&c->t[i]);
  g_free (c->in); g_free (out); g_free (ref);
}

static void *
submit_and_wait (void *data)
{
  Chain *c = data;
  MlrtError err = { 0 };

  c->submitted = mono_ns ();
  c->req = mlrt_npu_submit (c->ops, 3, c->t, 3, &err);
  g_assert_nonnull (c->req);
  g_assert_cmpint (mlrt_npu_wait (c->req, &err), ==, MLRT_OK);
  c->waited = mono_ns ();
  return NULL;
}

/* Submit returns before the work is done; requests from several threads
 * queue on the one device, which runs them one at a time. */
static void
test_async_requests (void)
{
  Chain a, b[4];
  MlrtError err = { 0 };
  pthread_t threads[4];

  chain_init (&a, 1 << 20, 0.0f);
  a.submitted = mono_ns ();
  a.req = mlrt_npu_submit (a.ops, 3, a.t, 3, &err);
  g_assert_nonnull (a.req);
  uint64_t returned = mono_ns ();
  g_assert_cmpint (mlrt_npu_wait (a.req, &err), ==, MLRT_OK);
  a.waited = mono_ns ();
  const MlrtBusyInterval *iv;
  mlrt_npu_request_intervals (a.req, &iv);
  /* a million sigmoids take far longer than queueing a request */
  g_assert_cmpuint (returned, <, iv[2].end_ns);
  chain_check (&a);

  for (int i = 0; i < 4; i++)
    {
      chain_init (&b[i], 50000 + 1000 * i, 0.25f * i);
      pthread_create (&threads[i], NULL, submit_and_wait, &b[i]);
    }
  for (int i = 0; i < 4; i++)
    pthread_join (threads[i], NULL);
  /* one device: no two requests' intervals overlap */
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      if (i != j)
        {
          const MlrtBusyInterval *x, *y;
          mlrt_npu_request_intervals (b[i].req, &x);
          mlrt_npu_request_intervals (b[j].req, &y);
          g_assert_true (x[2].end_ns <= y[0].start_ns
                         || y[2].end_ns <= x[0].start_ns);
        }
  for (int i = 0; i < 4; i++)
    chain_check (&b[i]);
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
  g_test_add_func ("/npu/half_conversion", test_half_conversion);
  g_test_add_func ("/npu/conv2d", test_conv2d);
  g_test_add_func ("/npu/pool", test_pool);
  g_test_add_func ("/npu/elementwise", test_elementwise);
  g_test_add_func ("/npu/norms", test_norms);
  g_test_add_func ("/npu/upsample_fc_softmax_concat",
                   test_upsample_fc_softmax_concat);
  g_test_add_func ("/npu/unsupported", test_unsupported);
  g_test_add_func ("/npu/async_requests", test_async_requests);
  g_test_add_func ("/npu/figures", test_figures);
  return g_test_run ();
}
