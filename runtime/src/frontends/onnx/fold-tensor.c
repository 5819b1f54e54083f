/*
 * fold-tensor.c: computing, at import time, the data-movement ops whose
 * inputs are known: Constant, Shape, Reshape and its kin, Cast, Concat,
 * Slice, Gather and Transpose. Exported models compute reshape targets
 * from Shape at run time; with the input dims pinned these chains become
 * constants and the graph keeps only real work. The shape rule has run
 * before each fold, so a fold reads its output's shape from the graph.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-ops.h"

MlrtOnnxTensor *
mlrt_onnx_fold_output (MlrtOnnxGraph *graph, MlrtOnnxNode *node, size_t o,
                       MlrtError *error)
{
  MlrtOnnxValue *v = mlrt_onnx_node_output (graph, node, o);
  int64_t dims[MLRT_ONNX_MAX_RANK];
  MlrtOnnxTensor *t;

  if (v == NULL || !mlrt_onnx_value_is_static (v))
    {
      mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                            "its output's shape is not known");
      return NULL;
    }
  for (int d = 0; d < v->rank; d++)
    dims[d] = v->dims[d].value;
  t = mlrt_onnx_tensor_new (v->type, v->rank, dims, error);
  if (t == NULL)
    mlrt_error_prefix (error, "%s: %s", graph->origin, node->op_type);
  return t;
}

static MlrtOnnxTensor *
scalar_or_list (MlrtOnnxType type, const MlrtOnnxAttr *a, MlrtError *error)
{
  int list = a->type == MLRT_ONNX_ATTR_FLOATS || a->type == MLRT_ONNX_ATTR_INTS;
  int64_t n = list ? (int64_t) a->n : 1;
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (type, list, &n, error);

  for (size_t i = 0; t && i < (size_t) n; i++)
    if (type == MLRT_ONNX_FLOAT)
      ((float *) t->data)[i] = list ? a->floats[i] : a->f;
    else
      ((int64_t *) t->data)[i] = list ? a->ints[i] : a->i;
  return t;
}

MlrtStatus
mlrt_onnx_fold_constant (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                         MlrtOnnxTensor **out, MlrtError *error)
{
  for (size_t i = 0; i < node->n_attrs; i++)
    {
      const MlrtOnnxAttr *a = &node->attrs[i];

      if (strcmp (a->name, "value") == 0 && a->t)
        out[0] = mlrt_onnx_tensor_copy (a->t);
      else if (strcmp (a->name, "value_float") == 0
               || strcmp (a->name, "value_floats") == 0)
        out[0] = scalar_or_list (MLRT_ONNX_FLOAT, a, error);
      else if (strcmp (a->name, "value_int") == 0
               || strcmp (a->name, "value_ints") == 0)
        out[0] = scalar_or_list (MLRT_ONNX_INT64, a, error);
      else
        continue;
      if (out[0] == NULL)
        return mlrt_onnx_node_error (graph, node, error,
                                     MLRT_ERROR_NO_MEMORY, "out of memory");
      return MLRT_OK;
    }
  return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_UNSUPPORTED,
                               "no tensor, float or int value (string "
                               "constants are not supported)");
}

MlrtStatus
mlrt_onnx_fold_shape (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtOnnxTensor **out, MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0);
  int64_t start = mlrt_onnx_attr_int (node, "start", 0);

  if ((out[0] = mlrt_onnx_fold_output (graph, node, 0, error)) == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  start = start < 0 ? start + x.rank : start;
  start = start < 0 ? 0 : start;
  for (size_t i = 0; i < out[0]->count; i++)
    ((int64_t *) out[0]->data)[i] = x.dims[start + i];
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_fold_reshape_like (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                             MlrtOnnxTensor **out, MlrtError *error)
{
  const MlrtOnnxTensor *in = mlrt_onnx_in_const (graph, node, 0);

  if ((out[0] = mlrt_onnx_fold_output (graph, node, 0, error)) == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  memcpy (out[0]->data, in->data, in->count * mlrt_onnx_type_size (in->type));
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_fold_cast (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                     MlrtOnnxTensor **out, MlrtError *error)
{
  const MlrtOnnxTensor *in = mlrt_onnx_in_const (graph, node, 0);
  MlrtOnnxTensor *t;

  if ((t = out[0] = mlrt_onnx_fold_output (graph, node, 0, error)) == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  for (size_t i = 0; i < in->count; i++)
    if (t->type == MLRT_ONNX_BOOL)
      mlrt_onnx_tensor_set_int (t, i, mlrt_onnx_tensor_get_double (in, i) != 0);
    else if (mlrt_onnx_type_is_float (t->type))
      mlrt_onnx_tensor_set_double (t, i, mlrt_onnx_tensor_get_double (in, i));
    else
      mlrt_onnx_tensor_set_int (t, i, mlrt_onnx_tensor_get_int (in, i));
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_fold_concat (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                       MlrtOnnxTensor **out, MlrtError *error)
{
  size_t size, outer = 1, at = 0;
  int axis;

  if ((out[0] = mlrt_onnx_fold_output (graph, node, 0, error)) == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  size = mlrt_onnx_type_size (out[0]->type);
  mlrt_onnx_axis (mlrt_onnx_attr_int (node, "axis", 0), out[0]->rank, &axis);
  for (int d = 0; d < axis; d++)
    outer *= (size_t) out[0]->dims[d];
  for (size_t o = 0; o < outer; o++)
    for (size_t i = 0; i < node->n_inputs; i++)
      {
        const MlrtOnnxTensor *in = mlrt_onnx_in_const (graph, node, i);
        size_t chunk = outer ? in->count / outer * size : 0;

        memcpy ((char *) out[0]->data + at, (const char *) in->data
                + o * chunk, chunk);
        at += chunk;
      }
  return MLRT_OK;
}

/* Row-major strides of a tensor, in elements. */
static void
strides_of (const MlrtOnnxTensor *t, int64_t *strides)
{
  int64_t s = 1;

  for (int d = t->rank; d-- > 0;)
    {
      strides[d] = s;
      s *= t->dims[d];
    }
}

int
mlrt_onnx_next_index (int64_t *index, const int64_t *dims, int rank)
{
  for (int d = rank; d-- > 0;)
    {
      if (++index[d] < dims[d])
        return 1;
      index[d] = 0;
    }
  return 0;
}

/* Fills out[0] with elements of `in`: output element at multi-index i
 * comes from in's element base + sum(i[d] * step[d]). Slice and Transpose
 * are both this walk, with other bases and steps. */
static MlrtStatus
copy_strided (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
              const MlrtOnnxTensor *in, int64_t base, const int64_t *step,
              MlrtOnnxTensor **out, MlrtError *error)
{
  int64_t index[MLRT_ONNX_MAX_RANK] = { 0 };
  size_t size = mlrt_onnx_type_size (in->type);

  if ((out[0] = mlrt_onnx_fold_output (graph, node, 0, error)) == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  for (size_t i = 0; i < out[0]->count; i++)
    {
      int64_t from = base;

      for (int d = 0; d < out[0]->rank; d++)
        from += index[d] * step[d];
      memcpy ((char *) out[0]->data + i * size,
              (const char *) in->data + from * size, size);
      mlrt_onnx_next_index (index, out[0]->dims, out[0]->rank);
    }
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_fold_slice (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtOnnxTensor **out, MlrtError *error)
{
  const MlrtOnnxTensor *in = mlrt_onnx_in_const (graph, node, 0);
  MlrtOnnxShape shape = mlrt_onnx_tensor_shape (in);
  int64_t strides[MLRT_ONNX_MAX_RANK], step[MLRT_ONNX_MAX_RANK], base = 0;
  MlrtOnnxSlice slice;
  int known;
  MlrtStatus status = mlrt_onnx_slice_resolve (graph, node, &shape, &slice,
                                               &known, error);

  if (status != MLRT_OK)
    return status;
  strides_of (in, strides);
  for (int d = 0; d < in->rank; d++)
    {
      base += slice.start[d] * strides[d];
      step[d] = slice.step[d] * strides[d];
    }
  return copy_strided (graph, node, in, base, step, out, error);
}

MlrtStatus
mlrt_onnx_fold_gather (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                       MlrtOnnxTensor **out, MlrtError *error)
{
  const MlrtOnnxTensor *in = mlrt_onnx_in_const (graph, node, 0);
  const MlrtOnnxTensor *idx = mlrt_onnx_in_const (graph, node, 1);
  size_t size = mlrt_onnx_type_size (in->type), outer = 1, inner = 1, at = 0;
  int64_t dim;
  int axis;

  mlrt_onnx_axis (mlrt_onnx_attr_int (node, "axis", 0), in->rank, &axis);
  dim = in->dims[axis];
  for (int d = 0; d < in->rank; d++)
    if (d < axis)
      outer *= (size_t) in->dims[d];
    else if (d > axis)
      inner *= (size_t) in->dims[d];
  for (size_t j = 0; j < idx->count; j++)
    {
      int64_t k = mlrt_onnx_tensor_get_int (idx, j);

      if (k < -dim || k >= dim)
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "index %lld is outside an axis of %lld",
                                     (long long) k, (long long) dim);
    }
  if ((out[0] = mlrt_onnx_fold_output (graph, node, 0, error)) == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  for (size_t o = 0; o < outer; o++)
    for (size_t j = 0; j < idx->count; j++, at += inner * size)
      {
        int64_t k = mlrt_onnx_tensor_get_int (idx, j);

        k = k < 0 ? k + dim : k;
        memcpy ((char *) out[0]->data + at, (const char *) in->data
                + ((o * (size_t) dim + (size_t) k) * inner) * size,
                inner * size);
      }
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_fold_transpose (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                          MlrtOnnxTensor **out, MlrtError *error)
{
  const MlrtOnnxTensor *in = mlrt_onnx_in_const (graph, node, 0);
  int64_t strides[MLRT_ONNX_MAX_RANK], step[MLRT_ONNX_MAX_RANK];
  size_t n;
  const int64_t *perm = mlrt_onnx_attr_ints (node, "perm", &n);

  strides_of (in, strides);
  for (int d = 0; d < in->rank; d++)
    step[d] = strides[perm ? perm[d] : in->rank - 1 - d];
  return copy_strided (graph, node, in, 0, step, out, error);
}
