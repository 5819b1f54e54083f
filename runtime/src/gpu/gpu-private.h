/*
 * gpu-private.h: what gpu-device.c (context, queue, program, runs) shares
 * with gpu-ops.c (the op launchers). Not part of the unit's interface.
 */
#ifndef MLRT_GPU_PRIVATE_H
#define MLRT_GPU_PRIVATE_H

#include "gpu.h"

/* Created once by mlrt_gpu_init (gpu-device.c). */
extern cl_context mlrt_gpu_context;
extern cl_command_queue mlrt_gpu_queue;
extern cl_program mlrt_gpu_program;
extern cl_device_id mlrt_gpu_device;

/* One kernel argument: its size and a pointer to its value, as
 * clSetKernelArg takes them (value NULL with a size: local memory). */
typedef struct {
  size_t size;
  const void *value;
} MlrtGpuArg;

#define MLRT_GPU_ARG(x) ((MlrtGpuArg) { sizeof (x), &(x) })
#define MLRT_GPU_MEM(b) ((MlrtGpuArg) { sizeof (cl_mem), (b) ? &(b)->mem : NULL })
#define MLRT_GPU_LOCAL(bytes) ((MlrtGpuArg) { (bytes), NULL })

/* Sets the arguments of `kernel_name` and enqueues it over `global` (and
 * `local`, may be NULL) under the enqueue lock; records its event in run. */
MlrtStatus mlrt_gpu_launch (MlrtGpuRun *run, const char *what,
                            const char *kernel_name, cl_uint dims,
                            const size_t *global, const size_t *local,
                            const MlrtGpuArg *args, cl_uint n_args,
                            MlrtError *error);

/* Enqueues a device-side copy between buffers (offsets in bytes). */
MlrtStatus mlrt_gpu_launch_copy (MlrtGpuRun *run, const char *what,
                                 MlrtGpuBuffer *src, size_t src_offset,
                                 MlrtGpuBuffer *dst, size_t dst_offset,
                                 size_t size, MlrtError *error);

MlrtStatus mlrt_gpu_fail (MlrtError *error, MlrtStatus status,
                          const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));

/* A readable name for an OpenCL error code ("CL_OUT_OF_RESOURCES"). */
const char *mlrt_gpu_cl_error_name (cl_int code);

/* The embedded program text (generated from the .cl files). */
extern const char mlrt_gpu_program_source[];

#endif /* MLRT_GPU_PRIVATE_H */
