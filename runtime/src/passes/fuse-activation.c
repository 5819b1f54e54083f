/*
 * fuse-activation.c: the rule that runs a standalone activation inside
 * the op before it (any op whose row says MLRT_OP_FUSES_ACTIVATION), so
 * the kernels apply it while each value is still in a register.
 */
#include "passes.h"

static int
targets (const MlrtOpDef *op)
{
  return (op->flags & MLRT_OP_FUSES_ACTIVATION) != 0;
}

static int
match (const MlrtFuseCtx *c, size_t i)
{
  long j = mlrt_fuse_sole_next (c->spec, i);

  return j >= 0 && c->spec->layers[i].act == MLRT_ACT_NONE
         && c->spec->layers[j].op->activation != MLRT_ACT_NONE;
}

static MlrtStatus
apply (MlrtFuseCtx *c, size_t i)
{
  MlrtSpec *spec = c->spec;
  MlrtLayer *l = &spec->layers[i];
  size_t j = (size_t) mlrt_fuse_sole_next (spec, i);
  const MlrtLayer *act = &spec->layers[j];

  l->act = act->op->activation;
  l->act_alpha = l->act == MLRT_ACT_LEAKY_RELU ? act->p.alpha : 0;
  mlrt_fuse_absorb (spec, i, j);
  return MLRT_OK;
}

const MlrtFusionRule mlrt_rule_fuse_activation = {
  "fuse-activation", targets, match, apply,
};
