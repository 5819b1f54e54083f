/*
 * reduce.c: the rows of the reductions (reduce_mean, reduce_sum, ...):
 * the input's values along `axes` folded into one, those dims kept as 1
 * (keep_dims, the default) or dropped. Each row names the MlrtReduceOp it
 * computes.
 */
#include "mlrt-internal.h"

#define P(field) offsetof (MlrtParams, field)

static const MlrtParamDesc reduce_params[] = {
  { "axes", MLRT_PARAM_DIMS, P (axes), MLRT_PARAM_REQUIRED, .min = 0,
    .count = P (axes_rank) },
  { "keep_dims", MLRT_PARAM_INT, P (keep_dims), 0, .min = 0, .def = 1 },
  { NULL },
};

static MlrtStatus
reduce_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;
  int reduced = 0;

  for (int i = 0; i < p->axes_rank; i++)
    {
      if (p->axes[i] >= in[0]->rank || (reduced & (1 << p->axes[i])))
        return mlrt_shape_fail (c, "param 'axes' must name distinct dims of "
                                "the input's %d", in[0]->rank);
      reduced |= 1 << p->axes[i];
    }
  out->rank = 0;
  for (int d = 0; d < in[0]->rank; d++)
    if (!(reduced & (1 << d)))
      out->shape[out->rank++] = in[0]->shape[d];
    else if (p->keep_dims)
      out->shape[out->rank++] = 1;
  if (out->rank == 0)
    out->shape[out->rank++] = 1;
  return MLRT_OK;
}

/* Every input value is read once. */
static MlrtOpCost
reduce_cost (const MlrtSpec *spec, const MlrtLayer *l)
{
  MlrtOpCost cost = {
    (double) mlrt_tensor_count (&spec->tensors[l->inputs[0]]),
    mlrt_cost_bytes (spec, l),
  };
  return cost;
}

#define MLRT_REDUCE_ROW(ID, op_name)                \
  const MlrtOpDef mlrt_op_##op_name = {             \
    .id = MLRT_OP_##ID,                             \
    .name = #op_name,                               \
    .n_inputs = 1,                                  \
    .function = MLRT_##ID,                          \
    .params = reduce_params,                        \
    .shape = reduce_shape,                          \
    .cost = reduce_cost,                            \
  };

MLRT_REDUCE_OPS (MLRT_REDUCE_ROW)
