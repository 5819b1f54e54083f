/*
 * shape-index.c: shape rules of Slice and Gather, the two ops that pick
 * parts of a tensor, and the resolution of a Slice's starts, ends, axes and
 * steps (attributes before opset 10, inputs after) that its fold shares.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-ops.h"

static int64_t
clamp (int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* One axis of a slice, as the ONNX spec clamps it. */
static void
slice_axis (int64_t dim, int64_t start, int64_t end, int64_t step,
            int64_t *first, int64_t *count)
{
  if (dim < 0)
    {
      *first = 0;
      *count = -1;
      return;
    }
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0)
    {
      start = clamp (start, 0, dim);
      end = clamp (end, 0, dim);
      *count = end > start ? (end - start - 1) / step + 1 : 0;
    }
  else
    {
      start = clamp (start, 0, dim - 1);
      end = clamp (end, -1, dim - 1);
      /* -step without overflow when step is INT64_MIN */
      uint64_t back = (uint64_t) -(step + 1) + 1;

      *count = start > end
        ? (int64_t) ((uint64_t) (start - end - 1) / back) + 1 : 0;
    }
  *first = start;
}

MlrtStatus
mlrt_onnx_slice_resolve (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                         const MlrtOnnxShape *in, MlrtOnnxSlice *slice,
                         int *known, MlrtError *error)
{
  int64_t *starts, *ends, *axes = NULL, *steps = NULL;
  size_t ns, ne, na = 0, nt = 0;
  int has_s, has_e, has_a, has_t, seen[MLRT_ONNX_MAX_RANK] = { 0 };
  MlrtStatus status = MLRT_OK;

  *known = mlrt_onnx_ints_arg (graph, node, "starts", 1, 10, &starts, &ns,
                               &has_s)
    & mlrt_onnx_ints_arg (graph, node, "ends", 2, 10, &ends, &ne, &has_e)
    & mlrt_onnx_ints_arg (graph, node, "axes", 3, 10, &axes, &na, &has_a)
    & mlrt_onnx_ints_arg (graph, node, "steps", 4, 10, &steps, &nt, &has_t);
  for (int d = 0; d < MLRT_ONNX_MAX_RANK; d++)
    {
      slice->start[d] = 0;
      slice->step[d] = 1;
      slice->count[d] = d < in->rank ? in->dims[d] : -1;
    }
  if (*known && (!has_s || !has_e || ns != ne || (has_a && na != ns)
                 || (has_t && nt != ns)))
    status = mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                   "starts, ends, axes and steps are missing "
                                   "or of different lengths");
  for (size_t i = 0; *known && status == MLRT_OK && i < ns; i++)
    {
      int a;

      if (!mlrt_onnx_axis (has_a ? axes[i] : (int64_t) i, in->rank, &a)
          || seen[a]++)
        status = mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                       "slice axis %lld is repeated or "
                                       "outside rank %d",
                                       (long long) (has_a ? axes[i] : (int64_t) i),
                                       in->rank);
      else if (has_t && steps[i] == 0)
        status = mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                       "a step of 0");
      else
        {
          slice->step[a] = has_t ? steps[i] : 1;
          slice_axis (in->dims[a], starts[i], ends[i], slice->step[a],
                      &slice->start[a], &slice->count[a]);
        }
    }
  free (starts);
  free (ends);
  free (axes);
  free (steps);
  return status;
}

MlrtStatus
mlrt_onnx_shape_slice (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                       MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out = x;
  MlrtOnnxSlice slice;
  MlrtStatus status;
  int known = 0;

  if (x.rank >= 0)
    {
      status = mlrt_onnx_slice_resolve (graph, node, &x, &slice, &known,
                                        error);
      if (status != MLRT_OK)
        return status;
      for (int d = 0; d < x.rank; d++)
        out.dims[d] = known ? slice.count[d] : -1;
    }
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_gather (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                        MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0);
  MlrtOnnxShape idx = mlrt_onnx_in_shape (graph, node, 1), out = { -1, { 0 } };
  int64_t axis_attr = mlrt_onnx_attr_int (node, "axis", 0);
  int axis;

  if (x.rank >= 0 && !mlrt_onnx_axis (axis_attr, x.rank, &axis))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "axis %lld is outside a rank-%d input",
                                 (long long) axis_attr, x.rank);
  if (x.rank >= 0 && idx.rank >= 0)
    {
      out.rank = x.rank - 1 + idx.rank;
      if (out.rank > MLRT_ONNX_MAX_RANK)
        return mlrt_onnx_node_error (graph, node, error,
                                     MLRT_ERROR_UNSUPPORTED,
                                     "an output of rank %d", out.rank);
      memcpy (out.dims, x.dims, axis * sizeof *x.dims);
      memcpy (out.dims + axis, idx.dims, idx.rank * sizeof *idx.dims);
      memcpy (out.dims + axis + idx.rank, x.dims + axis + 1,
              (x.rank - axis - 1) * sizeof *x.dims);
    }
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}
