/*
 * compiled.c: writing and opening the compiled model file whose layout
 * compiled.h describes; the one place that knows its header.
 */
#include <string.h>

#include "compiled.h"
#include "mlrt-internal.h"

_Static_assert (sizeof MLRT_COMPILED_MAGIC - 1 == MLRT_COMPILED_MAGIC_SIZE,
                "the magic fills its field");

MlrtStatus
mlrt_compiled_write (const char *path, const char *spec,
                     const uint8_t *weights, size_t weights_size,
                     MlrtError *error)
{
  uint64_t len = strlen (spec);
  uint8_t len_le[MLRT_COMPILED_LENGTH_SIZE];
  const void *parts[] = { MLRT_COMPILED_MAGIC, len_le, spec, weights };
  size_t sizes[] = { MLRT_COMPILED_MAGIC_SIZE, MLRT_COMPILED_LENGTH_SIZE,
                     len, weights_size };

  for (int i = 0; i < MLRT_COMPILED_LENGTH_SIZE; i++)
    len_le[i] = (uint8_t) (len >> (8 * i));
  return mlrt_write_file_atomic (path, parts, sizes, 4, error);
}

MlrtStatus
mlrt_compiled_view (const uint8_t *data, size_t size, const char *origin,
                    MlrtCompiledView *view, MlrtError *error)
{
  size_t rest = size - MLRT_COMPILED_HEADER_SIZE;
  uint64_t len = 0;

  if (size < MLRT_COMPILED_HEADER_SIZE
      || memcmp (data, MLRT_COMPILED_MAGIC, MLRT_COMPILED_MAGIC_SIZE) != 0)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: not a compiled mlrt model (%s)", origin,
                           size < MLRT_COMPILED_HEADER_SIZE
                           ? "too short for the header"
                           : "no " MLRT_COMPILED_MAGIC " magic");
  for (int i = 0; i < MLRT_COMPILED_LENGTH_SIZE; i++)
    len |= (uint64_t) data[MLRT_COMPILED_MAGIC_SIZE + i] << (8 * i);
  if (len > rest)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: compiled model is truncated: its header "
                           "announces a %llu-byte spec but only %zu bytes "
                           "follow", origin, (unsigned long long) len, rest);
  view->spec = (const char *) data + MLRT_COMPILED_HEADER_SIZE;
  view->spec_size = (size_t) len;
  view->weights = data + MLRT_COMPILED_HEADER_SIZE + len;
  view->weights_size = rest - (size_t) len;
  return MLRT_OK;
}
