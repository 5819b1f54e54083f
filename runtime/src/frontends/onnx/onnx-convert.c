/*
 * onnx-convert.c: the ONNX importer's one entry point (onnx-convert.h):
 * read, freeze and pin inputs, prepare, rewrite, map, then compile the
 * result once with the runtime's own passes, so a converted package is
 * one mlrt loads. Every node that stands in the way is listed at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/json/json-frontend.h"
#include "onnx-map.h"
#include "passes/passes.h"

void
mlrt_onnx_convert_options_init (MlrtOnnxConvertOptions *options)
{
  memset (options, 0, sizeof *options);
}

void
mlrt_onnx_problems_add (MlrtOnnxProblems *p, const char *line)
{
  char *copy;

  if (p->n == p->cap)
    {
      size_t cap = p->cap ? p->cap * 2 : 16;
      char **lines = realloc (p->lines, cap * sizeof *lines);

      if (lines == NULL)
        return;
      p->lines = lines;
      p->cap = cap;
    }
  if ((copy = strdup (line)) != NULL)
    p->lines[p->n++] = copy;
}

void
mlrt_onnx_problems_clear (MlrtOnnxProblems *p)
{
  for (size_t i = 0; i < p->n; i++)
    free (p->lines[i]);
  free (p->lines);
  memset (p, 0, sizeof *p);
}

void
mlrt_onnx_package_clear (MlrtOnnxPackage *package)
{
  free (package->model_json);
  free (package->weights);
  mlrt_onnx_problems_clear (&package->problems);
  memset (package, 0, sizeof *package);
}

/* Makes the named graph inputs constants of the given values. */
static MlrtStatus
freeze (MlrtOnnxGraph *graph, const MlrtOnnxConvertOptions *o,
        MlrtError *error)
{
  for (size_t i = 0; i < o->n_frozen; i++)
    {
      int index = mlrt_onnx_graph_find (graph, o->frozen_names[i]);
      MlrtOnnxValue *v = index >= 0 ? graph->values[index] : NULL;

      if (v == NULL || !v->is_input || v->constant)
        return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                               "%s: cannot freeze '%s': not an input of the "
                               "model", graph->origin, o->frozen_names[i]);
      if ((v->constant = mlrt_onnx_tensor_copy (o->frozen_values[i])) == NULL)
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
      v->type = v->constant->type;
      mlrt_onnx_value_set_dims (v, v->constant->rank, v->constant->dims);
    }
  return MLRT_OK;
}

static int
has_unknown_ops (const MlrtOnnxGraph *graph)
{
  for (size_t n = 0; n < graph->n_nodes; n++)
    if (mlrt_onnx_op_rule (graph->nodes[n]) == NULL)
      return 1;
  return 0;
}

/* The graph passes up to mapping. Nodes of ops without a shape rule do
 * not stop them: mapping lists those with everything else it refuses. */
static MlrtStatus
prepare (MlrtOnnxGraph *graph, const MlrtOnnxConvertOptions *o,
         MlrtError *error)
{
  MlrtStatus st = freeze (graph, o, error);

  if (st == MLRT_OK)
    st = mlrt_onnx_graph_prepare (graph, o->shapes, o->n_shapes, error);
  if (st == MLRT_ERROR_UNSUPPORTED && has_unknown_ops (graph))
    st = mlrt_onnx_pass_remove_dead (graph, error);
  if (st == MLRT_OK)
    st = mlrt_onnx_pass_fold_batch_norm (graph, error);
  if (st == MLRT_OK)
    st = mlrt_onnx_pass_fold_scale (graph, error);
  if (st == MLRT_OK)
    st = mlrt_onnx_pass_fuse_hard_swish (graph, error);
  if (st == MLRT_OK)
    st = mlrt_onnx_pass_remove_dead (graph, error);
  if (st == MLRT_OK && !has_unknown_ops (graph))
    st = mlrt_onnx_graph_check_static (graph, error);
  return st;
}

/* "ORIGIN: N things cannot be converted: first; second; ..." */
static MlrtStatus
refuse_all (const MlrtOnnxGraph *graph, const MlrtOnnxProblems *p,
            MlrtError *error)
{
  char list[MLRT_ERROR_MESSAGE_MAX] = "";
  size_t at = 0, shown = 0;

  for (size_t i = 0; i < p->n && at + strlen (p->lines[i]) + 40 < sizeof list;
       i++, shown++)
    at += (size_t) snprintf (list + at, sizeof list - at, "%s%s",
                             i ? "; " : "", p->lines[i]);
  return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                         "%s: %zu part%s of the model cannot be converted: "
                         "%s%s", graph->origin, p->n, p->n == 1 ? "" : "s",
                         list, shown < p->n ? "; ..." : "");
}

static const char *
prop (const MlrtOnnxGraph *graph, const MlrtOnnxConvertOptions *o,
      const char *key)
{
  const char *v = NULL;

  for (size_t i = 0; i < graph->n_metadata; i++)
    if (strcmp (graph->metadata[i].key, key) == 0)
      v = graph->metadata[i].value;
  for (size_t i = 0; i < o->n_metadata; i++)
    if (strcmp (o->metadata[i].key, key) == 0)
      v = o->metadata[i].value;
  return v && *v ? v : NULL;
}

static void
add_user (MlrtSpec *spec, const char *key, const char *value)
{
  size_t n = spec->n_user_metadata;
  char **k, **v;

  for (size_t i = 0; i < n; i++)
    if (strcmp (spec->user_metadata_keys[i], key) == 0)
      {
        char *copy = strdup (value);
        if (copy)
          {
            free (spec->user_metadata_values[i]);
            spec->user_metadata_values[i] = copy;
          }
        return;
      }
  k = realloc (spec->user_metadata_keys, (n + 1) * sizeof *k);
  if (k)
    spec->user_metadata_keys = k;
  v = k ? realloc (spec->user_metadata_values, (n + 1) * sizeof *v) : NULL;
  if (v == NULL)
    return;
  spec->user_metadata_values = v;
  k[n] = strdup (key);
  v[n] = strdup (value);
  if (k[n] && v[n])
    spec->n_user_metadata++;
  else
    {
      free (k[n]);
      free (v[n]);
    }
}

/* storage_precision: the encoding of the larger weights, and of the
 * others when it differs. */
static const char *
storage (const MlrtOnnxConvertOptions *o, int half, char *buf, size_t len)
{
  MlrtWeight w = { .encoding = o->weights, .bits = o->weight_bits };
  const char *plain = half ? "float16" : "float32";
  char name[32];

  if (o->weights == MLRT_ENC_FLOAT32 || o->weights == MLRT_ENC_FLOAT16)
    return o->weights == MLRT_ENC_FLOAT16 ? "float16" : plain;
  snprintf (buf, len, "%s, %s", mlrt_encoding_name (&w, name, sizeof name),
            plain);
  return buf;
}

static int
is_standard (const char *key)
{
  return !strcmp (key, "author") || !strcmp (key, "description")
         || !strcmp (key, "version") || !strcmp (key, "license");
}

/* The model's metadata, as coremltools carries it over: author, short
 * description, version and license from the ONNX metadata or the
 * options; everything else, and the producer and opsets, as user
 * metadata. */
static void
describe (MlrtSpec *spec, const MlrtOnnxGraph *graph,
          const MlrtOnnxConvertOptions *o, int half)
{
  const char *doc = graph->doc_string && *graph->doc_string
                    ? graph->doc_string : graph->graph_doc_string;
  char text[64];

  spec->name = strdup (o->name ? o->name : graph->graph_name
                       && *graph->graph_name ? graph->graph_name : "model");
  spec->author = prop (graph, o, "author")
                 ? strdup (prop (graph, o, "author")) : NULL;
  spec->description = prop (graph, o, "description")
                      ? strdup (prop (graph, o, "description"))
                      : doc && *doc ? strdup (doc) : NULL;
  spec->license = prop (graph, o, "license")
                  ? strdup (prop (graph, o, "license")) : NULL;
  if (prop (graph, o, "version"))
    spec->version = strdup (prop (graph, o, "version"));
  else if (graph->model_version)
    spec->version = mlrt_strdup_printf ("%lld",
                                        (long long) graph->model_version);
  spec->compute_precision = strdup (half ? "float16" : "float32");
  spec->storage_precision = strdup (storage (o, half, text, sizeof text));
  spec->half = half;
  for (size_t i = 0; i < graph->n_metadata; i++)
    if (!is_standard (graph->metadata[i].key))
      add_user (spec, graph->metadata[i].key, graph->metadata[i].value);
  for (size_t i = 0; i < o->n_metadata; i++)
    if (!is_standard (o->metadata[i].key))
      add_user (spec, o->metadata[i].key, o->metadata[i].value);
  snprintf (text, sizeof text, "%s%s%s", graph->producer_name
            ? graph->producer_name : "", graph->producer_version
            && *graph->producer_version ? " " : "",
            graph->producer_version ? graph->producer_version : "");
  if (text[0])
    add_user (spec, "onnx.producer", text);
  for (size_t i = 0; i < graph->n_opsets; i++)
    {
      char key[300];

      snprintf (key, sizeof key, "onnx.opset%s%s",
                graph->opsets[i].domain[0] ? "." : "",
                graph->opsets[i].domain);
      snprintf (text, sizeof text, "%lld",
                (long long) graph->opsets[i].version);
      add_user (spec, key, text);
    }
  snprintf (text, sizeof text, "%lld", (long long) graph->ir_version);
  add_user (spec, "onnx.ir_version", text);
  if (graph->domain && *graph->domain)
    add_user (spec, "onnx.domain", graph->domain);
}

/* Compiles the package as mlrt will, from its own model.json: a mapping
 * mistake shows here, not at the user's first load. */
static MlrtStatus
check_compiles (const MlrtOnnxPackage *package, const char *origin,
                MlrtError *error)
{
  MlrtSpec spec;
  char *compiled = NULL;
  char *json_name = mlrt_strdup_printf ("%s (converted model.json)", origin);
  MlrtStatus st;

  st = mlrt_json_spec_read (package->model_json, strlen (package->model_json),
                            json_name, 0, &mlrt_op_table, &spec, error);
  if (st == MLRT_OK)
    {
      st = mlrt_compile_spec (&spec, package->weights, package->weights_size,
                              json_name, json_name, &compiled, error);
      mlrt_spec_clear (&spec);
    }
  free (compiled);
  free (json_name);
  return st;
}

static MlrtStatus
convert_graph (MlrtOnnxGraph *graph, const MlrtOnnxConvertOptions *o,
               MlrtOnnxPackage *package, MlrtError *error)
{
  MlrtSpec spec = { 0 };
  MlrtOnnxMap m = { .graph = graph, .options = o, .spec = &spec,
                    .problems = &package->problems };
  MlrtStatus st;

  package->n_nodes = graph->n_nodes;
  st = prepare (graph, o, error);
  if (st == MLRT_OK)
    st = mlrt_onnx_map_graph (&m, error);
  if (st == MLRT_OK && package->problems.n > 0)
    st = refuse_all (graph, &package->problems, error);
  if (st == MLRT_OK)
    {
      describe (&spec, graph, o, o->half);
      package->model_json = mlrt_spec_write_json (&spec, 0);
      package->weights = m.blob;
      package->weights_size = m.blob_size;
      package->n_layers = spec.n_layers;
      m.blob = NULL;
      st = package->model_json ? check_compiles (package, graph->origin,
                                                 error)
                               : mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                                 "out of memory");
    }
  for (size_t v = 0; m.renamed && v < graph->n_values; v++)
    free (m.renamed[v]);
  free (m.renamed);
  free (m.blob);
  mlrt_spec_clear (&spec);
  return st;
}

MlrtStatus
mlrt_onnx_convert_buffer (const void *data, size_t size, const char *origin,
                          const MlrtOnnxConvertOptions *options,
                          MlrtOnnxPackage *package, MlrtError *error)
{
  MlrtOnnxGraph *graph = NULL;
  MlrtStatus st;

  memset (package, 0, sizeof *package);
  st = mlrt_onnx_read_buffer (data, size, origin, &graph, error);
  if (st == MLRT_OK)
    st = convert_graph (graph, options, package, error);
  mlrt_onnx_graph_free (graph);
  if (st != MLRT_OK)
    {
      MlrtOnnxProblems keep = package->problems;

      package->problems.lines = NULL;
      package->problems.n = 0;
      mlrt_onnx_package_clear (package);
      package->problems = keep;
    }
  return st;
}

MlrtStatus
mlrt_onnx_convert_file (const char *path,
                        const MlrtOnnxConvertOptions *options,
                        MlrtOnnxPackage *package, MlrtError *error)
{
  uint8_t *data = NULL;
  size_t size = 0;
  MlrtStatus st;

  memset (package, 0, sizeof *package);
  st = mlrt_read_file (path, &data, &size, error);
  if (st == MLRT_OK)
    st = mlrt_onnx_convert_buffer (data, size, path, options, package, error);
  free (data);
  return st;
}
