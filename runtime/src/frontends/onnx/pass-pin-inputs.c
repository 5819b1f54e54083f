/*
 * pass-pin-inputs.c: fixes the dynamic dims of graph inputs to the sizes
 * given on the command line (`--input NAME:D0,D1,...`), the way
 * coremltools' convert takes an input shape. mlrt compiles for static
 * shapes; pinning is what lets propagation make every shape known.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-graph.h"

MlrtStatus
mlrt_onnx_parse_input_shape (const char *arg, MlrtOnnxInputShape *shape,
                             MlrtError *error)
{
  const char *colon = strrchr (arg, ':'), *p;

  memset (shape, 0, sizeof *shape);
  if (colon == NULL || colon == arg || colon[1] == '\0')
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "--input '%s': expected NAME:D0,D1,... (e.g. "
                           "x:1,3,48,192)", arg);
  for (p = colon + 1; *p; p++)
    {
      char *end;
      long long d;

      errno = 0;
      d = strtoll (p, &end, 10);
      if (end == p || errno || d <= 0 || d > MLRT_MAX_DIM
          || (*end != ',' && *end != '\0') || shape->rank == MLRT_ONNX_MAX_RANK)
        return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                               "--input '%s': dim %d is not a size from 1 to "
                               "%d (at most %d dims)", arg, shape->rank,
                               MLRT_MAX_DIM, MLRT_ONNX_MAX_RANK);
      shape->dims[shape->rank++] = d;
      p = end;
      if (*p == '\0')
        break;
    }
  if (p[0] == '\0' && p[-1] == ',')
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "--input '%s': a trailing comma", arg);
  shape->name = strndup (arg, (size_t) (colon - arg));
  if (shape->name == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  return MLRT_OK;
}

void
mlrt_onnx_input_shape_clear (MlrtOnnxInputShape *shape)
{
  free (shape->name);
  memset (shape, 0, sizeof *shape);
}

static MlrtStatus
no_such_input (const MlrtOnnxGraph *graph, const char *name, MlrtError *error)
{
  char names[512] = "";
  size_t at = 0;

  for (size_t i = 0; i < graph->n_inputs && at < sizeof names; i++)
    at += snprintf (names + at, sizeof names - at, "%s'%s'", i ? ", " : "",
                    graph->values[graph->inputs[i]]->name);
  return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                         "%s: --input '%s': the model has no input of that "
                         "name (its inputs: %s)", graph->origin, name,
                         graph->n_inputs ? names : "none");
}

static MlrtStatus
pin_one (MlrtOnnxGraph *graph, const MlrtOnnxInputShape *shape,
         MlrtError *error)
{
  int index = mlrt_onnx_graph_find (graph, shape->name);
  MlrtOnnxValue *v = index >= 0 ? graph->values[index] : NULL;
  char stated[256];

  if (v == NULL || !v->is_input)
    return no_such_input (graph, shape->name, error);
  if (v->rank >= 0 && v->rank != shape->rank)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "%s: --input '%s': %d dims given for an input of "
                           "shape %s", graph->origin, shape->name,
                           shape->rank, mlrt_onnx_value_shape_string
                           (v, stated, sizeof stated));
  for (int d = 0; d < shape->rank && v->rank >= 0; d++)
    if (v->dims[d].value >= 0 && v->dims[d].value != shape->dims[d])
      return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                             "%s: --input '%s': dim %d is %lld in the model "
                             "(shape %s), not %lld", graph->origin,
                             shape->name, d, (long long) v->dims[d].value,
                             mlrt_onnx_value_shape_string (v, stated,
                                                           sizeof stated),
                             (long long) shape->dims[d]);
  mlrt_onnx_value_set_dims (v, shape->rank, shape->dims);
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_pass_pin_inputs (MlrtOnnxGraph *graph,
                           const MlrtOnnxInputShape *shapes, size_t n_shapes,
                           MlrtError *error)
{
  for (size_t i = 0; i < n_shapes; i++)
    {
      MlrtStatus status;

      for (size_t j = 0; j < i; j++)
        if (strcmp (shapes[i].name, shapes[j].name) == 0)
          return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                                 "%s: --input '%s' is given twice",
                                 graph->origin, shapes[i].name);
      if ((status = pin_one (graph, &shapes[i], error)) != MLRT_OK)
        return status;
    }
  return MLRT_OK;
}
