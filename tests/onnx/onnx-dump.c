/*
 * onnx-dump: prints what the ONNX frontend makes of a model: its metadata,
 * inputs and outputs, and a count of nodes per op, before and after the
 * graph passes (with --input NAME:D0,D1,... pinning dims). A tool for
 * people looking at a model, and what the tests call to list ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-graph.h"

static int
compare_str (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
print_ops (const MlrtOnnxGraph *graph, const char *title)
{
  const char **ops = calloc (graph->n_nodes + 1, sizeof *ops);

  for (size_t n = 0; n < graph->n_nodes; n++)
    ops[n] = graph->nodes[n]->op_type;
  qsort (ops, graph->n_nodes, sizeof *ops, compare_str);
  printf ("%s: %zu nodes\n", title, graph->n_nodes);
  for (size_t n = 0, count = 1; n < graph->n_nodes; n++, count++)
    if (n + 1 == graph->n_nodes || strcmp (ops[n], ops[n + 1]) != 0)
      {
        printf ("  %-24s %zu\n", ops[n], count);
        count = 0;
      }
  free (ops);
}

static void
print_values (const MlrtOnnxGraph *graph, const int *which, size_t n,
              const char *title)
{
  char shape[256];

  for (size_t i = 0; i < n; i++)
    {
      const MlrtOnnxValue *v = graph->values[which[i]];

      printf ("%s %s %s %s\n", title, v->name, mlrt_onnx_type_name (v->type),
              mlrt_onnx_value_shape_string (v, shape, sizeof shape));
    }
}

int
main (int argc, char **argv)
{
  MlrtOnnxInputShape shapes[16];
  size_t n_shapes = 0;
  const char *path = NULL;
  MlrtOnnxGraph *graph;
  MlrtError error;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--input") == 0 && i + 1 < argc && n_shapes < 16)
        {
          if (mlrt_onnx_parse_input_shape (argv[++i], &shapes[n_shapes],
                                           &error) != MLRT_OK)
            {
              fprintf (stderr, "onnx-dump: %s\n", error.message);
              return 2;
            }
          n_shapes++;
        }
      else
        path = argv[i];
    }
  if (path == NULL)
    {
      fprintf (stderr, "usage: onnx-dump MODEL.onnx [--input NAME:D0,...]\n");
      return 2;
    }
  if (mlrt_onnx_read_file (path, &graph, &error) != MLRT_OK)
    {
      fprintf (stderr, "onnx-dump: %s\n", error.message);
      return 1;
    }
  printf ("producer %s %s, ir %lld, opset %lld\n", graph->producer_name,
          graph->producer_version, (long long) graph->ir_version,
          (long long) mlrt_onnx_graph_opset (graph, ""));
  print_values (graph, graph->inputs, graph->n_inputs, "input");
  print_values (graph, graph->outputs, graph->n_outputs, "output");
  print_ops (graph, "read");
  if (mlrt_onnx_graph_prepare (graph, shapes, n_shapes, &error) != MLRT_OK)
    {
      fprintf (stderr, "onnx-dump: %s\n", error.message);
      mlrt_onnx_graph_free (graph);
      return 1;
    }
  print_values (graph, graph->outputs, graph->n_outputs, "output");
  print_ops (graph, "prepared");
  if (mlrt_onnx_graph_check_static (graph, &error) != MLRT_OK)
    printf ("not static: %s\n", error.message);
  for (size_t i = 0; i < n_shapes; i++)
    mlrt_onnx_input_shape_clear (&shapes[i]);
  mlrt_onnx_graph_free (graph);
  return 0;
}
