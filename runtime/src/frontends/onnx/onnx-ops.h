/*
 * onnx-ops.h: what the frontend knows about each ONNX op, one table row per
 * op (onnx-ops.c): the rule that gives its outputs a type and shape from
 * its inputs, and, for the ops that shape arithmetic is made of, how to
 * compute it when its inputs are known. An op without a row has no shape
 * rule and is reported as such, never guessed.
 *
 * Shape rules work on partly known shapes: a dim that is unknown on the
 * way in (MLRT_ONNX_DIM_UNKNOWN) stays unknown in every dim it decides.
 * A rule fails only on inputs that contradict the op (wrong rank, dims
 * that do not match), naming the node.
 */
#ifndef MLRT_ONNX_OPS_H
#define MLRT_ONNX_OPS_H

#include "onnx-graph.h"

/* When a node's outputs can be computed at import time. */
typedef enum {
  MLRT_ONNX_FOLD_NEVER,
  MLRT_ONNX_FOLD_CONSTANT_INPUTS,   /* every present input is known */
  MLRT_ONNX_FOLD_STATIC_SHAPE,      /* the first input's shape is known */
} MlrtOnnxFoldWhen;

typedef MlrtStatus (*MlrtOnnxShapeRule) (MlrtOnnxGraph *graph,
                                         MlrtOnnxNode *node,
                                         MlrtError *error);
/* Fills out[i] for each output of the node; leaving out[0] NULL declines
 * (a case the fold does not cover: the node stays, with its shape). */
typedef MlrtStatus (*MlrtOnnxFoldRule) (MlrtOnnxGraph *graph,
                                        MlrtOnnxNode *node,
                                        MlrtOnnxTensor **out,
                                        MlrtError *error);

/* Maps a node (every shape known) to mlrt layers (onnx-map.h). */
typedef struct MlrtOnnxMap MlrtOnnxMap;
typedef MlrtStatus (*MlrtOnnxMapFn) (MlrtOnnxMap *m, MlrtOnnxNode *node);

typedef struct {
  const char *op_type;           /* in the default ai.onnx domain */
  MlrtOnnxShapeRule shape;
  MlrtOnnxFoldWhen fold_when;
  MlrtOnnxFoldRule fold;
  MlrtOnnxMapFn map;             /* NULL: mlrt does not convert it (it
                                  * may still fold away) */
  /* How many of the node's first inputs are data, run through the
   * network; the rest must be constants (weights, shapes, bounds).
   * MLRT_ONNX_ALL_DATA: every input is. */
  int data_inputs;
} MlrtOnnxOpRule;

#define MLRT_ONNX_ALL_DATA 255

/* The row for a node's op, or NULL when the frontend has none. */
const MlrtOnnxOpRule *mlrt_onnx_op_rule (const MlrtOnnxNode *node);
/* The row, when mlrt converts the op; else NULL. */
const MlrtOnnxOpRule *mlrt_onnx_map_rule (const MlrtOnnxNode *node);

/* ---- helpers for rules (shape-util.c) ---- */

typedef struct {
  int rank;                      /* -1: unknown */
  int64_t dims[MLRT_ONNX_MAX_RANK];
} MlrtOnnxShape;

/* Input i's shape (rank -1 when omitted or unknown) and element type. */
MlrtOnnxShape mlrt_onnx_in_shape (const MlrtOnnxGraph *graph,
                                  const MlrtOnnxNode *node, size_t i);
MlrtOnnxType mlrt_onnx_in_type (const MlrtOnnxGraph *graph,
                                const MlrtOnnxNode *node, size_t i);
/* Input i's contents when known at import time, else NULL. */
const MlrtOnnxTensor *mlrt_onnx_in_const (const MlrtOnnxGraph *graph,
                                          const MlrtOnnxNode *node, size_t i);
/* Sets output i's type and shape. A shape that contradicts a known dim the
 * model states for that tensor is an error. */
MlrtStatus mlrt_onnx_set_output (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                                 size_t i, MlrtOnnxType type,
                                 const MlrtOnnxShape *shape, MlrtError *error);
/* Output 0 gets `shape` and input 0's type: most ops' rule ends so. */
MlrtStatus mlrt_onnx_set_main_output (MlrtOnnxGraph *graph,
                                      MlrtOnnxNode *node,
                                      const MlrtOnnxShape *shape,
                                      MlrtError *error);
/* Output 0 gets input 0's type and shape: the rule of every op that
 * keeps them. */
MlrtStatus mlrt_onnx_shape_same (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                                 MlrtError *error);
/* Numpy-style broadcast of a and b into out; 0 when they cannot. */
int mlrt_onnx_broadcast (const MlrtOnnxShape *a, const MlrtOnnxShape *b,
                         MlrtOnnxShape *out);
/* An axis in [-rank, rank) made non-negative; 0 when out of range. */
int mlrt_onnx_axis (int64_t axis, int rank, int *out);
/* A list of ints from an attribute (opsets before `input_since`) or from
 * constant input `input` (from that opset on). Returns 1 and the list
 * (owned by the caller) when known, 0 when the input is not constant, and
 * sets *present to whether the list was given at all. */
int mlrt_onnx_ints_arg (const MlrtOnnxGraph *graph, const MlrtOnnxNode *node,
                        const char *attr, size_t input, int64_t input_since,
                        int64_t **ints, size_t *n, int *present);
/* The product of dims [from, to), or -1 when one is unknown. */
int64_t mlrt_onnx_dims_product (const MlrtOnnxShape *shape, int from, int to);
/* A shape from a tensor's dims. */
MlrtOnnxShape mlrt_onnx_tensor_shape (const MlrtOnnxTensor *tensor);

/* ---- shape rules (shape-*.c) ---- */

MlrtStatus mlrt_onnx_shape_unary (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_binary (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_compare (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_where (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_cast (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_conv (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_conv_transpose (MlrtOnnxGraph *, MlrtOnnxNode *,
                                           MlrtError *);
MlrtStatus mlrt_onnx_shape_pool (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_global_pool (MlrtOnnxGraph *, MlrtOnnxNode *,
                                        MlrtError *);
MlrtStatus mlrt_onnx_shape_batch_norm (MlrtOnnxGraph *, MlrtOnnxNode *,
                                       MlrtError *);
MlrtStatus mlrt_onnx_shape_resize (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_matmul (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_gemm (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_reduce (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_softmax (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_constant (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_shape (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_reshape (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_flatten (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_squeeze (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_unsqueeze (MlrtOnnxGraph *, MlrtOnnxNode *,
                                      MlrtError *);
MlrtStatus mlrt_onnx_shape_transpose (MlrtOnnxGraph *, MlrtOnnxNode *,
                                      MlrtError *);
MlrtStatus mlrt_onnx_shape_concat (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_slice (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_gather (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);
MlrtStatus mlrt_onnx_shape_split (MlrtOnnxGraph *, MlrtOnnxNode *, MlrtError *);

/* Split's output sizes along its axis of `extent` values (from its attr
 * or input, or equal parts); *known = 0 when they are not constants. */
MlrtStatus mlrt_onnx_split_sizes (const MlrtOnnxGraph *graph,
                                  const MlrtOnnxNode *node, int64_t extent,
                                  int64_t *sizes, int *known,
                                  MlrtError *error);

/* ---- slicing, shared by Slice's shape rule and its fold ---- */

typedef struct {
  int64_t start[MLRT_ONNX_MAX_RANK];
  int64_t step[MLRT_ONNX_MAX_RANK];
  int64_t count[MLRT_ONNX_MAX_RANK];    /* -1: unknown */
} MlrtOnnxSlice;

/* Resolves a Slice node against its input's shape; 0 with *known = 0 when
 * its starts or ends are not constant. */
MlrtStatus mlrt_onnx_slice_resolve (const MlrtOnnxGraph *graph,
                                    const MlrtOnnxNode *node,
                                    const MlrtOnnxShape *in,
                                    MlrtOnnxSlice *slice, int *known,
                                    MlrtError *error);

/* ---- folds (fold-*.c) ---- */

/* A tensor of output o's type and shape (which the shape rule has made
 * static), for a fold to fill; NULL with an error naming the node. */
MlrtOnnxTensor *mlrt_onnx_fold_output (MlrtOnnxGraph *graph,
                                       MlrtOnnxNode *node, size_t o,
                                       MlrtError *error);
/* Advances a row-major multi-index over `dims`; 0 after the last. */
int mlrt_onnx_next_index (int64_t *index, const int64_t *dims, int rank);

MlrtStatus mlrt_onnx_fold_constant (MlrtOnnxGraph *, MlrtOnnxNode *,
                                    MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_shape (MlrtOnnxGraph *, MlrtOnnxNode *,
                                 MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_reshape_like (MlrtOnnxGraph *, MlrtOnnxNode *,
                                        MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_cast (MlrtOnnxGraph *, MlrtOnnxNode *,
                                MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_concat (MlrtOnnxGraph *, MlrtOnnxNode *,
                                  MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_slice (MlrtOnnxGraph *, MlrtOnnxNode *,
                                 MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_gather (MlrtOnnxGraph *, MlrtOnnxNode *,
                                  MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_transpose (MlrtOnnxGraph *, MlrtOnnxNode *,
                                     MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_arith (MlrtOnnxGraph *, MlrtOnnxNode *,
                                 MlrtOnnxTensor **, MlrtError *);
MlrtStatus mlrt_onnx_fold_unary (MlrtOnnxGraph *, MlrtOnnxNode *,
                                 MlrtOnnxTensor **, MlrtError *);

#endif /* MLRT_ONNX_OPS_H */
