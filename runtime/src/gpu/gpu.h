/*
 * gpu.h: the GPU compute unit, OpenCL through the ICD loader. On machines
 * without a GPU the PoCL CPU driver runs the same kernels, so the unit is
 * testable everywhere an OpenCL platform is installed.
 *
 * One context and one in-order, profiling-enabled command queue per process
 * (created on first use), and one program built once from the OpenCL C
 * sources embedded in libmlrt (prelude.cl, conv.cl, elementwise.cl,
 * resample.cl). The kernels follow runtime/src/cpu/kernels.h exactly.
 *
 * Work is recorded in an MlrtGpuRun: each enqueue keeps its event, so when
 * the run finishes the device's busy intervals (CL_PROFILING_COMMAND_START
 * / END, converted to CLOCK_MONOTONIC) can be read back per command.
 * Enqueues from several threads are safe: a lock covers argument setting
 * and enqueueing together.
 */
#ifndef MLRT_GPU_H
#define MLRT_GPU_H

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stddef.h>
#include <stdint.h>

#include "mlrt/mlrt.h"
#include "busy-interval.h"
#include "cpu/kernels.h"

/* Host memory aligned to this many bytes is handed to the device in place
 * (CL_MEM_USE_HOST_PTR) instead of copied. Whether the driver then avoids
 * a copy of its own depends on its alignment needs (PoCL: 128 bytes, Intel
 * GPUs: 4096), which is why MlrtBuffers are page-aligned. */
#define MLRT_GPU_HOST_ALIGN 64

/* Creates the context, queue and program on first call; later calls return
 * the first call's result. Thread-safe. */
MlrtStatus mlrt_gpu_init (MlrtError *error);
/* Whether an OpenCL device exists; cheap (does not build the program). */
int mlrt_gpu_available (void);
const char *mlrt_gpu_device_name (void);
/* The device, its OpenCL version and its driver's version, for the
 * placement cache's key. */
const char *mlrt_gpu_device_description (void);

/* CLOCK_MONOTONIC ns = device ns + this offset (see gpu-device.c for how
 * it is measured), and which host clock the device's profiling clock was
 * found to be ("CLOCK_MONOTONIC", "CLOCK_MONOTONIC_RAW", "device clock"). */
int64_t mlrt_gpu_clock_offset_ns (void);
const char *mlrt_gpu_clock_name (void);
/* Half-width of the window that bounds the offset measurement, in ns. */
int64_t mlrt_gpu_clock_uncertainty_ns (void);

/* Multiply-adds per microsecond at the device's peak (compute units x
 * clock x float vector width), for the planner's cost model. */
double mlrt_gpu_peak_macs_per_us (void);

/* A device buffer: either the device's own memory, filled and drained by
 * explicit copies, or host memory the device uses in place. */
typedef struct {
  cl_mem mem;
  size_t size;
  void *host;        /* the wrapped host memory, NULL for device memory */
} MlrtGpuBuffer;

MlrtStatus mlrt_gpu_buffer_alloc (MlrtGpuBuffer *buffer, size_t size,
                                  MlrtError *error);
/* Whether `host` can be wrapped without a copy (alignment). */
int mlrt_gpu_can_wrap (const void *host);
MlrtStatus mlrt_gpu_buffer_wrap (MlrtGpuBuffer *buffer, void *host,
                                 size_t size, MlrtError *error);
void mlrt_gpu_buffer_release (MlrtGpuBuffer *buffer);

typedef struct MlrtGpuRun MlrtGpuRun;

MlrtGpuRun *mlrt_gpu_run_new (void);
void mlrt_gpu_run_free (MlrtGpuRun *run);

/* Copies between host memory and a device buffer (the copy_to_unit /
 * copy_from_unit of a prediction). Reads block until the data is there. */
MlrtStatus mlrt_gpu_write (MlrtGpuRun *run, MlrtGpuBuffer *dst,
                           const void *src, size_t size, MlrtError *error);
MlrtStatus mlrt_gpu_read (MlrtGpuRun *run, MlrtGpuBuffer *src, void *dst,
                          size_t size, MlrtError *error);
/* Makes the device's writes to a wrapped buffer visible to the host (a map
 * and unmap, which moves no data when the memory is shared). */
MlrtStatus mlrt_gpu_sync_to_host (MlrtGpuRun *run, MlrtGpuBuffer *buffer,
                                  MlrtError *error);

/* The ops. Each enqueues its kernel(s) and returns at once; `what` labels
 * the busy interval (it must outlive the run). bias may be NULL. */
MlrtStatus mlrt_gpu_conv2d (MlrtGpuRun *run, const char *what,
                            const MlrtConvParams *p, MlrtGpuBuffer *in,
                            MlrtGpuBuffer *weight, MlrtGpuBuffer *bias,
                            MlrtGpuBuffer *out, MlrtError *error);
MlrtStatus mlrt_gpu_conv_transpose2d (MlrtGpuRun *run, const char *what,
                                      const MlrtConvTransposeParams *p,
                                      MlrtGpuBuffer *in,
                                      MlrtGpuBuffer *weight,
                                      MlrtGpuBuffer *bias,
                                      MlrtGpuBuffer *out, MlrtError *error);
MlrtStatus mlrt_gpu_inner_product (MlrtGpuRun *run, const char *what,
                                   int in_features, int out_features,
                                   MlrtGpuBuffer *in, MlrtGpuBuffer *weight,
                                   MlrtGpuBuffer *bias, MlrtActivation act,
                                   float alpha, MlrtGpuBuffer *out,
                                   MlrtError *error);
MlrtStatus mlrt_gpu_activation (MlrtGpuRun *run, const char *what,
                                MlrtActivation act, float alpha, size_t n,
                                MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                                MlrtError *error);
/* out = clamp (a * in + b, lo, hi) over n values. */
MlrtStatus mlrt_gpu_clamp_affine (MlrtGpuRun *run, const char *what, size_t n,
                                  float a, float b, float lo, float hi,
                                  MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                                  MlrtError *error);
MlrtStatus mlrt_gpu_binary (MlrtGpuRun *run, const char *what,
                            MlrtBinaryOp op, const MlrtBroadcast *bc,
                            MlrtGpuBuffer *a, MlrtGpuBuffer *b,
                            MlrtActivation act, float alpha,
                            MlrtGpuBuffer *out, MlrtError *error);
/* scale, bias may be NULL. */
MlrtStatus mlrt_gpu_scale (MlrtGpuRun *run, const char *what,
                           const MlrtBroadcast *bc, MlrtGpuBuffer *x,
                           MlrtGpuBuffer *scale, MlrtGpuBuffer *bias,
                           MlrtActivation act, float alpha,
                           MlrtGpuBuffer *out, MlrtError *error);
MlrtStatus mlrt_gpu_unary (MlrtGpuRun *run, const char *what, MlrtUnaryOp op,
                           size_t n, MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                           MlrtError *error);
MlrtStatus mlrt_gpu_gather (MlrtGpuRun *run, const char *what,
                            const MlrtGather *g, MlrtGpuBuffer *in,
                            MlrtGpuBuffer *out, MlrtError *error);
MlrtStatus mlrt_gpu_reduce (MlrtGpuRun *run, const char *what,
                            const MlrtReduce *r, MlrtGpuBuffer *in,
                            MlrtGpuBuffer *out, MlrtError *error);
/* b is the weight or the second input; bias may be NULL. */
MlrtStatus mlrt_gpu_matmul (MlrtGpuRun *run, const char *what,
                            const MlrtMatmul *p, MlrtGpuBuffer *a,
                            MlrtGpuBuffer *b, MlrtGpuBuffer *bias,
                            MlrtActivation act, float alpha,
                            MlrtGpuBuffer *out, MlrtError *error);
/* weights: mean, var, gamma, beta, each [c]. */
MlrtStatus mlrt_gpu_batch_norm (MlrtGpuRun *run, const char *what, int c,
                                int hw, MlrtGpuBuffer *mean,
                                MlrtGpuBuffer *var, MlrtGpuBuffer *gamma,
                                MlrtGpuBuffer *beta, float eps,
                                MlrtActivation act, float alpha,
                                MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                                MlrtError *error);
MlrtStatus mlrt_gpu_instance_norm (MlrtGpuRun *run, const char *what, int c,
                                   int hw, MlrtGpuBuffer *gamma,
                                   MlrtGpuBuffer *beta, float eps,
                                   MlrtActivation act, float alpha,
                                   MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                                   MlrtError *error);
MlrtStatus mlrt_gpu_upsample (MlrtGpuRun *run, const char *what, int c,
                              int h, int w, int sh, int sw,
                              MlrtUpsampleMode mode, MlrtGpuBuffer *in,
                              MlrtGpuBuffer *out, MlrtError *error);
MlrtStatus mlrt_gpu_pool2d (MlrtGpuRun *run, const char *what,
                            const MlrtPoolParams *p, MlrtGpuBuffer *in,
                            MlrtGpuBuffer *out, MlrtError *error);
MlrtStatus mlrt_gpu_global_pool (MlrtGpuRun *run, const char *what,
                                 MlrtPoolKind kind, int c, int hw,
                                 MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                                 MlrtError *error);
/* Softmax (log_softmax when `log_form`) along the middle axis of
 * [outer, n, inner]. */
MlrtStatus mlrt_gpu_softmax (MlrtGpuRun *run, const char *what, size_t outer,
                             size_t n, size_t inner, int log_form,
                             MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                             MlrtError *error);
/* Concatenation: `outer` rows of chunk[i] values from input i each. */
MlrtStatus mlrt_gpu_concat (MlrtGpuRun *run, const char *what, int n_inputs,
                            size_t outer, const size_t *chunk,
                            MlrtGpuBuffer *const *inputs, MlrtGpuBuffer *out,
                            MlrtError *error);
/* A plain device-side copy (reshape / flatten into a new tensor). */
MlrtStatus mlrt_gpu_copy (MlrtGpuRun *run, const char *what,
                          MlrtGpuBuffer *src, MlrtGpuBuffer *dst, size_t size,
                          MlrtError *error);

/* Waits for everything the run enqueued, then reads the device busy
 * intervals of its commands (merged where a command started when the
 * previous one with the same label ended). */
MlrtStatus mlrt_gpu_run_finish (MlrtGpuRun *run, MlrtError *error);
size_t mlrt_gpu_run_intervals (const MlrtGpuRun *run,
                               const MlrtBusyInterval **intervals);

#endif /* MLRT_GPU_H */
