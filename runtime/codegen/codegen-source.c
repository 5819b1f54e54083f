/*
 * codegen-source.c: the generated source. It keeps what the model was
 * when the code was generated (each feature's name, type and shape) and
 * refuses, at load, a model file that differs, so a stale interface fails
 * with a message rather than feeding a model the wrong bytes. The rest is
 * the untyped API (mlrt.h) called the one right way for this model.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "mls-version.h"

static void
put_table (FILE *out, const char *what, size_t count,
           const MlrtFeature *features)
{
  fprintf (out, "static const MlrtFeatureDescription %s[] = {\n", what);
  for (size_t i = 0; i < count; i++)
    {
      const MlrtFeatureDescription *d = &features[i].d;
      fprintf (out, "  { \"");
      codegen_put_string (out, d->name);
      fprintf (out, "\", %s, %d, {", codegen_type_enum (d->type), d->rank);
      for (int k = 0; k < d->rank; k++)
        fprintf (out, "%s %" PRId64, k ? "," : "", d->shape[k]);
      fprintf (out, " }, NULL },\n");
    }
  fprintf (out, "};\n");
}

static void
put_tables (FILE *out, const MlrtModelInfo *info, const CodegenNames *n)
{
  const MlrtSpec *s = &info->spec;

  fprintf (out, "/* The model as it was generated from: a model file whose "
           "features differ\n * is refused at load. */\n");
  put_table (out, "model_inputs", s->n_inputs, s->inputs);
  put_table (out, "model_outputs", s->n_outputs, s->outputs);
  fprintf (out, "#define N_INPUTS %zu\n#define N_OUTPUTS %zu\n\n",
           s->n_inputs, s->n_outputs);
  fprintf (out, "#define MODEL_FILE \"");
  codegen_put_string (out, n->base);
  fprintf (out, "\"\n\n/* Where %s_load looks beside the program, relative "
           "to its folder. */\nstatic const char *const search_dirs[] = "
           "{\n  \".\",\n", n->name);
  for (size_t i = 0; i < n->n_search_dirs; i++)
    {
      fprintf (out, "  \"");
      codegen_put_string (out, n->search_dirs[i]);
      fprintf (out, "\",\n");
    }
  fprintf (out, "};\n\n");
  if (s->n_class_labels == 0)
    return;
  fprintf (out, "const char *const %s_class_labels[%s_N_CLASS_LABELS] = {\n",
           n->name, n->upper);
  for (size_t i = 0; i < s->n_class_labels; i++)
    {
      fprintf (out, "  \"");
      codegen_put_string (out, s->class_labels[i]);
      fprintf (out, "\",\n");
    }
  fprintf (out, "};\n\n");
}

/* The part that is the same for every model, named for this one. */
static const char common[] =
  "static MlrtStatus\n"
  "fail (MlrtError *error, MlrtStatus status, const char *what,\n"
  "      const char *message)\n"
  "{\n"
  "  if (error != NULL)\n"
  "    {\n"
  "      error->status = status;\n"
  "      snprintf (error->message, sizeof error->message, \"%s: %s\", what,\n"
  "                message);\n"
  "    }\n"
  "  return status;\n"
  "}\n"
  "\n"
  "static int\n"
  "same_features (size_t n, const MlrtFeatureDescription *want, size_t n_got,\n"
  "               const MlrtFeatureDescription *got)\n"
  "{\n"
  "  if (n != n_got)\n"
  "    return 0;\n"
  "  for (size_t i = 0; i < n; i++)\n"
  "    if (strcmp (want[i].name, got[i].name) != 0\n"
  "        || want[i].type != got[i].type || want[i].rank != got[i].rank\n"
  "        || memcmp (want[i].shape, got[i].shape,\n"
  "                   (size_t) want[i].rank * sizeof want[i].shape[0]) != 0)\n"
  "      return 0;\n"
  "  return 1;\n"
  "}\n"
  "\n"
  "/* DIR/MODEL_FILE.mlmodelc, else DIR/MODEL_FILE.mlpackage, into `path`. */\n"
  "static int\n"
  "find_in (const char *dir, size_t dir_len, char *path, size_t size)\n"
  "{\n"
  "  static const char *const suffixes[] = { \".mlmodelc\", \".mlpackage\" };\n"
  "\n"
  "  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)\n"
  "    {\n"
  "      int n = snprintf (path, size, \"%.*s/%s%s\", (int) dir_len, dir,\n"
  "                        MODEL_FILE, suffixes[i]);\n"
  "      if (n > 0 && (size_t) n < size && access (path, R_OK) == 0)\n"
  "        return 1;\n"
  "    }\n"
  "  return 0;\n"
  "}\n"
  "\n"
  "/* $MLRT_MODEL_PATH's folders, then the program's folder and the folders\n"
  " * the model was generated to be installed in, relative to it. */\n"
  "static int\n"
  "find_model (char *path, size_t size)\n"
  "{\n"
  "  const char *env = getenv (\"MLRT_MODEL_PATH\");\n"
  "  char exe[PATH_MAX], dir[PATH_MAX];\n"
  "  ssize_t len;\n"
  "  char *slash;\n"
  "\n"
  "  while (env != NULL && *env != '\\0')\n"
  "    {\n"
  "      size_t n = strcspn (env, \":\");\n"
  "      if (n > 0 && find_in (env, n, path, size))\n"
  "        return 1;\n"
  "      env += n + (env[n] == ':');\n"
  "    }\n"
  "  len = readlink (\"/proc/self/exe\", exe, sizeof exe - 1);\n"
  "  if (len <= 0)\n"
  "    return 0;\n"
  "  exe[len] = '\\0';\n"
  "  slash = strrchr (exe, '/');\n"
  "  if (slash == NULL)\n"
  "    return 0;\n"
  "  *slash = '\\0';\n"
  "  for (size_t i = 0; i < sizeof search_dirs / sizeof search_dirs[0]; i++)\n"
  "    {\n"
  "      int n = snprintf (dir, sizeof dir, \"%s/%s\", exe, search_dirs[i]);\n"
  "      if (n > 0 && (size_t) n < sizeof dir\n"
  "          && find_in (dir, (size_t) n, path, size))\n"
  "        return 1;\n"
  "    }\n"
  "  return 0;\n"
  "}\n"
  "\n"
  "static MlrtStatus\n"
  "put_values (MlrtFeatures *features, size_t n,\n"
  "            const MlrtFeatureDescription *descs, void *const *data,\n"
  "            MlrtError *error)\n"
  "{\n"
  "  for (size_t i = 0; i < n; i++)\n"
  "    {\n"
  "      MlrtValue v;\n"
  "      MlrtStatus st;\n"
  "\n"
  "      if (data[i] == NULL)\n"
  "        return fail (error, MLRT_ERROR_INVALID_ARGUMENT, descs[i].name,\n"
  "                     \"the field is not set\");\n"
  "      memset (&v, 0, sizeof v);\n"
  "      v.type = descs[i].type;\n"
  "      v.rank = descs[i].rank;\n"
  "      memcpy (v.shape, descs[i].shape, sizeof v.shape);\n"
  "      v.data = data[i];\n"
  "      st = mlrt_features_set (features, descs[i].name, &v, error);\n"
  "      if (st != MLRT_OK)\n"
  "        return st;\n"
  "    }\n"
  "  return MLRT_OK;\n"
  "}\n"
  "\n"
  "/* One prediction of the values `in` into the backings `out`. */\n"
  "static MlrtStatus\n"
  "predict_values (MlrtModel *model, void *const *in, void *const *out,\n"
  "                const MlrtPredictOptions *options, MlrtError *error)\n"
  "{\n"
  "  MlrtFeatures *inputs = mlrt_features_new ();\n"
  "  MlrtFeatures *backings = mlrt_features_new ();\n"
  "  MlrtFeatures *outputs = NULL;\n"
  "  MlrtPredictOptions backed = { NULL };\n"
  "  MlrtStatus st = MLRT_OK;\n"
  "\n"
  "  if (inputs == NULL || backings == NULL)\n"
  "    st = fail (error, MLRT_ERROR_NO_MEMORY, MODEL_FILE, \"out of memory\");\n"
  "  if (st == MLRT_OK)\n"
  "    st = put_values (inputs, N_INPUTS, model_inputs, in, error);\n"
  "  if (st == MLRT_OK)\n"
  "    st = put_values (backings, N_OUTPUTS, model_outputs, out, error);\n"
  "  if (options != NULL)\n"
  "    backed = *options;\n"
  "  backed.output_backings = backings;\n"
  "  if (st == MLRT_OK)\n"
  "    st = mlrt_model_predict (model, inputs, &backed, &outputs, error);\n"
  "  mlrt_features_free (outputs);\n"
  "  mlrt_features_free (backings);\n"
  "  mlrt_features_free (inputs);\n"
  "  return st;\n"
  "}\n"
  "\n";

static void
put_load (FILE *out, const CodegenNames *n)
{
  const char *m = n->name;

  codegen_put_call (out, n, CODEGEN_CALL_LOAD_FILE, 1, "\n");
  fprintf (out,
    "{\n"
    "  MlrtModel *loaded = NULL;\n  const MlrtModelDescription *d;\n"
    "  %s *model;\n\n"
    "  if (mlrt_model_load (path, config, &loaded, error) != MLRT_OK)\n"
    "    return NULL;\n"
    "  d = mlrt_model_description (loaded);\n"
    "  if (!same_features (N_INPUTS, model_inputs, d->n_inputs, d->inputs)\n"
    "      || !same_features (N_OUTPUTS, model_outputs, d->n_outputs,\n"
    "                         d->outputs))\n"
    "    {\n      mlrt_model_unload (loaded);\n"
    "      fail (error, MLRT_ERROR_FORMAT, path,\n"
    "            \"not the model \" MODEL_FILE \".h was generated from: its \"\n"
    "            \"inputs or outputs differ (regenerate the interface)\");\n"
    "      return NULL;\n    }\n"
    "  model = malloc (sizeof *model);\n"
    "  if (model == NULL)\n    {\n      mlrt_model_unload (loaded);\n"
    "      fail (error, MLRT_ERROR_NO_MEMORY, path, \"out of memory\");\n"
    "      return NULL;\n    }\n"
    "  model->model = loaded;\n  return model;\n}\n\n", m);
  codegen_put_call (out, n, CODEGEN_CALL_LOAD, 1, "\n");
  fprintf (out,
    "{\n"
    "  MlrtConfiguration config;\n  char path[PATH_MAX];\n\n"
    "  if (!find_model (path, sizeof path))\n    {\n"
    "      fail (error, MLRT_ERROR_IO, MODEL_FILE \".mlmodelc\",\n"
    "            \"not found in $MLRT_MODEL_PATH nor beside the program\");\n"
    "      return NULL;\n    }\n"
    "  mlrt_configuration_init (&config);\n"
    "  config.compute_units = units;\n"
    "  return %s_load_file (path, &config, error);\n}\n\n", m);
  codegen_put_call (out, n, CODEGEN_CALL_FREE, 1, "\n");
  fprintf (out, "{\n  if (model == NULL)\n    return;\n"
           "  mlrt_model_unload (model->model);\n  free (model);\n}\n\n");
}

static void
put_fields (FILE *out, const char *prefix, size_t count, char **fields)
{
  for (size_t i = 0; i < count; i++)
    fprintf (out, "      %s->%s,\n", prefix, fields[i]);
}

static void
put_predict (FILE *out, const MlrtModelInfo *info, const CodegenNames *n)
{
  const char *m = n->name;

  codegen_put_call (out, n, CODEGEN_CALL_PREDICT, 1, "\n");
  fprintf (out,
    "{\n"
    "  if (model == NULL || input == NULL || output == NULL)\n"
    "    return fail (error, MLRT_ERROR_INVALID_ARGUMENT, \"%s_predict\",\n"
    "                 \"NULL model, input or output\");\n"
    "  if (options != NULL && options->output_backings != NULL)\n"
    "    return fail (error, MLRT_ERROR_INVALID_ARGUMENT, \"%s_predict\",\n"
    "                 \"the output's fields are the output backings: \"\n"
    "                 \"options->output_backings must be NULL\");\n"
    "  {\n    void *const in[N_INPUTS] = {\n",
    m, m);
  put_fields (out, "(void *) input", info->spec.n_inputs, n->input_fields);
  fprintf (out, "    };\n    void *const out[N_OUTPUTS] = {\n");
  put_fields (out, "output", info->spec.n_outputs, n->output_fields);
  fprintf (out, "    };\n\n    return predict_values (model->model, in, out, "
           "options, error);\n  }\n}\n\n");
}

static void
put_output_memory (FILE *out, const MlrtModelInfo *info,
                   const CodegenNames *n)
{
  const char *m = n->name;

  codegen_put_call (out, n, CODEGEN_CALL_OUTPUT_ALLOC, 1, "\n{\n");
  for (size_t i = 0; i < info->spec.n_outputs; i++)
    {
      char *u = codegen_upper (n->output_fields[i]);
      fprintf (out, "  output->%s = malloc (%s_%s_BYTES);\n",
               n->output_fields[i], n->upper, u);
      free (u);
    }
  fprintf (out, "  if (");
  for (size_t i = 0; i < info->spec.n_outputs; i++)
    fprintf (out, "%soutput->%s == NULL", i ? " || " : "",
             n->output_fields[i]);
  fprintf (out, ")\n    {\n      %s_output_free (output);\n"
           "      return fail (error, MLRT_ERROR_NO_MEMORY, MODEL_FILE,\n"
           "                   \"out of memory\");\n    }\n"
           "  return MLRT_OK;\n}\n\n", m);
  codegen_put_call (out, n, CODEGEN_CALL_OUTPUT_FREE, 1, "\n{\n");
  for (size_t i = 0; i < info->spec.n_outputs; i++)
    fprintf (out, "  free (output->%s);\n  output->%s = NULL;\n",
             n->output_fields[i], n->output_fields[i]);
  fprintf (out, "}\n");
}

void
codegen_write_source (FILE *out, const MlrtModelInfo *info,
                      const CodegenNames *n)
{
  fprintf (out, "/*\n * %s.c: the typed interface to the mlrt model \"",
           n->base);
  codegen_put_comment (out, info->spec.name);
  fprintf (out, "\" (%s.h),\n * generated by mlrt-codegen %s. Regenerate "
           "it, do not edit it.\n */\n", n->base, MLS_VERSION);
  /* readlink, access and PATH_MAX under -std=c11 too */
  fprintf (out, "#define _POSIX_C_SOURCE 200809L\n\n"
           "#include <limits.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
           "#include <string.h>\n#include <unistd.h>\n\n"
           "#include \"%s.h\"\n\n", n->base);
  put_tables (out, info, n);
  fprintf (out, "%s", common);
  put_load (out, n);
  put_predict (out, info, n);
  put_output_memory (out, info, n);
}
