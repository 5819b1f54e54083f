/*
 * error.c: status values and the names of the runtime's enums (statuses,
 * feature types, units, compute-unit sets, ops, activations), and the
 * helpers that fill an MlrtError.
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
                       const char *layer, const char *op,
                       const char *format, va_list ap)
{
  char msg[768];

  vsnprintf (msg, sizeof msg, format, ap);
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
    case MLRT_TYPE_INVALID: break;
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

static const char *const op_names[MLRT_N_OPS] = {
  [MLRT_OP_CONV2D] = "conv2d",
  [MLRT_OP_CONV_TRANSPOSE2D] = "conv_transpose2d",
  [MLRT_OP_UPSAMPLE] = "upsample",
  [MLRT_OP_BATCH_NORM] = "batch_norm",
  [MLRT_OP_INSTANCE_NORM] = "instance_norm",
  [MLRT_OP_RELU] = "relu",
  [MLRT_OP_SIGMOID] = "sigmoid",
  [MLRT_OP_TANH] = "tanh",
  [MLRT_OP_GELU] = "gelu",
  [MLRT_OP_LEAKY_RELU] = "leaky_relu",
  [MLRT_OP_ADD] = "add",
  [MLRT_OP_MUL] = "mul",
  [MLRT_OP_CONCAT] = "concat",
  [MLRT_OP_MAX_POOL] = "max_pool",
  [MLRT_OP_AVG_POOL] = "avg_pool",
  [MLRT_OP_GLOBAL_AVG_POOL] = "global_avg_pool",
  [MLRT_OP_GLOBAL_MAX_POOL] = "global_max_pool",
  [MLRT_OP_INNER_PRODUCT] = "inner_product",
  [MLRT_OP_SOFTMAX] = "softmax",
  [MLRT_OP_RESHAPE] = "reshape",
  [MLRT_OP_FLATTEN] = "flatten",
};

const char *
mlrt_op_name (MlrtOp op)
{
  return (unsigned) op < MLRT_N_OPS ? op_names[op] : "invalid";
}

int
mlrt_op_from_name (const char *name, MlrtOp *op)
{
  for (int i = 0; i < MLRT_N_OPS; i++)
    if (strcmp (name, op_names[i]) == 0)
      {
        *op = (MlrtOp) i;
        return 1;
      }
  return 0;
}

static const char *const act_names[] = {
  [MLRT_ACT_NONE] = "none",
  [MLRT_ACT_RELU] = "relu",
  [MLRT_ACT_LEAKY_RELU] = "leaky_relu",
  [MLRT_ACT_SIGMOID] = "sigmoid",
  [MLRT_ACT_TANH] = "tanh",
  [MLRT_ACT_GELU] = "gelu",
};

const char *
mlrt_activation_name (MlrtActivation act)
{
  if ((unsigned) act >= sizeof act_names / sizeof act_names[0])
    return "invalid";
  return act_names[act];
}

int
mlrt_activation_from_name (const char *name, MlrtActivation *act)
{
  for (size_t i = 0; i < sizeof act_names / sizeof act_names[0]; i++)
    if (strcmp (name, act_names[i]) == 0)
      {
        *act = (MlrtActivation) i;
        return 1;
      }
  return 0;
}
