/*
 * map-nn.c: the image ops of ONNX mapped to mlrt's: Conv, ConvTranspose,
 * MaxPool and AveragePool, the global pools, BatchNormalization (a scale
 * layer when no convolution took it), InstanceNormalization, and Resize /
 * Upsample when they are integer-factor upsampling. mlrt pads the same on
 * both sides of an axis and runs one image a prediction; a node asking
 * otherwise is refused saying so. Every mapping checks that mlrt's output
 * shape is the one ONNX says.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-map.h"

/* A window op's geometry, from its attributes and its input's and
 * output's [H, W]. */
typedef struct {
  int64_t kernel[2], stride[2], dilation[2], pad[2];
} Window;

/* Reads kernel_shape (or `kernel` when the weights give it), strides,
 * dilations and pads (or auto_pad), refusing what mlrt cannot pad. */
static int
read_window (MlrtOnnxMap *m, const MlrtOnnxNode *node, const int64_t *kernel,
             const int64_t *in, const int64_t *out, int transposed,
             Window *w)
{
  const char *auto_pad = mlrt_onnx_attr_string (node, "auto_pad", "NOTSET");
  const int64_t *a;
  size_t n;

  for (int d = 0; d < 2; d++)
    {
      w->kernel[d] = kernel ? kernel[d] : 0;
      w->stride[d] = w->dilation[d] = 1;
      w->pad[d] = 0;
    }
  if ((a = mlrt_onnx_attr_ints (node, "kernel_shape", &n)) && n == 2)
    memcpy (w->kernel, a, sizeof w->kernel);
  if ((a = mlrt_onnx_attr_ints (node, "strides", &n)) && n == 2)
    memcpy (w->stride, a, sizeof w->stride);
  if ((a = mlrt_onnx_attr_ints (node, "dilations", &n)) && n == 2)
    memcpy (w->dilation, a, sizeof w->dilation);
  if (strcmp (auto_pad, "NOTSET") == 0)
    {
      if ((a = mlrt_onnx_attr_ints (node, "pads", &n)) && n == 4)
        {
          if (a[0] != a[2] || a[1] != a[3])
            return mlrt_onnx_map_refuse (m, node, "padding [%lld, %lld, "
                                         "%lld, %lld] differs on the two "
                                         "sides of an axis; mlrt pads both "
                                         "sides alike", (long long) a[0],
                                         (long long) a[1], (long long) a[2],
                                         (long long) a[3]), 0;
          w->pad[0] = a[0];
          w->pad[1] = a[1];
        }
      return 1;
    }
  for (int d = 0; d < 2 && strcmp (auto_pad, "VALID") != 0; d++)
    {
      /* SAME_*: the total padding that gives ceil (in / stride) outputs */
      int64_t span = (w->kernel[d] - 1) * w->dilation[d] + 1;
      int64_t total = transposed
                      ? (in[d] - 1) * w->stride[d] + span - out[d]
                      : (out[d] - 1) * w->stride[d] + span - in[d];

      if (total < 0)
        total = 0;
      if (total % 2)
        return mlrt_onnx_map_refuse (m, node, "auto_pad %s pads one side of "
                                     "an axis more than the other; mlrt pads "
                                     "both sides alike", auto_pad), 0;
      w->pad[d] = total / 2;
    }
  return 1;
}

static void
hw (const MlrtOnnxValue *v, int64_t *out)
{
  out[0] = v->dims[v->rank - 2].value;
  out[1] = v->dims[v->rank - 1].value;
}

/* Refuses the node when mlrt's output [H, W] is not ONNX's. */
static int
same_extent (MlrtOnnxMap *m, const MlrtOnnxNode *node, const int64_t *mine,
             const int64_t *onnx)
{
  if (mine[0] == onnx[0] && mine[1] == onnx[1])
    return 1;
  return mlrt_onnx_map_refuse (m, node, "mlrt's window arithmetic gives "
                               "[%lld, %lld] where the model says [%lld, "
                               "%lld] (padding mlrt lacks)",
                               (long long) mine[0], (long long) mine[1],
                               (long long) onnx[0], (long long) onnx[1]), 0;
}

static void
set_window (MlrtLayer *l, const Window *w)
{
  for (int d = 0; d < 2; d++)
    {
      l->p.kernel[d] = (int) w->kernel[d];
      l->p.stride[d] = (int) w->stride[d];
      l->p.padding[d] = (int) w->pad[d];
    }
}

/* A convolution's layer of `op` over the node's input: its window, out
 * channels, weight and bias (when the node has one); NULL having
 * refused, or without memory (*st says which). */
static MlrtLayer *
conv_layer (MlrtOnnxMap *m, const MlrtOnnxNode *node, const char *op,
            const Window *win, int64_t out_channels, MlrtStatus *st)
{
  const MlrtOnnxTensor *w = mlrt_onnx_in_const (m->graph, node, 1);
  const MlrtOnnxTensor *b = mlrt_onnx_in_const (m->graph, node, 2);
  MlrtLayer *l = mlrt_onnx_map_unary (m, node, op,
                                      mlrt_onnx_map_data (m, node, 0), NULL);

  *st = MLRT_ERROR_NO_MEMORY;
  if (l == NULL)
    return NULL;
  set_window (l, win);
  l->p.out_channels = (int) out_channels;
  *st = mlrt_onnx_map_weight_tensor (m, l, "weight", w);
  if (*st == MLRT_OK && b)
    *st = mlrt_onnx_map_weight_tensor (m, l, "bias", b);
  return *st == MLRT_OK ? l : NULL;
}

/* The weight (and bias, if any) of a Conv or ConvTranspose, which must
 * be constants; NULL having refused. */
static const MlrtOnnxTensor *
conv_weights (MlrtOnnxMap *m, const MlrtOnnxNode *node)
{
  const MlrtOnnxTensor *w;

  if (!mlrt_onnx_map_want_image (m, node)
      || (w = mlrt_onnx_map_const (m, node, 1, "weight")) == NULL)
    return NULL;
  if (node->n_inputs > 2 && node->inputs[2] >= 0
      && mlrt_onnx_in_const (m->graph, node, 2) == NULL)
    return mlrt_onnx_map_refuse (m, node, "its bias must be a constant"),
           NULL;
  if (w->rank != 4)
    return mlrt_onnx_map_refuse (m, node, "a weight of %d dims", w->rank),
           NULL;
  return w;
}

MlrtStatus
mlrt_onnx_map_conv (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxValue *x = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  const MlrtOnnxTensor *w = conv_weights (m, node);
  int64_t in[2], out[2], mine[2];
  Window win;
  MlrtLayer *l;
  MlrtStatus st;

  if (w == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  hw (x, in);
  hw (y, out);
  if (!read_window (m, node, w->dims + 2, in, out, 0, &win))
    return MLRT_ERROR_UNSUPPORTED;
  for (int d = 0; d < 2; d++)
    mine[d] = mlrt_shape_window (in[d], (int) win.kernel[d],
                                 (int) win.stride[d], (int) win.pad[d],
                                 (int) win.dilation[d]);
  if (!same_extent (m, node, mine, out))
    return MLRT_ERROR_UNSUPPORTED;
  if ((l = conv_layer (m, node, "conv2d", &win, w->dims[0], &st)) == NULL)
    return st;
  l->p.dilation[0] = (int) win.dilation[0];
  l->p.dilation[1] = (int) win.dilation[1];
  l->p.groups = (int) mlrt_onnx_attr_int (node, "group", 1);
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_conv_transpose (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxValue *x = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  const MlrtOnnxTensor *w = conv_weights (m, node);
  int64_t in[2], out[2], mine[2], opad[2] = { 0, 0 };
  const int64_t *a;
  size_t n;
  Window win;
  MlrtLayer *l;
  MlrtStatus st;

  if (w == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (mlrt_onnx_attr_int (node, "group", 1) != 1)
    return mlrt_onnx_map_refuse (m, node, "grouped transposed convolution "
                                 "(group %lld): mlrt's has one group",
                                 (long long) mlrt_onnx_attr_int (node,
                                                                 "group", 1));
  hw (x, in);
  hw (y, out);
  if (!read_window (m, node, w->dims + 2, in, out, 1, &win))
    return MLRT_ERROR_UNSUPPORTED;
  if (win.dilation[0] != 1 || win.dilation[1] != 1)
    return mlrt_onnx_map_refuse (m, node, "dilated transposed convolution: "
                                 "mlrt's has no dilation");
  if ((a = mlrt_onnx_attr_ints (node, "output_padding", &n)) && n == 2)
    memcpy (opad, a, sizeof opad);
  for (int d = 0; d < 2; d++)
    {
      mine[d] = (in[d] - 1) * win.stride[d] - 2 * win.pad[d] + win.kernel[d]
                + opad[d];
      /* an output_shape attribute: the padding that gives it, if even */
      if (mine[d] != out[d] && mlrt_onnx_node_attr (node, "output_shape")
          && (mine[d] - out[d]) % 2 == 0 && mine[d] > out[d])
        {
          win.pad[d] += (mine[d] - out[d]) / 2;
          mine[d] = out[d];
        }
    }
  if (!same_extent (m, node, mine, out))
    return MLRT_ERROR_UNSUPPORTED;
  if ((l = conv_layer (m, node, "conv_transpose2d", &win, w->dims[1], &st))
      == NULL)
    return st;
  l->p.output_padding[0] = (int) opad[0];
  l->p.output_padding[1] = (int) opad[1];
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_pool (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxValue *x = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  const MlrtOnnxValue *indices = mlrt_onnx_node_output (m->graph, node, 1);
  int is_max = strcmp (node->op_type, "MaxPool") == 0;
  int ceil_mode = mlrt_onnx_attr_int (node, "ceil_mode", 0) != 0;
  int64_t in[2], out[2], mine[2];
  Window win;
  MlrtLayer *l;

  if (!mlrt_onnx_map_want_image (m, node))
    return MLRT_ERROR_UNSUPPORTED;
  if (indices && (indices->consumers > 0 || indices->is_output))
    return mlrt_onnx_map_refuse (m, node, "its indices output: mlrt's "
                                 "max_pool gives the values only");
  hw (x, in);
  hw (y, out);
  if (!read_window (m, node, NULL, in, out, 0, &win))
    return MLRT_ERROR_UNSUPPORTED;
  if (win.dilation[0] != 1 || win.dilation[1] != 1)
    return mlrt_onnx_map_refuse (m, node, "dilated pooling: mlrt's pools "
                                 "have no dilation");
  for (int d = 0; d < 2; d++)
    {
      if (win.pad[d] >= win.kernel[d])
        return mlrt_onnx_map_refuse (m, node, "padding %lld as large as the "
                                     "window", (long long) win.pad[d]);
      mine[d] = ceil_mode
                ? mlrt_shape_window_ceil (in[d], (int) win.kernel[d],
                                          (int) win.stride[d],
                                          (int) win.pad[d])
                : mlrt_shape_window (in[d], (int) win.kernel[d],
                                     (int) win.stride[d], (int) win.pad[d],
                                     1);
    }
  if (!same_extent (m, node, mine, out))
    return MLRT_ERROR_UNSUPPORTED;
  if ((l = mlrt_onnx_map_unary (m, node, is_max ? "max_pool" : "avg_pool",
                                mlrt_onnx_map_data (m, node, 0), NULL))
      == NULL)
    return MLRT_ERROR_NO_MEMORY;
  set_window (l, &win);
  l->p.ceil_mode = ceil_mode;
  l->p.count_pad = !is_max && mlrt_onnx_attr_int (node, "count_include_pad",
                                                  0) != 0;
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_global_pool (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  MlrtLayer *l;

  if (!mlrt_onnx_map_want_image (m, node))
    return MLRT_ERROR_UNSUPPORTED;
  l = mlrt_onnx_map_unary (m, node,
                           strcmp (node->op_type, "GlobalMaxPool") == 0
                           ? "global_max_pool" : "global_avg_pool",
                           mlrt_onnx_map_data (m, node, 0), NULL);
  if (l == NULL)
    return MLRT_ERROR_NO_MEMORY;
  l->p.keep_dims = 1;
  return MLRT_OK;
}

/* A batch norm no convolution took: scale and shift per channel (axis
 * 1), as a scale layer, for a batch of any size. */
MlrtStatus
mlrt_onnx_map_batch_norm (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxValue *x = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxTensor *p[4];
  static const char *const what[4] = { "scale", "bias", "mean", "variance" };
  float eps = mlrt_onnx_attr_float (node, "epsilon", 1e-5f);
  int64_t dims[4] = { 0, 1, 1, 1 };
  float *s, *b;
  MlrtLayer *l;
  MlrtStatus st = MLRT_OK;

  for (size_t i = 1; i < node->n_outputs; i++)
    {
      const MlrtOnnxValue *v = mlrt_onnx_node_output (m->graph, node, i);
      if (v && (v->consumers > 0 || v->is_output))
        return mlrt_onnx_map_refuse (m, node, "training mode: mlrt does "
                                     "not update running statistics");
    }
  if (x->rank < 2 || x->rank > 5)
    return mlrt_onnx_map_refuse (m, node, "input of rank %d", x->rank);
  if (mlrt_onnx_map_data (m, node, 0) == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  dims[0] = x->dims[1].value;
  for (int i = 0; i < 4; i++)
    if ((p[i] = mlrt_onnx_map_const (m, node, i + 1, what[i])) == NULL)
      return MLRT_ERROR_UNSUPPORTED;
    else if (p[i]->count != (size_t) dims[0])
      return mlrt_onnx_map_refuse (m, node, "its %s has %zu values for %lld "
                                   "channels", what[i], p[i]->count,
                                   (long long) dims[0]);
  s = malloc ((size_t) dims[0] * sizeof *s);
  b = malloc ((size_t) dims[0] * sizeof *b);
  for (int64_t c = 0; s && b && c < dims[0]; c++)
    {
      double g = mlrt_onnx_tensor_get_double (p[0], c);
      double v = mlrt_onnx_tensor_get_double (p[3], c);

      s[c] = (float) (g / sqrt (v + eps));
      b[c] = (float) (mlrt_onnx_tensor_get_double (p[1], c)
                      - mlrt_onnx_tensor_get_double (p[2], c) * s[c]);
    }
  l = s && b ? mlrt_onnx_map_unary (m, node, "scale",
                                    mlrt_onnx_map_data (m, node, 0), NULL)
             : NULL;
  if (l == NULL)
    st = MLRT_ERROR_NO_MEMORY;
  if (st == MLRT_OK)
    st = mlrt_onnx_map_weight (m, l, "scale", s, x->rank - 1, dims);
  if (st == MLRT_OK)
    st = mlrt_onnx_map_weight (m, l, "bias", b, x->rank - 1, dims);
  free (s);
  free (b);
  return st;
}

MlrtStatus
mlrt_onnx_map_instance_norm (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxTensor *g, *b;
  MlrtLayer *l;
  MlrtStatus st;

  if (!mlrt_onnx_map_want_image (m, node)
      || (g = mlrt_onnx_map_const (m, node, 1, "scale")) == NULL
      || (b = mlrt_onnx_map_const (m, node, 2, "bias")) == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if ((l = mlrt_onnx_map_unary (m, node, "instance_norm",
                                mlrt_onnx_map_data (m, node, 0), NULL))
      == NULL)
    return MLRT_ERROR_NO_MEMORY;
  l->p.epsilon = mlrt_onnx_attr_float (node, "epsilon", 1e-5f);
  st = mlrt_onnx_map_weight_tensor (m, l, "gamma", g);
  if (st == MLRT_OK)
    st = mlrt_onnx_map_weight_tensor (m, l, "beta", b);
  return st;
}

/* The input row ONNX's nearest mode reads for output row o of a resize
 * by s, under its coordinate transformation and rounding. */
static int64_t
nearest_source (const char *transform, const char *rounding, int64_t o,
                int64_t s, int64_t in)
{
  double x = strcmp (transform, "asymmetric") == 0 ? (double) o / s
             : strcmp (transform, "align_corners") == 0
               ? (double) o * (in - 1) / (in * s - 1)
             : strcmp (transform, "tf_half_pixel_for_nn") == 0
               ? (o + 0.5) / s
             : (o + 0.5) / s - 0.5;
  double r = strcmp (rounding, "floor") == 0 ? floor (x)
             : strcmp (rounding, "ceil") == 0 ? ceil (x)
             : strcmp (rounding, "round_prefer_ceil") == 0 ? floor (x + 0.5)
             : ceil (x - 0.5);

  return r < 0 ? 0 : r > in - 1 ? in - 1 : (int64_t) r;
}

/* Why a resize is not mlrt's upsample (pixels repeated, or interpolated
 * at half-pixel centres), or NULL when it is. */
static const char *
resize_mismatch (const MlrtOnnxNode *node, const char *mode,
                 const int64_t *in, const int64_t *scale)
{
  const char *transform = mlrt_onnx_attr_string
    (node, "coordinate_transformation_mode",
     strcmp (node->op_type, "Upsample") == 0 || node->opset < 11
     ? "asymmetric" : "half_pixel");
  const char *rounding = mlrt_onnx_attr_string (node, "nearest_mode",
                                                node->opset < 11 ? "floor"
                                                : "round_prefer_floor");

  if (strcmp (transform, "tf_crop_and_resize") == 0)
    return "tf_crop_and_resize: mlrt's upsample covers the whole image";
  if (strcmp (mode, "nearest") == 0)
    {
      for (int d = 0; d < 2; d++)
        for (int64_t o = 0; o < in[d] * scale[d]; o++)
          if (nearest_source (transform, rounding, o, scale[d], in[d])
              != o / scale[d])
            return "this nearest mode picks other pixels than repeating "
                   "each one (mlrt's nearest upsample)";
      return NULL;
    }
  if (strcmp (mode, "linear") == 0 || strcmp (mode, "bilinear") == 0)
    return strcmp (transform, "half_pixel") == 0
           || strcmp (transform, "pytorch_half_pixel") == 0 ? NULL
           : "linear interpolation with other coordinates than half_pixel "
             "(mlrt's bilinear upsample)";
  return "cubic interpolation: mlrt upsamples by nearest or bilinear only";
}

MlrtStatus
mlrt_onnx_map_resize (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const MlrtOnnxValue *x = mlrt_onnx_node_input (m->graph, node, 0);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  const char *mode = mlrt_onnx_attr_string (node, "mode", "nearest");
  const char *why;
  int64_t in[2], out[2], scale[2];
  MlrtLayer *l;

  if (!mlrt_onnx_map_want_image (m, node))
    return MLRT_ERROR_UNSUPPORTED;
  if (y->dims[0].value != 1 || y->dims[1].value != x->dims[1].value)
    return mlrt_onnx_map_refuse (m, node, "resizes the batch or channels; "
                                 "mlrt's upsample scales height and width");
  hw (x, in);
  hw (y, out);
  for (int d = 0; d < 2; d++)
    {
      if (out[d] < in[d] || out[d] % in[d])
        return mlrt_onnx_map_refuse (m, node, "[%lld, %lld] to [%lld, "
                                     "%lld]: mlrt's upsample scales up by "
                                     "whole factors only",
                                     (long long) in[0], (long long) in[1],
                                     (long long) out[0], (long long) out[1]);
      scale[d] = out[d] / in[d];
    }
  if ((why = resize_mismatch (node, mode, in, scale)) != NULL)
    return mlrt_onnx_map_refuse (m, node, "%s", why);
  if ((l = mlrt_onnx_map_unary (m, node, "upsample",
                                mlrt_onnx_map_data (m, node, 0), NULL))
      == NULL)
    return MLRT_ERROR_NO_MEMORY;
  l->p.scale[0] = (int) scale[0];
  l->p.scale[1] = (int) scale[1];
  l->p.bilinear = strcmp (mode, "nearest") == 0 ? MLRT_UPSAMPLE_NEAREST
                                                : MLRT_UPSAMPLE_BILINEAR;
  return MLRT_OK;
}
