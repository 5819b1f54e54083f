/*
 * gen-package.c: one model package in the making: the model.json tree
 * (json-c keeps keys in insertion order, so the text is stable) and the
 * weights blob with every tensor at a 64-byte aligned offset.
 */
#include "gen-package.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WEIGHT_ALIGN 64

struct GenPackage {
  char *name;
  json_object *root;
  json_object *metadata;
  json_object *inputs;
  json_object *outputs;
  json_object *layers;
  json_object *last_weights;   /* "weights" of the last layer, or NULL */
  json_object *last_layer;
  GenBytes blob;
};

GenPackage *
gen_package_new (const char *name, const char *description,
                 const char *compute_precision, const char *storage_precision)
{
  GenPackage *pkg = calloc (1, sizeof *pkg);
  pkg->name = strdup (name);
  pkg->root = json_object_new_object ();
  json_object_object_add (pkg->root, "format_version",
                          json_object_new_int (1));
  json_object_object_add (pkg->root, "name", json_object_new_string (name));

  pkg->metadata = json_object_new_object ();
  json_object *m = pkg->metadata;
  json_object_object_add (m, "author",
                          json_object_new_string ("mlscope examples"));
  json_object_object_add (m, "description",
                          json_object_new_string (description));
  json_object_object_add (m, "version", json_object_new_string ("1.0"));
  json_object_object_add (m, "license", json_object_new_string ("MIT"));
  json_object_object_add (m, "class_labels", json_object_new_array ());
  json_object_object_add (m, "compute_precision",
                          json_object_new_string (compute_precision));
  json_object_object_add (m, "storage_precision",
                          json_object_new_string (storage_precision));
  json_object_object_add (pkg->root, "metadata", m);

  pkg->inputs = json_object_new_array ();
  pkg->outputs = json_object_new_array ();
  pkg->layers = json_object_new_array ();
  json_object_object_add (pkg->root, "inputs", pkg->inputs);
  json_object_object_add (pkg->root, "outputs", pkg->outputs);
  json_object_object_add (pkg->root, "layers", pkg->layers);
  return pkg;
}

void
gen_package_free (GenPackage *pkg)
{
  if (!pkg)
    return;
  json_object_put (pkg->root);
  gen_bytes_clear (&pkg->blob);
  free (pkg->name);
  free (pkg);
}

const char *
gen_package_name (const GenPackage *pkg)
{
  return pkg->name;
}

static json_object *
int_array (int n, const int *values)
{
  json_object *array = json_object_new_array ();
  for (int i = 0; i < n; i++)
    json_object_array_add (array, json_object_new_int (values[i]));
  return array;
}

static json_object *
feature (const char *name, const char *type, int rank, const int *shape,
         const char *description)
{
  json_object *f = json_object_new_object ();
  json_object_object_add (f, "name", json_object_new_string (name));
  json_object_object_add (f, "type", json_object_new_string (type));
  json_object_object_add (f, "shape", int_array (rank, shape));
  if (description)
    json_object_object_add (f, "description",
                            json_object_new_string (description));
  return f;
}

void
gen_package_add_image_input (GenPackage *pkg, const char *name,
                             const char *type, int height, int width,
                             const char *description)
{
  int shape[2] = { height, width };
  json_object_array_add (pkg->inputs,
                         feature (name, type, 2, shape, description));
}

void
gen_package_add_image_output (GenPackage *pkg, const char *name,
                              const char *type, int height, int width,
                              const char *description)
{
  int shape[2] = { height, width };
  json_object_array_add (pkg->outputs,
                         feature (name, type, 2, shape, description));
}

void
gen_package_add_vector_output (GenPackage *pkg, const char *name,
                               const char *type, int length,
                               const char *description)
{
  json_object_array_add (pkg->outputs,
                         feature (name, type, 1, &length, description));
}

void
gen_package_set_class_labels (GenPackage *pkg, const char *const *labels,
                              int n)
{
  json_object *array = json_object_new_array ();
  for (int i = 0; i < n; i++)
    json_object_array_add (array, json_object_new_string (labels[i]));
  json_object_object_add (pkg->metadata, "class_labels", array);
}

json_object *
gen_package_add_layer (GenPackage *pkg, const char *name, const char *op,
                       const char *input, const char *input2,
                       const char *output)
{
  json_object *layer = json_object_new_object ();
  json_object_object_add (layer, "name", json_object_new_string (name));
  json_object_object_add (layer, "op", json_object_new_string (op));
  json_object *ins = json_object_new_array ();
  json_object_array_add (ins, json_object_new_string (input));
  if (input2)
    json_object_array_add (ins, json_object_new_string (input2));
  json_object_object_add (layer, "inputs", ins);
  json_object *outs = json_object_new_array ();
  json_object_array_add (outs, json_object_new_string (output));
  json_object_object_add (layer, "outputs", outs);
  json_object *params = json_object_new_object ();
  json_object_object_add (layer, "params", params);
  json_object_array_add (pkg->layers, layer);
  pkg->last_layer = layer;
  pkg->last_weights = NULL;
  return params;
}

void
gen_package_add_weight (GenPackage *pkg, const char *key, GenEncoding enc,
                        int rank, const int *shape, const float *values)
{
  if (!pkg->last_weights)
    {
      pkg->last_weights = json_object_new_object ();
      json_object_object_add (pkg->last_layer, "weights", pkg->last_weights);
    }
  size_t n = 1;
  for (int i = 0; i < rank; i++)
    n *= (size_t) shape[i];

  size_t pad = (WEIGHT_ALIGN - pkg->blob.len % WEIGHT_ALIGN) % WEIGHT_ALIGN;
  gen_bytes_append_zeros (&pkg->blob, pad);
  size_t offset = pkg->blob.len;
  gen_encode (enc, values, n, (size_t) shape[0], &pkg->blob);
  size_t size = pkg->blob.len - offset;

  char buf[16];
  const char *enc_name = gen_encoding_name (enc, buf, sizeof buf);
  json_object *w = json_object_new_object ();
  json_object_object_add (w, "shape", int_array (rank, shape));
  json_object_object_add (w, "encoding", json_object_new_string (enc_name));
  json_object_object_add (w, "offset",
                          json_object_new_int64 ((int64_t) offset));
  json_object_object_add (w, "size", json_object_new_int64 ((int64_t) size));
  json_object_object_add (pkg->last_weights, key, w);
}

int
gen_write_file_atomic (const char *path, const void *data, size_t len)
{
  size_t tmp_len = strlen (path) + 16;
  char *tmp = malloc (tmp_len);
  snprintf (tmp, tmp_len, "%s.tmp%ld", path, (long) getpid ());
  FILE *f = fopen (tmp, "wb");
  if (!f)
    {
      fprintf (stderr, "mlrt-gen-models: cannot create %s: %s\n", tmp,
               strerror (errno));
      free (tmp);
      return -1;
    }
  int ok = fwrite (data, 1, len, f) == len;
  ok = (fclose (f) == 0) && ok;
  if (!ok || rename (tmp, path) != 0)
    {
      fprintf (stderr, "mlrt-gen-models: cannot write %s: %s\n", path,
               strerror (errno));
      unlink (tmp);
      free (tmp);
      return -1;
    }
  free (tmp);
  return 0;
}

int
gen_package_write (const GenPackage *pkg, const char *dir)
{
  size_t len = strlen (dir) + strlen (pkg->name) + 64;
  char *pkg_dir = malloc (len), *path = malloc (len);
  int ret = -1;

  snprintf (pkg_dir, len, "%s/%s.mlpackage", dir, pkg->name);
  if (mkdir (pkg_dir, 0755) != 0 && errno != EEXIST)
    {
      fprintf (stderr, "mlrt-gen-models: cannot create directory %s: %s\n",
               pkg_dir, strerror (errno));
      goto out;
    }
  const char *text = json_object_to_json_string_ext (
      pkg->root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                 | JSON_C_TO_STRING_NOSLASHESCAPE);
  size_t text_len = strlen (text);
  char *with_newline = malloc (text_len + 2);
  memcpy (with_newline, text, text_len);
  with_newline[text_len] = '\n';

  snprintf (path, len, "%s/model.json", pkg_dir);
  int json_ok = gen_write_file_atomic (path, with_newline, text_len + 1) == 0;
  free (with_newline);
  if (!json_ok)
    goto out;
  snprintf (path, len, "%s/weights.bin", pkg_dir);
  if (gen_write_file_atomic (path, pkg->blob.data ? (void *) pkg->blob.data
                                                  : (void *) "",
                             pkg->blob.len) != 0)
    goto out;
  ret = 0;
out:
  free (pkg_dir);
  free (path);
  return ret;
}
