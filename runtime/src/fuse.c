/*
 * fuse.c: the compiler's layer fusion. A batch norm right after a
 * convolution is folded into it (its weights move to the convolution as
 * bn_*, and are folded numerically at load, once decoded), and an
 * activation right after a convolution, transposed convolution, norm, add
 * or inner product runs inside that op. Fusion only happens when the
 * intermediate tensor has no other reader and is not a model output.
 */
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

static int
readers (const MlrtSpec *spec, int t)
{
  int n = 0;
  for (size_t i = 0; i < spec->n_layers; i++)
    for (int j = 0; j < spec->layers[i].n_inputs; j++)
      n += spec->layers[i].inputs[j] == t;
  return n;
}

static int
activation_of (const MlrtLayer *l, MlrtActivation *act, float *alpha)
{
  *alpha = 0;
  switch (l->op)
    {
    case MLRT_OP_RELU: *act = MLRT_ACT_RELU; return 1;
    case MLRT_OP_SIGMOID: *act = MLRT_ACT_SIGMOID; return 1;
    case MLRT_OP_TANH: *act = MLRT_ACT_TANH; return 1;
    case MLRT_OP_GELU: *act = MLRT_ACT_GELU; return 1;
    case MLRT_OP_LEAKY_RELU:
      *act = MLRT_ACT_LEAKY_RELU;
      *alpha = l->p.alpha;
      return 1;
    default:
      return 0;
    }
}

static int
takes_activation (MlrtOp op)
{
  return op == MLRT_OP_CONV2D || op == MLRT_OP_CONV_TRANSPOSE2D
         || op == MLRT_OP_BATCH_NORM || op == MLRT_OP_INSTANCE_NORM
         || op == MLRT_OP_ADD || op == MLRT_OP_INNER_PRODUCT;
}

/* Moves the batch norm's weights into the convolution as bn_*. */
static void
fold_batch_norm (MlrtLayer *conv, MlrtLayer *bn)
{
  for (int i = 0; i < bn->n_weights; i++)
    {
      MlrtWeight *w = &conv->weights[conv->n_weights++];
      *w = bn->weights[i];
      w->name = mlrt_strdup_printf ("bn_%s", bn->weights[i].name);
      free (bn->weights[i].name);
    }
  bn->n_weights = 0;
  conv->fold_bn = 1;
  conv->bn_epsilon = bn->p.epsilon;
}

static int
try_merge (const MlrtSpec *spec, MlrtLayer *l, MlrtLayer *next)
{
  MlrtActivation act;
  float alpha;

  if (next->n_inputs != 1 || next->inputs[0] != l->output
      || spec->tensors[l->output].is_output
      || readers (spec, l->output) != 1 || l->act != MLRT_ACT_NONE)
    return 0;
  if (l->op == MLRT_OP_CONV2D && next->op == MLRT_OP_BATCH_NORM
      && !l->fold_bn && l->n_weights + next->n_weights <= MLRT_MAX_WEIGHTS)
    {
      fold_batch_norm (l, next);
      return 1;
    }
  if (takes_activation (l->op) && activation_of (next, &act, &alpha))
    {
      l->act = act;
      l->act_alpha = alpha;
      return 1;
    }
  return 0;
}

static void
absorb (MlrtLayer *l, MlrtLayer *next)
{
  char **fused = realloc (l->fused, (size_t) (l->n_fused + 2)
                                    * sizeof (char *));
  if (fused)
    {
      l->fused = fused;
      l->fused[l->n_fused++] = next->name;
      next->name = NULL;
    }
  free (l->output_name);
  l->output_name = next->output_name;
  next->output_name = NULL;
}

MlrtStatus
mlrt_spec_fuse (MlrtSpec *spec, const char *origin, MlrtError *error)
{
  size_t out = 0;

  for (size_t i = 0; i < spec->n_layers;)
    {
      MlrtLayer *l = &spec->layers[i];
      size_t j = i + 1;

      /* The merged layer takes over the tensor the absorbed one made, so
       * the next merge checks that tensor's readers. A merged-away layer
       * has no inputs left and is not counted as a reader. */
      while (j < spec->n_layers && try_merge (spec, l, &spec->layers[j]))
        {
          l->output = spec->layers[j].output;
          absorb (l, &spec->layers[j]);
          mlrt_layer_clear (&spec->layers[j]);
          memset (&spec->layers[j], 0, sizeof spec->layers[j]);
          spec->layers[j].op = MLRT_N_OPS;
          j++;
        }
      i = j;
    }
  for (size_t i = 0; i < spec->n_layers; i++)
    if (spec->layers[i].op != MLRT_N_OPS)
      spec->layers[out++] = spec->layers[i];
  spec->n_layers = out;
  return mlrt_spec_infer (spec, origin, error);
}
