/*
 * onnx-prepare.c: the frontend's passes in the order mlrt-convert runs
 * them, and the check that closes them: the mapping to mlrt layers needs
 * every tensor's shape, so a dim still unknown is an error that says which
 * tensors and, for a graph input, how to pin it.
 */
#include <stdio.h>
#include <string.h>

#include "onnx-graph.h"

MlrtStatus
mlrt_onnx_graph_prepare (MlrtOnnxGraph *graph,
                         const MlrtOnnxInputShape *shapes, size_t n_shapes,
                         MlrtError *error)
{
  MlrtStatus status;

  if ((status = mlrt_onnx_graph_sort (graph, error))
      || (status = mlrt_onnx_pass_remove_identity (graph, error))
      || (status = mlrt_onnx_pass_pin_inputs (graph, shapes, n_shapes,
                                              error))
      || (status = mlrt_onnx_pass_propagate (graph, error)))
    return status;
  return mlrt_onnx_pass_remove_dead (graph, error);
}

static int
is_used (const MlrtOnnxValue *v)
{
  return v->is_input || v->is_output || v->consumers > 0 || v->producer >= 0;
}

MlrtStatus
mlrt_onnx_graph_check_static (const MlrtOnnxGraph *graph, MlrtError *error)
{
  char list[MLRT_ERROR_MESSAGE_MAX] = "", shape[256];
  size_t at = 0, count = 0;
  const char *first_input = NULL;

  for (size_t i = 0; i < graph->n_values; i++)
    {
      const MlrtOnnxValue *v = graph->values[i];

      if (!is_used (v) || mlrt_onnx_value_is_static (v))
        continue;
      if (v->is_input && first_input == NULL)
        first_input = v->name;
      if (count++ < 8 && at < sizeof list)
        at += snprintf (list + at, sizeof list - at, "%s'%s' %s",
                        count > 1 ? ", " : "", v->name,
                        mlrt_onnx_value_shape_string (v, shape,
                                                      sizeof shape));
    }
  if (count == 0)
    return MLRT_OK;
  if (first_input)
    return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                           "%s: %zu tensors have dims that are not known "
                           "(%s%s); give the input's shape with --input "
                           "%s:D0,D1,...", graph->origin, count, list,
                           count > 8 ? ", ..." : "", first_input);
  return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                         "%s: %zu tensors have dims that are not known: %s%s",
                         graph->origin, count, list, count > 8 ? ", ..." : "");
}
