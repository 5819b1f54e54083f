/*
 * binary.c: the rows of the element-wise ops on two tensors of one shape,
 * add (which may run an activation fused after it) and mul.
 */
#include <string.h>

#include "mlrt-internal.h"

static MlrtStatus
same_shapes (MlrtShapeCtx *c, const MlrtTensor *const *in, MlrtTensor *out)
{
  const MlrtTensor *a = in[0], *b = in[1];
  char sa[96], sb[96];

  if (b->rank != a->rank
      || memcmp (b->shape, a->shape, a->rank * sizeof (int64_t)))
    {
      mlrt_shape_str (a->rank, a->shape, sa, sizeof sa);
      mlrt_shape_str (b->rank, b->shape, sb, sizeof sb);
      return mlrt_shape_fail (c, "inputs '%s' %s and '%s' %s differ in shape",
                              a->name, sa, b->name, sb);
    }
  return mlrt_shape_same (c, in, out);
}

const MlrtOpDef mlrt_op_add = {
  .id = MLRT_OP_ADD,
  .name = "add",
  .n_inputs = 2,
  .flags = MLRT_OP_FUSES_ACTIVATION,
  .shape = same_shapes,
  .cost = mlrt_cost_per_output,
};

const MlrtOpDef mlrt_op_mul = {
  .id = MLRT_OP_MUL,
  .name = "mul",
  .n_inputs = 2,
  .shape = same_shapes,
  .cost = mlrt_cost_per_output,
};
