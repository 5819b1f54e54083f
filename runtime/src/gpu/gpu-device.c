/*
 * gpu-device.c: the GPU unit's process-wide state: the OpenCL device, its
 * context, one in-order command queue with profiling enabled, and the
 * program built once from the embedded kernel sources, all created on
 * first use. Also measures, once, the offset between the device's
 * profiling clock and CLOCK_MONOTONIC (the trace clock).
 *
 * Device clock: OpenCL profiling times are in the device's own time base.
 * At init the enqueue of a marker is bracketed between two host clock
 * readings, and the marker's CL_PROFILING_COMMAND_QUEUED stamp (taken by
 * the driver during the enqueue call) compared with them; the tightest of
 * 16 brackets wins. If the stamp falls inside a CLOCK_MONOTONIC bracket the
 * device clock is the trace clock (offset 0). If it falls inside a
 * CLOCK_MONOTONIC_RAW bracket (PoCL's CPU driver: it stamps with
 * CLOCK_MONOTONIC_RAW, which differed from CLOCK_MONOTONIC by ~250 ms on
 * the test machine) the offset is MONOTONIC - RAW, re-read at each
 * conversion because NTP slews one against the other. Otherwise (a real
 * GPU's own counter) the offset is the bracket's midpoint, good to its
 * half-width (mlrt_gpu_clock_uncertainty_ns).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gpu-private.h"

static pthread_once_t gpu_probe = PTHREAD_ONCE_INIT;
static pthread_once_t gpu_once = PTHREAD_ONCE_INIT;
static MlrtError gpu_probe_error, gpu_init_error;
static char gpu_device_name[256];
static char gpu_device_description[768];
static int64_t gpu_clock_offset, gpu_clock_uncertainty;
static double gpu_peak_macs_per_us;
static enum {
  GPU_CLOCK_OTHER,
  GPU_CLOCK_MONOTONIC,
  GPU_CLOCK_MONOTONIC_RAW,
} gpu_clock;

cl_context mlrt_gpu_context;
cl_command_queue mlrt_gpu_queue;
cl_program mlrt_gpu_program;
cl_device_id mlrt_gpu_device;

MlrtStatus
mlrt_gpu_fail (MlrtError *error, MlrtStatus status, const char *format, ...)
{
  va_list ap;

  if (error)
    {
      error->status = status;
      va_start (ap, format);
      vsnprintf (error->message, sizeof error->message, format, ap);
      va_end (ap);
    }
  return status;
}

const char *
mlrt_gpu_cl_error_name (cl_int code)
{
  switch (code)
    {
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_DEVICE_NOT_AVAILABLE: return "CL_DEVICE_NOT_AVAILABLE";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE:
      return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case CL_INVALID_HOST_PTR: return "CL_INVALID_HOST_PTR";
    case CL_INVALID_MEM_OBJECT: return "CL_INVALID_MEM_OBJECT";
    case CL_INVALID_KERNEL_NAME: return "CL_INVALID_KERNEL_NAME";
    case CL_INVALID_ARG_INDEX: return "CL_INVALID_ARG_INDEX";
    case CL_INVALID_ARG_VALUE: return "CL_INVALID_ARG_VALUE";
    case CL_INVALID_ARG_SIZE: return "CL_INVALID_ARG_SIZE";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_GLOBAL_WORK_SIZE: return "CL_INVALID_GLOBAL_WORK_SIZE";
    case CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST:
      return "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST";
    default: return "OpenCL error";
    }
}

static int64_t
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A GPU if the platforms have one, else any device (PoCL's CPU device). */
static cl_int
pick_device (cl_device_id *device)
{
  cl_platform_id platforms[8];
  cl_uint n = 0, i;
  cl_int err;

  err = clGetPlatformIDs (8, platforms, &n);
  if (err != CL_SUCCESS)
    return err;
  if (n > 8)
    n = 8;
  for (i = 0; i < n; i++)
    if (clGetDeviceIDs (platforms[i], CL_DEVICE_TYPE_GPU, 1, device, NULL)
        == CL_SUCCESS)
      return CL_SUCCESS;
  for (i = 0; i < n; i++)
    if (clGetDeviceIDs (platforms[i], CL_DEVICE_TYPE_ALL, 1, device, NULL)
        == CL_SUCCESS)
      return CL_SUCCESS;
  return CL_DEVICE_NOT_FOUND;
}

static int64_t
clock_ns (clockid_t id)
{
  struct timespec ts;

  clock_gettime (id, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CLOCK_MONOTONIC minus CLOCK_MONOTONIC_RAW now, from a raw reading
 * sandwiched between two monotonic ones (a few tens of ns apart). */
static int64_t
raw_to_monotonic (int64_t *uncertainty)
{
  int64_t m0 = monotonic_ns ();
  int64_t r = clock_ns (CLOCK_MONOTONIC_RAW);
  int64_t m1 = monotonic_ns ();

  if (uncertainty)
    *uncertainty = (m1 - m0) / 2;
  return m0 + (m1 - m0) / 2 - r;
}

/* Brackets the enqueue of a marker between two readings of `host_clock`;
 * returns whether the marker's QUEUED stamp fell inside the tightest of
 * several brackets (the device clock is that host clock), and otherwise
 * the midpoint offset host - device and the bracket's half-width. */
static int
bracket_marker (clockid_t host_clock, int64_t *offset, int64_t *half_width)
{
  int64_t best = INT64_MAX;
  int inside = 0, i;

  for (i = 0; i < 16; i++)
    {
      cl_event ev;
      cl_ulong queued = 0;
      int64_t t0, t1;

      t0 = clock_ns (host_clock);
      if (clEnqueueMarkerWithWaitList (mlrt_gpu_queue, 0, NULL, &ev)
          != CL_SUCCESS)
        return 0;
      t1 = clock_ns (host_clock);
      clWaitForEvents (1, &ev);
      clGetEventProfilingInfo (ev, CL_PROFILING_COMMAND_QUEUED,
                               sizeof queued, &queued, NULL);
      clReleaseEvent (ev);
      if (t1 - t0 < best)
        {
          best = t1 - t0;
          inside = (int64_t) queued >= t0 && (int64_t) queued <= t1;
          *offset = t0 + (t1 - t0) / 2 - (int64_t) queued;
          *half_width = best / 2;
        }
    }
  return inside;
}

static void
measure_clock_offset (void)
{
  int64_t off = 0, half = 0;

  if (bracket_marker (CLOCK_MONOTONIC, &off, &half))
    {
      gpu_clock = GPU_CLOCK_MONOTONIC;
      gpu_clock_offset = 0;
      gpu_clock_uncertainty = 0;
    }
  else if (bracket_marker (CLOCK_MONOTONIC_RAW, &off, &half))
    {
      gpu_clock = GPU_CLOCK_MONOTONIC_RAW;
      gpu_clock_offset = raw_to_monotonic (&gpu_clock_uncertainty);
    }
  else
    {
      bracket_marker (CLOCK_MONOTONIC, &off, &half);
      gpu_clock = GPU_CLOCK_OTHER;
      gpu_clock_offset = off;
      gpu_clock_uncertainty = half;
    }
}

/* The device's peak multiply-add rate from what it reports: compute units
 * x clock x float vector width. */
static void
read_throughput (void)
{
  cl_uint cu = 1, mhz = 1000, width = 1;

  clGetDeviceInfo (mlrt_gpu_device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu,
                   &cu, NULL);
  clGetDeviceInfo (mlrt_gpu_device, CL_DEVICE_MAX_CLOCK_FREQUENCY,
                   sizeof mhz, &mhz, NULL);
  clGetDeviceInfo (mlrt_gpu_device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT,
                   sizeof width, &width, NULL);
  gpu_peak_macs_per_us = (double) (cu ? cu : 1) * (mhz ? mhz : 1000)
                         * (width ? width : 1);
}

static MlrtStatus
build_program (MlrtError *error)
{
  const char *src = mlrt_gpu_program_source;
  cl_int err;

  mlrt_gpu_program = clCreateProgramWithSource (mlrt_gpu_context, 1, &src,
                                                NULL, &err);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: cannot create the kernel program: %s (%d)",
                          mlrt_gpu_cl_error_name (err), err);
  err = clBuildProgram (mlrt_gpu_program, 1, &mlrt_gpu_device,
                        "-cl-std=CL1.2", NULL, NULL);
  if (err != CL_SUCCESS)
    {
      char log[768] = "";

      clGetProgramBuildInfo (mlrt_gpu_program, mlrt_gpu_device,
                             CL_PROGRAM_BUILD_LOG, sizeof log - 1, log, NULL);
      return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                            "gpu: building the kernels for %s failed: %s: %s",
                            gpu_device_name, mlrt_gpu_cl_error_name (err),
                            log);
    }
  return MLRT_OK;
}

/* The device, its OpenCL version and its driver's: a new driver may run
 * the same kernels at another speed. */
static void
describe_device (void)
{
  char driver[128] = "", version[128] = "";

  clGetDeviceInfo (mlrt_gpu_device, CL_DRIVER_VERSION, sizeof driver - 1,
                   driver, NULL);
  clGetDeviceInfo (mlrt_gpu_device, CL_DEVICE_VERSION, sizeof version - 1,
                   version, NULL);
  snprintf (gpu_device_description, sizeof gpu_device_description,
            "%s, %s, driver %s", gpu_device_name, version, driver);
}

/* Finding the device and reading its properties is cheap (no context, no
 * compiler): enough for mlrt_gpu_available and the planner, so loading a
 * model that ends up with nothing on the GPU never builds the program. */
static void
probe_once (void)
{
  cl_int err = pick_device (&mlrt_gpu_device);

  memset (&gpu_probe_error, 0, sizeof gpu_probe_error);
  if (err != CL_SUCCESS)
    {
      mlrt_gpu_fail (&gpu_probe_error, MLRT_ERROR_UNSUPPORTED,
                     "gpu: no OpenCL device (%s); install an OpenCL driver "
                     "such as pocl-opencl-icd", mlrt_gpu_cl_error_name (err));
      return;
    }
  clGetDeviceInfo (mlrt_gpu_device, CL_DEVICE_NAME,
                   sizeof gpu_device_name - 1, gpu_device_name, NULL);
  describe_device ();
  read_throughput ();
}

static MlrtStatus
init_device (MlrtError *error)
{
  cl_int err;

  pthread_once (&gpu_probe, probe_once);
  if (gpu_probe_error.status != MLRT_OK)
    {
      *error = gpu_probe_error;
      return error->status;
    }
  mlrt_gpu_context = clCreateContext (NULL, 1, &mlrt_gpu_device, NULL, NULL,
                                      &err);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: cannot create a context on %s: %s",
                          gpu_device_name, mlrt_gpu_cl_error_name (err));
  mlrt_gpu_queue = clCreateCommandQueue (mlrt_gpu_context, mlrt_gpu_device,
                                         CL_QUEUE_PROFILING_ENABLE, &err);
  if (err != CL_SUCCESS)
    return mlrt_gpu_fail (error, MLRT_ERROR_DEVICE,
                          "gpu: cannot create a profiling queue on %s: %s",
                          gpu_device_name, mlrt_gpu_cl_error_name (err));
  if (build_program (error) != MLRT_OK)
    return error->status;
  measure_clock_offset ();
  return MLRT_OK;
}

static void
init_once (void)
{
  memset (&gpu_init_error, 0, sizeof gpu_init_error);
  init_device (&gpu_init_error);
}

MlrtStatus
mlrt_gpu_init (MlrtError *error)
{
  pthread_once (&gpu_once, init_once);
  if (gpu_init_error.status != MLRT_OK && error)
    *error = gpu_init_error;
  return gpu_init_error.status;
}

int
mlrt_gpu_available (void)
{
  pthread_once (&gpu_probe, probe_once);
  return gpu_probe_error.status == MLRT_OK;
}

const char *
mlrt_gpu_device_name (void)
{
  return gpu_device_name;
}

const char *
mlrt_gpu_device_description (void)
{
  pthread_once (&gpu_probe, probe_once);
  return gpu_device_description;
}

int64_t
mlrt_gpu_clock_offset_ns (void)
{
  /* NTP slews CLOCK_MONOTONIC against the raw clock (up to 500 ppm), so
   * an offset measured once would drift over a long recording; re-reading
   * it costs two clock_gettime calls. */
  if (gpu_clock == GPU_CLOCK_MONOTONIC_RAW)
    return raw_to_monotonic (NULL);
  return gpu_clock_offset;
}

const char *
mlrt_gpu_clock_name (void)
{
  switch (gpu_clock)
    {
    case GPU_CLOCK_MONOTONIC: return "CLOCK_MONOTONIC";
    case GPU_CLOCK_MONOTONIC_RAW: return "CLOCK_MONOTONIC_RAW";
    case GPU_CLOCK_OTHER: default: return "device clock";
    }
}

double
mlrt_gpu_peak_macs_per_us (void)
{
  pthread_once (&gpu_probe, probe_once);
  return gpu_peak_macs_per_us;
}

int64_t
mlrt_gpu_clock_uncertainty_ns (void)
{
  return gpu_clock_uncertainty;
}
