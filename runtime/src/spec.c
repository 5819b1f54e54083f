/*
 * spec.c: the in-memory model spec every frontend produces and every pass
 * works on (mlrt-internal.h): freeing it, finding a layer's weights,
 * naming a layer in messages, counting a tensor's values and a layer's
 * cost. Reading model.json is a frontend's (frontends/json/), writing the
 * compiled spec a pass's (passes/serialize.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

static void
clear_features (size_t n, MlrtFeature *f)
{
  for (size_t i = 0; f && i < n; i++)
    {
      free ((char *) f[i].d.name);
      free ((char *) f[i].d.description);
    }
  free (f);
}

void
mlrt_layer_clear (MlrtLayer *l)
{
  free (l->name);
  free (l->origin);
  for (int j = 0; j < l->n_inputs; j++)
    free (l->input_names[j]);
  free (l->output_name);
  for (int j = 0; j < l->n_fused; j++)
    free (l->fused[j]);
  free (l->fused);
  for (int j = 0; j < l->n_weights; j++)
    {
      free (l->weights[j].name);
      free (l->weights[j].data);
    }
}

void
mlrt_spec_clear (MlrtSpec *spec)
{
  free (spec->name);
  free (spec->author);
  free (spec->description);
  free (spec->version);
  free (spec->license);
  free (spec->compute_precision);
  free (spec->storage_precision);
  for (size_t i = 0; i < spec->n_class_labels; i++)
    free (spec->class_labels[i]);
  free (spec->class_labels);
  for (size_t i = 0; i < spec->n_user_metadata; i++)
    {
      free (spec->user_metadata_keys[i]);
      free (spec->user_metadata_values[i]);
    }
  free (spec->user_metadata_keys);
  free (spec->user_metadata_values);
  clear_features (spec->n_inputs, spec->inputs);
  clear_features (spec->n_outputs, spec->outputs);
  for (size_t i = 0; spec->layers && i < spec->n_layers; i++)
    mlrt_layer_clear (&spec->layers[i]);
  free (spec->layers);
  for (size_t i = 0; spec->tensors && i < spec->n_tensors; i++)
    free (spec->tensors[i].name);
  free (spec->tensors);
  memset (spec, 0, sizeof *spec);
}

MlrtWeight *
mlrt_layer_weight_mut (MlrtLayer *layer, const char *name)
{
  for (int i = 0; i < layer->n_weights; i++)
    if (strcmp (layer->weights[i].name, name) == 0)
      return &layer->weights[i];
  return NULL;
}

const MlrtWeight *
mlrt_layer_weight (const MlrtLayer *layer, const char *name)
{
  return mlrt_layer_weight_mut ((MlrtLayer *) layer, name);
}

void
mlrt_layer_describe (const MlrtLayer *l, char *buf, size_t len)
{
  if (l->origin && strcmp (l->origin, l->name) != 0)
    snprintf (buf, len, "layer '%s' (%s, node '%s')", l->name, l->op->name,
              l->origin);
  else
    snprintf (buf, len, "layer '%s' (%s)", l->name, l->op->name);
}

size_t
mlrt_tensor_count (const MlrtTensor *t)
{
  size_t n = 1;
  for (int i = 0; i < t->rank; i++)
    n *= (size_t) t->shape[i];
  return n;
}

int
mlrt_shape_fits (int rank, const int64_t *shape)
{
  int64_t n = 1;
  for (int i = 0; i < rank; i++)
    {
      if (shape[i] < 1 || shape[i] > MLRT_MAX_ELEMENTS)
        return 0;
      n *= shape[i];
      if (n > MLRT_MAX_ELEMENTS)
        return 0;
    }
  return 1;
}

MlrtOpCost
mlrt_layer_cost (const MlrtSpec *spec, const MlrtLayer *layer)
{
  return layer->op->cost (spec, layer);
}
