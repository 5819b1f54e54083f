/*
 * fuzz-compiled.c: the compiled-model loader (compiled.c, load.c): an
 * input is a compiled model file's bytes, as mlrt_model_load_from_memory
 * takes them (header, compiled spec, weights), loaded on the CPU and, when
 * small, predicted. Seeds: the tiny models of fuzz-seeds.c, compiled.
 */
#include "fuzz-model.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_model_run_compiled (data, size);
  return 0;
}
