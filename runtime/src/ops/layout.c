/*
 * layout.c: the rows of the ops that move values without computing new
 * ones: concat (along any axis), reshape, flatten, transpose and slice.
 */
#include <string.h>

#include "mlrt-internal.h"

static const MlrtParamDesc concat_params[] = {
  { "axis", MLRT_PARAM_INT, offsetof (MlrtParams, axis), 0, .min = 0 },
  { NULL },
};

/* The inputs agree on every dim but `axis`, along which they add up. */
static MlrtStatus
concat_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtLayer *l = c->layer;
  int axis = l->p.axis;

  if (axis >= in[0]->rank)
    return mlrt_shape_fail (c, "axis %d is outside the inputs' %d dims",
                            axis, in[0]->rank);
  mlrt_shape_same (c, in, out);
  out->shape[axis] = 0;
  for (int i = 0; i < l->n_inputs; i++)
    {
      int same = in[i]->rank == in[0]->rank;

      for (int d = 0; same && d < in[0]->rank; d++)
        same = d == axis || in[i]->shape[d] == in[0]->shape[d];
      if (!same)
        return mlrt_shape_fail (c, "input '%s' does not match the others "
                                "but along axis %d", in[i]->name, axis);
      out->shape[axis] += in[i]->shape[axis];
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

#define P(field) offsetof (MlrtParams, field)

/* transpose: the input's dims in the order `perm` gives, as `shape`
 * (which may add or drop dims of 1: they do not move values). */
static const MlrtParamDesc transpose_params[] = {
  { "perm", MLRT_PARAM_DIMS, P (perm), MLRT_PARAM_REQUIRED, .min = 0,
    .count = P (perm_rank) },
  { "shape", MLRT_PARAM_DIMS, P (shape), MLRT_PARAM_REQUIRED, .min = 1,
    .count = P (shape_rank) },
  { NULL },
};

/* Whether shapes a and b are the same but for dims of 1. */
static int
same_but_ones (int ra, const int64_t *a, int rb, const int64_t *b)
{
  int i = 0, j = 0;

  for (;;)
    {
      while (i < ra && a[i] == 1)
        i++;
      while (j < rb && b[j] == 1)
        j++;
      if (i == ra || j == rb)
        return i == ra && j == rb;
      if (a[i++] != b[j++])
        return 0;
    }
}

static MlrtStatus
transpose_shape (MlrtShapeCtx *c, const MlrtTensor *const *in,
                 MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;
  int64_t permuted[MLRT_MAX_RANK];
  int seen = 0;

  if (p->perm_rank != in[0]->rank)
    return mlrt_shape_fail (c, "param 'perm' has %d entries for an input of "
                            "%d dims", p->perm_rank, in[0]->rank);
  for (int d = 0; d < p->perm_rank; d++)
    {
      if (p->perm[d] >= in[0]->rank || (seen & (1 << p->perm[d])))
        return mlrt_shape_fail (c, "param 'perm' is not a permutation of "
                                "the input's dims");
      seen |= 1 << p->perm[d];
      permuted[d] = in[0]->shape[p->perm[d]];
    }
  if (!same_but_ones (p->perm_rank, permuted, p->shape_rank, p->shape))
    return mlrt_shape_fail (c, "param 'shape' is not the permuted input's "
                            "shape");
  out->rank = p->shape_rank;
  memcpy (out->shape, p->shape, sizeof out->shape);
  return MLRT_OK;
}

const MlrtOpDef mlrt_op_transpose = {
  .id = MLRT_OP_TRANSPOSE,
  .name = "transpose",
  .n_inputs = 1,
  .params = transpose_params,
  .shape = transpose_shape,
  .cost = mlrt_cost_per_output,
};

/* slice: along each input dim d, shape[d] values from starts[d], steps[d]
 * apart (a negative step walks backwards). */
static const MlrtParamDesc slice_params[] = {
  { "starts", MLRT_PARAM_DIMS, P (starts), MLRT_PARAM_REQUIRED, .min = 0,
    .count = P (starts_rank) },
  { "steps", MLRT_PARAM_DIMS, P (steps), MLRT_PARAM_REQUIRED,
    .min = -MLRT_MAX_DIM, .count = P (steps_rank) },
  { "shape", MLRT_PARAM_DIMS, P (shape), MLRT_PARAM_REQUIRED, .min = 1,
    .count = P (shape_rank) },
  { NULL },
};

static MlrtStatus
slice_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;
  int r = in[0]->rank;

  if (p->starts_rank != r || p->steps_rank != r || p->shape_rank != r)
    return mlrt_shape_fail (c, "params 'starts', 'steps' and 'shape' need "
                            "one entry per input dim (%d)", r);
  for (int d = 0; d < r; d++)
    {
      int64_t last = p->starts[d] + (p->shape[d] - 1) * p->steps[d];

      if (p->steps[d] == 0 || p->starts[d] >= in[0]->shape[d] || last < 0
          || last >= in[0]->shape[d])
        return mlrt_shape_fail (c, "dim %d: %lld values from %lld, %lld "
                                "apart, leave the input's %lld", d,
                                (long long) p->shape[d],
                                (long long) p->starts[d],
                                (long long) p->steps[d],
                                (long long) in[0]->shape[d]);
    }
  out->rank = r;
  memcpy (out->shape, p->shape, sizeof out->shape);
  return MLRT_OK;
}

const MlrtOpDef mlrt_op_slice = {
  .id = MLRT_OP_SLICE,
  .name = "slice",
  .n_inputs = 1,
  .params = slice_params,
  .shape = slice_shape,
  .cost = mlrt_cost_per_output,
};
