/*
 * conv.c: the rows of the convolutions, conv2d and conv_transpose2d: their
 * params, weights (a conv2d may also carry the bn_* weights of a batch
 * norm folded into it, and the scalar out_scale / out_bias of an affine
 * applied after its activation), shape rules and costs.
 */
#include "mlrt-internal.h"

#define P(field) offsetof (MlrtParams, field)

static const MlrtParamDesc conv2d_params[] = {
  { "out_channels", MLRT_PARAM_INT, P (out_channels), MLRT_PARAM_REQUIRED,
    .min = 1 },
  { "kernel", MLRT_PARAM_PAIR, P (kernel), MLRT_PARAM_REQUIRED, .min = 1 },
  { "stride", MLRT_PARAM_PAIR, P (stride), 0, .min = 1, .def = 1 },
  { "padding", MLRT_PARAM_PAIR, P (padding), 0, .min = 0 },
  { "dilation", MLRT_PARAM_PAIR, P (dilation), 0, .min = 1, .def = 1 },
  { "groups", MLRT_PARAM_INT, P (groups), 0, .min = 1, .def = 1 },
  { NULL },
};

static const char *const conv2d_weights[] = {
  "weight", "bias", "bn_mean", "bn_variance", "bn_gamma", "bn_beta",
  "out_scale", "out_bias", NULL,
};

static MlrtStatus
conv2d_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtLayer *l = c->layer;
  const MlrtParams *p = &l->p;
  int64_t ci, h, w;
  MlrtStatus st;

  mlrt_shape_chw (in[0], &ci, &h, &w);
  if (ci % p->groups || p->out_channels % p->groups)
    return mlrt_shape_fail (c, "groups %d must divide the %lld input and %d "
                            "output channels", p->groups, (long long) ci,
                            p->out_channels);
  st = mlrt_shape_want_weight (c, "weight", 1, 4, p->out_channels,
                               ci / p->groups, p->kernel[0], p->kernel[1]);
  if (st == MLRT_OK)
    st = mlrt_shape_want_weight (c, "bias", 0, 1, p->out_channels, 0, 0, 0);
  if (l->fold_bn)
    for (int i = 2; st == MLRT_OK && i < 6; i++)
      st = mlrt_shape_want_weight (c, conv2d_weights[i], 1, 1,
                                   p->out_channels, 0, 0, 0);
  for (int i = 6; st == MLRT_OK && i < 8; i++)
    st = mlrt_shape_want_weight (c, conv2d_weights[i], 0, 1, 1, 0, 0, 0);
  mlrt_shape_set_chw (in[0], p->out_channels,
                      mlrt_shape_window (h, p->kernel[0], p->stride[0],
                                         p->padding[0], p->dilation[0]),
                      mlrt_shape_window (w, p->kernel[1], p->stride[1],
                                         p->padding[1], p->dilation[1]),
                      out);
  return st;
}

static MlrtOpCost
conv2d_cost (const MlrtSpec *spec, const MlrtLayer *l)
{
  const MlrtTensor *in = &spec->tensors[l->inputs[0]];
  MlrtOpCost cost = {
    (double) mlrt_tensor_count (&spec->tensors[l->output])
    * (double) (in->shape[in->rank - 3] / l->p.groups) * l->p.kernel[0]
    * l->p.kernel[1],
    mlrt_cost_bytes (spec, l),
  };
  return cost;
}

const MlrtOpDef mlrt_op_conv2d = {
  .id = MLRT_OP_CONV2D,
  .name = "conv2d",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT | MLRT_OP_FUSES_ACTIVATION,
  .params = conv2d_params,
  .weights = conv2d_weights,
  .shape = conv2d_shape,
  .cost = conv2d_cost,
};

static const MlrtParamDesc conv_transpose2d_params[] = {
  { "out_channels", MLRT_PARAM_INT, P (out_channels), MLRT_PARAM_REQUIRED,
    .min = 1 },
  { "kernel", MLRT_PARAM_PAIR, P (kernel), MLRT_PARAM_REQUIRED, .min = 1 },
  { "stride", MLRT_PARAM_PAIR, P (stride), 0, .min = 1, .def = 1 },
  { "padding", MLRT_PARAM_PAIR, P (padding), 0, .min = 0 },
  { "output_padding", MLRT_PARAM_PAIR, P (output_padding), 0, .min = 0 },
  { NULL },
};

static const char *const conv_transpose2d_weights[] = { "weight", "bias",
                                                         NULL };

static MlrtStatus
conv_transpose2d_shape (MlrtShapeCtx *c, const MlrtTensor *const *in,
                        MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;
  int64_t ci, hw[2], o[2];
  MlrtStatus st;

  mlrt_shape_chw (in[0], &ci, &hw[0], &hw[1]);
  st = mlrt_shape_want_weight (c, "weight", 1, 4, ci, p->out_channels,
                               p->kernel[0], p->kernel[1]);
  if (st == MLRT_OK)
    st = mlrt_shape_want_weight (c, "bias", 0, 1, p->out_channels, 0, 0, 0);
  if (st != MLRT_OK)
    return st;
  for (int a = 0; a < 2; a++)
    {
      if (p->output_padding[a] >= p->stride[a])
        return mlrt_shape_fail (c, "output_padding must be smaller than the "
                                "stride");
      o[a] = (hw[a] - 1) * p->stride[a] - 2 * p->padding[a] + p->kernel[a]
             + p->output_padding[a];
    }
  mlrt_shape_set_chw (in[0], p->out_channels, o[0], o[1], out);
  return MLRT_OK;
}

static MlrtOpCost
conv_transpose2d_cost (const MlrtSpec *spec, const MlrtLayer *l)
{
  MlrtOpCost cost = {
    (double) mlrt_tensor_count (&spec->tensors[l->inputs[0]])
    * (double) l->p.out_channels * l->p.kernel[0] * l->p.kernel[1],
    mlrt_cost_bytes (spec, l),
  };
  return cost;
}

const MlrtOpDef mlrt_op_conv_transpose2d = {
  .id = MLRT_OP_CONV_TRANSPOSE2D,
  .name = "conv_transpose2d",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT | MLRT_OP_FUSES_ACTIVATION,
  .params = conv_transpose2d_params,
  .weights = conv_transpose2d_weights,
  .shape = conv_transpose2d_shape,
  .cost = conv_transpose2d_cost,
};
