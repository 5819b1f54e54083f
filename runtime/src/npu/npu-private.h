/*
 * npu-private.h: what the NPU's device thread (npu-device.c) shares with
 * its kernels (npu-ops.c). Not part of the unit's interface.
 */
#ifndef MLRT_NPU_PRIVATE_H
#define MLRT_NPU_PRIVATE_H

#include "npu.h"

/* The device's fp32 working registers: only the device thread uses them,
 * so one set serves every request. Grown on demand, never shrunk. One per
 * input of the widest op (concat), and one for its output. */
#define MLRT_NPU_N_REGS (MLRT_NPU_MAX_INPUTS + 1)
typedef struct {
  float *buf[MLRT_NPU_N_REGS];
  size_t cap[MLRT_NPU_N_REGS];
} MlrtNpuScratch;

/* Runs one op on the device thread; NULL on success, else a message. */
const char *mlrt_npu_run_op (const MlrtNpuOp *op, MlrtNpuTensor *tensors,
                             MlrtNpuScratch *scratch);

void mlrt_npu_scratch_free (MlrtNpuScratch *scratch);

/* How many values an op reads from its input i, or writes (i = -1): what
 * the device checks its tensors against before running it. */
size_t mlrt_npu_extent_of (const MlrtNpuOp *op, int i);
/* The values operand o of a broadcast reaches: its largest offset + 1. */
size_t mlrt_npu_weight_extent (const MlrtBroadcast *bc, int o);

#endif /* MLRT_NPU_PRIVATE_H */
