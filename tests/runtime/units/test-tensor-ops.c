/*
 * test-tensor-ops.c: the ops on tensors of any rank (broadcasting binary
 * ops, scale, clamp, math functions, matmul, transpose, slice, concat,
 * reductions, softmax along an axis, global pools keeping their dims) on
 * every unit, each case a one-layer model run through the runtime as a
 * converted model would be (package, compile, plan, load, predict), its
 * output held against a plain reference (tensor-ref.c): the CPU at fp32
 * precision, the GPU likewise, the NPU at fp16's. Under cpu-and-gpu and
 * cpu-and-npu with priority placement the layer must land on that unit,
 * or, where the unit cannot run it, the plan must say why.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mlrt-internal.h"
#include "pkg-writer.h"
#include "tensor-ref.h"
#include "units-test.h"

/* fp32 kernels in other summation orders than the reference. */
#define CPU_RTOL 2e-5
#define GPU_RTOL 1e-4
/* fp16 storage of inputs, weights and outputs: two or three roundings of
 * 2^-11 each, relative to the tensor's scale. */
#define NPU_RTOL 4e-3

typedef struct Case Case;
typedef void (*RefFn) (const Case *c, float *const *in, float *const *w,
                       float *out);

struct Case {
  const char *op;
  const char *params;       /* the JSON object's members, or "" */
  int n_inputs;
  RefShape in[3];
  float lo, hi;             /* where the inputs' values lie */
  int n_weights;
  const char *weight_names[2];
  RefShape weights[2];
  RefShape out;
  RefFn ref;
  const char *npu_refusal;  /* a word of the NPU's reason, or NULL */
};

static char *tmp;

static void
ref_binary_case (const Case *c, float *const *in, float *const *w, float *out)
{
  ref_binary (c->op, &c->in[0], in[0], &c->in[1], in[1], &c->out, out);
}

static void
ref_scale_case (const Case *c, float *const *in, float *const *w, float *out)
{
  int has_s = c->n_weights > 0 && !strcmp (c->weight_names[0], "scale");
  int bias = has_s ? 1 : 0;

  ref_scale (&c->in[0], in[0], &c->weights[0], has_s ? w[0] : NULL,
             &c->weights[bias], c->n_weights > bias ? w[bias] : NULL,
             &c->out, out);
}

static void
ref_unary_case (const Case *c, float *const *in, float *const *w, float *out)
{
  for (size_t i = 0; i < ref_count (&c->in[0]); i++)
    out[i] = (float) ref_unary_fn (c->op, in[0][i]);
}

/* hard_sigmoid with alpha 0.25, beta 0.4; clip to [-0.5, 1.5]. */
static void
ref_clamp_case (const Case *c, float *const *in, float *const *w, float *out)
{
  int sigmoid = !strcmp (c->op, "hard_sigmoid");

  for (size_t i = 0; i < ref_count (&c->in[0]); i++)
    out[i] = sigmoid ? (float) fmin (fmax (0.25 * in[0][i] + 0.4, 0), 1)
                     : (float) fmin (fmax (in[0][i], -0.5), 1.5);
}

static void
ref_matmul_case (const Case *c, float *const *in, float *const *w, float *out)
{
  RefShape a = c->in[0], b = c->n_weights ? c->weights[0] : c->in[1];

  ref_matmul (&a, in[0], &b, c->n_weights ? w[0] : in[1],
              c->n_weights > 1 ? w[1] : NULL, &c->out, out);
}

/* The cases' perms, starts and steps, read back from their params. */
static void
ref_transpose_case (const Case *c, float *const *in, float *const *w,
                    float *out)
{
  int64_t perm[REF_MAX_RANK];

  for (int d = 0; d < c->in[0].rank; d++)
    perm[d] = c->params[9 + 3 * d] - '0';
  ref_transpose (&c->in[0], in[0], perm, out);
}

static void
ref_slice_case (const Case *c, float *const *in, float *const *w, float *out)
{
  /* [4, 6, 5] -> starts [1, 5, 0], steps [2, -2, 1] */
  static const int64_t starts[] = { 1, 5, 0 }, steps[] = { 2, -2, 1 };

  ref_slice (&c->in[0], in[0], starts, steps, &c->out, out);
}

static void
ref_concat_case (const Case *c, float *const *in, float *const *w, float *out)
{
  const RefShape *shapes[3] = { &c->in[0], &c->in[1], &c->in[2] };
  const float *x[3] = { in[0], in[1], in[2] };
  int axis = c->params[8] - '0';

  ref_concat (c->n_inputs, shapes, x, axis, &c->out, out);
}

static void
ref_reduce_case (const Case *c, float *const *in, float *const *w, float *out)
{
  /* "axes": [a, b] */
  int mask = 0;

  for (const char *p = strchr (c->params, '['); *p != ']'; p++)
    if (*p >= '0' && *p <= '9')
      mask |= 1 << (*p - '0');
  ref_reduce (c->op, &c->in[0], in[0], mask, out);
}

static void
ref_softmax_case (const Case *c, float *const *in, float *const *w, float *out)
{
  int axis = atoi (c->params + 8);

  ref_softmax_axis (&c->in[0], in[0], axis < 0 ? axis + c->in[0].rank : axis,
                    !strcmp (c->op, "log_softmax"), out);
}

/* "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1] */
static void
ref_avg_pool_case (const Case *c, float *const *in, float *const *w,
                   float *out)
{
  ref_avg_pool (&c->in[0], in[0], 3, 2, 1, strstr (c->params, "\"count_pad\": 1")
                != NULL, &c->out, out);
}

static void
ref_global_pool_case (const Case *c, float *const *in, float *const *w,
                      float *out)
{
  int64_t ch = c->in[0].dims[1];
  size_t hw = ref_count (&c->in[0]) / (size_t) ch;

  for (int64_t k = 0; k < ch; k++)
    {
      double s = 0;
      for (size_t i = 0; i < hw; i++)
        s += in[0][k * hw + i];
      out[k] = (float) (s / (double) hw);
    }
}

#define S1(a) { 1, { a } }
#define S2(a, b) { 2, { a, b } }
#define S3(a, b, c) { 3, { a, b, c } }
#define S4(a, b, c, d) { 4, { a, b, c, d } }
#define S5(a, b, c, d, e) { 5, { a, b, c, d, e } }

static const Case cases[] = {
  /* broadcasting: same shape, per channel, a row, a scalar, both ways */
  { "add", "", 2, { S3 (4, 5, 6), S3 (4, 5, 6) }, -3, 3, .out = S3 (4, 5, 6),
    .ref = ref_binary_case },
  { "mul", "", 2, { S4 (1, 8, 6, 7), S4 (1, 8, 1, 1) }, -3, 3,
    .out = S4 (1, 8, 6, 7), .ref = ref_binary_case },
  { "sub", "", 2, { S3 (2, 5, 6), S1 (6) }, -3, 3, .out = S3 (2, 5, 6),
    .ref = ref_binary_case },
  { "max", "", 2, { S2 (3, 1), S3 (2, 1, 4) }, -3, 3, .out = S3 (2, 3, 4),
    .ref = ref_binary_case },
  { "min", "", 2, { S1 (1), S2 (5, 7) }, -3, 3, .out = S2 (5, 7),
    .ref = ref_binary_case },
  { "div", "", 2, { S3 (3, 4, 5), S3 (3, 1, 5) }, 0.5f, 3,
    .out = S3 (3, 4, 5), .ref = ref_binary_case, .npu_refusal = "divider" },
  { "pow", "", 2, { S2 (4, 5), S2 (4, 5) }, 0.5f, 2, .out = S2 (4, 5),
    .ref = ref_binary_case, .npu_refusal = "exponent" },
  /* scale: a scalar, a value per channel, a row, adding a leading 1 */
  { "scale", "", 1, { S3 (6, 5, 4) }, -3, 3, 2, { "scale", "bias" },
    { S1 (1), S1 (1) }, S3 (6, 5, 4), ref_scale_case },
  { "scale", "", 1, { S4 (1, 6, 5, 4) }, -3, 3, 2, { "scale", "bias" },
    { S3 (6, 1, 1), S3 (6, 1, 1) }, S4 (1, 6, 5, 4), ref_scale_case },
  { "scale", "", 1, { S3 (2, 7, 9) }, -3, 3, 1, { "bias" }, { S1 (9) },
    S3 (2, 7, 9), ref_scale_case },
  { "scale", "", 1, { S3 (3, 4, 5) }, -3, 3, 1, { "scale" },
    { S4 (1, 3, 1, 1) }, S4 (1, 3, 4, 5), ref_scale_case },
  /* clamps and math functions */
  { "hard_sigmoid", "\"alpha\": 0.25, \"beta\": 0.4", 1, { S2 (7, 9) }, -6, 6,
    .out = S2 (7, 9), .ref = ref_clamp_case },
  { "clip", "\"min\": -0.5, \"max\": 1.5", 1, { S2 (7, 9) }, -3, 3,
    .out = S2 (7, 9), .ref = ref_clamp_case },
  { "hard_swish", "", 1, { S3 (2, 7, 9) }, -5, 5, .out = S3 (2, 7, 9),
    .ref = ref_unary_case },
  { "relu6", "", 1, { S3 (2, 7, 9) }, -3, 9, .out = S3 (2, 7, 9),
    .ref = ref_unary_case },
  { "sqrt", "", 1, { S2 (5, 6) }, 0.1f, 9, .out = S2 (5, 6),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  { "exp", "", 1, { S2 (5, 6) }, -3, 3, .out = S2 (5, 6),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  { "log", "", 1, { S2 (5, 6) }, 0.1f, 9, .out = S2 (5, 6),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  { "abs", "", 1, { S1 (30) }, -3, 3, .out = S1 (30), .ref = ref_unary_case,
    .npu_refusal = "lookup tables" },
  { "reciprocal", "", 1, { S1 (30) }, 0.5f, 3, .out = S1 (30),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  { "floor", "", 1, { S1 (30) }, -3, 3, .out = S1 (30),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  { "ceil", "", 1, { S1 (30) }, -3, 3, .out = S1 (30), .ref = ref_unary_case,
    .npu_refusal = "lookup tables" },
  { "round", "", 1, { S1 (30) }, -3, 3, .out = S1 (30),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  { "erf", "", 1, { S1 (30) }, -3, 3, .out = S1 (30), .ref = ref_unary_case,
    .npu_refusal = "lookup tables" },
  { "sin", "", 1, { S1 (30) }, -3, 3, .out = S1 (30), .ref = ref_unary_case,
    .npu_refusal = "lookup tables" },
  { "cos", "", 1, { S1 (30) }, -3, 3, .out = S1 (30), .ref = ref_unary_case,
    .npu_refusal = "lookup tables" },
  { "softplus", "", 1, { S1 (30) }, -5, 5, .out = S1 (30),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  { "softsign", "", 1, { S1 (30) }, -5, 5, .out = S1 (30),
    .ref = ref_unary_case, .npu_refusal = "lookup tables" },
  /* matmul by a weight (a bias too), and of two inputs with batch dims */
  { "matmul", "", 1, { S3 (1, 40, 24) }, -1, 1, 2, { "weight", "bias" },
    { S2 (24, 30), S1 (30) }, S3 (1, 40, 30), ref_matmul_case },
  { "matmul", "", 2, { S4 (1, 4, 10, 6), S4 (1, 4, 6, 10) }, -1, 1,
    .out = S4 (1, 4, 10, 10), .ref = ref_matmul_case,
    .npu_refusal = "two activations" },
  { "matmul", "", 2, { S3 (3, 5, 7), S2 (7, 2) }, -1, 1, .out = S3 (3, 5, 2),
    .ref = ref_matmul_case, .npu_refusal = "two activations" },
  /* layout: the reference reads perm from params[9], [12], ... */
  { "transpose", "\"perm\": [2, 0, 1], \"shape\": [5, 3, 4]", 1,
    { S3 (3, 4, 5) }, -3, 3, .out = S3 (5, 3, 4), .ref = ref_transpose_case },
  { "transpose", "\"perm\": [0, 2, 1, 3], \"shape\": [1, 6, 4, 5]", 1,
    { S4 (1, 4, 6, 5) }, -3, 3, .out = S4 (1, 6, 4, 5),
    .ref = ref_transpose_case },
  { "slice", "\"starts\": [1, 5, 0], \"steps\": [2, -2, 1], "
    "\"shape\": [2, 3, 5]", 1, { S3 (4, 6, 5) }, -3, 3, .out = S3 (2, 3, 5),
    .ref = ref_slice_case },
  { "concat", "\"axis\": 1", 3, { S3 (2, 3, 4), S3 (2, 1, 4), S3 (2, 2, 4) },
    -3, 3, .out = S3 (2, 6, 4), .ref = ref_concat_case },
  { "concat", "\"axis\": 2", 2, { S3 (2, 3, 4), S3 (2, 3, 1) }, -3, 3,
    .out = S3 (2, 3, 5), .ref = ref_concat_case },
  /* reductions: the last axis (layer norm's), two axes apart */
  { "reduce_mean", "\"axes\": [2]", 1, { S3 (1, 40, 120) }, -3, 3,
    .out = S3 (1, 40, 1), .ref = ref_reduce_case },
  { "reduce_sum", "\"axes\": [0, 2], \"keep_dims\": 0", 1, { S3 (3, 4, 5) },
    -3, 3, .out = S1 (4), .ref = ref_reduce_case },
  { "reduce_max", "\"axes\": [1]", 1, { S3 (3, 4, 5) }, -3, 3,
    .out = S3 (3, 1, 5), .ref = ref_reduce_case },
  { "reduce_min", "\"axes\": [0]", 1, { S3 (3, 4, 5) }, -3, 3,
    .out = S3 (1, 4, 5), .ref = ref_reduce_case },
  { "reduce_prod", "\"axes\": [1]", 1, { S2 (3, 4) }, 0.5f, 1.5f,
    .out = S2 (3, 1), .ref = ref_reduce_case, .npu_refusal = "reduction" },
  { "reduce_l1", "\"axes\": [1]", 1, { S2 (3, 4) }, -3, 3, .out = S2 (3, 1),
    .ref = ref_reduce_case, .npu_refusal = "reduction" },
  { "reduce_l2", "\"axes\": [1]", 1, { S2 (3, 4) }, -3, 3, .out = S2 (3, 1),
    .ref = ref_reduce_case, .npu_refusal = "reduction" },
  { "reduce_sum_square", "\"axes\": [0, 1]", 1, { S2 (3, 4) }, -3, 3,
    .out = S2 (1, 1), .ref = ref_reduce_case, .npu_refusal = "reduction" },
  { "reduce_log_sum_exp", "\"axes\": [1]", 1, { S2 (3, 40) }, -30, 30,
    .out = S2 (3, 1), .ref = ref_reduce_case, .npu_refusal = "reduction" },
  /* softmax along an inner axis; the reference reads the axis at [8] */
  { "softmax", "\"axis\": 1", 1, { S3 (2, 9, 5) }, -8, 8, .out = S3 (2, 9, 5),
    .ref = ref_softmax_case },
  { "log_softmax", "\"axis\": -1", 1, { S3 (2, 5, 9) }, -8, 8,
    .out = S3 (2, 5, 9), .ref = ref_softmax_case },
  /* ceil mode (a last window overhanging), padding counted or not */
  { "avg_pool", "\"kernel\": [3, 3], \"stride\": [2, 2], \"padding\": [1, 1], "
    "\"ceil_mode\": 1, \"count_pad\": 1", 1, { S4 (1, 3, 6, 6) }, -3, 3,
    .out = S4 (1, 3, 4, 4), .ref = ref_avg_pool_case },
  { "avg_pool", "\"kernel\": [3, 3], \"stride\": [2, 2], \"padding\": [1, 1], "
    "\"ceil_mode\": 1", 1, { S4 (1, 3, 6, 6) }, -3, 3,
    .out = S4 (1, 3, 4, 4), .ref = ref_avg_pool_case },
  /* ONNX's global pool keeps [1, C, 1, 1] */
  { "global_avg_pool", "\"keep_dims\": 1", 1, { S4 (1, 6, 5, 7) }, -3, 3,
    .out = S4 (1, 6, 1, 1), .ref = ref_global_pool_case },
};

static char *
shape_json (const RefShape *s)
{
  GString *j = g_string_new ("[");

  for (int d = 0; d < s->rank; d++)
    g_string_append_printf (j, "%s%lld", d ? ", " : "",
                            (long long) s->dims[d]);
  g_string_append_c (j, ']');
  return g_string_free (j, FALSE);
}

/* The case as a package of one layer; its weights' values in w[]. */
static char *
write_case (const Case *c, int index, float **w)
{
  GString *json = g_string_new (NULL), *ins = g_string_new (NULL);
  GString *names = g_string_new (NULL), *weights = g_string_new (NULL);
  g_autofree char *out = shape_json (&c->out), *name = NULL;
  TestWeights tw;
  char *path;

  test_weights_init (&tw);
  for (int i = 0; i < c->n_inputs; i++)
    {
      g_autofree char *s = shape_json (&c->in[i]);
      g_string_append_printf (ins, "%s{\"name\": \"x%d\", \"type\": "
                              "\"float32\", \"shape\": %s}", i ? ", " : "",
                              i, s);
      g_string_append_printf (names, "%s\"x%d\"", i ? ", " : "", i);
    }
  for (int i = 0; i < c->n_weights; i++)
    {
      g_autofree char *s = shape_json (&c->weights[i]);
      size_t n = ref_count (&c->weights[i]);
      g_autofree char *entry = NULL;

      w[i] = units_random (n, -2, 2);
      entry = test_weights_f32 (&tw, s, w[i], n);
      g_string_append_printf (weights, "%s\"%s\": %s", i ? ", " : "",
                              c->weight_names[i], entry);
    }
  g_string_printf (json,
    "{\"format_version\": 1, \"name\": \"op%d\", \"inputs\": [%s],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": %s}],"
    " \"layers\": [{\"name\": \"l\", \"op\": \"%s\", \"inputs\": [%s],"
    " \"outputs\": [\"y\"], \"params\": {%s}, \"weights\": {%s}}]}",
    index, ins->str, out, c->op, names->str, c->params, weights->str);
  name = g_strdup_printf ("op%d", index);
  path = test_write_package (tmp, name, json->str, &tw);
  test_weights_clear (&tw);
  g_string_free (json, TRUE);
  g_string_free (ins, TRUE);
  g_string_free (names, TRUE);
  g_string_free (weights, TRUE);
  return path;
}

static float *
predict (MlrtModel *model, const Case *c, float *const *in)
{
  MlrtFeatures *features = mlrt_features_new (), *outputs = NULL;
  MlrtError error = { 0 };
  const MlrtValue *y;
  float *copy;

  for (int i = 0; i < c->n_inputs; i++)
    {
      MlrtValue v = { MLRT_TYPE_FLOAT32, c->in[i].rank, { 0 }, in[i], NULL };
      g_autofree char *name = g_strdup_printf ("x%d", i);

      memcpy (v.shape, c->in[i].dims, sizeof c->in[i].dims);
      g_assert_cmpint (mlrt_features_set (features, name, &v, &error), ==,
                       MLRT_OK);
    }
  if (mlrt_model_predict (model, features, NULL, &outputs, &error) != MLRT_OK)
    g_error ("%s: predict: %s", c->op, error.message);
  y = mlrt_features_get (outputs, "y");
  g_assert_nonnull (y);
  g_assert_cmpuint (mlrt_value_element_count (y), ==, ref_count (&c->out));
  copy = g_memdup2 (y->data, ref_count (&c->out) * sizeof (float));
  mlrt_features_free (outputs);
  mlrt_features_free (features);
  return copy;
}

/* Runs the case under `units`; the layer must be on `unit` unless the
 * case says that unit refuses it, with which word. */
static void
check_on (const Case *c, const char *path, MlrtComputeUnits units,
          MlrtUnit unit, const char *refusal, float *const *in,
          const float *want, double rtol)
{
  MlrtModel *model = units_load (path, units, MLRT_PLACEMENT_PRIORITY, tmp);
  const MlrtLayerPlan *plan;
  g_autofree char *label = g_strdup_printf ("%s%s %s", mlrt_unit_name (unit),
                                            refusal ? " (refused: cpu)" : "",
                                            c->op);
  float *got;

  g_assert_cmpuint (mlrt_model_plan (model, &plan), ==, 1);
  if (refusal)
    {
      g_test_message ("%s refused: %s", label,
                      plan[0].unsupported_reason[unit]);
      g_assert_false (plan[0].supported[unit]);
      g_assert_cmpint (plan[0].unit, ==, MLRT_UNIT_CPU);
      g_assert_nonnull (strstr (plan[0].unsupported_reason[unit], refusal));
    }
  else if (plan[0].unit != unit)
    g_error ("%s: placed on the %s: %s", label,
             mlrt_unit_name (plan[0].unit),
             plan[0].unsupported_reason[unit]);
  got = predict (model, c, in);
  units_check (label, got, want, ref_count (&c->out), rtol);
  g_free (got);
  mlrt_model_unload (model);
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  int index = (int) (c - cases);
  float *in[3] = { NULL }, *w[2] = { NULL };
  float *want = g_new (float, ref_count (&c->out));
  g_autofree char *path = NULL;

  for (int i = 0; i < c->n_inputs; i++)
    in[i] = units_random (ref_count (&c->in[i]), c->lo, c->hi);
  path = write_case (c, index, w);
  c->ref (c, in, w, want);
  check_on (c, path, MLRT_COMPUTE_CPU_ONLY, MLRT_UNIT_CPU, NULL, in, want,
            CPU_RTOL);
  if (units_have_gpu ())
    check_on (c, path, MLRT_COMPUTE_CPU_AND_GPU, MLRT_UNIT_GPU, NULL, in,
              want, GPU_RTOL);
  if (mlrt_unit_ops (MLRT_UNIT_NPU))
    check_on (c, path, MLRT_COMPUTE_CPU_AND_NPU, MLRT_UNIT_NPU,
              c->npu_refusal, in, want,
              c->npu_refusal ? CPU_RTOL : NPU_RTOL);
  for (int i = 0; i < 3; i++)
    g_free (in[i]);
  for (int i = 0; i < 2; i++)
    g_free (w[i]);
  g_free (want);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-tensor-ops");
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/tensor-ops/%zu-%s", i,
                                               cases[i].op);
      g_test_add_data_func (name, &cases[i], run_case);
    }
  status = g_test_run ();
  units_print_figures ();
  test_tmpdir_remove (tmp);
  return status;
}
