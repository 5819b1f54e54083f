/*
 * fuse-output-scale.c: the rule that applies a scalar affine after a
 * convolution's activation inside the convolution: a scale layer whose
 * scale and bias are one value each (PP-LCNetV3's learnable affine
 * blocks: Mul and Add of a constant after every hard-swish, 24 layers of
 * PaddleOCR's detector, each a pass of its own over up to 1.2 M values).
 * The weights move as they are stored, as out_scale and out_bias of
 * shape [1], and every unit applies them after the activation, the CPU's
 * epilogues while each row is in the cache, the GPU's and the NPU's
 * convolution kernels before they store. Only after an activation: a convolution without one takes a
 * following bias, batch norm or activation first (the other rules), and
 * none of those may come after the affine.
 */
#include <stdlib.h>
#include <string.h>

#include "passes.h"

static int
targets (const MlrtOpDef *op)
{
  return mlrt_op_is (op, MLRT_OP_CONV2D);
}

/* Whether scale layer `next` only multiplies by one value and adds one
 * (or does one of the two); with `bias_only`, only adds. Weights of a
 * rank above `rank`, the input's, would broadcast it to a larger shape. */
static int
scalar_affine (const MlrtLayer *next, int bias_only, int rank)
{
  if (!mlrt_op_is (next->op, MLRT_OP_SCALE) || next->act != MLRT_ACT_NONE
      || next->n_weights == 0)
    return 0;
  for (int k = 0; k < next->n_weights; k++)
    {
      const MlrtWeight *w = &next->weights[k];
      int is_scale = strcmp (w->name, "scale") == 0;

      if ((is_scale && bias_only) || (!is_scale && strcmp (w->name, "bias"))
          || mlrt_weight_count (w) != 1 || w->rank > rank)
        return 0;
    }
  return 1;
}

static int
match (const MlrtFuseCtx *c, size_t i)
{
  const MlrtLayer *l = &c->spec->layers[i];
  long j = mlrt_fuse_sole_next (c->spec, i);

  /* a bias may follow a fused scale (a converted model's Mul then Add);
   * nothing may follow a fused bias */
  return j >= 0 && l->act != MLRT_ACT_NONE
         && mlrt_layer_weight (l, "out_bias") == NULL
         && scalar_affine (&c->spec->layers[j],
                           mlrt_layer_weight (l, "out_scale") != NULL,
                           c->spec->tensors[l->output].rank)
         && l->n_weights + c->spec->layers[j].n_weights <= MLRT_MAX_WEIGHTS;
}

static MlrtStatus
apply (MlrtFuseCtx *c, size_t i)
{
  MlrtSpec *spec = c->spec;
  MlrtLayer *l = &spec->layers[i];
  size_t j = (size_t) mlrt_fuse_sole_next (spec, i);
  MlrtLayer *next = &spec->layers[j];

  for (int k = 0; k < next->n_weights; k++)
    {
      MlrtWeight *w = &l->weights[l->n_weights++];
      char *name = strdup (strcmp (next->weights[k].name, "scale") == 0
                           ? "out_scale" : "out_bias");

      if (name == NULL)
        return mlrt_set_error (c->error, MLRT_ERROR_NO_MEMORY,
                               "out of memory");
      *w = next->weights[k];
      free (w->name);
      w->name = name;
      w->rank = 1;
      memset (w->shape, 0, sizeof w->shape);
      w->shape[0] = 1;
    }
  next->n_weights = 0;
  mlrt_fuse_absorb (spec, i, j);
  return MLRT_OK;
}

const MlrtFusionRule mlrt_rule_fuse_output_scale = {
  "fuse-output-scale", targets, match, apply,
};
