/*
 * onnx-ops.c: the table of ONNX ops the frontend knows, one row per op:
 * its shape rule and, for the ops shape arithmetic uses, when and how it
 * folds. Ops the three PaddleOCR models use are all here, with the common
 * ops of their families; a node whose op has no row is reported by name.
 */
#include <string.h>

#include "onnx-ops.h"

#define SHAPE(op, rule) { op, rule, MLRT_ONNX_FOLD_NEVER, NULL }
#define FOLD(op, rule, fold) \
  { op, rule, MLRT_ONNX_FOLD_CONSTANT_INPUTS, fold }

static const MlrtOnnxOpRule rules[] = {
  /* data movement and shape arithmetic */
  { "Constant", mlrt_onnx_shape_constant, MLRT_ONNX_FOLD_CONSTANT_INPUTS,
    mlrt_onnx_fold_constant },
  { "Shape", mlrt_onnx_shape_shape, MLRT_ONNX_FOLD_STATIC_SHAPE,
    mlrt_onnx_fold_shape },
  FOLD ("Identity", mlrt_onnx_shape_same, mlrt_onnx_fold_reshape_like),
  FOLD ("Reshape", mlrt_onnx_shape_reshape, mlrt_onnx_fold_reshape_like),
  FOLD ("Flatten", mlrt_onnx_shape_flatten, mlrt_onnx_fold_reshape_like),
  FOLD ("Squeeze", mlrt_onnx_shape_squeeze, mlrt_onnx_fold_reshape_like),
  FOLD ("Unsqueeze", mlrt_onnx_shape_unsqueeze, mlrt_onnx_fold_reshape_like),
  FOLD ("Transpose", mlrt_onnx_shape_transpose, mlrt_onnx_fold_transpose),
  FOLD ("Concat", mlrt_onnx_shape_concat, mlrt_onnx_fold_concat),
  FOLD ("Slice", mlrt_onnx_shape_slice, mlrt_onnx_fold_slice),
  SHAPE ("Split", mlrt_onnx_shape_split),
  FOLD ("Gather", mlrt_onnx_shape_gather, mlrt_onnx_fold_gather),
  FOLD ("Cast", mlrt_onnx_shape_cast, mlrt_onnx_fold_cast),
  /* elementwise arithmetic */
  FOLD ("Add", mlrt_onnx_shape_binary, mlrt_onnx_fold_arith),
  FOLD ("Sub", mlrt_onnx_shape_binary, mlrt_onnx_fold_arith),
  FOLD ("Mul", mlrt_onnx_shape_binary, mlrt_onnx_fold_arith),
  FOLD ("Div", mlrt_onnx_shape_binary, mlrt_onnx_fold_arith),
  FOLD ("Pow", mlrt_onnx_shape_binary, mlrt_onnx_fold_arith),
  FOLD ("Min", mlrt_onnx_shape_binary, mlrt_onnx_fold_arith),
  FOLD ("Max", mlrt_onnx_shape_binary, mlrt_onnx_fold_arith),
  SHAPE ("Sum", mlrt_onnx_shape_binary),
  SHAPE ("Mean", mlrt_onnx_shape_binary),
  FOLD ("Equal", mlrt_onnx_shape_compare, mlrt_onnx_fold_arith),
  FOLD ("Less", mlrt_onnx_shape_compare, mlrt_onnx_fold_arith),
  FOLD ("Greater", mlrt_onnx_shape_compare, mlrt_onnx_fold_arith),
  SHAPE ("LessOrEqual", mlrt_onnx_shape_compare),
  SHAPE ("GreaterOrEqual", mlrt_onnx_shape_compare),
  FOLD ("Where", mlrt_onnx_shape_where, mlrt_onnx_fold_arith),
  FOLD ("Neg", mlrt_onnx_shape_unary, mlrt_onnx_fold_unary),
  FOLD ("Abs", mlrt_onnx_shape_unary, mlrt_onnx_fold_unary),
  FOLD ("Sqrt", mlrt_onnx_shape_unary, mlrt_onnx_fold_unary),
  FOLD ("Reciprocal", mlrt_onnx_shape_unary, mlrt_onnx_fold_unary),
  FOLD ("Floor", mlrt_onnx_shape_unary, mlrt_onnx_fold_unary),
  FOLD ("Ceil", mlrt_onnx_shape_unary, mlrt_onnx_fold_unary),
  SHAPE ("Exp", mlrt_onnx_shape_unary),
  SHAPE ("Sin", mlrt_onnx_shape_unary),
  SHAPE ("Cos", mlrt_onnx_shape_unary),
  SHAPE ("Log", mlrt_onnx_shape_unary),
  SHAPE ("Erf", mlrt_onnx_shape_unary),
  SHAPE ("Round", mlrt_onnx_shape_unary),
  SHAPE ("Not", mlrt_onnx_shape_unary),
  /* activations */
  SHAPE ("Relu", mlrt_onnx_shape_unary),
  SHAPE ("LeakyRelu", mlrt_onnx_shape_unary),
  SHAPE ("PRelu", mlrt_onnx_shape_unary),
  SHAPE ("Sigmoid", mlrt_onnx_shape_unary),
  SHAPE ("HardSigmoid", mlrt_onnx_shape_unary),
  SHAPE ("HardSwish", mlrt_onnx_shape_unary),
  SHAPE ("Tanh", mlrt_onnx_shape_unary),
  SHAPE ("Elu", mlrt_onnx_shape_unary),
  SHAPE ("Selu", mlrt_onnx_shape_unary),
  SHAPE ("Softplus", mlrt_onnx_shape_unary),
  SHAPE ("Softsign", mlrt_onnx_shape_unary),
  SHAPE ("Clip", mlrt_onnx_shape_unary),
  SHAPE ("Dropout", mlrt_onnx_shape_unary),
  SHAPE ("Softmax", mlrt_onnx_shape_softmax),
  SHAPE ("LogSoftmax", mlrt_onnx_shape_softmax),
  /* networks */
  SHAPE ("Conv", mlrt_onnx_shape_conv),
  SHAPE ("ConvTranspose", mlrt_onnx_shape_conv_transpose),
  SHAPE ("MaxPool", mlrt_onnx_shape_pool),
  SHAPE ("AveragePool", mlrt_onnx_shape_pool),
  SHAPE ("GlobalAveragePool", mlrt_onnx_shape_global_pool),
  SHAPE ("GlobalMaxPool", mlrt_onnx_shape_global_pool),
  SHAPE ("BatchNormalization", mlrt_onnx_shape_batch_norm),
  SHAPE ("InstanceNormalization", mlrt_onnx_shape_unary),
  SHAPE ("LRN", mlrt_onnx_shape_unary),
  SHAPE ("Resize", mlrt_onnx_shape_resize),
  SHAPE ("Upsample", mlrt_onnx_shape_resize),
  SHAPE ("MatMul", mlrt_onnx_shape_matmul),
  SHAPE ("Gemm", mlrt_onnx_shape_gemm),
  SHAPE ("ReduceMean", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceSum", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceMax", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceMin", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceProd", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceL1", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceL2", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceLogSumExp", mlrt_onnx_shape_reduce),
  SHAPE ("ReduceSumSquare", mlrt_onnx_shape_reduce),
};

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
