/*
 * map-elementwise.c: ONNX's element-wise ops mapped to mlrt's. Two tensors
 * the network computes meet in a broadcasting binary layer; a tensor and
 * a constant become a scale layer (x * scale + bias, the constant stored
 * as its weight), or for Pow, Max and Min by a scalar, the function that
 * is (mul, sqrt, reciprocal, clip); Sum, Mean and n-ary Max / Min are
 * chains of binary layers. Activations and math functions map one to one;
 * Clip becomes relu6 or relu when its bounds are theirs, so it can fuse.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-map.h"

/* mlrt's name of an ONNX op, lower case. */
static const char *
binary_name (const char *op_type)
{
  static const char *const names[][2] = {
    { "Add", "add" }, { "Sub", "sub" }, { "Mul", "mul" }, { "Div", "div" },
    { "Pow", "pow" }, { "Max", "max" }, { "Min", "min" }, { "Sum", "add" },
    { "Mean", "add" },
  };

  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (names[i][0], op_type) == 0)
      return names[i][1];
  return NULL;
}

static MlrtLayer *
binary_layer (MlrtOnnxMap *m, const MlrtOnnxNode *node, const char *op,
              const char *a, const char *b, const char *out)
{
  MlrtLayer *l = mlrt_onnx_map_unary (m, node, op, a, out);

  if (l && mlrt_onnx_map_layer_input (m, l, b) != MLRT_OK)
    return NULL;
  return l;
}

/* Adds k's values times `sign` (or their reciprocals, `invert`) as the
 * layer's weight `role`. */
static MlrtStatus
const_weight (MlrtOnnxMap *m, MlrtLayer *l, const MlrtOnnxTensor *k,
              const char *role, float sign, int invert)
{
  int64_t one = 1;
  float *v = mlrt_onnx_tensor_floats (k);
  MlrtStatus st;

  if (v == NULL)
    return MLRT_ERROR_NO_MEMORY;
  for (size_t i = 0; i < k->count; i++)
    v[i] = invert ? 1.0f / v[i] : v[i] * sign;
  st = mlrt_onnx_map_weight (m, l, role, v, k->rank ? k->rank : 1,
                             k->rank ? k->dims : &one);
  free (v);
  return st;
}

/* A scale layer from `in` to `out` (NULL: the node's output) whose one
 * weight `role` is a constant (see const_weight). */
static MlrtStatus
scale_by (MlrtOnnxMap *m, const MlrtOnnxNode *node, const char *in,
          const char *out, const MlrtOnnxTensor *k, const char *role,
          float sign, int invert)
{
  MlrtLayer *l = mlrt_onnx_map_unary (m, node, "scale", in, out);

  return l ? const_weight (m, l, k, role, sign, invert)
           : MLRT_ERROR_NO_MEMORY;
}

static const MlrtOnnxTensor one_scalar = { MLRT_ONNX_FLOAT, 0, { 0 }, 1,
                                           (float[]) { 1.0f } };

static size_t
value_count (const MlrtOnnxValue *v)
{
  size_t n = 1;

  for (int d = 0; d < v->rank; d++)
    n *= (size_t) v->dims[d].value;
  return n;
}

/* x (op) k or k (op) x, k a constant, as scale layers. */
static MlrtStatus
with_constant (MlrtOnnxMap *m, MlrtOnnxNode *node, size_t ki)
{
  const MlrtOnnxTensor *k = mlrt_onnx_in_const (m->graph, node, ki);
  const char *x = mlrt_onnx_map_data (m, node, 1 - ki), *op = node->op_type;
  const MlrtOnnxValue *xv = mlrt_onnx_node_input (m->graph, node, 1 - ki);
  const MlrtOnnxValue *y = mlrt_onnx_node_output (m->graph, node, 0);
  MlrtLayer *l;
  char *tmp;
  MlrtStatus st;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (k->rank > 4 || value_count (y) != value_count (xv))
    return mlrt_onnx_map_refuse (m, node, "its constant operand %s; mlrt "
                                 "applies constants of up to 4 dims within "
                                 "the tensor's shape", k->rank > 4
                                 ? "has more than 4 dims"
                                 : "broadcasts the tensor to a larger shape");
  if (!strcmp (op, "Add"))
    return scale_by (m, node, x, NULL, k, "bias", 1, 0);
  if (!strcmp (op, "Mul"))
    return scale_by (m, node, x, NULL, k, "scale", 1, 0);
  if (!strcmp (op, "Sub") && ki == 1)
    return scale_by (m, node, x, NULL, k, "bias", -1, 0);
  if (!strcmp (op, "Div") && ki == 1)
    return scale_by (m, node, x, NULL, k, "scale", 1, 1);
  if (!strcmp (op, "Sub"))
    {
      /* k - x = x * -1 + k */
      l = mlrt_onnx_map_unary (m, node, "scale", x, NULL);
      st = l ? const_weight (m, l, &one_scalar, "scale", -1, 0)
             : MLRT_ERROR_NO_MEMORY;
      return st == MLRT_OK ? const_weight (m, l, k, "bias", 1, 0) : st;
    }
  if (!strcmp (op, "Div"))
    {
      /* k / x: 1 / x, then * k */
      tmp = mlrt_onnx_map_temp (m, node, "reciprocal");
      st = tmp && mlrt_onnx_map_unary (m, node, "reciprocal", x, tmp)
           ? scale_by (m, node, tmp, NULL, k, "scale", 1, 0)
           : MLRT_ERROR_NO_MEMORY;
      free (tmp);
      return st;
    }
  return mlrt_onnx_map_refuse (m, node, "a constant operand of %s: mlrt "
                               "takes constants in Add, Sub, Mul and Div, a "
                               "scalar exponent of Pow and a scalar bound "
                               "of Max and Min", op);
}

/* x ^ k for a scalar k mlrt has a function for. */
static MlrtStatus
power (MlrtOnnxMap *m, MlrtOnnxNode *node, double k)
{
  const char *x = mlrt_onnx_map_data (m, node, 0);
  char *sq;
  MlrtStatus st = MLRT_OK;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (k == 2)
    return binary_layer (m, node, "mul", x, x, NULL) ? MLRT_OK
                                                     : MLRT_ERROR_NO_MEMORY;
  if (k == 3)
    {
      sq = mlrt_onnx_map_temp (m, node, "square");
      if (!sq || !binary_layer (m, node, "mul", x, x, sq)
          || !binary_layer (m, node, "mul", sq, x, NULL))
        st = MLRT_ERROR_NO_MEMORY;
      free (sq);
      return st;
    }
  if (k == 0.5 || k == -1 || k == 1)
    return mlrt_onnx_map_unary (m, node, k == 0.5 ? "sqrt" : k == -1
                                ? "reciprocal" : "reshape", x, NULL)
           ? MLRT_OK : MLRT_ERROR_NO_MEMORY;
  return mlrt_onnx_map_refuse (m, node, "x to the constant power %g: mlrt "
                               "has 0.5, -1, 1, 2 and 3, and pow of two "
                               "tensors", k);
}

MlrtStatus
mlrt_onnx_map_binary (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  int ca = mlrt_onnx_in_const (m->graph, node, 0) != NULL;
  int cb = mlrt_onnx_in_const (m->graph, node, 1) != NULL;
  const char *a, *b;
  double k;

  if (node->n_inputs != 2)
    return mlrt_onnx_map_refuse (m, node, "%zu inputs", node->n_inputs);
  if (ca && cb)
    return mlrt_onnx_map_refuse (m, node, "both inputs are constants: a "
                                 "graph output mlrt would not compute");
  if (cb && strcmp (node->op_type, "Pow") == 0)
    return mlrt_onnx_in_scalar (m->graph, node, 1, &k)
           ? power (m, node, k)
           : mlrt_onnx_map_refuse (m, node, "an exponent that is a constant "
                                   "tensor, not a scalar");
  if (ca || cb)
    return with_constant (m, node, ca ? 0 : 1);
  if ((a = mlrt_onnx_map_data (m, node, 0)) == NULL
      || (b = mlrt_onnx_map_data (m, node, 1)) == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  return binary_layer (m, node, binary_name (node->op_type), a, b, NULL)
         ? MLRT_OK : MLRT_ERROR_NO_MEMORY;
}

/* Max (x, k) or Min (x, k) for a scalar k: a clip. */
static MlrtStatus
bound (MlrtOnnxMap *m, MlrtOnnxNode *node, size_t ki)
{
  double k;
  const char *x = mlrt_onnx_map_data (m, node, 1 - ki);
  MlrtLayer *l;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (!mlrt_onnx_in_scalar (m->graph, node, ki, &k))
    return mlrt_onnx_map_refuse (m, node, "a constant operand that is not a "
                                 "scalar");
  if ((l = mlrt_onnx_map_unary (m, node, "clip", x, NULL)) == NULL)
    return MLRT_ERROR_NO_MEMORY;
  if (strcmp (node->op_type, "Max") == 0)
    l->p.lo = (float) k;
  else
    l->p.hi = (float) k;
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_map_variadic (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *op = binary_name (node->op_type), *acc;
  char *prev = NULL;
  MlrtStatus st = MLRT_OK;
  size_t n = node->n_inputs;

  if (n == 2 && strcmp (node->op_type, "Mean") != 0
      && (mlrt_onnx_in_const (m->graph, node, 0)
          || mlrt_onnx_in_const (m->graph, node, 1)))
    return strcmp (node->op_type, "Sum") == 0
           ? mlrt_onnx_map_binary (m, node)
           : bound (m, node, mlrt_onnx_in_const (m->graph, node, 0) ? 0 : 1);
  for (size_t i = 0; i < n; i++)
    if (mlrt_onnx_map_data (m, node, i) == NULL)
      return MLRT_ERROR_UNSUPPORTED;
  if (n == 1)
    return mlrt_onnx_map_reshape_to (m, node, mlrt_onnx_map_data (m, node, 0),
                                     NULL, mlrt_onnx_node_output (m->graph,
                                                                  node, 0));
  acc = mlrt_onnx_map_data (m, node, 0);
  for (size_t i = 1; st == MLRT_OK && i < n; i++)
    {
      int last = i + 1 == n && strcmp (node->op_type, "Mean") != 0;
      char *next = last ? NULL : mlrt_onnx_map_temp (m, node, op);

      if ((!last && next == NULL)
          || !binary_layer (m, node, op, acc, mlrt_onnx_map_data (m, node, i),
                            next))
        st = MLRT_ERROR_NO_MEMORY;
      free (prev);
      prev = next;
      acc = next;
    }
  if (st == MLRT_OK && strcmp (node->op_type, "Mean") == 0)
    {
      float inv = 1.0f / (float) n;
      int64_t one = 1;
      MlrtLayer *l = mlrt_onnx_map_unary (m, node, "scale", acc, NULL);

      st = l ? mlrt_onnx_map_weight (m, l, "scale", &inv, 1, &one)
             : MLRT_ERROR_NO_MEMORY;
    }
  free (prev);
  return st;
}

MlrtStatus
mlrt_onnx_map_unary_op (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  static const char *const names[][2] = {
    { "Sqrt", "sqrt" }, { "Exp", "exp" }, { "Log", "log" }, { "Abs", "abs" },
    { "Reciprocal", "reciprocal" }, { "Floor", "floor" }, { "Ceil", "ceil" },
    { "Round", "round" }, { "Erf", "erf" }, { "Sin", "sin" }, { "Cos", "cos" },
    { "Softplus", "softplus" }, { "Softsign", "softsign" },
  };
  const char *x = mlrt_onnx_map_data (m, node, 0);

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  if (strcmp (node->op_type, "Neg") == 0)
    return scale_by (m, node, x, NULL, &one_scalar, "scale", -1, 0);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (names[i][0], node->op_type) == 0)
      return mlrt_onnx_map_unary (m, node, names[i][1], x, NULL)
             ? MLRT_OK : MLRT_ERROR_NO_MEMORY;
  return mlrt_onnx_map_refuse (m, node, "no mlrt function");
}

MlrtStatus
mlrt_onnx_map_activation (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  static const char *const names[][2] = {
    { "Relu", "relu" }, { "LeakyRelu", "leaky_relu" },
    { "Sigmoid", "sigmoid" }, { "Tanh", "tanh" },
    { "HardSigmoid", "hard_sigmoid" }, { "HardSwish", "hard_swish" },
  };
  const char *x = mlrt_onnx_map_data (m, node, 0);
  MlrtLayer *l = NULL;

  if (x == NULL)
    return MLRT_ERROR_UNSUPPORTED;
  for (size_t i = 0; i < sizeof names / sizeof names[0] && !l; i++)
    if (strcmp (names[i][0], node->op_type) == 0
        && (l = mlrt_onnx_map_unary (m, node, names[i][1], x, NULL)) == NULL)
      return MLRT_ERROR_NO_MEMORY;
  if (l == NULL)
    return mlrt_onnx_map_refuse (m, node, "no mlrt activation");
  if (strcmp (node->op_type, "LeakyRelu") == 0)
    l->p.alpha = mlrt_onnx_attr_float (node, "alpha", 0.01f);
  else if (strcmp (node->op_type, "HardSigmoid") == 0)
    {
      l->p.alpha = mlrt_onnx_attr_float (node, "alpha", 0.2f);
      l->p.beta = mlrt_onnx_attr_float (node, "beta", 0.5f);
    }
  return MLRT_OK;
}

/* Clip's bound at input i (opset 11 on) or attribute (before), or
 * `fallback` when absent; 0 having refused a bound that is computed. */
static int
clip_bound (MlrtOnnxMap *m, const MlrtOnnxNode *node, size_t i,
            const char *attr, double fallback, double *v)
{
  const MlrtOnnxValue *in = mlrt_onnx_node_input (m->graph, node, i);

  *v = fallback;
  if (node->opset < 11)
    {
      *v = mlrt_onnx_attr_float (node, attr, (float) fallback);
      return 1;
    }
  if (in == NULL)
    return 1;
  if (mlrt_onnx_in_scalar (m->graph, node, i, v))
    return 1;
  mlrt_onnx_map_refuse (m, node, "its %s bound '%s' must be a constant "
                        "scalar", attr, in->name);
  return 0;
}

MlrtStatus
mlrt_onnx_map_clip (MlrtOnnxMap *m, MlrtOnnxNode *node)
{
  const char *x = mlrt_onnx_map_data (m, node, 0);
  double lo, hi;
  MlrtLayer *l;

  if (x == NULL || !clip_bound (m, node, 1, "min", -FLT_MAX, &lo)
      || !clip_bound (m, node, 2, "max", FLT_MAX, &hi))
    return MLRT_ERROR_UNSUPPORTED;
  lo = fmax (lo, -FLT_MAX);
  hi = fmin (hi, FLT_MAX);
  if (lo > hi)
    lo = hi;                    /* ONNX: min above max gives max */
  l = mlrt_onnx_map_unary (m, node, lo == 0 && hi == 6 ? "relu6"
                           : lo == 0 && hi == FLT_MAX ? "relu" : "clip", x,
                           NULL);
  if (l == NULL)
    return MLRT_ERROR_NO_MEMORY;
  l->p.lo = (float) lo;
  l->p.hi = (float) hi;
  return MLRT_OK;
}
