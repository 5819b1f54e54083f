/*
 * resample.c: the row of upsample, which scales height and width by
 * integer factors, repeating pixels (nearest) or interpolating them
 * (bilinear, half-pixel centres).
 */
#include "mlrt-internal.h"

static const char *const upsample_modes[] = {
  [MLRT_UPSAMPLE_NEAREST] = "nearest",
  [MLRT_UPSAMPLE_BILINEAR] = "bilinear",
  NULL,
};

static const MlrtParamDesc upsample_params[] = {
  { "scale", MLRT_PARAM_PAIR, offsetof (MlrtParams, scale),
    MLRT_PARAM_REQUIRED, .min = 1 },
  { "mode", MLRT_PARAM_CHOICE, offsetof (MlrtParams, bilinear), 0,
    .def = MLRT_UPSAMPLE_NEAREST, .choices = upsample_modes },
  { NULL },
};

static MlrtStatus
upsample_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  int64_t ch, h, w;

  mlrt_shape_chw (in[0], &ch, &h, &w);
  mlrt_shape_set_chw (in[0], ch, h * c->layer->p.scale[0],
                      w * c->layer->p.scale[1], out);
  return MLRT_OK;
}

const MlrtOpDef mlrt_op_upsample = {
  .id = MLRT_OP_UPSAMPLE,
  .name = "upsample",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT,
  .params = upsample_params,
  .shape = upsample_shape,
  .cost = mlrt_cost_per_output,
};
