/*
 * info-json.c: the model description as JSON (docs/info-json.md), the
 * form programs read: the viewer's model window runs `mlrt-info --format
 * json` rather than linking the runtime's internals. Fields are only ever
 * added; absent metadata is null, never left out.
 */
#include "info.h"

static json_object *
string_or_null (const char *s)
{
  return s ? json_object_new_string (s) : NULL;
}

static json_object *
feature_to_json (const MlrtFeatureDescription *d)
{
  json_object *f = json_object_new_object ();
  json_object *shape = json_object_new_array ();
  int image = mlrt_feature_type_is_image (d->type);

  for (int i = 0; i < d->rank; i++)
    json_object_array_add (shape, json_object_new_int64 (d->shape[i]));
  json_object_object_add (f, "name", json_object_new_string (d->name));
  json_object_object_add (f, "description", string_or_null (d->description));
  json_object_object_add (f, "kind", json_object_new_string (
                              image ? "image" : "multiarray"));
  json_object_object_add (f, "type", json_object_new_string (
                              mlrt_feature_type_name (d->type)));
  json_object_object_add (f, "scalar_type", json_object_new_string (
                              mlrt_feature_scalar_type (d->type)));
  json_object_object_add (f, "shape", shape);
  json_object_object_add (f, "elements", json_object_new_int64 (
                              (int64_t) mlrt_feature_element_count (d)));
  json_object_object_add (f, "byte_size", json_object_new_int64 (
                              (int64_t) mlrt_feature_byte_size (d)));
  return f;
}

static json_object *
features_to_json (size_t n, const MlrtFeature *features)
{
  json_object *a = json_object_new_array ();

  for (size_t i = 0; i < n; i++)
    json_object_array_add (a, feature_to_json (&features[i].d));
  return a;
}

static json_object *
weights_to_json (const MlrtModelInfo *info)
{
  json_object *w = json_object_new_object ();
  json_object *encodings = json_object_new_array ();

  for (size_t i = 0; i < info->n_encodings; i++)
    {
      const MlrtEncodingSummary *e = &info->encodings[i];
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "encoding",
                              json_object_new_string (e->encoding));
      json_object_object_add (o, "weights",
                              json_object_new_int64 ((int64_t) e->n_weights));
      json_object_object_add (o, "layers",
                              json_object_new_int64 ((int64_t) e->n_layers));
      json_object_object_add (o, "parameters",
                              json_object_new_int64 ((int64_t) e->n_values));
      json_object_object_add (o, "bytes",
                              json_object_new_int64 ((int64_t) e->bytes));
      json_object_array_add (encodings, o);
    }
  json_object_object_add (w, "parameters", json_object_new_int64 (
                              (int64_t) info->n_parameters));
  json_object_object_add (w, "bytes", json_object_new_int64 (
                              (int64_t) info->weights_bytes));
  json_object_object_add (w, "encodings", encodings);
  return w;
}

static json_object *
layers_to_json (const MlrtModelInfo *info)
{
  json_object *l = json_object_new_object ();
  json_object *by_op = json_object_new_array ();

  for (size_t i = 0; i < info->n_ops; i++)
    {
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "op", json_object_new_string (
                                  info->ops[i].op));
      json_object_object_add (o, "count", json_object_new_int64 (
                                  (int64_t) info->ops[i].count));
      json_object_array_add (by_op, o);
    }
  json_object_object_add (l, "count", json_object_new_int64 (
                              (int64_t) info->spec.n_layers));
  json_object_object_add (l, "by_op", by_op);
  return l;
}

json_object *
info_to_json (const MlrtModelInfo *info)
{
  const MlrtSpec *s = &info->spec;
  json_object *root = json_object_new_object ();
  json_object *meta = json_object_new_object ();
  json_object *labels = json_object_new_array ();

  for (size_t i = 0; i < s->n_user_metadata; i++)
    json_object_object_add (meta, s->user_metadata_keys[i],
                            json_object_new_string
                            (s->user_metadata_values[i]));
  for (size_t i = 0; i < s->n_class_labels; i++)
    json_object_array_add (labels,
                           json_object_new_string (s->class_labels[i]));
  json_object_object_add (root, "schema", json_object_new_string (
                              "mlrt-info"));
  json_object_object_add (root, "schema_version",
                          json_object_new_int (MLRT_INFO_SCHEMA_VERSION));
  json_object_object_add (root, "path", json_object_new_string (info->path));
  json_object_object_add (root, "file_kind", json_object_new_string (
                              mlrt_model_file_kind_name (info->kind)));
  json_object_object_add (root, "type", json_object_new_string (
                              mlrt_model_info_type (info)));
  json_object_object_add (root, "size_on_disk", json_object_new_int64 (
                              (int64_t) info->size_on_disk));
  json_object_object_add (root, "format_version",
                          json_object_new_int (info->format_version));
  json_object_object_add (root, "needs_mlrt",
                          json_object_new_string (info->needs_mlrt));
  json_object_object_add (root, "name", string_or_null (s->name));
  json_object_object_add (root, "author", string_or_null (s->author));
  json_object_object_add (root, "description",
                          string_or_null (s->description));
  json_object_object_add (root, "version", string_or_null (s->version));
  json_object_object_add (root, "license", string_or_null (s->license));
  json_object_object_add (root, "metadata", meta);
  json_object_object_add (root, "compute_precision",
                          string_or_null (s->compute_precision));
  json_object_object_add (root, "storage_precision",
                          string_or_null (s->storage_precision));
  json_object_object_add (root, "weights", weights_to_json (info));
  json_object_object_add (root, "class_labels", labels);
  json_object_object_add (root, "inputs",
                          features_to_json (s->n_inputs, s->inputs));
  json_object_object_add (root, "outputs",
                          features_to_json (s->n_outputs, s->outputs));
  json_object_object_add (root, "layers", layers_to_json (info));
  return root;
}

void
info_print_json (FILE *out, json_object *json)
{
  fprintf (out, "%s\n", json_object_to_json_string_ext (
               json, JSON_C_TO_STRING_PRETTY
                     | JSON_C_TO_STRING_NOSLASHESCAPE));
}
