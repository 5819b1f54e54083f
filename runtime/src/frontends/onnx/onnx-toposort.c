/*
 * onnx-toposort.c: orders the nodes so that each comes after the nodes it
 * reads from (Kahn's algorithm, taking ready nodes in file order, so a file
 * already in order keeps it). The ONNX spec requires a sorted graph, but
 * exporters and hand edits break that; a cycle cannot be run at all and is
 * reported with the nodes around it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-graph.h"

/* A value a node may read without a producer. */
static int
is_source (const MlrtOnnxValue *v)
{
  return v->is_input || v->is_initializer || v->constant;
}

static MlrtStatus
check_sources (MlrtOnnxGraph *graph, MlrtError *error)
{
  for (size_t n = 0; n < graph->n_nodes; n++)
    {
      MlrtOnnxNode *node = graph->nodes[n];

      for (size_t i = 0; i < node->n_inputs; i++)
        {
          MlrtOnnxValue *v = mlrt_onnx_node_input (graph, node, i);

          if (v && v->producer < 0 && !is_source (v))
            return mlrt_onnx_node_error (graph, node, error,
                                         MLRT_ERROR_FORMAT,
                                         "input '%s' is written by no node "
                                         "and is neither a graph input nor "
                                         "an initializer", v->name);
        }
    }
  for (size_t o = 0; o < graph->n_outputs; o++)
    {
      MlrtOnnxValue *v = graph->values[graph->outputs[o]];

      if (v->producer < 0 && !is_source (v))
        return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                               "%s: graph output '%s' is written by no node",
                               graph->origin, v->name);
    }
  return MLRT_OK;
}

/* Follows unsorted producers from an unsorted node until one repeats, and
 * writes the loop as "node 'a' (Add) -> node 'b' (Relu) -> node 'a'". */
static MlrtStatus
report_cycle (MlrtOnnxGraph *graph, const int *pending, MlrtError *error)
{
  size_t n_nodes = graph->n_nodes;
  int *seen = calloc (n_nodes, sizeof *seen), *path = calloc (n_nodes + 1,
                                                              sizeof *path);
  char msg[MLRT_ERROR_MESSAGE_MAX] = "", what[512];
  size_t len = 0, at = 0;
  int cur = -1;

  if (seen == NULL || path == NULL)
    {
      free (seen);
      free (path);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  for (size_t n = 0; n < n_nodes && cur < 0; n++)
    if (pending[n] > 0)
      cur = (int) n;
  while (!seen[cur])
    {
      MlrtOnnxNode *node = graph->nodes[cur];

      seen[cur] = (int) ++len;
      path[len - 1] = cur;
      for (size_t i = 0; i < node->n_inputs; i++)
        {
          MlrtOnnxValue *v = mlrt_onnx_node_input (graph, node, i);

          if (v && v->producer >= 0 && pending[v->producer] > 0)
            {
              cur = v->producer;
              break;
            }
        }
    }
  /* path[seen[cur] - 1 ..] is the loop, each node reading the next. */
  for (size_t k = len; k-- > (size_t) seen[cur] - 1 && at < sizeof msg;)
    at += snprintf (msg + at, sizeof msg - at, "%s -> ",
                    mlrt_onnx_node_describe (graph, graph->nodes[path[k]],
                                             what, sizeof what));
  if (at < sizeof msg)
    snprintf (msg + at, sizeof msg - at, "%s",
              mlrt_onnx_node_describe (graph, graph->nodes[path[len - 1]],
                                       what, sizeof what));
  free (seen);
  free (path);
  return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                         "%s: the graph has a cycle: %s", graph->origin, msg);
}

/* For each value, the nodes reading it (once per input slot), as offsets
 * into one array: readers of value v are at[first[v] .. first[v + 1]). */
typedef struct {
  size_t *first;
  int *at;
} Readers;

static int
readers_build (const MlrtOnnxGraph *graph, Readers *r)
{
  size_t n_values = graph->n_values, total = 0;

  r->first = calloc (n_values + 2, sizeof *r->first);
  if (r->first == NULL)
    return 0;
  for (size_t n = 0; n < graph->n_nodes; n++)
    for (size_t i = 0; i < graph->nodes[n]->n_inputs; i++)
      if (graph->nodes[n]->inputs[i] >= 0)
        r->first[graph->nodes[n]->inputs[i] + 2]++;
  for (size_t v = 0; v < n_values; v++)
    {
      total += r->first[v + 2];
      r->first[v + 2] = total;
    }
  r->at = calloc (total + 1, sizeof *r->at);
  if (r->at == NULL)
    return 0;
  for (size_t n = 0; n < graph->n_nodes; n++)
    for (size_t i = 0; i < graph->nodes[n]->n_inputs; i++)
      if (graph->nodes[n]->inputs[i] >= 0)
        r->at[r->first[graph->nodes[n]->inputs[i] + 1]++] = (int) n;
  return 1;
}

MlrtStatus
mlrt_onnx_graph_sort (MlrtOnnxGraph *graph, MlrtError *error)
{
  size_t n_nodes = graph->n_nodes, done = 0;
  int *waiting = calloc (n_nodes + 1, sizeof *waiting);
  MlrtOnnxNode **order = calloc (n_nodes + 1, sizeof *order);
  Readers readers = { NULL, NULL };
  MlrtStatus status = mlrt_onnx_graph_link (graph, error);

  if (status == MLRT_OK)
    status = check_sources (graph, error);
  if (status == MLRT_OK
      && (waiting == NULL || order == NULL || !readers_build (graph, &readers)))
    status = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t n = 0; status == MLRT_OK && n < n_nodes; n++)
    for (size_t i = 0; i < graph->nodes[n]->n_inputs; i++)
      {
        MlrtOnnxValue *v = mlrt_onnx_node_input (graph, graph->nodes[n], i);

        waiting[n] += v && v->producer >= 0;
      }
  /* Sweeps in file order: one sweep for a file already in order. */
  while (status == MLRT_OK && done < n_nodes)
    {
      size_t before = done;

      for (size_t n = 0; n < n_nodes; n++)
        {
          MlrtOnnxNode *node = graph->nodes[n];

          if (waiting[n] != 0)
            continue;
          waiting[n] = -1;
          order[done++] = node;
          for (size_t o = 0; o < node->n_outputs; o++)
            {
              int v = node->outputs[o];

              for (size_t k = v < 0 ? 0 : readers.first[v];
                   v >= 0 && k < readers.first[v + 1]; k++)
                waiting[readers.at[k]]--;
            }
        }
      if (done == before)
        status = report_cycle (graph, waiting, error);
    }
  if (status == MLRT_OK)
    {
      if (n_nodes > 0)          /* a graph of no nodes may have no array */
        memcpy (graph->nodes, order, n_nodes * sizeof *order);
      status = mlrt_onnx_graph_link (graph, error);
    }
  free (readers.first);
  free (readers.at);
  free (waiting);
  free (order);
  return status;
}
