/*
 * onnx-graph.c: building, querying and freeing the frontend's graph
 * (onnx-graph.h), and the one way its errors name a node.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-graph.h"
#include "onnx-names.h"

MlrtOnnxGraph *
mlrt_onnx_graph_new (const char *origin)
{
  MlrtOnnxGraph *graph = calloc (1, sizeof *graph);

  if (graph == NULL)
    return NULL;
  graph->origin = strdup (origin ? origin : "(memory)");
  graph->names = mlrt_onnx_names_new ();
  if (graph->origin == NULL || graph->names == NULL)
    {
      mlrt_onnx_graph_free (graph);
      return NULL;
    }
  return graph;
}

static void
value_free (MlrtOnnxValue *value)
{
  if (value == NULL)
    return;
  free (value->name);
  for (int d = 0; d < MLRT_ONNX_MAX_RANK; d++)
    free (value->dims[d].param);
  mlrt_onnx_tensor_free (value->constant);
  free (value);
}

static void
node_free (MlrtOnnxNode *node)
{
  if (node == NULL)
    return;
  free (node->name);
  free (node->op_type);
  free (node->domain);
  free (node->inputs);
  free (node->outputs);
  for (size_t i = 0; i < node->n_attrs; i++)
    mlrt_onnx_attr_clear (&node->attrs[i]);
  free (node->attrs);
  free (node->doc_string);
  free (node);
}

void
mlrt_onnx_graph_free (MlrtOnnxGraph *graph)
{
  if (graph == NULL)
    return;
  for (size_t i = 0; i < graph->n_nodes; i++)
    node_free (graph->nodes[i]);
  free (graph->nodes);
  for (size_t i = 0; i < graph->n_values; i++)
    value_free (graph->values[i]);
  free (graph->values);
  mlrt_onnx_names_free (graph->names);
  free (graph->inputs);
  free (graph->outputs);
  for (size_t i = 0; i < graph->n_opsets; i++)
    free (graph->opsets[i].domain);
  free (graph->opsets);
  for (size_t i = 0; i < graph->n_metadata; i++)
    {
      free (graph->metadata[i].key);
      free (graph->metadata[i].value);
    }
  free (graph->metadata);
  free (graph->origin);
  free (graph->producer_name);
  free (graph->producer_version);
  free (graph->domain);
  free (graph->doc_string);
  free (graph->graph_name);
  free (graph->graph_doc_string);
  free (graph);
}

int
mlrt_onnx_graph_find (const MlrtOnnxGraph *graph, const char *name)
{
  return mlrt_onnx_names_get (graph->names, name);
}

int
mlrt_onnx_graph_intern (MlrtOnnxGraph *graph, const char *name)
{
  int index = mlrt_onnx_graph_find (graph, name);
  MlrtOnnxValue *value;

  if (index >= 0)
    return index;
  if (graph->n_values == graph->values_cap)
    {
      size_t cap = graph->values_cap ? graph->values_cap * 2 : 64;
      MlrtOnnxValue **values = realloc (graph->values, cap * sizeof *values);

      if (values == NULL)
        return -1;
      graph->values = values;
      graph->values_cap = cap;
    }
  value = calloc (1, sizeof *value);
  if (value == NULL || (value->name = strdup (name)) == NULL)
    {
      free (value);
      return -1;
    }
  value->rank = -1;
  value->producer = -1;
  index = (int) graph->n_values;
  if (!mlrt_onnx_names_put (graph->names, value->name, index))
    {
      value_free (value);
      return -1;
    }
  graph->values[graph->n_values++] = value;
  return index;
}

int64_t
mlrt_onnx_graph_opset (const MlrtOnnxGraph *graph, const char *domain)
{
  if (domain == NULL || strcmp (domain, "ai.onnx") == 0)
    domain = "";
  for (size_t i = 0; i < graph->n_opsets; i++)
    {
      const char *d = graph->opsets[i].domain;

      if (strcmp (d, "ai.onnx") == 0)
        d = "";
      if (strcmp (d, domain) == 0)
        return graph->opsets[i].version;
    }
  return 0;
}

MlrtStatus
mlrt_onnx_graph_link (MlrtOnnxGraph *graph, MlrtError *error)
{
  for (size_t v = 0; v < graph->n_values; v++)
    {
      graph->values[v]->producer = -1;
      graph->values[v]->consumers = 0;
    }
  for (size_t n = 0; n < graph->n_nodes; n++)
    {
      MlrtOnnxNode *node = graph->nodes[n];

      for (size_t i = 0; i < node->n_inputs; i++)
        if (node->inputs[i] >= 0)
          graph->values[node->inputs[i]]->consumers++;
      for (size_t i = 0; i < node->n_outputs; i++)
        {
          MlrtOnnxValue *out = mlrt_onnx_node_output (graph, node, i);

          if (out == NULL)
            continue;
          if (out->producer >= 0 || out->is_input || out->is_initializer)
            return mlrt_onnx_node_error (graph, node, error,
                                         MLRT_ERROR_FORMAT,
                                         "output '%s' is already %s",
                                         out->name, out->producer >= 0
                                         ? "written by another node"
                                         : "a graph input or initializer");
          out->producer = (int) n;
        }
    }
  return MLRT_OK;
}

void
mlrt_onnx_graph_compact (MlrtOnnxGraph *graph)
{
  size_t kept = 0;

  for (size_t n = 0; n < graph->n_nodes; n++)
    {
      if (graph->nodes[n]->removed)
        node_free (graph->nodes[n]);
      else
        graph->nodes[kept++] = graph->nodes[n];
    }
  graph->n_nodes = kept;
}

MlrtOnnxValue *
mlrt_onnx_node_input (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                      size_t i)
{
  if (i >= node->n_inputs || node->inputs[i] < 0)
    return NULL;
  return graph->values[node->inputs[i]];
}

MlrtOnnxValue *
mlrt_onnx_node_output (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                       size_t i)
{
  if (i >= node->n_outputs || node->outputs[i] < 0)
    return NULL;
  return graph->values[node->outputs[i]];
}

const char *
mlrt_onnx_node_describe (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                         char *buf, size_t size)
{
  const char *domain = node->domain[0] ? node->domain : NULL;
  char op[160];
  MlrtOnnxValue *out = mlrt_onnx_node_output (graph, node, 0);

  snprintf (op, sizeof op, "%s%s%s, opset %lld", domain ? domain : "",
            domain ? "." : "", node->op_type, (long long) node->opset);
  if (node->name[0])
    snprintf (buf, size, "node '%s' (%s)", node->name, op);
  else if (out)
    snprintf (buf, size, "node #%d (%s) writing '%s'", node->index, op,
              out->name);
  else
    snprintf (buf, size, "node #%d (%s)", node->index, op);
  return buf;
}

MlrtStatus
mlrt_onnx_node_error (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                      MlrtError *error, MlrtStatus status,
                      const char *format, ...)
{
  char what[512], msg[MLRT_ERROR_MESSAGE_MAX];
  va_list ap;

  va_start (ap, format);
  vsnprintf (msg, sizeof msg, format, ap);
  va_end (ap);
  return mlrt_set_error (error, status, "%s: %s: %s", graph->origin,
                         mlrt_onnx_node_describe (graph, node, what,
                                                  sizeof what), msg);
}

void
mlrt_onnx_value_set_dims (MlrtOnnxValue *value, int rank,
                          const int64_t *dims)
{
  value->rank = rank;
  for (int d = 0; d < MLRT_ONNX_MAX_RANK; d++)
    {
      value->dims[d].value = d < rank ? dims[d] : 0;
      free (value->dims[d].param);
      value->dims[d].param = NULL;
    }
}

int
mlrt_onnx_value_is_static (const MlrtOnnxValue *value)
{
  if (value->rank < 0)
    return 0;
  for (int d = 0; d < value->rank; d++)
    if (value->dims[d].value < 0)
      return 0;
  return 1;
}

const char *
mlrt_onnx_value_shape_string (const MlrtOnnxValue *value, char *buf,
                              size_t size)
{
  size_t at = 0;

  if (value->rank < 0)
    {
      snprintf (buf, size, "[?]");
      return buf;
    }
  at += snprintf (buf + at, size - at, "[");
  for (int d = 0; d < value->rank && at < size; d++)
    {
      const MlrtOnnxDim *dim = &value->dims[d];
      const char *sep = d ? "," : "";

      if (dim->value >= 0)
        at += snprintf (buf + at, size - at, "%s%lld", sep,
                        (long long) dim->value);
      else
        at += snprintf (buf + at, size - at, "%s%s", sep,
                        dim->param ? dim->param : "?");
    }
  if (at < size)
    snprintf (buf + at, size - at, "]");
  return buf;
}
