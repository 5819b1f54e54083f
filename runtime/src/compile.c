/*
 * compile.c: turns a model package into a compiled model and stores it in
 * the cache under CACHE_DIR/HASH/NAME.mlmodelc, HASH being FNV-1a 64 of
 * model.json and weights.bin: the same content compiles once, a changed
 * one compiles again. A package archive held in memory is compiled in
 * memory, past the cache. The package is read by the JSON frontend
 * (frontends/json/), compiled by the passes every frontend shares
 * (mlrt_compile_spec, passes/passes.h) and written in the compiled format
 * (compiled.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiled.h"
#include "frontends/json/json-frontend.h"
#include "mlrt-internal.h"
#include "passes/passes.h"
#include "trace.h"

/* Part of the cache key: bump it when compiling changes its output (fusion
 * rules, compiled spec fields), so stale compiled models are not reused. */
#define MLRT_COMPILER_VERSION "mlrt-compiler-3"

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

/* Compiles the package's files into a compiled spec (JSON, free() it). */
static MlrtStatus
compile_files (const MlrtPackageFiles *files, char **compiled,
               MlrtError *error)
{
  MlrtSpec spec;
  MlrtStatus st;

  st = mlrt_json_spec_read ((const char *) files->json, files->json_size,
                            files->json_path, 0, &mlrt_op_table, &spec,
                            error);
  if (st != MLRT_OK)
    return st;
  st = mlrt_compile_spec (&spec, files->weights, files->weights_size,
                          files->json_path, files->weights_path, compiled,
                          error);
  mlrt_spec_clear (&spec);
  return st;
}

/* Compiles the package's files into `out_path`. */
static MlrtStatus
build (const MlrtPackageFiles *files, const char *out_path, MlrtError *error)
{
  char *compiled = NULL;
  MlrtStatus st = compile_files (files, &compiled, error);

  if (st == MLRT_OK)
    st = mlrt_compiled_write (out_path, compiled, files->weights,
                              files->weights_size, error);
  free (compiled);
  return st;
}

static MlrtStatus
compile_package (const char *package, const char *cache_dir,
                 char **compiled_path, int *cache_hit, MlrtError *error)
{
  char *dir = cache_dir ? strdup (cache_dir) : mlrt_cache_dir_default ();
  char *stem = mlrt_path_stem (package);
  char *key_dir = NULL, *out_path = NULL;
  MlrtPackageFiles files;
  MlrtStatus st;

  st = mlrt_package_read (package, &files, error);
  if (st == MLRT_OK)
    {
      uint64_t sizes[2] = { files.json_size, files.weights_size };
      uint64_t h = mlrt_hash64 (MLRT_HASH_START, MLRT_COMPILER_VERSION,
                                 sizeof MLRT_COMPILER_VERSION);
      h = mlrt_hash64 (h, sizes, sizeof sizes);
      h = mlrt_hash64 (h, files.json, files.json_size);
      h = mlrt_hash64 (h, files.weights, files.weights_size);
      key_dir = mlrt_strdup_printf ("%s/%016llx", dir, (unsigned long long) h);
      out_path = mlrt_strdup_printf ("%s/%s.mlmodelc", key_dir, stem);
      if (access (out_path, R_OK) == 0)
        *cache_hit = 1;
      else
        {
          *cache_hit = 0;
          st = mlrt_mkdir_p (key_dir, error);
          if (st == MLRT_OK)
            st = build (&files, out_path, error);
        }
      mlrt_package_clear (&files);
    }
  if (st == MLRT_OK)
    {
      *compiled_path = out_path;
      out_path = NULL;
    }
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

/* No cache here: a model kept in memory (decrypted, say) must not land
 * on disk, and the archive's bytes are at hand for every load anyway. */
MlrtStatus
mlrt_compile_archive (const char *name, const uint8_t *data, size_t size,
                      uint64_t parent_span, uint64_t model_id,
                      char **compiled, const uint8_t **weights,
                      size_t *weights_size, MlrtError *error)
{
  uint64_t span = mlrt_trace_activity_begin (parent_span, model_id, name,
                                             MLRT_ACTIVITY_COMPILE, 0);
  MlrtPackageFiles files;
  MlrtStatus st = mlrt_package_view_archive (name, data, size, &files,
                                             error);

  if (st == MLRT_OK)
    {
      st = compile_files (&files, compiled, error);
      *weights = files.weights;
      *weights_size = files.weights_size;
      mlrt_package_clear (&files);
    }
  mlrt_trace_activity_end (span, st, MLRT_CACHE_NONE);
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
