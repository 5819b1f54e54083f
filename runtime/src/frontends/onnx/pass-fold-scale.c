/*
 * pass-fold-scale.c: a Conv followed by a constant Mul, Div, Add or Sub
 * (a scalar, or one value per output channel) becomes one Conv whose
 * weights and bias do the arithmetic, as PaddleOCR's detector's learnable
 * scale and shift after each convolution ask. Repeated until no such
 * neighbour is left, so Mul then Add both fold.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-rewrite.h"

/* Whether a constant is one value for all channels, or one per channel of
 * an [N, c, H, W] output ([c, 1, 1] or [1, c, 1, 1]). */
static int
per_channel (const MlrtOnnxTensor *k, int c, int out_rank)
{
  if (k == NULL || !mlrt_onnx_type_is_float (k->type) || k->rank > out_rank)
    return 0;
  if (k->count == 1)
    return 1;
  if (k->count != (size_t) c || k->rank < 3)
    return 0;
  return k->dims[k->rank - 3] == c;
}

typedef enum { FOLD_NONE, FOLD_MUL, FOLD_DIV, FOLD_ADD, FOLD_SUB,
               FOLD_SUB_FROM } FoldKind;

/* How `next` uses the conv's output `y` with a constant, and which of its
 * inputs that constant is. */
static FoldKind
fold_kind (const MlrtOnnxGraph *graph, const MlrtOnnxNode *next, int y,
           int c, int out_rank, size_t *k)
{
  static const char *const ops[] = { "Mul", "Div", "Add", "Sub" };
  FoldKind kind = FOLD_NONE;

  if (next->n_inputs != 2 || next->n_outputs < 1)
    return FOLD_NONE;
  for (int i = 0; i < 4; i++)
    if (mlrt_onnx_node_is (next, ops[i]))
      kind = (FoldKind) (FOLD_MUL + i);
  *k = next->inputs[0] == y ? 1 : 0;
  if (kind == FOLD_NONE || next->inputs[1 - *k] != y
      || !per_channel (mlrt_onnx_in_const (graph, next, *k), c, out_rank))
    return FOLD_NONE;
  if (*k == 0 && kind == FOLD_DIV)
    return FOLD_NONE;           /* k / y is no affine map of y */
  return *k == 0 && kind == FOLD_SUB ? FOLD_SUB_FROM : kind;
}

/* Folds the one neighbour after conv, if it can; *done when it did. */
static MlrtStatus
fold_next (MlrtOnnxGraph *graph, const int *reader, MlrtOnnxNode *conv,
           int *done)
{
  const MlrtOnnxValue *y = mlrt_onnx_node_output (graph, conv, 0);
  MlrtOnnxNode *next = y ? mlrt_onnx_sole_reader (graph, reader,
                                                  conv->outputs[0]) : NULL;
  int c = mlrt_onnx_conv_out_channels (graph, conv);
  float *mul = NULL, *add = NULL, *k;
  MlrtStatus status;
  FoldKind kind;
  size_t ki;

  *done = 0;
  if (next == NULL || c == 0
      || (kind = fold_kind (graph, next, conv->outputs[0], c, y->rank, &ki))
         == FOLD_NONE)
    return MLRT_OK;
  k = mlrt_onnx_tensor_floats (mlrt_onnx_in_const (graph, next, ki));
  mul = calloc ((size_t) c, sizeof *mul);
  add = calloc ((size_t) c, sizeof *add);
  if (!k || !mul || !add)
    {
      free (k);
      free (mul);
      free (add);
      return MLRT_ERROR_NO_MEMORY;
    }
  for (int o = 0; o < c; o++)
    {
      float v = k[mlrt_onnx_in_const (graph, next, ki)->count == 1 ? 0 : o];

      mul[o] = kind == FOLD_MUL ? v : kind == FOLD_DIV ? 1.0f / v
               : kind == FOLD_SUB_FROM ? -1.0f : 1.0f;
      add[o] = kind == FOLD_ADD || kind == FOLD_SUB_FROM ? v
               : kind == FOLD_SUB ? -v : 0.0f;
    }
  status = mlrt_onnx_conv_affine (graph, conv, mul, add, NULL);
  if (status == MLRT_OK)
    {
      conv->outputs[0] = next->outputs[0];
      next->removed = 1;
      *done = 1;
    }
  free (k);
  free (mul);
  free (add);
  return status;
}

MlrtStatus
mlrt_onnx_pass_fold_scale (MlrtOnnxGraph *graph, MlrtError *error)
{
  MlrtStatus status = mlrt_onnx_graph_link (graph, error);
  int *reader = status == MLRT_OK ? mlrt_onnx_reader_index (graph) : NULL;

  if (status == MLRT_OK && reader == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t n = 0; status == MLRT_OK && n < graph->n_nodes; n++)
    {
      int done = 1;

      while (status == MLRT_OK && done && !graph->nodes[n]->removed)
        status = fold_next (graph, reader, graph->nodes[n], &done);
    }
  free (reader);
  if (status != MLRT_OK)
    return mlrt_set_error (error, status, "out of memory");
  mlrt_onnx_graph_compact (graph);
  return mlrt_onnx_graph_link (graph, error);
}
