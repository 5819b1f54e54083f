/*
 * gpu-layers.c: the GPU unit's kernel table: for each op it runs, how one
 * layer of it is enqueued with the launchers of gpu.h, weights taken from
 * the segment's device buffers. An op without a row here is not
 * supported on the GPU (a placement fact with a reason, docs/placement.md).
 */
#include <string.h>

#include "gpu-layers.h"
#include "layer-params.h"

static MlrtGpuBuffer *
weight_buf (MlrtGpuExec *x, const MlrtLayer *l, const char *name)
{
  int li = (int) (l - x->run->model->spec.layers) - x->seg->first;

  for (int j = 0; j < l->n_weights; j++)
    if (strcmp (l->weights[j].name, name) == 0
        && x->g->weights[li][j].mem)
      return (MlrtGpuBuffer *) &x->g->weights[li][j];
  return NULL;
}

static const MlrtSpec *
spec_of (const MlrtGpuExec *x)
{
  return &x->run->model->spec;
}

static size_t
output_count (const MlrtGpuExec *x, const MlrtLayer *l)
{
  return mlrt_tensor_count (&spec_of (x)->tensors[l->output]);
}

static MlrtGpuBuffer *
in0 (MlrtGpuExec *x, const MlrtLayer *l)
{
  return &x->buf[l->inputs[0]];
}

static MlrtGpuBuffer *
out (MlrtGpuExec *x, const MlrtLayer *l)
{
  return &x->buf[l->output];
}

static MlrtStatus
conv2d (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtConvParams p;

  mlrt_layer_conv_params (spec_of (x), l, &p);
  return mlrt_gpu_conv2d (x->gr, l->name, &p, in0 (x, l),
                          weight_buf (x, l, "weight"),
                          weight_buf (x, l, "bias"), out (x, l), error);
}

static MlrtStatus
conv_transpose2d (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtConvTransposeParams p;

  mlrt_layer_conv_t_params (spec_of (x), l, &p);
  return mlrt_gpu_conv_transpose2d (x->gr, l->name, &p, in0 (x, l),
                                    weight_buf (x, l, "weight"),
                                    weight_buf (x, l, "bias"), out (x, l),
                                    error);
}

static MlrtStatus
upsample (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  int c, h, w;

  mlrt_layer_chw (spec_of (x), l->inputs[0], &c, &h, &w);
  return mlrt_gpu_upsample (x->gr, l->name, c, h, w, l->p.scale[0],
                            l->p.scale[1],
                            l->p.bilinear ? MLRT_UPSAMPLE_BILINEAR
                                          : MLRT_UPSAMPLE_NEAREST,
                            in0 (x, l), out (x, l), error);
}

static MlrtStatus
batch_norm (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  int c, h, w;

  mlrt_layer_chw (spec_of (x), l->inputs[0], &c, &h, &w);
  return mlrt_gpu_batch_norm (x->gr, l->name, c, h * w,
                              weight_buf (x, l, "mean"),
                              weight_buf (x, l, "variance"),
                              weight_buf (x, l, "gamma"),
                              weight_buf (x, l, "beta"), l->p.epsilon,
                              l->act, l->act_alpha, in0 (x, l), out (x, l),
                              error);
}

static MlrtStatus
instance_norm (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  int c, h, w;

  mlrt_layer_chw (spec_of (x), l->inputs[0], &c, &h, &w);
  return mlrt_gpu_instance_norm (x->gr, l->name, c, h * w,
                                 weight_buf (x, l, "gamma"),
                                 weight_buf (x, l, "beta"), l->p.epsilon,
                                 l->act, l->act_alpha, in0 (x, l),
                                 out (x, l), error);
}

static MlrtStatus
activation (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  float alpha;
  MlrtActivation act = mlrt_layer_activation (l, &alpha);

  return mlrt_gpu_activation (x->gr, l->name, act, alpha,
                              output_count (x, l), in0 (x, l), out (x, l),
                              error);
}

static MlrtStatus
clamp (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  const MlrtParams *p = &l->p;

  if (mlrt_op_is (l->op, MLRT_OP_HARD_SIGMOID))
    return mlrt_gpu_clamp_affine (x->gr, l->name, output_count (x, l),
                                  p->alpha, p->beta, 0.0f, 1.0f, in0 (x, l),
                                  out (x, l), error);
  return mlrt_gpu_clamp_affine (x->gr, l->name, output_count (x, l), 1.0f,
                                0.0f, p->lo, p->hi, in0 (x, l), out (x, l),
                                error);
}

static MlrtStatus
binary (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtBroadcast b;

  mlrt_layer_binary (spec_of (x), l, &b);
  return mlrt_gpu_binary (x->gr, l->name, (MlrtBinaryOp) l->op->function, &b,
                          in0 (x, l), &x->buf[l->inputs[1]], l->act,
                          l->act_alpha, out (x, l), error);
}

static MlrtStatus
scale (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtBroadcast b;

  mlrt_layer_scale (spec_of (x), l, &b);
  return mlrt_gpu_scale (x->gr, l->name, &b, in0 (x, l),
                         weight_buf (x, l, "scale"), weight_buf (x, l, "bias"),
                         l->act, l->act_alpha, out (x, l), error);
}

static MlrtStatus
unary (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  return mlrt_gpu_unary (x->gr, l->name, (MlrtUnaryOp) l->op->function,
                         output_count (x, l), in0 (x, l), out (x, l), error);
}

static MlrtStatus
concat (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  const MlrtSpec *s = spec_of (x);
  const MlrtTensor *t = &s->tensors[l->inputs[0]];
  size_t chunk[MLRT_MAX_LAYER_INPUTS], outer = 1;
  MlrtGpuBuffer *inputs[MLRT_MAX_LAYER_INPUTS];

  for (int d = 0; d < l->p.axis; d++)
    outer *= (size_t) t->shape[d];
  for (int i = 0; i < l->n_inputs; i++)
    {
      chunk[i] = mlrt_tensor_count (&s->tensors[l->inputs[i]]) / outer;
      inputs[i] = &x->buf[l->inputs[i]];
    }
  return mlrt_gpu_concat (x->gr, l->name, l->n_inputs, outer, chunk, inputs,
                          out (x, l), error);
}

static MlrtStatus
gather (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtGather g;

  mlrt_layer_gather (spec_of (x), l, &g);
  return mlrt_gpu_gather (x->gr, l->name, &g, in0 (x, l), out (x, l), error);
}

static MlrtStatus
reduce (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtReduce r;

  mlrt_layer_reduce (spec_of (x), l, &r);
  return mlrt_gpu_reduce (x->gr, l->name, &r, in0 (x, l), out (x, l), error);
}

static MlrtStatus
matmul (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtMatmul m;
  MlrtGpuBuffer *w = weight_buf (x, l, "weight");

  mlrt_layer_matmul (spec_of (x), l, &m);
  return mlrt_gpu_matmul (x->gr, l->name, &m, in0 (x, l),
                          w ? w : &x->buf[l->inputs[1]],
                          weight_buf (x, l, "bias"), l->act, l->act_alpha,
                          out (x, l), error);
}

static MlrtStatus
pool (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  MlrtPoolParams p;

  mlrt_layer_pool_params (spec_of (x), l, &p);
  return mlrt_gpu_pool2d (x->gr, l->name, &p, in0 (x, l), out (x, l), error);
}

static MlrtStatus
global_pool (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  int c, h, w;

  mlrt_layer_chw (spec_of (x), l->inputs[0], &c, &h, &w);
  return mlrt_gpu_global_pool (x->gr, l->name, mlrt_layer_global_pool (l), c,
                               h * w, in0 (x, l), out (x, l), error);
}

static MlrtStatus
inner_product (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  size_t in_n = mlrt_tensor_count (&spec_of (x)->tensors[l->inputs[0]]);

  return mlrt_gpu_inner_product (x->gr, l->name, (int) in_n,
                                 (int) output_count (x, l), in0 (x, l),
                                 weight_buf (x, l, "weight"),
                                 weight_buf (x, l, "bias"), l->act,
                                 l->act_alpha, out (x, l), error);
}

static MlrtStatus
softmax (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  size_t outer, n, inner;

  mlrt_layer_softmax (spec_of (x), l, &outer, &n, &inner);
  return mlrt_gpu_softmax (x->gr, l->name, outer, n, inner,
                           mlrt_op_is (l->op, MLRT_OP_LOG_SOFTMAX),
                           in0 (x, l), out (x, l), error);
}

static MlrtStatus
copy (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  return mlrt_gpu_copy (x->gr, l->name, in0 (x, l), out (x, l),
                        output_count (x, l) * sizeof (float), error);
}

#define ACTIVATION_ROW(ID, name) [MLRT_OP_##ID] = activation,
#define BINARY_ROW(ID, name) [MLRT_OP_##ID] = binary,
#define UNARY_ROW(ID, name) [MLRT_OP_##ID] = unary,
#define REDUCE_ROW(ID, name) [MLRT_OP_##ID] = reduce,

static const MlrtGpuKernel gpu_kernels[MLRT_N_OPS] = {
  [MLRT_OP_CONV2D] = conv2d,
  [MLRT_OP_CONV_TRANSPOSE2D] = conv_transpose2d,
  [MLRT_OP_UPSAMPLE] = upsample,
  [MLRT_OP_BATCH_NORM] = batch_norm,
  [MLRT_OP_INSTANCE_NORM] = instance_norm,
  MLRT_ACTIVATION_OPS (ACTIVATION_ROW)
  [MLRT_OP_HARD_SIGMOID] = clamp,
  [MLRT_OP_CLIP] = clamp,
  MLRT_BINARY_OPS (BINARY_ROW)
  [MLRT_OP_SCALE] = scale,
  MLRT_UNARY_OPS (UNARY_ROW)
  [MLRT_OP_CONCAT] = concat,
  [MLRT_OP_MAX_POOL] = pool,
  [MLRT_OP_AVG_POOL] = pool,
  [MLRT_OP_GLOBAL_AVG_POOL] = global_pool,
  [MLRT_OP_GLOBAL_MAX_POOL] = global_pool,
  [MLRT_OP_INNER_PRODUCT] = inner_product,
  [MLRT_OP_MATMUL] = matmul,
  [MLRT_OP_SOFTMAX] = softmax,
  [MLRT_OP_LOG_SOFTMAX] = softmax,
  MLRT_REDUCE_OPS (REDUCE_ROW)
  [MLRT_OP_RESHAPE] = copy,
  [MLRT_OP_FLATTEN] = copy,
  [MLRT_OP_TRANSPOSE] = gather,
  [MLRT_OP_SLICE] = gather,
};

MlrtGpuKernel
mlrt_gpu_kernel (const MlrtOpDef *op)
{
  return (unsigned) op->id < MLRT_N_OPS ? gpu_kernels[op->id] : NULL;
}
