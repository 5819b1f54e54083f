/*
 * layout.c: the rows of the ops that move values without computing new
 * ones: concat (along channels), reshape and flatten.
 */
#include <string.h>

#include "mlrt-internal.h"

static const MlrtParamDesc concat_params[] = {
  { "axis", MLRT_PARAM_INT, offsetof (MlrtParams, axis), 0, .min = 0 },
  { NULL },
};

static MlrtStatus
concat_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtLayer *l = c->layer;

  if (l->p.axis != 0)
    return mlrt_shape_fail (c, "only axis 0 (channels) is supported, not %d",
                            l->p.axis);
  mlrt_shape_same (c, in, out);
  out->shape[0] = 0;
  for (int i = 0; i < l->n_inputs; i++)
    {
      if (in[i]->rank != 3 || in[i]->shape[1] != in[0]->shape[1]
          || in[i]->shape[2] != in[0]->shape[2])
        return mlrt_shape_fail (c, "input '%s' does not match the others' "
                                "height and width", in[i]->name);
      out->shape[0] += in[i]->shape[0];
    }
  return MLRT_OK;
}

const MlrtOpDef mlrt_op_concat = {
  .id = MLRT_OP_CONCAT,
  .name = "concat",
  .n_inputs = MLRT_OP_ANY_INPUTS,
  .params = concat_params,
  .shape = concat_shape,
  .cost = mlrt_cost_per_output,
};

static const MlrtParamDesc reshape_params[] = {
  { "shape", MLRT_PARAM_DIMS, offsetof (MlrtParams, shape),
    MLRT_PARAM_REQUIRED, .min = -1,
    .count = offsetof (MlrtParams, shape_rank) },
  { NULL },
};

/* The param's shape, one dimension of which may be -1: what the others
 * leave of the input's values. */
static MlrtStatus
reshape_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;
  size_t known = 1, total = mlrt_tensor_count (in[0]);
  int wild = -1;

  out->rank = p->shape_rank;
  for (int i = 0; i < p->shape_rank; i++)
    {
      if (p->shape[i] == -1)
        {
          if (wild >= 0)
            return mlrt_shape_fail (c, "param 'shape' has more than one -1");
          wild = i;
          continue;
        }
      if (p->shape[i] == 0)
        return mlrt_shape_fail (c, "param 'shape' has a zero dimension");
      known *= (size_t) p->shape[i];
      out->shape[i] = p->shape[i];
    }
  if (wild >= 0 && known && total % known == 0)
    out->shape[wild] = (int64_t) (total / known);
  if (mlrt_tensor_count (out) != total || (wild >= 0 && total % known))
    return mlrt_shape_fail (c, "cannot reshape %zu values to param 'shape'",
                            total);
  return MLRT_OK;
}

const MlrtOpDef mlrt_op_reshape = {
  .id = MLRT_OP_RESHAPE,
  .name = "reshape",
  .n_inputs = 1,
  .params = reshape_params,
  .shape = reshape_shape,
  .cost = mlrt_cost_per_output,
};

static MlrtStatus
flatten_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  out->rank = 1;
  out->shape[0] = (int64_t) mlrt_tensor_count (in[0]);
  return MLRT_OK;
}

const MlrtOpDef mlrt_op_flatten = {
  .id = MLRT_OP_FLATTEN,
  .name = "flatten",
  .n_inputs = 1,
  .shape = flatten_shape,
  .cost = mlrt_cost_per_output,
};
