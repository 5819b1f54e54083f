/*
 * compile.c: turns a model package into a compiled model (validate the spec,
 * infer shapes, check weights, fuse layers) and stores it in the cache under
 * CACHE_DIR/HASH/NAME.mlmodelc, HASH being FNV-1a 64 of model.json and
 * weights.bin: the same content compiles once, a changed one compiles
 * again. The compiled file is MLRTC001, a little-endian uint64 spec length,
 * the compiled spec (JSON), then weights.bin unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlrt-internal.h"
#include "trace.h"

/* Part of the cache key: bump it when compiling changes its output (fusion
 * rules, compiled spec fields), so stale compiled models are not reused. */
#define MLRT_COMPILER_VERSION "mlrt-compiler-1"

char *
mlrt_path_stem (const char *path)
{
  size_t len = strlen (path);
  const char *base, *dot;

  while (len > 1 && path[len - 1] == '/')
    len--;
  base = path;
  for (size_t i = 0; i < len; i++)
    if (path[i] == '/' && i + 1 < len)
      base = path + i + 1;
  len -= (size_t) (base - path);
  dot = memrchr (base, '.', len);
  if (dot && dot > base)
    len = (size_t) (dot - base);
  return strndup (base, len);
}

MlrtStatus
mlrt_spec_check_weights (const MlrtSpec *spec, const uint8_t *blob,
                         size_t blob_size, const char *origin,
                         MlrtError *error)
{
  for (size_t i = 0; i < spec->n_layers; i++)
    for (int j = 0; j < spec->layers[i].n_weights; j++)
      {
        char what[512];
        snprintf (what, sizeof what, "%s: layer '%s' weight '%s'", origin,
                  spec->layers[i].name, spec->layers[i].weights[j].name);
        MlrtStatus st = mlrt_weight_check (&spec->layers[i].weights[j], blob,
                                           blob_size, what, error);
        if (st != MLRT_OK)
          return st;
      }
  return MLRT_OK;
}

/* Validates and fuses the package, then writes the compiled file. */
static MlrtStatus
build (const char *package, const uint8_t *json, size_t json_size,
       const uint8_t *weights, size_t weights_size, const char *out_path,
       MlrtError *error)
{
  char *json_origin = mlrt_strdup_printf ("%s/model.json", package);
  char *weights_origin = mlrt_strdup_printf ("%s/weights.bin", package);
  MlrtSpec spec;
  MlrtStatus st;
  char *compiled = NULL;

  st = mlrt_spec_parse ((const char *) json, json_size, json_origin, 0, &spec,
                        error);
  if (st == MLRT_OK)
    {
      st = mlrt_spec_infer (&spec, json_origin, error);
      if (st == MLRT_OK)
        st = mlrt_spec_check_weights (&spec, weights, weights_size,
                                      weights_origin, error);
      if (st == MLRT_OK)
        st = mlrt_spec_fuse (&spec, json_origin, error);
      if (st == MLRT_OK)
        {
          compiled = mlrt_spec_to_json (&spec);
          if (compiled == NULL)
            st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                 "out of memory");
        }
      mlrt_spec_clear (&spec);
    }
  if (st == MLRT_OK)
    {
      uint64_t len = strlen (compiled);
      uint8_t len_le[8];
      for (int i = 0; i < 8; i++)
        len_le[i] = (uint8_t) (len >> (8 * i));
      const void *parts[] = { MLRT_COMPILED_MAGIC, len_le, compiled,
                              weights };
      size_t sizes[] = { 8, 8, len, weights_size };
      st = mlrt_write_file_atomic (out_path, parts, sizes, 4, error);
    }
  free (compiled);
  free (json_origin);
  free (weights_origin);
  return st;
}

static MlrtStatus
compile_package (const char *package, const char *cache_dir,
                 char **compiled_path, int *cache_hit, MlrtError *error)
{
  char *json_path = mlrt_strdup_printf ("%s/model.json", package);
  char *weights_path = mlrt_strdup_printf ("%s/weights.bin", package);
  char *dir = cache_dir ? strdup (cache_dir) : mlrt_cache_dir_default ();
  char *stem = mlrt_path_stem (package);
  char *key_dir = NULL, *out_path = NULL;
  uint8_t *json = NULL, *weights = NULL;
  size_t json_size = 0, weights_size = 0;
  MlrtStatus st;

  st = mlrt_read_file (json_path, &json, &json_size, error);
  if (st == MLRT_OK)
    st = mlrt_read_file (weights_path, &weights, &weights_size, error);
  if (st == MLRT_OK)
    {
      uint64_t sizes[2] = { json_size, weights_size };
      uint64_t h = mlrt_fnv1a64 (MLRT_FNV_OFFSET, MLRT_COMPILER_VERSION,
                                 sizeof MLRT_COMPILER_VERSION);
      h = mlrt_fnv1a64 (h, sizes, sizeof sizes);
      h = mlrt_fnv1a64 (h, json, json_size);
      h = mlrt_fnv1a64 (h, weights, weights_size);
      key_dir = mlrt_strdup_printf ("%s/%016llx", dir, (unsigned long long) h);
      out_path = mlrt_strdup_printf ("%s/%s.mlmodelc", key_dir, stem);
      if (access (out_path, R_OK) == 0)
        *cache_hit = 1;
      else
        {
          *cache_hit = 0;
          st = mlrt_mkdir_p (key_dir, error);
          if (st == MLRT_OK)
            st = build (package, json, json_size, weights, weights_size,
                        out_path, error);
        }
    }
  if (st == MLRT_OK)
    {
      *compiled_path = out_path;
      out_path = NULL;
    }
  free (json);
  free (weights);
  free (json_path);
  free (weights_path);
  free (dir);
  free (stem);
  free (key_dir);
  free (out_path);
  return st;
}

MlrtStatus
mlrt_compile_internal (const char *package_path, const char *cache_dir,
                       uint64_t parent_span, uint64_t model_id,
                       const char *model_name, char **compiled_path,
                       int *cache_hit, MlrtError *error)
{
  uint64_t span = mlrt_trace_activity_begin (parent_span, model_id,
                                             model_name,
                                             MLRT_ACTIVITY_COMPILE, 0);
  int hit = 0;
  MlrtStatus st = compile_package (package_path, cache_dir, compiled_path,
                                   &hit, error);

  mlrt_trace_activity_end (span, st, st != MLRT_OK ? MLRT_CACHE_NONE
                                     : hit ? MLRT_CACHE_HIT : MLRT_CACHE_MISS);
  if (cache_hit)
    *cache_hit = hit;
  return st;
}

MlrtStatus
mlrt_compile (const char *package_path, const char *cache_dir,
              char **compiled_path, int *cache_hit, MlrtError *error)
{
  char *name;
  MlrtStatus st;

  if (package_path == NULL || compiled_path == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_compile: NULL package path or result");
  name = mlrt_path_stem (package_path);
  st = mlrt_compile_internal (package_path, cache_dir, 0, 0, name,
                              compiled_path, cache_hit, error);
  free (name);
  return st;
}
