/*
 * dense.c: the rows of the ops over a whole tensor as a vector:
 * inner_product (a fully connected layer, any input flattened) and
 * softmax (over the last axis).
 */
#include "mlrt-internal.h"

static const MlrtParamDesc inner_product_params[] = {
  { "out_features", MLRT_PARAM_INT, offsetof (MlrtParams, out_features),
    MLRT_PARAM_REQUIRED, .min = 1 },
  { NULL },
};

static const char *const inner_product_weights[] = { "weight", "bias", NULL };

static MlrtStatus
inner_product_shape (MlrtShapeCtx *c, const MlrtTensor *const *in,
                     MlrtTensor *out)
{
  int n = c->layer->p.out_features;
  MlrtStatus st;

  st = mlrt_shape_want_weight (c, "weight", 1, 2, n,
                               (int64_t) mlrt_tensor_count (in[0]), 0, 0);
  if (st == MLRT_OK)
    st = mlrt_shape_want_weight (c, "bias", 0, 1, n, 0, 0, 0);
  out->rank = 1;
  out->shape[0] = n;
  return st;
}

static MlrtOpCost
inner_product_cost (const MlrtSpec *spec, const MlrtLayer *l)
{
  MlrtOpCost cost = mlrt_cost_per_output (spec, l);

  cost.flops *= (double) mlrt_tensor_count (&spec->tensors[l->inputs[0]]);
  return cost;
}

const MlrtOpDef mlrt_op_inner_product = {
  .id = MLRT_OP_INNER_PRODUCT,
  .name = "inner_product",
  .n_inputs = 1,
  .flags = MLRT_OP_FUSES_ACTIVATION,
  .params = inner_product_params,
  .weights = inner_product_weights,
  .shape = inner_product_shape,
  .cost = inner_product_cost,
};

static const MlrtParamDesc softmax_params[] = {
  { "axis", MLRT_PARAM_INT, offsetof (MlrtParams, axis),
    MLRT_PARAM_MAY_BE_ABSENT, .min = -MLRT_PARAM_INT_MAX,
    .given = offsetof (MlrtParams, has_axis) },
  { NULL },
};

static MlrtStatus
softmax_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;

  if (p->has_axis && p->axis != -1 && p->axis != in[0]->rank - 1)
    return mlrt_shape_fail (c, "only the last axis is supported, not %d",
                            p->axis);
  return mlrt_shape_same (c, in, out);
}

const MlrtOpDef mlrt_op_softmax = {
  .id = MLRT_OP_SOFTMAX,
  .name = "softmax",
  .n_inputs = 1,
  .params = softmax_params,
  .shape = softmax_shape,
  .cost = mlrt_cost_per_output,
};
