/*
 * pass-fuse-hard-swish.c: the hard-swish that exporters spell out in four
 * nodes, x * Clip (x + 3, 0, 6) / 6 (the division sometimes a
 * multiplication by 1/6), or in two, x * HardSigmoid (x) with alpha 1/6
 * and beta 1/2, becomes one HardSwish node (ONNX's own op since opset
 * 14), which mlrt runs as an activation fused into the layer before it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-rewrite.h"

static int
near (double v, double want)
{
  return fabs (v - want) <= 1e-6 * fabs (want) + 1e-7;
}

/* Clip's bounds: attributes before opset 11, inputs from it. */
static int
clips_0_6 (const MlrtOnnxGraph *graph, const MlrtOnnxNode *clip)
{
  double lo, hi;

  if (clip->opset < 11)
    return near (mlrt_onnx_attr_float (clip, "min", -1), 0)
           && near (mlrt_onnx_attr_float (clip, "max", -1), 6);
  return mlrt_onnx_in_scalar (graph, clip, 1, &lo) && near (lo, 0)
         && mlrt_onnx_in_scalar (graph, clip, 2, &hi) && near (hi, 6);
}

/* The input of `node` other than constant `k`, when one input is k;
 * else -1. */
static int
other_than_constant (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                     double k)
{
  double v;

  if (node->n_inputs != 2)
    return -1;
  for (size_t i = 0; i < 2; i++)
    if (mlrt_onnx_in_scalar (graph, node, i, &v) && near (v, k)
        && mlrt_onnx_in_const (graph, node, 1 - i) == NULL)
      return node->inputs[1 - i];
  return -1;
}

/* Whether the gate (the Mul's input other than x, value g) is
 * Clip (x + 3, 0, 6) or HardSigmoid (x, 1/6, 1/2) of that same x, each
 * step read only by the next; the nodes to remove in *gone. */
static int
is_gate (const MlrtOnnxGraph *graph, const int *reader, int g, int x,
         MlrtOnnxNode **gone)
{
  const MlrtOnnxValue *gv = graph->values[g];
  MlrtOnnxNode *gate, *add;

  if (gv->producer < 0 || gv->consumers != 1 || gv->is_output)
    return 0;
  gate = graph->nodes[gv->producer];
  gone[0] = gate;
  gone[1] = NULL;
  if (mlrt_onnx_node_is (gate, "HardSigmoid"))
    return gate->inputs[0] == x
           && near (mlrt_onnx_attr_float (gate, "alpha", 0.2f), 1.0 / 6)
           && near (mlrt_onnx_attr_float (gate, "beta", 0.5f), 0.5);
  if (!mlrt_onnx_node_is (gate, "Clip") || !clips_0_6 (graph, gate)
      || gate->inputs[0] < 0 || graph->values[gate->inputs[0]]->producer < 0
      || mlrt_onnx_sole_reader (graph, reader, gate->inputs[0]) != gate)
    return 0;
  add = graph->nodes[graph->values[gate->inputs[0]]->producer];
  gone[1] = add;
  return mlrt_onnx_node_is (add, "Add")
         && other_than_constant (graph, add, 3) == x;
}

/* mul = x * gate, read only by a division by 6 or a multiplication by
 * 1/6: the node that then computes hard-swish. */
static MlrtOnnxNode *
scaled_by_sixth (const MlrtOnnxGraph *graph, const int *reader,
                 const MlrtOnnxNode *mul)
{
  MlrtOnnxNode *next = mlrt_onnx_sole_reader (graph, reader, mul->outputs[0]);
  double k;

  if (next == NULL || next->n_inputs != 2 || next->inputs[0] != mul->outputs[0])
    return NULL;
  if (mlrt_onnx_node_is (next, "Div") && mlrt_onnx_in_scalar (graph, next, 1,
                                                              &k)
      && near (k, 6))
    return next;
  if (mlrt_onnx_node_is (next, "Mul") && mlrt_onnx_in_scalar (graph, next, 1,
                                                              &k)
      && near (k, 1.0 / 6))
    return next;
  return NULL;
}

/* Turns `node` into HardSwish (x), keeping its name and output. */
static void
become_hard_swish (MlrtOnnxNode *node, int x)
{
  char *op = strdup ("HardSwish");

  if (op == NULL)
    return;
  free (node->op_type);
  node->op_type = op;
  node->inputs[0] = x;
  node->n_inputs = 1;
  for (size_t i = 0; i < node->n_attrs; i++)
    mlrt_onnx_attr_clear (&node->attrs[i]);
  node->n_attrs = 0;
}

static void
fuse_at (MlrtOnnxGraph *graph, const int *reader, MlrtOnnxNode *mul)
{
  MlrtOnnxNode *gone[2], *last;

  if (mul->n_inputs != 2 || mul->n_outputs < 1 || mul->outputs[0] < 0)
    return;
  for (size_t i = 0; i < 2; i++)
    {
      int x = mul->inputs[i], g = mul->inputs[1 - i];

      if (x < 0 || g < 0 || !is_gate (graph, reader, g, x, gone))
        continue;
      if (mlrt_onnx_node_is (gone[0], "HardSigmoid"))
        last = mul;             /* x * HardSigmoid (x) is already whole */
      else if ((last = scaled_by_sixth (graph, reader, mul)) == NULL)
        continue;
      become_hard_swish (last, x);
      if (strcmp (last->op_type, "HardSwish") != 0)
        return;
      for (int k = 0; k < 2; k++)
        if (gone[k])
          gone[k]->removed = 1;
      if (last != mul)
        mul->removed = 1;
      return;
    }
}

MlrtStatus
mlrt_onnx_pass_fuse_hard_swish (MlrtOnnxGraph *graph, MlrtError *error)
{
  MlrtStatus status = mlrt_onnx_graph_link (graph, error);
  int *reader = status == MLRT_OK ? mlrt_onnx_reader_index (graph) : NULL;

  if (status == MLRT_OK && reader == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t n = 0; status == MLRT_OK && n < graph->n_nodes; n++)
    if (mlrt_onnx_node_is (graph->nodes[n], "Mul"))
      fuse_at (graph, reader, graph->nodes[n]);
  free (reader);
  mlrt_onnx_graph_compact (graph);
  return status == MLRT_OK ? mlrt_onnx_graph_link (graph, error) : status;
}
