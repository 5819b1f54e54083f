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
add (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  return mlrt_gpu_add (x->gr, l->name, output_count (x, l), in0 (x, l),
                       &x->buf[l->inputs[1]], l->act, l->act_alpha,
                       out (x, l), error);
}

static MlrtStatus
mul (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  return mlrt_gpu_mul (x->gr, l->name, output_count (x, l), in0 (x, l),
                       &x->buf[l->inputs[1]], out (x, l), error);
}

static MlrtStatus
concat (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  const MlrtSpec *s = spec_of (x);
  int channels[MLRT_MAX_LAYER_INPUTS], c, h, w;
  MlrtGpuBuffer *inputs[MLRT_MAX_LAYER_INPUTS];

  mlrt_layer_chw (s, l->inputs[0], &c, &h, &w);
  for (int i = 0; i < l->n_inputs; i++)
    {
      channels[i] = (int) s->tensors[l->inputs[i]].shape[0];
      inputs[i] = &x->buf[l->inputs[i]];
    }
  return mlrt_gpu_concat_channels (x->gr, l->name, l->n_inputs, channels,
                                   h * w, inputs, out (x, l), error);
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
  const MlrtTensor *t = &spec_of (x)->tensors[l->inputs[0]];
  size_t n = output_count (x, l), last = (size_t) t->shape[t->rank - 1];

  return mlrt_gpu_softmax (x->gr, l->name, last ? n / last : 0, last,
                           in0 (x, l), out (x, l), error);
}

static MlrtStatus
copy (MlrtGpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  return mlrt_gpu_copy (x->gr, l->name, in0 (x, l), out (x, l),
                        output_count (x, l) * sizeof (float), error);
}

static const MlrtGpuKernel gpu_kernels[MLRT_N_OPS] = {
  [MLRT_OP_CONV2D] = conv2d,
  [MLRT_OP_CONV_TRANSPOSE2D] = conv_transpose2d,
  [MLRT_OP_UPSAMPLE] = upsample,
  [MLRT_OP_BATCH_NORM] = batch_norm,
  [MLRT_OP_INSTANCE_NORM] = instance_norm,
  [MLRT_OP_RELU] = activation,
  [MLRT_OP_SIGMOID] = activation,
  [MLRT_OP_TANH] = activation,
  [MLRT_OP_GELU] = activation,
  [MLRT_OP_LEAKY_RELU] = activation,
  [MLRT_OP_ADD] = add,
  [MLRT_OP_MUL] = mul,
  [MLRT_OP_CONCAT] = concat,
  [MLRT_OP_MAX_POOL] = pool,
  [MLRT_OP_AVG_POOL] = pool,
  [MLRT_OP_GLOBAL_AVG_POOL] = global_pool,
  [MLRT_OP_GLOBAL_MAX_POOL] = global_pool,
  [MLRT_OP_INNER_PRODUCT] = inner_product,
  [MLRT_OP_SOFTMAX] = softmax,
  [MLRT_OP_RESHAPE] = copy,
  [MLRT_OP_FLATTEN] = copy,
};

MlrtGpuKernel
mlrt_gpu_kernel (const MlrtOpDef *op)
{
  return (unsigned) op->id < MLRT_N_OPS ? gpu_kernels[op->id] : NULL;
}
