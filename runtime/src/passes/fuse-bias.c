/*
 * fuse-bias.c: the rule that gives a layer without a bias the bias of the
 * scale layer after it, when that scale only adds (a converted model's
 * Add of a constant after MatMul, Conv or a constant Mul). The bias moves
 * as it is stored: a matmul or inner product takes it as its [N] bias, a
 * convolution as its [C] bias, a scale as its second weight; no value
 * changes, so the rule works whatever the weights' encoding.
 */
#include <string.h>

#include "passes.h"

static int
targets (const MlrtOpDef *op)
{
  return mlrt_op_is (op, MLRT_OP_SCALE) || mlrt_op_is (op, MLRT_OP_MATMUL)
         || mlrt_op_is (op, MLRT_OP_INNER_PRODUCT)
         || mlrt_op_is (op, MLRT_OP_CONV2D)
         || mlrt_op_is (op, MLRT_OP_CONV_TRANSPOSE2D);
}

/* Whether the weight holds n values along dim `at` of its shape, every
 * other dim 1 (from the end: at = -1 the last, -3 a channel of [C, H, W]).
 */
static int
only_along (const MlrtWeight *w, int64_t n, int at)
{
  int keep = w->rank + at;

  if (keep < 0)
    return 0;
  for (int d = 0; d < w->rank; d++)
    if (w->shape[d] != (d == keep ? n : 1))
      return 0;
  return 1;
}

/* The bias weight of the scale layer j, if that is all it has. */
static const MlrtWeight *
lone_bias (const MlrtLayer *next)
{
  if (!mlrt_op_is (next->op, MLRT_OP_SCALE) || next->act != MLRT_ACT_NONE
      || next->n_weights != 1 || strcmp (next->weights[0].name, "bias") != 0)
    return NULL;
  return &next->weights[0];
}

static int
match (const MlrtFuseCtx *c, size_t i)
{
  const MlrtSpec *spec = c->spec;
  const MlrtLayer *l = &spec->layers[i];
  const MlrtTensor *out = &spec->tensors[l->output];
  long j = mlrt_fuse_sole_next (spec, i);
  const MlrtWeight *b;

  if (j < 0 || l->act != MLRT_ACT_NONE || l->fold_bn
      || mlrt_layer_weight (l, "bias") != NULL
      || l->n_weights == MLRT_MAX_WEIGHTS
      || (b = lone_bias (&spec->layers[j])) == NULL)
    return 0;
  if (mlrt_op_is (l->op, MLRT_OP_SCALE))
    return 1;
  if (mlrt_op_is (l->op, MLRT_OP_MATMUL)
      || mlrt_op_is (l->op, MLRT_OP_INNER_PRODUCT))
    return only_along (b, out->shape[out->rank - 1], -1);
  /* a convolution: one value per output channel */
  return out->rank >= 3 && only_along (b, out->shape[out->rank - 3], -3);
}

static MlrtStatus
apply (MlrtFuseCtx *c, size_t i)
{
  MlrtSpec *spec = c->spec;
  MlrtLayer *l = &spec->layers[i];
  size_t j = (size_t) mlrt_fuse_sole_next (spec, i);
  MlrtLayer *next = &spec->layers[j];
  MlrtWeight *w = &l->weights[l->n_weights++];

  *w = next->weights[0];
  next->n_weights = 0;
  if (!mlrt_op_is (l->op, MLRT_OP_SCALE))
    {
      int64_t n = (int64_t) mlrt_weight_count (w);

      w->rank = 1;
      memset (w->shape, 0, sizeof w->shape);
      w->shape[0] = n;
    }
  mlrt_fuse_absorb (spec, i, j);
  return MLRT_OK;
}

const MlrtFusionRule mlrt_rule_fuse_bias = {
  "fuse-bias", targets, match, apply,
};
