/*
 * binary.c: the rows of the element-wise ops on two tensors (add, sub,
 * mul, div, pow, max, min), which broadcast as numpy does and may run an
 * activation fused after them, and of scale, the same arithmetic with
 * stored operands: y = x * scale + bias, each weight broadcasting into x
 * (a scalar, a value per channel, a row of the last axis). scale is what
 * a converted model's constant Mul, Add, Sub, Div and batch norm become.
 */
#include <string.h>

#include "mlrt-internal.h"

static MlrtStatus
broadcast_shape (MlrtShapeCtx *c, const MlrtTensor *const *in,
                 MlrtTensor *out)
{
  const MlrtTensor *a = in[0], *b = in[1];
  char sa[96], sb[96];

  if (!mlrt_shape_broadcast (a->rank, a->shape, b->rank, b->shape,
                             &out->rank, out->shape))
    {
      mlrt_shape_str (a->rank, a->shape, sa, sizeof sa);
      mlrt_shape_str (b->rank, b->shape, sb, sizeof sb);
      return mlrt_shape_fail (c, "inputs '%s' %s and '%s' %s do not "
                              "broadcast to one shape", a->name, sa,
                              b->name, sb);
    }
  if (out->rank > MLRT_MAX_RANK)
    return mlrt_shape_fail (c, "the output would have more than %d dims",
                            MLRT_MAX_RANK);
  return MLRT_OK;
}

#define MLRT_BINARY_ROW(ID, op_name)                \
  const MlrtOpDef mlrt_op_##op_name = {             \
    .id = MLRT_OP_##ID,                             \
    .name = #op_name,                               \
    .n_inputs = 2,                                  \
    .flags = MLRT_OP_FUSES_ACTIVATION,              \
    .function = MLRT_BINARY_##ID,                   \
    .shape = broadcast_shape,                       \
    .cost = mlrt_cost_per_output,                   \
  };

MLRT_BINARY_OPS (MLRT_BINARY_ROW)

static const char *const scale_weights[] = { "scale", "bias", NULL };

/* Each weight must broadcast into the input: the output has the input's
 * values, perhaps under leading dims of 1 the weights add. */
static MlrtStatus
scale_shape (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtLayer *l = c->layer;
  char sx[96], sw[96];

  mlrt_shape_same (c, in, out);
  if (l->n_weights == 0)
    return mlrt_shape_fail (c, "needs a 'scale' or a 'bias' weight");
  for (int i = 0; i < l->n_weights; i++)
    {
      const MlrtWeight *w = &l->weights[i];
      MlrtTensor t = { 0 };

      if (!mlrt_shape_broadcast (out->rank, out->shape, w->rank, w->shape,
                                 &t.rank, t.shape)
          || t.rank > MLRT_MAX_RANK
          || mlrt_tensor_count (&t) != mlrt_tensor_count (in[0]))
        {
          mlrt_shape_str (in[0]->rank, in[0]->shape, sx, sizeof sx);
          mlrt_shape_str (w->rank, w->shape, sw, sizeof sw);
          return mlrt_shape_fail (c, "weight '%s' %s does not broadcast "
                                  "into input '%s' %s", w->name, sw,
                                  in[0]->name, sx);
        }
      out->rank = t.rank;
      memcpy (out->shape, t.shape, sizeof t.shape);
    }
  return MLRT_OK;
}

const MlrtOpDef mlrt_op_scale = {
  .id = MLRT_OP_SCALE,
  .name = "scale",
  .n_inputs = 1,
  .flags = MLRT_OP_FUSES_ACTIVATION,
  .weights = scale_weights,
  .shape = scale_shape,
  .cost = mlrt_cost_per_output,
};
