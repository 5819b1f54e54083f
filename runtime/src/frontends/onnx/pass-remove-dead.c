/*
 * pass-remove-dead.c: drops nodes whose outputs nothing reads and that
 * write no graph output, such as what folding leaves behind. Walking the
 * sorted nodes backwards lets a whole dead chain go in one pass.
 */
#include "onnx-graph.h"

static int
is_dead (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node)
{
  for (size_t o = 0; o < node->n_outputs; o++)
    {
      const MlrtOnnxValue *v = mlrt_onnx_node_output (graph, node, o);

      if (v && (v->consumers > 0 || v->is_output))
        return 0;
    }
  return 1;
}

MlrtStatus
mlrt_onnx_pass_remove_dead (MlrtOnnxGraph *graph, MlrtError *error)
{
  MlrtStatus status = mlrt_onnx_graph_link (graph, error);

  for (size_t n = graph->n_nodes; status == MLRT_OK && n-- > 0;)
    {
      MlrtOnnxNode *node = graph->nodes[n];

      if (!is_dead (graph, node))
        continue;
      node->removed = 1;
      for (size_t i = 0; i < node->n_inputs; i++)
        if (node->inputs[i] >= 0)
          graph->values[node->inputs[i]]->consumers--;
    }
  mlrt_onnx_graph_compact (graph);
  return status == MLRT_OK ? mlrt_onnx_graph_link (graph, error) : status;
}
