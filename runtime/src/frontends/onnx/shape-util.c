/*
 * shape-util.c: what every shape rule needs: an input's shape, type or
 * known contents, setting an output with a check against what the model
 * itself states, broadcasting, axes, and int lists that moved from
 * attributes to inputs between opsets.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-ops.h"

MlrtOnnxShape
mlrt_onnx_in_shape (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                    size_t i)
{
  const MlrtOnnxValue *v = mlrt_onnx_node_input (graph, node, i);
  MlrtOnnxShape shape = { -1, { 0 } };

  if (v == NULL || v->rank < 0)
    return shape;
  shape.rank = v->rank;
  for (int d = 0; d < v->rank; d++)
    shape.dims[d] = v->dims[d].value;
  return shape;
}

MlrtOnnxType
mlrt_onnx_in_type (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                   size_t i)
{
  const MlrtOnnxValue *v = mlrt_onnx_node_input (graph, node, i);

  return v ? v->type : MLRT_ONNX_UNDEFINED;
}

const MlrtOnnxTensor *
mlrt_onnx_in_const (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                    size_t i)
{
  const MlrtOnnxValue *v = mlrt_onnx_node_input (graph, node, i);

  return v ? v->constant : NULL;
}

MlrtOnnxShape
mlrt_onnx_tensor_shape (const MlrtOnnxTensor *tensor)
{
  MlrtOnnxShape shape;

  shape.rank = tensor->rank;
  memcpy (shape.dims, tensor->dims, sizeof shape.dims);
  return shape;
}

static int
contradicts (const MlrtOnnxValue *v, MlrtOnnxType type,
             const MlrtOnnxShape *shape)
{
  if (v->type != MLRT_ONNX_UNDEFINED && type != MLRT_ONNX_UNDEFINED
      && v->type != type)
    return 1;
  if (v->rank < 0 || shape->rank < 0)
    return 0;
  if (v->rank != shape->rank)
    return 1;
  for (int d = 0; d < shape->rank; d++)
    if (v->dims[d].value >= 0 && shape->dims[d] >= 0
        && v->dims[d].value != shape->dims[d])
      return 1;
  return 0;
}

static const char *
shape_string (const MlrtOnnxShape *shape, char *buf, size_t size)
{
  MlrtOnnxValue tmp;

  memset (&tmp, 0, sizeof tmp);
  tmp.rank = shape->rank;
  for (int d = 0; d < shape->rank; d++)
    tmp.dims[d].value = shape->dims[d];
  return mlrt_onnx_value_shape_string (&tmp, buf, size);
}

MlrtStatus
mlrt_onnx_set_output (MlrtOnnxGraph *graph, MlrtOnnxNode *node, size_t i,
                      MlrtOnnxType type, const MlrtOnnxShape *shape,
                      MlrtError *error)
{
  MlrtOnnxValue *v = mlrt_onnx_node_output (graph, node, i);
  char stated[256], found[256];

  if (v == NULL)
    return MLRT_OK;
  if (contradicts (v, type, shape))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "output '%s' is %s %s in the model but %s "
                                 "%s by the op's shape rule", v->name,
                                 mlrt_onnx_type_name (v->type),
                                 mlrt_onnx_value_shape_string (v, stated,
                                                               sizeof stated),
                                 mlrt_onnx_type_name (type),
                                 shape_string (shape, found, sizeof found));
  if (type != MLRT_ONNX_UNDEFINED)
    v->type = type;
  if (shape->rank < 0)
    return MLRT_OK;
  if (v->rank != shape->rank)
    for (int d = 0; d < MLRT_ONNX_MAX_RANK; d++)
      {
        free (v->dims[d].param);
        v->dims[d].param = NULL;
        v->dims[d].value = MLRT_ONNX_DIM_UNKNOWN;
      }
  v->rank = shape->rank;
  for (int d = 0; d < shape->rank; d++)
    if (shape->dims[d] >= 0)
      {
        v->dims[d].value = shape->dims[d];
        free (v->dims[d].param);
        v->dims[d].param = NULL;
      }
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_set_main_output (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                           const MlrtOnnxShape *shape, MlrtError *error)
{
  return mlrt_onnx_set_output (graph, node, 0,
                               mlrt_onnx_in_type (graph, node, 0), shape,
                               error);
}

MlrtStatus
mlrt_onnx_shape_same (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtError *error)
{
  MlrtOnnxShape shape = mlrt_onnx_in_shape (graph, node, 0);

  return mlrt_onnx_set_main_output (graph, node, &shape, error);
}

int
mlrt_onnx_broadcast (const MlrtOnnxShape *a, const MlrtOnnxShape *b,
                     MlrtOnnxShape *out)
{
  if (a->rank < 0 || b->rank < 0)
    {
      out->rank = -1;
      return 1;
    }
  out->rank = a->rank > b->rank ? a->rank : b->rank;
  for (int d = 0; d < out->rank; d++)
    {
      int da = d - (out->rank - a->rank), db = d - (out->rank - b->rank);
      int64_t x = da >= 0 ? a->dims[da] : 1, y = db >= 0 ? b->dims[db] : 1;

      if (x == 1)
        out->dims[d] = y;
      else if (y == 1)
        out->dims[d] = x;
      else if (x < 0 || y < 0)
        out->dims[d] = x < 0 ? y : x;
      else if (x == y)
        out->dims[d] = x;
      else
        return 0;
    }
  return 1;
}

int
mlrt_onnx_axis (int64_t axis, int rank, int *out)
{
  if (axis < -rank || axis >= rank)
    return 0;
  *out = (int) (axis < 0 ? axis + rank : axis);
  return 1;
}

int64_t
mlrt_onnx_dims_product (const MlrtOnnxShape *shape, int from, int to)
{
  int64_t n = 1;

  for (int d = from; d < to; d++)
    {
      if (shape->dims[d] < 0)
        return -1;
      n *= shape->dims[d];
    }
  return n;
}

int
mlrt_onnx_ints_arg (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                    const char *attr, size_t input, int64_t input_since,
                    int64_t **ints, size_t *n, int *present)
{
  const MlrtOnnxTensor *t;

  *ints = NULL;
  *n = 0;
  if (node->opset < input_since)
    {
      const int64_t *list = mlrt_onnx_attr_ints (node, attr, n);

      *present = list != NULL;
      if (list == NULL)
        return 1;
      *ints = malloc ((*n ? *n : 1) * sizeof **ints);
      if (*ints == NULL)
        return 0;
      memcpy (*ints, list, *n * sizeof **ints);
      return 1;
    }
  *present = mlrt_onnx_node_input (graph, node, input) != NULL;
  if (!*present)
    return 1;
  t = mlrt_onnx_in_const (graph, node, input);
  if (t == NULL || (*ints = malloc ((t->count ? t->count : 1)
                                    * sizeof **ints)) == NULL)
    return 0;
  for (size_t i = 0; i < t->count; i++)
    (*ints)[i] = mlrt_onnx_tensor_get_int (t, i);
  *n = t->count;
  return 1;
}
