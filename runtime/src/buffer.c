/*
 * buffer.c: MlrtBuffer, reference-counted memory that every compute unit
 * reads and writes in place, and MlrtValue's size helpers. Buffers are
 * page-aligned (4096 bytes) so vector kernels and device mappings can use
 * them as is (OpenCL drivers share host memory without a copy only at their
 * own alignment: 128 bytes for PoCL, a page for Intel GPUs).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "mlrt-internal.h"

struct MlrtBuffer {
  _Atomic int refs;
  size_t size;
  void *data;
};

MlrtBuffer *
mlrt_buffer_new (size_t size, MlrtError *error)
{
  MlrtBuffer *buffer = calloc (1, sizeof *buffer);
  void *data = NULL;

  if (buffer == NULL
      || posix_memalign (&data, 4096, size ? size : 64) != 0)
    {
      free (buffer);
      mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                      "cannot allocate a buffer of %zu bytes", size);
      return NULL;
    }
  atomic_init (&buffer->refs, 1);
  buffer->size = size;
  buffer->data = data;
  return buffer;
}

MlrtBuffer *
mlrt_buffer_ref (MlrtBuffer *buffer)
{
  if (buffer)
    atomic_fetch_add_explicit (&buffer->refs, 1, memory_order_relaxed);
  return buffer;
}

void
mlrt_buffer_unref (MlrtBuffer *buffer)
{
  if (buffer == NULL)
    return;
  if (atomic_fetch_sub_explicit (&buffer->refs, 1, memory_order_acq_rel) == 1)
    {
      free (buffer->data);
      free (buffer);
    }
}

void *
mlrt_buffer_data (MlrtBuffer *buffer)
{
  return buffer ? buffer->data : NULL;
}

size_t
mlrt_buffer_size (const MlrtBuffer *buffer)
{
  return buffer ? buffer->size : 0;
}

size_t
mlrt_value_element_count (const MlrtValue *value)
{
  size_t n = 1;

  if (value == NULL || value->rank < 1 || value->rank > MLRT_MAX_RANK)
    return 0;
  for (int i = 0; i < value->rank; i++)
    {
      if (value->shape[i] < 0)
        return 0;
      n *= (size_t) value->shape[i];
    }
  return n;
}

size_t
mlrt_value_byte_size (const MlrtValue *value)
{
  if (value == NULL)
    return 0;
  return mlrt_value_element_count (value)
         * mlrt_feature_type_element_size (value->type);
}
