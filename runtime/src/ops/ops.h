/*
 * ops.h: what the runtime knows about each op, said once. MLRT_OPS lists
 * the ops; each has one row (MlrtOpDef) in its family's file under ops/,
 * gathered by op-table.c: its name, its parameters (read, written and
 * checked from the row's descriptors), the weights it takes, its shape
 * rule, its cost, and how it fuses. The framework (frontends, passes,
 * planner) asks the row and never switches over ops; each compute unit
 * keeps its own kernel table indexed by op (cpu/, gpu/, npu/), and a unit
 * supports an op when its table has a kernel for it.
 *
 * Adding an op: a line in MLRT_OPS, its row (a missing row is a link
 * error), and kernels: the CPU's table needs one for every op (a missing
 * one is a compile error), the other units' tables say what they run. A
 * row without a shape or cost rule is refused at load with the op named
 * (tests/runtime/core/test-op-table.c).
 *
 * Also the parameter blocks the kernels of every unit take
 * (MlrtConvParams, ...), built from a layer by layer-params.h.
 */
#ifndef MLRT_OPS_H
#define MLRT_OPS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mlrt/mlrt.h"

/* X (ID, name): MLRT_OP_ID, and `name` as model.json spells it. The
 * families below are ops each unit runs with one kernel for the family
 * (the op's row names which function: MlrtOpDef.activation, .function),
 * listed once so the units' tables cover a family whole. */
#define MLRT_ACTIVATION_OPS(X) \
  X (RELU, relu) \
  X (SIGMOID, sigmoid) \
  X (TANH, tanh) \
  X (GELU, gelu) \
  X (LEAKY_RELU, leaky_relu) \
  X (HARD_SWISH, hard_swish) \
  X (RELU6, relu6)

#define MLRT_BINARY_OPS(X) \
  X (ADD, add) \
  X (SUB, sub) \
  X (MUL, mul) \
  X (DIV, div) \
  X (POW, pow) \
  X (MAX, max) \
  X (MIN, min)

#define MLRT_UNARY_OPS(X) \
  X (SQRT, sqrt) \
  X (EXP, exp) \
  X (LOG, log) \
  X (ABS, abs) \
  X (RECIPROCAL, reciprocal) \
  X (FLOOR, floor) \
  X (CEIL, ceil) \
  X (ROUND, round) \
  X (ERF, erf) \
  X (SIN, sin) \
  X (COS, cos) \
  X (SOFTPLUS, softplus) \
  X (SOFTSIGN, softsign)

#define MLRT_REDUCE_OPS(X) \
  X (REDUCE_MEAN, reduce_mean) \
  X (REDUCE_SUM, reduce_sum) \
  X (REDUCE_MAX, reduce_max) \
  X (REDUCE_MIN, reduce_min) \
  X (REDUCE_PROD, reduce_prod) \
  X (REDUCE_L1, reduce_l1) \
  X (REDUCE_L2, reduce_l2) \
  X (REDUCE_SUM_SQUARE, reduce_sum_square) \
  X (REDUCE_LOG_SUM_EXP, reduce_log_sum_exp)

#define MLRT_OPS(X) \
  X (CONV2D, conv2d) \
  X (CONV_TRANSPOSE2D, conv_transpose2d) \
  X (UPSAMPLE, upsample) \
  X (BATCH_NORM, batch_norm) \
  X (INSTANCE_NORM, instance_norm) \
  MLRT_ACTIVATION_OPS (X) \
  X (HARD_SIGMOID, hard_sigmoid) \
  X (CLIP, clip) \
  MLRT_BINARY_OPS (X) \
  X (SCALE, scale) \
  MLRT_UNARY_OPS (X) \
  X (CONCAT, concat) \
  X (MAX_POOL, max_pool) \
  X (AVG_POOL, avg_pool) \
  X (GLOBAL_AVG_POOL, global_avg_pool) \
  X (GLOBAL_MAX_POOL, global_max_pool) \
  X (INNER_PRODUCT, inner_product) \
  X (MATMUL, matmul) \
  X (SOFTMAX, softmax) \
  X (LOG_SOFTMAX, log_softmax) \
  MLRT_REDUCE_OPS (X) \
  X (RESHAPE, reshape) \
  X (FLATTEN, flatten) \
  X (TRANSPOSE, transpose) \
  X (SLICE, slice)

typedef enum {
#define MLRT_OP_ENUM(ID, name) MLRT_OP_##ID,
  MLRT_OPS (MLRT_OP_ENUM)
#undef MLRT_OP_ENUM
  MLRT_N_OPS
} MlrtOp;

#define MLRT_MAX_LAYER_INPUTS 16

/* ---- the kernels' parameter blocks, shared by every unit ---- */

/* Activations, standalone or fused into the op before them. */
typedef enum {
  MLRT_ACT_NONE = 0,
  MLRT_ACT_RELU,
  MLRT_ACT_LEAKY_RELU,      /* uses alpha */
  MLRT_ACT_SIGMOID,
  MLRT_ACT_TANH,
  MLRT_ACT_GELU,            /* tanh approximation */
  MLRT_ACT_HARD_SWISH,      /* x * clamp(x + 3, 0, 6) / 6 */
  MLRT_ACT_RELU6,           /* clamp(x, 0, 6) */
} MlrtActivation;

#define MLRT_N_ACTIVATIONS (MLRT_ACT_RELU6 + 1)

const char *mlrt_activation_name (MlrtActivation act);
int mlrt_activation_from_name (const char *name, MlrtActivation *act);

typedef struct {
  int in_c, in_h, in_w;
  int out_c, out_h, out_w;  /* out_h, out_w: from mlrt_conv_output_size */
  int kh, kw;
  int sh, sw;
  int ph, pw;
  int dh, dw;
  int groups;               /* in_c and out_c divisible by it */
  MlrtActivation act;
  float alpha;
  /* After the activation, every output times out_scale plus out_shift
   * (a scalar affine fused into the layer: fuse-output-scale.c); only
   * when has_out_affine, so a zeroed block means none. */
  int has_out_affine;
  float out_scale, out_shift;
} MlrtConvParams;

typedef struct {
  int in_c, in_h, in_w;
  int out_c, out_h, out_w;  /* (in - 1) * s - 2 * p + k + output_padding */
  int kh, kw;
  int sh, sw;
  int ph, pw;
  MlrtActivation act;
  float alpha;
} MlrtConvTransposeParams;

typedef enum { MLRT_UPSAMPLE_NEAREST, MLRT_UPSAMPLE_BILINEAR } MlrtUpsampleMode;

typedef enum { MLRT_POOL_MAX, MLRT_POOL_AVG } MlrtPoolKind;

typedef struct {
  int c, in_h, in_w, out_h, out_w;
  int kh, kw, sh, sw, ph, pw;
  MlrtPoolKind kind;        /* avg excludes padding from the count */
  int count_pad;            /* avg: unless this is set (PyTorch's
                               count_include_pad) */
} MlrtPoolParams;

/* The divisor of average window (oy, ox) when padding counts: its cells
 * inside the padded input (a window that runs past it, under ceil mode,
 * counts only those). */
static inline int
mlrt_pool_padded_count (const MlrtPoolParams *p, int oy, int ox)
{
  int y0 = oy * p->sh - p->ph, x0 = ox * p->sw - p->pw;
  int y1 = y0 + p->kh < p->in_h + p->ph ? y0 + p->kh : p->in_h + p->ph;
  int x1 = x0 + p->kw < p->in_w + p->pw ? x0 + p->kw : p->in_w + p->pw;

  return (y1 - y0) * (x1 - x0);
}

/* The element-wise functions of two tensors, broadcast as numpy does. */
typedef enum {
  MLRT_BINARY_ADD,
  MLRT_BINARY_SUB,
  MLRT_BINARY_MUL,
  MLRT_BINARY_DIV,
  MLRT_BINARY_POW,
  MLRT_BINARY_MAX,
  MLRT_BINARY_MIN,
} MlrtBinaryOp;

/* The element-wise functions of one tensor that are not activations. */
typedef enum {
  MLRT_UNARY_SQRT,
  MLRT_UNARY_EXP,
  MLRT_UNARY_LOG,
  MLRT_UNARY_ABS,
  MLRT_UNARY_RECIPROCAL,
  MLRT_UNARY_FLOOR,
  MLRT_UNARY_CEIL,
  MLRT_UNARY_ROUND,         /* to nearest, ties to even */
  MLRT_UNARY_ERF,
  MLRT_UNARY_SIN,
  MLRT_UNARY_COS,
  MLRT_UNARY_SOFTPLUS,
  MLRT_UNARY_SOFTSIGN,
} MlrtUnaryOp;

typedef enum {
  MLRT_REDUCE_MEAN,
  MLRT_REDUCE_SUM,
  MLRT_REDUCE_MAX,
  MLRT_REDUCE_MIN,
  MLRT_REDUCE_PROD,
  MLRT_REDUCE_L1,
  MLRT_REDUCE_L2,
  MLRT_REDUCE_SUM_SQUARE,
  MLRT_REDUCE_LOG_SUM_EXP,
} MlrtReduceOp;

/* Up to three operands broadcast to one output, as numpy broadcasts: the
 * output's shape and, per operand, the element stride along each of its
 * dims (0 where the operand repeats). Neighbouring dims along which every
 * operand is contiguous are merged, so the last dim is as long as it can
 * be. mlrt_broadcast_plan makes one. */
#define MLRT_BROADCAST_MAX_OPERANDS 3
typedef struct {
  int rank;                 /* >= 1 */
  int64_t shape[MLRT_MAX_RANK];
  int64_t stride[MLRT_BROADCAST_MAX_OPERANDS][MLRT_MAX_RANK];
} MlrtBroadcast;

/* A copy of some of the input's values, rearranged: out, row-major over
 * `shape`, takes in[offset + sum (index[d] * stride[d])]. Transpose and
 * slice are both this (slice's strides carry its steps). */
typedef struct {
  int rank;                 /* >= 1 */
  int64_t shape[MLRT_MAX_RANK];
  int64_t stride[MLRT_MAX_RANK];
  int64_t offset;
} MlrtGather;

/* A reduction: out, row-major over `kept`, takes the reduction of
 * in[base + sum over the reduced dims of index * red_stride], base =
 * sum (index[d] * kept_stride[d]). */
typedef struct {
  MlrtReduceOp op;
  int kept_rank;            /* >= 1 */
  int64_t kept[MLRT_MAX_RANK], kept_stride[MLRT_MAX_RANK];
  int red_rank;             /* >= 1 */
  int64_t red[MLRT_MAX_RANK], red_stride[MLRT_MAX_RANK];
} MlrtReduce;

/* A product of matrices: for each batch item, out [m, n] = a [m, k] x
 * b [k, n] (+ bias [n]). `batch` broadcasts the batch dims: operand 0 is
 * a, 1 is b, strides counted in whole matrices (b's are all 0 when b is a
 * stored weight); its output order is the output's. */
typedef struct {
  int64_t m, k, n;
  MlrtBroadcast batch;
} MlrtMatmul;

/* ---- a layer's parameters, and how a row describes them ---- */

typedef struct {
  int out_channels, out_features;
  int kernel[2], stride[2], padding[2], dilation[2], output_padding[2];
  int scale[2];
  int groups;
  int bilinear;             /* upsample: an MlrtUpsampleMode */
  float epsilon, alpha, beta;
  float lo, hi;             /* clip */
  int axis, has_axis;
  int keep_dims;
  int ceil_mode, count_pad; /* pools */
  int shape_rank;
  int64_t shape[MLRT_MAX_RANK];
  int perm_rank;
  int64_t perm[MLRT_MAX_RANK];
  int axes_rank;
  int64_t axes[MLRT_MAX_RANK];
  int starts_rank;
  int64_t starts[MLRT_MAX_RANK];
  int steps_rank;
  int64_t steps[MLRT_MAX_RANK];
} MlrtParams;

/* The largest integer parameter and the largest kernel, stride, padding
 * or scale, which keep every size computed from them far from overflow. */
#define MLRT_PARAM_INT_MAX (1 << 24)
#define MLRT_PARAM_PAIR_MAX (1 << 20)

typedef enum {
  MLRT_PARAM_INT,           /* int */
  MLRT_PARAM_PAIR,          /* int[2]: [height, width] */
  MLRT_PARAM_FLOAT,         /* float */
  MLRT_PARAM_CHOICE,        /* int, the index of one of `choices` */
  MLRT_PARAM_DIMS,          /* int64_t[MLRT_MAX_RANK], length at `count` */
} MlrtParamKind;

enum {
  MLRT_PARAM_REQUIRED = 1 << 0,
  MLRT_PARAM_NONNEGATIVE = 1 << 1,   /* FLOAT */
  MLRT_PARAM_MAY_BE_ABSENT = 1 << 2, /* written only when given (`given`) */
};

/* One parameter of an op: a frontend reads it (a missing optional one
 * takes `def`, or the value of `default_from`), the compiled spec writes
 * it, and shape inference checks its range whatever frontend set it. */
typedef struct {
  const char *name;
  MlrtParamKind kind;
  size_t offset;            /* of the value in MlrtParams */
  unsigned flags;
  int min;                  /* INT, PAIR, DIMS: the smallest value */
  int def;                  /* INT, PAIR (both), CHOICE: when absent */
  float fdef;               /* FLOAT: when absent */
  const char *default_from; /* PAIR: when absent, that param's value */
  const char *const *choices;  /* CHOICE: NULL-terminated names */
  size_t count;             /* DIMS: offset of the int length */
  size_t given;             /* MAY_BE_ABSENT: offset of the int flag */
} MlrtParamDesc;

/* The field at byte `offset` of params p: a descriptor's value (offset),
 * a DIMS length (count) or a presence flag (given). */
static inline void *
mlrt_param_at (MlrtParams *p, size_t offset)
{
  return (char *) p + offset;
}

static inline const void *
mlrt_param_get (const MlrtParams *p, size_t offset)
{
  return (const char *) p + offset;
}

/* ---- the op table ---- */

typedef struct MlrtSpec MlrtSpec;
typedef struct MlrtLayer MlrtLayer;
typedef struct MlrtTensor MlrtTensor;

/* What a shape rule works on: the layer, its spec (inputs inferred) and,
 * for messages, the file it came from. */
typedef struct {
  const MlrtSpec *spec;
  const MlrtLayer *layer;
  const char *origin;
  MlrtError *error;
} MlrtShapeCtx;

/* Sets out->rank and out->shape from the layer's inputs (in[0] ..
 * in[layer->n_inputs - 1]) and params, checking what the op needs of
 * them (mlrt_shape_fail names the file and layer). */
typedef MlrtStatus (*MlrtShapeRule) (MlrtShapeCtx *c,
                                     const MlrtTensor *const *in,
                                     MlrtTensor *out);

/* A layer's cost, once shapes are inferred: multiply-adds (what the
 * planners' cost models count as FLOPs) and bytes of activations and
 * weights read and written, at float32. */
typedef struct {
  double flops;
  double bytes;
} MlrtOpCost;

typedef MlrtOpCost (*MlrtCostRule) (const MlrtSpec *spec,
                                    const MlrtLayer *layer);

enum {
  MLRT_OP_CHW_INPUT = 1 << 0,        /* the first input is [C, H, W] or
                                        [1, C, H, W] */
  MLRT_OP_FUSES_ACTIVATION = 1 << 1, /* runs an activation fused after it */
};

#define MLRT_OP_ANY_INPUTS 0

typedef struct MlrtOpDef {
  MlrtOp id;                /* MLRT_N_OPS for a row outside MLRT_OPS */
  const char *name;
  int n_inputs;             /* or MLRT_OP_ANY_INPUTS (1 or more) */
  unsigned flags;
  MlrtActivation activation;   /* what a standalone activation applies */
  int function;             /* the MlrtBinaryOp, MlrtUnaryOp or
                               MlrtReduceOp a row of that family computes */
  const MlrtParamDesc *params; /* {NULL}-terminated; NULL: none */
  const char *const *weights;  /* roles it accepts; NULL: takes none */
  MlrtShapeRule shape;
  MlrtCostRule cost;
} MlrtOpDef;

/* An op table: the built-in one, or a copy a test extends. */
typedef struct {
  size_t n_ops;
  const MlrtOpDef *const *ops;
} MlrtOpTable;

#define MLRT_OP_DECLARE(ID, name) extern const MlrtOpDef mlrt_op_##name;
MLRT_OPS (MLRT_OP_DECLARE)
#undef MLRT_OP_DECLARE

/* Every op of MLRT_OPS, indexed by MlrtOp. */
extern const MlrtOpTable mlrt_op_table;

const MlrtOpDef *mlrt_op_lookup (const MlrtOpTable *table, const char *name);
/* Whether the row is the built-in op `op`. */
static inline int
mlrt_op_is (const MlrtOpDef *def, MlrtOp op)
{
  return def != NULL && def->id == op;
}

/* Zeroes `p` and gives every param of the op its default. */
void mlrt_params_init (const MlrtOpDef *op, MlrtParams *p);
const MlrtParamDesc *mlrt_param_find (const MlrtOpDef *op, const char *name);
/* Checks every param's range (a frontend may have set them directly). */
MlrtStatus mlrt_params_check (MlrtShapeCtx *c);

/* ---- what shape rules share (op-shape.c) ---- */

MlrtStatus mlrt_shape_fail (MlrtShapeCtx *c, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));
/* Checks that the layer has weight `name` (when `required`) of the given
 * rank and dims; a dim < 0 is not checked. */
MlrtStatus mlrt_shape_want_weight (MlrtShapeCtx *c, const char *name,
                                   int required, int rank, int64_t d0,
                                   int64_t d1, int64_t d2, int64_t d3);
/* Output extent of a convolution or pooling window along one axis; 0 when
 * the (dilated) kernel does not fit the padded input. */
int64_t mlrt_shape_window (int64_t in, int kernel, int stride, int pad,
                           int dilation);
/* The same rounding up (pooling's ceil mode): a last window may run past
 * the padded input, but starts inside it. */
int64_t mlrt_shape_window_ceil (int64_t in, int kernel, int stride, int pad);
/* "[1, 2, 3]" */
void mlrt_shape_str (int rank, const int64_t *shape, char *buf, size_t len);

/* The output keeps the first input's shape (element-wise ops). */
MlrtStatus mlrt_shape_same (MlrtShapeCtx *c, const MlrtTensor *const *in,
                            MlrtTensor *out);
/* The shape two shapes broadcast to (numpy's rule: aligned at the last
 * dim, a dim of 1 repeats); 0 when they cannot. */
int mlrt_shape_broadcast (int ra, const int64_t *a, int rb, const int64_t *b,
                          int *rank, int64_t *out);
/* An image-like tensor: [C, H, W], or [1, C, H, W] (an ONNX tensor of one
 * image). Whether `t` is one, and its c, h, w. */
int mlrt_shape_is_chw (const MlrtTensor *t);
void mlrt_shape_chw (const MlrtTensor *t, int64_t *c, int64_t *h,
                     int64_t *w);
/* Sets out to [c, h, w] with the leading 1 of `like` if it has one. */
void mlrt_shape_set_chw (const MlrtTensor *like, int64_t c, int64_t h,
                         int64_t w, MlrtTensor *out);

/* The plan of a broadcast of n operands (shapes of any rank up to
 * MLRT_MAX_RANK) to the shape `out` (which each must broadcast to). */
void mlrt_broadcast_plan (MlrtBroadcast *b, int n, const int *ranks,
                          const int64_t *const *shapes, int out_rank,
                          const int64_t *out);
/* The element offset of operand `o` at the output's flat index i. */
static inline int64_t
mlrt_broadcast_offset (const MlrtBroadcast *b, int o, int64_t i)
{
  int64_t off = 0;

  for (int d = b->rank - 1; d >= 0; d--)
    {
      off += (i % b->shape[d]) * b->stride[o][d];
      i /= b->shape[d];
    }
  return off;
}

/* One multiply-add per output value, inputs and output moved once. */
MlrtOpCost mlrt_cost_per_output (const MlrtSpec *spec, const MlrtLayer *l);
/* Bytes of the layer's inputs, output and weights at float32. */
double mlrt_cost_bytes (const MlrtSpec *spec, const MlrtLayer *l);

#endif /* MLRT_OPS_H */
