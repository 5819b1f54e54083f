/*
 * error.c: status values and the names of the runtime's public enums
 * (statuses, feature types, units, compute-unit sets), and the helpers
 * that fill an MlrtError. Ops are named by their rows (ops/ops.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

const char *
mlrt_status_name (MlrtStatus status)
{
  switch (status)
    {
    case MLRT_OK: return "ok";
    case MLRT_ERROR_IO: return "io";
    case MLRT_ERROR_FORMAT: return "format";
    case MLRT_ERROR_UNSUPPORTED: return "unsupported";
    case MLRT_ERROR_INVALID_INPUT: return "invalid-input";
    case MLRT_ERROR_INVALID_ARGUMENT: return "invalid-argument";
    case MLRT_ERROR_NO_MEMORY: return "no-memory";
    case MLRT_ERROR_DEVICE: return "device";
    case MLRT_ERROR_CANCELLED: return "cancelled";
    case MLRT_ERROR_BUSY: return "busy";
    default: break;
    }
  return "unknown";
}

MlrtStatus
mlrt_set_error (MlrtError *error, MlrtStatus status, const char *format, ...)
{
  va_list ap;

  if (error == NULL)
    return status;
  error->status = status;
  va_start (ap, format);
  vsnprintf (error->message, sizeof error->message, format, ap);
  va_end (ap);
  return status;
}

MlrtStatus
mlrt_set_format_error (MlrtError *error, const char *origin,
                       const char *layer, const char *op, const char *node,
                       const char *format, va_list ap)
{
  char msg[768];

  vsnprintf (msg, sizeof msg, format, ap);
  if (layer && node && strcmp (node, layer) != 0)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: layer '%s' (%s, node '%s'): %s", origin,
                           layer, op, node, msg);
  if (layer)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: layer '%s' (%s): %s", origin, layer, op, msg);
  return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: %s", origin, msg);
}

void
mlrt_error_prefix (MlrtError *error, const char *format, ...)
{
  char old[MLRT_ERROR_MESSAGE_MAX];
  size_t at;
  va_list ap;

  if (error == NULL)
    return;
  memcpy (old, error->message, sizeof old);
  va_start (ap, format);
  vsnprintf (error->message, sizeof error->message, format, ap);
  va_end (ap);
  at = strlen (error->message);
  if (at + 2 < sizeof error->message)
    {
      memcpy (error->message + at, ": ", 3);
      at += 2;
      size_t len = strnlen (old, sizeof error->message - at - 1);
      memcpy (error->message + at, old, len);
      error->message[at + len] = '\0';
    }
}

char *
mlrt_strdup (const char *s)
{
  return s ? strdup (s) : NULL;
}

char *
mlrt_strdup_printf (const char *format, ...)
{
  va_list ap;
  char *s = NULL;

  va_start (ap, format);
  if (vasprintf (&s, format, ap) < 0)
    s = NULL;
  va_end (ap);
  return s;
}

static const char *const type_names[] = {
  [MLRT_TYPE_INVALID] = "invalid",
  [MLRT_TYPE_GRAY8] = "gray8",
  [MLRT_TYPE_GRAY16_HALF] = "gray16_half",
  [MLRT_TYPE_BGRA8] = "bgra8",
  [MLRT_TYPE_INT32] = "int32",
  [MLRT_TYPE_FLOAT32] = "float32",
  [MLRT_TYPE_FLOAT64] = "float64",
  [MLRT_TYPE_FLOAT16] = "float16",
};

const char *
mlrt_feature_type_name (MlrtFeatureType type)
{
  if ((unsigned) type >= sizeof type_names / sizeof type_names[0])
    return "invalid";
  return type_names[type];
}

MlrtFeatureType
mlrt_feature_type_from_name (const char *name)
{
  if (name == NULL)
    return MLRT_TYPE_INVALID;
  for (size_t i = 1; i < sizeof type_names / sizeof type_names[0]; i++)
    if (strcmp (name, type_names[i]) == 0)
      return (MlrtFeatureType) i;
  return MLRT_TYPE_INVALID;
}

size_t
mlrt_feature_type_element_size (MlrtFeatureType type)
{
  switch (type)
    {
    case MLRT_TYPE_GRAY8: return 1;
    case MLRT_TYPE_GRAY16_HALF: return 2;
    case MLRT_TYPE_BGRA8: return 4;
    case MLRT_TYPE_INT32: return 4;
    case MLRT_TYPE_FLOAT32: return 4;
    case MLRT_TYPE_FLOAT64: return 8;
    case MLRT_TYPE_FLOAT16: return 2;
    case MLRT_TYPE_INVALID: default: break;
    }
  return 0;
}

const char *
mlrt_unit_name (MlrtUnit unit)
{
  switch (unit)
    {
    case MLRT_UNIT_CPU: return "cpu";
    case MLRT_UNIT_GPU: return "gpu";
    case MLRT_UNIT_NPU: return "npu";
    default: break;
    }
  return "none";
}

static const char *const compute_units_names[] = {
  [MLRT_COMPUTE_CPU_ONLY] = "cpu-only",
  [MLRT_COMPUTE_CPU_AND_GPU] = "cpu-and-gpu",
  [MLRT_COMPUTE_CPU_AND_NPU] = "cpu-and-npu",
  [MLRT_COMPUTE_ALL] = "all",
};

const char *
mlrt_compute_units_name (MlrtComputeUnits units)
{
  if ((unsigned) units > MLRT_COMPUTE_ALL)
    return "invalid";
  return compute_units_names[units];
}

MlrtStatus
mlrt_compute_units_from_name (const char *name, MlrtComputeUnits *units,
                              MlrtError *error)
{
  for (int i = 0; i <= MLRT_COMPUTE_ALL; i++)
    if (name && strcmp (name, compute_units_names[i]) == 0)
      {
        if (units)
          *units = (MlrtComputeUnits) i;
        return MLRT_OK;
      }
  return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                         "unknown compute units '%s' (expected cpu-only, "
                         "cpu-and-gpu, cpu-and-npu or all)",
                         name ? name : "(null)");
}
