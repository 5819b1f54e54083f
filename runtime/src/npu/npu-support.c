/*
 * npu-support.c: which ops the emulated NPU runs, and for every refusal a
 * reason a developer can act on (it is what the performance report prints
 * for a layer that fell back). The rules model the fixed-function blocks of
 * a small neural engine: a convolution engine with a lookup-table
 * activation unit (relu, leaky_relu, sigmoid, tanh), a pooling and
 * element-wise unit, a per-channel normaliser, a row buffer for inner
 * products, a reduction unit for softmax. The limits are documented in
 * docs/npu.md.
 */
#include "npu.h"

static int
activation_supported (MlrtActivation act)
{
  return act == MLRT_ACT_NONE || act == MLRT_ACT_RELU
         || act == MLRT_ACT_LEAKY_RELU || act == MLRT_ACT_SIGMOID
         || act == MLRT_ACT_TANH;
}

/* The reason when only the (fused) activation stands in the way. */
#define GELU_REASON \
  "gelu is not in the NPU's activation tables (relu, leaky_relu, sigmoid, " \
  "tanh)"

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
    case MLRT_NPU_ADD:
      if (!activation_supported (op->p.eltwise.act))
        why = GELU_REASON;
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
    case MLRT_NPU_SOFTMAX:
      if (op->p.softmax.n > MLRT_NPU_MAX_SOFTMAX_AXIS)
        why = "softmax over an axis longer than 1024: the NPU's reduction "
              "unit holds at most 1024 values";
      break;
    case MLRT_NPU_CONCAT:
      if (op->n_inputs > MLRT_NPU_MAX_INPUTS)
        why = "concat of more than 8 tensors";
      break;
    case MLRT_NPU_POOL2D:
    case MLRT_NPU_GLOBAL_POOL:
    case MLRT_NPU_MUL:
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
