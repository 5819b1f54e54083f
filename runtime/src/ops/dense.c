/*
 * dense.c: the rows of the ops that mix values along whole axes:
 * inner_product (a fully connected layer, any input flattened), matmul
 * (numpy's matmul: by a stored weight [K, N], or of two tensors with their
 * batch dims broadcast), softmax and log_softmax (along one axis).
 */
#include <string.h>

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

static const char *const matmul_weights[] = { "weight", "bias", NULL };

/* numpy's matmul: a vector operand gains a dim of 1 (before for a, after
 * for b) that the output then drops. */
static MlrtStatus
matmul_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtLayer *l = c->layer;
  const MlrtWeight *w = mlrt_layer_weight (l, "weight");
  int64_t a[MLRT_MAX_RANK + 1], b[MLRT_MAX_RANK + 1];
  int ra = in[0]->rank, rb, rank;
  char sa[96], sb[96];

  if (l->n_inputs > 2 || (l->n_inputs == 2) == (w != NULL))
    return mlrt_shape_fail (c, "multiplies its input by a 'weight', or two "
                            "inputs, not %d input%s%s", l->n_inputs,
                            l->n_inputs > 1 ? "s" : "",
                            w ? " and a weight" : "");
  if (w && w->rank != 2)
    return mlrt_shape_fail (c, "weight 'weight' must be [K, N]");
  rb = w ? 2 : in[1]->rank;
  memcpy (a + (ra == 1), in[0]->shape, ra * sizeof (int64_t));
  memcpy (b, w ? w->shape : in[1]->shape, rb * sizeof (int64_t));
  if (ra == 1)
    a[0] = 1, ra = 2;
  if (rb == 1)
    b[1] = 1, rb = 2;
  if (a[ra - 1] != b[rb - 2]
      || !mlrt_shape_broadcast (ra - 2, a, rb - 2, b, &rank, out->shape))
    {
      mlrt_shape_str (in[0]->rank, in[0]->shape, sa, sizeof sa);
      mlrt_shape_str (w ? 2 : in[1]->rank, w ? w->shape : in[1]->shape, sb,
                      sizeof sb);
      return mlrt_shape_fail (c, "cannot multiply %s by %s", sa, sb);
    }
  if (in[0]->rank > 1)
    out->shape[rank++] = a[ra - 2];
  if (w || in[1]->rank > 1)
    out->shape[rank++] = b[rb - 1];
  if (rank == 0)
    out->shape[rank++] = 1;
  out->rank = rank;
  if (rank > MLRT_MAX_RANK)
    return mlrt_shape_fail (c, "the output would have more than %d dims",
                            MLRT_MAX_RANK);
  return mlrt_shape_want_weight (c, "bias", 0, 1, b[rb - 1], 0, 0, 0);
}

/* m * k * n multiply-adds per batch item: the output's count times k. */
static MlrtOpCost
matmul_cost (const MlrtSpec *spec, const MlrtLayer *l)
{
  const MlrtTensor *a = &spec->tensors[l->inputs[0]];
  MlrtOpCost cost = mlrt_cost_per_output (spec, l);

  cost.flops *= (double) a->shape[a->rank - 1];
  return cost;
}

const MlrtOpDef mlrt_op_matmul = {
  .id = MLRT_OP_MATMUL,
  .name = "matmul",
  .n_inputs = MLRT_OP_ANY_INPUTS,
  .flags = MLRT_OP_FUSES_ACTIVATION,
  .weights = matmul_weights,
  .shape = matmul_shape,
  .cost = matmul_cost,
};

static const MlrtParamDesc softmax_params[] = {
  { "axis", MLRT_PARAM_INT, offsetof (MlrtParams, axis),
    MLRT_PARAM_MAY_BE_ABSENT, .min = -MLRT_PARAM_INT_MAX,
    .given = offsetof (MlrtParams, has_axis) },
  { NULL },
};

/* Any axis, counted from the end when negative; the last by default. */
static MlrtStatus
softmax_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;

  if (p->has_axis && (p->axis < -in[0]->rank || p->axis >= in[0]->rank))
    return mlrt_shape_fail (c, "axis %d is outside the input's %d dims",
                            p->axis, in[0]->rank);
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

const MlrtOpDef mlrt_op_log_softmax = {
  .id = MLRT_OP_LOG_SOFTMAX,
  .name = "log_softmax",
  .n_inputs = 1,
  .params = softmax_params,
  .shape = softmax_shape,
  .cost = mlrt_cost_per_output,
};
