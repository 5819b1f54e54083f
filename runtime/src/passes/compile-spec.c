/*
 * compile-spec.c: the shared half of compiling (passes.h): whatever
 * frontend made the spec, the same passes run on it in the same order, so
 * a model imported from another format is checked, fused and stored
 * exactly as a model.json one is. The text and the weights are checked
 * first: a package whose structure is broken (a name that is not UTF-8,
 * an offset past the end of the weights) is refused before any work on
 * its layers.
 */
#include "passes.h"

MlrtStatus
mlrt_compile_spec (MlrtSpec *spec, const uint8_t *weights,
                   size_t weights_size, const char *spec_origin,
                   const char *weights_origin, char **compiled_spec,
                   MlrtError *error)
{
  MlrtStatus st = mlrt_spec_check_text (spec, spec_origin, error);

  *compiled_spec = NULL;
  if (st == MLRT_OK)
    st = mlrt_spec_check_weights (spec, weights, weights_size,
                                  weights_origin, error);
  if (st == MLRT_OK)
    st = mlrt_spec_infer (spec, spec_origin, error);
  if (st == MLRT_OK)
    st = mlrt_spec_fuse (spec, weights, weights_size, spec_origin, error);
  if (st == MLRT_OK)
    {
      *compiled_spec = mlrt_spec_to_json (spec);
      if (*compiled_spec == NULL)
        st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  return st;
}
