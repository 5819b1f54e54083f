/*
 * map-tensor.c: ONNX's ops on whole tensors mapped to mlrt's: the reshapes
 * (Reshape, Flatten, Squeeze, Unsqueeze, and Cast between float types,
 * which moves no value), Transpose, Concat, Slice and Split (a slice per
 * output), Softmax and LogSoftmax (opsets before 13 normalise over all the
 * dims from the axis on: a reshape on each side), MatMul (by a stored
 * weight, or of two tensors), Gemm (a matmul by its weight, transposed and
 * scaled at conversion) and the reductions. mlrt's tensors have ONNX's
 * shapes, so axes carry over as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-map.h"

MlrtStatus
mlrt_onnx_map_reshape (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *x = mlrt_onnx_map_data (m, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (strcmp (node->op_type, "Cast") == 0 && !mlrt_onnx_type_is_float
      ((MlrtOnnxType) mlrt_onnx_attr_int (node, "to", 0)))
    return mlrt_onnx_map_refuse (m, node, "a cast to %s: mlrt's tensors hold "
                                 "floats", mlrt_onnx_type_name
                                 ((MlrtOnnxType) mlrt_onnx_attr_int
                                  (node, "to", 0)));
  return mlrt_onnx_map_reshape_to (m, node, x, NULL, y);
}

MlrtStatus
mlrt_onnx_map_transpose (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *x = mlrt_onnx_map_data (m, node, 0);
  const MlrtOnnxValue *xv = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  int64_t perm[MLRT_ONNX_MAX_RANK], dims[MLRT_ONNX_MAX_RANK];
  const int64_t *p;
  size_t n;
  MlrtLayer *l;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  p = mlrt_onnx_attr_ints (node, "perm", &n);
  for (int d = 0; d < xv->rank; d++)
    perm[d] = p && n == (size_t) xv->rank ? p[d] : xv->rank - 1 - d;
  if (xv->rank == 0)
    return mlrt_onnx_map_reshape_to (m, node, x, NULL, y);
  if ((l = mlrt_onnx_map_unary (m, node, "transpose", x, NULL)) == NULL)
    return MLRT_ERROR_NO_MEMORY;
  mlrt_onnx_map_dims (l->p.perm, &l->p.perm_rank, xv->rank, perm);
  mlrt_onnx_map_dims (l->p.shape, &l->p.shape_rank,
                      mlrt_onnx_map_shape (y, dims), dims);
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_concat (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  int axis;
  MlrtLayer *l;

  if (node->n_inputs > MLRT_MAX_LAYER_INPUTS)
    return mlrt_onnx_map_refuse (m, node, "%zu inputs; mlrt's concat takes "
                                 "at most %d", node->n_inputs,
                                 MLRT_MAX_LAYER_INPUTS);
  if (!mlrt_onnx_axis (mlrt_onnx_attr_int (node, "axis", 0), y->rank, &axis))
    return mlrt_onnx_map_refuse (m, node, "axis outside the rank");
  for (size_t i = 0; i < node->n_inputs; i++)
    if (mlrt_onnx_map_data (m, node, i) == NULL)
      return MLRT_ERROR_UNSUPPORTED;
  if (node->n_inputs == 1)
    return mlrt_onnx_map_reshape_to (m, node, mlrt_onnx_map_data (m, node, 0), NULL, y);
  l = mlrt_onnx_map_layer (m, node, "concat", NULL);
  for (size_t i = 0; l && i < node->n_inputs; i++)
    if (mlrt_onnx_map_layer_input (m, l, mlrt_onnx_map_data (m, node, i))
        != MLRT_OK)
      l = NULL;
  if (l == NULL)
    return MLRT_ERROR_NO_MEMORY;
  l->p.axis = axis;
  return MLRT_OK;
}

/* A slice layer: `count` values along each dim from start, step apart. */
static MlrtStatus
slice_layer (MlrtOnnxMap *m, const MlrtOnnxNode *node, const char *x,
             const char *out, int rank, const int64_t *start,
             const int64_t *step, const int64_t *count)
{
  MlrtLayer *l = mlrt_onnx_map_unary (m, node, "slice", x, out);

  if (l == NULL)
    return MLRT_ERROR_NO_MEMORY;
  mlrt_onnx_map_dims (l->p.starts, &l->p.starts_rank, rank, start);
  mlrt_onnx_map_dims (l->p.steps, &l->p.steps_rank, rank, step);
  mlrt_onnx_map_dims (l->p.shape, &l->p.shape_rank, rank, count);
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_slice (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *x = mlrt_onnx_map_data (m, node, 0);
  MlrtOnnxShape in = mlrt_onnx_in_shape (m->graph, node, 0);
  MlrtOnnxSlice slice;
  MlrtError error = { 0 };
  int known = 0;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (mlrt_onnx_slice_resolve (m->graph, node, &in, &slice, &known, &error)
      != MLRT_OK || !known)
    return mlrt_onnx_map_refuse (m, node, "its starts, ends, axes and steps "
                                 "must be constants");
  for (int d = 0; d < in.rank; d++)
    if (slice.count[d] < 1)
      return mlrt_onnx_map_refuse (m, node, "an empty slice: mlrt's tensors "
                                   "hold values");
  return slice_layer (m, node, x, NULL, in.rank, slice.start, slice.step,
                      slice.count);
}

MlrtStatus
mlrt_onnx_map_split (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *x = mlrt_onnx_map_data (m, node, 0);
  MlrtOnnxShape in = mlrt_onnx_in_shape (m->graph, node, 0);
  int64_t start[MLRT_ONNX_MAX_RANK] = { 0 }, step[MLRT_ONNX_MAX_RANK];
  int64_t count[MLRT_ONNX_MAX_RANK], sizes[64];
  MlrtError error = { 0 };
  int axis, known = 0;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (!mlrt_onnx_axis (mlrt_onnx_attr_int (node, "axis", 0), in.rank, &axis)
      || node->n_outputs > 64
      || mlrt_onnx_split_sizes (m->graph, node, in.dims[axis], sizes, &known,
                                &error) != MLRT_OK || !known)
    return mlrt_onnx_map_refuse (m, node, "its split sizes must be "
                                 "constants");
  for (int d = 0; d < in.rank; d++)
    {
      step[d] = 1;
      count[d] = in.dims[d];
    }
  for (size_t o = 0; o < node->n_outputs; o++)
    {
      const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, o);
      MlrtStatus st;

      count[axis] = sizes[o];
      if (y != NULL && sizes[o] < 1)
        return mlrt_onnx_map_refuse (m, node, "an empty part");
      st = y ? slice_layer (m, node, x, y->name, in.rank, start, step, count)
             : MLRT_OK;
      if (st != MLRT_OK)
        return st;
      start[axis] += sizes[o];
    }
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_softmax (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *x = mlrt_onnx_map_data (m, node, 0);
  const MlrtOnnxValue *xv = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  const char *op = strcmp (node->op_type, "LogSoftmax") == 0
                   ? "log_softmax" : "softmax";
  int rank = xv->rank ? xv->rank : 1, axis, flat = 1;
  int64_t inner = 1, outer = 1, dims[2];
  char *a = NULL, *b = NULL;
  MlrtLayer *l;
  MlrtStatus st = MLRT_OK;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (!mlrt_onnx_axis (mlrt_onnx_attr_int (node, "axis", node->opset < 13
                                           ? 1 : -1), rank, &axis))
    return mlrt_onnx_map_refuse (m, node, "axis outside the rank");
  /* before opset 13: over the dims from the axis on, flattened */
  for (int d = axis + 1; node->opset < 13 && d < xv->rank; d++)
    flat &= xv->dims[d].value == 1;
  if (node->opset >= 13 || flat)
    {
      if ((l = mlrt_onnx_map_unary (m, node, op, x, NULL)) == NULL)
        return MLRT_ERROR_NO_MEMORY;
      l->p.axis = axis;
      l->p.has_axis = 1;
      return MLRT_OK;
    }
  for (int d = 0; d < xv->rank; d++)
    *(d < axis ? &outer : &inner) *= xv->dims[d].value;
  dims[0] = outer;
  dims[1] = inner;
  a = mlrt_onnx_map_temp (m, node, "rows");
  b = mlrt_onnx_map_temp (m, node, op);
  l = a && b ? mlrt_onnx_map_unary (m, node, "reshape", x, a) : NULL;
  if (l)
    {
      mlrt_onnx_map_dims (l->p.shape, &l->p.shape_rank, 2, dims);
      l = mlrt_onnx_map_unary (m, node, op, a, b);
    }
  if (l == NULL)
    st = MLRT_ERROR_NO_MEMORY;
  if (st == MLRT_OK)
    st = mlrt_onnx_map_reshape_to (m, node, b, NULL, y);
  free (a);
  free (b);
  return st;
}

/* A matmul of `a` by the constant b [K, N] (transposed first when
 * `trans_b`, scaled by alpha), with bias [N] when given. */
static MlrtStatus
matmul_by (MlrtOnnxMap *m, const MlrtOnnxNode *node, const char *a,
           const char *out, const MlrtOnnxTensor *b, int trans_b, float alpha,
           const float *bias)
{
  int64_t k = trans_b ? b->dims[1] : b->dims[0];
  int64_t n = trans_b ? b->dims[0] : b->dims[1], dims[2] = { k, n };
  float *w = mlrt_onnx_tensor_floats (b), *t = malloc (b->count * sizeof *t);
  MlrtLayer *l = NULL;
  MlrtStatus st = MLRT_ERROR_NO_MEMORY;

  for (int64_t i = 0; w && t && i < k; i++)
    for (int64_t j = 0; j < n; j++)
      t[i * n + j] = alpha * (trans_b ? w[j * k + i] : w[i * n + j]);
  if (w && t)
    l = mlrt_onnx_map_unary (m, node, "matmul", a, out);
  if (l)
    st = mlrt_onnx_map_weight (m, l, "weight", t, 2, dims);
  if (l && st == MLRT_OK && bias)
    st = mlrt_onnx_map_weight (m, l, "bias", bias, 1, &n);
  free (w);
  free (t);
  return st;
}

MlrtStatus
mlrt_onnx_map_matmul (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxTensor *b = mlrt_onnx_in_const (m->graph, node, 1);
  const char *a = mlrt_onnx_map_data (m, node, 0), *bn;
  MlrtLayer *l;

  if (a == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (b)
    return b->rank == 2 ? matmul_by (m, node, a, NULL, b, 0, 1.0f, NULL)
           : mlrt_onnx_map_refuse (m, node, "a constant second operand of "
                                   "%d dims: mlrt stores [K, N] weights",
                                   b->rank);
  if ((bn = mlrt_onnx_map_data (m, node, 1)) == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  l = mlrt_onnx_map_unary (m, node, "matmul", a, NULL);
  return l && mlrt_onnx_map_layer_input (m, l, bn) == MLRT_OK
         ? MLRT_OK : MLRT_ERROR_NO_MEMORY;
}

/* Y = alpha A' B' + beta C, A' = A or its transpose. */
MlrtStatus
mlrt_onnx_map_gemm (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *a = mlrt_onnx_map_data (m, node, 0);
  const MlrtOnnxValue *av = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  const MlrtOnnxTensor *b, *c = mlrt_onnx_in_const (m->graph, node, 2);
  float alpha = mlrt_onnx_attr_float (node, "alpha", 1.0f);
  float beta = mlrt_onnx_attr_float (node, "beta", 1.0f);
  int trans_b = mlrt_onnx_attr_int (node, "transB", 0) != 0;
  int64_t n = y->dims[1].value;
  float *bias = NULL;
  char *at = NULL, *mm = NULL;
  MlrtStatus st = MLRT_OK;

  if (a == NULL || (b = mlrt_onnx_map_const (m, node, 1, "B")) == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (node->n_inputs > 2 && node->inputs[2] >= 0 && c == NULL)
    return mlrt_onnx_map_refuse (m, node, "its C must be a constant");
  if (b->rank != 2 || av->rank != 2)
    return mlrt_onnx_map_refuse (m, node, "A and B must be matrices");
  /* C broadcast over the rows: the matmul's bias; else a scale after */
  if (c && (c->count == 1 || c->count == (size_t) n))
    {
      bias = malloc ((size_t) n * sizeof *bias);
      for (int64_t j = 0; bias && j < n; j++)
        bias[j] = beta * (float) mlrt_onnx_tensor_get_double
                                   (c, c->count == 1 ? 0 : (size_t) j);
      if (bias == NULL)
        return MLRT_ERROR_NO_MEMORY;
    }
  if (mlrt_onnx_attr_int (node, "transA", 0))
    {
      MlrtLayer *l;
      int64_t perm[2] = { 1, 0 }, dims[2] = { av->dims[1].value,
                                               av->dims[0].value };

      at = mlrt_onnx_map_temp (m, node, "transposed");
      if (at == NULL
          || (l = mlrt_onnx_map_unary (m, node, "transpose", a, at)) == NULL)
        st = MLRT_ERROR_NO_MEMORY;
      else
        {
          mlrt_onnx_map_dims (l->p.perm, &l->p.perm_rank, 2, perm);
          mlrt_onnx_map_dims (l->p.shape, &l->p.shape_rank, 2, dims);
          a = at;
        }
    }
  if (st == MLRT_OK && c && !bias)
    mm = mlrt_onnx_map_temp (m, node, "product");
  if (st == MLRT_OK && c && !bias && mm == NULL)
    st = MLRT_ERROR_NO_MEMORY;
  if (st == MLRT_OK)
    st = matmul_by (m, node, a, mm, b, trans_b, alpha, bias);
  if (st == MLRT_OK && mm)
    {
      MlrtLayer *l = mlrt_onnx_map_unary (m, node, "scale", mm, NULL);
      float *cv = mlrt_onnx_tensor_floats (c);

      for (size_t i = 0; cv && i < c->count; i++)
        cv[i] *= beta;
      st = l && cv ? mlrt_onnx_map_weight (m, l, "bias", cv, c->rank, c->dims)
                   : MLRT_ERROR_NO_MEMORY;
      free (cv);
    }
  free (bias);
  free (at);
  free (mm);
  return st;
}

MlrtStatus
mlrt_onnx_map_reduce (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  static const char *const names[][2] = {
    { "ReduceMean", "reduce_mean" }, { "ReduceSum", "reduce_sum" },
    { "ReduceMax", "reduce_max" }, { "ReduceMin", "reduce_min" },
    { "ReduceProd", "reduce_prod" }, { "ReduceL1", "reduce_l1" },
    { "ReduceL2", "reduce_l2" }, { "ReduceSumSquare", "reduce_sum_square" },
    { "ReduceLogSumExp", "reduce_log_sum_exp" },
  };
  const char *x = mlrt_onnx_map_data (m, node, 0), *op = NULL;
  const MlrtOnnxValue *xv = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  int64_t *axes = NULL, list[MLRT_ONNX_MAX_RANK];
  size_t n = 0;
  int present, mark = 0, count = 0;
  MlrtLayer *l;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (names[i][0], node->op_type) == 0)
      op = names[i][1];
  if (!mlrt_onnx_ints_arg (m->graph, node, "axes", 1,
                           strcmp (node->op_type, "ReduceSum") == 0 ? 13 : 18,
                           &axes, &n, &present))
    {
      free (axes);
      return mlrt_onnx_map_refuse (m, node, "its axes must be constants");
    }
  for (size_t i = 0; i < n; i++)
    {
      int a;
      if (mlrt_onnx_axis (axes[i], xv->rank, &a))
        mark |= 1 << a;
    }
  free (axes);
  if (n == 0 && mlrt_onnx_attr_int (node, "noop_with_empty_axes", 0))
    return mlrt_onnx_map_reshape_to (m, node, x, NULL, y);
  for (int d = 0; d < xv->rank; d++)
    if (n == 0 || (mark & (1 << d)))
      list[count++] = d;
  if (count == 0)
    return mlrt_onnx_map_reshape_to (m, node, x, NULL, y);
  if ((l = mlrt_onnx_map_unary (m, node, op, x, NULL)) == NULL)
    return MLRT_ERROR_NO_MEMORY;
  mlrt_onnx_map_dims (l->p.axes, &l->p.axes_rank, count, list);
  l->p.keep_dims = mlrt_onnx_attr_int (node, "keepdims", 1) != 0;
  return MLRT_OK;
}
