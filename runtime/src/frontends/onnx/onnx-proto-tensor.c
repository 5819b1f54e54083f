/*
 * onnx-proto-tensor.c: a TensorProto into a dense tensor. ONNX stores a
 * tensor's data either as little-endian raw bytes or in one of several
 * typed repeated fields (int32_data carries every type narrower than 32
 * bits, float16 as its bits); both are checked against the dims before a
 * byte is copied. Also reads the node tests' serialized TensorProto files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-proto.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ONNX raw_data is little-endian; this reader copies it as it is"
#endif

/* The typed field that holds `type` when raw_data is absent, and its
 * length. */
static size_t
typed_field_count (const Onnx__TensorProto *p, MlrtOnnxType type)
{
  switch (type)
    {
    case MLRT_ONNX_FLOAT: return p->n_float_data;
    case MLRT_ONNX_DOUBLE: return p->n_double_data;
    case MLRT_ONNX_INT64: return p->n_int64_data;
    case MLRT_ONNX_UINT32: case MLRT_ONNX_UINT64: return p->n_uint64_data;
    case MLRT_ONNX_UINT8: case MLRT_ONNX_INT8: case MLRT_ONNX_UINT16:
    case MLRT_ONNX_INT16: case MLRT_ONNX_INT32: case MLRT_ONNX_BOOL:
    case MLRT_ONNX_FLOAT16: case MLRT_ONNX_BFLOAT16:
      return p->n_int32_data;
    case MLRT_ONNX_UNDEFINED: case MLRT_ONNX_STRING:
    case MLRT_ONNX_COMPLEX64: case MLRT_ONNX_COMPLEX128:
    default:
      return 0;
    }
}

static void
copy_typed_field (const Onnx__TensorProto *p, MlrtOnnxTensor *t)
{
  for (size_t i = 0; i < t->count; i++)
    switch (t->type)
      {
      case MLRT_ONNX_FLOAT: ((float *) t->data)[i] = p->float_data[i]; break;
      case MLRT_ONNX_DOUBLE:
        ((double *) t->data)[i] = p->double_data[i];
        break;
      case MLRT_ONNX_INT64: ((int64_t *) t->data)[i] = p->int64_data[i]; break;
      case MLRT_ONNX_UINT32:
        ((uint32_t *) t->data)[i] = (uint32_t) p->uint64_data[i];
        break;
      case MLRT_ONNX_UINT64:
        ((uint64_t *) t->data)[i] = p->uint64_data[i];
        break;
      case MLRT_ONNX_FLOAT16: case MLRT_ONNX_BFLOAT16:
        ((uint16_t *) t->data)[i] = (uint16_t) p->int32_data[i];
        break;
      case MLRT_ONNX_UINT8: case MLRT_ONNX_INT8: case MLRT_ONNX_UINT16:
      case MLRT_ONNX_INT16: case MLRT_ONNX_INT32: case MLRT_ONNX_BOOL:
        mlrt_onnx_tensor_set_int (t, i, p->int32_data[i]);
        break;
      case MLRT_ONNX_UNDEFINED: case MLRT_ONNX_STRING:
      case MLRT_ONNX_COMPLEX64: case MLRT_ONNX_COMPLEX128:
      default:
        break;
      }
}

MlrtStatus
mlrt_onnx_tensor_from_proto (const Onnx__TensorProto *p,
                             MlrtOnnxTensor **out, MlrtError *error)
{
  MlrtOnnxType type = (MlrtOnnxType) p->data_type;
  MlrtOnnxTensor *t;
  size_t size;

  *out = NULL;
  if (p->has_data_location
      && p->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                           "its data is in an external file, which mlrt "
                           "does not read");
  if (p->segment)
    return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                           "it is split into segments, which mlrt does "
                           "not read");
  if (p->n_dims > MLRT_ONNX_MAX_RANK)
    return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                           "rank %zu (at most %d is supported)", p->n_dims,
                           MLRT_ONNX_MAX_RANK);
  t = mlrt_onnx_tensor_new (type, (int) p->n_dims, p->dims, error);
  if (t == NULL)
    return error ? error->status : MLRT_ERROR_FORMAT;
  size = mlrt_onnx_type_size (type);
  if (p->has_raw_data)
    {
      if (p->raw_data.len != t->count * size)
        {
          mlrt_onnx_tensor_free (t);
          return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                                 "raw_data holds %zu bytes where %zu %s "
                                 "elements need %zu", p->raw_data.len,
                                 t->count, mlrt_onnx_type_name (type),
                                 t->count * size);
        }
      if (p->raw_data.len > 0)  /* an empty tensor's data may be NULL */
        memcpy (t->data, p->raw_data.data, p->raw_data.len);
    }
  else if (typed_field_count (p, type) != t->count)
    {
      size_t have = typed_field_count (p, type);

      mlrt_onnx_tensor_free (t);
      return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                             "it holds %zu values where its dims need %zu",
                             have, t->count);
    }
  else
    copy_typed_field (p, t);
  *out = t;
  return MLRT_OK;
}

static MlrtStatus
read_whole_file (const char *path, uint8_t **data, size_t *size,
                 MlrtError *error)
{
  FILE *f = fopen (path, "rb");
  long len;

  *data = NULL;
  if (f == NULL)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot open: %m", path);
  if (fseek (f, 0, SEEK_END) != 0 || (len = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) != 0)
    {
      fclose (f);
      return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot seek: %m",
                             path);
    }
  *data = malloc (len ? (size_t) len : 1);
  if (*data == NULL)
    {
      fclose (f);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                             "%s: out of memory for %ld bytes", path, len);
    }
  if (fread (*data, 1, (size_t) len, f) != (size_t) len)
    {
      fclose (f);
      free (*data);
      *data = NULL;
      return mlrt_set_error (error, MLRT_ERROR_IO, "%s: read error", path);
    }
  fclose (f);
  *size = (size_t) len;
  return MLRT_OK;
}

MlrtStatus
mlrt_onnx_read_file (const char *path, MlrtOnnxGraph **graph,
                     MlrtError *error)
{
  uint8_t *data;
  size_t size;
  MlrtStatus status;

  *graph = NULL;
  status = read_whole_file (path, &data, &size, error);
  if (status != MLRT_OK)
    return status;
  status = mlrt_onnx_read_buffer (data, size, path, graph, error);
  free (data);
  return status;
}

MlrtStatus
mlrt_onnx_read_tensor_file (const char *path, MlrtOnnxTensor **tensor,
                            char **name, MlrtError *error)
{
  Onnx__TensorProto *proto;
  uint8_t *data;
  size_t size;
  MlrtStatus status;

  *tensor = NULL;
  if (name)
    *name = NULL;
  status = read_whole_file (path, &data, &size, error);
  if (status != MLRT_OK)
    return status;
  proto = onnx__tensor_proto__unpack (NULL, size, data);
  free (data);
  if (proto == NULL)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: not a serialized ONNX TensorProto (the "
                           "protobuf data is truncated or malformed)", path);
  status = mlrt_onnx_tensor_from_proto (proto, tensor, error);
  if (status != MLRT_OK)
    mlrt_error_prefix (error, "%s: tensor '%s'", path,
                       proto->name ? proto->name : "");
  else if (name && proto->name)
    *name = strdup (proto->name);
  onnx__tensor_proto__free_unpacked (proto, NULL);
  return status;
}
