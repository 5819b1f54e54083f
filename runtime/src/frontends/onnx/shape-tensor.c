/*
 * shape-tensor.c: shape rules of the ops that move data without computing
 * on it: Constant, Shape, Reshape, Flatten, Squeeze, Unsqueeze, Transpose
 * and Concat. They are also what shape arithmetic in exported models is
 * made of, so most of them fold (fold-tensor.c).
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-ops.h"

static MlrtStatus
set_unknown (MlrtOnnxGraph *graph, MlrtOnnxNode *node, int rank,
             MlrtError *error)
{
  MlrtOnnxShape out = { rank > MLRT_ONNX_MAX_RANK ? -1 : rank, { 0 } };

  for (int d = 0; d < out.rank; d++)
    out.dims[d] = -1;
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_constant (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                          MlrtError *error)
{
  MlrtOnnxTensor *out[1] = { NULL };
  MlrtOnnxShape shape;
  MlrtStatus status = mlrt_onnx_fold_constant (graph, node, out, error);

  if (status != MLRT_OK)
    return status;
  shape = mlrt_onnx_tensor_shape (out[0]);
  status = mlrt_onnx_set_output (graph, node, 0, out[0]->type, &shape, error);
  mlrt_onnx_tensor_free (out[0]);
  return status;
}

MlrtStatus
mlrt_onnx_shape_shape (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                       MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0);
  MlrtOnnxShape out = { 1, { -1 } };

  if (x.rank >= 0)
    {
      int64_t start = mlrt_onnx_attr_int (node, "start", 0);
      int64_t end = mlrt_onnx_attr_int (node, "end", x.rank);

      start = start < 0 ? start + x.rank : start;
      end = end < 0 ? end + x.rank : end;
      start = start < 0 ? 0 : start > x.rank ? x.rank : start;
      end = end < 0 ? 0 : end > x.rank ? x.rank : end;
      out.dims[0] = end > start ? end - start : 0;
    }
  return mlrt_onnx_set_output (graph, node, 0, MLRT_ONNX_INT64, &out, error);
}

/* Reshape's target: 0 copies the input's dim (unless allowzero), one -1
 * takes what is left. */
static int
reshape_target (const MlrtOnnxShape *x, const int64_t *shape, size_t n,
                int allow_zero, MlrtOnnxShape *out)
{
  int64_t total = x->rank < 0 ? -1 : mlrt_onnx_dims_product (x, 0, x->rank);
  int64_t known = 1;
  int infer = -1, unknown = 0;

  out->rank = (int) n;
  for (int d = 0; d < out->rank; d++)
    {
      out->dims[d] = shape[d];
      if (shape[d] == -1)
        {
          if (infer >= 0)
            return 0;
          infer = d;
          continue;
        }
      if (shape[d] == 0 && !allow_zero)
        {
          if (x->rank >= 0 && d >= x->rank)
            return 0;
          out->dims[d] = x->rank < 0 ? -1 : x->dims[d];
        }
      else if (shape[d] < 0)
        return 0;
      if (out->dims[d] < 0)
        unknown = 1;
      else
        known *= out->dims[d];
    }
  if (total < 0 || unknown)
    return 1;
  if (infer >= 0)
    {
      if (known == 0 || total % known != 0)
        return known == 0;
      out->dims[infer] = total / known;
      return 1;
    }
  return total == known;
}

MlrtStatus
mlrt_onnx_shape_reshape (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                         MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out;
  int64_t *shape;
  size_t n;
  int present, ok;

  if (!mlrt_onnx_ints_arg (graph, node, "shape", 1, 5, &shape, &n, &present))
    {
      MlrtOnnxShape s = mlrt_onnx_in_shape (graph, node, 1);

      return set_unknown (graph, node, s.rank == 1 ? (int) s.dims[0] : -1,
                          error);
    }
  ok = present && n <= MLRT_ONNX_MAX_RANK
    && reshape_target (&x, shape, n, (int) mlrt_onnx_attr_int (node,
                                                               "allowzero",
                                                               0), &out);
  free (shape);
  if (!ok)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "the target shape is missing, invalid or "
                                 "does not hold the input's %lld elements",
                                 (long long) (x.rank < 0 ? -1 :
                                 mlrt_onnx_dims_product (&x, 0, x.rank)));
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_flatten (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                         MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out = { 2, { 0 } };
  int64_t axis = mlrt_onnx_attr_int (node, "axis", 1);

  if (x.rank < 0)
    return set_unknown (graph, node, 2, error);
  if (axis < 0)
    axis += x.rank;
  if (axis < 0 || axis > x.rank)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "axis %lld is outside a rank-%d input",
                                 (long long) mlrt_onnx_attr_int (node, "axis",
                                                                 1), x.rank);
  out.dims[0] = mlrt_onnx_dims_product (&x, 0, (int) axis);
  out.dims[1] = mlrt_onnx_dims_product (&x, (int) axis, x.rank);
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

/* Marks the axes listed in ints (normalized against `rank`) in `mark`. */
static int
mark_axes (const int64_t *ints, size_t n, int rank, int *mark)
{
  memset (mark, 0, MLRT_ONNX_MAX_RANK * sizeof *mark);
  for (size_t i = 0; i < n; i++)
    {
      int a;

      if (!mlrt_onnx_axis (ints[i], rank, &a) || mark[a])
        return 0;
      mark[a] = 1;
    }
  return 1;
}

MlrtStatus
mlrt_onnx_shape_squeeze (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                         MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out = { 0, { 0 } };
  int64_t *axes;
  size_t n;
  int present, mark[MLRT_ONNX_MAX_RANK];

  if (!mlrt_onnx_ints_arg (graph, node, "axes", 1, 13, &axes, &n, &present)
      || x.rank < 0)
    {
      free (axes);
      return set_unknown (graph, node, -1, error);
    }
  if (!mark_axes (axes, n, x.rank, mark))
    {
      free (axes);
      return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                   "axes out of range or repeated for a "
                                   "rank-%d input", x.rank);
    }
  free (axes);
  for (int d = 0; d < x.rank; d++)
    {
      if (!present && x.dims[d] < 0)
        return set_unknown (graph, node, -1, error);
      if (present ? !mark[d] : x.dims[d] != 1)
        out.dims[out.rank++] = x.dims[d];
      else if (x.dims[d] > 1)
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "axis %d has size %lld, not 1", d,
                                     (long long) x.dims[d]);
    }
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_unsqueeze (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                           MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out;
  int64_t *axes;
  size_t n;
  int present, mark[MLRT_ONNX_MAX_RANK];

  if (!mlrt_onnx_ints_arg (graph, node, "axes", 1, 13, &axes, &n, &present)
      || x.rank < 0)
    {
      free (axes);
      return set_unknown (graph, node, x.rank < 0 ? -1 : x.rank + (int) n,
                          error);
    }
  out.rank = x.rank + (int) n;
  if (!present || out.rank > MLRT_ONNX_MAX_RANK
      || !mark_axes (axes, n, out.rank, mark))
    {
      free (axes);
      return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                   "axes missing, out of range or repeated "
                                   "for a rank-%d input", x.rank);
    }
  free (axes);
  for (int d = 0, from = 0; d < out.rank; d++)
    out.dims[d] = mark[d] ? 1 : x.dims[from++];
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_transpose (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                           MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out = x;
  size_t n;
  const int64_t *perm = mlrt_onnx_attr_ints (node, "perm", &n);
  int mark[MLRT_ONNX_MAX_RANK];

  if (x.rank < 0)
    return set_unknown (graph, node, -1, error);
  if (perm && (n != (size_t) x.rank || !mark_axes (perm, n, x.rank, mark)))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "perm is not a permutation of %d axes",
                                 x.rank);
  for (int d = 0; d < x.rank; d++)
    out.dims[d] = x.dims[perm ? perm[d] : x.rank - 1 - d];
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_concat (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                        MlrtError *error)
{
  MlrtOnnxShape out = { -1, { 0 } };
  int64_t axis_attr = mlrt_onnx_attr_int (node, "axis", INT64_MIN);
  int axis = -1;

  for (size_t i = 0; i < node->n_inputs; i++)
    {
      MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, i);

      if (x.rank < 0)
        return set_unknown (graph, node, out.rank, error);
      if (out.rank < 0)
        {
          out = x;
          if (!mlrt_onnx_axis (axis_attr, x.rank, &axis))
            return mlrt_onnx_node_error (graph, node, error,
                                         MLRT_ERROR_FORMAT,
                                         "axis missing or outside rank %d",
                                         x.rank);
          continue;
        }
      if (x.rank != out.rank)
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "input %zu has rank %d, not %d", i,
                                     x.rank, out.rank);
      for (int d = 0; d < out.rank; d++)
        if (d == axis)
          out.dims[d] = out.dims[d] < 0 || x.dims[d] < 0
            ? -1 : out.dims[d] + x.dims[d];
        else if (out.dims[d] < 0)
          out.dims[d] = x.dims[d];
        else if (x.dims[d] >= 0 && x.dims[d] != out.dims[d])
          return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                       "input %zu is %lld on axis %d where "
                                       "the first is %lld", i,
                                       (long long) x.dims[d], d,
                                       (long long) out.dims[d]);
    }
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_split_sizes (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                       int64_t extent, int64_t *sizes, int *known,
                       MlrtError *error)
{
  int64_t *split = NULL, sum = 0;
  size_t n = 0, outs = node->n_outputs;
  int present;

  *known = mlrt_onnx_ints_arg (graph, node, "split", 1, 13, &split, &n,
                               &present);
  if (!*known || extent < 0)
    {
      free (split);
      *known = 0;
      return MLRT_OK;
    }
  if (present && n != outs)
    {
      free (split);
      return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                   "%zu split sizes for %zu outputs", n,
                                   outs);
    }
  for (size_t i = 0; i < outs; i++)
    {
      /* equal parts, the last one smaller when they do not divide */
      int64_t part = (extent + (int64_t) outs - 1) / (int64_t) outs;

      sizes[i] = present ? split[i]
                 : i + 1 < outs ? part : extent - part * (int64_t) i;
      if (sizes[i] < 0)
        break;
      sum += sizes[i];
    }
  free (split);
  if (sum != extent)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "split sizes add up to %lld, not the "
                                 "axis's %lld", (long long) sum,
                                 (long long) extent);
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_shape_split (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                       MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0);
  int64_t sizes[64];
  int axis, known = 0;
  MlrtStatus status;

  if (node->n_outputs > 64)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_UNSUPPORTED,
                                 "more than 64 outputs");
  if (x.rank < 0)
    return set_unknown (graph, node, -1, error);
  if (!mlrt_onnx_axis (mlrt_onnx_attr_int (node, "axis", 0), x.rank, &axis))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "axis outside rank %d", x.rank);
  status = mlrt_onnx_split_sizes (graph, node, x.dims[axis], sizes, &known,
                                  error);
  for (size_t o = 0; status == MLRT_OK && o < node->n_outputs; o++)
    {
      MlrtOnnxShape out = x;

      out.dims[axis] = known ? sizes[o] : -1;
      if (node->outputs[o] >= 0)
        status = mlrt_onnx_set_output (graph, node, o,
                                       mlrt_onnx_in_type (graph, node, 0),
                                       &out, error);
    }
  return status;
}
