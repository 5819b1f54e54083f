/*
 * unary.c: the rows of the element-wise functions of one tensor that are
 * not activations (sqrt, exp, log, ...): the shape is kept, nothing fuses
 * into them. Each row names the MlrtUnaryOp it computes.
 */
#include "mlrt-internal.h"

#define MLRT_UNARY_ROW(ID, op_name)                 \
  const MlrtOpDef mlrt_op_##op_name = {             \
    .id = MLRT_OP_##ID,                             \
    .name = #op_name,                               \
    .n_inputs = 1,                                  \
    .function = MLRT_UNARY_##ID,                    \
    .shape = mlrt_shape_same,                       \
    .cost = mlrt_cost_per_output,                   \
  };

MLRT_UNARY_OPS (MLRT_UNARY_ROW)
