/*
 * npu.h: the NPU compute unit, an EMULATED neural engine.
 *
 * There is no NPU hardware behind this: it is a model of one, built so that
 * what makes real NPUs costly to use shows up for real in traces (see
 * docs/npu.md). It runs on its own device thread with its own request
 * queue; requests are asynchronous (submit returns a handle, wait blocks on
 * it). It stores and computes only in IEEE half precision: tensors live as
 * fp16 (a Float32 input really is converted on the way in), weights are
 * kept as fp16, and while a kernel accumulates in fp32 every activation it
 * stores is rounded to fp16. It supports a fixed subset of ops
 * (mlrt_npu_supports says which, and why not), so unsupported layers
 * really fall back to other units. Busy intervals are measured on the
 * device thread with CLOCK_MONOTONIC.
 */
#ifndef MLRT_NPU_H
#define MLRT_NPU_H

#include <stddef.h>
#include <stdint.h>

#include "mlrt/mlrt.h"
#include "busy-interval.h"
#include "cpu/kernels.h"

/* The largest inner product input and softmax axis the NPU takes (see
 * mlrt_npu_supports for why). */
#define MLRT_NPU_MAX_FC_INPUTS 4096
#define MLRT_NPU_MAX_SOFTMAX_AXIS 1024
#define MLRT_NPU_MAX_INPUTS 8

typedef enum {
  MLRT_NPU_CONV2D,
  MLRT_NPU_CONV_TRANSPOSE2D,  /* described only to be refused */
  MLRT_NPU_POOL2D,
  MLRT_NPU_GLOBAL_POOL,
  MLRT_NPU_ACTIVATION,
  MLRT_NPU_CLAMP,             /* hard_sigmoid, clip */
  MLRT_NPU_BINARY,            /* add, sub, mul, ..., broadcast */
  MLRT_NPU_SCALE,
  MLRT_NPU_UNARY,             /* described only to be refused */
  MLRT_NPU_BATCH_NORM,
  MLRT_NPU_INSTANCE_NORM,
  MLRT_NPU_UPSAMPLE,
  MLRT_NPU_INNER_PRODUCT,
  MLRT_NPU_MATMUL,
  MLRT_NPU_SOFTMAX,
  MLRT_NPU_CONCAT,            /* along any axis */
  MLRT_NPU_GATHER,            /* transpose, slice */
  MLRT_NPU_REDUCE,
  MLRT_NPU_COPY,              /* reshape / flatten into a new tensor */
} MlrtNpuOpKind;

/* One step of a request: an op, its parameters, its fp16 weights and the
 * request's tensor slots it reads and writes. */
typedef struct {
  MlrtNpuOpKind kind;
  const char *name;            /* labels the busy interval */
  union {
    MlrtConvParams conv;
    MlrtConvTransposeParams deconv;
    MlrtPoolParams pool;
    struct { MlrtPoolKind kind; int c, hw; } global_pool;
    /* a standalone activation over n values */
    struct { MlrtActivation act; float alpha; size_t n; } eltwise;
    struct { float a, b, lo, hi; size_t n; } clamp;
    struct { MlrtBinaryOp op; MlrtBroadcast bc; MlrtActivation act;
             float alpha; } binary;
    struct { MlrtBroadcast bc; MlrtActivation act; float alpha; } scale;
    struct { MlrtUnaryOp op; size_t n; } unary;
    struct { MlrtMatmul mm; int by_weight; MlrtActivation act;
             float alpha; } matmul;
    struct { int c, hw; float eps; MlrtActivation act; float alpha; } norm;
    struct { int c, h, w, sh, sw; MlrtUpsampleMode mode; } upsample;
    struct { int in_features, out_features; MlrtActivation act;
             float alpha; } fc;
    struct { size_t outer, n, inner; int log; } softmax;
    struct { size_t outer; size_t chunk[MLRT_NPU_MAX_INPUTS]; } concat;
    MlrtGather gather;
    MlrtReduce reduce;
    struct { size_t n; } copy;
  } p;
  /* fp16 weights in the CPU kernel's argument order: conv, inner product,
   * matmul: weight, bias (or NULL); batch norm: mean, var, gamma, beta;
   * instance norm: gamma, beta; scale: scale, bias (either NULL). */
  const uint16_t *weights[4];
  int inputs[MLRT_NPU_MAX_INPUTS];
  int n_inputs;
  int output;
} MlrtNpuOp;

/* Whether the NPU runs `op`; if not, *reason (static text) says why. */
int mlrt_npu_supports (const MlrtNpuOp *op, const char **reason);

/* A tensor in the NPU's memory: fp16 values, 64-byte aligned. `data` may
 * also point into shared memory (an MlrtBuffer holding Float16 data), which
 * the NPU then reads or writes in place. */
typedef struct {
  uint16_t *data;
  size_t n;
  int owned;
} MlrtNpuTensor;

MlrtStatus mlrt_npu_tensor_alloc (MlrtNpuTensor *t, size_t n,
                                  MlrtError *error);
void mlrt_npu_tensor_wrap (MlrtNpuTensor *t, uint16_t *half_data, size_t n);
void mlrt_npu_tensor_release (MlrtNpuTensor *t);
/* Float32 <-> fp16 conversion into / out of NPU memory (round to nearest
 * even): the data work of a copy to or from the unit. */
void mlrt_npu_tensor_write_f32 (MlrtNpuTensor *t, const float *src);
void mlrt_npu_tensor_read_f32 (const MlrtNpuTensor *t, float *dst);

/* Converts n floats to fp16 (weights at load time). */
void mlrt_npu_f32_to_f16 (size_t n, const float *src, uint16_t *dst);
void mlrt_npu_f16_to_f32 (size_t n, const uint16_t *src, float *dst);

typedef struct MlrtNpuRequest MlrtNpuRequest;

/*
 * Queues `n_ops` ops to run in order over `tensors` (slots the ops name by
 * index) and returns at once. ops, tensors and weights must stay valid
 * until the request is waited for. Fails (NULL) when an op is not
 * supported, naming it and the reason.
 */
MlrtNpuRequest *mlrt_npu_submit (const MlrtNpuOp *ops, size_t n_ops,
                                 MlrtNpuTensor *tensors, int n_tensors,
                                 MlrtError *error);
/* Called on the device thread as op `index` of a request starts (end 0)
 * and finishes (end 1): lets the runtime emit per-layer spans that time
 * what the device really did. */
typedef void (*MlrtNpuOpHook) (size_t index, int end, void *data);

/* As mlrt_npu_submit, with `hook` (may be NULL) called around each op. */
MlrtNpuRequest *mlrt_npu_submit_with_hook (const MlrtNpuOp *ops,
                                           size_t n_ops,
                                           MlrtNpuTensor *tensors,
                                           int n_tensors, MlrtNpuOpHook hook,
                                           void *hook_data,
                                           MlrtError *error);
/* Blocks until the request has run; returns its status. */
MlrtStatus mlrt_npu_wait (MlrtNpuRequest *request, MlrtError *error);
/* The device's busy intervals for the request, one per op. */
size_t mlrt_npu_request_intervals (const MlrtNpuRequest *request,
                                   const MlrtBusyInterval **intervals);
/* Frees a request (after mlrt_npu_wait). */
void mlrt_npu_request_free (MlrtNpuRequest *request);

#endif /* MLRT_NPU_H */
