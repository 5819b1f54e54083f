/*
 * npu-layers.c: the NPU unit's kernel table: for each op, how a layer of
 * it is described to the emulated device. The device's own rules then
 * accept or refuse the description with a reason (npu-support.c); an op
 * without a row here is one the unit cannot even describe.
 */
#include <string.h>

#include "layer-params.h"
#include "npu-half.h"
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
  /* the output affine's scalars are weights, kept as fp16 like the rest */
  op->p.conv.out_scale = mlrt_npu_round (op->p.conv.out_scale);
  op->p.conv.out_shift = mlrt_npu_round (op->p.conv.out_shift);
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
clamp (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  int sigmoid = mlrt_op_is (l->op, MLRT_OP_HARD_SIGMOID);

  op->kind = MLRT_NPU_CLAMP;
  op->p.clamp.a = sigmoid ? l->p.alpha : 1.0f;
  op->p.clamp.b = sigmoid ? l->p.beta : 0.0f;
  op->p.clamp.lo = sigmoid ? 0.0f : l->p.lo;
  op->p.clamp.hi = sigmoid ? 1.0f : l->p.hi;
  op->p.clamp.n = output_count (s, l);
}

static void
binary (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_BINARY;
  op->p.binary.op = (MlrtBinaryOp) l->op->function;
  mlrt_layer_binary (s, l, &op->p.binary.bc);
  op->p.binary.act = l->act;
  op->p.binary.alpha = l->act_alpha;
}

static void
scale (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_SCALE;
  mlrt_layer_scale (s, l, &op->p.scale.bc);
  op->p.scale.act = l->act;
  op->p.scale.alpha = l->act_alpha;
}

static void
unary (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_UNARY;
  op->p.unary.op = (MlrtUnaryOp) l->op->function;
  op->p.unary.n = output_count (s, l);
}

static void
matmul (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_MATMUL;
  mlrt_layer_matmul (s, l, &op->p.matmul.mm);
  op->p.matmul.by_weight = mlrt_layer_weight (l, "weight") != NULL;
  op->p.matmul.act = l->act;
  op->p.matmul.alpha = l->act_alpha;
}

static void
concat (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  const MlrtTensor *t = &s->tensors[l->inputs[0]];

  op->kind = MLRT_NPU_CONCAT;
  op->p.concat.outer = 1;
  for (int d = 0; d < l->p.axis; d++)
    op->p.concat.outer *= (size_t) t->shape[d];
  for (int i = 0; i < l->n_inputs && i < MLRT_NPU_MAX_INPUTS; i++)
    op->p.concat.chunk[i] = mlrt_tensor_count (&s->tensors[l->inputs[i]])
                            / op->p.concat.outer;
}

static void
gather (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_GATHER;
  mlrt_layer_gather (s, l, &op->p.gather);
}

static void
reduce (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_REDUCE;
  mlrt_layer_reduce (s, l, &op->p.reduce);
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
  op->kind = MLRT_NPU_SOFTMAX;
  mlrt_layer_softmax (s, l, &op->p.softmax.outer, &op->p.softmax.n,
                      &op->p.softmax.inner);
  op->p.softmax.log = mlrt_op_is (l->op, MLRT_OP_LOG_SOFTMAX);
}

static void
copy (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op)
{
  op->kind = MLRT_NPU_COPY;
  op->p.copy.n = output_count (s, l);
}

#define ACTIVATION_ROW(ID, name) [MLRT_OP_##ID] = activation,
#define BINARY_ROW(ID, name) [MLRT_OP_##ID] = binary,
#define UNARY_ROW(ID, name) [MLRT_OP_##ID] = unary,
#define REDUCE_ROW(ID, name) [MLRT_OP_##ID] = reduce,

static const Describe npu_kernels[MLRT_N_OPS] = {
  [MLRT_OP_CONV2D] = conv2d,
  [MLRT_OP_CONV_TRANSPOSE2D] = conv_transpose2d,
  [MLRT_OP_UPSAMPLE] = upsample,
  [MLRT_OP_BATCH_NORM] = norm,
  [MLRT_OP_INSTANCE_NORM] = norm,
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
