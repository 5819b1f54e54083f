/*
 * json-package.c: reads a model package's model.json and weights.bin
 * (docs/model-format.md), for the compile cache to hash and the JSON
 * reader to parse.
 */
#include <stdlib.h>
#include <string.h>

#include "json-frontend.h"

MlrtStatus
mlrt_package_read (const char *package, MlrtPackageFiles *files,
                   MlrtError *error)
{
  MlrtStatus st;

  memset (files, 0, sizeof *files);
  files->json_path = mlrt_strdup_printf ("%s/model.json", package);
  files->weights_path = mlrt_strdup_printf ("%s/weights.bin", package);
  if (files->json_path == NULL || files->weights_path == NULL)
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  else
    st = mlrt_read_file (files->json_path, &files->json, &files->json_size,
                         error);
  if (st == MLRT_OK)
    st = mlrt_read_file (files->weights_path, &files->weights,
                         &files->weights_size, error);
  if (st != MLRT_OK)
    mlrt_package_clear (files);
  return st;
}

void
mlrt_package_clear (MlrtPackageFiles *files)
{
  free (files->json_path);
  free (files->weights_path);
  free (files->json);
  free (files->weights);
  memset (files, 0, sizeof *files);
}
