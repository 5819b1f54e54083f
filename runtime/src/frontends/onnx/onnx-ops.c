/*
 * onnx-ops.c: the table of ONNX ops the frontend knows, one row per op:
 * its shape rule; for the ops shape arithmetic uses, when and how it
 * folds; for the ops mlrt converts, the function that maps a node of it
 * to mlrt layers (map-*.c) and how many of its inputs are data. Ops the
 * three PaddleOCR models use are all here, with the common ops of their
 * families; a node whose op has no row is reported by name.
 */
#include <string.h>

#include "onnx-map.h"

/* Rows by what they have beyond a shape rule (rule names without their
 * mlrt_onnx_shape_, _fold_, _map_ prefixes): a fold, a mapping to mlrt
 * layers (and how many of the node's inputs are data), or both. */
#define SHAPE(op, rule) \
  { op, mlrt_onnx_shape_##rule, MLRT_ONNX_FOLD_NEVER, NULL, NULL, 0 }
#define FOLD(op, rule, fold) \
  { op, mlrt_onnx_shape_##rule, MLRT_ONNX_FOLD_CONSTANT_INPUTS, \
    mlrt_onnx_fold_##fold, NULL, 0 }
#define MAP(op, rule, map, data) \
  { op, mlrt_onnx_shape_##rule, MLRT_ONNX_FOLD_NEVER, NULL, \
    mlrt_onnx_map_##map, data }
#define FOLD_MAP(op, rule, fold, map, data) \
  { op, mlrt_onnx_shape_##rule, MLRT_ONNX_FOLD_CONSTANT_INPUTS, \
    mlrt_onnx_fold_##fold, mlrt_onnx_map_##map, data }
#define ALL MLRT_ONNX_ALL_DATA

static const MlrtOnnxOpRule rules[] = {
  /* data movement and shape arithmetic */
  FOLD ("Constant", constant, constant),
  { "Shape", mlrt_onnx_shape_shape, MLRT_ONNX_FOLD_STATIC_SHAPE,
    mlrt_onnx_fold_shape, NULL, 0 },
  FOLD ("Identity", same, reshape_like),
  FOLD_MAP ("Reshape", reshape, reshape_like, reshape, 1),
  FOLD_MAP ("Flatten", flatten, reshape_like, reshape, 1),
  FOLD_MAP ("Squeeze", squeeze, reshape_like, reshape, 1),
  FOLD_MAP ("Unsqueeze", unsqueeze, reshape_like, reshape, 1),
  FOLD_MAP ("Transpose", transpose, transpose, transpose, 1),
  FOLD_MAP ("Concat", concat, concat, concat, ALL),
  FOLD_MAP ("Slice", slice, slice, slice, 1),
  MAP ("Split", split, split, 1),
  FOLD ("Gather", gather, gather),
  FOLD_MAP ("Cast", cast, cast, reshape, 1),
  /* elementwise arithmetic */
  FOLD_MAP ("Add", binary, arith, binary, ALL),
  FOLD_MAP ("Sub", binary, arith, binary, ALL),
  FOLD_MAP ("Mul", binary, arith, binary, ALL),
  FOLD_MAP ("Div", binary, arith, binary, ALL),
  FOLD_MAP ("Pow", binary, arith, binary, ALL),
  FOLD_MAP ("Min", binary, arith, variadic, ALL),
  FOLD_MAP ("Max", binary, arith, variadic, ALL),
  MAP ("Sum", binary, variadic, ALL),
  MAP ("Mean", binary, variadic, ALL),
  FOLD ("Equal", compare, arith),
  FOLD ("Less", compare, arith),
  FOLD ("Greater", compare, arith),
  SHAPE ("LessOrEqual", compare),
  SHAPE ("GreaterOrEqual", compare),
  FOLD ("Where", where, arith),
  FOLD_MAP ("Neg", unary, unary, unary_op, 1),
  FOLD_MAP ("Abs", unary, unary, unary_op, 1),
  FOLD_MAP ("Sqrt", unary, unary, unary_op, 1),
  FOLD_MAP ("Reciprocal", unary, unary, unary_op, 1),
  FOLD_MAP ("Floor", unary, unary, unary_op, 1),
  FOLD_MAP ("Ceil", unary, unary, unary_op, 1),
  MAP ("Exp", unary, unary_op, 1),
  MAP ("Sin", unary, unary_op, 1),
  MAP ("Cos", unary, unary_op, 1),
  MAP ("Log", unary, unary_op, 1),
  MAP ("Erf", unary, unary_op, 1),
  MAP ("Round", unary, unary_op, 1),
  SHAPE ("Not", unary),
  /* activations */
  MAP ("Relu", unary, activation, 1),
  MAP ("LeakyRelu", unary, activation, 1),
  SHAPE ("PRelu", unary),
  MAP ("Sigmoid", unary, activation, 1),
  MAP ("HardSigmoid", unary, activation, 1),
  MAP ("HardSwish", unary, activation, 1),
  MAP ("Tanh", unary, activation, 1),
  SHAPE ("Elu", unary),
  SHAPE ("Selu", unary),
  MAP ("Softplus", unary, unary_op, 1),
  MAP ("Softsign", unary, unary_op, 1),
  MAP ("Clip", unary, clip, 1),
  SHAPE ("Dropout", unary),
  MAP ("Softmax", softmax, softmax, 1),
  MAP ("LogSoftmax", softmax, softmax, 1),
  /* networks */
  MAP ("Conv", conv, conv, 1),
  MAP ("ConvTranspose", conv_transpose, conv_transpose, 1),
  MAP ("MaxPool", pool, pool, 1),
  MAP ("AveragePool", pool, pool, 1),
  MAP ("GlobalAveragePool", global_pool, global_pool, 1),
  MAP ("GlobalMaxPool", global_pool, global_pool, 1),
  MAP ("BatchNormalization", batch_norm, batch_norm, 1),
  MAP ("InstanceNormalization", unary, instance_norm, 1),
  SHAPE ("LRN", unary),
  MAP ("Resize", resize, resize, 1),
  MAP ("Upsample", resize, resize, 1),
  MAP ("MatMul", matmul, matmul, ALL),
  MAP ("Gemm", gemm, gemm, 1),
  MAP ("ReduceMean", reduce, reduce, 1),
  MAP ("ReduceSum", reduce, reduce, 1),
  MAP ("ReduceMax", reduce, reduce, 1),
  MAP ("ReduceMin", reduce, reduce, 1),
  MAP ("ReduceProd", reduce, reduce, 1),
  MAP ("ReduceL1", reduce, reduce, 1),
  MAP ("ReduceL2", reduce, reduce, 1),
  MAP ("ReduceLogSumExp", reduce, reduce, 1),
  MAP ("ReduceSumSquare", reduce, reduce, 1),
};

const MlrtOnnxOpRule *
mlrt_onnx_map_rule (const MlrtOnnxNode *node)
{
  const MlrtOnnxOpRule *rule = mlrt_onnx_op_rule (node);

  return rule && rule->map ? rule : NULL;
}

const MlrtOnnxOpRule *
mlrt_onnx_op_rule (const MlrtOnnxNode *node)
{
  if (node->domain[0] != '\0')
    return NULL;
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
    if (strcmp (rules[i].op_type, node->op_type) == 0)
      return &rules[i];
  return NULL;
}
