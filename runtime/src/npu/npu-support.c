/*
 * npu-support.c: which ops the emulated NPU runs, and for every refusal a
 * reason a developer can act on (it is what the performance report prints
 * for a layer that fell back). The rules model the fixed-function blocks of
 * a small neural engine: a convolution engine with a lookup-table
 * activation unit (relu, leaky_relu, sigmoid, tanh, and the piecewise
 * linear hard_sigmoid, hard_swish, relu6 and clip), an element-wise unit
 * that adds, subtracts, multiplies and compares (no divider), a
 * per-channel normaliser, a matrix engine that multiplies by stored
 * weights through a row buffer, a reduction unit for softmax and
 * mean / sum / max / min, and a DMA engine that rearranges tensors
 * (concat, transpose, slice). The limits are documented in docs/npu.md.
 */
#include "npu.h"

static int
activation_supported (MlrtActivation act)
{
  switch (act)
    {
    case MLRT_ACT_NONE:
    case MLRT_ACT_RELU:
    case MLRT_ACT_LEAKY_RELU:
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_HARD_SWISH:
    case MLRT_ACT_RELU6:
      return 1;
    case MLRT_ACT_GELU:
    default:
      return 0;
    }
}

/* The reason when only the (fused) activation stands in the way. */
#define GELU_REASON \
  "gelu is not in the NPU's activation tables (relu, leaky_relu, sigmoid, " \
  "tanh, hard_sigmoid, hard_swish, relu6, clip)"

static const char *
binary_reason (const MlrtNpuOp *op)
{
  switch (op->p.binary.op)
    {
    case MLRT_BINARY_DIV:
      return "div: the NPU's element-wise unit has no divider (multiply by "
             "a reciprocal computed elsewhere)";
    case MLRT_BINARY_POW:
      return "pow: the NPU's element-wise unit has no exponent function";
    case MLRT_BINARY_ADD:
    case MLRT_BINARY_SUB:
    case MLRT_BINARY_MUL:
    case MLRT_BINARY_MAX:
    case MLRT_BINARY_MIN:
    default:
      return activation_supported (op->p.binary.act) ? NULL : GELU_REASON;
    }
}

static const char *
reduce_reason (const MlrtNpuOp *op)
{
  switch (op->p.reduce.op)
    {
    case MLRT_REDUCE_MEAN:
    case MLRT_REDUCE_SUM:
    case MLRT_REDUCE_MAX:
    case MLRT_REDUCE_MIN:
      return NULL;
    case MLRT_REDUCE_PROD:
    case MLRT_REDUCE_L1:
    case MLRT_REDUCE_L2:
    case MLRT_REDUCE_SUM_SQUARE:
    case MLRT_REDUCE_LOG_SUM_EXP:
    default:
      return "the NPU's reduction unit only adds, averages and compares "
             "(reduce_mean, reduce_sum, reduce_max, reduce_min)";
    }
}

static const char *
matmul_reason (const MlrtNpuOp *op)
{
  if (!op->p.matmul.by_weight)
    return "matmul of two activations: the NPU's matrix engine multiplies "
           "by stored weights only";
  if (op->p.matmul.mm.k > MLRT_NPU_MAX_FC_INPUTS)
    return "matmul over more than 4096 inputs: a weight column must fit the "
           "NPU's 4096-entry row buffer";
  return activation_supported (op->p.matmul.act) ? NULL : GELU_REASON;
}

int
mlrt_npu_supports (const MlrtNpuOp *op, const char **reason)
{
  const char *why = NULL;

  switch (op->kind)
    {
    case MLRT_NPU_CONV2D:
      if (!activation_supported (op->p.conv.act))
        why = GELU_REASON;
      break;
    case MLRT_NPU_CONV_TRANSPOSE2D:
      why = "conv_transpose2d: the NPU has no transposed-convolution "
            "(scatter) engine";
      break;
    case MLRT_NPU_ACTIVATION:
      if (!activation_supported (op->p.eltwise.act))
        why = GELU_REASON;
      break;
    case MLRT_NPU_BINARY:
      why = binary_reason (op);
      break;
    case MLRT_NPU_SCALE:
      if (!activation_supported (op->p.scale.act))
        why = GELU_REASON;
      break;
    case MLRT_NPU_UNARY:
      why = "the NPU's lookup tables hold activations only, not sqrt, exp, "
            "log or the other math functions";
      break;
    case MLRT_NPU_BATCH_NORM:
    case MLRT_NPU_INSTANCE_NORM:
      if (!activation_supported (op->p.norm.act))
        why = GELU_REASON;
      break;
    case MLRT_NPU_UPSAMPLE:
      if (op->p.upsample.mode != MLRT_UPSAMPLE_NEAREST)
        why = "upsample: bilinear interpolation unsupported, the NPU only "
              "replicates pixels (nearest)";
      break;
    case MLRT_NPU_INNER_PRODUCT:
      if (op->p.fc.in_features > MLRT_NPU_MAX_FC_INPUTS)
        why = "inner_product with more than 4096 inputs: a weight row must "
              "fit the NPU's 4096-entry row buffer";
      else if (!activation_supported (op->p.fc.act))
        why = GELU_REASON;
      break;
    case MLRT_NPU_MATMUL:
      why = matmul_reason (op);
      break;
    case MLRT_NPU_SOFTMAX:
      if (op->p.softmax.n > MLRT_NPU_MAX_SOFTMAX_AXIS)
        why = "softmax over an axis longer than 1024: the NPU's reduction "
              "unit holds at most 1024 values";
      break;
    case MLRT_NPU_CONCAT:
      if (op->n_inputs > MLRT_NPU_MAX_INPUTS)
        why = "concat of more than 8 tensors";
      break;
    case MLRT_NPU_REDUCE:
      why = reduce_reason (op);
      break;
    case MLRT_NPU_POOL2D:
    case MLRT_NPU_GLOBAL_POOL:
    case MLRT_NPU_CLAMP:
    case MLRT_NPU_GATHER:
    case MLRT_NPU_COPY:
      break;
    default:
      why = "an op the NPU does not know";
      break;
    }
  if (reason)
    *reason = why;
  return why == NULL;
}
