/*
 * model-info.c: reads a model's description without loading it
 * (model-info.h): the spec as its frontend parses it, the files' size,
 * and the summaries mlrt-info prints, weights by encoding and layers by
 * op. Nothing is compiled or decoded, so describing a large model costs
 * one read of its spec.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiled.h"
#include "frontends/json/json-frontend.h"
#include "model-info.h"
#if defined(MLRT_INFO_HAVE_ONNX)
#include "onnx-convert.h"
#endif

const char *
mlrt_model_file_kind_name (MlrtModelFileKind kind)
{
  switch (kind)
    {
    case MLRT_MODEL_FILE_PACKAGE: return "package";
    case MLRT_MODEL_FILE_COMPILED: return "compiled";
    case MLRT_MODEL_FILE_ARCHIVE: return "archive";
    case MLRT_MODEL_FILE_ONNX: return "onnx";
    default: break;
    }
  return "unknown";
}

const char *
mlrt_model_info_type (const MlrtModelInfo *info)
{
  return info->spec.n_class_labels > 0 ? "neural network classifier"
                                       : "neural network";
}

int
mlrt_feature_type_is_image (MlrtFeatureType type)
{
  return type == MLRT_TYPE_GRAY8 || type == MLRT_TYPE_GRAY16_HALF
         || type == MLRT_TYPE_BGRA8;
}

const char *
mlrt_feature_scalar_type (MlrtFeatureType type)
{
  switch (type)
    {
    case MLRT_TYPE_GRAY8:
    case MLRT_TYPE_BGRA8: return "uint8";
    case MLRT_TYPE_GRAY16_HALF:
    case MLRT_TYPE_FLOAT16: return "float16";
    case MLRT_TYPE_INT32: return "int32";
    case MLRT_TYPE_FLOAT32: return "float32";
    case MLRT_TYPE_FLOAT64: return "float64";
    case MLRT_TYPE_INVALID:
    default: break;
    }
  return "invalid";
}

size_t
mlrt_feature_element_count (const MlrtFeatureDescription *d)
{
  size_t n = 1;

  for (int i = 0; i < d->rank; i++)
    n *= (size_t) d->shape[i];
  return n;
}

size_t
mlrt_feature_byte_size (const MlrtFeatureDescription *d)
{
  return mlrt_feature_element_count (d)
         * mlrt_feature_type_element_size (d->type);
}

/* A package is a flat directory (model.json, weights.bin); every regular
 * file in it counts. */
static MlrtStatus
directory_size (const char *path, uint64_t *size, MlrtError *error)
{
  DIR *dir = opendir (path);
  struct dirent *e;

  *size = 0;
  if (dir == NULL)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot open: %s",
                           path, strerror (errno));
  while ((e = readdir (dir)) != NULL)
    {
      char *file = mlrt_strdup_printf ("%s/%s", path, e->d_name);
      struct stat st;

      if (file && stat (file, &st) == 0 && S_ISREG (st.st_mode))
        *size += (uint64_t) st.st_size;
      free (file);
    }
  closedir (dir);
  return MLRT_OK;
}

static MlrtStatus
read_package (MlrtModelInfo *info, MlrtError *error)
{
  MlrtPackageFiles files;
  MlrtStatus st = mlrt_package_read (info->path, &files, error);

  if (st != MLRT_OK)
    return st;
  st = mlrt_json_spec_read ((const char *) files.json, files.json_size,
                            files.json_path, 0, &mlrt_op_table, &info->spec,
                            error);
  mlrt_package_clear (&files);
  return st == MLRT_OK ? directory_size (info->path, &info->size_on_disk,
                                         error)
                       : st;
}

static int
has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);

  return n >= m && strcmp (s + n - m, suffix) == 0;
}

#if defined(MLRT_INFO_HAVE_ONNX)
static MlrtStatus
read_onnx (MlrtModelInfo *info, const MlrtModelInfoOptions *options,
           MlrtError *error)
{
  size_t n = options ? options->n_input_shapes : 0;
  MlrtOnnxInputShape *shapes = calloc (n + 1, sizeof *shapes);
  MlrtOnnxConvertOptions convert;
  MlrtOnnxPackage package;
  char *stem = mlrt_path_stem (info->path);
  MlrtStatus st = MLRT_OK;
  size_t parsed = 0;

  if (shapes == NULL || stem == NULL)
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (; st == MLRT_OK && parsed < n; parsed++)
    st = mlrt_onnx_parse_input_shape (options->input_shapes[parsed],
                                      &shapes[parsed], error);
  mlrt_onnx_convert_options_init (&convert);
  convert.shapes = shapes;
  convert.n_shapes = n;
  convert.name = stem;
  memset (&package, 0, sizeof package);
  if (st == MLRT_OK)
    st = mlrt_onnx_convert_file (info->path, &convert, &package, error);
  if (st == MLRT_OK)
    st = mlrt_json_spec_read (package.model_json, strlen (package.model_json),
                              info->path, 0, &mlrt_op_table, &info->spec,
                              error);
  if (st == MLRT_OK)
    st = mlrt_archive_build ((const uint8_t *) package.model_json,
                             strlen (package.model_json), package.weights,
                             package.weights_size, &info->archive,
                             &info->archive_size, error);
  mlrt_onnx_package_clear (&package);
  for (size_t i = 0; i < parsed; i++)
    mlrt_onnx_input_shape_clear (&shapes[i]);
  free (shapes);
  free (stem);
  return st;
}
#endif

static MlrtStatus
read_file (MlrtModelInfo *info, const MlrtModelInfoOptions *options,
           MlrtError *error)
{
  const char *path = info->path;
  MlrtCompiledView view;
  uint8_t *data = NULL;
  size_t size = 0;
  MlrtStatus st = mlrt_read_file (path, &data, &size, error);

  if (st != MLRT_OK)
    return st;
  info->size_on_disk = size;
  if (size >= MLRT_COMPILED_MAGIC_SIZE
      && memcmp (data, MLRT_COMPILED_MAGIC, MLRT_COMPILED_MAGIC_SIZE) == 0)
    {
      info->kind = MLRT_MODEL_FILE_COMPILED;
      st = mlrt_compiled_view (data, size, path, &view, error);
      if (st == MLRT_OK)
        st = mlrt_json_spec_read (view.spec, view.spec_size, path, 1,
                                  &mlrt_op_table, &info->spec, error);
    }
  else if (mlrt_is_archive (data, size))
    {
      info->kind = MLRT_MODEL_FILE_ARCHIVE;
      st = mlrt_archive_view (data, size, path, &view, error);
      if (st == MLRT_OK)
        st = mlrt_json_spec_read (view.spec, view.spec_size, path, 0,
                                  &mlrt_op_table, &info->spec, error);
    }
  else if (has_suffix (path, ".onnx"))
    {
      info->kind = MLRT_MODEL_FILE_ONNX;
#if defined(MLRT_INFO_HAVE_ONNX)
      st = read_onnx (info, options, error);
#else
      st = mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                           "%s: this mlrt was built without the ONNX "
                           "importer", path);
#endif
    }
  else
    st = mlrt_set_error (error, MLRT_ERROR_FORMAT,
                         "%s: not a model package (a directory), a compiled "
                         "model, a package archive or an .onnx file", path);
  free (data);
  return st;
}

static MlrtEncodingSummary *
encoding_entry (MlrtModelInfo *info, const char *name)
{
  MlrtEncodingSummary *e;

  for (size_t i = 0; i < info->n_encodings; i++)
    if (strcmp (info->encodings[i].encoding, name) == 0)
      return &info->encodings[i];
  e = realloc (info->encodings, (info->n_encodings + 1) * sizeof *e);
  if (e == NULL)
    return NULL;
  info->encodings = e;
  e = &e[info->n_encodings];
  memset (e, 0, sizeof *e);
  e->encoding = mlrt_strdup (name);
  if (e->encoding == NULL)
    return NULL;
  info->n_encodings++;
  return e;
}

static MlrtStatus
summarise_weights (MlrtModelInfo *info, MlrtError *error)
{
  for (size_t i = 0; i < info->spec.n_layers; i++)
    {
      const MlrtLayer *l = &info->spec.layers[i];
      MlrtEncodingSummary *seen[MLRT_MAX_WEIGHTS];
      int n_seen = 0;

      for (int j = 0; j < l->n_weights; j++)
        {
          const MlrtWeight *w = &l->weights[j];
          char buf[32];
          MlrtEncodingSummary *e
            = encoding_entry (info, mlrt_encoding_name (w, buf, sizeof buf));
          int k = 0;

          if (e == NULL)
            return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                   "out of memory");
          e->n_weights++;
          e->n_values += mlrt_weight_count (w);
          e->bytes += w->size;
          info->n_parameters += mlrt_weight_count (w);
          info->weights_bytes += w->size;
          while (k < n_seen && seen[k] != e)
            k++;
          if (k == n_seen)
            {
              seen[n_seen++] = e;
              e->n_layers++;
            }
        }
    }
  return MLRT_OK;
}

static int
compare_op_counts (const void *a, const void *b)
{
  const MlrtOpCount *x = a, *y = b;

  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return strcmp (x->op, y->op);
}

static MlrtStatus
count_ops (MlrtModelInfo *info, MlrtError *error)
{
  info->ops = calloc (info->spec.n_layers + 1, sizeof *info->ops);
  if (info->ops == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < info->spec.n_layers; i++)
    {
      const char *op = info->spec.layers[i].op->name;
      size_t k = 0;

      while (k < info->n_ops && strcmp (info->ops[k].op, op) != 0)
        k++;
      if (k == info->n_ops)
        info->ops[info->n_ops++].op = op;
      info->ops[k].count++;
    }
  qsort (info->ops, info->n_ops, sizeof *info->ops, compare_op_counts);
  return MLRT_OK;
}

MlrtStatus
mlrt_model_info_read (const char *path, const MlrtModelInfoOptions *options,
                      MlrtModelInfo *info, MlrtError *error)
{
  struct stat st_buf;
  MlrtStatus st;

  memset (info, 0, sizeof *info);
  if (path == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "no model given");
  if (stat (path, &st_buf) != 0)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot open: %s", path,
                           strerror (errno));
  info->path = mlrt_strdup (path);
  if (info->path == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  info->format_version = MLRT_MODEL_FORMAT_VERSION;
  info->needs_mlrt = MLRT_MODEL_FORMAT_FIRST_RELEASE;
  if (S_ISDIR (st_buf.st_mode))
    {
      info->kind = MLRT_MODEL_FILE_PACKAGE;
      st = read_package (info, error);
    }
  else
    st = read_file (info, options, error);
  if (st == MLRT_OK)
    st = summarise_weights (info, error);
  if (st == MLRT_OK)
    st = count_ops (info, error);
  if (st != MLRT_OK)
    mlrt_model_info_clear (info);
  return st;
}

void
mlrt_model_info_clear (MlrtModelInfo *info)
{
  free (info->path);
  mlrt_spec_clear (&info->spec);
  for (size_t i = 0; i < info->n_encodings; i++)
    free (info->encodings[i].encoding);
  free (info->encodings);
  free (info->ops);
  free (info->archive);
  memset (info, 0, sizeof *info);
}
