/*
 * test-output-affine.c: a convolution with a fused output affine (the
 * scalar Mul and Add after a hard-swish of PP-LCNetV3's learnable affine
 * blocks, fuse-output-scale.c) on every unit. Each case is a package of
 * conv2d, an activation and scale layers of one value each, run through
 * the runtime as a converted model would be: the compile must fuse them
 * into one layer, that layer must be placed on the GPU under cpu-and-gpu
 * and on the NPU under cpu-and-npu (priority placement) and run there
 * (the layer observer says which unit ran it), and its output must be the
 * CPU's within the units' tolerances. The CPU's own result is held to its
 * kernel's, and every result to differ from the convolution without the
 * affine by far more than any tolerance, so a unit that skipped it fails.
 */
#include <string.h>

#include "mlrt-internal.h"
#include "pkg-writer.h"
#include "units-test.h"

#define CPU_RTOL 2e-5
#define GPU_RTOL 1e-4
/* the inputs and weights are fp16 values already: only the NPU's fp16
 * outputs and scalars (2^-11 each) and fp32 sums in another order */
#define NPU_RTOL 4e-3
/* how far a result without the affine lands, at least */
#define SKIPPED_RTOL 0.1

typedef struct {
  const char *name;
  int in_c, in_h, in_w, out_c, k, stride, groups;
  const char *act;
  MlrtActivation act_id;
  int has_scale;              /* else only the bias */
  float scale, shift;
} Case;

/* PP-LCNetV3's shapes: a pointwise and a depthwise (stride 2) layer after
 * hard-swish with both scalars, and a dense 3x3 one adding a value only. */
static const Case cases[] = {
  { "pointwise", 16, 10, 12, 24, 1, 1, 1, "hard_swish",
    MLRT_ACT_HARD_SWISH, 1, 0.7071f, -0.2497f },
  { "depthwise", 12, 11, 13, 12, 5, 2, 12, "hard_swish",
    MLRT_ACT_HARD_SWISH, 1, -1.2733f, 0.4062f },
  { "bias-only", 6, 9, 7, 8, 3, 1, 1, "relu", MLRT_ACT_RELU, 0, 1.0f,
    0.6931f },
};

static char *tmp;

/* Uniform in [lo, hi), rounded to fp16 values so the NPU reads them as
 * they are. */
static float *
half_values (size_t n, float lo, float hi)
{
  float *x = units_random (n, lo, hi);

  for (size_t i = 0; i < n; i++)
    x[i] = (float) (_Float16) x[i];
  return x;
}

static void
conv_params (const Case *c, MlrtConvParams *p)
{
  *p = (MlrtConvParams) { 0 };
  p->in_c = c->in_c;
  p->in_h = c->in_h;
  p->in_w = c->in_w;
  p->out_c = c->out_c;
  p->kh = p->kw = c->k;
  p->sh = p->sw = c->stride;
  p->ph = p->pw = c->k / 2;
  p->dh = p->dw = 1;
  p->groups = c->groups;
  p->out_h = mlrt_conv_output_size (c->in_h, c->k, c->stride, c->k / 2, 1);
  p->out_w = mlrt_conv_output_size (c->in_w, c->k, c->stride, c->k / 2, 1);
  p->act = c->act_id;
  p->has_out_affine = 1;
  p->out_scale = c->has_scale ? c->scale : 1.0f;
  p->out_shift = c->shift;
}

/* conv2d -> activation -> [scale by one value ->] add one value */
static char *
write_case (const Case *c, const MlrtConvParams *p, const float *w,
            const float *bias)
{
  size_t nw = (size_t) c->out_c * (c->in_c / c->groups) * c->k * c->k;
  g_autofree char *dims = g_strdup_printf ("[%d, %d, %d, %d]", c->out_c,
                                           c->in_c / c->groups, c->k, c->k);
  g_autofree char *bias_dims = g_strdup_printf ("[%d]", c->out_c);
  g_autofree char *jw = NULL, *jb = NULL, *js = NULL, *jt = NULL;
  g_autofree char *json = NULL, *mul = NULL;
  TestWeights tw;
  char *path;

  test_weights_init (&tw);
  jw = test_weights_f32 (&tw, dims, w, nw);
  jb = test_weights_f32 (&tw, bias_dims, bias, (size_t) c->out_c);
  js = test_weights_f32 (&tw, "[1]", &c->scale, 1);
  jt = test_weights_f32 (&tw, "[1]", &c->shift, 1);
  mul = c->has_scale
    ? g_strdup_printf ("{\"name\": \"mul\", \"op\": \"scale\", \"inputs\":"
                       " [\"a\"], \"outputs\": [\"m\"], \"weights\":"
                       " {\"scale\": %s}},", js)
    : g_strdup ("");
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\", \"inputs\": [{\"name\": \"x\","
    " \"type\": \"float32\", \"shape\": [%d, %d, %d]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\","
    " \"shape\": [%d, %d, %d]}], \"layers\": ["
    "{\"name\": \"conv\", \"op\": \"conv2d\", \"inputs\": [\"x\"],"
    " \"outputs\": [\"c\"], \"params\": {\"out_channels\": %d,"
    " \"kernel\": [%d, %d], \"stride\": [%d, %d], \"padding\": [%d, %d],"
    " \"dilation\": [1, 1], \"groups\": %d},"
    " \"weights\": {\"weight\": %s, \"bias\": %s}},"
    "{\"name\": \"act\", \"op\": \"%s\", \"inputs\": [\"c\"],"
    " \"outputs\": [\"a\"]}, %s"
    "{\"name\": \"add\", \"op\": \"scale\", \"inputs\": [\"%s\"],"
    " \"outputs\": [\"y\"], \"weights\": {\"bias\": %s}}]}",
    c->name, c->in_c, c->in_h, c->in_w, c->out_c, p->out_h, p->out_w,
    c->out_c, c->k, c->k, c->stride, c->stride, p->ph, p->pw, c->groups, jw,
    jb, c->act, mul, c->has_scale ? "m" : "a", jt);
  path = test_write_package (tmp, c->name, json, &tw);
  test_weights_clear (&tw);
  return path;
}

typedef struct {
  int runs[MLRT_N_UNITS];
} Seen;

static void
observe (const MlrtLayerEvent *event, void *data)
{
  Seen *seen = data;

  g_assert_cmpuint (event->layer, ==, 0);
  __atomic_add_fetch (&seen->runs[event->unit], 1, __ATOMIC_RELAXED);
}

/* Loads the package for `units`, checks the compile fused the four (or
 * three) layers into one on `unit`, and predicts; returns the output. */
static float *
run_on (const char *path, const MlrtConvParams *p, const float *x,
        MlrtComputeUnits units, MlrtUnit unit)
{
  MlrtModel *model = units_load (path, units, MLRT_PLACEMENT_PRIORITY, tmp);
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { p->in_c, p->in_h, p->in_w },
                  (void *) x, NULL };
  size_t no = (size_t) p->out_c * p->out_h * p->out_w;
  MlrtError error = { 0 };
  const MlrtLayerPlan *plan;
  const MlrtValue *y;
  Seen seen = { { 0 } };
  float *got;

  g_assert_cmpuint (mlrt_model_plan (model, &plan), ==, 1);
  g_assert_cmpstr (plan[0].op, ==, "conv2d");
  if (plan[0].unit != unit)
    g_error ("%s: the fused convolution went to the %s, not the %s: %s",
             path, mlrt_unit_name (plan[0].unit), mlrt_unit_name (unit),
             plan[0].unsupported_reason[unit]);
  mlrt_model_set_layer_observer (model, observe, &seen);
  g_assert_cmpint (mlrt_features_set (in, "x", &v, &error), ==, MLRT_OK);
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("%s on the %s: %s", path, mlrt_unit_name (unit),
             error.message);
  g_assert_cmpint (seen.runs[unit], >, 0);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    if (u != (int) unit)
      g_assert_cmpint (seen.runs[u], ==, 0);
  y = mlrt_features_get (out, "y");
  g_assert_nonnull (y);
  g_assert_cmpuint (mlrt_value_element_count (y), ==, no);
  got = g_memdup2 (y->data, no * sizeof (float));
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  return got;
}

/* Holds `got` to `want` within rtol and away from `skipped`. */
static void
check (const char *label, const float *got, const float *want,
       const float *skipped, size_t n, double rtol)
{
  double off = units_error (got, skipped, n, 0, NULL);

  units_check (label, got, want, n, rtol);
  g_test_message ("%s: %.3g from the output without the affine", label, off);
  g_assert_cmpfloat (off, >, SKIPPED_RTOL);
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  MlrtConvParams p, plain;
  size_t ni = (size_t) c->in_c * c->in_h * c->in_w;
  size_t nw = (size_t) c->out_c * (c->in_c / c->groups) * c->k * c->k;
  size_t no;
  float *x = half_values (ni, -3, 3), *w = half_values (nw, -0.5f, 0.5f);
  float *bias = half_values ((size_t) c->out_c, -0.5f, 0.5f);
  float *kernel, *skipped, *cpu;
  g_autofree char *path = NULL;

  conv_params (c, &p);
  no = (size_t) p.out_c * p.out_h * p.out_w;
  plain = p;
  plain.has_out_affine = 0;
  kernel = g_new (float, no);
  skipped = g_new (float, no);
  units_cpu_conv2d (&p, x, w, bias, kernel);
  units_cpu_conv2d (&plain, x, w, bias, skipped);
  path = write_case (c, &p, w, bias);

  cpu = run_on (path, &p, x, MLRT_COMPUTE_CPU_ONLY, MLRT_UNIT_CPU);
  check ("cpu output affine", cpu, kernel, skipped, no, CPU_RTOL);
  if (units_have_gpu ())
    {
      float *gpu = run_on (path, &p, x, MLRT_COMPUTE_CPU_AND_GPU,
                           MLRT_UNIT_GPU);
      check ("gpu output affine", gpu, cpu, skipped, no, GPU_RTOL);
      g_free (gpu);
    }
  if (mlrt_unit_ops (MLRT_UNIT_NPU))
    {
      float *npu = run_on (path, &p, x, MLRT_COMPUTE_CPU_AND_NPU,
                           MLRT_UNIT_NPU);
      check ("npu output affine", npu, cpu, skipped, no, NPU_RTOL);
      g_free (npu);
    }
  g_free (cpu);
  g_free (x); g_free (w); g_free (bias);
  g_free (kernel); g_free (skipped);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-output-affine");
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/output-affine/%s",
                                               cases[i].name);
      g_test_add_data_func (name, &cases[i], run_case);
    }
  status = g_test_run ();
  units_print_figures ();
  test_tmpdir_remove (tmp);
  return status;
}
