/*
 * check-weights.c: the pass that checks every weight a spec names against
 * the blob it points into: inside it, and of the size its encoding and
 * shape need (weights.c), so nothing later reads past the blob.
 */
#include <stdio.h>

#include "passes.h"

MlrtStatus
mlrt_spec_check_weights (const MlrtSpec *spec, const uint8_t *blob,
                         size_t blob_size, const char *origin,
                         MlrtError *error)
{
  for (size_t i = 0; i < spec->n_layers; i++)
    {
      const MlrtLayer *l = &spec->layers[i];
      char layer[384];

      mlrt_layer_describe (l, layer, sizeof layer);
      for (int j = 0; j < l->n_weights; j++)
        {
          char what[512];
          MlrtStatus st;

          snprintf (what, sizeof what, "%s: %s weight '%s'", origin, layer,
                    l->weights[j].name);
          st = mlrt_weight_check (&l->weights[j], blob, blob_size, what,
                                  error);
          if (st != MLRT_OK)
            return st;
        }
    }
  return MLRT_OK;
}
