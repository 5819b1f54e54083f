/*
 * fold-arith.c: computing elementwise arithmetic on known inputs at import
 * time (Add, Sub, Mul, Div, Pow, Min, Max, the comparisons, Where, and a
 * few unary functions), with numpy broadcasting. Integers are computed as
 * int64 and floats as double, then stored in the output's type, so shape
 * arithmetic stays exact.
 */
#include <math.h>
#include <string.h>

#include "onnx-ops.h"

typedef struct {
  const MlrtOnnxTensor *t;
  int64_t strides[MLRT_ONNX_MAX_RANK];  /* 0 on broadcast axes */
} Operand;

static void
operand_init (Operand *op, const MlrtOnnxTensor *t, int out_rank,
              const int64_t *out_dims)
{
  int64_t s = 1;

  op->t = t;
  for (int d = out_rank; d-- > 0;)
    {
      int td = d - (out_rank - t->rank);

      op->strides[d] = td >= 0 && t->dims[td] == out_dims[d]
        && t->dims[td] != 1 ? s : 0;
      if (td >= 0)
        s *= t->dims[td];
    }
}

static size_t
operand_offset (const Operand *op, const int64_t *index, int rank)
{
  int64_t at = 0;

  for (int d = 0; d < rank; d++)
    at += index[d] * op->strides[d];
  return (size_t) at;
}

static int64_t
int_op (const char *op, int64_t a, int64_t b, int *ok)
{
  if (strcmp (op, "Add") == 0) return (int64_t) ((uint64_t) a + (uint64_t) b);
  if (strcmp (op, "Sub") == 0) return (int64_t) ((uint64_t) a - (uint64_t) b);
  if (strcmp (op, "Mul") == 0) return (int64_t) ((uint64_t) a * (uint64_t) b);
  if (strcmp (op, "Min") == 0) return a < b ? a : b;
  if (strcmp (op, "Max") == 0) return a > b ? a : b;
  if (strcmp (op, "Equal") == 0) return a == b;
  if (strcmp (op, "Less") == 0) return a < b;
  if (strcmp (op, "Greater") == 0) return a > b;
  if (strcmp (op, "Div") == 0 && b != 0 && !(a == INT64_MIN && b == -1))
    return a / b;
  *ok = 0;
  return 0;
}

static double
float_op (const char *op, double a, double b)
{
  if (strcmp (op, "Add") == 0) return a + b;
  if (strcmp (op, "Sub") == 0) return a - b;
  if (strcmp (op, "Mul") == 0) return a * b;
  if (strcmp (op, "Div") == 0) return a / b;
  if (strcmp (op, "Pow") == 0) return pow (a, b);
  if (strcmp (op, "Min") == 0) return fmin (a, b);
  if (strcmp (op, "Max") == 0) return fmax (a, b);
  if (strcmp (op, "Equal") == 0) return a == b;
  if (strcmp (op, "Less") == 0) return a < b;
  return a > b;                        /* Greater */
}

/* One element of a binary op; the first operand's type decides how. */
static int
binary_at (const char *op, const Operand *a, const Operand *b,
           const int64_t *index, int rank, MlrtOnnxTensor *out, size_t i)
{
  size_t ia = operand_offset (a, index, rank);
  size_t ib = operand_offset (b, index, rank);
  int ok = 1;

  /* Pow is computed in double even on integers, and stored saturated */
  if (mlrt_onnx_type_is_float (a->t->type) || strcmp (op, "Pow") == 0)
    mlrt_onnx_tensor_set_double (out, i, float_op (op,
                                 mlrt_onnx_tensor_get_double (a->t, ia),
                                 mlrt_onnx_tensor_get_double (b->t, ib)));
  else
    mlrt_onnx_tensor_set_int (out, i, int_op (op,
                              mlrt_onnx_tensor_get_int (a->t, ia),
                              mlrt_onnx_tensor_get_int (b->t, ib), &ok));
  return ok;
}

MlrtStatus
mlrt_onnx_fold_arith (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtOnnxTensor **out, MlrtError *error)
{
  int64_t index[MLRT_ONNX_MAX_RANK] = { 0 };
  int where = strcmp (node->op_type, "Where") == 0;
  Operand ops[3];
  MlrtOnnxTensor *t;

  /* variadic Min and Max with other than two inputs stay as they are */
  if (node->n_inputs != 2 + (size_t) where)
    return MLRT_OK;
  if ((t = out[0] = mlrt_onnx_fold_output (graph, node, 0, error)) == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  for (size_t i = 0; i < node->n_inputs; i++)
    operand_init (&ops[i], mlrt_onnx_in_const (graph, node, i), t->rank,
                  t->dims);
  for (size_t i = 0; i < t->count; i++, mlrt_onnx_next_index (index, t->dims, t->rank))
    if (where)
      {
        const Operand *pick = mlrt_onnx_tensor_get_int (ops[0].t,
                              operand_offset (&ops[0], index, t->rank))
          ? &ops[1] : &ops[2];
        size_t at = operand_offset (pick, index, t->rank);

        memcpy ((char *) t->data + i * mlrt_onnx_type_size (t->type),
                (const char *) pick->t->data
                + at * mlrt_onnx_type_size (t->type),
                mlrt_onnx_type_size (t->type));
      }
    else if (!binary_at (node->op_type, &ops[0], &ops[1], index, t->rank,
                         t, i))
      return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_FORMAT,
                                   "integer division by zero");
  return MLRT_OK;
}

static double
unary_op (const char *op, double x)
{
  if (strcmp (op, "Neg") == 0) return -x;
  if (strcmp (op, "Abs") == 0) return fabs (x);
  if (strcmp (op, "Sqrt") == 0) return sqrt (x);
  if (strcmp (op, "Floor") == 0) return floor (x);
  if (strcmp (op, "Ceil") == 0) return ceil (x);
  return 1.0 / x;                      /* Reciprocal */
}

MlrtStatus
mlrt_onnx_fold_unary (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                      MlrtOnnxTensor **out, MlrtError *error)
{
  const MlrtOnnxTensor *in = mlrt_onnx_in_const (graph, node, 0);
  int is_int = !mlrt_onnx_type_is_float (in->type);

  out[0] = mlrt_onnx_tensor_copy (in);
  if (out[0] == NULL)
    return mlrt_onnx_node_error (graph, node, error, MLRT_ERROR_NO_MEMORY,
                                 "out of memory");
  for (size_t i = 0; i < in->count; i++)
    if (is_int && (strcmp (node->op_type, "Neg") == 0
                   || strcmp (node->op_type, "Abs") == 0))
      {
        int64_t x = mlrt_onnx_tensor_get_int (in, i);
        int negate = node->op_type[0] == 'N' || x < 0;

        /* through uint64 so that INT64_MIN wraps as the kernels do */
        mlrt_onnx_tensor_set_int (out[0], i, negate
                                  ? (int64_t) (0 - (uint64_t) x) : x);
      }
    else
      mlrt_onnx_tensor_set_double (out[0], i,
                                   unary_op (node->op_type,
                                   mlrt_onnx_tensor_get_double (in, i)));
  return MLRT_OK;
}
