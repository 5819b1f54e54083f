/*
 * spec-write.c: writes an MlrtSpec as the canonical spec of a compiled
 * model: the package's fields with every default made explicit, layers after
 * fusion (fused activation, batch-norm fold, names of merged layers), and
 * every tensor's inferred shape, for tools and people reading the file.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

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
write_params (const MlrtLayer *l)
{
  json_object *o = json_object_new_object ();
  const MlrtParams *p = &l->p;

  switch (l->op)
    {
    case MLRT_OP_CONV2D:
      json_object_object_add (o, "out_channels",
                              json_object_new_int (p->out_channels));
      json_object_object_add (o, "kernel", pair (p->kernel));
      json_object_object_add (o, "stride", pair (p->stride));
      json_object_object_add (o, "padding", pair (p->padding));
      json_object_object_add (o, "dilation", pair (p->dilation));
      json_object_object_add (o, "groups", json_object_new_int (p->groups));
      break;
    case MLRT_OP_CONV_TRANSPOSE2D:
      json_object_object_add (o, "out_channels",
                              json_object_new_int (p->out_channels));
      json_object_object_add (o, "kernel", pair (p->kernel));
      json_object_object_add (o, "stride", pair (p->stride));
      json_object_object_add (o, "padding", pair (p->padding));
      json_object_object_add (o, "output_padding", pair (p->output_padding));
      break;
    case MLRT_OP_UPSAMPLE:
      json_object_object_add (o, "scale", pair (p->scale));
      add_str (o, "mode", p->bilinear ? "bilinear" : "nearest");
      break;
    case MLRT_OP_BATCH_NORM:
    case MLRT_OP_INSTANCE_NORM:
      json_object_object_add (o, "epsilon",
                              json_object_new_double (p->epsilon));
      break;
    case MLRT_OP_LEAKY_RELU:
      json_object_object_add (o, "alpha", json_object_new_double (p->alpha));
      break;
    case MLRT_OP_CONCAT:
      json_object_object_add (o, "axis", json_object_new_int (p->axis));
      break;
    case MLRT_OP_MAX_POOL:
    case MLRT_OP_AVG_POOL:
      json_object_object_add (o, "kernel", pair (p->kernel));
      json_object_object_add (o, "stride", pair (p->stride));
      json_object_object_add (o, "padding", pair (p->padding));
      break;
    case MLRT_OP_INNER_PRODUCT:
      json_object_object_add (o, "out_features",
                              json_object_new_int (p->out_features));
      break;
    case MLRT_OP_SOFTMAX:
      if (p->has_axis)
        json_object_object_add (o, "axis", json_object_new_int (p->axis));
      break;
    case MLRT_OP_RESHAPE:
      json_object_object_add (o, "shape", ints (p->shape_rank, p->shape));
      break;
    default:
      break;
    }
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
  add_str (o, "op", mlrt_op_name (l->op));
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

char *
mlrt_spec_to_json (const MlrtSpec *spec)
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
  json_object_object_add (root, "metadata", meta);
  json_object_object_add (root, "inputs",
                          write_features (spec->n_inputs, spec->inputs));
  json_object_object_add (root, "outputs",
                          write_features (spec->n_outputs, spec->outputs));
  for (size_t i = 0; i < spec->n_layers; i++)
    json_object_array_add (layers, write_layer (&spec->layers[i]));
  json_object_object_add (root, "layers", layers);
  for (size_t i = 0; i < spec->n_tensors; i++)
    {
      json_object *t = json_object_new_object ();
      add_str (t, "name", spec->tensors[i].name);
      json_object_object_add (t, "shape", ints (spec->tensors[i].rank,
                                                spec->tensors[i].shape));
      json_object_array_add (tensors, t);
    }
  json_object_object_add (root, "tensors", tensors);
  out = strdup (json_object_to_json_string_ext (root,
                                                JSON_C_TO_STRING_PLAIN));
  json_object_put (root);
  return out;
}
