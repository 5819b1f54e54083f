/*
 * codegen-header.c: the generated header, the part an app reads. It
 * opens with the model's metadata, then names each input and output with
 * its type, shape and size (as constants, as typed fields, and as an
 * X-macro list for code that walks them all), then the four calls.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "mls-version.h"

static void
put_field (FILE *out, const char *label, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  fprintf (out, " * %-18s", label);
  codegen_put_comment (out, value);
  fprintf (out, "\n");
}

/* The file's opening comment: the model's metadata, and where the
 * interface finds the model. The source is named by its base name only,
 * so the generated files do not depend on where the model was. */
static void
put_metadata (FILE *out, const MlrtModelInfo *info, const CodegenNames *n)
{
  const MlrtSpec *s = &info->spec;
  const char *slash = strrchr (n->source, '/');
  char *precision = mlrt_strdup_printf (
      "%s compute, %s weights", s->compute_precision ? s->compute_precision
                                                     : "-",
      s->storage_precision ? s->storage_precision : "-");
  char *type = mlrt_strdup_printf ("%s, %zu layers",
                                   mlrt_model_info_type (info), s->n_layers);

  fprintf (out, "/*\n * %s.h: a typed interface to an mlrt model, generated "
           "by\n * mlrt-codegen %s. Regenerate it, do not edit it, when the "
           "model\n * changes.\n *\n", n->base, MLS_VERSION);
  if (s->description && *s->description)
    {
      fprintf (out, " * ");
      codegen_put_comment (out, s->description);
      fprintf (out, "\n *\n");
    }
  put_field (out, "Model", s->name);
  put_field (out, "Generated from", slash ? slash + 1 : n->source);
  put_field (out, "Author", s->author);
  put_field (out, "Version", s->version);
  put_field (out, "License", s->license);
  for (size_t i = 0; i < s->n_user_metadata; i++)
    put_field (out, s->user_metadata_keys[i], s->user_metadata_values[i]);
  put_field (out, "Precision", precision);
  put_field (out, "Type", type);
  fprintf (out, " *\n * %s_load() looks for the model file\n"
           " *   %s.mlmodelc (or %s.mlpackage)\n"
           " * in each folder of $MLRT_MODEL_PATH, then in the running "
           "program's folder", n->name, n->base, n->base);
  for (size_t i = 0; i < n->n_search_dirs; i++)
    fprintf (out, ",\n * then in %s from there", n->search_dirs[i]);
  fprintf (out, ".\n * See docs/integrating.md.\n */\n");
  free (type);
  free (precision);
}

static void
put_feature_doc (FILE *out, const MlrtFeatureDescription *d,
                 const CodegenNames *n, const char *upper_field)
{
  fprintf (out, "  /* ");
  if (d->description && *d->description)
    {
      codegen_put_comment (out, d->description);
      fprintf (out, ".\n   * ");
    }
  if (mlrt_feature_type_is_image (d->type))
    fprintf (out, "\"%s\": %s image, %" PRId64 " x %" PRId64 " pixels",
             d->name, mlrt_feature_type_name (d->type), d->shape[1],
             d->shape[0]);
  else
    {
      fprintf (out, "\"%s\": %s array [", d->name,
               mlrt_feature_type_name (d->type));
      for (int i = 0; i < d->rank; i++)
        fprintf (out, "%s%" PRId64, i ? ", " : "", d->shape[i]);
      fprintf (out, "]");
    }
  fprintf (out, ",\n   * %s_%s_COUNT values, row-major. */\n", n->upper,
           upper_field);
}

static void
put_constants (FILE *out, const MlrtFeatureDescription *d,
               const CodegenNames *n, const char *field)
{
  char *u = codegen_upper (field);

  fprintf (out, "#define %s_%s_NAME \"", n->upper, u);
  codegen_put_string (out, d->name);
  fprintf (out, "\"\n#define %s_%s_RANK %d\n", n->upper, u, d->rank);
  for (int i = 0; i < d->rank; i++)
    fprintf (out, "#define %s_%s_DIM%d %" PRId64 "\n", n->upper, u, i,
             d->shape[i]);
  if (mlrt_feature_type_is_image (d->type))
    fprintf (out, "#define %s_%s_HEIGHT %" PRId64 "\n"
             "#define %s_%s_WIDTH %" PRId64 "\n", n->upper, u, d->shape[0],
             n->upper, u, d->shape[1]);
  fprintf (out, "#define %s_%s_COUNT %zu\n#define %s_%s_BYTES %zu\n",
           n->upper, u, codegen_c_count (d), n->upper, u,
           mlrt_feature_byte_size (d));
  free (u);
}

static void
put_struct (FILE *out, size_t count, const MlrtFeature *features,
            char **fields, const CodegenNames *n, int input)
{
  if (input)
    fprintf (out, "/* One prediction's inputs: each field points at the "
             "caller's memory,\n * which %s_predict() only reads. */\n",
             n->name);
  else
    fprintf (out, "/* One prediction's outputs: each field points at the "
             "caller's memory,\n * which %s_predict() fills (output "
             "backings: no copy is made).\n * %s_output_alloc() points them "
             "at new memory. */\n", n->name, n->name);
  fprintf (out, "typedef struct {\n");
  for (size_t i = 0; i < count; i++)
    {
      char *u = codegen_upper (fields[i]);
      if (i > 0)
        fprintf (out, "\n");
      put_feature_doc (out, &features[i].d, n, u);
      fprintf (out, "  %s%s *%s;\n", input ? "const " : "",
               codegen_c_type (features[i].d.type), fields[i]);
      free (u);
    }
  fprintf (out, "} %s_%s;\n\n", n->name, input ? "input" : "output");
}

static void
put_xmacro (FILE *out, size_t count, const MlrtFeature *features,
            char **fields, const CodegenNames *n, const char *what)
{
  fprintf (out, "#define %s_%s(X)", n->upper, what);
  for (size_t i = 0; i < count; i++)
    {
      char *u = codegen_upper (fields[i]);
      fprintf (out, " \\\n  X (%s, %s, %s, %s_%s_COUNT, %s_%s_NAME)",
               fields[i], codegen_c_type (features[i].d.type),
               codegen_type_enum (features[i].d.type), n->upper, u, n->upper,
               u);
      free (u);
    }
  fprintf (out, "\n");
}

static void
put_labels (FILE *out, const MlrtSpec *s, const CodegenNames *n)
{
  if (s->n_class_labels == 0)
    return;
  fprintf (out, "/* The class labels, in the order of the classifier's "
           "outputs. */\n#define %s_N_CLASS_LABELS %zu\n"
           "extern const char *const %s_class_labels[%s_N_CLASS_LABELS];\n\n",
           n->upper, s->n_class_labels, n->name, n->upper);
}

/* The four calls and the output helpers; `own_line` and `end` make them
 * declarations (here) or definitions' heads (codegen-source.c). */
void
codegen_put_call (FILE *out, const CodegenNames *n, CodegenCall call,
                  int own_line, const char *end)
{
  const char *m = n->name;
  char *type = mlrt_strdup_printf ("%s *", m);
  char *fn = NULL, *p[5] = { NULL };
  const char *ret = "MlrtStatus";
  size_t n_params = 0;

  switch (call)
    {
    case CODEGEN_CALL_LOAD:
      ret = type;
      fn = mlrt_strdup_printf ("%s_load", m);
      p[n_params++] = mlrt_strdup ("MlrtComputeUnits units");
      break;
    case CODEGEN_CALL_LOAD_FILE:
      ret = type;
      fn = mlrt_strdup_printf ("%s_load_file", m);
      p[n_params++] = mlrt_strdup ("const char *path");
      p[n_params++] = mlrt_strdup ("const MlrtConfiguration *config");
      break;
    case CODEGEN_CALL_PREDICT:
      fn = mlrt_strdup_printf ("%s_predict", m);
      p[n_params++] = mlrt_strdup_printf ("%s *model", m);
      p[n_params++] = mlrt_strdup_printf ("const %s_input *input", m);
      p[n_params++] = mlrt_strdup_printf ("%s_output *output", m);
      p[n_params++] = mlrt_strdup ("const MlrtPredictOptions *options");
      break;
    case CODEGEN_CALL_FREE:
      ret = "void";
      fn = mlrt_strdup_printf ("%s_free", m);
      p[n_params++] = mlrt_strdup_printf ("%s *model", m);
      break;
    case CODEGEN_CALL_OUTPUT_ALLOC:
      fn = mlrt_strdup_printf ("%s_output_alloc", m);
      p[n_params++] = mlrt_strdup_printf ("%s_output *output", m);
      break;
    case CODEGEN_CALL_OUTPUT_FREE:
    default:
      ret = "void";
      fn = mlrt_strdup_printf ("%s_output_free", m);
      p[n_params++] = mlrt_strdup_printf ("%s_output *output", m);
      break;
    }
  if (call != CODEGEN_CALL_FREE && call != CODEGEN_CALL_OUTPUT_FREE)
    p[n_params++] = mlrt_strdup ("MlrtError *error");
  codegen_put_signature (out, ret, own_line, fn, (const char *const *) p,
                         n_params, end);
  for (size_t i = 0; i < n_params; i++)
    free (p[i]);
  free (fn);
  free (type);
}

static void
put_calls (FILE *out, const CodegenNames *n)
{
  const char *m = n->name;

  fprintf (out,
    "/* A loaded model; `model` is there for the untyped API (plans, layer\n"
    " * observers, asynchronous predictions). */\n"
    "typedef struct {\n  MlrtModel *model;\n} %s;\n\n"
    "/* Finds the model file (see the top of this header) and loads it for\n"
    " * `units`; NULL, with `error` filled, when it is missing or is not the\n"
    " * model this interface was generated from. Free with %s_free(). */\n",
    m, m);
  codegen_put_call (out, n, CODEGEN_CALL_LOAD, 0, ";\n\n");
  fprintf (out, "/* Loads the model from `path` (a package or a compiled "
           "model);\n * `config` may be NULL for the defaults. */\n");
  codegen_put_call (out, n, CODEGEN_CALL_LOAD_FILE, 0, ";\n\n");
  fprintf (out, "/* Runs one prediction of `input` into `output`, whose "
           "fields must all\n * be set. `options` may be NULL; its "
           "output_backings must be NULL (the\n * output's fields are the "
           "backings). */\n");
  codegen_put_call (out, n, CODEGEN_CALL_PREDICT, 0, ";\n\n");
  fprintf (out, "/* Unloads the model. NULL is ignored. */\n");
  codegen_put_call (out, n, CODEGEN_CALL_FREE, 0, ";\n\n");
  fprintf (out, "/* Points every field of `output` at new memory of its "
           "size; frees what\n * they point at. */\n");
  codegen_put_call (out, n, CODEGEN_CALL_OUTPUT_ALLOC, 0, ";\n");
  codegen_put_call (out, n, CODEGEN_CALL_OUTPUT_FREE, 0, ";\n\n");
}

void
codegen_write_header (FILE *out, const MlrtModelInfo *info,
                      const CodegenNames *n)
{
  const MlrtSpec *s = &info->spec;

  put_metadata (out, info, n);
  fprintf (out, "#ifndef %s_H\n#define %s_H\n\n#include <stdint.h>\n\n"
           "#include <mlrt/mlrt.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n"
           "#endif\n\n", n->upper, n->upper);
  fprintf (out, "/* Each input's and output's name (as the model spells "
           "it), rank, dims,\n * and values (COUNT, of the field's type) "
           "and bytes. */\n");
  for (size_t i = 0; i < s->n_inputs; i++)
    put_constants (out, &s->inputs[i].d, n, n->input_fields[i]);
  for (size_t i = 0; i < s->n_outputs; i++)
    put_constants (out, &s->outputs[i].d, n, n->output_fields[i]);
  fprintf (out, "\n");
  put_struct (out, s->n_inputs, s->inputs, n->input_fields, n, 1);
  put_struct (out, s->n_outputs, s->outputs, n->output_fields, n, 0);
  fprintf (out, "/* The inputs and the outputs as X (FIELD, C_TYPE, "
           "MLRT_TYPE, COUNT, NAME),\n * for code that walks them all. */\n");
  put_xmacro (out, s->n_inputs, s->inputs, n->input_fields, n, "INPUTS");
  put_xmacro (out, s->n_outputs, s->outputs, n->output_fields, n,
              "OUTPUTS");
  fprintf (out, "\n");
  put_labels (out, s, n);
  put_calls (out, n);
  fprintf (out, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s_H */\n",
           n->upper);
}
