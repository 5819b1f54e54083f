/*
 * compiled.h: the two one-buffer forms of a model, which share a layout:
 *
 * - the compiled model file (CACHE/HASH/NAME.mlmodelc, or bytes handed to
 *   mlrt_model_load_from_memory), written by the compiler (compile.c) and
 *   read by the loader (load.c);
 * - the package archive (mlrt_package_archive, mlrt.h): a model package's
 *   model.json and weights.bin in one buffer, which the loader compiles in
 *   memory (frontends/json/json-package.c reads it).
 *
 *   offset    size   field
 *   0         8      magic, "MLRTC001" (compiled) or "MLRTP001" (archive)
 *   8         8      N, the spec's length in bytes, little-endian
 *   16        N      the spec, JSON: compiled (passes/serialize.c), or the
 *                    package's model.json as it is
 *   16 + N    rest   the weights blob the spec's offsets point into, as
 *                    the frontend gave it (a package's weights.bin)
 */
#ifndef MLRT_COMPILED_H
#define MLRT_COMPILED_H

#include <stddef.h>
#include <stdint.h>

#include "mlrt/mlrt.h"

#define MLRT_COMPILED_MAGIC "MLRTC001"
#define MLRT_ARCHIVE_MAGIC "MLRTP001"
#define MLRT_COMPILED_MAGIC_SIZE 8
#define MLRT_COMPILED_LENGTH_SIZE 8
#define MLRT_COMPILED_HEADER_SIZE \
  (MLRT_COMPILED_MAGIC_SIZE + MLRT_COMPILED_LENGTH_SIZE)

/* A compiled model's parts, pointing into its bytes. */
typedef struct {
  const char *spec;
  size_t spec_size;
  const uint8_t *weights;
  size_t weights_size;
} MlrtCompiledView;

/* Writes the file atomically (a temporary file, then rename()). */
MlrtStatus mlrt_compiled_write (const char *path, const char *spec,
                                const uint8_t *weights, size_t weights_size,
                                MlrtError *error);
/* Checks the header of `size` bytes at `data` and finds the parts;
 * `origin` names the file or model in messages. */
MlrtStatus mlrt_compiled_view (const uint8_t *data, size_t size,
                               const char *origin, MlrtCompiledView *view,
                               MlrtError *error);
/* The same for a package archive. */
MlrtStatus mlrt_archive_view (const uint8_t *data, size_t size,
                              const char *origin, MlrtCompiledView *view,
                              MlrtError *error);
/* Whether `size` bytes at `data` begin as a package archive does. */
int mlrt_is_archive (const uint8_t *data, size_t size);
/* A package archive of `spec` and `weights` in one malloc()ed buffer. */
MlrtStatus mlrt_archive_build (const uint8_t *spec, size_t spec_size,
                               const uint8_t *weights, size_t weights_size,
                               uint8_t **data, size_t *size,
                               MlrtError *error);

#endif /* MLRT_COMPILED_H */
