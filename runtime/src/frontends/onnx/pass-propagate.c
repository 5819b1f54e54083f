/*
 * pass-propagate.c: shape propagation and constant folding, in one walk
 * over the sorted nodes because each needs the other: Shape folds only
 * once its input's dims are known, and Reshape's output dims are known
 * only once its target has folded. Each node first gets its outputs'
 * types and shapes from its op's rule; a node whose inputs are all known
 * is then computed and becomes constants, and the node goes.
 *
 * Nodes writing a graph output are not folded, so every output stays the
 * work of a node. Nodes whose op has no rule are all listed in one error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-ops.h"

static int
can_fold (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
          const MlrtOnnxOpRule *rule)
{
  for (size_t o = 0; o < node->n_outputs; o++)
    {
      const MlrtOnnxValue *v = mlrt_onnx_node_output (graph, node, o);

      if (v && v->is_output)
        return 0;
    }
  switch (rule->fold_when)
    {
    case MLRT_ONNX_FOLD_NEVER:
      return 0;
    case MLRT_ONNX_FOLD_STATIC_SHAPE:
      return mlrt_onnx_node_input (graph, node, 0)
        && mlrt_onnx_value_is_static (mlrt_onnx_node_input (graph, node, 0));
    case MLRT_ONNX_FOLD_CONSTANT_INPUTS:
      for (size_t i = 0; i < node->n_inputs; i++)
        if (node->inputs[i] >= 0 && !mlrt_onnx_in_const (graph, node, i))
          return 0;
      return 1;
    default:
      return 0;
    }
}

static int
same_shape (const MlrtOnnxValue *v, const MlrtOnnxTensor *t)
{
  if (v->type != t->type || v->rank != t->rank)
    return 0;
  for (int d = 0; d < t->rank; d++)
    if (v->dims[d].value != t->dims[d])
      return 0;
  return 1;
}

MlrtStatus
mlrt_onnx_node_fold (MlrtOnnxGraph *graph, MlrtOnnxNode *node, int *folded,
                     MlrtError *error)
{
  const MlrtOnnxOpRule *rule = mlrt_onnx_op_rule (node);
  MlrtOnnxTensor **out;
  MlrtStatus status;

  *folded = 0;
  if (rule == NULL || rule->fold == NULL)
    return MLRT_OK;
  out = calloc (node->n_outputs + 1, sizeof *out);
  if (out == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  status = rule->fold (graph, node, out, error);
  for (size_t o = 0; status == MLRT_OK && out[0] && o < node->n_outputs; o++)
    {
      MlrtOnnxValue *v = mlrt_onnx_node_output (graph, node, o);

      if (v && (out[o] == NULL || !same_shape (v, out[o])))
        status = mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                       "folding gave output '%s' another "
                                       "type or shape than the shape rule",
                                       v->name);
    }
  for (size_t o = 0; o < node->n_outputs; o++)
    {
      MlrtOnnxValue *v = mlrt_onnx_node_output (graph, node, o);

      if (status == MLRT_OK && out[0] && v)
        {
          mlrt_onnx_tensor_free (v->constant);
          v->constant = out[o];
        }
      else
        mlrt_onnx_tensor_free (out[o]);
    }
  *folded = status == MLRT_OK && out[0] != NULL;
  free (out);
  return status;
}

/* Adds a node to the list of those without a shape rule. */
static void
note_unknown (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
              char *list, size_t size, size_t *count)
{
  char what[512];
  size_t at = strlen (list);

  if (at < size)
    snprintf (list + at, size - at, "%s%s", *count ? ", " : "",
              mlrt_onnx_node_describe (graph, node, what, sizeof what));
  ++*count;
}

MlrtStatus
mlrt_onnx_pass_propagate (MlrtOnnxGraph *graph, MlrtError *error)
{
  char unknown[MLRT_ERROR_MESSAGE_MAX] = "";
  size_t n_unknown = 0;
  MlrtStatus status = MLRT_OK;

  for (size_t n = 0; n < graph->n_nodes && status == MLRT_OK; n++)
    {
      MlrtOnnxNode *node = graph->nodes[n];
      const MlrtOnnxOpRule *rule = mlrt_onnx_op_rule (node);
      int folded;

      if (rule == NULL)
        {
          note_unknown (graph, node, unknown, sizeof unknown, &n_unknown);
          continue;
        }
      status = rule->shape (graph, node, error);
      if (status == MLRT_OK && can_fold (graph, node, rule))
        {
          status = mlrt_onnx_node_fold (graph, node, &folded, error);
          node->removed = folded;
        }
    }
  mlrt_onnx_graph_compact (graph);
  if (status == MLRT_OK)
    status = mlrt_onnx_graph_link (graph, error);
  if (status == MLRT_OK && n_unknown > 0)
    status = mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                             "%s: no shape rule for the op of %zu node%s: %s",
                             graph->origin, n_unknown,
                             n_unknown == 1 ? "" : "s", unknown);
  return status;
}
