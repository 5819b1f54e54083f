/*
 * onnx-read.c: an ONNX ModelProto, parsed by the protobuf-c code generated
 * from Debian's onnx.proto, into the frontend's graph. It checks what the
 * rest of the frontend relies on (a graph, opset imports for every domain a
 * node uses, tensors whose data fits their dims) and names the file and the
 * node or tensor in every error. The node order of the file is kept; the
 * sort comes after.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-proto.h"

typedef struct {
  MlrtOnnxGraph *graph;
  MlrtError *error;
} Reader;

static MlrtStatus
no_memory (Reader *r)
{
  return mlrt_set_error (r->error, MLRT_ERROR_NO_MEMORY,
                         "%s: out of memory", r->graph->origin);
}

static char *
dup_or_empty (const char *s)
{
  return strdup (s ? s : "");
}

static MlrtStatus
read_model_fields (Reader *r, const Onnx__ModelProto *m)
{
  MlrtOnnxGraph *g = r->graph;

  g->ir_version = m->ir_version;
  g->model_version = m->model_version;
  g->producer_name = dup_or_empty (m->producer_name);
  g->producer_version = dup_or_empty (m->producer_version);
  g->domain = dup_or_empty (m->domain);
  g->doc_string = dup_or_empty (m->doc_string);
  g->graph_name = dup_or_empty (m->graph->name);
  g->graph_doc_string = dup_or_empty (m->graph->doc_string);
  if (!g->producer_name || !g->producer_version || !g->domain
      || !g->doc_string || !g->graph_name || !g->graph_doc_string)
    return no_memory (r);
  g->opsets = calloc (m->n_opset_import + 1, sizeof *g->opsets);
  g->metadata = calloc (m->n_metadata_props + 1, sizeof *g->metadata);
  if (g->opsets == NULL || g->metadata == NULL)
    return no_memory (r);
  for (size_t i = 0; i < m->n_opset_import; i++, g->n_opsets++)
    {
      g->opsets[i].domain = dup_or_empty (m->opset_import[i]->domain);
      g->opsets[i].version = m->opset_import[i]->version;
      if (g->opsets[i].domain == NULL)
        return no_memory (r);
    }
  for (size_t i = 0; i < m->n_metadata_props; i++, g->n_metadata++)
    {
      g->metadata[i].key = dup_or_empty (m->metadata_props[i]->key);
      g->metadata[i].value = dup_or_empty (m->metadata_props[i]->value);
      if (!g->metadata[i].key || !g->metadata[i].value)
        return no_memory (r);
    }
  return MLRT_OK;
}

/* A value info's element type and shape onto the value, keeping what is
 * known when the info says less. */
static MlrtStatus
read_value_info (Reader *r, const Onnx__ValueInfoProto *info, int *index)
{
  const Onnx__TypeProto *type = info->type;
  const Onnx__TensorShapeProto *shape;
  MlrtOnnxValue *v;

  if (info->name == NULL || info->name[0] == '\0')
    return mlrt_set_error (r->error, MLRT_ERROR_FORMAT,
                           "%s: a graph input, output or value info has no "
                           "name", r->graph->origin);
  *index = mlrt_onnx_graph_intern (r->graph, info->name);
  if (*index < 0)
    return no_memory (r);
  v = r->graph->values[*index];
  if (type == NULL)
    return MLRT_OK;
  if (type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
    return mlrt_set_error (r->error, MLRT_ERROR_UNSUPPORTED,
                           "%s: value '%s' is a sequence, map, optional or "
                           "sparse tensor; mlrt imports dense tensors only",
                           r->graph->origin, info->name);
  if (type->tensor_type->has_elem_type)
    v->type = (MlrtOnnxType) type->tensor_type->elem_type;
  shape = type->tensor_type->shape;
  if (shape == NULL)
    return MLRT_OK;
  if (shape->n_dim > MLRT_ONNX_MAX_RANK)
    return mlrt_set_error (r->error, MLRT_ERROR_UNSUPPORTED,
                           "%s: value '%s' has rank %zu (at most %d is "
                           "supported)", r->graph->origin, info->name,
                           shape->n_dim, MLRT_ONNX_MAX_RANK);
  v->rank = (int) shape->n_dim;
  for (size_t d = 0; d < shape->n_dim; d++)
    {
      const Onnx__TensorShapeProto__Dimension *dim = shape->dim[d];

      free (v->dims[d].param);
      v->dims[d].param = NULL;
      v->dims[d].value = MLRT_ONNX_DIM_UNKNOWN;
      if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
          && dim->dim_value >= 0)
        v->dims[d].value = dim->dim_value;
      else if (dim->value_case
               == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
               && dim->dim_param && dim->dim_param[0]
               && (v->dims[d].param = strdup (dim->dim_param)) == NULL)
        return no_memory (r);
    }
  return MLRT_OK;
}

static MlrtStatus
read_initializers (Reader *r, const Onnx__GraphProto *gp)
{
  for (size_t i = 0; i < gp->n_initializer; i++)
    {
      const Onnx__TensorProto *tp = gp->initializer[i];
      MlrtOnnxValue *v;
      MlrtStatus status;
      int index;

      if (tp->name == NULL || tp->name[0] == '\0')
        return mlrt_set_error (r->error, MLRT_ERROR_FORMAT,
                               "%s: initializer #%zu has no name",
                               r->graph->origin, i);
      if ((index = mlrt_onnx_graph_intern (r->graph, tp->name)) < 0)
        return no_memory (r);
      v = r->graph->values[index];
      if (v->is_initializer)
        return mlrt_set_error (r->error, MLRT_ERROR_FORMAT,
                               "%s: two initializers are named '%s'",
                               r->graph->origin, tp->name);
      status = mlrt_onnx_tensor_from_proto (tp, &v->constant, r->error);
      if (status != MLRT_OK)
        {
          mlrt_error_prefix (r->error, "%s: initializer '%s'",
                             r->graph->origin, tp->name);
          return status;
        }
      v->is_initializer = 1;
      v->type = v->constant->type;
      mlrt_onnx_value_set_dims (v, v->constant->rank, v->constant->dims);
    }
  return MLRT_OK;
}

/* Graph inputs that are also initializers (older models list every
 * weight as an input) are weights, not inputs the caller feeds. */
static MlrtStatus
read_inputs_outputs (Reader *r, const Onnx__GraphProto *gp)
{
  MlrtOnnxGraph *g = r->graph;
  MlrtStatus status;
  int index;

  g->inputs = calloc (gp->n_input + 1, sizeof *g->inputs);
  g->outputs = calloc (gp->n_output + 1, sizeof *g->outputs);
  if (g->inputs == NULL || g->outputs == NULL)
    return no_memory (r);
  for (size_t i = 0; i < gp->n_input; i++)
    {
      if ((status = read_value_info (r, gp->input[i], &index)) != MLRT_OK)
        return status;
      if (g->values[index]->is_initializer || g->values[index]->is_input)
        continue;
      g->values[index]->is_input = 1;
      g->inputs[g->n_inputs++] = index;
    }
  for (size_t i = 0; i < gp->n_value_info; i++)
    if ((status = read_value_info (r, gp->value_info[i], &index)) != MLRT_OK)
      return status;
  for (size_t i = 0; i < gp->n_output; i++)
    {
      if ((status = read_value_info (r, gp->output[i], &index)) != MLRT_OK)
        return status;
      g->values[index]->is_output = 1;
      g->outputs[g->n_outputs++] = index;
    }
  return MLRT_OK;
}

static MlrtStatus
read_value_refs (Reader *r, char **names, size_t n, int **refs)
{
  *refs = calloc (n + 1, sizeof **refs);
  if (*refs == NULL)
    return no_memory (r);
  for (size_t i = 0; i < n; i++)
    {
      (*refs)[i] = -1;
      if (names[i] && names[i][0]
          && ((*refs)[i] = mlrt_onnx_graph_intern (r->graph, names[i])) < 0)
        return no_memory (r);
    }
  return MLRT_OK;
}

static MlrtStatus
read_node (Reader *r, const Onnx__NodeProto *np, MlrtOnnxNode *node)
{
  MlrtOnnxGraph *g = r->graph;
  MlrtStatus status;

  node->name = dup_or_empty (np->name);
  node->op_type = dup_or_empty (np->op_type);
  node->domain = dup_or_empty (np->domain);
  node->doc_string = dup_or_empty (np->doc_string);
  if (!node->name || !node->op_type || !node->domain || !node->doc_string)
    return no_memory (r);
  if (strcmp (node->domain, "ai.onnx") == 0)
    node->domain[0] = '\0';
  node->opset = mlrt_onnx_graph_opset (g, node->domain);
  if (node->op_type[0] == '\0')
    return mlrt_onnx_node_error (g, node, r->error, MLRT_ERROR_FORMAT,
                                 "the node has no op_type");
  if (node->opset <= 0)
    return mlrt_onnx_node_error (g, node, r->error, MLRT_ERROR_FORMAT,
                                 "the model imports no opset for domain "
                                 "'%s'", node->domain[0] ? node->domain
                                 : "ai.onnx");
  node->n_inputs = np->n_input;
  node->n_outputs = np->n_output;
  if ((status = read_value_refs (r, np->input, np->n_input, &node->inputs))
      || (status = read_value_refs (r, np->output, np->n_output,
                                    &node->outputs)))
    return status;
  node->attrs = calloc (np->n_attribute + 1, sizeof *node->attrs);
  if (node->attrs == NULL)
    return no_memory (r);
  for (size_t i = 0; i < np->n_attribute; i++, node->n_attrs++)
    {
      status = mlrt_onnx_attr_from_proto (np->attribute[i], &node->attrs[i],
                                          r->error);
      if (status != MLRT_OK)
        {
          char what[512];

          node->n_attrs++;
          mlrt_error_prefix (r->error, "%s: %s", g->origin,
                             mlrt_onnx_node_describe (g, node, what,
                                                      sizeof what));
          return status;
        }
    }
  return MLRT_OK;
}

static MlrtStatus
read_nodes (Reader *r, const Onnx__GraphProto *gp)
{
  MlrtOnnxGraph *g = r->graph;

  g->nodes = calloc (gp->n_node + 1, sizeof *g->nodes);
  if (g->nodes == NULL)
    return no_memory (r);
  for (size_t i = 0; i < gp->n_node; i++)
    {
      MlrtOnnxNode *node = calloc (1, sizeof *node);
      MlrtStatus status;

      if (node == NULL)
        return no_memory (r);
      node->index = (int) i;
      g->nodes[g->n_nodes++] = node;
      if ((status = read_node (r, gp->node[i], node)) != MLRT_OK)
        return status;
    }
  return MLRT_OK;
}

static MlrtStatus
read_model (Reader *r, const Onnx__ModelProto *m)
{
  MlrtStatus status;

  if (m->graph == NULL)
    return mlrt_set_error (r->error, MLRT_ERROR_FORMAT,
                           "%s: not an ONNX model: it holds no graph",
                           r->graph->origin);
  if (m->ir_version <= 0 || m->n_opset_import == 0)
    return mlrt_set_error (r->error, MLRT_ERROR_FORMAT,
                           "%s: not an ONNX model: no IR version or opset "
                           "import", r->graph->origin);
  if (m->n_functions > 0)
    return mlrt_set_error (r->error, MLRT_ERROR_UNSUPPORTED,
                           "%s: the model defines %zu local functions, which "
                           "mlrt does not import", r->graph->origin,
                           m->n_functions);
  if (m->graph->n_sparse_initializer > 0)
    return mlrt_set_error (r->error, MLRT_ERROR_UNSUPPORTED,
                           "%s: the graph has sparse initializers, which "
                           "mlrt does not import", r->graph->origin);
  if ((status = read_model_fields (r, m))
      || (status = read_initializers (r, m->graph))
      || (status = read_inputs_outputs (r, m->graph))
      || (status = read_nodes (r, m->graph)))
    return status;
  return mlrt_onnx_graph_link (r->graph, r->error);
}

MlrtStatus
mlrt_onnx_read_buffer (const void *data, size_t size, const char *origin,
                       MlrtOnnxGraph **out, MlrtError *error)
{
  Onnx__ModelProto *model;
  Reader r = { NULL, error };
  MlrtStatus status;

  *out = NULL;
  r.graph = mlrt_onnx_graph_new (origin);
  if (r.graph == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  if (size == 0)
    {
      mlrt_onnx_graph_free (r.graph);
      return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                             "%s: not an ONNX model: the file is empty",
                             origin);
    }
  model = onnx__model_proto__unpack (NULL, size, data);
  if (model == NULL)
    {
      mlrt_onnx_graph_free (r.graph);
      return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                             "%s: not an ONNX model: its %zu bytes do not "
                             "parse as a ModelProto (the file is truncated "
                             "or not protobuf)", origin, size);
    }
  status = read_model (&r, model);
  onnx__model_proto__free_unpacked (model, NULL);
  if (status != MLRT_OK)
    {
      mlrt_onnx_graph_free (r.graph);
      return status;
    }
  *out = r.graph;
  return MLRT_OK;
}
