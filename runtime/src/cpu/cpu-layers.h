/*
 * cpu-layers.h: the CPU unit's kernel table: for each op, how to run one
 * layer of it with the kernels of kernels.h. Private to the CPU unit.
 */
#ifndef MLRT_CPU_LAYERS_H
#define MLRT_CPU_LAYERS_H

#include "mlrt-internal.h"

typedef struct {
  /* Runs layer l: f[t] is tensor t as float32 (inputs read, output
   * written); scratch holds at least scratch(s, l) bytes. */
  void (*run) (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
               float *scratch);
  size_t (*scratch) (const MlrtSpec *s, const MlrtLayer *l); /* or NULL */
} MlrtCpuKernel;

/* The kernel for op, or NULL for an op outside the built-in table. */
const MlrtCpuKernel *mlrt_cpu_kernel (const MlrtOpDef *op);

#endif /* MLRT_CPU_LAYERS_H */
