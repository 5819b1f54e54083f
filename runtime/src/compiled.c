/*
 * compiled.c: writing and opening the one-buffer forms of a model whose
 * layout compiled.h describes (the compiled model and the package
 * archive); the one place that knows their header.
 */
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "mlrt-internal.h"

_Static_assert (sizeof MLRT_COMPILED_MAGIC - 1 == MLRT_COMPILED_MAGIC_SIZE
                && sizeof MLRT_ARCHIVE_MAGIC - 1 == MLRT_COMPILED_MAGIC_SIZE,
                "the magics fill their field");

static void
put_length (uint8_t *out, uint64_t len)
{
  for (int i = 0; i < MLRT_COMPILED_LENGTH_SIZE; i++)
    out[i] = (uint8_t) (len >> (8 * i));
}

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

  put_length (len_le, len);
  return mlrt_write_file_atomic (path, parts, sizes, 4, error);
}

MlrtStatus
mlrt_archive_build (const uint8_t *spec, size_t spec_size,
                    const uint8_t *weights, size_t weights_size,
                    uint8_t **data, size_t *size, MlrtError *error)
{
  size_t total = MLRT_COMPILED_HEADER_SIZE + spec_size + weights_size;
  uint8_t *out = malloc (total ? total : 1);

  if (out == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                           "out of memory for a %zu-byte package archive",
                           total);
  memcpy (out, MLRT_ARCHIVE_MAGIC, MLRT_COMPILED_MAGIC_SIZE);
  put_length (out + MLRT_COMPILED_MAGIC_SIZE, spec_size);
  memcpy (out + MLRT_COMPILED_HEADER_SIZE, spec, spec_size);
  if (weights_size > 0)
    memcpy (out + MLRT_COMPILED_HEADER_SIZE + spec_size, weights,
            weights_size);
  *data = out;
  *size = total;
  return MLRT_OK;
}

int
mlrt_is_archive (const uint8_t *data, size_t size)
{
  return size >= MLRT_COMPILED_MAGIC_SIZE
         && memcmp (data, MLRT_ARCHIVE_MAGIC, MLRT_COMPILED_MAGIC_SIZE) == 0;
}

/* Finds the parts behind a header with `magic`; `article` and `what` name
 * the form in messages. */
static MlrtStatus
view_parts (const uint8_t *data, size_t size, const char *magic,
            const char *article, const char *what, const char *origin,
            MlrtCompiledView *view, MlrtError *error)
{
  size_t rest = size - MLRT_COMPILED_HEADER_SIZE;
  uint64_t len = 0;

  if (size < MLRT_COMPILED_HEADER_SIZE)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: not %s %s (%zu bytes, too short for the "
                           "%d-byte header)", origin, article, what, size,
                           MLRT_COMPILED_HEADER_SIZE);
  if (memcmp (data, magic, MLRT_COMPILED_MAGIC_SIZE) != 0)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: not %s %s (no %s "
                           "magic)", origin, article, what, magic);
  for (int i = 0; i < MLRT_COMPILED_LENGTH_SIZE; i++)
    len |= (uint64_t) data[MLRT_COMPILED_MAGIC_SIZE + i] << (8 * i);
  if (len > rest)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: %s is truncated: its header announces a "
                           "%llu-byte spec but only %zu bytes follow", origin,
                           what, (unsigned long long) len, rest);
  view->spec = (const char *) data + MLRT_COMPILED_HEADER_SIZE;
  view->spec_size = (size_t) len;
  view->weights = data + MLRT_COMPILED_HEADER_SIZE + len;
  view->weights_size = rest - (size_t) len;
  return MLRT_OK;
}

MlrtStatus
mlrt_compiled_view (const uint8_t *data, size_t size, const char *origin,
                    MlrtCompiledView *view, MlrtError *error)
{
  return view_parts (data, size, MLRT_COMPILED_MAGIC, "a",
                     "compiled mlrt model", origin, view, error);
}

MlrtStatus
mlrt_archive_view (const uint8_t *data, size_t size, const char *origin,
                   MlrtCompiledView *view, MlrtError *error)
{
  return view_parts (data, size, MLRT_ARCHIVE_MAGIC, "an",
                     "mlrt package archive", origin, view, error);
}
