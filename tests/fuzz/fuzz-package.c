/*
 * fuzz-package.c: the model package reader, from model.json to a
 * prediction. An input is a model.json, a NUL byte, then a weights.bin
 * (no valid JSON holds a NUL, so the split costs the fuzzer nothing). The
 * spec is read and compiled as mlrt_compile does it (frontends/json/, the
 * passes), and the compiled model loaded from memory and, when small,
 * predicted (fuzz-model.c). Most inputs are refused with an error: what
 * must never happen is a crash, a leak or a read out of bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "frontends/json/json-frontend.h"
#include "fuzz-model.h"
#include "passes/passes.h"

/* The bytes of a compiled model file (compiled.h) holding `spec`. */
static uint8_t *
pack (const char *spec, const uint8_t *weights, size_t weights_size,
      size_t *size)
{
  uint64_t len = strlen (spec);
  uint8_t *out;

  *size = MLRT_COMPILED_HEADER_SIZE + len + weights_size;
  out = malloc (*size);
  if (out == NULL)
    return NULL;
  memcpy (out, MLRT_COMPILED_MAGIC, MLRT_COMPILED_MAGIC_SIZE);
  for (int i = 0; i < MLRT_COMPILED_LENGTH_SIZE; i++)
    out[MLRT_COMPILED_MAGIC_SIZE + i] = (uint8_t) (len >> (8 * i));
  memcpy (out + MLRT_COMPILED_HEADER_SIZE, spec, len);
  memcpy (out + MLRT_COMPILED_HEADER_SIZE + len, weights, weights_size);
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *nul = memchr (data, 0, size);
  size_t json_size = nul ? (size_t) (nul - data) : size;
  const uint8_t *weights = nul ? nul + 1 : data + size;
  size_t weights_size = size - (size_t) (weights - data);
  MlrtSpec spec;
  char *compiled = NULL;
  uint8_t *file;
  size_t file_size;
  MlrtError error;

  if (mlrt_json_spec_read ((const char *) data, json_size, "fuzz/model.json",
                           0, &mlrt_op_table, &spec, &error) != MLRT_OK)
    return 0;
  mlrt_compile_spec (&spec, weights, weights_size, "fuzz/model.json",
                     "fuzz/weights.bin", &compiled, &error);
  mlrt_spec_clear (&spec);
  if (compiled == NULL)
    return 0;
  file = pack (compiled, weights, weights_size, &file_size);
  if (file)
    fuzz_model_run_compiled (file, file_size);
  free (file);
  free (compiled);
  return 0;
}
