/*
 * json-package.c: the sources of a model package's model.json and
 * weights.bin (docs/model-format.md), for the compile cache to hash and
 * the JSON reader to parse: a package directory, or a package archive
 * held in memory (compiled.h), which is how a package is compiled and
 * loaded without a file. Also mlrt_package_archive, which makes such an
 * archive from a directory.
 */
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "json-frontend.h"

static MlrtStatus
name_files (const char *package, MlrtPackageFiles *files, MlrtError *error)
{
  memset (files, 0, sizeof *files);
  files->json_path = mlrt_strdup_printf ("%s/model.json", package);
  files->weights_path = mlrt_strdup_printf ("%s/weights.bin", package);
  if (files->json_path == NULL || files->weights_path == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  return MLRT_OK;
}

MlrtStatus
mlrt_package_read (const char *package, MlrtPackageFiles *files,
                   MlrtError *error)
{
  MlrtStatus st = name_files (package, files, error);

  if (st == MLRT_OK)
    st = mlrt_read_file (files->json_path, &files->owned[0],
                         &files->json_size, error);
  if (st == MLRT_OK)
    st = mlrt_read_file (files->weights_path, &files->owned[1],
                         &files->weights_size, error);
  files->json = files->owned[0];
  files->weights = files->owned[1];
  if (st != MLRT_OK)
    mlrt_package_clear (files);
  return st;
}

MlrtStatus
mlrt_package_view_archive (const char *name, const uint8_t *data,
                           size_t size, MlrtPackageFiles *files,
                           MlrtError *error)
{
  MlrtCompiledView view;
  MlrtStatus st = name_files (name, files, error);

  if (st == MLRT_OK)
    st = mlrt_archive_view (data, size, name, &view, error);
  if (st != MLRT_OK)
    {
      mlrt_package_clear (files);
      return st;
    }
  files->json = (const uint8_t *) view.spec;
  files->json_size = view.spec_size;
  files->weights = view.weights;
  files->weights_size = view.weights_size;
  return MLRT_OK;
}

void
mlrt_package_clear (MlrtPackageFiles *files)
{
  free (files->json_path);
  free (files->weights_path);
  free (files->owned[0]);
  free (files->owned[1]);
  memset (files, 0, sizeof *files);
}

MlrtStatus
mlrt_package_archive (const char *package_path, void **data, size_t *size,
                      MlrtError *error)
{
  MlrtPackageFiles files;
  uint8_t *out = NULL;
  MlrtStatus st;

  if (package_path == NULL || data == NULL || size == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_package_archive: NULL path or result");
  st = mlrt_package_read (package_path, &files, error);
  if (st != MLRT_OK)
    return st;
  st = mlrt_archive_build (files.json, files.json_size, files.weights,
                           files.weights_size, &out, size, error);
  mlrt_package_clear (&files);
  *data = out;
  return st;
}
