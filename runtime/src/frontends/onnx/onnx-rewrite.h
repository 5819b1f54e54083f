/*
 * onnx-rewrite.h: the helpers of the passes that rewrite the ONNX graph
 * before it is mapped to mlrt layers (onnx-rewrite.c), and those passes:
 * batch norms and constant scales folded into the convolution before
 * them, the hard-swish pattern fused into one node. Each pass looks for
 * its pattern only where the values between the nodes have no other
 * reader, so a rewrite never changes what the model computes.
 */
#ifndef MLRT_ONNX_REWRITE_H
#define MLRT_ONNX_REWRITE_H

#include "onnx-ops.h"

/* Per value, the index of a node reading it (-1: none); with the value's
 * consumer count of 1, the one node that does. free() it. */
int *mlrt_onnx_reader_index (const MlrtOnnxGraph *graph);
/* The node that alone reads `value`, which is no graph output; NULL when
 * there is none, or more than one. */
MlrtOnnxNode *mlrt_onnx_sole_reader (const MlrtOnnxGraph *graph,
                                     const int *reader, int value);
/* Whether node is op_type of the default domain, still in the graph. */
int mlrt_onnx_node_is (const MlrtOnnxNode *node, const char *op_type);
/* A float copy of a constant's values (free() it); NULL without memory. */
float *mlrt_onnx_tensor_floats (const MlrtOnnxTensor *tensor);
/* Whether input i is a known single value, and which. */
int mlrt_onnx_in_scalar (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                         size_t i, double *value);
/* Adds `tensor` (taken) as a constant value named after `hint`, made
 * unique; its index, or -1 without memory. */
int mlrt_onnx_graph_add_constant (MlrtOnnxGraph *graph, const char *hint,
                                  MlrtOnnxTensor *tensor);
int mlrt_onnx_add_float_constant (MlrtOnnxGraph *graph, const char *hint,
                                  int rank, const int64_t *dims,
                                  const float *values);

/* The output channels of a Conv whose weight (and bias, if any) are
 * constants, which a fold can then change; 0 for any other node. */
int mlrt_onnx_conv_out_channels (const MlrtOnnxGraph *graph,
                                 const MlrtOnnxNode *conv);
/* Makes the conv compute y * mul[o] + add[o] for each output channel o
 * (mul or add NULL: 1 or 0), in new weight and bias constants. */
MlrtStatus mlrt_onnx_conv_affine (MlrtOnnxGraph *graph, MlrtOnnxNode *conv,
                                  const float *mul, const float *add,
                                  MlrtError *error);

/* ---- the passes (pass-fold-batch-norm.c, pass-fold-scale.c,
 * pass-fuse-hard-swish.c) ---- */

/* Conv -> BatchNormalization: the norm's scale and shift go into the
 * convolution's weights and bias. */
MlrtStatus mlrt_onnx_pass_fold_batch_norm (MlrtOnnxGraph *graph,
                                           MlrtError *error);
/* Conv -> Mul / Div / Add / Sub by a constant scalar or a value per output
 * channel: folded into the convolution's weights and bias, repeatedly. */
MlrtStatus mlrt_onnx_pass_fold_scale (MlrtOnnxGraph *graph,
                                      MlrtError *error);
/* x * Clip (x + 3, 0, 6) / 6 (or * 1/6), and x * HardSigmoid (x) with
 * alpha 1/6, beta 1/2: one HardSwish node. */
MlrtStatus mlrt_onnx_pass_fuse_hard_swish (MlrtOnnxGraph *graph,
                                           MlrtError *error);

#endif /* MLRT_ONNX_REWRITE_H */
