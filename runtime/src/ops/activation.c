/*
 * activation.c: the rows of the standalone activations. Each names the
 * MlrtActivation it applies, which is also how the fusion pass runs it
 * inside the op before it (passes/fuse-activation.c). hard_sigmoid and
 * clip take two params, which no fused epilogue carries: they stay layers
 * of their own (one kernel, clamp(a x + b, lo, hi), runs both).
 */
#include "mlrt-internal.h"

#define MLRT_ACTIVATION_ROW(ID, op_name, act, row_params) \
  const MlrtOpDef mlrt_op_##op_name = {                   \
    .id = MLRT_OP_##ID,                                   \
    .name = #op_name,                                     \
    .n_inputs = 1,                                        \
    .activation = act,                                    \
    .params = row_params,                                 \
    .shape = mlrt_shape_same,                             \
    .cost = mlrt_cost_per_output,                         \
  };

MLRT_ACTIVATION_ROW (RELU, relu, MLRT_ACT_RELU, NULL)
MLRT_ACTIVATION_ROW (SIGMOID, sigmoid, MLRT_ACT_SIGMOID, NULL)
MLRT_ACTIVATION_ROW (TANH, tanh, MLRT_ACT_TANH, NULL)
MLRT_ACTIVATION_ROW (GELU, gelu, MLRT_ACT_GELU, NULL)
MLRT_ACTIVATION_ROW (HARD_SWISH, hard_swish, MLRT_ACT_HARD_SWISH, NULL)
MLRT_ACTIVATION_ROW (RELU6, relu6, MLRT_ACT_RELU6, NULL)

static const MlrtParamDesc leaky_relu_params[] = {
  { "alpha", MLRT_PARAM_FLOAT, offsetof (MlrtParams, alpha), 0,
    .fdef = 0.01f },
  { NULL },
};

MLRT_ACTIVATION_ROW (LEAKY_RELU, leaky_relu, MLRT_ACT_LEAKY_RELU,
                     leaky_relu_params)

#define P(field) offsetof (MlrtParams, field)

/* ONNX's defaults. */
static const MlrtParamDesc hard_sigmoid_params[] = {
  { "alpha", MLRT_PARAM_FLOAT, P (alpha), 0, .fdef = 0.2f },
  { "beta", MLRT_PARAM_FLOAT, P (beta), 0, .fdef = 0.5f },
  { NULL },
};

const MlrtOpDef mlrt_op_hard_sigmoid = {
  .id = MLRT_OP_HARD_SIGMOID,
  .name = "hard_sigmoid",
  .n_inputs = 1,
  .params = hard_sigmoid_params,
  .shape = mlrt_shape_same,
  .cost = mlrt_cost_per_output,
};

static const MlrtParamDesc clip_params[] = {
  { "min", MLRT_PARAM_FLOAT, P (lo), 0, .fdef = -3.4028234663852886e38f },
  { "max", MLRT_PARAM_FLOAT, P (hi), 0, .fdef = 3.4028234663852886e38f },
  { NULL },
};

static MlrtStatus
clip_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  if (!(c->layer->p.lo <= c->layer->p.hi))
    return mlrt_shape_fail (c, "param 'min' (%g) is above 'max' (%g)",
                            c->layer->p.lo, c->layer->p.hi);
  return mlrt_shape_same (c, in, out);
}

const MlrtOpDef mlrt_op_clip = {
  .id = MLRT_OP_CLIP,
  .name = "clip",
  .n_inputs = 1,
  .params = clip_params,
  .shape = clip_shape,
  .cost = mlrt_cost_per_output,
};
