/*
 * pool.c: the rows of the poolings: max_pool and avg_pool over a window
 * (the stride defaults to the window), and the global poolings that
 * reduce each channel to one value. Inputs are [C, H, W] or [1, C, H, W].
 */
#include "mlrt-internal.h"

#define P(field) offsetof (MlrtParams, field)

/* ceil_mode: the output rounds up, a last window may overhang the
 * input; count_pad (avg_pool): padding counts in the divisor. */
static const MlrtParamDesc pool_params[] = {
  { "kernel", MLRT_PARAM_PAIR, P (kernel), MLRT_PARAM_REQUIRED, .min = 1 },
  { "stride", MLRT_PARAM_PAIR, P (stride), 0, .min = 1,
    .default_from = "kernel" },
  { "padding", MLRT_PARAM_PAIR, P (padding), 0, .min = 0 },
  { "ceil_mode", MLRT_PARAM_INT, P (ceil_mode), 0, .min = 0, .def = 0 },
  { "count_pad", MLRT_PARAM_INT, P (count_pad), 0, .min = 0, .def = 0 },
  { NULL },
};

static int64_t
pool_extent (const MlrtParams *p, int64_t in, int a)
{
  return p->ceil_mode ? mlrt_shape_window_ceil (in, p->kernel[a],
                                                p->stride[a], p->padding[a])
                      : mlrt_shape_window (in, p->kernel[a], p->stride[a],
                                           p->padding[a], 1);
}

static MlrtStatus
pool_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->layer->p;
  int64_t ch, h, w;

  for (int a = 0; a < 2; a++)
    if (p->padding[a] >= p->kernel[a])
      return mlrt_shape_fail (c, "padding must be smaller than the kernel");
  mlrt_shape_chw (in[0], &ch, &h, &w);
  mlrt_shape_set_chw (in[0], ch, pool_extent (p, h, 0), pool_extent (p, w, 1),
                      out);
  return MLRT_OK;
}

static MlrtOpCost
pool_cost (const MlrtSpec *spec, const MlrtLayer *l)
{
  MlrtOpCost cost = mlrt_cost_per_output (spec, l);

  cost.flops *= l->p.kernel[0] * l->p.kernel[1];
  return cost;
}

const MlrtOpDef mlrt_op_max_pool = {
  .id = MLRT_OP_MAX_POOL,
  .name = "max_pool",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT,
  .params = pool_params,
  .shape = pool_shape,
  .cost = pool_cost,
};

const MlrtOpDef mlrt_op_avg_pool = {
  .id = MLRT_OP_AVG_POOL,
  .name = "avg_pool",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT,
  .params = pool_params,
  .shape = pool_shape,
  .cost = pool_cost,
};

/* keep_dims: the input's dims, 1 for height and width (as ONNX's global
 * pools give); else a vector. */
static const MlrtParamDesc global_pool_params[] = {
  { "keep_dims", MLRT_PARAM_INT, P (keep_dims), 0, .min = 0, .def = 0 },
  { NULL },
};

/* [C, H, W] -> [C] or [C, 1, 1]; [1, C, H, W] -> [C] or [1, C, 1, 1] */
static MlrtStatus
global_pool_shape (MlrtShapeCtx *c, const MlrtTensor *const *in,
                   MlrtTensor *out)
{
  int64_t ch, h, w;

  mlrt_shape_chw (in[0], &ch, &h, &w);
  if (c->layer->p.keep_dims)
    mlrt_shape_set_chw (in[0], ch, 1, 1, out);
  else
    {
      out->rank = 1;
      out->shape[0] = ch;
    }
  return MLRT_OK;
}

/* Every input value is read once. */
static MlrtOpCost
global_pool_cost (const MlrtSpec *spec, const MlrtLayer *l)
{
  MlrtOpCost cost = {
    (double) mlrt_tensor_count (&spec->tensors[l->inputs[0]]),
    mlrt_cost_bytes (spec, l),
  };
  return cost;
}

const MlrtOpDef mlrt_op_global_avg_pool = {
  .id = MLRT_OP_GLOBAL_AVG_POOL,
  .name = "global_avg_pool",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT,
  .params = global_pool_params,
  .shape = global_pool_shape,
  .cost = global_pool_cost,
};

const MlrtOpDef mlrt_op_global_max_pool = {
  .id = MLRT_OP_GLOBAL_MAX_POOL,
  .name = "global_max_pool",
  .n_inputs = 1,
  .flags = MLRT_OP_CHW_INPUT,
  .params = global_pool_params,
  .shape = global_pool_shape,
  .cost = global_pool_cost,
};
