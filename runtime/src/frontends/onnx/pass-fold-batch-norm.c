/*
 * pass-fold-batch-norm.c: Conv -> BatchNormalization becomes one Conv
 * (onnxruntime's conv_bn_fusion): in inference the norm is a scale and a
 * shift per channel, s = gamma / sqrt (var + eps), y = (x - mean) s +
 * beta, which the convolution's weights and bias absorb exactly. A norm
 * whose statistics are not constants, or that a training-mode model asks
 * for its running statistics, stays.
 */
#include <math.h>
#include <stdlib.h>

#include "onnx-rewrite.h"

/* The norm's four parameters as floats, each of c values. */
static int
norm_params (const MlrtOnnxGraph *graph, const MlrtOnnxNode *bn, int c,
             float **p)
{
  for (size_t i = 0; i < 4; i++)
    {
      const MlrtOnnxTensor *t = mlrt_onnx_in_const (graph, bn, i + 1);

      p[i] = NULL;
      if (t == NULL || t->count != (size_t) c
          || !mlrt_onnx_type_is_float (t->type))
        return 0;
    }
  for (size_t i = 0; i < 4; i++)
    if ((p[i] = mlrt_onnx_tensor_floats (mlrt_onnx_in_const (graph, bn,
                                                             i + 1))) == NULL)
      return 0;
  return 1;
}

static int
only_first_output_used (const MlrtOnnxGraph *graph, const MlrtOnnxNode *bn)
{
  for (size_t o = 1; o < bn->n_outputs; o++)
    {
      const MlrtOnnxValue *v = mlrt_onnx_node_output (graph, bn, o);

      if (v && (v->consumers > 0 || v->is_output))
        return 0;
    }
  return bn->n_outputs >= 1 && bn->outputs[0] >= 0;
}

/* Folds bn into the conv writing its input, if it can. */
static MlrtStatus
fold_one (MlrtOnnxGraph *graph, const int *reader, MlrtOnnxNode *bn,
          MlrtError *error)
{
  const MlrtOnnxValue *x = mlrt_onnx_node_input (graph, bn, 0);
  MlrtOnnxNode *conv;
  float *p[4] = { NULL }, *scale = NULL, *shift = NULL;
  float eps = mlrt_onnx_attr_float (bn, "epsilon", 1e-5f);
  MlrtStatus status = MLRT_OK;
  int c;

  if (x == NULL || x->producer < 0 || !only_first_output_used (graph, bn))
    return MLRT_OK;
  conv = graph->nodes[x->producer];
  c = mlrt_onnx_conv_out_channels (graph, conv);
  if (c == 0 || conv->outputs[0] != bn->inputs[0]
      || mlrt_onnx_sole_reader (graph, reader, bn->inputs[0]) != bn
      || mlrt_onnx_attr_int (bn, "training_mode", 0) != 0)
    return MLRT_OK;
  if (norm_params (graph, bn, c, p))
    {
      scale = malloc ((size_t) c * sizeof *scale);
      shift = malloc ((size_t) c * sizeof *shift);
    }
  if (scale && shift)
    {
      /* p: gamma, beta, mean, var */
      for (int o = 0; o < c; o++)
        {
          scale[o] = p[0][o] / sqrtf (p[3][o] + eps);
          shift[o] = p[1][o] - p[2][o] * scale[o];
        }
      status = mlrt_onnx_conv_affine (graph, conv, scale, shift, error);
      if (status == MLRT_OK)
        {
          conv->outputs[0] = bn->outputs[0];
          bn->removed = 1;
        }
    }
  for (int i = 0; i < 4; i++)
    free (p[i]);
  free (scale);
  free (shift);
  return status;
}

MlrtStatus
mlrt_onnx_pass_fold_batch_norm (MlrtOnnxGraph *graph, MlrtError *error)
{
  MlrtStatus status = mlrt_onnx_graph_link (graph, error);
  int *reader = status == MLRT_OK ? mlrt_onnx_reader_index (graph) : NULL;

  if (status == MLRT_OK && reader == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t n = 0; status == MLRT_OK && n < graph->n_nodes; n++)
    if (mlrt_onnx_node_is (graph->nodes[n], "BatchNormalization"))
      status = fold_one (graph, reader, graph->nodes[n], error);
  free (reader);
  mlrt_onnx_graph_compact (graph);
  return status == MLRT_OK ? mlrt_onnx_graph_link (graph, error) : status;
}
