/*
 * norm.c: the rows of the per-channel normalisations, batch_norm (with
 * stored statistics) and instance_norm (statistics of each channel of the
 * input itself). Every weight is one value per channel.
 */
#include "mlrt-internal.h"

static const MlrtParamDesc norm_params[] = {
  { "epsilon", MLRT_PARAM_FLOAT, offsetof (MlrtParams, epsilon),
    MLRT_PARAM_NONNEGATIVE, .fdef = 1e-5f },
  { NULL },
};

/* Requires each of the op's weights, [C]. */
static MlrtStatus
norm_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const char *const *names = c->layer->op->weights;
  int64_t ch, h, w;

  mlrt_shape_chw (in[0], &ch, &h, &w);
  for (int i = 0; names[i]; i++)
    {
      MlrtStatus st = mlrt_shape_want_weight (c, names[i], 1, 1, ch, 0, 0,
                                              0);
      if (st != MLRT_OK)
        return st;
    }
  return mlrt_shape_same (c, in, out);
}

static const char *const batch_norm_weights[] = { "mean", "variance", "gamma",
                                                  "beta", NULL };

const MlrtOpDef mlrt_op_batch_norm = {
  .id = MLRT_OP_BATCH_NORM,
  .name = "batch_norm",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT | MLRT_OP_FUSES_ACTIVATION,
  .params = norm_params,
  .weights = batch_norm_weights,
  .shape = norm_shape,
  .cost = mlrt_cost_per_output,
};

static const char *const instance_norm_weights[] = { "gamma", "beta", NULL };

const MlrtOpDef mlrt_op_instance_norm = {
  .id = MLRT_OP_INSTANCE_NORM,
  .name = "instance_norm",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT | MLRT_OP_FUSES_ACTIVATION,
  .params = norm_params,
  .weights = instance_norm_weights,
  .shape = norm_shape,
  .cost = mlrt_cost_per_output,
};
