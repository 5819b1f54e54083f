/*
 * shape-elementwise.c: shape rules of the ops that work element by
 * element: unary ops keep their input's shape, the binary and variadic ones
 * broadcast as numpy does, comparisons give bool, Cast changes the type.
 */
#include "onnx-ops.h"

MlrtStatus
mlrt_onnx_shape_unary (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                       MlrtError *error)
{
  MlrtOnnxShape shape = mlrt_onnx_in_shape (graph, node, 0);
  MlrtStatus status = mlrt_onnx_shape_same (graph, node, error);

  /* Dropout's second output, its mask */
  for (size_t o = 1; status == MLRT_OK && o < node->n_outputs; o++)
    status = mlrt_onnx_set_output (graph, node, o, MLRT_ONNX_BOOL, &shape,
                                   error);
  return status;
}

static MlrtStatus
broadcast_inputs (MlrtOnnxGraph *graph, MlrtOnnxNode *node, size_t first,
                  MlrtOnnxShape *out, MlrtError *error)
{
  *out = mlrt_onnx_in_shape (graph, node, first);
  for (size_t i = first + 1; i < node->n_inputs; i++)
    {
      MlrtOnnxShape next = mlrt_onnx_in_shape (graph, node, i), both;

      if (!mlrt_onnx_broadcast (out, &next, &both))
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "input %zu's shape does not broadcast "
                                     "with the inputs before it", i);
      *out = both;
    }
  return MLRT_OK;
}

/* Output 0 takes the broadcast of every input's shape and `type`. */
static MlrtStatus
set_broadcast (MlrtOnnxGraph *graph, MlrtOnnxNode *node, MlrtOnnxType type,
               MlrtError *error)
{
  MlrtOnnxShape shape;
  MlrtStatus status = broadcast_inputs (graph, node, 0, &shape, error);

  if (status != MLRT_OK)
    return status;
  return mlrt_onnx_set_output (graph, node, 0, type, &shape, error);
}

MlrtStatus
mlrt_onnx_shape_binary (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                        MlrtError *error)
{
  return set_broadcast (graph, node, mlrt_onnx_in_type (graph, node, 0),
                        error);
}

MlrtStatus
mlrt_onnx_shape_compare (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                         MlrtError *error)
{
  return set_broadcast (graph, node, MLRT_ONNX_BOOL, error);
}

/* Where(condition, x, y) has the type of x. */
MlrtStatus
mlrt_onnx_shape_where (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                       MlrtError *error)
{
  return set_broadcast (graph, node, mlrt_onnx_in_type (graph, node, 1),
                        error);
}

MlrtStatus
mlrt_onnx_shape_cast (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtError *error)
{
  MlrtOnnxShape shape = mlrt_onnx_in_shape (graph, node, 0);
  int64_t to = mlrt_onnx_attr_int (node, "to", 0);

  if (to <= 0 || mlrt_onnx_type_size ((MlrtOnnxType) to) == 0)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_UNSUPPORTED,
                                 "cast to %s (type %lld) is not supported",
                                 mlrt_onnx_type_name ((MlrtOnnxType) to),
                                 (long long) to);
  return mlrt_onnx_set_output (graph, node, 0, (MlrtOnnxType) to, &shape,
                               error);
}

MlrtStatus
mlrt_onnx_shape_softmax (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                         MlrtError *error)
{
  MlrtOnnxShape shape = mlrt_onnx_in_shape (graph, node, 0);
  int64_t axis = mlrt_onnx_attr_int (node, "axis", node->opset < 13 ? 1 : -1);
  int a;

  if (shape.rank >= 0 && !mlrt_onnx_axis (axis, shape.rank, &a))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "axis %lld is outside a rank-%d input",
                                 (long long) axis, shape.rank);
  return mlrt_onnx_shape_same (graph, node, error);
}
