/*
 * pass-remove-identity.c: drops Identity nodes and Dropout in inference
 * mode (onnxruntime's identity and dropout elimination), so the mapping
 * never sees a layer that only copies. Readers of the node's output read
 * its input instead; when the output is a graph output, whose name must
 * stay, the node before writes it directly.
 */
#include <string.h>

#include "onnx-graph.h"

/* Dropout copies its input at inference unless training_mode (opset 12)
 * is set, and only its first output may be used. */
static int
is_removable (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node)
{
  const MlrtOnnxValue *mask = mlrt_onnx_node_output (graph, node, 1);
  const MlrtOnnxValue *training = mlrt_onnx_node_input (graph, node, 2);

  if (node->domain[0] || node->n_inputs < 1 || node->inputs[0] < 0
      || node->n_outputs < 1 || node->outputs[0] < 0)
    return 0;
  if (strcmp (node->op_type, "Identity") == 0)
    return 1;
  if (strcmp (node->op_type, "Dropout") != 0)
    return 0;
  if (mask && (mask->consumers > 0 || mask->is_output))
    return 0;
  return training == NULL || (training->constant
                              && training->constant->count == 1
                              && !mlrt_onnx_tensor_get_int (training->constant,
                                                            0));
}

static void
replace_reads (MlrtOnnxGraph *graph, int from, int to)
{
  for (size_t n = 0; n < graph->n_nodes; n++)
    for (size_t i = 0; i < graph->nodes[n]->n_inputs; i++)
      if (graph->nodes[n]->inputs[i] == from)
        graph->nodes[n]->inputs[i] = to;
}

/* Rewires around one node; 0 when it must stay (a graph input or weight
 * passed straight to a graph output). */
static int
bypass (MlrtOnnxGraph *graph, MlrtOnnxNode *node)
{
  int in = node->inputs[0], out = node->outputs[0];
  MlrtOnnxValue *vin = graph->values[in], *vout = graph->values[out];
  MlrtOnnxNode *producer;

  if (!vout->is_output)
    {
      replace_reads (graph, out, in);
      return 1;
    }
  if (vin->producer < 0 || vin->is_output)
    return 0;
  producer = graph->nodes[vin->producer];
  for (size_t o = 0; o < producer->n_outputs; o++)
    if (producer->outputs[o] == in)
      producer->outputs[o] = out;
  replace_reads (graph, in, out);
  vout->producer = vin->producer;
  vin->producer = -1;
  return 1;
}

MlrtStatus
mlrt_onnx_pass_remove_identity (MlrtOnnxGraph *graph, MlrtError *error)
{
  MlrtStatus status = mlrt_onnx_graph_link (graph, error);

  for (size_t n = 0; status == MLRT_OK && n < graph->n_nodes; n++)
    {
      MlrtOnnxNode *node = graph->nodes[n];

      if (is_removable (graph, node) && bypass (graph, node))
        node->removed = 1;
    }
  mlrt_onnx_graph_compact (graph);
  return status == MLRT_OK ? mlrt_onnx_graph_link (graph, error) : status;
}
