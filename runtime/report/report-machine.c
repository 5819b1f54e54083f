/*
 * report-machine.c: what machine the report was measured on: the CPU model
 * (/proc/cpuinfo), the number of online cores, the OpenCL device the GPU
 * unit would use (a GPU if there is one, else whatever device OpenCL has,
 * such as PoCL's CPU driver) or "none", and the NPU, which mlrt emulates.
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

static char *
trim_dup (const char *s)
{
  size_t len;

  while (isspace ((unsigned char) *s))
    s++;
  len = strlen (s);
  while (len > 0 && isspace ((unsigned char) s[len - 1]))
    len--;
  return strndup (s, len);
}

/* x86 says "model name", arm64 has no model name but a "CPU part"; other
 * architectures use "cpu" or "Processor". The first match wins. */
static char *
probe_cpu_model (void)
{
  static const char *const keys[] = { "model name", "Processor", "cpu model",
                                      "cpu", "CPU part" };
  char line[512];
  char *found[5] = { NULL };
  char *result = NULL;
  FILE *f = fopen ("/proc/cpuinfo", "r");

  if (f == NULL)
    return strdup ("unknown");
  while (fgets (line, sizeof line, f) != NULL)
    {
      char *colon = strchr (line, ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      for (size_t k = 0; k < 5; k++)
        {
          char *key = trim_dup (line);
          int match = strcmp (key, keys[k]) == 0;

          free (key);
          if (match && found[k] == NULL)
            found[k] = trim_dup (colon + 1);
        }
    }
  fclose (f);
  for (size_t k = 0; k < 5; k++)
    {
      if (result == NULL && found[k] != NULL && found[k][0] != '\0')
        result = found[k];
      else
        free (found[k]);
    }
  return result != NULL ? result : strdup ("unknown");
}

static char *
cl_string (cl_platform_id platform, cl_device_id device, cl_uint param)
{
  char value[256];
  cl_int status;

  if (device != NULL)
    status = clGetDeviceInfo (device, param, sizeof value, value, NULL);
  else
    status = clGetPlatformInfo (platform, param, sizeof value, value, NULL);
  if (status != CL_SUCCESS)
    return strdup ("unknown");
  value[sizeof value - 1] = '\0';
  return trim_dup (value);
}

/* First GPU device on any platform; failing that, the first device. */
static void
probe_opencl (MlrtReportMachine *machine)
{
  cl_platform_id platforms[16];
  cl_uint n_platforms = 0;
  cl_platform_id chosen_platform = NULL;
  cl_device_id chosen_device = NULL;

  if (clGetPlatformIDs (16, platforms, &n_platforms) != CL_SUCCESS)
    n_platforms = 0;
  if (n_platforms > 16)
    n_platforms = 16;
  for (int want_gpu = 1; want_gpu >= 0 && chosen_device == NULL; want_gpu--)
    for (cl_uint p = 0; p < n_platforms && chosen_device == NULL; p++)
      {
        cl_device_id device;
        cl_uint n = 0;
        cl_device_type type = want_gpu ? CL_DEVICE_TYPE_GPU
                                       : CL_DEVICE_TYPE_ALL;

        if (clGetDeviceIDs (platforms[p], type, 1, &device, &n) == CL_SUCCESS
            && n > 0)
          {
            chosen_platform = platforms[p];
            chosen_device = device;
          }
      }
  if (chosen_device == NULL)
    {
      machine->gpu = strdup ("none");
      machine->gpu_platform = strdup ("none");
      return;
    }
  machine->gpu = cl_string (NULL, chosen_device, CL_DEVICE_NAME);
  machine->gpu_platform = cl_string (chosen_platform, NULL, CL_PLATFORM_NAME);
}

void
mlrt_report_machine_probe (MlrtReportMachine *machine)
{
  long cores = sysconf (_SC_NPROCESSORS_ONLN);

  machine->cpu_model = probe_cpu_model ();
  machine->cpu_cores = cores > 0 ? (int) cores : 1;
  probe_opencl (machine);
  machine->npu = strdup ("emulated");
}

void
mlrt_report_machine_clear (MlrtReportMachine *machine)
{
  free (machine->cpu_model);
  free (machine->gpu);
  free (machine->gpu_platform);
  free (machine->npu);
  machine->cpu_model = NULL;
  machine->gpu = NULL;
  machine->gpu_platform = NULL;
  machine->npu = NULL;
}
