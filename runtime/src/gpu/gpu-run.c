/*
 * gpu-run.c: device buffers, and runs: the commands one request enqueued,
 * each with its event, so the request can wait for its own work only and
 * then read when the device executed it.
 *
 * cl_kernel objects hold their arguments, so setting them and enqueueing
 * happen under one lock: two threads launching the same kernel would
 * otherwise interleave each other's arguments. The enqueue captures the
 * arguments, so the lock is held for microseconds, not for the work.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpu-private.h"

#define MAX_KERNELS 64

struct MlrtGpuRun {
  cl_event *events;
  const char **labels;
  size_t n_events, cap_events;
  MlrtBusyInterval *intervals;
  size_t n_intervals;
};

static pthread_mutex_t launch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { const char *name; cl_kernel kernel; } kernels[MAX_KERNELS];
static int n_kernels;

MlrtStatus
mlrt_gpu_buffer_alloc (MlrtGpuBuffer *buffer, size_t size, MlrtError *error)
{
  cl_int err;

  memset (buffer, 0, sizeof *buffer);
  if (mlrt_gpu_init (error) != MLRT_OK)
    return error ? error->status : MLRT_ERROR_DEVICE;
  buffer->mem = clCreateBuffer (mlrt_gpu_context, CL_MEM_READ_WRITE,
                                size ? size : 4, NULL, &err);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_NO_MEMORY,
                          "gpu: cannot allocate %zu bytes of device memory: "
                          "%s", size, mlrt_gpu_cl_error_name (err));
  buffer->size = size;
  return MLRT_OK;
}

int
mlrt_gpu_can_wrap (const void *host)
{
  return host && ((uintptr_t) host % MLRT_GPU_HOST_ALIGN) == 0;
}

MlrtStatus
mlrt_gpu_buffer_wrap (MlrtGpuBuffer *buffer, void *host, size_t size,
                      MlrtError *error)
{
  cl_int err;

  memset (buffer, 0, sizeof *buffer);
  if (!mlrt_gpu_can_wrap (host))
    return mlrt_gpu_fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                          "gpu: host memory %p is not %d-byte aligned and "
                          "cannot be shared with the device", host,
                          MLRT_GPU_HOST_ALIGN);
  if (mlrt_gpu_init (error) != MLRT_OK)
    return error ? error->status : MLRT_ERROR_DEVICE;
  buffer->mem = clCreateBuffer (mlrt_gpu_context,
                                CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR,
                                size, host, &err);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: cannot share %zu bytes of host memory with "
                          "the device: %s", size,
                          mlrt_gpu_cl_error_name (err));
  buffer->size = size;
  buffer->host = host;
  return MLRT_OK;
}

void
mlrt_gpu_buffer_release (MlrtGpuBuffer *buffer)
{
  if (buffer && buffer->mem)
    clReleaseMemObject (buffer->mem);
  if (buffer)
    memset (buffer, 0, sizeof *buffer);
}

MlrtGpuRun *
mlrt_gpu_run_new (void)
{
  return calloc (1, sizeof (MlrtGpuRun));
}

void
mlrt_gpu_run_free (MlrtGpuRun *run)
{
  size_t i;

  if (!run)
    return;
  for (i = 0; i < run->n_events; i++)
    clReleaseEvent (run->events[i]);
  free (run->events);
  free (run->labels);
  free (run->intervals);
  free (run);
}

static MlrtStatus
run_record (MlrtGpuRun *run, cl_event ev, const char *what, MlrtError *error)
{
  if (run->n_events == run->cap_events)
    {
      size_t cap = run->cap_events ? 2 * run->cap_events : 16;
      cl_event *e = realloc (run->events, cap * sizeof *e);
      const char **l;

      if (e)
        run->events = e;
      l = e ? realloc (run->labels, cap * sizeof *l) : NULL;
      if (!l)
        {
          clWaitForEvents (1, &ev);
          clReleaseEvent (ev);
          return mlrt_gpu_fail (error, MLRT_ERROR_NO_MEMORY,
                                "gpu: out of memory recording a command");
        }
      run->labels = l;
      run->cap_events = cap;
    }
  run->events[run->n_events] = ev;
  run->labels[run->n_events++] = what ? what : "";
  return MLRT_OK;
}

/* Called with launch_lock held. */
static cl_kernel
kernel_for (const char *name, cl_int *err)
{
  int i;

  for (i = 0; i < n_kernels; i++)
    if (strcmp (kernels[i].name, name) == 0)
      return kernels[i].kernel;
  if (n_kernels == MAX_KERNELS)
    {
      *err = CL_OUT_OF_RESOURCES;
      return NULL;
    }
  kernels[n_kernels].kernel = clCreateKernel (mlrt_gpu_program, name, err);
  if (*err != CL_SUCCESS)
    return NULL;
  kernels[n_kernels].name = name;
  return kernels[n_kernels++].kernel;
}

MlrtStatus
mlrt_gpu_launch (MlrtGpuRun *run, const char *what, const char *kernel_name,
                 cl_uint dims, const size_t *global, const size_t *local,
                 const MlrtGpuArg *args, cl_uint n_args, MlrtError *error)
{
  cl_kernel kernel;
  cl_event ev = NULL;
  cl_int err = CL_SUCCESS;
  cl_uint i;

  if (mlrt_gpu_init (error) != MLRT_OK)
    return error ? error->status : MLRT_ERROR_DEVICE;
  for (i = 0; i < dims; i++)
    if (global[i] == 0)
      return MLRT_OK;
  pthread_mutex_lock (&launch_lock);
  kernel = kernel_for (kernel_name, &err);
  for (i = 0; kernel && i < n_args && err == CL_SUCCESS; i++)
    err = clSetKernelArg (kernel, i, args[i].size, args[i].value);
  if (kernel && err == CL_SUCCESS)
    err = clEnqueueNDRangeKernel (mlrt_gpu_queue, kernel, dims, NULL, global,
                                  local, 0, NULL, &ev);
  pthread_mutex_unlock (&launch_lock);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: launching kernel %s for %s failed: %s (%d)",
                          kernel_name, what ? what : "?",
                          mlrt_gpu_cl_error_name (err), err);
  return run_record (run, ev, what, error);
}

MlrtStatus
mlrt_gpu_launch_copy (MlrtGpuRun *run, const char *what, MlrtGpuBuffer *src,
                      size_t src_offset, MlrtGpuBuffer *dst,
                      size_t dst_offset, size_t size, MlrtError *error)
{
  cl_event ev;
  cl_int err;

  if (size == 0)
    return MLRT_OK;
  err = clEnqueueCopyBuffer (mlrt_gpu_queue, src->mem, dst->mem, src_offset,
                             dst_offset, size, 0, NULL, &ev);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: device copy of %zu bytes for %s failed: %s",
                          size, what ? what : "?",
                          mlrt_gpu_cl_error_name (err));
  return run_record (run, ev, what, error);
}

MlrtStatus
mlrt_gpu_write (MlrtGpuRun *run, MlrtGpuBuffer *dst, const void *src,
                size_t size, MlrtError *error)
{
  cl_event ev;
  cl_int err;

  if (size > dst->size)
    return mlrt_gpu_fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                          "gpu: writing %zu bytes into a %zu-byte buffer",
                          size, dst->size);
  /* Blocking, so the caller may reuse `src` as soon as this returns. */
  err = clEnqueueWriteBuffer (mlrt_gpu_queue, dst->mem, CL_TRUE, 0, size, src,
                              0, NULL, &ev);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: copying %zu bytes to the device failed: %s",
                          size, mlrt_gpu_cl_error_name (err));
  return run_record (run, ev, "copy to gpu", error);
}

MlrtStatus
mlrt_gpu_read (MlrtGpuRun *run, MlrtGpuBuffer *src, void *dst, size_t size,
               MlrtError *error)
{
  cl_event ev;
  cl_int err;

  if (size > src->size)
    return mlrt_gpu_fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                          "gpu: reading %zu bytes from a %zu-byte buffer",
                          size, src->size);
  err = clEnqueueReadBuffer (mlrt_gpu_queue, src->mem, CL_TRUE, 0, size, dst,
                             0, NULL, &ev);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: copying %zu bytes from the device failed: %s",
                          size, mlrt_gpu_cl_error_name (err));
  return run_record (run, ev, "copy from gpu", error);
}

MlrtStatus
mlrt_gpu_sync_to_host (MlrtGpuRun *run, MlrtGpuBuffer *buffer,
                       MlrtError *error)
{
  cl_int err;
  void *p;

  p = clEnqueueMapBuffer (mlrt_gpu_queue, buffer->mem, CL_TRUE, CL_MAP_READ,
                          0, buffer->size, 0, NULL, NULL, &err);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: mapping a shared buffer failed: %s",
                          mlrt_gpu_cl_error_name (err));
  err = clEnqueueUnmapMemObject (mlrt_gpu_queue, buffer->mem, p, 0, NULL,
                                 NULL);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: unmapping a shared buffer failed: %s",
                          mlrt_gpu_cl_error_name (err));
  return MLRT_OK;
}

/* Device times of one finished command, on CLOCK_MONOTONIC. */
static int
command_interval (cl_event ev, int64_t off, uint64_t *start, uint64_t *end)
{
  cl_ulong s = 0, e = 0;

  if (clGetEventProfilingInfo (ev, CL_PROFILING_COMMAND_START, sizeof s, &s,
                               NULL) != CL_SUCCESS
      || clGetEventProfilingInfo (ev, CL_PROFILING_COMMAND_END, sizeof e, &e,
                                  NULL) != CL_SUCCESS)
    return 0;
  *start = (uint64_t) ((int64_t) s + off);
  *end = (uint64_t) ((int64_t) e + off);
  return 1;
}

/* Merging back-to-back commands of one label keeps a layer made of several
 * kernels (instance norm) one interval; 2 us is below a launch's cost. */
#define MERGE_GAP_NS 2000

MlrtStatus
mlrt_gpu_run_finish (MlrtGpuRun *run, MlrtError *error)
{
  int64_t offset;
  cl_int err;
  size_t i;

  if (run->n_events == 0)
    return MLRT_OK;
  err = clWaitForEvents ((cl_uint) run->n_events, run->events);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: a command failed while running: %s (%d)",
                          mlrt_gpu_cl_error_name (err), err);
  free (run->intervals);
  run->n_intervals = 0;
  run->intervals = malloc (run->n_events * sizeof *run->intervals);
  if (!run->intervals)
    return mlrt_gpu_fail (error, MLRT_ERROR_NO_MEMORY,
                          "gpu: out of memory reading device times");
  offset = mlrt_gpu_clock_offset_ns ();
  for (i = 0; i < run->n_events; i++)
    {
      MlrtBusyInterval *last = run->n_intervals
                                 ? &run->intervals[run->n_intervals - 1]
                                 : NULL;
      uint64_t s, e;

      if (!command_interval (run->events[i], offset, &s, &e))
        continue;
      if (last && strcmp (last->what, run->labels[i]) == 0
          && s <= last->end_ns + MERGE_GAP_NS)
        {
          if (e > last->end_ns)
            last->end_ns = e;
          continue;
        }
      run->intervals[run->n_intervals++]
        = (MlrtBusyInterval) { s, e, run->labels[i] };
    }
  return MLRT_OK;
}

size_t
mlrt_gpu_run_intervals (const MlrtGpuRun *run,
                        const MlrtBusyInterval **intervals)
{
  *intervals = run->intervals;
  return run->n_intervals;
}
