/*
 * activation.c: the rows of the standalone activations. Each names the
 * MlrtActivation it applies, which is also how the fusion pass runs it
 * inside the op before it (passes/fuse-activation.c).
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

static const MlrtParamDesc leaky_relu_params[] = {
  { "alpha", MLRT_PARAM_FLOAT, offsetof (MlrtParams, alpha), 0,
    .fdef = 0.01f },
  { NULL },
};

MLRT_ACTIVATION_ROW (LEAKY_RELU, leaky_relu, MLRT_ACT_LEAKY_RELU,
                     leaky_relu_params)
