/*
 * busy-interval.h: what the GPU and NPU units report of their device's
 * execution (gpu/gpu.h, npu/npu.h), turned into device_busy events.
 */
#ifndef MLRT_BUSY_INTERVAL_H
#define MLRT_BUSY_INTERVAL_H

#include <stdint.h>

/* When a device was executing, on CLOCK_MONOTONIC (the trace clock), and
 * for what (a label the caller gave, such as a layer name). */
typedef struct {
  uint64_t start_ns;
  uint64_t end_ns;
  const char *what;
} MlrtBusyInterval;

#endif /* MLRT_BUSY_INTERVAL_H */
