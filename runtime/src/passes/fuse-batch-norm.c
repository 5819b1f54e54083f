/*
 * fuse-batch-norm.c: the rule that folds a batch norm into the
 * convolution before it. The norm's weights move to the convolution as
 * bn_* and are folded numerically at load, once decoded (load.c), so the
 * rule works whatever encoding the weights are stored in.
 */
#include <stdlib.h>

#include "passes.h"

static int
targets (const MlrtOpDef *op)
{
  return mlrt_op_is (op, MLRT_OP_CONV2D);
}

static int
match (const MlrtFuseCtx *c, size_t i)
{
  const MlrtSpec *spec = c->spec;
  const MlrtLayer *conv = &spec->layers[i];
  long j = mlrt_fuse_sole_next (spec, i);

  return j >= 0 && conv->act == MLRT_ACT_NONE && !conv->fold_bn
         && mlrt_op_is (spec->layers[j].op, MLRT_OP_BATCH_NORM)
         && conv->n_weights + spec->layers[j].n_weights <= MLRT_MAX_WEIGHTS;
}

static MlrtStatus
apply (MlrtFuseCtx *c, size_t i)
{
  MlrtSpec *spec = c->spec;
  MlrtLayer *conv = &spec->layers[i];
  size_t j = (size_t) mlrt_fuse_sole_next (spec, i);
  MlrtLayer *bn = &spec->layers[j];
  char *names[MLRT_MAX_WEIGHTS] = { NULL };

  for (int k = 0; k < bn->n_weights; k++)
    if ((names[k] = mlrt_strdup_printf ("bn_%s", bn->weights[k].name))
        == NULL)
      {
        for (int m = 0; m < k; m++)
          free (names[m]);
        return mlrt_set_error (c->error, MLRT_ERROR_NO_MEMORY,
                               "out of memory");
      }
  for (int k = 0; k < bn->n_weights; k++)
    {
      MlrtWeight *w = &conv->weights[conv->n_weights++];
      *w = bn->weights[k];
      free (bn->weights[k].name);
      w->name = names[k];
    }
  bn->n_weights = 0;
  conv->fold_bn = 1;
  conv->bn_epsilon = bn->p.epsilon;
  mlrt_fuse_absorb (spec, i, j);
  return MLRT_OK;
}

const MlrtFusionRule mlrt_rule_fold_batch_norm = {
  "fold-batch-norm", targets, match, apply,
};
