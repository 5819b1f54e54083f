/*
 * compiled.h: the compiled model file (CACHE/HASH/NAME.mlmodelc, or the
 * bytes handed to mlrt_model_load_from_memory), written by the compiler
 * (compile.c) and read by the loader (load.c):
 *
 *   offset    size   field
 *   0         8      magic, "MLRTC001"
 *   8         8      N, the spec's length in bytes, little-endian
 *   16        N      the compiled spec, JSON (passes/serialize.c)
 *   16 + N    rest   the weights blob the spec's offsets point into, as
 *                    the frontend gave it (a package's weights.bin)
 */
#ifndef MLRT_COMPILED_H
#define MLRT_COMPILED_H

#include <stddef.h>
#include <stdint.h>

#include "mlrt/mlrt.h"

#define MLRT_COMPILED_MAGIC "MLRTC001"
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

#endif /* MLRT_COMPILED_H */
