/*
 * fuse.c: the fusion pass. It offers every layer, in order, to the fusion
 * rules (one file per rule: fuse-*.c), and again after each rewrite, until
 * no rule matches; then drops the layers the rules absorbed and infers the
 * spec again. The rules only merge a layer into the one before it when
 * the tensor between them has no other reader and is not a model output
 * (mlrt_fuse_sole_next), so fusing never changes what the model computes.
 * Whether a tensor has other readers is the count the infer pass keeps
 * (MlrtTensor.n_readers), so the pass is linear in the number of layers.
 */
#include <stdlib.h>
#include <string.h>

#include "passes.h"

/* In the order they are tried on a layer: a convolution takes its batch
 * norm, or a layer its bias, before the activation that follows, and a
 * scalar affine after that activation last. */
static const MlrtFusionRule *const rules[] = {
  &mlrt_rule_fold_batch_norm,
  &mlrt_rule_fuse_bias,
  &mlrt_rule_fuse_activation,
  &mlrt_rule_fuse_output_scale,
};

long
mlrt_fuse_sole_next (const MlrtSpec *spec, size_t i)
{
  const MlrtLayer *l = &spec->layers[i];
  size_t j = i + 1;

  while (j < spec->n_layers && spec->layers[j].op == NULL)
    j++;
  if (j == spec->n_layers || spec->layers[j].n_inputs != 1
      || spec->layers[j].inputs[0] != l->output
      || spec->tensors[l->output].is_output
      || spec->tensors[l->output].n_readers != 1)
    return -1;
  return (long) j;
}

void
mlrt_fuse_absorb (MlrtSpec *spec, size_t i, size_t j)
{
  MlrtLayer *l = &spec->layers[i], *next = &spec->layers[j];
  char **fused = realloc (l->fused, (size_t) (l->n_fused + 2)
                                    * sizeof (char *));

  for (int k = 0; k < next->n_inputs; k++)
    spec->tensors[next->inputs[k]].n_readers--;
  if (fused)
    {
      l->fused = fused;
      l->fused[l->n_fused++] = next->name;
      next->name = NULL;
    }
  l->output = next->output;
  free (l->output_name);
  l->output_name = next->output_name;
  next->output_name = NULL;
  mlrt_layer_clear (next);
  memset (next, 0, sizeof *next);
}

/* The first rule that matches layer i, or NULL. */
static const MlrtFusionRule *
matching_rule (const MlrtFuseCtx *c, size_t i)
{
  for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++)
    if (rules[r]->targets (c->spec->layers[i].op) && rules[r]->match (c, i))
      return rules[r];
  return NULL;
}

MlrtStatus
mlrt_spec_fuse (MlrtSpec *spec, const uint8_t *weights, size_t weights_size,
                const char *origin, MlrtError *error)
{
  MlrtFuseCtx c = { spec, weights, weights_size, origin, error };
  size_t out = 0;

  for (size_t i = 0; i < spec->n_layers; i++)
    {
      const MlrtFusionRule *rule;

      while (spec->layers[i].op && (rule = matching_rule (&c, i)))
        {
          MlrtStatus st = rule->apply (&c, i);
          if (st != MLRT_OK)
            return st;
        }
    }
  for (size_t i = 0; i < spec->n_layers; i++)
    if (spec->layers[i].op != NULL)
      spec->layers[out++] = spec->layers[i];
  spec->n_layers = out;
  return mlrt_spec_infer (spec, origin, error);
}
