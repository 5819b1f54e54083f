/*
 * npu-layers.h: the NPU unit's kernel table: how a layer of each op it
 * takes becomes an op of the emulated device (npu.h), which then says
 * whether it runs it (npu-support.c). Private to the NPU unit.
 */
#ifndef MLRT_NPU_LAYERS_H
#define MLRT_NPU_LAYERS_H

#include "mlrt-internal.h"
#include "npu.h"

/* Describes layer l as an NPU op (no weights, no slots); returns 0 when
 * the unit has no kernel for the layer's op. */
int mlrt_npu_describe (const MlrtSpec *s, const MlrtLayer *l, MlrtNpuOp *op);
int mlrt_npu_has_kernel (const MlrtOpDef *op);

#endif /* MLRT_NPU_LAYERS_H */
