/*
 * cpu-layers.c: the CPU unit's kernel table. The table is built from
 * MLRT_OPS, so an op without a CPU kernel here does not compile: the CPU
 * is the unit every layer can fall back to.
 */
#include <string.h>

#include "cpu-layers.h"
#include "kernels.h"
#include "layer-params.h"

static const float *
weight (const MlrtLayer *l, const char *name)
{
  const MlrtWeight *w = mlrt_layer_weight (l, name);
  return w ? w->data : NULL;
}

/* The layer's first input as [c, h * w]. */
static void
input_chw (const MlrtSpec *s, const MlrtLayer *l, int *c, int *hw)
{
  int h, w;

  mlrt_layer_chw (s, l->inputs[0], c, &h, &w);
  *hw = h * w;
}

static size_t
output_count (const MlrtSpec *s, const MlrtLayer *l)
{
  return mlrt_tensor_count (&s->tensors[l->output]);
}

static size_t
conv2d_scratch (const MlrtSpec *s, const MlrtLayer *l)
{
  MlrtConvParams p;
  mlrt_layer_conv_params (s, l, &p);
  return mlrt_cpu_conv2d_scratch_size (&p);
}

static size_t
conv2d_packed (const MlrtSpec *s, const MlrtLayer *l)
{
  MlrtConvParams p;
  mlrt_layer_conv_params (s, l, &p);
  return mlrt_cpu_conv2d_packed_floats (&p);
}

static void
conv2d_pack (const MlrtSpec *s, const MlrtLayer *l, float *packed)
{
  MlrtConvParams p;
  mlrt_layer_conv_params (s, l, &p);
  mlrt_cpu_conv2d_pack (&p, weight (l, "weight"), packed);
}

static void
conv2d_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
            float *scratch, const float *packed)
{
  MlrtConvParams p;
  mlrt_layer_conv_params (s, l, &p);
  mlrt_cpu_conv2d (&p, f[l->inputs[0]], weight (l, "weight"), packed,
                   weight (l, "bias"), f[l->output], scratch);
}

static size_t
conv_transpose2d_scratch (const MlrtSpec *s, const MlrtLayer *l)
{
  MlrtConvTransposeParams p;
  mlrt_layer_conv_t_params (s, l, &p);
  return mlrt_cpu_conv_transpose2d_scratch_size (&p);
}

static void
conv_transpose2d_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
                      float *scratch, const float *packed)
{
  MlrtConvTransposeParams p;
  mlrt_layer_conv_t_params (s, l, &p);
  mlrt_cpu_conv_transpose2d (&p, f[l->inputs[0]], weight (l, "weight"),
                             weight (l, "bias"), f[l->output], scratch);
}

static void
upsample_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
              float *scratch, const float *packed)
{
  int c, h, w;
  mlrt_layer_chw (s, l->inputs[0], &c, &h, &w);
  mlrt_cpu_upsample (c, h, w, l->p.scale[0], l->p.scale[1],
                     l->p.bilinear ? MLRT_UPSAMPLE_BILINEAR
                                   : MLRT_UPSAMPLE_NEAREST,
                     f[l->inputs[0]], f[l->output]);
}

static void
batch_norm_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
                float *scratch, const float *packed)
{
  int c, hw;
  input_chw (s, l, &c, &hw);
  mlrt_cpu_batch_norm (c, hw, weight (l, "mean"), weight (l, "variance"),
                       weight (l, "gamma"), weight (l, "beta"), l->p.epsilon,
                       l->act, l->act_alpha, f[l->inputs[0]], f[l->output]);
}

static void
instance_norm_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
                   float *scratch, const float *packed)
{
  int c, hw;
  input_chw (s, l, &c, &hw);
  mlrt_cpu_instance_norm (c, hw, weight (l, "gamma"), weight (l, "beta"),
                          l->p.epsilon, l->act, l->act_alpha,
                          f[l->inputs[0]], f[l->output]);
}

static void
activation_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
                float *scratch, const float *packed)
{
  float alpha;
  MlrtActivation act = mlrt_layer_activation (l, &alpha);

  mlrt_cpu_activation (act, alpha, output_count (s, l), f[l->inputs[0]],
                       f[l->output]);
}

static void
clamp_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
           float *scratch, const float *packed)
{
  const MlrtParams *p = &l->p;

  if (mlrt_op_is (l->op, MLRT_OP_HARD_SIGMOID))
    mlrt_cpu_clamp_affine (output_count (s, l), p->alpha, p->beta, 0.0f, 1.0f,
                           f[l->inputs[0]], f[l->output]);
  else
    mlrt_cpu_clamp_affine (output_count (s, l), 1.0f, 0.0f, p->lo, p->hi,
                           f[l->inputs[0]], f[l->output]);
}

static void
binary_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
            float *scratch, const float *packed)
{
  MlrtBroadcast b;

  mlrt_layer_binary (s, l, &b);
  mlrt_cpu_binary ((MlrtBinaryOp) l->op->function, &b, f[l->inputs[0]],
                   f[l->inputs[1]], l->act, l->act_alpha, f[l->output]);
}

static void
scale_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
           float *scratch, const float *packed)
{
  MlrtBroadcast b;

  mlrt_layer_scale (s, l, &b);
  mlrt_cpu_scale (&b, f[l->inputs[0]], weight (l, "scale"),
                  weight (l, "bias"), l->act, l->act_alpha, f[l->output]);
}

static void
unary_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
           float *scratch, const float *packed)
{
  mlrt_cpu_unary ((MlrtUnaryOp) l->op->function, output_count (s, l),
                  f[l->inputs[0]], f[l->output]);
}

static void
concat_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
            float *scratch, const float *packed)
{
  const MlrtTensor *t = &s->tensors[l->inputs[0]];
  size_t chunk[MLRT_MAX_LAYER_INPUTS], outer = 1;
  const float *inputs[MLRT_MAX_LAYER_INPUTS];

  for (int d = 0; d < l->p.axis; d++)
    outer *= (size_t) t->shape[d];
  for (int i = 0; i < l->n_inputs; i++)
    {
      chunk[i] = mlrt_tensor_count (&s->tensors[l->inputs[i]]) / outer;
      inputs[i] = f[l->inputs[i]];
    }
  mlrt_cpu_concat (l->n_inputs, outer, chunk, inputs, f[l->output]);
}

static void
gather_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
            float *scratch, const float *packed)
{
  MlrtGather g;

  mlrt_layer_gather (s, l, &g);
  mlrt_cpu_gather (&g, f[l->inputs[0]], f[l->output]);
}

static void
reduce_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
            float *scratch, const float *packed)
{
  MlrtReduce r;

  mlrt_layer_reduce (s, l, &r);
  mlrt_cpu_reduce (&r, f[l->inputs[0]], f[l->output]);
}

static void
matmul_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
            float *scratch, const float *packed)
{
  MlrtMatmul m;
  const float *b = weight (l, "weight");

  mlrt_layer_matmul (s, l, &m);
  mlrt_cpu_matmul (&m, f[l->inputs[0]], b ? b : f[l->inputs[1]],
                   weight (l, "bias"), l->act, l->act_alpha, f[l->output]);
}

static void
pool_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
          float *scratch, const float *packed)
{
  MlrtPoolParams p;
  mlrt_layer_pool_params (s, l, &p);
  mlrt_cpu_pool2d (&p, f[l->inputs[0]], f[l->output]);
}

static void
global_pool_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
                 float *scratch, const float *packed)
{
  int c, hw;
  input_chw (s, l, &c, &hw);
  mlrt_cpu_global_pool (mlrt_layer_global_pool (l), c, hw, f[l->inputs[0]],
                        f[l->output]);
}

static void
inner_product_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
                   float *scratch, const float *packed)
{
  mlrt_cpu_inner_product ((int) mlrt_tensor_count (&s->tensors[l->inputs[0]]),
                          (int) output_count (s, l), f[l->inputs[0]],
                          weight (l, "weight"), weight (l, "bias"), l->act,
                          l->act_alpha, f[l->output]);
}

static void
softmax_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
             float *scratch, const float *packed)
{
  size_t outer, n, inner;

  mlrt_layer_softmax (s, l, &outer, &n, &inner);
  mlrt_cpu_softmax (outer, n, inner, mlrt_op_is (l->op, MLRT_OP_LOG_SOFTMAX),
                    f[l->inputs[0]], f[l->output]);
}

static void
copy_run (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
          float *scratch, const float *packed)
{
  memcpy (f[l->output], f[l->inputs[0]], output_count (s, l) * sizeof (float));
}

static const MlrtCpuKernel cpu_conv2d = { conv2d_run, conv2d_scratch,
                                          conv2d_packed, conv2d_pack };
static const MlrtCpuKernel cpu_conv_transpose2d = { conv_transpose2d_run,
                                                    conv_transpose2d_scratch };
static const MlrtCpuKernel cpu_upsample = { upsample_run, NULL };
static const MlrtCpuKernel cpu_batch_norm = { batch_norm_run, NULL };
static const MlrtCpuKernel cpu_instance_norm = { instance_norm_run, NULL };
static const MlrtCpuKernel cpu_hard_sigmoid = { clamp_run, NULL };
static const MlrtCpuKernel cpu_clip = { clamp_run, NULL };
static const MlrtCpuKernel cpu_scale = { scale_run, NULL };
static const MlrtCpuKernel cpu_concat = { concat_run, NULL };
static const MlrtCpuKernel cpu_max_pool = { pool_run, NULL };
static const MlrtCpuKernel cpu_avg_pool = { pool_run, NULL };
static const MlrtCpuKernel cpu_global_avg_pool = { global_pool_run, NULL };
static const MlrtCpuKernel cpu_global_max_pool = { global_pool_run, NULL };
static const MlrtCpuKernel cpu_inner_product = { inner_product_run, NULL };
static const MlrtCpuKernel cpu_matmul = { matmul_run, NULL };
static const MlrtCpuKernel cpu_softmax = { softmax_run, NULL };
static const MlrtCpuKernel cpu_log_softmax = { softmax_run, NULL };
static const MlrtCpuKernel cpu_reshape = { copy_run, NULL };
static const MlrtCpuKernel cpu_flatten = { copy_run, NULL };
static const MlrtCpuKernel cpu_transpose = { gather_run, NULL };
static const MlrtCpuKernel cpu_slice = { gather_run, NULL };

/* The families: one kernel each. */
#define CPU_ACTIVATION(ID, name) \
  static const MlrtCpuKernel cpu_##name = { activation_run, NULL };
#define CPU_BINARY(ID, name) \
  static const MlrtCpuKernel cpu_##name = { binary_run, NULL };
#define CPU_UNARY(ID, name) \
  static const MlrtCpuKernel cpu_##name = { unary_run, NULL };
#define CPU_REDUCE(ID, name) \
  static const MlrtCpuKernel cpu_##name = { reduce_run, NULL };
MLRT_ACTIVATION_OPS (CPU_ACTIVATION)
MLRT_BINARY_OPS (CPU_BINARY)
MLRT_UNARY_OPS (CPU_UNARY)
MLRT_REDUCE_OPS (CPU_REDUCE)

#define CPU_KERNEL_ROW(ID, name) [MLRT_OP_##ID] = &cpu_##name,
static const MlrtCpuKernel *const cpu_kernels[MLRT_N_OPS] = {
  MLRT_OPS (CPU_KERNEL_ROW)
};
#undef CPU_KERNEL_ROW

const MlrtCpuKernel *
mlrt_cpu_kernel (const MlrtOpDef *op)
{
  return (unsigned) op->id < MLRT_N_OPS ? cpu_kernels[op->id] : NULL;
}
