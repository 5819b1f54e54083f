/*
 * shape-linalg.c: shape rules of the matrix products (MatMul with numpy's
 * batch broadcasting and rank-1 promotion, Gemm) and of the reductions
 * (ReduceMean and its kin, whose axes moved from an attribute to an input:
 * ReduceSum at opset 13, the others at 18).
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-ops.h"

static int
dims_differ (int64_t a, int64_t b)
{
  return a >= 0 && b >= 0 && a != b;
}

MlrtStatus
mlrt_onnx_shape_matmul (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                        MlrtError *error)
{
  MlrtOnnxShape a = mlrt_onnx_in_shape (graph, node, 0);
  MlrtOnnxShape b = mlrt_onnx_in_shape (graph, node, 1);
  MlrtOnnxShape ba = { 0, { 0 } }, bb = { 0, { 0 } }, out = { -1, { 0 } };
  int64_t m, k, k2, n;

  if (a.rank == 0 || b.rank == 0)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "a scalar operand");
  if (a.rank > 0 && b.rank > 0)
    {
      m = a.rank > 1 ? a.dims[a.rank - 2] : 1;
      k = a.dims[a.rank - 1];
      k2 = b.rank > 1 ? b.dims[b.rank - 2] : b.dims[0];
      n = b.rank > 1 ? b.dims[b.rank - 1] : 1;
      if (dims_differ (k, k2))
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "inner dims %lld and %lld differ",
                                     (long long) k, (long long) k2);
      ba.rank = a.rank > 2 ? a.rank - 2 : 0;
      bb.rank = b.rank > 2 ? b.rank - 2 : 0;
      memcpy (ba.dims, a.dims, ba.rank * sizeof *a.dims);
      memcpy (bb.dims, b.dims, bb.rank * sizeof *b.dims);
      if (!mlrt_onnx_broadcast (&ba, &bb, &out))
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "batch dims do not broadcast");
      if (a.rank > 1)
        out.dims[out.rank++] = m;
      if (b.rank > 1)
        out.dims[out.rank++] = n;
    }
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_gemm (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtError *error)
{
  MlrtOnnxShape a = mlrt_onnx_in_shape (graph, node, 0);
  MlrtOnnxShape b = mlrt_onnx_in_shape (graph, node, 1);
  MlrtOnnxShape c = mlrt_onnx_in_shape (graph, node, 2), out = { 2, { -1, -1 } };
  MlrtOnnxShape both;
  int ta = mlrt_onnx_attr_int (node, "transA", 0) != 0;
  int tb = mlrt_onnx_attr_int (node, "transB", 0) != 0;

  if ((a.rank >= 0 && a.rank != 2) || (b.rank >= 0 && b.rank != 2))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "A and B must be matrices");
  if (a.rank == 2)
    out.dims[0] = a.dims[ta ? 1 : 0];
  if (b.rank == 2)
    out.dims[1] = b.dims[tb ? 0 : 1];
  if (a.rank == 2 && b.rank == 2 && dims_differ (a.dims[ta ? 0 : 1],
                                                 b.dims[tb ? 1 : 0]))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "inner dims %lld and %lld differ",
                                 (long long) a.dims[ta ? 0 : 1],
                                 (long long) b.dims[tb ? 1 : 0]);
  if (c.rank >= 0 && (!mlrt_onnx_broadcast (&out, &c, &both)
                      || both.rank != 2 || dims_differ (both.dims[0],
                                                        out.dims[0])
                      || dims_differ (both.dims[1], out.dims[1])))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "C does not broadcast to the product");
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_reduce (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                        MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out = { 0, { 0 } };
  int64_t since = strcmp (node->op_type, "ReduceSum") == 0 ? 13 : 18;
  int keep = mlrt_onnx_attr_int (node, "keepdims", 1) != 0;
  int noop = mlrt_onnx_attr_int (node, "noop_with_empty_axes", 0) != 0;
  int64_t *axes;
  size_t n;
  int present, mark[MLRT_ONNX_MAX_RANK] = { 0 };

  if (!mlrt_onnx_ints_arg (graph, node, "axes", 1, since, &axes, &n,
                           &present) || x.rank < 0)
    {
      free (axes);
      out.rank = keep ? x.rank : -1;
      for (int d = 0; d < out.rank; d++)
        out.dims[d] = -1;
      return mlrt_onnx_set_main_output (graph, node, &out, error);
    }
  if (n == 0 && noop)
    {
      free (axes);
      return mlrt_onnx_shape_same (graph, node, error);
    }
  for (size_t i = 0; i < n; i++)
    {
      int a;

      if (!mlrt_onnx_axis (axes[i], x.rank, &a))
        {
          free (axes);
          return mlrt_onnx_node_error (graph, node, error,
                                       MLRT_ERROR_FORMAT,
                                       "axis %lld is outside rank %d",
                                       (long long) axes[i], x.rank);
        }
      mark[a] = 1;
    }
  free (axes);
  for (int d = 0; d < x.rank; d++)
    if (n > 0 && !mark[d])
      out.dims[out.rank++] = x.dims[d];
    else if (keep)
      out.dims[out.rank++] = 1;
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}
