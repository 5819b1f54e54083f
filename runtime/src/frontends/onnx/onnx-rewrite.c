/*
 * onnx-rewrite.c: what the rewriting passes (pass-fold-*.c,
 * pass-fuse-*.c) share: finding the one node that reads a value, reading
 * constants as floats, and adding the constants a fold computes as new
 * values, so a weight another node also reads is never changed under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-rewrite.h"

int *
mlrt_onnx_reader_index (const MlrtOnnxGraph *graph)
{
  int *reader = malloc ((graph->n_values + 1) * sizeof *reader);

  if (reader == NULL)
    return NULL;
  for (size_t v = 0; v < graph->n_values; v++)
    reader[v] = -1;
  for (size_t n = 0; n < graph->n_nodes; n++)
    for (size_t i = 0; i < graph->nodes[n]->n_inputs; i++)
      if (graph->nodes[n]->inputs[i] >= 0)
        reader[graph->nodes[n]->inputs[i]] = (int) n;
  return reader;
}

MlrtOnnxNode *
mlrt_onnx_sole_reader (const MlrtOnnxGraph *graph, const int *reader,
                       int value)
{
  const MlrtOnnxValue *v;
  MlrtOnnxNode *node;

  if (value < 0)
    return NULL;
  v = graph->values[value];
  if (v->consumers != 1 || v->is_output || reader[value] < 0)
    return NULL;
  node = graph->nodes[reader[value]];
  return node->removed ? NULL : node;
}

int
mlrt_onnx_node_is (const MlrtOnnxNode *node, const char *op_type)
{
  return node && node->domain[0] == '\0' && !node->removed
         && strcmp (node->op_type, op_type) == 0;
}

float *
mlrt_onnx_tensor_floats (const MlrtOnnxTensor *tensor)
{
  float *f = malloc ((tensor->count ? tensor->count : 1) * sizeof *f);

  for (size_t i = 0; f && i < tensor->count; i++)
    f[i] = (float) mlrt_onnx_tensor_get_double (tensor, i);
  return f;
}

int
mlrt_onnx_in_scalar (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                     size_t i, double *value)
{
  const MlrtOnnxTensor *t = mlrt_onnx_in_const (graph, node, i);

  if (t == NULL || t->count != 1 || t->type == MLRT_ONNX_STRING)
    return 0;
  *value = mlrt_onnx_tensor_get_double (t, 0);
  return 1;
}

int
mlrt_onnx_graph_add_constant (MlrtOnnxGraph *graph, const char *hint,
                              MlrtOnnxTensor *tensor)
{
  char name[512];
  int index = -1;

  for (int k = 0; index < 0 && k < 1000; k++)
    {
      if (k == 0)
        snprintf (name, sizeof name, "%s", hint);
      else
        snprintf (name, sizeof name, "%s.%d", hint, k);
      if (mlrt_onnx_graph_find (graph, name) < 0)
        index = mlrt_onnx_graph_intern (graph, name);
    }
  if (index < 0)
    {
      mlrt_onnx_tensor_free (tensor);
      return -1;
    }
  graph->values[index]->constant = tensor;
  graph->values[index]->type = tensor->type;
  mlrt_onnx_value_set_dims (graph->values[index], tensor->rank,
                            tensor->dims);
  return index;
}

int
mlrt_onnx_add_float_constant (MlrtOnnxGraph *graph, const char *hint,
                              int rank, const int64_t *dims,
                              const float *values)
{
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, rank, dims,
                                            NULL);

  if (t == NULL)
    return -1;
  memcpy (t->data, values, t->count * sizeof (float));
  return mlrt_onnx_graph_add_constant (graph, hint, t);
}

int
mlrt_onnx_conv_out_channels (const MlrtOnnxGraph *graph,
                             const MlrtOnnxNode *conv)
{
  const MlrtOnnxTensor *w = mlrt_onnx_in_const (graph, conv, 1);
  const MlrtOnnxTensor *b = mlrt_onnx_in_const (graph, conv, 2);

  if (!mlrt_onnx_node_is (conv, "Conv") || w == NULL || w->rank < 3
      || !mlrt_onnx_type_is_float (w->type)
      || (conv->n_inputs > 2 && conv->inputs[2] >= 0
          && (b == NULL || b->count != (size_t) w->dims[0])))
    return 0;
  return (int) w->dims[0];
}

MlrtStatus
mlrt_onnx_conv_affine (MlrtOnnxGraph *graph, MlrtOnnxNode *conv,
                       const float *mul, const float *add, MlrtError *error)
{
  const MlrtOnnxTensor *w = mlrt_onnx_in_const (graph, conv, 1);
  const MlrtOnnxTensor *b = mlrt_onnx_in_const (graph, conv, 2);
  const MlrtOnnxValue *wv = mlrt_onnx_node_input (graph, conv, 1);
  int64_t out = w->dims[0];
  size_t per = w->count / (size_t) out;
  float *nw = mlrt_onnx_tensor_floats (w);
  float *nb = malloc ((size_t) out * sizeof *nb);
  char hint[300];
  int wi = -1, bi = -1, *inputs;

  for (int64_t o = 0; nw && nb && o < out; o++)
    {
      float m = mul ? mul[o] : 1.0f;

      for (size_t k = 0; k < per; k++)
        nw[o * per + k] *= m;
      nb[o] = (b ? (float) mlrt_onnx_tensor_get_double (b, o) : 0.0f) * m
              + (add ? add[o] : 0.0f);
    }
  if (nw && nb)
    {
      snprintf (hint, sizeof hint, "%s.folded", wv->name);
      wi = mlrt_onnx_add_float_constant (graph, hint, w->rank, w->dims, nw);
      snprintf (hint, sizeof hint, "%s.bias", wv->name);
      bi = mlrt_onnx_add_float_constant (graph, hint, 1, &out, nb);
    }
  free (nw);
  free (nb);
  inputs = wi >= 0 && bi >= 0 && conv->n_inputs < 3
           ? realloc (conv->inputs, 3 * sizeof *inputs) : conv->inputs;
  if (wi < 0 || bi < 0 || inputs == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  conv->inputs = inputs;
  conv->n_inputs = 3;
  conv->inputs[1] = wi;
  conv->inputs[2] = bi;
  return MLRT_OK;
}
