/*
 * npu-layers.c: the NPU unit's kernel table: for each op, how a layer of
 * it is described to the emulated device. The device's own rules then
 * accept or refuse the description with a reason (npu-support.c); an op
 * without a row here is one the unit cannot even describe.
 */
#include <string.h>

#include "layer-params.h"
#include "npu-layers.h"

typedef void (*Describe) (const MlrtSpec *s, const MlrtLayer *l,
                          MlrtNpuOp *op);

static size_t
output_count (const MlrtSpec *s, const MlrtLayer *l)
{
  return mlrt_tensor_count (&s->tensors[l->output]);
}

static void
conv2d (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_CONV2D;
  mlrt_layer_conv_params (s, l, &op->p.conv);
}

static void
conv_transpose2d (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_CONV_TRANSPOSE2D;
  mlrt_layer_conv_t_params (s, l, &op->p.deconv);
}

static void
upsample (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_UPSAMPLE;
  mlrt_layer_chw (s, l->inputs[0], &op->p.upsample.c, &op->p.upsample.h,
                  &op->p.upsample.w);
  op->p.upsample.sh = l->p.scale[0];
  op->p.upsample.sw = l->p.scale[1];
  op->p.upsample.mode = l->p.bilinear ? MLRT_UPSAMPLE_BILINEAR
                                      : MLRT_UPSAMPLE_NEAREST;
}

static void
norm (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  int h, w;

  op->kind = mlrt_op_is (l->op, MLRT_OP_BATCH_NORM) ? MLRT_NPU_BATCH_NORM
                                                    : MLRT_NPU_INSTANCE_NORM;
  mlrt_layer_chw (s, l->inputs[0], &op->p.norm.c, &h, &w);
  op->p.norm.hw = h * w;
  op->p.norm.eps = l->p.epsilon;
  op->p.norm.act = l->act;
  op->p.norm.alpha = l->act_alpha;
}

static void
activation (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_ACTIVATION;
  op->p.eltwise.act = mlrt_layer_activation (l, &op->p.eltwise.alpha);
  op->p.eltwise.n = output_count (s, l);
}

static void
binary (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = mlrt_op_is (l->op, MLRT_OP_ADD) ? MLRT_NPU_ADD : MLRT_NPU_MUL;
  op->p.eltwise.act = l->act;
  op->p.eltwise.alpha = l->act_alpha;
  op->p.eltwise.n = output_count (s, l);
}

static void
concat (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  int c, h, w;

  op->kind = MLRT_NPU_CONCAT;
  mlrt_layer_chw (s, l->inputs[0], &c, &h, &w);
  op->p.concat.hw = h * w;
  for (int i = 0; i < l->n_inputs && i < MLRT_NPU_MAX_INPUTS; i++)
    op->p.concat.channels[i] = (int) s->tensors[l->inputs[i]].shape[0];
}

static void
pool (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_POOL2D;
  mlrt_layer_pool_params (s, l, &op->p.pool);
}

static void
global_pool (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  int h, w;

  op->kind = MLRT_NPU_GLOBAL_POOL;
  op->p.global_pool.kind = mlrt_layer_global_pool (l);
  mlrt_layer_chw (s, l->inputs[0], &op->p.global_pool.c, &h, &w);
  op->p.global_pool.hw = h * w;
}

static void
inner_product (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_INNER_PRODUCT;
  op->p.fc.in_features = (int) mlrt_tensor_count (&s->tensors[l->inputs[0]]);
  op->p.fc.out_features = (int) output_count (s, l);
  op->p.fc.act = l->act;
  op->p.fc.alpha = l->act_alpha;
}

static void
softmax (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  const MlrtTensor *t = &s->tensors[l->inputs[0]];

  op->kind = MLRT_NPU_SOFTMAX;
  op->p.softmax.n = (size_t) t->shape[t->rank - 1];
  op->p.softmax.outer = op->p.softmax.n ? output_count (s, l)
                                          / op->p.softmax.n : 0;
}

static void
copy (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_COPY;
  op->p.copy.n = output_count (s, l);
}

static const Describe npu_kernels[MLRT_N_OPS] = {
  [MLRT_OP_CONV2D] = conv2d,
  [MLRT_OP_CONV_TRANSPOSE2D] = conv_transpose2d,
  [MLRT_OP_UPSAMPLE] = upsample,
  [MLRT_OP_BATCH_NORM] = norm,
  [MLRT_OP_INSTANCE_NORM] = norm,
  [MLRT_OP_RELU] = activation,
  [MLRT_OP_SIGMOID] = activation,
  [MLRT_OP_TANH] = activation,
  [MLRT_OP_GELU] = activation,
  [MLRT_OP_LEAKY_RELU] = activation,
  [MLRT_OP_ADD] = binary,
  [MLRT_OP_MUL] = binary,
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

int
mlrt_npu_has_kernel (const MlrtOpDef *op)
{
  return (unsigned) op->id < MLRT_N_OPS && npu_kernels[op->id] != NULL;
}

int
mlrt_npu_describe (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  memset (op, 0, sizeof *op);
  if (!mlrt_npu_has_kernel (l->op))
    return 0;
  op->name = l->name;
  op->n_inputs = l->n_inputs;
  npu_kernels[l->op->id] (s, l, op);
  return 1;
}
