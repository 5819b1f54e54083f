/*
 * serialize.c: the last pass: writes an MlrtSpec as the canonical spec of
 * a compiled model: the package's fields with every default made explicit
 * (each op's params as its row describes them), layers after fusion
 * (fused activation, batch-norm fold, names of merged layers, the source
 * node), and every tensor's inferred shape, for tools and people reading
 * the file. The loader reads it back with the model.json reader.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "passes.h"

static json_object *
ints (int n, const int64_t *v)
{
  json_object *a = json_object_new_array ();
  for (int i = 0; i < n; i++)
    json_object_array_add (a, json_object_new_int64 (v[i]));
  return a;
}

static json_object *
pair (const int *v)
{
  int64_t w[2] = { v[0], v[1] };
  return ints (2, w);
}

static void
add_str (json_object *o, const char *key, const char *v)
{
  if (v)
    json_object_object_add (o, key, json_object_new_string (v));
}

static json_object *
write_param (const MlrtParams *p, const MlrtParamDesc *d)
{
  const void *at = mlrt_param_get (p, d->offset);

  switch (d->kind)
    {
    case MLRT_PARAM_INT:
      return json_object_new_int (*(const int *) at);
    case MLRT_PARAM_PAIR:
      return pair (at);
    case MLRT_PARAM_FLOAT:
      return json_object_new_double (*(const float *) at);
    case MLRT_PARAM_CHOICE:
      return json_object_new_string (d->choices[*(const int *) at]);
    case MLRT_PARAM_DIMS:
      return ints (*(const int *) mlrt_param_get (p, d->count), at);
    default:
      return NULL;
    }
}

static json_object *
write_params (const MlrtLayer *l)
{
  json_object *o = json_object_new_object ();

  for (const MlrtParamDesc *d = l->op->params; d && d->name; d++)
    if (!(d->flags & MLRT_PARAM_MAY_BE_ABSENT)
        || *(const int *) mlrt_param_get (&l->p, d->given))
      json_object_object_add (o, d->name, write_param (&l->p, d));
  return o;
}

static json_object *
write_layer (const MlrtLayer *l)
{
  json_object *o = json_object_new_object ();
  json_object *in = json_object_new_array ();
  json_object *out = json_object_new_array ();
  json_object *weights = json_object_new_object ();
  char enc[32];

  add_str (o, "name", l->name);
  add_str (o, "origin", l->origin);
  add_str (o, "op", l->op->name);
  for (int i = 0; i < l->n_inputs; i++)
    json_object_array_add (in, json_object_new_string (l->input_names[i]));
  json_object_object_add (o, "inputs", in);
  json_object_array_add (out, json_object_new_string (l->output_name));
  json_object_object_add (o, "outputs", out);
  json_object_object_add (o, "params", write_params (l));
  for (int i = 0; i < l->n_weights; i++)
    {
      const MlrtWeight *w = &l->weights[i];
      json_object *wo = json_object_new_object ();
      json_object_object_add (wo, "shape", ints (w->rank, w->shape));
      add_str (wo, "encoding", mlrt_encoding_name (w, enc, sizeof enc));
      json_object_object_add (wo, "offset",
                              json_object_new_int64 ((int64_t) w->offset));
      json_object_object_add (wo, "size",
                              json_object_new_int64 ((int64_t) w->size));
      json_object_object_add (weights, w->name, wo);
    }
  json_object_object_add (o, "weights", weights);
  if (l->act != MLRT_ACT_NONE)
    {
      json_object *a = json_object_new_object ();
      add_str (a, "type", mlrt_activation_name (l->act));
      json_object_object_add (a, "alpha",
                              json_object_new_double (l->act_alpha));
      json_object_object_add (o, "activation", a);
    }
  if (l->fold_bn)
    {
      json_object *f = json_object_new_object ();
      json_object_object_add (f, "epsilon",
                              json_object_new_double (l->bn_epsilon));
      json_object_object_add (o, "fold_batch_norm", f);
    }
  if (l->n_fused > 0)
    {
      json_object *f = json_object_new_array ();
      for (int i = 0; i < l->n_fused; i++)
        json_object_array_add (f, json_object_new_string (l->fused[i]));
      json_object_object_add (o, "fused", f);
    }
  return o;
}

static json_object *
write_features (size_t n, const MlrtFeature *f)
{
  json_object *a = json_object_new_array ();

  for (size_t i = 0; i < n; i++)
    {
      json_object *o = json_object_new_object ();
      add_str (o, "name", f[i].d.name);
      add_str (o, "type", mlrt_feature_type_name (f[i].d.type));
      json_object_object_add (o, "shape", ints (f[i].d.rank, f[i].d.shape));
      add_str (o, "description", f[i].d.description);
      json_object_array_add (a, o);
    }
  return a;
}

static json_object *
write_user_metadata (const MlrtSpec *spec)
{
  json_object *o = json_object_new_object ();

  for (size_t i = 0; i < spec->n_user_metadata; i++)
    json_object_object_add (o, spec->user_metadata_keys[i],
                            json_object_new_string
                            (spec->user_metadata_values[i]));
  return o;
}

char *
mlrt_spec_to_json (const MlrtSpec *spec)
{
  return mlrt_spec_write_json (spec, 1);
}

char *
mlrt_spec_write_json (const MlrtSpec *spec, int compiled)
{
  json_object *root = json_object_new_object ();
  json_object *meta = json_object_new_object ();
  json_object *labels = json_object_new_array ();
  json_object *layers = json_object_new_array ();
  json_object *tensors = json_object_new_array ();
  char *out;

  json_object_object_add (root, "format_version", json_object_new_int (1));
  add_str (root, "name", spec->name);
  add_str (meta, "author", spec->author);
  add_str (meta, "description", spec->description);
  add_str (meta, "version", spec->version);
  add_str (meta, "license", spec->license);
  for (size_t i = 0; i < spec->n_class_labels; i++)
    json_object_array_add (labels,
                           json_object_new_string (spec->class_labels[i]));
  json_object_object_add (meta, "class_labels", labels);
  add_str (meta, "compute_precision", spec->compute_precision);
  add_str (meta, "storage_precision", spec->storage_precision);
  if (spec->n_user_metadata > 0)
    json_object_object_add (meta, "user_defined",
                            write_user_metadata (spec));
  json_object_object_add (root, "metadata", meta);
  json_object_object_add (root, "inputs",
                          write_features (spec->n_inputs, spec->inputs));
  json_object_object_add (root, "outputs",
                          write_features (spec->n_outputs, spec->outputs));
  for (size_t i = 0; i < spec->n_layers; i++)
    json_object_array_add (layers, write_layer (&spec->layers[i]));
  json_object_object_add (root, "layers", layers);
  for (size_t i = 0; compiled && i < spec->n_tensors; i++)
    {
      json_object *t = json_object_new_object ();
      add_str (t, "name", spec->tensors[i].name);
      json_object_object_add (t, "shape", ints (spec->tensors[i].rank,
                                                spec->tensors[i].shape));
      json_object_array_add (tensors, t);
    }
  if (compiled)
    json_object_object_add (root, "tensors", tensors);
  else
    json_object_put (tensors);
  out = strdup (json_object_to_json_string_ext (root, compiled
                                                ? JSON_C_TO_STRING_PLAIN
                                                : JSON_C_TO_STRING_PRETTY
                                                  | JSON_C_TO_STRING_SPACED
                                                  | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (root);
  return out;
}
