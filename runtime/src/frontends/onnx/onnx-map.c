/*
 * onnx-map.c: the mapping's framework (onnx-map.h): refusing a node with
 * a reason, making layers and the tensors between them, storing weights
 * in the blob, and the walk over the graph that hands each node to its
 * op's row after checking what every row needs: static shapes, float
 * data, at most mlrt's rank.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-map.h"

MlrtStatus
mlrt_onnx_map_refuse (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                      const char *format, ...)
{
  char what[512], why[MLRT_ERROR_MESSAGE_MAX];
  char line[sizeof what + sizeof why + 4];
  va_list ap;

  va_start (ap, format);
  vsnprintf (why, sizeof why, format, ap);
  va_end (ap);
  snprintf (line, sizeof line, "%s: %s",
            mlrt_onnx_node_describe (m->graph, node, what, sizeof what), why);
  mlrt_onnx_problems_add (m->problems, line);
  return MLRT_ERROR_UNSUPPORTED;
}

/* The layer name for a node: its own, else its op and position. */
static char *
node_layer_name (const MlrtOnnxNode *node)
{
  if (node->name[0])
    return strdup (node->name);
  return mlrt_strdup_printf ("%s_%d", node->op_type, node->index);
}

MlrtLayer *
mlrt_onnx_map_layer (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                     const char *op, const char *output)
{
  MlrtSpec *spec = m->spec;
  const MlrtOpDef *def = mlrt_op_lookup (&mlrt_op_table, op);
  const MlrtOnnxValue *out = mlrt_onnx_node_output (m->graph, node, 0);
  MlrtLayer *l;
  char *base;

  if (def == NULL || (output == NULL && out == NULL))
    return NULL;
  if (spec->n_layers == m->layers_cap)
    {
      size_t cap = m->layers_cap ? m->layers_cap * 2 : 64;
      MlrtLayer *layers = realloc (spec->layers, cap * sizeof *layers);

      if (layers == NULL)
        return NULL;
      spec->layers = layers;
      m->layers_cap = cap;
    }
  /* a node's later layers: "NODE#OP2", "NODE#OP3", ... */
  m->node_layers = m->last_node == node ? m->node_layers + 1 : 1;
  m->last_node = node;
  l = &spec->layers[spec->n_layers];
  memset (l, 0, sizeof *l);
  base = node_layer_name (node);
  l->name = m->node_layers == 1 ? base
            : mlrt_strdup_printf ("%s#%s%d", base, op, m->node_layers);
  if (m->node_layers > 1)
    free (base);
  l->origin = strdup (node->name);
  l->op = def;
  l->output_name = strdup (output ? output : out->name);
  mlrt_params_init (def, &l->p);
  if (l->name == NULL || l->origin == NULL || l->output_name == NULL)
    {
      mlrt_layer_clear (l);
      return NULL;
    }
  spec->n_layers++;
  return l;
}

MlrtStatus
mlrt_onnx_map_layer_input (MlrtOnnxMap *m, MlrtLayer *layer,
                           const char *tensor)
{
  if (tensor == NULL || layer->n_inputs == MLRT_MAX_LAYER_INPUTS)
    return MLRT_ERROR_UNSUPPORTED;
  if ((layer->input_names[layer->n_inputs] = strdup (tensor)) == NULL)
    return MLRT_ERROR_NO_MEMORY;
  layer->n_inputs++;
  return MLRT_OK;
}

MlrtLayer *
mlrt_onnx_map_unary (MlrtOnnxMap *m, const MlrtOnnxNode *node, const char *op,
                     const char *in, const char *output)
{
  MlrtLayer *l = mlrt_onnx_map_layer (m, node, op, output);

  if (l && mlrt_onnx_map_layer_input (m, l, in) != MLRT_OK)
    return NULL;
  return l;
}

char *
mlrt_onnx_map_temp (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                    const char *what)
{
  const MlrtOnnxValue *out = mlrt_onnx_node_output (m->graph, node, 0);

  return mlrt_strdup_printf ("%s#%s%d", out ? out->name : node->name, what,
                             ++m->n_temps);
}

/* Appends n bytes at a 64-byte boundary; the offset, or -1. */
static int64_t
blob_append (MlrtOnnxMap *m, const void *data, size_t n)
{
  size_t at = (m->blob_size + 63) & ~(size_t) 63;

  if (at + n > m->blob_cap)
    {
      size_t cap = m->blob_cap ? m->blob_cap : 4096;
      uint8_t *blob;

      while (cap < at + n)
        cap *= 2;
      if ((blob = realloc (m->blob, cap)) == NULL)
        return -1;
      m->blob = blob;
      m->blob_cap = cap;
    }
  memset (m->blob + m->blob_size, 0, at - m->blob_size);
  memcpy (m->blob + at, data, n);
  m->blob_size = at + n;
  return (int64_t) at;
}

MlrtStatus
mlrt_onnx_map_reshape_to (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                          const char *in, const char *out,
                          const MlrtOnnxValue *v)
{
  MlrtLayer *l = mlrt_onnx_map_unary (m, node, "reshape", in, out);
  int64_t dims[MLRT_ONNX_MAX_RANK];
  int rank;

  if (l == NULL)
    return MLRT_ERROR_NO_MEMORY;
  rank = mlrt_onnx_map_shape (v, dims);
  mlrt_onnx_map_dims (l->p.shape, &l->p.shape_rank, rank, dims);
  return MLRT_OK;
}

/* How the importer stores a weight of n values (options->weights). */
static MlrtEncoding
weight_encoding (const MlrtOnnxConvertOptions *o, size_t n, int *bits)
{
  *bits = o->weight_bits;
  if (o->weights == MLRT_ENC_FLOAT16
      || (o->weights != MLRT_ENC_FLOAT32 && n >= MLRT_ONNX_COMPRESS_MIN))
    return o->weights;
  return o->half ? MLRT_ENC_FLOAT16 : MLRT_ENC_FLOAT32;
}

/* Appends the values in their encoding; the offset, or -1. */
static int64_t
append_encoded (MlrtOnnxMap *m, MlrtEncoding enc, int bits,
                const float *values, size_t n, size_t channels)
{
  float *pruned = NULL;
  uint8_t *bytes;
  size_t size;
  MlrtError error = { 0 };
  int64_t at = -1;

  if (enc == MLRT_ENC_SPARSE)
    {
      if ((pruned = malloc (n * sizeof *pruned)) == NULL)
        return -1;
      memcpy (pruned, values, n * sizeof *pruned);
      if (mlrt_weight_prune (pruned, n, m->options->weight_sparsity, &error)
          != MLRT_OK)
        {
          free (pruned);
          return -1;
        }
      values = pruned;
    }
  size = mlrt_weight_encoded_size (enc, bits, values, n, channels);
  bytes = malloc (size ? size : 1);
  if (bytes && mlrt_weight_encode (enc, bits, values, n, channels, bytes,
                                   &error) == MLRT_OK)
    at = blob_append (m, bytes, size);
  free (bytes);
  free (pruned);
  return at;
}

MlrtStatus
mlrt_onnx_map_weight (MlrtOnnxMap *m, MlrtLayer *layer, const char *role,
                      const float *values, int rank, const int64_t *dims)
{
  MlrtWeight *w;
  size_t n = 1;
  int bits;
  MlrtEncoding enc;
  int64_t at;

  if (layer->n_weights == MLRT_MAX_WEIGHTS || rank < 1 || rank > 4)
    return MLRT_ERROR_UNSUPPORTED;
  for (int d = 0; d < rank; d++)
    n *= (size_t) dims[d];
  enc = weight_encoding (m->options, n, &bits);
  at = append_encoded (m, enc, bits, values, n, (size_t) dims[0]);
  if (at < 0)
    return MLRT_ERROR_NO_MEMORY;
  w = &layer->weights[layer->n_weights];
  memset (w, 0, sizeof *w);
  if ((w->name = strdup (role)) == NULL)
    return MLRT_ERROR_NO_MEMORY;
  layer->n_weights++;
  w->rank = rank;
  memcpy (w->shape, dims, (size_t) rank * sizeof *dims);
  w->encoding = enc;
  w->bits = enc == MLRT_ENC_PALETTE ? bits : 0;
  w->offset = (uint64_t) at;
  w->size = (uint64_t) (m->blob_size - (size_t) at);
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_weight_tensor (MlrtOnnxMap *m, MlrtLayer *layer,
                             const char *role, const MlrtOnnxTensor *tensor)
{
  float *f = mlrt_onnx_tensor_floats (tensor);
  int64_t one = 1;
  MlrtStatus st;

  if (f == NULL)
    return MLRT_ERROR_NO_MEMORY;
  st = mlrt_onnx_map_weight (m, layer, role, f, tensor->rank ? tensor->rank
                                                             : 1,
                             tensor->rank ? tensor->dims : &one);
  free (f);
  return st;
}

const char *
mlrt_onnx_map_data (MlrtOnnxMap *m, const MlrtOnnxNode *node, size_t i)
{
  const MlrtOnnxValue *v = mlrt_onnx_node_input (m->graph, node, i);
  const char *renamed = v ? m->renamed[node->inputs[i]] : NULL;

  if (v == NULL)
    {
      mlrt_onnx_map_refuse (m, node, "input %zu is missing", i);
      return NULL;
    }
  if (v->constant)
    {
      mlrt_onnx_map_refuse (m, node, "input '%s' is a constant where mlrt "
                            "takes a tensor the network computes", v->name);
      return NULL;
    }
  return renamed ? renamed : v->name;
}

const MlrtOnnxTensor *
mlrt_onnx_map_const (MlrtOnnxMap *m, const MlrtOnnxNode *node, size_t i,
                     const char *what)
{
  const MlrtOnnxValue *v = mlrt_onnx_node_input (m->graph, node, i);

  if (v == NULL || v->constant == NULL)
    {
      mlrt_onnx_map_refuse (m, node, "its %s (input %zu%s%s%s) must be a "
                            "constant: mlrt stores it with the model", what,
                            i, v ? ", '" : "", v ? v->name : "",
                            v ? "'" : "");
      return NULL;
    }
  return v->constant;
}

int
mlrt_onnx_map_shape (const MlrtOnnxValue *v, int64_t *dims)
{
  if (v->rank == 0)
    {
      dims[0] = 1;
      return 1;
    }
  for (int d = 0; d < v->rank; d++)
    dims[d] = v->dims[d].value;
  return v->rank;
}

void
mlrt_onnx_map_dims (int64_t *param, int *count, int n, const int64_t *values)
{
  memcpy (param, values, (size_t) n * sizeof *values);
  *count = n;
}

int
mlrt_onnx_map_want_image (MlrtOnnxMap *m, const MlrtOnnxNode *node)
{
  const MlrtOnnxValue *x = mlrt_onnx_node_input (m->graph, node, 0);
  char shape[256];

  if (x && x->rank == 4 && x->dims[0].value == 1)
    return mlrt_onnx_map_data (m, node, 0) != NULL;
  if (x && x->rank == 4)
    mlrt_onnx_map_refuse (m, node, "a batch of %lld images: mlrt runs "
                          "this op on one [1, C, H, W] image a prediction "
                          "(convert with --input NAME:1,... and predict "
                          "batches with mlrt_model_predict_batch)",
                          (long long) x->dims[0].value);
  else
    mlrt_onnx_map_refuse (m, node, "input %s: mlrt runs this op on a "
                          "[1, C, H, W] image only (no 1-D or 3-D version)",
                          x ? mlrt_onnx_value_shape_string (x, shape,
                                                            sizeof shape)
                            : "missing");
  return 0;
}

/* What every node needs of its data tensors before its row sees it. */
static int
tensors_fit (MlrtOnnxMap *m, const MlrtOnnxNode *node)
{
  char shape[256];

  for (int side = 0; side < 2; side++)
    {
      size_t n = side ? node->n_outputs : node->n_inputs;

      for (size_t i = 0; i < n; i++)
        {
          const MlrtOnnxValue *v = side ? mlrt_onnx_node_output (m->graph,
                                                                 node, i)
                                        : mlrt_onnx_node_input (m->graph,
                                                                node, i);

          if (v == NULL || v->constant
              || (side && v->consumers == 0 && !v->is_output))
            continue;
          if (!mlrt_onnx_value_is_static (v))
            {
              mlrt_onnx_map_refuse (m, node, "tensor '%s' has the shape %s, "
                                    "not fully known", v->name,
                                    mlrt_onnx_value_shape_string
                                    (v, shape, sizeof shape));
              return 0;
            }
          for (int d = 0; d < v->rank; d++)
            if (v->dims[d].value == 0)
              {
                mlrt_onnx_map_refuse (m, node, "tensor '%s' is empty (%s); "
                                      "mlrt's tensors hold values",
                                      v->name, mlrt_onnx_value_shape_string
                                      (v, shape, sizeof shape));
                return 0;
              }
          if (v->rank > MLRT_MAX_RANK)
            {
              mlrt_onnx_map_refuse (m, node, "tensor '%s' has %d dims; mlrt "
                                    "holds at most %d", v->name, v->rank,
                                    MLRT_MAX_RANK);
              return 0;
            }
          if (!mlrt_onnx_type_is_float (v->type)
              && v->type != MLRT_ONNX_INT32)
            {
              mlrt_onnx_map_refuse (m, node, "tensor '%s' holds %s values; "
                                    "mlrt's tensors hold numbers as floats",
                                    v->name, mlrt_onnx_type_name (v->type));
              return 0;
            }
        }
    }
  return 1;
}

/* Whether a node's inputs are all there: a node downstream of one that
 * could not be shaped is not refused again. */
static int
inputs_shaped (const MlrtOnnxMap *m, const MlrtOnnxNode *node)
{
  for (size_t i = 0; i < node->n_inputs; i++)
    {
      const MlrtOnnxValue *v = mlrt_onnx_node_input (m->graph, node, i);

      if (v && !v->constant && v->rank < 0)
        return 0;
    }
  return 1;
}

MlrtStatus
mlrt_onnx_map_graph (MlrtOnnxMap *m, MlrtError *error)
{
  MlrtStatus status = mlrt_onnx_map_features (m);

  for (size_t n = 0; status == MLRT_OK && n < m->graph->n_nodes; n++)
    {
      MlrtOnnxNode *node = m->graph->nodes[n];
      const MlrtOnnxOpRule *rule = mlrt_onnx_map_rule (node);
      MlrtStatus st;

      if (rule == NULL)
        {
          if (mlrt_onnx_op_rule (node) == NULL)
            mlrt_onnx_map_refuse (m, node, "mlrt has no %s op",
                                  node->op_type);
          else if (inputs_shaped (m, node))
            mlrt_onnx_map_refuse (m, node, "mlrt computes %s only on "
                                  "constants, at conversion; here its "
                                  "inputs are computed by the network",
                                  node->op_type);
          continue;
        }
      if (!inputs_shaped (m, node) || !tensors_fit (m, node))
        continue;
      st = rule->map (m, node);
      if (st == MLRT_ERROR_NO_MEMORY)
        status = st;
    }
  if (status == MLRT_OK)
    status = mlrt_onnx_map_outputs (m);
  if (status == MLRT_ERROR_NO_MEMORY)
    return mlrt_set_error (error, status, "%s: out of memory",
                           m->graph->origin);
  return status;
}
