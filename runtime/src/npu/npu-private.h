/*
 * npu-private.h: what the NPU's device thread (npu-device.c) shares with
 * its kernels (npu-ops.c). Not part of the unit's interface.
 */
#ifndef MLRT_NPU_PRIVATE_H
#define MLRT_NPU_PRIVATE_H

#include "npu.h"

/* The device's fp32 working registers: only the device thread uses them,
 * so one set serves every request. Grown on demand, never shrunk. */
typedef struct {
  float *buf[3];
  size_t cap[3];
} MlrtNpuScratch;

/* Runs one op on the device thread; NULL on success, else a message. */
const char *mlrt_npu_run_op (const MlrtNpuOp *op, MlrtNpuTensor *tensors,
                             MlrtNpuScratch *scratch);

void mlrt_npu_scratch_free (MlrtNpuScratch *scratch);

#endif /* MLRT_NPU_PRIVATE_H */
