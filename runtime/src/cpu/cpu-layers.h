/*
 * cpu-layers.h: the CPU unit's kernel table: for each op, how to run one
 * layer of it with the kernels of kernels.h. Private to the CPU unit.
 */
#ifndef MLRT_CPU_LAYERS_H
#define MLRT_CPU_LAYERS_H

#include "mlrt-internal.h"

typedef struct {
  /* Runs layer l: f[t] is tensor t as float32 (inputs read, output
   * written); scratch holds at least scratch(s, l) bytes; packed is what
   * pack made at load, or NULL. */
  void (*run) (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
               float *scratch, const float *packed);
  size_t (*scratch) (const MlrtSpec *s, const MlrtLayer *l); /* or NULL */
  /* Weights rearranged once per load rather than per prediction (or
   * NULL): how many floats layer l's take (0: none), and making them. */
  size_t (*packed) (const MlrtSpec *s, const MlrtLayer *l);
  void (*pack) (const MlrtSpec *s, const MlrtLayer *l, float *packed);
} MlrtCpuKernel;

/* The kernel for op, or NULL for an op outside the built-in table. */
const MlrtCpuKernel *mlrt_cpu_kernel (const MlrtOpDef *op);

#endif /* MLRT_CPU_LAYERS_H */
