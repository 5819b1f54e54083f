/*
 * fuzz-model.c: loading and predicting a fuzzed compiled model
 * (fuzz-model.h). A model may declare tensors of up to a billion values,
 * which a prediction would allocate: only models whose tensors and work
 * are small are predicted, so every input runs in milliseconds and the
 * kernels still see the odd shapes and params the fuzzer makes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz-model.h"
#include "mlrt-internal.h"

#define PREDICT_MAX_VALUES 65536
#define PREDICT_MAX_FLOPS 1e6

static int
small_enough (const MlrtModel *m)
{
  double flops = 0;

  for (size_t t = 0; t < m->spec.n_tensors; t++)
    if (mlrt_tensor_count (&m->spec.tensors[t]) > PREDICT_MAX_VALUES)
      return 0;
  for (size_t i = 0; i < m->spec.n_layers; i++)
    flops += mlrt_layer_cost (&m->spec, &m->spec.layers[i]).flops;
  return flops <= PREDICT_MAX_FLOPS;
}

static void
predict_zeros (MlrtModel *m)
{
  const MlrtModelDescription *d = mlrt_model_description (m);
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  void **data = calloc (d->n_inputs, sizeof (void *));
  MlrtError error;

  for (size_t i = 0; in && data && i < d->n_inputs; i++)
    {
      MlrtValue v;

      memset (&v, 0, sizeof v);
      v.type = d->inputs[i].type;
      v.rank = d->inputs[i].rank;
      memcpy (v.shape, d->inputs[i].shape, sizeof v.shape);
      data[i] = calloc (1, mlrt_value_byte_size (&v) + 1);
      v.data = data[i];
      mlrt_features_set (in, d->inputs[i].name, &v, &error);
    }
  if (in && data)
    mlrt_model_predict (m, in, NULL, &out, &error);
  mlrt_features_free (out);
  mlrt_features_free (in);
  for (size_t i = 0; data && i < d->n_inputs; i++)
    free (data[i]);
  free (data);
}

void
fuzz_model_run_compiled (const uint8_t *data, size_t size)
{
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtError error;

  mlrt_configuration_init (&config);
  config.compute_units = MLRT_COMPUTE_CPU_ONLY;
  config.placement = MLRT_PLACEMENT_ESTIMATED;
  if (mlrt_model_load_from_memory ("fuzz", data, size, NULL, NULL, &config,
                                   &model, &error) != MLRT_OK)
    return;
  if (small_enough (model))
    predict_zeros (model);
  mlrt_model_unload (model);
}
