/*
 * onnx-tensor.c: the frontend's dense tensors: element types, allocation
 * with size limits, and element access as int64 or double, which is what
 * constant folding and shape arithmetic need whatever the stored type.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-graph.h"

static const struct {
  const char *name;
  size_t size;
} types[] = {
  [MLRT_ONNX_UNDEFINED] = { "undefined", 0 },
  [MLRT_ONNX_FLOAT] = { "float", 4 },
  [MLRT_ONNX_UINT8] = { "uint8", 1 },
  [MLRT_ONNX_INT8] = { "int8", 1 },
  [MLRT_ONNX_UINT16] = { "uint16", 2 },
  [MLRT_ONNX_INT16] = { "int16", 2 },
  [MLRT_ONNX_INT32] = { "int32", 4 },
  [MLRT_ONNX_INT64] = { "int64", 8 },
  [MLRT_ONNX_STRING] = { "string", 0 },
  [MLRT_ONNX_BOOL] = { "bool", 1 },
  [MLRT_ONNX_FLOAT16] = { "float16", 2 },
  [MLRT_ONNX_DOUBLE] = { "double", 8 },
  [MLRT_ONNX_UINT32] = { "uint32", 4 },
  [MLRT_ONNX_UINT64] = { "uint64", 8 },
  [MLRT_ONNX_COMPLEX64] = { "complex64", 0 },
  [MLRT_ONNX_COMPLEX128] = { "complex128", 0 },
  [MLRT_ONNX_BFLOAT16] = { "bfloat16", 2 },
};

const char *
mlrt_onnx_type_name (MlrtOnnxType type)
{
  if ((unsigned) type >= sizeof types / sizeof types[0])
    return "unknown";
  return types[type].name;
}

size_t
mlrt_onnx_type_size (MlrtOnnxType type)
{
  if ((unsigned) type >= sizeof types / sizeof types[0])
    return 0;
  return types[type].size;
}

int
mlrt_onnx_type_is_float (MlrtOnnxType type)
{
  return type == MLRT_ONNX_FLOAT || type == MLRT_ONNX_DOUBLE
    || type == MLRT_ONNX_FLOAT16 || type == MLRT_ONNX_BFLOAT16;
}

int
mlrt_onnx_dims_count (int rank, const int64_t *dims, size_t *count)
{
  int64_t n = 1;

  for (int d = 0; d < rank; d++)
    {
      if (dims[d] < 0)
        return 0;
      if (dims[d] > 0 && n > MLRT_ONNX_MAX_ELEMENTS / dims[d])
        return 0;
      n *= dims[d];
    }
  *count = (size_t) n;
  return 1;
}

MlrtOnnxTensor *
mlrt_onnx_tensor_new (MlrtOnnxType type, int rank, const int64_t *dims,
                      MlrtError *error)
{
  size_t count, size = mlrt_onnx_type_size (type);
  MlrtOnnxTensor *tensor;

  if (size == 0)
    {
      mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                      "%s tensors are not supported", mlrt_onnx_type_name (type));
      return NULL;
    }
  if (rank < 0 || rank > MLRT_ONNX_MAX_RANK)
    {
      mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                      "a tensor of rank %d (at most %d is supported)", rank,
                      MLRT_ONNX_MAX_RANK);
      return NULL;
    }
  if (!mlrt_onnx_dims_count (rank, dims, &count))
    {
      mlrt_set_error (error, MLRT_ERROR_FORMAT,
                      "a tensor with a negative dim or more than %lld "
                      "elements", (long long) MLRT_ONNX_MAX_ELEMENTS);
      return NULL;
    }
  tensor = calloc (1, sizeof *tensor);
  if (tensor)
    tensor->data = calloc (count ? count : 1, size);
  if (tensor == NULL || tensor->data == NULL)
    {
      free (tensor);
      mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                      "out of memory for a tensor of %zu elements", count);
      return NULL;
    }
  tensor->type = type;
  tensor->rank = rank;
  if (rank > 0)             /* a scalar's dims may be NULL */
    memcpy (tensor->dims, dims, rank * sizeof *dims);
  tensor->count = count;
  return tensor;
}

MlrtOnnxTensor *
mlrt_onnx_tensor_copy (const MlrtOnnxTensor *tensor)
{
  MlrtOnnxTensor *copy = mlrt_onnx_tensor_new (tensor->type, tensor->rank,
                                               tensor->dims, NULL);

  if (copy)
    memcpy (copy->data, tensor->data,
            tensor->count * mlrt_onnx_type_size (tensor->type));
  return copy;
}

void
mlrt_onnx_tensor_free (MlrtOnnxTensor *tensor)
{
  if (tensor == NULL)
    return;
  free (tensor->data);
  free (tensor);
}

static float
bfloat16_to_float (uint16_t bits)
{
  uint32_t u = (uint32_t) bits << 16;
  float f;

  memcpy (&f, &u, sizeof f);
  return f;
}

static uint16_t
float_to_bfloat16 (float f)
{
  uint32_t u;

  memcpy (&u, &f, sizeof u);
  u += 0x7fff + ((u >> 16) & 1);   /* round to nearest even */
  return (uint16_t) (u >> 16);
}

/* A float as an int64 the way a cast would, without the undefined
 * behaviour of casting NaN or an out-of-range value. */
static int64_t
double_to_int (double d)
{
  if (d != d)
    return 0;
  if (d >= 9.2233720368547748e18)
    return INT64_MAX;
  if (d <= -9.2233720368547758e18)
    return INT64_MIN;
  return (int64_t) d;
}

/* Each accessor names every type (the build warns on a switch that does
 * not); strings and complex numbers never reach them, as tensors of those
 * types are not made. */
double
mlrt_onnx_tensor_get_double (const MlrtOnnxTensor *t, size_t i)
{
  float f;

  switch (t->type)
    {
    case MLRT_ONNX_FLOAT: return ((const float *) t->data)[i];
    case MLRT_ONNX_DOUBLE: return ((const double *) t->data)[i];
    case MLRT_ONNX_FLOAT16:
      mlrt_half_to_float_n ((const uint16_t *) t->data + i, &f, 1);
      return f;
    case MLRT_ONNX_BFLOAT16:
      return bfloat16_to_float (((const uint16_t *) t->data)[i]);
    case MLRT_ONNX_UINT64: return (double) ((const uint64_t *) t->data)[i];
    case MLRT_ONNX_UINT8: case MLRT_ONNX_BOOL: case MLRT_ONNX_INT8:
    case MLRT_ONNX_UINT16: case MLRT_ONNX_INT16: case MLRT_ONNX_INT32:
    case MLRT_ONNX_INT64: case MLRT_ONNX_UINT32:
      return (double) mlrt_onnx_tensor_get_int (t, i);
    case MLRT_ONNX_UNDEFINED: case MLRT_ONNX_STRING:
    case MLRT_ONNX_COMPLEX64: case MLRT_ONNX_COMPLEX128:
    default:
      return 0;
    }
}

int64_t
mlrt_onnx_tensor_get_int (const MlrtOnnxTensor *t, size_t i)
{
  switch (t->type)
    {
    case MLRT_ONNX_UINT8: return ((const uint8_t *) t->data)[i];
    case MLRT_ONNX_BOOL: return ((const uint8_t *) t->data)[i] != 0;
    case MLRT_ONNX_INT8: return ((const int8_t *) t->data)[i];
    case MLRT_ONNX_UINT16: return ((const uint16_t *) t->data)[i];
    case MLRT_ONNX_INT16: return ((const int16_t *) t->data)[i];
    case MLRT_ONNX_INT32: return ((const int32_t *) t->data)[i];
    case MLRT_ONNX_INT64: return ((const int64_t *) t->data)[i];
    case MLRT_ONNX_UINT32: return ((const uint32_t *) t->data)[i];
    case MLRT_ONNX_UINT64: return (int64_t) ((const uint64_t *) t->data)[i];
    case MLRT_ONNX_FLOAT: case MLRT_ONNX_DOUBLE: case MLRT_ONNX_FLOAT16:
    case MLRT_ONNX_BFLOAT16:
      return double_to_int (mlrt_onnx_tensor_get_double (t, i));
    case MLRT_ONNX_UNDEFINED: case MLRT_ONNX_STRING:
    case MLRT_ONNX_COMPLEX64: case MLRT_ONNX_COMPLEX128:
    default:
      return 0;
    }
}

void
mlrt_onnx_tensor_set_int (MlrtOnnxTensor *t, size_t i, int64_t v)
{
  switch (t->type)
    {
    case MLRT_ONNX_UINT8: ((uint8_t *) t->data)[i] = (uint8_t) v; break;
    case MLRT_ONNX_BOOL: ((uint8_t *) t->data)[i] = v != 0; break;
    case MLRT_ONNX_INT8: ((int8_t *) t->data)[i] = (int8_t) v; break;
    case MLRT_ONNX_UINT16: ((uint16_t *) t->data)[i] = (uint16_t) v; break;
    case MLRT_ONNX_INT16: ((int16_t *) t->data)[i] = (int16_t) v; break;
    case MLRT_ONNX_INT32: ((int32_t *) t->data)[i] = (int32_t) v; break;
    case MLRT_ONNX_INT64: ((int64_t *) t->data)[i] = v; break;
    case MLRT_ONNX_UINT32: ((uint32_t *) t->data)[i] = (uint32_t) v; break;
    case MLRT_ONNX_UINT64: ((uint64_t *) t->data)[i] = (uint64_t) v; break;
    case MLRT_ONNX_FLOAT: case MLRT_ONNX_DOUBLE: case MLRT_ONNX_FLOAT16:
    case MLRT_ONNX_BFLOAT16:
      mlrt_onnx_tensor_set_double (t, i, (double) v);
      break;
    case MLRT_ONNX_UNDEFINED: case MLRT_ONNX_STRING:
    case MLRT_ONNX_COMPLEX64: case MLRT_ONNX_COMPLEX128:
    default:
      break;
    }
}

void
mlrt_onnx_tensor_set_double (MlrtOnnxTensor *t, size_t i, double v)
{
  float f = (float) v;

  switch (t->type)
    {
    case MLRT_ONNX_FLOAT: ((float *) t->data)[i] = f; break;
    case MLRT_ONNX_DOUBLE: ((double *) t->data)[i] = v; break;
    case MLRT_ONNX_FLOAT16:
      mlrt_float_to_half_n (&f, (uint16_t *) t->data + i, 1);
      break;
    case MLRT_ONNX_BFLOAT16:
      ((uint16_t *) t->data)[i] = float_to_bfloat16 (f);
      break;
    case MLRT_ONNX_UINT8: case MLRT_ONNX_BOOL: case MLRT_ONNX_INT8:
    case MLRT_ONNX_UINT16: case MLRT_ONNX_INT16: case MLRT_ONNX_INT32:
    case MLRT_ONNX_INT64: case MLRT_ONNX_UINT32: case MLRT_ONNX_UINT64:
      mlrt_onnx_tensor_set_int (t, i, double_to_int (v));
      break;
    case MLRT_ONNX_UNDEFINED: case MLRT_ONNX_STRING:
    case MLRT_ONNX_COMPLEX64: case MLRT_ONNX_COMPLEX128:
    default:
      break;
    }
}
