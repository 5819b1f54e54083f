/*
 * gpu-layers.h: the GPU unit's kernel table (gpu-layers.c) and the state
 * of one prediction's segment its kernels work on (gpu-unit.c). Private
 * to the GPU unit.
 */
#ifndef MLRT_GPU_LAYERS_H
#define MLRT_GPU_LAYERS_H

#include "gpu.h"
#include "mlrt-internal.h"

/* A segment's weights on the device, uploaded at load. */
typedef struct {
  int n_layers;
  MlrtGpuBuffer (*weights)[MLRT_MAX_WEIGHTS];   /* per layer, per weight */
} MlrtGpuSegment;

/* One prediction's device tensors for a segment. */
typedef struct {
  MlrtRun *run;
  const MlrtSegment *seg;
  const MlrtGpuSegment *g;
  MlrtGpuRun *gr;
  MlrtGpuBuffer *buf;       /* per spec tensor */
} MlrtGpuExec;

/* Enqueues layer l, whose inputs are on the device in x->buf and whose
 * output buffer is allocated. */
typedef MlrtStatus (*MlrtGpuKernel) (MlrtGpuExec *x, const MlrtLayer *l,
                                     MlrtError *error);

/* The GPU's kernel for op, or NULL when it has none. */
MlrtGpuKernel mlrt_gpu_kernel (const MlrtOpDef *op);

#endif /* MLRT_GPU_LAYERS_H */
