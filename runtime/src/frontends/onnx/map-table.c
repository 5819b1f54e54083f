/*
 * map-table.c: the ONNX ops mlrt converts, one row each: the function
 * that maps a node of it to layers, and how many of its inputs are data
 * (the rest must be constants mlrt stores: weights, shapes, bounds). An
 * op without a row is refused by name; those that only shape arithmetic
 * uses (Shape, Gather, Cast of integers, ...) convert when folding has
 * computed them away.
 */
#include <string.h>

#include "onnx-map.h"

#define ALL MLRT_ONNX_ALL_DATA

static const MlrtOnnxMapRule rules[] = {
  /* networks */
  { "Conv", mlrt_onnx_map_conv, 1 },
  { "ConvTranspose", mlrt_onnx_map_conv_transpose, 1 },
  { "MaxPool", mlrt_onnx_map_pool, 1 },
  { "AveragePool", mlrt_onnx_map_pool, 1 },
  { "GlobalAveragePool", mlrt_onnx_map_global_pool, 1 },
  { "GlobalMaxPool", mlrt_onnx_map_global_pool, 1 },
  { "BatchNormalization", mlrt_onnx_map_batch_norm, 1 },
  { "InstanceNormalization", mlrt_onnx_map_instance_norm, 1 },
  { "Resize", mlrt_onnx_map_resize, 1 },
  { "Upsample", mlrt_onnx_map_resize, 1 },
  { "MatMul", mlrt_onnx_map_matmul, ALL },
  { "Gemm", mlrt_onnx_map_gemm, 1 },
  { "Softmax", mlrt_onnx_map_softmax, 1 },
  { "LogSoftmax", mlrt_onnx_map_softmax, 1 },
  /* element-wise */
  { "Add", mlrt_onnx_map_binary, ALL },
  { "Sub", mlrt_onnx_map_binary, ALL },
  { "Mul", mlrt_onnx_map_binary, ALL },
  { "Div", mlrt_onnx_map_binary, ALL },
  { "Pow", mlrt_onnx_map_binary, ALL },
  { "Max", mlrt_onnx_map_variadic, ALL },
  { "Min", mlrt_onnx_map_variadic, ALL },
  { "Sum", mlrt_onnx_map_variadic, ALL },
  { "Mean", mlrt_onnx_map_variadic, ALL },
  { "Neg", mlrt_onnx_map_unary_op, 1 },
  { "Sqrt", mlrt_onnx_map_unary_op, 1 },
  { "Exp", mlrt_onnx_map_unary_op, 1 },
  { "Log", mlrt_onnx_map_unary_op, 1 },
  { "Abs", mlrt_onnx_map_unary_op, 1 },
  { "Reciprocal", mlrt_onnx_map_unary_op, 1 },
  { "Floor", mlrt_onnx_map_unary_op, 1 },
  { "Ceil", mlrt_onnx_map_unary_op, 1 },
  { "Round", mlrt_onnx_map_unary_op, 1 },
  { "Erf", mlrt_onnx_map_unary_op, 1 },
  { "Sin", mlrt_onnx_map_unary_op, 1 },
  { "Cos", mlrt_onnx_map_unary_op, 1 },
  { "Softplus", mlrt_onnx_map_unary_op, 1 },
  { "Softsign", mlrt_onnx_map_unary_op, 1 },
  /* activations */
  { "Relu", mlrt_onnx_map_activation, 1 },
  { "LeakyRelu", mlrt_onnx_map_activation, 1 },
  { "Sigmoid", mlrt_onnx_map_activation, 1 },
  { "Tanh", mlrt_onnx_map_activation, 1 },
  { "HardSigmoid", mlrt_onnx_map_activation, 1 },
  { "HardSwish", mlrt_onnx_map_activation, 1 },
  { "Clip", mlrt_onnx_map_clip, 1 },
  /* layout */
  { "Reshape", mlrt_onnx_map_reshape, 1 },
  { "Flatten", mlrt_onnx_map_reshape, 1 },
  { "Squeeze", mlrt_onnx_map_reshape, 1 },
  { "Unsqueeze", mlrt_onnx_map_reshape, 1 },
  { "Cast", mlrt_onnx_map_reshape, 1 },
  { "Transpose", mlrt_onnx_map_transpose, 1 },
  { "Concat", mlrt_onnx_map_concat, ALL },
  { "Slice", mlrt_onnx_map_slice, 1 },
  { "Split", mlrt_onnx_map_split, 1 },
  /* reductions */
  { "ReduceMean", mlrt_onnx_map_reduce, 1 },
  { "ReduceSum", mlrt_onnx_map_reduce, 1 },
  { "ReduceMax", mlrt_onnx_map_reduce, 1 },
  { "ReduceMin", mlrt_onnx_map_reduce, 1 },
  { "ReduceProd", mlrt_onnx_map_reduce, 1 },
  { "ReduceL1", mlrt_onnx_map_reduce, 1 },
  { "ReduceL2", mlrt_onnx_map_reduce, 1 },
  { "ReduceSumSquare", mlrt_onnx_map_reduce, 1 },
  { "ReduceLogSumExp", mlrt_onnx_map_reduce, 1 },
};

const MlrtOnnxMapRule *
mlrt_onnx_map_rule (const MlrtOnnxNode *node)
{
  if (node->domain[0] != '\0')
    return NULL;
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
    if (strcmp (rules[i].op_type, node->op_type) == 0)
      return &rules[i];
  return NULL;
}
