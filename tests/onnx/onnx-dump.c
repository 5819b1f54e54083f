/*
 * onnx-dump: prints what the ONNX frontend makes of a model: its metadata,
 * inputs and outputs, and a count of nodes per op, before and after the
 * graph passes (with --input NAME:D0,D1,... pinning dims), and with
 * --nodes every prepared node with its inputs' shapes and its attributes.
 * A tool for people looking at a model, and what the tests call to list
 * ops.
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

static void
print_attr (const MlrtOnnxAttr *a)
{
  printf (" %s=", a->name);
  switch (a->type)
    {
    case MLRT_ONNX_ATTR_FLOAT:
      printf ("%g", a->f);
      break;
    case MLRT_ONNX_ATTR_INT:
      printf ("%lld", (long long) a->i);
      break;
    case MLRT_ONNX_ATTR_STRING:
      printf ("'%s'", a->s);
      break;
    case MLRT_ONNX_ATTR_INTS:
      for (size_t i = 0; i < a->n; i++)
        printf ("%s%lld", i ? "," : "[", (long long) a->ints[i]);
      printf ("%s", a->n ? "]" : "[]");
      break;
    case MLRT_ONNX_ATTR_FLOATS:
      for (size_t i = 0; i < a->n; i++)
        printf ("%s%g", i ? "," : "[", a->floats[i]);
      printf ("%s", a->n ? "]" : "[]");
      break;
    case MLRT_ONNX_ATTR_UNDEFINED:
    case MLRT_ONNX_ATTR_TENSOR:
    case MLRT_ONNX_ATTR_STRINGS:
    case MLRT_ONNX_ATTR_TENSORS:
    default:
      printf ("(type %d)", a->type);
      break;
    }
}

/* One line per node: op, name, inputs (a constant's first value after
 * '=' when it has one value), output shapes, attributes. */
static void
print_nodes (const MlrtOnnxGraph *graph)
{
  char shape[256];

  for (size_t n = 0; n < graph->n_nodes; n++)
    {
      const MlrtOnnxNode *node = graph->nodes[n];

      printf ("%s '%s' (", node->op_type, node->name);
      for (size_t i = 0; i < node->n_inputs; i++)
        {
          const MlrtOnnxValue *v = mlrt_onnx_node_input (graph, node, i);

          if (v == NULL)
            {
              printf ("%s-", i ? ", " : "");
              continue;
            }
          printf ("%s%s%s %s", i ? ", " : "", v->constant ? "const " : "",
                  v->name, mlrt_onnx_value_shape_string (v, shape,
                                                        sizeof shape));
          if (v->constant && v->constant->count == 1)
            printf ("=%g", mlrt_onnx_tensor_get_double (v->constant, 0));
        }
      printf (") ->");
      for (size_t o = 0; o < node->n_outputs; o++)
        {
          const MlrtOnnxValue *v = mlrt_onnx_node_output (graph, node, o);

          if (v)
            printf (" %s %s", v->name,
                    mlrt_onnx_value_shape_string (v, shape, sizeof shape));
        }
      for (size_t a = 0; a < node->n_attrs; a++)
        print_attr (&node->attrs[a]);
      printf ("\n");
    }
}

int
main (int argc, char **argv)
{
  MlrtOnnxInputShape shapes[16];
  size_t n_shapes = 0;
  const char *path = NULL;
  int nodes = 0;
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
      else if (strcmp (argv[i], "--nodes") == 0)
        nodes = 1;
      else
        path = argv[i];
    }
  if (path == NULL)
    {
      fprintf (stderr, "usage: onnx-dump MODEL.onnx [--input NAME:D0,...] [--nodes]\n");
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
  if (nodes)
    print_nodes (graph);
  if (mlrt_onnx_graph_check_static (graph, &error) != MLRT_OK)
    printf ("not static: %s\n", error.message);
  for (size_t i = 0; i < n_shapes; i++)
    mlrt_onnx_input_shape_clear (&shapes[i]);
  mlrt_onnx_graph_free (graph);
  return 0;
}
