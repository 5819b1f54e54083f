/*
 * shape-nn.c: shape rules of the convolution-network ops: Conv and
 * ConvTranspose, the windowed and global pools, BatchNormalization, and
 * Resize / Upsample, with the padding arithmetic of the ONNX spec (auto_pad,
 * dilations, ceil_mode as ONNX Runtime applies it).
 */
#include <string.h>

#include "onnx-ops.h"

typedef struct {
  int n;                              /* spatial dims */
  int64_t kernel[MLRT_ONNX_MAX_RANK];
  int64_t stride[MLRT_ONNX_MAX_RANK];
  int64_t dilation[MLRT_ONNX_MAX_RANK];
  int64_t pad_begin[MLRT_ONNX_MAX_RANK];
  int64_t pad_end[MLRT_ONNX_MAX_RANK];
  const char *auto_pad;
  int ceil_mode;
} Window;

/* Reads a node's window attributes for `n` spatial dims; the kernel comes
 * from `kernel` when the node has no kernel_shape. */
static MlrtStatus
read_window (MlrtOnnxGraph *graph, MlrtOnnxNode *node, int n,
             const int64_t *kernel, Window *w, MlrtError *error)
{
  size_t nk, ns, nd, np;
  const int64_t *k = mlrt_onnx_attr_ints (node, "kernel_shape", &nk);
  const int64_t *s = mlrt_onnx_attr_ints (node, "strides", &ns);
  const int64_t *d = mlrt_onnx_attr_ints (node, "dilations", &nd);
  const int64_t *p = mlrt_onnx_attr_ints (node, "pads", &np);

  memset (w, 0, sizeof *w);
  w->n = n;
  w->auto_pad = mlrt_onnx_attr_string (node, "auto_pad", "NOTSET");
  w->ceil_mode = (int) mlrt_onnx_attr_int (node, "ceil_mode", 0);
  if ((k && nk != (size_t) n) || (s && ns != (size_t) n)
      || (d && nd != (size_t) n) || (p && np != 2 * (size_t) n))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "kernel_shape, strides, dilations or pads "
                                 "do not match the input's %d spatial dims",
                                 n);
  if (k == NULL && kernel == NULL)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "no kernel_shape");
  for (int i = 0; i < n; i++)
    {
      w->kernel[i] = k ? k[i] : kernel[i];
      w->stride[i] = s ? s[i] : 1;
      w->dilation[i] = d ? d[i] : 1;
      w->pad_begin[i] = p ? p[i] : 0;
      w->pad_end[i] = p ? p[n + i] : 0;
      if (w->stride[i] <= 0 || w->dilation[i] <= 0 || w->kernel[i] < 0
          || w->pad_begin[i] < 0 || w->pad_end[i] < 0)
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "a stride, dilation, kernel size or "
                                     "pad is out of range on axis %d", i);
    }
  return MLRT_OK;
}

static int64_t
ceil_div (int64_t a, int64_t b)
{
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/* The output size of a window sliding over `in` (-1 when in is). */
static int64_t
window_out (const Window *w, int i, int64_t in)
{
  int64_t span = (w->kernel[i] - 1) * w->dilation[i] + 1, out, room;

  if (in < 0)
    return -1;
  if (strcmp (w->auto_pad, "SAME_UPPER") == 0
      || strcmp (w->auto_pad, "SAME_LOWER") == 0)
    return ceil_div (in, w->stride[i]);
  if (strcmp (w->auto_pad, "VALID") == 0)
    return ceil_div (in - span + 1, w->stride[i]);
  room = in + w->pad_begin[i] + w->pad_end[i] - span;
  if (!w->ceil_mode)
    return room < 0 ? 0 : room / w->stride[i] + 1;
  out = ceil_div (room, w->stride[i]) + 1;
  /* a last window starting in the end padding is dropped */
  if ((out - 1) * w->stride[i] >= in + w->pad_begin[i])
    out--;
  return out;
}

MlrtStatus
mlrt_onnx_shape_conv (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0);
  MlrtOnnxShape wt = mlrt_onnx_in_shape (graph, node, 1), out;
  int64_t group = mlrt_onnx_attr_int (node, "group", 1);
  MlrtStatus status;
  Window w;

  if (x.rank < 0 || wt.rank < 0)
    {
      out.rank = x.rank >= 0 ? x.rank : wt.rank;
      for (int d = 0; d < out.rank; d++)
        out.dims[d] = -1;
      return mlrt_onnx_set_main_output (graph, node, &out, error);
    }
  if (x.rank < 3 || wt.rank != x.rank)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "input of rank %d and weights of rank %d "
                                 "(both need the same rank, at least 3)",
                                 x.rank, wt.rank);
  if (group <= 0 || (x.dims[1] >= 0 && wt.dims[1] >= 0
                     && x.dims[1] != wt.dims[1] * group))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "%lld input channels do not match weights "
                                 "of %lld channels in %lld groups",
                                 (long long) x.dims[1],
                                 (long long) wt.dims[1], (long long) group);
  status = read_window (graph, node, x.rank - 2, wt.dims + 2, &w, error);
  if (status != MLRT_OK)
    return status;
  out.rank = x.rank;
  out.dims[0] = x.dims[0];
  out.dims[1] = wt.dims[0];
  for (int i = 0; i < w.n; i++)
    out.dims[2 + i] = window_out (&w, i, x.dims[2 + i]);
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_conv_transpose (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                                MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0);
  MlrtOnnxShape wt = mlrt_onnx_in_shape (graph, node, 1), out;
  int64_t group = mlrt_onnx_attr_int (node, "group", 1);
  size_t n_op, n_os;
  const int64_t *op = mlrt_onnx_attr_ints (node, "output_padding", &n_op);
  const int64_t *os = mlrt_onnx_attr_ints (node, "output_shape", &n_os);
  MlrtStatus status;
  Window w;

  if (x.rank < 0 || wt.rank < 0)
    {
      out.rank = -1;
      return mlrt_onnx_set_main_output (graph, node, &out, error);
    }
  if (x.rank < 3 || wt.rank != x.rank || group <= 0
      || (x.dims[1] >= 0 && wt.dims[0] >= 0 && x.dims[1] != wt.dims[0]))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "input %s and weights do not fit (weights "
                                 "are [C_in, C_out/group, k...])",
                                 x.rank < 3 ? "rank" : "channels");
  status = read_window (graph, node, x.rank - 2, wt.dims + 2, &w, error);
  if (status == MLRT_OK && ((op && n_op != (size_t) w.n)
                            || (os && n_os != (size_t) w.n)))
    status = mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                   "output_padding or output_shape does not "
                                   "have %d entries", w.n);
  if (status != MLRT_OK)
    return status;
  out.rank = x.rank;
  out.dims[0] = x.dims[0];
  out.dims[1] = wt.dims[1] < 0 ? -1 : wt.dims[1] * group;
  for (int i = 0; i < w.n; i++)
    {
      int64_t in = x.dims[2 + i];
      int64_t span = (w.kernel[i] - 1) * w.dilation[i] + 1;

      if (os)
        out.dims[2 + i] = os[i];
      else if (in < 0)
        out.dims[2 + i] = -1;
      else if (strncmp (w.auto_pad, "SAME", 4) == 0)
        out.dims[2 + i] = in * w.stride[i];
      else
        out.dims[2 + i] = w.stride[i] * (in - 1) + (op ? op[i] : 0) + span
          - (strcmp (w.auto_pad, "VALID") == 0
             ? 0 : w.pad_begin[i] + w.pad_end[i]);
    }
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_pool (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out = x;
  MlrtStatus status;
  Window w;

  if (x.rank >= 0 && x.rank < 3)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "an input of rank %d (at least 3 needed)",
                                 x.rank);
  if (x.rank >= 0)
    {
      status = read_window (graph, node, x.rank - 2, NULL, &w, error);
      if (status != MLRT_OK)
        return status;
      for (int i = 0; i < w.n; i++)
        out.dims[2 + i] = window_out (&w, i, x.dims[2 + i]);
    }
  status = mlrt_onnx_set_main_output (graph, node, &out, error);
  /* MaxPool's indices */
  if (status == MLRT_OK && node->n_outputs > 1)
    status = mlrt_onnx_set_output (graph, node, 1, MLRT_ONNX_INT64, &out,
                                   error);
  return status;
}

MlrtStatus
mlrt_onnx_shape_global_pool (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                             MlrtError *error)
{
  MlrtOnnxShape out = mlrt_onnx_in_shape (graph, node, 0);

  if (out.rank >= 0 && out.rank < 3)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                 "an input of rank %d (at least 3 needed)",
                                 out.rank);
  for (int d = 2; d < out.rank; d++)
    out.dims[d] = 1;
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}

MlrtStatus
mlrt_onnx_shape_batch_norm (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                            MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0);
  MlrtOnnxShape c = { 1, { x.rank >= 2 ? x.dims[1] : -1 } };
  MlrtStatus status = mlrt_onnx_shape_same (graph, node, error);

  for (size_t i = 1; i < 5 && status == MLRT_OK; i++)
    {
      MlrtOnnxShape p = mlrt_onnx_in_shape (graph, node, i);

      if (p.rank >= 0 && (p.rank != 1 || (c.dims[0] >= 0 && p.dims[0] >= 0
                                          && p.dims[0] != c.dims[0])))
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "input %zu is not a vector of the "
                                     "input's %lld channels", i,
                                     (long long) c.dims[0]);
    }
  /* training mode's running mean and variance */
  for (size_t o = 1; o < node->n_outputs && status == MLRT_OK; o++)
    status = mlrt_onnx_set_output (graph, node, o,
                                   mlrt_onnx_in_type (graph, node, 0), &c,
                                   error);
  return status;
}

/* Resize's (and Upsample's) scales as doubles, from the attribute of
 * Upsample-7 or the scales input; 0 when not known. */
static int
resize_scales (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
               double *scales, int rank)
{
  const MlrtOnnxAttr *a = mlrt_onnx_node_attr (node, "scales");
  const MlrtOnnxTensor *t;
  size_t input = strcmp (node->op_type, "Upsample") == 0
    || node->opset < 11 ? 1 : 2;

  if (a && a->type == MLRT_ONNX_ATTR_FLOATS && a->n == (size_t) rank)
    {
      for (int d = 0; d < rank; d++)
        scales[d] = a->floats[d];
      return 1;
    }
  t = mlrt_onnx_in_const (graph, node, input);
  if (t == NULL || t->count != (size_t) rank)
    return 0;
  for (int d = 0; d < rank; d++)
    scales[d] = mlrt_onnx_tensor_get_double (t, d);
  return 1;
}

MlrtStatus
mlrt_onnx_shape_resize (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                        MlrtError *error)
{
  MlrtOnnxShape x = mlrt_onnx_in_shape (graph, node, 0), out = x;
  const MlrtOnnxTensor *sizes = node->opset >= 11
    && strcmp (node->op_type, "Resize") == 0
    ? mlrt_onnx_in_const (graph, node, 3) : NULL;
  const MlrtOnnxTensor *roi = mlrt_onnx_in_const (graph, node, 1);
  int crop = strcmp (mlrt_onnx_attr_string (node,
                                            "coordinate_transformation_mode",
                                            ""), "tf_crop_and_resize") == 0;
  double scales[MLRT_ONNX_MAX_RANK];

  if (mlrt_onnx_node_attr (node, "axes"))
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_UNSUPPORTED,
                                 "Resize over some axes only is not "
                                 "supported");
  for (int d = 0; d < x.rank; d++)
    out.dims[d] = -1;
  if (x.rank < 0)
    return mlrt_onnx_set_main_output (graph, node, &out, error);
  if (sizes && sizes->count > 0)
    {
      if (sizes->count != (size_t) x.rank)
        return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                     "%zu sizes for an input of rank %d",
                                     sizes->count, x.rank);
      for (int d = 0; d < x.rank; d++)
        out.dims[d] = mlrt_onnx_tensor_get_int (sizes, d);
    }
  else if (resize_scales (graph, node, scales, x.rank))
    for (int d = 0; d < x.rank; d++)
      {
        double extent = crop && roi && roi->count == 2 * (size_t) x.rank
          ? mlrt_onnx_tensor_get_double (roi, x.rank + d)
            - mlrt_onnx_tensor_get_double (roi, d) : 1.0;

        if (scales[d] <= 0)
          return mlrt_onnx_node_error (graph, node, error,
                                       MLRT_ERROR_FORMAT,
                                       "scale %g on axis %d is not positive",
                                       scales[d], d);
        out.dims[d] = x.dims[d] < 0 ? -1
          : (int64_t) ((double) x.dims[d] * extent * scales[d]);
      }
  return mlrt_onnx_set_main_output (graph, node, &out, error);
}
